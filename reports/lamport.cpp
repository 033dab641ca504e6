#include "reports/lamport.hpp"

#include <algorithm>
#include <charconv>
#include <deque>
#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/xml.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

// A message copy in the network: sent (or duplicated) and not yet delivered
// or dropped.
struct OpenCopy {
  std::int64_t from_device = 0;
  std::int64_t to_device = 0;
  std::size_t from_row = 0;
  bool duplicate = false;
  std::string reactive;
  std::string payload;
};

// The id of the copy a "duplicated" event creates: values[0] when it names a
// different id (as a number or a decimal string), else the same id.
std::int64_t duplicate_id(const json& ev, std::int64_t message) {
  const auto values = ev.value("values", json::array());
  if (values.empty()) return message;
  const json& first = values[0];
  if (first.is_number_integer()) return first.get<std::int64_t>();
  if (!first.is_string()) return message;
  const auto& text = first.get_ref<const std::string&>();
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return message;
  return id;
}

// The value a "sent" event carries (its payload), printed.
std::string first_value(const json& ev) {
  const auto values = ev.value("values", json::array());
  if (values.empty()) return {};
  return values[0].is_string() ? values[0].get<std::string>() : values[0].dump();
}

class Builder {
 public:
  explicit Builder(LamportDiagram& diagram) : d_(diagram) {}

  void event(const json& ev, std::size_t row) {
    LamportEvent e;
    e.row = row;
    e.step = ev.at("step").get<std::int64_t>();
    const json& device = ev.at("device");
    e.device = device.is_null() ? kNoDevice : device.get<std::int64_t>();
    if (ev.contains("peer") && !ev.at("peer").is_null()) e.peer = ev.at("peer").get<std::int64_t>();
    e.kind = *parse_event_kind(ev.at("kind").get_ref<const std::string&>());
    e.reactive = ev.value("reactive", std::string());
    e.text = ev.at("text").get<std::string>();
    for (const auto& value : ev.value("values", json::array())) {
      e.values += e.values.empty() ? "[" : ", ";
      e.values += value.is_string() ? value.get<std::string>() : value.dump();
    }
    if (!e.values.empty()) e.values += "]";
    const std::int64_t message = ev.value("message", std::int64_t{0});
    if (e.device != kNoDevice) devices_.insert(e.device);
    if (e.peer) devices_.insert(*e.peer);
    on_event(ev, e, message);
    d_.events.push_back(std::move(e));
  }

  void finish(std::size_t rows) {
    for (auto& [id, copies] : open_) {
      for (const auto& copy : copies) {
        d_.arrows.push_back({copy.from_device, copy.to_device, copy.from_row, rows, id,
                             LamportArrow::End::in_flight, copy.duplicate, false, copy.reactive, copy.payload});
      }
    }
    for (auto& [device, stack] : running_) {
      for (const auto index : stack) d_.propagations[index].end_row = rows == 0 ? 0 : rows - 1;
    }
    for (const auto& [device, from] : down_since_) d_.down_times.push_back({device, from, rows});
    // Arrows in the order they start, so the drawing reads top to bottom.
    std::stable_sort(d_.arrows.begin(), d_.arrows.end(),
                     [](const LamportArrow& a, const LamportArrow& b) {
                       return a.from_row < b.from_row;
                     });
    d_.devices.insert(d_.devices.end(), devices_.begin(), devices_.end());
  }

  void add_device(std::int64_t device) { devices_.insert(device); }

