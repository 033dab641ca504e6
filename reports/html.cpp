#include "reports/html.hpp"

#include <set>

#include <fmt/format.h>

#include "reports/dataflow_svg.hpp"
#include "reports/explorer.hpp"
#include "reports/graphviz.hpp"
#include "reports/json_report.hpp"
#include "reports/lamport.hpp"
#include "reports/status.hpp"
#include "reports/xml.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

// No '<' or '&' in here: the page must stay well-formed XML. Event table rows
// are as tall as diagram rows (20px, header 52px) so row i sits beside event i.
constexpr std::string_view kCss = R"(
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #263238; margin: 24px; font-size: 14px; }
h1 { font-size: 22px; margin: 0 0 4px 0; }
h2 { font-size: 18px; border-bottom: 1px solid #cfd8dc; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 16px; margin: 18px 0 8px 0; }
.description { color: #546e7a; margin: 0 0 8px 0; }
.verdict { font-weight: bold; padding: 8px 12px; border-radius: 4px; display: inline-block; }
.verdict.ok { background: #e8f5e9; color: #1b5e20; }
.verdict.fail { background: #ffebee; color: #b71c1c; }
.verdict.incomplete { background: #fff8e1; color: #e65100; }
.exploration { color: #455a64; margin: 6px 0; }
table.values td.label { color: #546e7a; }
table.values td.value { font-family: "DejaVu Sans Mono", Menlo, monospace; }
.summary { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
table { border-collapse: collapse; }
td, th { border: 1px solid #cfd8dc; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #eceff1; }
table.kv th { font-weight: normal; color: #546e7a; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: bold; white-space: nowrap; }
.badge.holds { background: #c8e6c9; color: #1b5e20; }
.badge.violated { background: #ffcdd2; color: #b71c1c; }
.badge.not_checked, .badge.not_judged_further, .badge.not_exercised, .badge.never_reached { background: #eceff1; color: #607d8b; }
.badge.not_violated_incomplete { background: #fff3e0; color: #e65100; }
td.values { font-family: "DejaVu Sans Mono", Menlo, monospace; color: #455a64; }
details.healing { margin-top: 8px; }
details.healing summary { cursor: pointer; color: #2e7d32; font-weight: bold; }
tr.status-violated td { background: #fff5f5; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 12px; }
pre { background: #f5f7f8; padding: 8px; overflow: auto; }
.violation { border-left: 4px solid #c62828; padding-left: 16px; margin-bottom: 32px; }
.replay { background: #263238; color: #eceff1; padding: 6px 10px; display: inline-block; border-radius: 4px; }
.trace { display: flex; gap: 16px; align-items: flex-start; }
.diagram { flex: none; overflow-x: auto; border: 1px solid #cfd8dc; }
.event-list { flex: 1; overflow-x: auto; min-width: 360px; }
table.events td { font-size: 12px; padding: 0 6px; white-space: nowrap; height: 19px; box-sizing: border-box; }
table.events thead th { height: 52px; box-sizing: border-box; vertical-align: bottom; }
table.events tr.hl td { background: #ffebee; font-weight: bold; }
table.events tr.k-crashed td, table.events tr.k-dropped td { color: #c62828; }
table.events tr.k-restarted td, table.events tr.k-heal_started td { color: #2e7d32; }
table.events tr.k-duplicated td { color: #7b1fa2; }
.note { color: #c62828; font-style: italic; }
.graph { overflow: auto; border: 1px solid #cfd8dc; padding: 8px; display: inline-block; max-width: 100%; }
footer { margin-top: 32px; color: #90a4ae; font-size: 12px; }
)";

// Values longer than this show cut in the event table, whole on hover.
constexpr std::size_t kValueCharsMax = 120;

class Page {
 public:
  Page(const json& report, const HtmlOptions& options) : r_(report), options_(options) {}

  std::string render() {
    const std::string scenario = escape_text(r_.at("scenario").get<std::string>());
    out_ += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n";
    out_ += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n";
    out_ += fmt::format("<title>frsim report: {}</title>\n<style>", scenario);
    out_ += kCss;
    out_ += explorer_css();
    out_ += "</style>\n</head>\n<body>\n";
    // The verdict and the violation first: what a reader came for.
    header(scenario);
    violations();
    properties();
    dataflow();
    out_ += "<div class=\"summary\">\n";
    statistics();
    configuration();
    out_ += "</div>\n";
    out_ += fmt::format(
        "<footer>frsim report format {} version {}; scenario {}, seed {}{}.</footer>\n",
        kReportFormat, kSchemaVersion, scenario, r_.at("seed").dump(), escape_text(produced_by()));
    // The state explorer's one script, in CDATA so the page stays XML.
    if (r_.at("violations").size() > 0) {
      out_ += "<script>//<![CDATA[";
      out_ += explorer_script();
      out_ += "//]]></script>\n";
    }
    out_ += "</body>\n</html>\n";
    return std::move(out_);
  }

 private:
  void header(const std::string& scenario) {
    const auto counts = count_properties(r_);
    const std::string verdict = verdict_of(r_);
    out_ += fmt::format("<header>\n<h1>frsim report: {}</h1>\n", scenario);
    out_ += fmt::format("<p class=\"description\">{}</p>\n",
                        escape_text(r_.at("description").get<std::string>()));
    const bool failed = verdict == "violated" || verdict == "unreached";
    out_ += fmt::format("<p class=\"verdict {}\" data-verdict=\"{}\">{}</p>\n",
                        failed ? "fail" : verdict == "holds" ? "ok" : "incomplete", escape_attribute(verdict),
                        escape_text(verdict_text(r_)));
    out_ += fmt::format("<p class=\"exploration\">{}. {} properties: {}.</p>\n",
                        escape_text(exploration_summary(r_)), r_.at("properties").size(),
                        escape_text(counts_text(counts)));
    out_ += "</header>\n";
  }

  // "; frsim 0.1.0, commit d6e25c1…, started 2025-01-31T12:00:00Z"
  std::string produced_by() const {
    std::string text;
    if (r_.contains("frsim") && r_.at("frsim").is_object()) {
      text += fmt::format("; frsim {}, commit {}", plain_text(r_.at("frsim").value("version", json("?"))),
                          plain_text(r_.at("frsim").value("commit", json("?"))));
    }
    if (r_.contains("started_at") && r_.at("started_at").is_string() && !r_.at("started_at").get<std::string>().empty()) {
      text += fmt::format(", started {}", r_.at("started_at").get<std::string>());
    }
    return text;
  }

  void row(std::string_view key, const std::string& value, bool numeric = false) {
    out_ += fmt::format("<tr><th>{}</th><td{}>{}</td></tr>\n", escape_text(key),
                        numeric ? " class=\"num\"" : "", escape_text(value));
  }

  void configuration() {
    out_ += "<section id=\"configuration\">\n<h2>Configuration</h2>\n<table class=\"kv\">\n";
    row("scenario", r_.at("scenario").get<std::string>());
    row("strategy", strategy_summary(r_));
    row("seed", r_.at("seed").dump());
    row("exploration", exploration_summary(r_));
    if (r_.contains("command_line") && r_.at("command_line").is_array()) {
      std::string line;
      for (const auto& word : r_.at("command_line")) {
        if (!line.empty()) line += ' ';
        line += plain_text(word);
      }
      row("command line", line);
    }
    for (const char* key : {"started_at"}) {
      if (r_.contains(key)) row(key, plain_text(r_.at(key)));
    }
    if (r_.contains("frsim")) {
      for (const auto& [key, value] : r_.at("frsim").items()) row(fmt::format("frsim {}", key), plain_text(value));
    }
    // nlohmann's object iterates in key order: deterministic.
    for (const auto& [key, value] : r_.at("config").items()) row(key, plain_text(value));
    out_ += "</table>\n</section>\n";
  }

  void statistics() {
    const json& s = r_.at("stats");
    out_ += "<section id=\"statistics\">\n<h2>Statistics</h2>\n<table class=\"kv\">\n";
    for (const char* key : {"transitions", "states", "distinct_states", "schedules", "max_depth"}) {
      row(key, s.at(key).dump(), true);
    }
    row("elapsed_seconds", fmt::format("{:.3f}", s.at("elapsed_seconds").get<double>()), true);
    row("states_per_second", fmt::format("{:.0f}", s.at("states_per_second").get<double>()), true);
    const double memory_bytes = s.at("memory_bytes").get<double>();
    row("memory_bytes", fmt::format("{:.0f} ({:.1f} MiB)", memory_bytes, memory_bytes / 1048576.0),
        true);
    out_ += "</table>\n</section>\n";
  }

  void properties() {
    out_ += "<section id=\"properties\">\n<h2>Properties</h2>\n<table class=\"properties\">\n";
    out_ += "<thead><tr><th>property</th><th>status</th><th>judged</th><th>source</th><th>holds when</th>"
            "</tr></thead>\n<tbody>\n";
    const json& list = r_.at("properties");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json& prop = list[i];
      const auto& status = prop.at("status").get_ref<const std::string&>();
      const json judged = prop.value("judged", json());
      out_ += fmt::format(
          "<tr class=\"status-{0}\"><td>{1}</td><td><span class=\"badge {0}\">{2}</span></td>"
          "<td class=\"num\">{3}</td><td>{4}</td><td>{5}</td></tr>\n",
          escape_attribute(status), escape_text(prop.at("name").get<std::string>()),
          escape_text(status_text(r_, i)), judged.is_null() ? std::string() : judged.dump(),
          escape_text(prop.at("source").get<std::string>()),
          escape_text(prop.at("description").get<std::string>()));
    }
    out_ += "</tbody>\n</table>\n</section>\n";
  }

  void violations() {
    const json& list = r_.at("violations");
    if (list.empty()) return;
    out_ += "<section id=\"violations\">\n<h2>Violations</h2>\n";
    for (std::size_t i = 0; i < list.size(); ++i) violation(list[i], i);
    out_ += "</section>\n";
  }

  void violation(const json& v, std::size_t index) {
    const std::string property = v.at("property").get<std::string>();
    out_ += fmt::format("<article class=\"violation\" id=\"violation-{}\">\n", index + 1);
    out_ += fmt::format("<h3>Violation {}: {}{}</h3>\n", index + 1, escape_text(property), source_of(property));
    out_ += fmt::format("<p class=\"message\">{}</p>\n<table class=\"kv values\">\n",
                        escape_text(v.at("message").get<std::string>()));
    if (!v.at("device").is_null()) row("device", fmt::format("d{}", v.at("device").dump()));
    if (!v.at("reactive").is_null()) row("reactive", v.at("reactive").get<std::string>());
    // Each value named by what it is (expected, actual, ...), not "value".
    const auto labels = value_labels(v);
    const json& values = v.at("values");
    for (std::size_t i = 0; i < values.size(); ++i) {
      out_ += fmt::format("<tr><th class=\"label\">{}</th><td class=\"value\">{}</td></tr>\n", escape_text(labels[i]),
                          escape_text(values[i].get<std::string>()));
    }
    const json& trace = v.at("trace");
    if (v.contains("found_by")) row("found by", plain_text(v.at("found_by")));
    row("trace seed", trace.at("seed").dump());
    row("event hash", trace.at("event_hash").get<std::string>());
    out_ += "</table>\n";
    out_ += fmt::format("<p>Replay: <code class=\"replay\">{}</code></p>\n",
                        escape_text(v.at("replay").get<std::string>()));
    out_ += explorer_section(v, index);
    choices(trace.at("choices"));
    // The schedule, then the healing phase collapsed below it: its messages
    // all fly at once and would cross the schedule's arrows.
    const json& events = trace.at("events");
    const std::size_t healing = healing_end(events);
    LamportStyle style;
    style.id_prefix = fmt::format("lamport-{}", index + 1);
    if (!v.at("device").is_null()) style.highlight_device = v.at("device").get<std::int64_t>();
    if (!v.at("reactive").is_null()) style.highlight_reactive = v.at("reactive").get<std::string>();
    out_ += "<h4>Space-time diagram and events (hover for values and payloads)</h4>\n";
    diagram_and_table(trace, 0, healing, style);
    if (healing < events.size()) {
      const std::size_t count = events.size() - healing;
      out_ += fmt::format(
          "<details class=\"healing\"><summary>Healing phase: {} events from #{} ({} messages delivered), "
          "collapsed</summary>\n",
          count, healing, count_kind(events, healing, "delivered"));
      LamportStyle healing_style = style;
      healing_style.id_prefix += "-healing";
      healing_style.row_offset = healing;
      diagram_and_table(trace, healing, events.size(), healing_style);
      out_ += "</details>\n";
    }
    out_ += "</article>\n";
  }

  std::string source_of(const std::string& property) const {
    for (const auto& prop : r_.at("properties")) {
      if (prop.at("name") == property && !prop.at("source").get<std::string>().empty()) {
        return fmt::format(" ({})", escape_text(prop.at("source").get<std::string>()));
      }
    }
    return {};
  }

  // One past the heal_started event (the diagram draws it as a line), or
  // events.size() when there is none: where the healing phase's own events begin.
  static std::size_t healing_end(const json& events) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].at("kind") == "heal_started") return i + 1;
    }
    return events.size();
  }

  static std::size_t count_kind(const json& events, std::size_t from, std::string_view kind) {
    std::size_t n = 0;
    for (std::size_t i = from; i < events.size(); ++i) n += events[i].at("kind") == kind ? 1 : 0;
    return n;
  }

  // The diagram of events [from, to) beside their table; rows keep the
  // trace's event numbers.
  void diagram_and_table(const json& trace, std::size_t from, std::size_t to, const LamportStyle& style) {
    json slice = trace;
    const json& events = trace.at("events");
    slice["events"] = json(std::vector<json>(events.begin() + static_cast<std::ptrdiff_t>(from),
                                             events.begin() + static_cast<std::ptrdiff_t>(to)));
    const auto diagram = build_lamport(slice, options_.diagram_events_max);
    out_ += "<div class=\"trace\">\n<div class=\"diagram\">\n";
    out_ += lamport_svg(diagram, style);
    out_ += "\n</div>\n<div class=\"event-list\">\n";
    event_table(slice.at("events"), from, style.highlight_reactive);
    out_ += "</div>\n</div>\n";
  }

  void choices(const json& list) {
    out_ += fmt::format("<details><summary>Schedule: {} choices</summary>\n<ol start=\"0\">\n",
                        list.size());
    for (std::size_t i = 0; i < list.size() && i < options_.table_events_max; ++i) {
      out_ += fmt::format("<li>[{}] {}</li>\n", list[i].at("index").dump(),
                          escape_text(list[i].at("description").get<std::string>()));
    }
    out_ += "</ol>\n";
    capped_note(list.size(), options_.table_events_max, "choices");
    out_ += "</details>\n";
  }

  // One row per event: the values it carries (a written value, a message's
  // payload, a merge's local, remote and result) in their own column.
  void event_table(const json& events, std::size_t first_row, const std::string& reactive) {
    out_ += "<table class=\"events\">\n<thead><tr><th>#</th><th>step</th><th>device</th>"
            "<th>kind</th><th>text</th><th>values</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < events.size() && i < options_.table_events_max; ++i) {
      const json& ev = events[i];
      const bool hl = !reactive.empty() && ev.value("reactive", std::string()) == reactive;
      const auto& kind = ev.at("kind").get_ref<const std::string&>();
      std::string values;
      for (const auto& value : ev.value("values", json::array())) {
        values += values.empty() ? "" : ", ";
        values += plain_text(value);
      }
      const std::string shown = truncate_utf8(values, kValueCharsMax);
      out_ += fmt::format(
          "<tr class=\"k-{}{}\"><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}{}</td>"
          "<td>{}</td><td class=\"text\">{}</td><td class=\"values\"{}>{}</td></tr>\n",
          escape_attribute(kind), hl ? " hl" : "", i + first_row, ev.at("step").dump(),
          ev.at("device").is_null() ? "" : "d",
          ev.at("device").is_null() ? std::string("&#8211;") : ev.at("device").dump(),
          escape_text(kind), escape_text(ev.at("text").get<std::string>()),
          shown.size() < values.size() ? fmt::format(" title=\"{}\"", escape_attribute(values)) : std::string(),
          escape_text(shown));
    }
    out_ += "</tbody>\n</table>\n";
    capped_note(events.size(), options_.table_events_max, "events");
    capped_note(events.size(), options_.diagram_events_max, "events in the diagram");
  }

  void capped_note(std::size_t total, std::size_t shown_max, std::string_view what) {
    if (total <= shown_max) return;
    out_ += fmt::format("<p class=\"note capped\">Showing the first {} of {} {}.</p>\n", shown_max,
                        total, what);
  }

  void dataflow() {
    const json& flow = r_.at("dataflow");
    std::set<std::string> highlighted;
    for (const auto& v : r_.at("violations")) {
      if (!v.at("reactive").is_null()) highlighted.insert(v.at("reactive").get<std::string>());
    }
    std::optional<std::string> dot = options_.dot_executable;
    if (options_.use_graphviz && !dot) dot = find_on_path("dot");
    if (!options_.use_graphviz) dot.reset();
    out_ += "<section id=\"dataflow\">\n<h2>Dataflow graph</h2>\n";
    if (!highlighted.empty()) {
      out_ += "<p>Reactives named by a violation are drawn in red.</p>\n";
    }
    out_ += "<div class=\"graph\">\n";
    out_ += dataflow_svg(flow, highlighted, dot);
    out_ += "\n</div>\n";
    if (flow.contains("dot")) {
      out_ += fmt::format("<details><summary>DOT source</summary>\n<pre>{}</pre>\n</details>\n",
                          escape_text(flow.at("dot").get<std::string>()));
    }
    out_ += "</section>\n";
  }

  const json& r_;
  const HtmlOptions& options_;
  std::string out_;
};

}  // namespace

void write_html(const json& report, std::ostream& out, const HtmlOptions& options) {
  validate_report(report);
  out << Page(report, options).render();
}

}  // namespace frsim::reports
