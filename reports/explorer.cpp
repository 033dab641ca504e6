#include "reports/explorer.hpp"

#include <fmt/format.h>

#include "reports/xml.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

// The explorer's data: the trace's events, the states, and what the
// violation names (its device and reactive are highlighted).
json explorer_data(const json& violation) {
  const json& states = violation.at("states");
  return {{"events", violation.at("trace").at("events")},
          {"frames", states.value("frames", json::array())},
          {"capped", states.value("capped", false)},
          {"violation", {{"device", violation.value("device", json())}, {"reactive", violation.value("reactive", json())}}}};
}

// No '<' or '&' outside strings the CDATA section covers; no "]]>" at all.
constexpr std::string_view kScript = R"js(
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  // Events that name the reactive a rule of Fig. 8 is applied to right now.
  var NAMES_REACTIVE = { reevaluated: 1, written: 1, skipped: 1, merged: 1, restored: 1, action_started: 1 };

  function h(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function clip(text, n) { return text.length > n ? text.slice(0, n - 1) + '\u2026' : text; }
  function names(ids, reactives) {
    return '{' + ids.map(function (id) { return reactives[id] ? reactives[id].label : 'r' + id; }).join(', ') + '}';
  }
  // Frames leave out (null) what did not change since the previous frame.
  function expand(frames) {
    var devices = [], messages = [];
    return frames.map(function (f) {
      devices = f.devices.map(function (d, i) { return d === null ? devices[i] : d; });
      if (f.messages !== null) messages = f.messages;
      return { event: f.event, healing: f.healing, devices: devices, messages: messages };
    });
  }
  function eventText(ev, index) {
    if (!ev) return 'the world after creation';
    var who = ev.device === null ? '' : ' \u00b7 d' + ev.device;
    var values = ev.values && ev.values.length ? ' \u00b7 [' + ev.values.join(', ') + ']' : '';
    return '#' + index + ' \u00b7 step ' + ev.step + who + ' \u00b7 ' + ev.kind + ' \u00b7 ' + ev.text + values;
  }

  function Explorer(root) {
    var data = JSON.parse(root.querySelector('script.explorer-data').textContent);
    this.root = root;
    this.events = data.events;
    this.frames = expand(data.frames);
    this.violation = data.violation || {};
    this.graphDevice = -1;  // -1: follow the device of the current event
    this.at = 0;
    this.$ = function (cls) { return root.querySelector('.' + cls); };
    var self = this;
    this.$('first').addEventListener('click', function () { self.show(0); });
    this.$('prev').addEventListener('click', function () { self.show(self.at - 1); });
    this.$('next').addEventListener('click', function () { self.show(self.at + 1); });
    this.$('last').addEventListener('click', function () { self.show(self.frames.length - 1); });
    this.$('to-healing').addEventListener('click', function () { self.show(self.healingStart()); });
    this.$('slider').setAttribute('max', String(this.frames.length - 1));
    this.$('slider').addEventListener('input', function (e) { self.show(Number(e.target.value)); });
    root.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowRight') { self.show(self.at + 1); e.preventDefault(); }
      if (e.key === 'ArrowLeft') { self.show(self.at - 1); e.preventDefault(); }
    });
    if (data.capped) this.$('capped-note').textContent = 'The states stop here: the counterexample is longer than the explorer records.';
    this.buildSteps();
    this.buildGraphChoice();
    this.show(0);
  }

  Explorer.prototype.healingStart = function () {
    for (var k = 0; k !== this.frames.length; ++k) if (this.frames[k].healing) return k;
    return this.frames.length - 1;
  };

  Explorer.prototype.event = function (k) {
    var i = this.frames[k].event;
    return i >= 0 ? this.events[i] : null;
  };

  Explorer.prototype.buildSteps = function () {
    var self = this, list = this.$('steps'), healing = null;
    this.stepItems = [];
    this.frames.forEach(function (f, k) {
      var ev = self.event(k);
      var li = h('li', 'step k-' + (ev ? ev.kind : 'start'), clip(eventText(ev, f.event), 140));
      li.setAttribute('data-frame', String(k));
      li.addEventListener('click', function () { self.show(k); });
      self.stepItems.push(li);
      if (f.healing) {
        if (!healing) {
          healing = h('details', 'healing-steps');
          var count = self.frames.filter(function (g) { return g.healing; }).length;
          healing.appendChild(h('summary', '', 'healing phase: ' + count + ' states (collapsed)'));
          healing.appendChild(h('ol', 'healing-list'));
          list.parentNode.appendChild(healing);
        }
        healing.lastChild.appendChild(li);
      } else {
        list.appendChild(li);
      }
    });
    this.healing = healing;
  };

  Explorer.prototype.buildGraphChoice = function () {
    var self = this, box = this.$('graph-choice');
    var devices = this.frames.length ? this.frames[0].devices.length : 0;
    function option(value, text) {
      var b = h('button', 'graph-device', text);
      b.setAttribute('data-device', String(value));
      b.addEventListener('click', function () { self.graphDevice = value; self.show(self.at); });
      box.appendChild(b);
    }
    option(-1, 'follow the event');
    for (var d = 0; d !== devices; ++d) option(d, 'd' + d);
  };

  Explorer.prototype.show = function (k) {
    if (!this.frames.length) return;
    k = Math.max(0, Math.min(this.frames.length - 1, k));
    this.at = k;
    var frame = this.frames[k], prev = k ? this.frames[k - 1] : null, ev = this.event(k);
    this.root.setAttribute('data-frame', String(k));
    this.root.setAttribute('data-event', String(frame.event));
    this.$('position').textContent = 'state ' + k + ' of ' + (this.frames.length - 1) + (frame.healing ? ' \u00b7 healing phase' : '');
    this.$('slider').value = String(k);
    var current = this.$('current-event');
    current.textContent = eventText(ev, frame.event);
    current.className = 'current-event k-' + (ev ? ev.kind : 'start');
    this.$('prev').disabled = k === 0;
    this.$('next').disabled = k === this.frames.length - 1;
    this.renderDevices(frame, prev, ev);
    this.renderMessages(frame, ev);
    this.renderGraph(frame, ev);
    this.stepItems.forEach(function (li, i) { li.classList.toggle('current', i === k); });
    if (this.healing) this.healing.open = this.healing.open || frame.healing;
    var li = this.stepItems[k], box = li.closest('.step-box');
    if (box) box.scrollTop = Math.max(0, li.offsetTop - box.offsetTop - box.clientHeight / 2);
  };

  // The reactive the current event applies a rule to, on its device.
  Explorer.prototype.focus = function (ev) {
    return ev && NAMES_REACTIVE[ev.kind] && ev.reactive ? { device: ev.device, reactive: ev.reactive } : null;
  };

  Explorer.prototype.renderDevices = function (frame, prev, ev) {
    var box = this.$('devices'), focus = this.focus(ev), violation = this.violation;
    box.textContent = '';
    frame.devices.forEach(function (d, i) {
      var panel = h('div', 'device' + (d.up ? '' : ' down') + (ev && ev.device === i ? ' acting' : ''));
      panel.setAttribute('data-device', String(i));
      var state = !d.up ? 'crashed: its store is lost, its snapshot \u03a3 survives'
        : d.propagating ? 'propagating: A = ' + names(d.active, d.reactives) + ', P = ' + names(d.processed, d.reactives)
        : 'idle';
      panel.appendChild(h('div', 'device-head', 'd' + i + ' \u2014 ' + state + ' \u00b7 \u03a3 after ' + d.commits + (d.commits === 1 ? ' commit' : ' commits')));
      var table = h('table', 'store');
      table.setAttribute('data-device', String(i));
      var head = h('tr');
      ['reactive', 'kind', 'value \u00b5(r).val', 'snapshot \u03a3(r)'].forEach(function (t) { head.appendChild(h('th', '', t)); });
      table.appendChild(head);
      var before = prev ? prev.devices[i] : null;
      d.reactives.forEach(function (r, id) {
        var tr = h('tr', 'reactive');
        tr.setAttribute('data-reactive', r.label);
        tr.setAttribute('data-id', String(id));
        if (d.active.indexOf(id) !== -1) tr.classList.add('active');
        if (d.processed.indexOf(id) !== -1) tr.classList.add('processed');
        if (focus && focus.device === i && focus.reactive === r.label) tr.classList.add('current');
        if (violation.reactive === r.label) tr.classList.add('violating');
        var was = before && before.reactives[id];
        if (was && was.value !== r.value) tr.classList.add('changed');
        var marks = (d.active.indexOf(id) !== -1 ? ' A' : '') + (d.processed.indexOf(id) !== -1 ? ' P' : '');
        var name = h('td', 'name', r.label + (r.distributed ? ' \u2194' : ''));
        if (marks) name.appendChild(h('span', 'marks', marks));
        tr.appendChild(name);
        tr.appendChild(h('td', 'kind', r.kind));
        var value = h('td', 'value', clip(r.value, 90));
        value.title = r.value;
        tr.appendChild(value);
        var sigma = d.snapshot[String(id)];
        tr.appendChild(h('td', 'sigma', sigma === undefined ? '' : clip(sigma, 60)));
        table.appendChild(tr);
      });
      if (!d.up) {
        Object.keys(d.snapshot).forEach(function (id) {
          var tr = h('tr', 'reactive down');
          tr.appendChild(h('td', 'name', 'r' + id));
          tr.appendChild(h('td', 'kind', ''));
          tr.appendChild(h('td', 'value', '(lost)'));
          tr.appendChild(h('td', 'sigma', clip(d.snapshot[id], 60)));
          table.appendChild(tr);
        });
      }
      panel.appendChild(table);
      box.appendChild(panel);
    });
  };

  Explorer.prototype.renderMessages = function (frame, ev) {
    var box = this.$('messages');
    box.textContent = '';
    if (!frame.messages.length) {
      box.appendChild(h('p', 'empty', 'no messages in flight'));
      return;
    }
    var table = h('table', 'in-flight'), head = h('tr');
    ['#', 'from', 'to', 'reactive', 'payload'].forEach(function (t) { head.appendChild(h('th', '', t)); });
    table.appendChild(head);
    frame.messages.forEach(function (m) {
      var tr = h('tr', ev && ev.message === m.id ? 'current' : '');
      tr.setAttribute('data-message', String(m.id));
      [String(m.id), 'd' + m.from, 'd' + m.to, m.name].forEach(function (t) { tr.appendChild(h('td', '', t)); });
      var payload = h('td', 'value', clip(m.value, 90));
      payload.title = m.value;
      tr.appendChild(payload);
      table.appendChild(tr);
    });
    box.appendChild(table);
  };

  // Layered: a reactive one row below its deepest input (inputs(r, µ) of the
  // device shown, so a flatten's current inner edge is drawn).
  Explorer.prototype.renderGraph = function (frame, ev) {
    var box = this.$('graph'), device = this.graphDevice;
    if (device === -1) device = ev && ev.device !== null ? ev.device : 0;
    this.root.querySelectorAll('.graph-device').forEach(function (b) {
      b.classList.toggle('chosen', Number(b.getAttribute('data-device')) === this.graphDevice);
    }, this);
    box.textContent = '';
    var d = frame.devices[device];
    this.$('graph-title').textContent = 'dataflow graph on d' + device;
    if (!d || !d.up) { box.appendChild(h('p', 'empty', 'd' + device + ' is crashed')); return; }
    var rs = d.reactives, level = rs.map(function () { return 0; });
    for (var pass = 0; pass !== rs.length; ++pass) {
      rs.forEach(function (r, id) {
        r.inputs.forEach(function (input) { if (input !== id) level[id] = Math.max(level[id], level[input] + 1); });
      });
    }
    var rows = [], W = 170, H = 46, GX = 18, GY = 34, M = 10;
    rs.forEach(function (r, id) { (rows[level[id]] = rows[level[id]] || []).push(id); });
    var pos = [], width = 0;
    rows.forEach(function (row, l) {
      (row || []).forEach(function (id, i) { pos[id] = { x: M + i * (W + GX), y: M + l * (H + GY) }; });
      width = Math.max(width, M * 2 + (row || []).length * (W + GX));
    });
    var height = M * 2 + rows.length * (H + GY);
    var g = svg('svg', { class: 'explorer-graph', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height });
    var marker = svg('marker', { id: this.root.id + '-arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.appendChild(svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#546e7a' }));
    var defs = svg('defs', {});
    defs.appendChild(marker);
    g.appendChild(defs);
    var arrow = 'url(#' + this.root.id + '-arrow)';
    rs.forEach(function (r, id) {
      r.inputs.forEach(function (input, i) {
        if (input === id || !pos[input]) return;
        var dynamic = r.kind === 'flatten' && i > 0;
        g.appendChild(svg('line', { class: 'edge' + (dynamic ? ' dynamic' : ''), x1: pos[input].x + W / 2, y1: pos[input].y + H,
          x2: pos[id].x + W / 2, y2: pos[id].y, stroke: '#546e7a', 'stroke-dasharray': dynamic ? '5,3' : 'none', 'marker-end': arrow }));
      });
    });
    var focus = this.focus(ev), violation = this.violation;
    rs.forEach(function (r, id) {
      var cls = 'node k-' + r.kind;
      if (d.active.indexOf(id) !== -1) cls += ' active';
      if (d.processed.indexOf(id) !== -1) cls += ' processed';
      if (focus && focus.device === device && focus.reactive === r.label) cls += ' current';
      if (violation.reactive === r.label) cls += ' violating';
      var node = svg('g', { class: cls, 'data-reactive': r.label });
      node.appendChild(svg('title', {}, r.label + ' (' + r.kind + ') = ' + r.value));
      node.appendChild(svg('rect', { x: pos[id].x, y: pos[id].y, width: W, height: H, rx: 6 }));
      node.appendChild(svg('text', { x: pos[id].x + W / 2, y: pos[id].y + 18, 'text-anchor': 'middle', class: 'label' }, clip(r.label, 22)));
      node.appendChild(svg('text', { x: pos[id].x + W / 2, y: pos[id].y + 35, 'text-anchor': 'middle', class: 'value' }, clip(r.value, 26)));
      g.appendChild(node);
    });
    box.appendChild(g);
  };

  var explorers = [];
  document.querySelectorAll('section.explorer[data-states]').forEach(function (root) {
    explorers.push(new Explorer(root));
  });
  // report.html#step=K[&prev=J]: click "next" K times on the first explorer
  // (then "prev" J times), as the browser test and the screenshots do.
  var hash = window.location.hash;
  var steps = /(?:^#|[#&])step=(\d+)/.exec(hash), back = /[#&]prev=(\d+)/.exec(hash);
  if (steps && explorers.length) {
    var root = explorers[0].root, i;
    for (i = 0; i !== Number(steps[1]); ++i) root.querySelector('.next').click();
    for (i = 0; back && i !== Number(back[1]); ++i) root.querySelector('.prev').click();
    if (!/noscroll/.test(hash)) root.scrollIntoView();
  }
})();
)js";

