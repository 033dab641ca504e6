#include "reports/junit.hpp"

#include <fmt/format.h>

#include "reports/json_report.hpp"
#include "reports/status.hpp"
#include "reports/xml.hpp"

namespace frsim::reports {

namespace {

using nlohmann::json;

// All violations of `property`, in report order.
std::vector<const json*> violations_of(const json& report, const std::string& property) {
  std::vector<const json*> found;
  for (const auto& v : report.at("violations")) {
    if (v.at("property") == property) found.push_back(&v);
  }
  return found;
}

// The failure body: what a CI reader needs to reproduce the finding.
std::string failure_body(const std::vector<const json*>& violations) {
  std::string body;
  for (const json* v : violations) {
    if (!body.empty()) body += "\n";
    body += v->at("message").get<std::string>();
    body += "\n";
    if (!v->at("device").is_null()) body += fmt::format("device: d{}\n", v->at("device").dump());
    if (!v->at("reactive").is_null()) {
      body += fmt::format("reactive: {}\n", v->at("reactive").get<std::string>());
    }
    for (const auto& value : v->at("values")) {
      body += fmt::format("value: {}\n", value.get<std::string>());
    }
    body += fmt::format("schedule: {} choices, {} events\n", v->at("trace").at("choices").size(),
                        v->at("trace").at("events").size());
    body += fmt::format("replay: {}\n", v->at("replay").get<std::string>());
  }
  return body;
}

std::string failure_message(const std::string& property,
                            const std::vector<const json*>& violations) {
  if (violations.empty()) return property + " violated";
  std::string message = violations.front()->at("message").get<std::string>();
  if (violations.size() > 1) message += fmt::format(" (and {} more)", violations.size() - 1);
  return message;
}

std::string skip_reason(const json& report, PropertyStatus status) {
  switch (status) {
    case PropertyStatus::not_judged_further:
      return fmt::format("not judged further: the run stopped at its first violation ({})", verdict_text(report));
    case PropertyStatus::not_exercised: return "not exercised: judged 0 times in the schedules explored";
    case PropertyStatus::never_reached: return "never reached: no state explored satisfied it";
    default: return "not checked in this run";
  }
}

}  // namespace

void write_junit(const json& report, std::ostream& out) {
  validate_report(report);
  const auto counts = count_properties(report);
  const std::string scenario = report.at("scenario").get<std::string>();
  const std::size_t tests = report.at("properties").size();
  const std::string time = fmt::format("{:.3f}", report.at("stats").at("elapsed_seconds").get<double>());
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // Skipped: what the run did not judge (not checked, not judged further, not
  // exercised, never reached in an incomplete run). "not violated (incomplete)"
  // passes, saying so in system-out. A `sometimes` that a complete run never
  // reached (verdict unreached) fails.
  const bool unreached_fails = report.at("verdict") == "unreached";
  const std::size_t failures = counts.violated + (unreached_fails ? counts.never_reached : 0);
  const std::size_t skipped = counts.not_checked + counts.not_judged_further + counts.not_exercised +
                              (unreached_fails ? 0 : counts.never_reached);
  xml += fmt::format(
      "<testsuites name=\"frsim\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"{}\">\n",
      tests, failures, skipped, time);
  xml += fmt::format(
      "  <testsuite name=\"frsim.{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
      "time=\"{}\">\n",
      escape_attribute(scenario), tests, failures, skipped, time);
  xml += "    <properties>\n";
  auto property = [&xml](std::string_view name, const std::string& value) {
    xml += fmt::format("      <property name=\"{}\" value=\"{}\"/>\n", escape_attribute(name),
                       escape_attribute(value));
  };
  property("verdict", verdict_text(report));
  property("strategy", strategy_summary(report));
  property("seed", report.at("seed").dump());
  property("exploration", exploration_summary(report));
  for (const auto& [key, value] : report.at("config").items()) {
    property(fmt::format("config.{}", key), plain_text(value));
  }
  xml += "    </properties>\n";
  const auto& properties = report.at("properties");
  for (std::size_t i = 0; i < properties.size(); ++i) {
    const json& prop = properties[i];
    const std::string name = prop.at("name").get<std::string>();
    const auto status = property_status_from_string(prop.at("status").get<std::string>())
                            .value_or(PropertyStatus::not_checked);
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\"", escape_attribute(scenario),
                       escape_attribute(name));
    if (status == PropertyStatus::holds) {
      xml += "/>\n";
      continue;
    }
    xml += ">\n";
    switch (status) {
      case PropertyStatus::violated: {
        const auto found = violations_of(report, name);
        xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                           escape_attribute(failure_message(name, found)),
                           escape_attribute(prop.at("source").get<std::string>()), escape_text(failure_body(found)));
        break;
      }
      case PropertyStatus::never_reached:
        if (!unreached_fails) {
          xml += fmt::format("      <skipped message=\"{}\"/>\n", escape_attribute(skip_reason(report, status)));
          break;
        }
        xml += fmt::format("      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                           escape_attribute(fmt::format("{}: no state reached it", name)),
                           escape_attribute(prop.at("source").get<std::string>()),
                           escape_text(verdict_text(report)));
        break;
      case PropertyStatus::incomplete:
        xml += fmt::format("      <system-out>{}: {}</system-out>\n", to_text(status),
                           escape_text(exploration_summary(report)));
        break;
      default:
        xml += fmt::format("      <skipped message=\"{}\"/>\n", escape_attribute(skip_reason(report, status)));
    }
    xml += "    </testcase>\n";
  }
  xml += "  </testsuite>\n</testsuites>\n";
  out << xml;
}

}  // namespace frsim::reports