 private:
  void on_event(const json& ev, const LamportEvent& e, std::int64_t message) {
    switch (e.kind) {
      case EventKind::sent:
        if (e.peer) open_[message].push_back({e.device, *e.peer, e.row, false, e.reactive, first_value(ev)});
        break;
      case EventKind::delivered: delivered(e, message); break;
      case EventKind::dropped: dropped(e, message); break;
      case EventKind::duplicated: duplicated(ev, e, message); break;
      case EventKind::action_started: open_propagation(e.device, e.row); break;
      case EventKind::reevaluated:
        current_propagation(e).reevaluated.push_back(e.reactive);
        break;
      case EventKind::written:
      case EventKind::skipped: current_propagation(e); break;
      case EventKind::committed: close(e, LamportPropagation::Status::committed); break;
      case EventKind::aborted: close(e, LamportPropagation::Status::aborted); break;
      case EventKind::crashed:
        // A crash ends every running propagation on the device; none commits.
        while (!running_[e.device].empty()) close(e, LamportPropagation::Status::crashed);
        down_since_.try_emplace(e.device, e.row);
        break;
      case EventKind::restarted:
        if (auto it = down_since_.find(e.device); it != down_since_.end()) {
          d_.down_times.push_back({e.device, it->second, e.row});
          down_since_.erase(it);
        }
        break;
      default: break;
    }
  }

  // The first open copy of `message` bound for this device (or any open copy).
  std::optional<OpenCopy> take_copy(std::int64_t message, std::optional<std::int64_t> to_device) {
    auto it = open_.find(message);
    if (it == open_.end() || it->second.empty()) return std::nullopt;
    auto& copies = it->second;
    auto pick = copies.begin();
    if (to_device) {
      auto match = std::find_if(copies.begin(), copies.end(),
                                [&](const OpenCopy& c) { return c.to_device == *to_device; });
      if (match != copies.end()) pick = match;
    }
    OpenCopy copy = *pick;
    copies.erase(pick);
    if (copies.empty()) open_.erase(it);
    return copy;
  }

  void delivered(const LamportEvent& e, std::int64_t message) {
    const bool seen_before = delivered_ids_.count(message) > 0;
    delivered_ids_.insert(message);
    if (auto copy = take_copy(message, e.device)) {
      d_.arrows.push_back({copy->from_device, e.device, copy->from_row, e.row, message,
                           LamportArrow::End::delivered, copy->duplicate || seen_before, false,
                           copy->reactive.empty() ? e.reactive : copy->reactive, copy->payload});
      return;
    }
    const std::int64_t from = e.peer.value_or(e.device);
    d_.arrows.push_back({from, e.device, e.row, e.row, message, LamportArrow::End::delivered,
                         seen_before, true, e.reactive, {}});
  }

  void dropped(const LamportEvent& e, std::int64_t message) {
    // The dropped event may sit on the sender's or the receiver's side.
    std::optional<OpenCopy> copy = take_copy(message, std::nullopt);
    if (!copy) return;  // its send is not drawn; the event's own mark says enough
    d_.arrows.push_back({copy->from_device, copy->to_device, copy->from_row, e.row, message,
                         LamportArrow::End::dropped, copy->duplicate, false, copy->reactive, copy->payload});
  }

  void duplicated(const json& ev, const LamportEvent& e, std::int64_t message) {
    const std::int64_t copy_id = duplicate_id(ev, message);
    OpenCopy copy;
    if (auto it = open_.find(message); it != open_.end() && !it->second.empty()) {
      copy = it->second.front();
    } else {
      copy = {e.device, e.peer.value_or(e.device), e.row, false, e.reactive, {}};
    }
    copy.duplicate = true;
    open_[copy_id].push_back(copy);
  }

  void open_propagation(std::int64_t device, std::size_t row) {
    running_[device].push_back(d_.propagations.size());
    d_.propagations.push_back({device, row, row, LamportPropagation::Status::open, {}});
  }

  LamportPropagation& current_propagation(const LamportEvent& e) {
    if (running_[e.device].empty()) open_propagation(e.device, e.row);
    auto& p = d_.propagations[running_[e.device].back()];
    p.end_row = e.row;
    return p;
  }

  void close(const LamportEvent& e, LamportPropagation::Status status) {
    auto& stack = running_[e.device];
    if (stack.empty()) return;
    auto& p = d_.propagations[stack.back()];
    p.end_row = e.row;
    p.status = status;
    stack.pop_back();
  }

