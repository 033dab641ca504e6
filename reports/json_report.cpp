#include "reports/json_report.hpp"

#include <array>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "reports/status.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

constexpr std::array<std::pair<EventKind, std::string_view>, 20> kEventKinds{{
    {EventKind::created, "created"},
    {EventKind::action_started, "action_started"},
    {EventKind::reevaluated, "reevaluated"},
    {EventKind::written, "written"},
    {EventKind::skipped, "skipped"},
    {EventKind::committed, "committed"},
    {EventKind::aborted, "aborted"},
    {EventKind::sent, "sent"},
    {EventKind::delivered, "delivered"},
    {EventKind::merged, "merged"},
    {EventKind::dropped, "dropped"},
    {EventKind::duplicated, "duplicated"},
    {EventKind::crashed, "crashed"},
    {EventKind::restarted, "restarted"},
    {EventKind::restored, "restored"},
    {EventKind::partitioned, "partitioned"},
    {EventKind::healed, "healed"},
    {EventKind::request, "request"},
    {EventKind::response, "response"},
    {EventKind::heal_started, "heal_started"},
}};

constexpr std::array<std::string_view, 7> kStatuses{"holds",
                                                   "violated",
                                                   "not_exercised",
                                                   "not_violated_incomplete",
                                                   "not_judged_further",
                                                   "not_checked",
                                                   "never_reached"};
constexpr std::array<std::string_view, 5> kVerdicts{"holds", "violated", "incomplete", "interrupted", "unreached"};
constexpr std::array<std::string_view, 6> kBudgets{"depth",  "states", "schedules",
                                                   "time",   "memory", "interrupted"};
constexpr std::array<std::string_view, 4> kNodeKinds{"source", "map", "fold", "flatten"};
constexpr std::array<std::string_view, 8> kStatsFields{
    "transitions", "states",          "distinct_states",   "schedules",
    "max_depth",   "elapsed_seconds", "states_per_second", "memory_bytes"};

// A long list of problems helps nobody; the first ones name the bug.
constexpr std::size_t kProblemsMax = 200;

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& names, std::string_view name) {
  for (const auto& candidate : names) {
    if (candidate == name) return true;
  }
  return false;
}

