#pragma once
// junit.xml for CI: one <testsuite name="frsim.<scenario>"> inside <testsuites>,
// one <testcase classname="<scenario>" name="<property>"> per property.
// violated -> <failure> (message, device, reactive, values, replay command);
// not_checked, not_exercised, never_reached -> <skipped/>. The properties are observed together over one
// exploration, so time exists for the suite only, not per testcase.

#include <ostream>

#include <nlohmann/json.hpp>

namespace frsim::reports {

// Validates `report` (throws ReportError) and writes the XML document.
void write_junit(const nlohmann::json& report, std::ostream& out);

}  // namespace frsim::reports