constexpr std::string_view kCss = R"(
.explorer { border: 1px solid #cfd8dc; border-radius: 4px; padding: 8px 12px; margin: 12px 0; background: #fcfdfd; }
.explorer h4 { margin: 4px 0 8px 0; font-size: 15px; }
.explorer .controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin-bottom: 6px; }
.explorer button { font-size: 13px; padding: 2px 10px; cursor: pointer; }
.explorer button.chosen { background: #263238; color: #fff; }
.explorer .slider { flex: 1; min-width: 160px; }
.explorer .position { font-variant-numeric: tabular-nums; color: #546e7a; }
.explorer .current-event { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; background: #263238; color: #eceff1; padding: 4px 8px; border-radius: 3px; margin: 4px 0 8px 0; white-space: pre-wrap; }
.explorer .panes { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.explorer .devices { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-start; }
.explorer .device { border: 1px solid #cfd8dc; border-radius: 4px; padding: 4px; background: #fff; }
.explorer .device.acting { border-color: #1565c0; box-shadow: 0 0 0 2px #bbdefb; }
.explorer .device.down { background: #fff5f5; }
.explorer .device-head { font-weight: bold; font-size: 12px; margin: 2px 4px 4px 4px; }
.explorer table.store td, .explorer table.in-flight td { font-size: 12px; padding: 1px 6px; }
.explorer table.store th, .explorer table.in-flight th { font-size: 11px; padding: 1px 6px; }
.explorer td.value, .explorer td.sigma { font-family: "DejaVu Sans Mono", Menlo, monospace; max-width: 420px; overflow-wrap: anywhere; }
.explorer tr.active td { background: #e3f2fd; }
.explorer tr.processed td { background: #e8f5e9; }
.explorer tr.changed td.value { background: #fff59d; }
.explorer tr.current td { background: #ffe082; font-weight: bold; }
.explorer tr.violating td.name { color: #c62828; font-weight: bold; }
.explorer .marks { color: #1565c0; font-size: 10px; font-weight: bold; margin-left: 4px; }
.explorer .step-box { max-height: 260px; overflow: auto; border: 1px solid #eceff1; font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 11px; }
.explorer .step-box ol { margin: 0; padding-left: 8px; list-style: none; }
.explorer li.step { cursor: pointer; padding: 0 4px; white-space: nowrap; }
.explorer li.step.current { background: #ffe082; font-weight: bold; }
.explorer li.k-crashed, .explorer li.k-dropped { color: #c62828; }
.explorer li.k-restarted, .explorer li.k-heal_started { color: #2e7d32; }
.explorer .healing-steps summary { cursor: pointer; color: #2e7d32; padding: 2px 4px; }
.explorer svg.explorer-graph rect { fill: #fff; stroke: #37474f; }
.explorer svg.explorer-graph .k-source rect { fill: #e3f2fd; }
.explorer svg.explorer-graph .k-fold rect { fill: #fff3e0; }
.explorer svg.explorer-graph .k-flatten rect { fill: #f3e5f5; }
.explorer svg.explorer-graph .active rect { stroke: #1565c0; stroke-width: 2; }
.explorer svg.explorer-graph .processed rect { stroke-dasharray: 4,2; }
.explorer svg.explorer-graph .current rect { fill: #ffe082; stroke: #ef6c00; stroke-width: 3; }
.explorer svg.explorer-graph .violating text.label { fill: #c62828; font-weight: bold; }
.explorer svg.explorer-graph text { font-size: 12px; }
.explorer svg.explorer-graph text.value { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 11px; fill: #37474f; }
.explorer .legend { color: #607d8b; font-size: 11px; }
.explorer .empty { color: #90a4ae; font-style: italic; margin: 4px; }
)";

}  // namespace

std::string embeddable_json(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

std::string explorer_section(const json& violation, std::size_t index) {
  const std::string id = fmt::format("explorer-{}", index + 1);
  if (!violation.contains("states") || !violation.at("states").is_object() ||
      violation.at("states").value("frames", json::array()).empty()) {
    return fmt::format(
        "<section class=\"explorer\" id=\"{}\"><h4>State explorer</h4><p class=\"empty\">This report carries no "
        "states for this counterexample (report.violations[{}].states); replay it with the command above.</p>"
        "</section>\n",
        id, index);
  }
  std::string out = fmt::format("<section class=\"explorer\" id=\"{}\" data-states=\"1\" tabindex=\"0\">\n", id);
  out += "<h4>State explorer: step through the counterexample</h4>\n";
  out += "<div class=\"controls\"><button class=\"first\">&#9664;&#9664; start</button>"
         "<button class=\"prev\">&#9664; prev</button><button class=\"next\">next &#9654;</button>"
         "<button class=\"last\">end &#9654;&#9654;</button><button class=\"to-healing\">healing phase</button>"
         "<input type=\"range\" class=\"slider\" min=\"0\" max=\"0\" value=\"0\"/>"
         "<span class=\"position\"></span></div>\n";
  out += "<noscript><p class=\"empty\">The state explorer needs JavaScript; the event table below has every "
         "event.</p></noscript>\n";
  out += "<p class=\"current-event\"></p><p class=\"capped-note note\"></p>\n";
  out += "<p class=\"legend\">Each device's store: blue rows are in A (active), green in P (processed), "
         "amber the reactive this event applies a rule to, yellow a value that just changed; &#8596; marks a "
         "distributed reactive; &#931; is the snapshot that survives a crash. Arrow keys step too.</p>\n";
  out += "<div class=\"devices\"></div>\n";
  out += "<div class=\"panes\">\n<div class=\"graph-pane\"><h5 class=\"graph-title\"></h5>"
         "<div class=\"graph-choice\"></div><div class=\"graph\"></div></div>\n";
  out += "<div class=\"network-pane\"><h5>Messages in flight</h5><div class=\"messages\"></div></div>\n";
  out += "<div class=\"steps-pane\"><h5>Steps</h5><div class=\"step-box\"><ol class=\"steps\"></ol></div></div>\n";
  out += "</div>\n";
  out += fmt::format("<script type=\"application/json\" class=\"explorer-data\">{}</script>\n",
                     embeddable_json(explorer_data(violation)));
  out += "</section>\n";
  return out;
}

std::string_view explorer_script() { return kScript; }
std::string_view explorer_css() { return kCss; }

}  // namespace frsim::reports