// A JSON value for a message; never throws on invalid UTF-8 in a string.
std::string show(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Collects problems; each check names the JSON path of the field it looks at.
class Checker {
 public:
  std::vector<std::string> problems;

  void problem(const std::string& path, const std::string& what) {
    if (problems.size() < kProblemsMax) problems.push_back(path + ": " + what);
  }

  // The member `key` of object `obj` at `path`, or null when missing (and reported).
  const json* field(const json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      problem(path, fmt::format("missing required field \"{}\"", key));
      return nullptr;
    }
    return &*it;
  }

  bool object(const json& obj, const std::string& path) {
    if (obj.is_object()) return true;
    problem(path, fmt::format("expected an object, found {}", obj.type_name()));
    return false;
  }

  const json* string(const json& obj, const std::string& path, const char* key) {
    const json* value = field(obj, path, key);
    if (value != nullptr && !value->is_string()) {
      problem(path + "." + key, fmt::format("expected a string, found {}", value->type_name()));
      return nullptr;
    }
    return value;
  }

  template <std::size_t N>
  void enumeration(const json& obj, const std::string& path, const char* key,
                   const std::array<std::string_view, N>& names) {
    const json* value = string(obj, path, key);
    if (value != nullptr && !contains(names, value->get_ref<const std::string&>())) {
      problem(path + "." + key, fmt::format("\"{}\" is not one of: {}",
                                            value->get_ref<const std::string&>(), one_of(names)));
    }
  }

  // A non-negative integer; `optional` fields may be absent.
  const json* count(const json& obj, const std::string& path, const char* key,
                    bool optional = false) {
    if (optional && !obj.contains(key)) return nullptr;
    const json* value = field(obj, path, key);
    if (value == nullptr) return nullptr;
    if (!value->is_number_unsigned() &&
        !(value->is_number_integer() && value->get<std::int64_t>() >= 0)) {
      problem(path + "." + key,
              fmt::format("expected a non-negative integer, found {}", show(*value)));
      return nullptr;
    }
    return value;
  }

  void number(const json& obj, const std::string& path, const char* key) {
    const json* value = field(obj, path, key);
    if (value == nullptr) return;
    if (!value->is_number() || value->get<double>() < 0) {
      problem(path + "." + key, fmt::format("expected a non-negative number, found {}",
                                            show(*value)));
    }
  }

  void boolean(const json& obj, const std::string& path, const char* key) {
    const json* value = field(obj, path, key);
    if (value != nullptr && !value->is_boolean()) {
      problem(path + "." + key, fmt::format("expected true or false, found {}", show(*value)));
    }
  }

  const json* array(const json& obj, const std::string& path, const char* key,
                    bool optional = false) {
    if (optional && !obj.contains(key)) return nullptr;
    const json* value = field(obj, path, key);
    if (value != nullptr && !value->is_array()) {
      problem(path + "." + key, fmt::format("expected an array, found {}", value->type_name()));
      return nullptr;
    }
    return value;
  }

  void strings(const json& obj, const std::string& path, const char* key, bool optional) {
    const json* list = array(obj, path, key, optional);
    if (list == nullptr) return;
    for (std::size_t i = 0; i < list->size(); ++i) {
      if (!(*list)[i].is_string()) {
        problem(fmt::format("{}.{}[{}]", path, key, i),
                fmt::format("expected a string, found {}", (*list)[i].type_name()));
      }
    }
  }

  void header(const json& doc, const std::string& path, std::string_view format) {
    const json* value = string(doc, path, "format");
    if (value != nullptr && *value != format) {
      problem(path + ".format", fmt::format("expected \"{}\", found {}", format, show(*value)));
    }
    const json* version = field(doc, path, "version");
    if (version != nullptr && *version != kSchemaVersion) {
      problem(path + ".version", fmt::format("unsupported version {} (this build reads {})",
                                             show(*version), kSchemaVersion));
    }
  }

  void event(const json& ev, const std::string& path) {
    if (!object(ev, path)) return;
    count(ev, path, "step");
    // null for events that concern no single device (the healing phase, a heal)
    if (const json* device = field(ev, path, "device"); device != nullptr && !device->is_null()) {
      count(ev, path, "device");
    }
    const json* kind = string(ev, path, "kind");
    if (kind != nullptr && !parse_event_kind(kind->get_ref<const std::string&>())) {
      problem(path + ".kind", fmt::format("unknown event kind {}", show(*kind)));
    }
    if (ev.contains("reactive")) string(ev, path, "reactive");
    if (ev.contains("peer") && !ev.at("peer").is_null()) count(ev, path, "peer");
    count(ev, path, "message", true);
    strings(ev, path, "values", true);
    string(ev, path, "text");
  }

  void trace(const json& doc, const std::string& path) {
    if (!object(doc, path)) return;
    header(doc, path, kTraceFormat);
    string(doc, path, "scenario");
    if (const json* config = field(doc, path, "config")) object(*config, path + ".config");
    count(doc, path, "seed");
    if (const json* choices = array(doc, path, "choices")) {
      for (std::size_t i = 0; i < choices->size(); ++i) {
        const std::string at = fmt::format("{}.choices[{}]", path, i);
        if (!object((*choices)[i], at)) continue;
        count((*choices)[i], at, "index");
        string((*choices)[i], at, "description");
      }
    }
    if (const json* events = array(doc, path, "events")) {
      for (std::size_t i = 0; i < events->size(); ++i) {
        event((*events)[i], fmt::format("{}.events[{}]", path, i));
      }
    }
    string(doc, path, "event_hash");
  }

  void stats(const json& doc, const std::string& path) {
    if (!object(doc, path)) return;
    for (const auto& key : kStatsFields) number(doc, path, std::string(key).c_str());
  }

  // Returns the status of each property by name, for the violation checks.
  std::set<std::string> properties(const json& list, const std::string& path) {
    std::set<std::string> violated;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string at = fmt::format("{}[{}]", path, i);
      const json& prop = list[i];
      if (!object(prop, at)) continue;
      const json* name = string(prop, at, "name");
      enumeration(prop, at, "status", kStatuses);
      if (prop.contains("judged") && !prop.at("judged").is_null()) count(prop, at, "judged");
      string(prop, at, "source");
      string(prop, at, "description");
      if (name == nullptr) continue;
      const auto& text = name->get_ref<const std::string&>();
      if (!seen.insert(text).second) problem(at + ".name", fmt::format("duplicate property \"{}\"", text));
      if (prop.value("status", json()) == "violated") violated.insert(text);
    }
    return violated;
  }

  void violation(const json& v, const std::string& path, const std::set<std::string>& violated) {
    if (!object(v, path)) return;
    if (const json* prop = string(v, path, "property")) {
      const auto& name = prop->get_ref<const std::string&>();
      if (violated.count(name) == 0) {
        problem(path + ".property",
                fmt::format("\"{}\" is not a property with status \"violated\" in "
                            "report.properties",
                            name));
      }
    }
    string(v, path, "message");
    if (const json* device = field(v, path, "device"); device != nullptr && !device->is_null()) {
      count(v, path, "device");
    }
    if (const json* reactive = field(v, path, "reactive");
        reactive != nullptr && !reactive->is_null()) {
      string(v, path, "reactive");
    }
    strings(v, path, "values", false);
    if (const json* t = field(v, path, "trace")) trace(*t, path + ".trace");
    string(v, path, "replay");
  }

  void dataflow(const json& doc, const std::string& path) {
    if (!object(doc, path)) return;
    if (doc.contains("dot")) string(doc, path, "dot");
    std::set<std::int64_t> ids;
    if (const json* nodes = array(doc, path, "nodes")) {
      for (std::size_t i = 0; i < nodes->size(); ++i) {
        const std::string at = fmt::format("{}.nodes[{}]", path, i);
        const json& node = (*nodes)[i];
        if (!object(node, at)) continue;
        if (const json* id = count(node, at, "id")) {
          if (!ids.insert(id->get<std::int64_t>()).second) {
            problem(at + ".id", fmt::format("duplicate node id {}", show(*id)));
          }
        }
        string(node, at, "label");
        enumeration(node, at, "kind", kNodeKinds);
        boolean(node, at, "distributed");
      }
    }
    if (const json* edges = array(doc, path, "edges")) {
      for (std::size_t i = 0; i < edges->size(); ++i) {
        const std::string at = fmt::format("{}.edges[{}]", path, i);
        const json& edge = (*edges)[i];
        if (!object(edge, at)) continue;
        for (const char* end : {"from", "to"}) {
          const json* id = count(edge, at, end);
          if (id != nullptr && ids.count(id->get<std::int64_t>()) == 0) {
            problem(at + "." + end, fmt::format("no node with id {}", show(*id)));
          }
        }
        boolean(edge, at, "dynamic");
      }
    }
  }

  void report(const json& doc) {
    const std::string path = "report";
    if (!object(doc, path)) return;
    header(doc, path, kReportFormat);
    string(doc, path, "scenario");
    string(doc, path, "description");
    string(doc, path, "strategy");
    if (const json* config = field(doc, path, "config")) object(*config, path + ".config");
    count(doc, path, "seed");
    boolean(doc, path, "complete");
    enumeration(doc, path, "verdict", kVerdicts);
    if (const json* budget = field(doc, path, "budget_hit");
        budget != nullptr && !budget->is_null()) {
      enumeration(doc, path, "budget_hit", kBudgets);
    }
    if (const json* s = field(doc, path, "stats")) stats(*s, path + ".stats");
    std::set<std::string> violated;
    if (const json* props = array(doc, path, "properties")) {
      violated = properties(*props, path + ".properties");
    }
    if (const json* list = array(doc, path, "violations")) {
      for (std::size_t i = 0; i < list->size(); ++i) {
        violation((*list)[i], fmt::format("{}.violations[{}]", path, i), violated);
      }
    }
    if (const json* flow = field(doc, path, "dataflow")) dataflow(*flow, path + ".dataflow");
  }
};

