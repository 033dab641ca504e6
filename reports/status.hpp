#pragma once
// What a run says about each property and as a whole, in one place: the
// command line's table, report.json, junit.xml, report.md and report.html all
// show these statuses, worded the same way.
//
// A property "holds" only when the exploration covered every schedule within
// its bounds. A run cut short by a budget or a signal has not seen every
// schedule, so an unviolated property is "not violated (incomplete)"; a run
// that stopped at its first violation did not judge the other properties any
// further; a property that was never judged had nothing to judge in the
// schedules explored (e.g. the Lo properties on a program without Lo
// services) and is "not exercised".

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sim/explore/explore.hpp"

namespace frsim::reports {

enum class PropertyStatus : std::uint8_t {
  holds,               // judged, never violated, every schedule within the bounds explored
  violated,            // the run's violation
  not_exercised,       // judged 0 times in the schedules explored
  incomplete,          // not violated, but the run stopped at a budget or a signal
  not_judged_further,  // the run stopped at another property's first violation
  not_checked,         // not among the properties the run checked
  never_reached,       // a user's `sometimes` that no explored state satisfied
};

// The status of result.properties[index] (index < result.properties.size()).
// Result::judged, when counted, tells "not exercised" apart; when it is empty
// every property counts as exercised.
// `reachability`: the property is a user's `sometimes` (judged counts the
// states that satisfied it), so judged 0 is "never reached".
PropertyStatus property_status(const sim::explore::Result& result, std::size_t index, bool reachability = false);

// report.json's word: "holds", "violated", "not_exercised",
// "not_violated_incomplete", "not_judged_further", "not_checked",
// "never_reached".
std::string_view to_string(PropertyStatus status);
// A person's words: "holds", "VIOLATED", "not exercised", "not violated
// (incomplete)", "not judged further", "not checked", "never reached".
std::string_view to_text(PropertyStatus status);
// report.json's word back; nullopt for an unknown one.
std::optional<PropertyStatus> property_status_from_string(std::string_view name);

// The run as a whole (report.json's top-level "verdict").
enum class Verdict : std::uint8_t {
  holds,        // every property holds: complete, no violation
  violated,     // a violation was found (exit status 1)
  incomplete,   // no violation within what a budget let it explore
  interrupted,  // no violation before a signal stopped it
  // Complete, no violation, but a `sometimes` property no state reached: it
  // fails without a counterexample (as Stateright's reachability properties
  // do). Exit status 1.
  unreached,
};
Verdict verdict(const sim::explore::Result& result);
std::string_view to_string(Verdict verdict);
std::optional<Verdict> verdict_from_string(std::string_view name);

}  // namespace frsim::reports
