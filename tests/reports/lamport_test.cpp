#include "reports/lamport.hpp"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "report_fixtures.hpp"
#include "xml_check.hpp"

namespace frsim::reports {
namespace {

using nlohmann::json;
using test::event;
using test::trace_of;
using End = LamportArrow::End;
using Status = LamportPropagation::Status;

json crafted_trace() { return test::violating_report()["violations"][0]["trace"]; }

std::size_t count_arrows(const LamportDiagram& d, End end, bool duplicate) {
  return static_cast<std::size_t>(std::count_if(d.arrows.begin(), d.arrows.end(), [&](const auto& a) {
    return a.end == end && a.duplicate == duplicate;
  }));
}

TEST(Lamport, CraftedTraceMessages) {
  const auto d = build_lamport(crafted_trace(), 400);
  EXPECT_EQ(d.devices, (std::vector<std::int64_t>{0, 1, 2}));
  EXPECT_EQ(d.events.size(), test::kViolatingEvents);
  EXPECT_EQ(d.events_total, test::kViolatingEvents);
  EXPECT_EQ(count_arrows(d, End::delivered, false), 2u);  // #1, first #4
  EXPECT_EQ(count_arrows(d, End::delivered, true), 2u);   // #3 (copy of #2), second #4
  EXPECT_EQ(count_arrows(d, End::dropped, false), 1u);    // #2
  EXPECT_EQ(count_arrows(d, End::in_flight, false) + count_arrows(d, End::in_flight, true), 0u);
  for (const auto& a : d.arrows) {
    EXPECT_LE(a.from_row, a.to_row);
    EXPECT_FALSE(a.unmatched);
    if (a.message == 2) {
      EXPECT_EQ(a.from_device, 0);
      EXPECT_EQ(a.to_device, 2);
      EXPECT_EQ(a.from_row, 7u);
      EXPECT_EQ(a.to_row, 14u);
    }
    if (a.message == 3) {  // the copy leaves where the original was sent
      EXPECT_EQ(a.from_row, 7u);
      EXPECT_EQ(a.to_row, 18u);
    }
  }
}

TEST(Lamport, CraftedTracePropagationsAndFaults) {
  const auto d = build_lamport(crafted_trace(), 400);
  ASSERT_EQ(d.propagations.size(), 4u);
  const auto& p0 = d.propagations[0];
  EXPECT_EQ(p0.device, 0);
  EXPECT_EQ(p0.status, Status::committed);
  EXPECT_EQ(p0.reevaluated, (std::vector<std::string>{"topic1", "view"}));
  EXPECT_EQ(p0.start_row, 0u);
  EXPECT_EQ(p0.end_row, 5u);
  const auto& receive = d.propagations[1];  // opened by its first reevaluation
  EXPECT_EQ(receive.device, 1);
  EXPECT_EQ(receive.start_row, 10u);
  EXPECT_EQ(receive.status, Status::committed);
  EXPECT_EQ(receive.reevaluated, (std::vector<std::string>{"topic1", "history"}));
  EXPECT_EQ(d.propagations[2].device, 2);
  EXPECT_EQ(d.propagations[2].reevaluated, (std::vector<std::string>{"history"}));
  EXPECT_EQ(d.propagations[3].status, Status::aborted);
  EXPECT_EQ(d.propagations[3].reevaluated, (std::vector<std::string>{"view"}));
  ASSERT_EQ(d.down_times.size(), 1u);
  EXPECT_EQ(d.down_times[0].device, 2);
  EXPECT_EQ(d.down_times[0].from_row, 15u);
  EXPECT_EQ(d.down_times[0].to_row, 16u);
}

TEST(Lamport, CapStopsTheDiagramAndLeavesLaterDeliveriesInFlight) {
  const auto d = build_lamport(crafted_trace(), 8);  // rows 0..7: both sends, no delivery
  EXPECT_EQ(d.events.size(), 8u);
  EXPECT_EQ(d.events_total, test::kViolatingEvents);
  EXPECT_EQ(count_arrows(d, End::in_flight, false), 2u);
  for (const auto& a : d.arrows) EXPECT_EQ(a.to_row, 8u);
  const auto svg = test::parse_xml(lamport_svg(d, {}));
  EXPECT_EQ(svg.by_class("capped").size(), 1u);
  EXPECT_EQ(svg.by_class("in-flight").size(), 2u);
}

TEST(Lamport, LifelinesForEveryConfiguredDevice) {
  json trace = trace_of(json::array({event(0, 1, "sent", "d1 sent #1 to d0", "r", 0, 1)}));
  trace["config"]["devices"] = 5;
  const auto d = build_lamport(trace, 400);
  EXPECT_EQ(d.devices, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));
  const auto svg = test::parse_xml(lamport_svg(d, {}));
  EXPECT_EQ(svg.by_class("lifeline").size(), 5u);
  trace["config"].erase("devices");  // then only the devices the events name
  EXPECT_EQ(build_lamport(trace, 400).devices, (std::vector<std::int64_t>{0, 1}));
}

TEST(Lamport, DeliveryWithoutItsSendIsDrawnAsUnmatched) {
  const json trace =
      trace_of(json::array({event(0, 1, "delivered", "d1 received #9 from d0", "r", 0, 9)}));
  const auto d = build_lamport(trace, 400);
  ASSERT_EQ(d.arrows.size(), 1u);
  EXPECT_TRUE(d.arrows[0].unmatched);
  EXPECT_EQ(d.arrows[0].from_device, 0);
  EXPECT_EQ(d.arrows[0].to_device, 1);
}

// Random message traffic: each sent message ends as exactly one arrow that is
// not a duplicate, each duplicated event adds exactly one duplicate arrow, and
// the drawing is well-formed XML with one lifeline per device.
RC_GTEST_PROP(Lamport, EveryMessageIsOneArrow, ()) {
  const auto devices = *rc::gen::inRange<std::int64_t>(1, 6);
  const auto ops = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 4));
  json events = json::array();
  std::map<std::int64_t, std::pair<std::int64_t, std::int64_t>> open;  // id -> (from, to)
  std::int64_t next_id = 1;
  std::size_t sends = 0;
  std::size_t dups = 0;
  std::int64_t step = 0;
  for (const int op : ops) {
    if (op == 0 || open.empty()) {
      const auto from = *rc::gen::inRange<std::int64_t>(0, devices);
      const auto to = *rc::gen::inRange<std::int64_t>(0, devices);
      events.push_back(event(step++, from, "sent", "send <&>", "r", to, next_id));
      open[next_id++] = {from, to};
      ++sends;
      continue;
    }
    const auto it = std::next(open.begin(), *rc::gen::inRange<std::size_t>(0, open.size()));
    const auto [id, ends] = *it;
    if (op == 1) {
      events.push_back(event(step++, ends.second, "delivered", "deliver", "r", ends.first, id));
      open.erase(it);
    } else if (op == 2) {
      events.push_back(event(step++, ends.first, "dropped", "drop", "r", ends.second, id));
      open.erase(it);
    } else {
      json dup = event(step++, ends.first, "duplicated", "dup", "r", ends.second, id);
      dup["values"] = json::array({std::to_string(next_id)});
      events.push_back(dup);
      open[next_id++] = ends;
      ++dups;
    }
  }
  json trace = trace_of(events);
  trace["config"]["devices"] = devices;
  const auto d = build_lamport(trace, 1000);
  std::size_t originals = 0;
  std::size_t copies = 0;
  for (const auto& a : d.arrows) {
    (a.duplicate ? copies : originals) += 1;
    RC_ASSERT(a.from_row <= a.to_row);
    RC_ASSERT(!a.unmatched);
  }
  RC_ASSERT(originals == sends);
  RC_ASSERT(copies == dups);
  const auto svg = test::parse_xml(lamport_svg(d, {}));
  RC_ASSERT(svg.by_class("lifeline").size() == static_cast<std::size_t>(devices));
  RC_ASSERT(svg.by_class("event").size() == events.size());
}

}  // namespace
}  // namespace frsim::reports