void throw_if_any(const std::vector<std::string>& problems, std::string_view what) {
  if (problems.empty()) return;
  // A handful of problems explains the file; the count says how bad it is.
  constexpr std::size_t kShownMax = 8;
  std::string message = fmt::format("invalid {} ({} problem{}):", what, problems.size(),
                                    problems.size() == 1 ? "" : "s");
  for (std::size_t i = 0; i < problems.size() && i < kShownMax; ++i) {
    message += "\n  ";
    message += problems[i];
  }
  if (problems.size() > kShownMax) {
    message += fmt::format("\n  ... and {} more", problems.size() - kShownMax);
  }
  throw ReportError(message);
}

}  // namespace

std::optional<EventKind> parse_event_kind(std::string_view name) {
  for (const auto& [kind, text] : kEventKinds) {
    if (text == name) return kind;
  }
  return std::nullopt;
}

std::string_view to_string(EventKind kind) {
  for (const auto& [candidate, text] : kEventKinds) {
    if (candidate == kind) return text;
  }
  return "unknown";
}

std::vector<std::string> report_problems(const nlohmann::json& report) {
  Checker checker;
  checker.report(report);
  return std::move(checker.problems);
}

std::vector<std::string> trace_problems(const nlohmann::json& trace) {
  Checker checker;
  checker.trace(trace, "trace");
  return std::move(checker.problems);
}

