#pragma once
// report.html's state explorer: step forward and back through a
// counterexample and see, at every step, each device's store (every
// reactive's value and its snapshot Σ, A and P while a propagation runs), the
// messages in flight with their payloads, and the dataflow graph with the
// current values and the reactive being reevaluated highlighted. Stateright's
// Explorer is the model; it has no dataflow view.
//
// The states come from report.violations[i].states (reports/states.hpp); the
// page draws them with one inline script, no network. Opening the page at
// `report.html#step=K` clicks "next" K times on the first explorer (the
// browser test and the screenshots use it).

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace frsim::reports {

// The explorer's section for violation `index` (0-based) of a validated
// report: its controls, panels and data. A violation without states gets a
// note instead.
std::string explorer_section(const nlohmann::json& violation, std::size_t index);

// The page's one script (it finds every explorer section) and the CSS the
// explorer adds to the page's. Neither holds '<' or '&' outside the CDATA
// section the page puts the script in.
std::string_view explorer_script();
std::string_view explorer_css();

// `json` as text for a <script type="application/json"> element that stays
// well-formed XML: '<', '>' and '&' (only ever inside JSON strings) written
// as \u escapes, invalid UTF-8 replaced.
std::string embeddable_json(const nlohmann::json& json);

}  // namespace frsim::reports
