#pragma once
// A counterexample state by state, for report.html's state explorer
// (report.violations[i].states). The schedule is replayed on a fresh world
// with a recorder on its event stream; after every event's rule has applied
// the recorder writes down what a person needs to follow the bug (paper
// Figs. 4 and 8):
//
//   per device   up or crashed; each reactive's label, kind, inputs(r, µ)
//                and µ(r).val; the snapshot Σ and its commit count; while a
//                propagation runs, its active set A and processed set P;
//   network      the messages in flight (the multiset S of Fig. 9) with
//                their payloads;
//   healing      whether the healing phase has begun.
//
// {"frames": [FRAME...], "capped": false}
// FRAME  {"event": i, "healing": b, "devices": [DEVICE or null...], "messages": [MESSAGE...] or null}
//        "event" indexes the trace's events; the first frame is the world
//        after creation (event: the last creation event). null: the same as
//        in the previous frame (most events change one device only).
// DEVICE {"up": b, "propagating": b, "active": [id...], "processed": [id...],
//         "commits": n, "reactives": [{"label", "kind", "inputs": [id...],
//         "distributed": b, "value"}...], "snapshot": {"<id>": value...}}
// MESSAGE {"id", "from", "to", "name", "value"}
// Values are their printed forms (core::Value::to_string).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/config.hpp"
#include "sim/scenario.hpp"
#include "sim/trace.hpp"

namespace frsim::reports {

struct RecordedRun {
  sim::Trace trace;       // the schedule's trace, healing included
  nlohmann::json states;  // as above
};

// Applies `choices` (by description first, as a shrunk schedule keeps them;
// by index when the description is not enabled) to a fresh world of
// (`config`, `seed`), heals it, and records its trace and its states. The
// states stop once their JSON would pass `bytes_max` ("capped": true).
RecordedRun record_run(const std::shared_ptr<const sim::Scenario>& scenario, const sim::WorldConfig& config,
                       std::uint64_t seed, const std::vector<std::pair<std::size_t, std::string>>& choices,
                       std::size_t bytes_max);

}  // namespace frsim::reports