void validate_report(const nlohmann::json& report) {
  throw_if_any(report_problems(report), "frsim report");
}

void validate_trace(const nlohmann::json& trace) {
  throw_if_any(trace_problems(trace), "frsim trace");
}

PropertyCounts count_properties(const nlohmann::json& report) {
  PropertyCounts counts;
  for (const auto& prop : report.at("properties")) {
    const auto status = property_status_from_string(prop.at("status").get_ref<const std::string&>());
    switch (status.value_or(PropertyStatus::not_checked)) {
      case PropertyStatus::holds: ++counts.holds; break;
      case PropertyStatus::violated: ++counts.violated; break;
      case PropertyStatus::not_exercised: ++counts.not_exercised; break;
      case PropertyStatus::incomplete: ++counts.incomplete; break;
      case PropertyStatus::not_judged_further: ++counts.not_judged_further; break;
      case PropertyStatus::not_checked: ++counts.not_checked; break;
      case PropertyStatus::never_reached: ++counts.never_reached; break;
    }
  }
  return counts;
}

std::string counts_text(const PropertyCounts& counts) {
  std::string text;
  auto add = [&text](std::size_t n, std::string_view what) {
    if (n == 0) return;
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", n, what);
  };
  add(counts.holds, counts.holds == 1 ? "holds" : "hold");
  add(counts.violated, "violated");
  add(counts.incomplete, "not violated (incomplete)");
  add(counts.not_exercised, "not exercised");
  add(counts.never_reached, "never reached");
  add(counts.not_judged_further, "not judged further");
  add(counts.not_checked, "not checked");
  return text.empty() ? "no properties" : text;
}

std::string status_text(const nlohmann::json& report, std::size_t index) {
  const auto& word = report.at("properties").at(index).at("status").get_ref<const std::string&>();
  const auto status = property_status_from_string(word);
  return status ? std::string(to_text(*status)) : word;
}

namespace {

// "bfs with sleep sets and symmetry", from a strategy and its options.
std::string search_summary(const std::string& strategy, const json& options) {
  std::string text = strategy;
  std::vector<std::string> with;
  const std::string por = options.value("por", std::string("none"));
  if (por == "sleep") with.emplace_back("sleep sets");
  if (por == "dpor") with.emplace_back("source-set DPOR");
  if (options.value("symmetry", false)) with.emplace_back("symmetry");
  for (std::size_t i = 0; i < with.size(); ++i) text += fmt::format("{}{}", i == 0 ? " with " : i + 1 == with.size() ? " and " : ", ", with[i]);
  if (options.value("bitstate", false)) text += " (bitstate: the count of states is a lower bound)";
  return text;
}

}  // namespace

std::string strategy_summary(const nlohmann::json& report) {
  const std::string strategy = report.at("strategy").get<std::string>();
  const json& config = report.at("config");
  if (strategy == "default") {
    const json stages = config.value("stages", json::array());
    if (stages.empty()) return "default campaign";
    std::string text =
        fmt::format("default campaign: {}", search_summary(stages[0].value("strategy", std::string("bfs")), stages[0]));
    if (stages.size() > 1 && stages[1].value("ran", false)) text += fmt::format(", then {}", stages[1].value("strategy", std::string("swarm")));
    return text;
  }
  if (strategy == "bfs" || strategy == "dfs") return search_summary(strategy, config);
  if (strategy == "random") return "random walks";
  if (strategy == "pct" && config.contains("pct_depth")) return fmt::format("pct (d = {})", plain_text(config.at("pct_depth")));
  return strategy;
}