  LamportDiagram& d_;
  std::set<std::int64_t> devices_;
  std::map<std::int64_t, std::deque<OpenCopy>> open_;
  std::set<std::int64_t> delivered_ids_;
  std::map<std::int64_t, std::vector<std::size_t>> running_;
  std::map<std::int64_t, std::size_t> down_since_;
};

}  // namespace

LamportDiagram build_lamport(const json& trace, std::size_t events_max) {
  LamportDiagram diagram;
  Builder builder(diagram);
  const json& config = trace.at("config");
  if (auto it = config.find("devices");
      it != config.end() && it->is_number_integer() && it->get<std::int64_t>() > 0) {
    // A bound on the lifelines drawn, so a corrupt count cannot blow up the page.
    constexpr std::uint64_t kDevicesMax = 64;
    const auto count = std::min(it->get<std::uint64_t>(), kDevicesMax);
    for (std::uint64_t i = 0; i < count; ++i) builder.add_device(static_cast<std::int64_t>(i));
  }
  const json& events = trace.at("events");
  diagram.events_total = events.size();
  const std::size_t rows = std::min(events.size(), events_max);
  for (std::size_t row = 0; row < rows; ++row) builder.event(events[row], row);
  builder.finish(rows);
  return diagram;
}

namespace {

// Geometry, px. Time flows down one row per event; each device owns a column
// with its lifeline near the left so propagation labels fit to its right.
constexpr double kAxisWidth = 44;
constexpr double kColumnWidth = 210;
constexpr double kLifelineOffset = 40;
constexpr double kHeaderHeight = 52;
constexpr double kRowHeight = 20;
constexpr double kFooterHeight = 44;
constexpr std::size_t kLabelNamesMax = 4;
constexpr std::size_t kNameCharsMax = 18;
constexpr std::size_t kPayloadCharsMax = 400;  // in tooltips

constexpr std::string_view kFont = "DejaVu Sans, Helvetica, Arial, sans-serif";
constexpr std::string_view kInk = "#37474f";
constexpr std::string_view kHighlight = "#c62828";
constexpr std::string_view kDeliveredColor = "#1565c0";
constexpr std::string_view kDropColor = "#d32f2f";
constexpr std::string_view kDupColor = "#7b1fa2";
constexpr std::string_view kRestartColor = "#2e7d32";
constexpr std::string_view kPartitionColor = "#ef6c00";

class Painter {
 public:
  Painter(const LamportDiagram& diagram, const LamportStyle& style)
      : d_(diagram), style_(style) {
    for (std::size_t i = 0; i < d_.devices.size(); ++i) column_[d_.devices[i]] = i;
  }

  std::string paint() {
    const std::size_t rows = d_.events.size();
    const double width = kAxisWidth + static_cast<double>(d_.devices.size()) * kColumnWidth;
    const double height = kHeaderHeight + static_cast<double>(rows) * kRowHeight + kFooterHeight;
    out_ += fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"lamport\" id=\"{}\" width=\"{:.0f}\" "
        "height=\"{:.0f}\" viewBox=\"0 0 {:.0f} {:.0f}\" font-family=\"{}\" font-size=\"10\">\n",
        escape_attribute(style_.id_prefix), width, height, width, height, kFont);
    defs();
    grid(rows, width);
    lifelines(rows, height);
    for (const auto& p : d_.propagations) propagation(p);
    for (const auto& a : d_.arrows) arrow(a);
    for (const auto& e : d_.events) mark(e, width);
    for (const auto& e : d_.events) dot(e);
    headers();
    if (d_.events_total > rows) {
      out_ += fmt::format(
          "<text class=\"capped\" x=\"{:.0f}\" y=\"{:.0f}\" fill=\"{}\" font-size=\"12\">"
          "Diagram capped at {} of {} events; the rest are in the trace file.</text>\n",
          kAxisWidth, height - 12, kHighlight, rows, d_.events_total);
    }
    out_ += "</svg>";
    return std::move(out_);
  }

