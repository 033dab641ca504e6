#include "report_fixtures.hpp"

namespace frsim::reports::test {

using nlohmann::json;

json event(std::int64_t step, std::int64_t device, const char* kind, const std::string& text,
           const std::string& reactive, std::optional<std::int64_t> peer, std::int64_t message) {
  json ev = {{"step", step}, {"device", device}, {"kind", kind}, {"values", json::array()},
             {"text", text}};
  if (!reactive.empty()) ev["reactive"] = reactive;
  if (peer) ev["peer"] = *peer;
  if (message != 0) ev["message"] = message;
  return ev;
}

json trace_of(json events) {
  return {{"format", "frsim-trace"},
          {"version", 1},
          {"scenario", "chat"},
          {"config", {{"devices", 3}, {"drops", 1}, {"grain", "coarse"}}},
          {"seed", 7},
          {"choices",
           {{{"index", 0}, {"description", "fire d0 topic1"}},
            {{"index", 3}, {"description", "deliver topic1 #1 d0->d1"}}}},
          {"events", std::move(events)},
          {"event_hash", "0123456789abcdef"}};
}

namespace {

// A violation stops the run: the other checked properties are not judged further.
json properties(bool violated) {
  const char* other = violated ? "not_judged_further" : "holds";
  return json::array({
      {{"name", "glitch-freedom"},
       {"status", other},
       {"source", "Lemma 4.6"},
       {"description", "no input of r is written after r's reevaluation in the same propagation"}},
      {{"name", "at-most-once"},
       {"status", other},
       {"source", "Lemma 4.5"},
       {"description", "no reactive reevaluates twice in one propagation"}},
      {{"name", "convergence"},
       {"status", violated ? "violated" : "holds"},
       {"source", "Lemma 4.16, Thm. 4.17"},
       {"description", "after healing, all devices agree on every distributed reactive"}},
      {{"name", "confluence"},
       {"status", "not_checked"},
       {"source", "Lemma 4.11"},
       {"description", "every ready-order ends in the same store"}},
  });
}

json dataflow() {
  return {{"dot", "digraph { n0 -> n1; n0 -> n2; }"},
          {"nodes",
           {{{"id", 0}, {"label", "topic1"}, {"kind", "source"}, {"distributed", true}},
            {{"id", 1}, {"label", "view"}, {"kind", "map"}, {"distributed", false}},
            {{"id", 2}, {"label", "history"}, {"kind", "fold"}, {"distributed", false}},
            {{"id", 3}, {"label", "selected"}, {"kind", "flatten"}, {"distributed", false}}}},
          {"edges",
           {{{"from", 0}, {"to", 1}, {"dynamic", false}},
            {{"from", 0}, {"to", 2}, {"dynamic", false}},
            {{"from", 2}, {"to", 2}, {"dynamic", false}},
            {{"from", 1}, {"to", 3}, {"dynamic", true}}}}};
}

json campaign(bool violated) {
  return {{"format", "frsim-report"},
          {"version", 1},
          {"scenario", "chat"},
          {"description", "the paper's chat application"},
          {"strategy", "bfs"},
          {"config", {{"devices", 3}, {"drops", 1}, {"duplicates", 1}, {"grain", "coarse"}}},
          {"seed", 1},
          {"verdict", violated ? "violated" : "holds"},
          {"complete", !violated},
          {"budget_hit", json()},
          {"stats",
           {{"transitions", 1200},
            {"states", 900},
            {"distinct_states", 640},
            {"schedules", 75},
            {"max_depth", 31},
            {"elapsed_seconds", 1.25},
            {"states_per_second", 720.0},
            {"memory_bytes", 3145728}}},
          {"properties", properties(violated)},
          {"violations", json::array()},
          {"dataflow", dataflow()}};
}

}  // namespace

json holding_report() { return campaign(false); }

json incomplete_report() {
  json report = campaign(false);
  report["verdict"] = "incomplete";
  report["complete"] = false;
  report["budget_hit"] = "time";
  for (auto& prop : report["properties"]) {
    if (prop["status"] == "holds") prop["status"] = "not_violated_incomplete";
  }
  return report;
}

json violating_report() {
  json events = json::array({
      event(0, 0, "action_started", "d0 fires topic1 := \"Alice: hi\"", "topic1"),
      event(0, 0, "reevaluated", "d0 reevaluated topic1", "topic1"),
      event(0, 0, "written", "d0 wrote topic1", "topic1"),
      event(0, 0, "reevaluated", "d0 reevaluated view", "view"),
      event(0, 0, "written", "d0 wrote view", "view"),
      event(0, 0, "committed", "d0 committed"),
      event(1, 0, "sent", "d0 sent topic1 #1 to d1", "topic1", 1, 1),
      event(2, 0, "sent", "d0 sent topic1 #2 to d2", "topic1", 2, 2),
      event(3, 1, "delivered", "d1 received topic1 #1 from d0", "topic1", 0, 1),
      event(3, 1, "merged", "d1 merged topic1", "topic1"),
      event(3, 1, "reevaluated", "d1 reevaluated topic1", "topic1"),
      event(3, 1, "reevaluated", "d1 reevaluated history", "history"),
      event(3, 1, "committed", "d1 committed"),
      event(4, 0, "duplicated", "network duplicated topic1 #2 as #3", "topic1", 2, 2),
      event(5, 2, "dropped", "network dropped topic1 #2 d0->d2", "topic1", 0, 2),
      event(6, 2, "crashed", "d2 crashed"),
      event(7, 2, "restarted", "d2 restarted"),
      event(7, 2, "restored", "d2 restored history", "history"),
      event(8, 2, "delivered", "d2 received topic1 #3 from d0", "topic1", 0, 3),
      event(8, 2, "action_started", "d2 merges topic1", "topic1"),
      event(8, 2, "reevaluated", "d2 reevaluated history", "history"),
      event(8, 2, "committed", "d2 committed"),
      event(9, 1, "sent", "d1 sent topic1 #4 to d0", "topic1", 0, 4),
      event(10, 1, "duplicated", "network duplicated topic1 #4", "topic1", 0, 4),
      event(11, 0, "delivered", "d0 received topic1 #4 from d1", "topic1", 1, 4),
      event(12, 0, "delivered", "d0 received topic1 #4 from d1 again", "topic1", 1, 4),
      event(13, 0, "partitioned", "partition d0 | d1", "", 1),
      event(14, 1, "action_started", "d1 fires view", "view"),
      event(14, 1, "reevaluated", "d1 reevaluated view", "view"),
      event(14, 1, "aborted", std::string("d1 aborted: ") + kHostileText, "view"),
      event(15, 0, "healed", "heal d0 | d1", "", 1),
      event(16, 0, "heal_started", "healing phase starts"),
  });
  // The duplicate of #2 travels as #3 (values[0] names the new id).
  events[13]["values"] = json::array({"3"});
  json report = campaign(true);
  report["violations"] = json::array({{
      {"property", "convergence"},
      {"message", std::string("d2 disagrees on history: ") + kHostileText},
      {"device", 2},
      {"reactive", "history"},
      {"values", {"[\"Alice: hi\"]", "[\"Alice: hi\", \"Alice: hi\"]"}},
      {"trace", trace_of(std::move(events))},
      {"replay", "frsim replay frsim-out/chat/counterexample.json"},
  }});
  return report;
}

}  // namespace frsim::reports::test