std::string exploration_summary(const nlohmann::json& report) {
  std::string how;
  const auto& budget = report.at("budget_hit");
  if (report.at("complete").get<bool>()) {
    how = "complete, every schedule within the bounds explored";
  } else if (!report.at("violations").empty()) {
    how = "stopped at the first violation";
  } else if (budget == "interrupted") {
    how = "interrupted, incomplete";
  } else if (budget.is_string()) {
    how = fmt::format("incomplete, stopped at the {} budget", budget.get<std::string>());
  } else {
    how = "incomplete";
  }
  return fmt::format("{}: {}", strategy_summary(report), how);
}

std::string verdict_of(const nlohmann::json& report) { return report.at("verdict").get<std::string>(); }

std::string verdict_text(const nlohmann::json& report) {
  const std::string verdict = verdict_of(report);
  if (verdict == "violated") {
    std::string names;
    for (const auto& v : report.at("violations")) names += fmt::format("{}{}", names.empty() ? "" : ", ", v.at("property").get<std::string>());
    return names.empty() ? std::string("VIOLATED") : fmt::format("VIOLATED: {}", names);
  }
  if (verdict == "holds") return "every property checked holds on every schedule within the bounds";
  if (verdict == "unreached") {
    std::string names;
    for (const auto& p : report.at("properties")) {
      if (p.at("status") != "never_reached") continue;
      names += fmt::format("{}{}", names.empty() ? "" : ", ", p.at("name").get<std::string>());
    }
    return fmt::format("FAILED: no state reached {} on any schedule within the bounds (a complete exploration)",
                       names);
  }
  const auto& budget = report.at("budget_hit");
  if (verdict == "interrupted") return "no violation found before the run was interrupted (incomplete)";
  return budget.is_string() ? fmt::format("no violation found, but the exploration is incomplete (the {} budget)",
                                          budget.get<std::string>())
                            : "no violation found, but the exploration is incomplete";
}

std::vector<std::string> value_labels(const nlohmann::json& violation) {
  const std::string property = violation.value("property", std::string());
  const std::size_t count = violation.value("values", json::array()).size();
  const json& device = violation.value("device", json());
  const std::string on = device.is_number() ? fmt::format("d{}", device.get<std::int64_t>()) : "the device";
  // The checker's properties (checker/properties/), each with the order in which it lists its values.
  std::vector<std::string> labels;
  if (property == "convergence" && count == 2) {
    labels = {"the first device up after healing has", fmt::format("{} has", on)};
  } else if (property == "sequential-spec" && count == 2) {
    labels = {"expected: the sequential specification computes", fmt::format("actual: {} has", on)};
  } else if (property == "restoration" && count == 2) {
    labels = {"expected: at the last commit before the crash", "actual: after restart"};
  } else if (property == "proper-snapshot" && count == 2) {
    labels = {"actual: Σ(r) in the snapshot", "expected: µ(r).val in the store"};
  } else if (property == "proper-snapshot" && count == 1) {
    labels = {"µ(r).val, missing from the snapshot"};
  } else if (property == "complete-propagation" && count == 2) {
    labels = {"expected: the value the action set", "actual: the value at commit"};
  } else if (property == "complete-propagation" && count == 1) {
    labels = {"its value, never reevaluated"};
  } else if (property == "glitch-freedom" && count == 1) {
    labels = {"the value written after it was read"};
  } else if (property == "replay-determinism" && count == 2) {
    labels = {"expected: the run's event hash", "actual: the replay's event hash"};
  } else if (property == "confluence" && count == 2) {
    labels = {"expected: store hash in the first ready order (or earlier schedule)", "actual: store hash now"};
  } else if (property == "determinism" && count == 2) {
    labels = {"expected: in the first ready order", "actual: in another order, or in the run"};
  } else if (property == "lattice-laws" && count == 3) {
    labels = {"local (or first operand)", "remote (or second operand)", "merge result (or third operand)"};
  } else if (property == "lo-one-response" && count == 2) {
    labels = {"first response", "second response"};
  } else if (property == "lo-failure" && count == 1) {
    labels = {"the offending event"};
  }
  for (std::size_t i = labels.size(); i < count; ++i) labels.push_back(fmt::format("value {}", i + 1));
  return labels;
}

std::string plain_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  // Replace, not throw, on invalid UTF-8: a report must render whatever it holds.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace frsim::reports