 private:
  double x_of(std::int64_t device) const {
    return kAxisWidth + static_cast<double>(column_.at(device)) * kColumnWidth + kLifelineOffset;
  }
  static double y_of(std::size_t row) {
    return kHeaderHeight + static_cast<double>(row) * kRowHeight + kRowHeight / 2;
  }
  std::string id(std::string_view name) const { return style_.id_prefix + "-" + std::string(name); }
  // Where a dropped or lost message stops: halfway to its destination, but
  // never on a lifeline in between (it would read as delivered there), so
  // between the two lifelines nearest the middle, on the sender's side.
  double halfway(std::int64_t from, std::int64_t to) const {
    const double i = static_cast<double>(column_.at(from));
    const double j = static_cast<double>(column_.at(to));
    double middle = (i + j) / 2;
    if (i == j) {
      middle = i + 0.5;
    } else if (middle == static_cast<double>(static_cast<std::int64_t>(middle))) {
      middle += i < j ? -0.5 : 0.5;
    }
    return kAxisWidth + middle * kColumnWidth + kLifelineOffset;
  }
  bool hl_device(std::int64_t device) const { return style_.highlight_device == device; }
  bool hl_reactive(const std::string& reactive) const {
    return !reactive.empty() && reactive == style_.highlight_reactive;
  }

  void defs() {
    out_ += "<defs>";
    for (const auto& [name, color] : {std::pair{"arrow", kDeliveredColor},
                                      std::pair{"arrow-dup", kDupColor},
                                      std::pair{"arrow-grey", std::string_view("#90a4ae")}}) {
      out_ += fmt::format(
          "<marker id=\"{}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
          "markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{}\"/>"
          "</marker>",
          escape_attribute(id(name)), color);
    }
    out_ += "</defs>\n";
  }

  // Row numbers (the "#" column of the event table) and a faint rule every 5 rows.
  void grid(std::size_t rows, double width) {
    out_ += "<g class=\"grid\" fill=\"#90a4ae\" font-size=\"9\">";
    for (std::size_t row = 0; row < rows; ++row) {
      out_ += fmt::format("<text x=\"{:.0f}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>",
                          kAxisWidth - 8, y_of(row) + 3, row + style_.row_offset);
      if (row % 5 == 0) {
        out_ += fmt::format(
            "<line x1=\"{:.0f}\" y1=\"{:.1f}\" x2=\"{:.0f}\" y2=\"{:.1f}\" stroke=\"#eceff1\"/>",
            kAxisWidth - 4, y_of(row), width, y_of(row));
      }
    }
    out_ += "</g>\n";
  }

  void lifelines(std::size_t rows, double height) {
    const double bottom = std::max(y_of(rows), height - kFooterHeight + 6);
    for (const auto device : d_.devices) {
      const double x = x_of(device);
      out_ += fmt::format(
          "<line class=\"lifeline{}\" data-device=\"{}\" x1=\"{:.1f}\" y1=\"{:.0f}\" "
          "x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" stroke-width=\"{}\"/>\n",
          hl_device(device) ? " hl" : "", device, x, kHeaderHeight - 4, x, bottom,
          hl_device(device) ? kHighlight : kInk, hl_device(device) ? 2.5 : 1.5);
    }
    // While down the device does nothing: its lifeline is blanked and dashed.
    for (const auto& down : d_.down_times) {
      const double x = x_of(down.device);
      const double y1 = y_of(down.from_row);
      const double y2 = down.to_row >= rows ? bottom : y_of(down.to_row);
      out_ += fmt::format(
          "<g class=\"down\"><line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" "
          "stroke=\"#ffffff\" stroke-width=\"4\"/><line x1=\"{0:.1f}\" y1=\"{1:.1f}\" "
          "x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#b0bec5\" stroke-width=\"1.5\" "
          "stroke-dasharray=\"3,4\"/></g>\n",
          x, y1, y2);
    }
  }

  void propagation(const LamportPropagation& p) {
    using Status = LamportPropagation::Status;
    const double x = x_of(p.device);
    const double y1 = y_of(p.start_row) - 7;
    const double y2 = y_of(p.end_row) + 7;
    const char* status = p.status == Status::committed ? "committed"
                         : p.status == Status::aborted ? "aborted"
                         : p.status == Status::crashed ? "crashed"
                                                       : "open";
    const std::string_view fill = p.status == Status::committed ? "#c8e6c9"
                                  : p.status == Status::aborted ? "#ffe0b2"
                                                                : "#eceff1";
    const std::string_view stroke = p.status == Status::committed ? "#2e7d32"
                                    : p.status == Status::aborted ? "#ef6c00"
                                                                  : "#78909c";
    std::string names;
    for (const auto& r : p.reevaluated) {
      if (!names.empty()) names += ", ";
      names += r;
    }
    out_ += fmt::format(
        "<g class=\"propagation {}\" data-device=\"{}\"><title>propagation on d{}, rows {}-{}, "
        "{}; reevaluated: {}</title>",
        status, p.device, p.device, p.start_row, p.end_row, status,
        escape_text(names.empty() ? "nothing" : names));
    out_ += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"{:.1f}\" rx=\"3\" fill=\"{}\" "
        "stroke=\"{}\"{}/>",
        x - 7, y1, y2 - y1, fill, stroke,
        p.status == Status::committed ? "" : " stroke-dasharray=\"3,2\"");
    out_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\">", x + 12, y1 + 10, stroke);
    label_names(p);
    out_ += "</text></g>\n";
  }

  // "topic1, view, +3" with the violating reactive in bold red.
  void label_names(const LamportPropagation& p) {
    if (p.reevaluated.empty()) {
      out_ += p.status == LamportPropagation::Status::aborted ? "aborted" : "no reevaluation";
      return;
    }
    for (std::size_t i = 0; i < p.reevaluated.size() && i < kLabelNamesMax; ++i) {
      if (i > 0) out_ += ", ";
      const auto text = escape_text(truncate_utf8(p.reevaluated[i], kNameCharsMax));
      if (hl_reactive(p.reevaluated[i])) {
        out_ += fmt::format("<tspan class=\"hl\" fill=\"{}\" font-weight=\"bold\">{}</tspan>",
                            kHighlight, text);
      } else {
        out_ += text;
      }
    }
    if (p.reevaluated.size() > kLabelNamesMax) {
      out_ += fmt::format(", +{}", p.reevaluated.size() - kLabelNamesMax);
    }
  }

  void arrow(const LamportArrow& a) {
    using End = LamportArrow::End;
    const double x1 = x_of(a.from_device);
    const double y1 = y_of(a.from_row);
    double x2 = x_of(a.to_device);
    double y2 = y_of(a.to_row);
    if (a.end != End::delivered) x2 = halfway(a.from_device, a.to_device);
    if (a.end == End::in_flight) y2 = std::max(y1 + kRowHeight, y2 - kRowHeight / 2);
    const char* kind = a.end == End::dropped     ? "dropped"
                       : a.end == End::in_flight ? "in-flight"
                       : a.duplicate             ? "dup"
                                                 : "delivered";
    std::string_view color = a.end == End::dropped ? kDropColor
                             : a.duplicate         ? kDupColor
                                                   : kDeliveredColor;
    if (a.end == End::in_flight) color = "#90a4ae";
    const std::string marker = a.end == End::dropped    ? ""
                               : a.end == End::in_flight ? id("arrow-grey")
                               : a.duplicate            ? id("arrow-dup")
                                                        : id("arrow");
    std::string label = fmt::format("#{}", a.message);
    if (!a.reactive.empty()) {
      label += ' ';
      label += truncate_utf8(a.reactive, kNameCharsMax);
    }
    if (a.duplicate) label.insert(0, "dup ");
    if (a.end == End::in_flight) label += " in flight";
    if (a.unmatched) label += " (sent earlier)";
    out_ += fmt::format(
        "<g class=\"msg {}{}\" data-message=\"{}\"><title>message #{} d{} to d{}: {}{}</title>",
        kind, a.duplicate && a.end != End::delivered ? " dup" : "", a.message, a.message,
        a.from_device, a.to_device, kind,
        a.payload.empty() ? std::string()
                          : escape_text(fmt::format("; {} = {}", a.reactive, truncate_utf8(a.payload, kPayloadCharsMax))));
    out_ += fmt::format(
        "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"{}\" "
        "stroke-width=\"1.4\"{}",
        x1, y1, x2, y2, color,
        a.duplicate || a.end == End::in_flight ? " stroke-dasharray=\"6,3\"" : "");
    if (!marker.empty()) out_ += fmt::format(" marker-end=\"url(#{})\"", escape_attribute(marker));
    out_ += "/>";
    if (a.end == End::dropped) {
      out_ += fmt::format(
          "<path class=\"drop-mark\" d=\"M{0:.1f},{1:.1f} l10,10 m0,-10 l-10,10\" "
          "stroke=\"{2}\" stroke-width=\"2.5\"/>",
          x2 - 5, y2 - 5, kDropColor);
    }
    // The label sits above the line, a quarter of the way along; a copy's
    // further along, since it leaves from the same point as its original.
    const double along = a.duplicate ? 0.6 : 0.25;
    const double lx = x1 + (x2 - x1) * along;
    const double ly = y1 + (y2 - y1) * along - 3;
    out_ += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-size=\"9\"{}>{}</text>",
                        lx, ly, color, x2 < x1 ? " text-anchor=\"end\"" : "",
                        escape_text(label));
    out_ += "</g>\n";
  }

  // Faults and topology changes, drawn on the lifeline at their row.
  void mark(const LamportEvent& e, double width) {
    if (e.device == kNoDevice) {
      rule(e, width);
      return;
    }
    const double x = x_of(e.device);
    const double y = y_of(e.row);
    switch (e.kind) {
      case EventKind::crashed:
        out_ += fmt::format(
            "<g class=\"crash-mark\"><path d=\"M{0:.1f},{1:.1f} l14,14 m0,-14 l-14,14\" "
            "stroke=\"{2}\" stroke-width=\"3.5\"/><text x=\"{3:.1f}\" y=\"{4:.1f}\" "
            "fill=\"{2}\" font-weight=\"bold\">crash</text></g>\n",
            x - 7, y - 7, kDropColor, x + 12, y + 4);
        break;
      case EventKind::restarted:
        out_ += fmt::format(
            "<g class=\"restart-mark\"><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"28\" height=\"5\" "
            "fill=\"{}\"/><text x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-weight=\"bold\">"
            "restart</text></g>\n",
            x - 14, y - 2.5, kRestartColor, x + 18, y + 4, kRestartColor);
        break;
      case EventKind::restored:
        side_label(e, "restore-mark", "restored", kRestartColor);
        break;
      case EventKind::duplicated:
        out_ += fmt::format(
            "<g class=\"dup-mark\"><rect x=\"{0:.1f}\" y=\"{1:.1f}\" width=\"8\" height=\"8\" "
            "fill=\"none\" stroke=\"{2}\"/><rect x=\"{3:.1f}\" y=\"{4:.1f}\" width=\"8\" "
            "height=\"8\" fill=\"#ffffff\" stroke=\"{2}\"/><text x=\"{5:.1f}\" y=\"{6:.1f}\" "
            "fill=\"{2}\">duplicate</text></g>\n",
            x - 7, y - 7, kDupColor, x - 3, y - 3, x + 12, y + 4);
        break;
      case EventKind::partitioned:
      case EventKind::healed: link(e, e.kind == EventKind::partitioned); break;
      case EventKind::heal_started: rule(e, width); break;
      default: break;
    }
  }

  void side_label(const LamportEvent& e, const char* css_class, const char* text,
                  std::string_view color) {
    out_ += fmt::format(
        "<text class=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" fill=\"{}\" font-weight=\"bold\">{}</text>\n",
        css_class, x_of(e.device) + 12, y_of(e.row) + 4, color, text);
  }

  // A partition or heal between two devices: a dashed link between lifelines.
  void link(const LamportEvent& e, bool partition) {
    const char* css_class = partition ? "partition-mark" : "heal-mark";
    const char* text = partition ? "partition" : "healed";
    const std::string_view color = partition ? kPartitionColor : kRestartColor;
    if (!e.peer || *e.peer == e.device) {
      side_label(e, css_class, text, color);
      return;
    }
    const double x1 = x_of(e.device);
    const double x2 = x_of(*e.peer);
    const double y = y_of(e.row);
    out_ += fmt::format(
        "<g class=\"{0}\"><line x1=\"{1:.1f}\" y1=\"{2:.1f}\" x2=\"{3:.1f}\" y2=\"{2:.1f}\" "
        "stroke=\"{4}\" stroke-width=\"2\" stroke-dasharray=\"{5}\"/><text x=\"{6:.1f}\" "
        "y=\"{7:.1f}\" text-anchor=\"middle\" fill=\"{4}\" font-weight=\"bold\">{8}</text></g>\n",
        css_class, x1, y, x2, color, partition ? "2,3" : "8,3", (x1 + x2) / 2, y - 4, text);
  }

  // An event of the whole world (the healing phase, a heal): a line across
  // every lifeline.
  void rule(const LamportEvent& e, double width) {
    const double y = y_of(e.row);
    const bool healing = e.kind == EventKind::heal_started;
    out_ += fmt::format(
        "<g class=\"{5}\"><line x1=\"{0:.0f}\" y1=\"{1:.1f}\" x2=\"{2:.0f}\" "
        "y2=\"{1:.1f}\" stroke=\"{3}\" stroke-dasharray=\"8,4\"/><text x=\"{2:.0f}\" "
        "y=\"{4:.1f}\" text-anchor=\"end\" fill=\"{3}\" font-weight=\"bold\">{6}</text></g>\n",
        kAxisWidth, y, width - 4, kRestartColor, y - 4, healing ? "healing-line" : "heal-mark",
        healing ? "healing phase: everything is delivered from here" : escape_text(e.text));
  }

  // Every event is a dot on its lifeline; hovering shows its text.
  void dot(const LamportEvent& e) {
    if (e.device == kNoDevice) return;
    const bool hl = hl_reactive(e.reactive);
    out_ += fmt::format(
        "<circle class=\"event k-{}{}\" data-row=\"{}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{}\" "
        "fill=\"{}\"><title>#{} step {} d{} {}: {}</title></circle>\n",
        to_string(e.kind), hl ? " hl" : "", e.row, x_of(e.device), y_of(e.row), hl ? 4.5 : 2.5,
        hl ? kHighlight : kInk, e.row + style_.row_offset, e.step, e.device, to_string(e.kind),
        escape_text(e.values.empty() ? e.text : e.text + " " + truncate_utf8(e.values, kPayloadCharsMax)));
  }

  void headers() {
    for (const auto device : d_.devices) {
      const bool hl = hl_device(device);
      out_ += fmt::format(
          "<g class=\"device-label\"><rect x=\"{:.1f}\" y=\"10\" width=\"52\" height=\"26\" "
          "rx=\"4\" fill=\"{}\" stroke=\"{}\"/><text x=\"{:.1f}\" y=\"28\" text-anchor=\"middle\" "
          "font-size=\"13\" font-weight=\"bold\" fill=\"{}\">d{}</text></g>\n",
          x_of(device) - 26, hl ? "#ffebee" : "#eceff1", hl ? kHighlight : kInk, x_of(device),
          hl ? kHighlight : kInk, device);
    }
  }

  const LamportDiagram& d_;
  const LamportStyle& style_;
  std::map<std::int64_t, std::size_t> column_;
  std::string out_;
};

}  // namespace

std::string lamport_svg(const LamportDiagram& diagram, const LamportStyle& style) {
  return Painter(diagram, style).paint();
}

}  // namespace frsim::reports
