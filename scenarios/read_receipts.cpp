// Sound: read receipts, each device writing its own entry. One distributed
// fold, "receipts", holds for every device the highest message number it has
// read: a map device -> number whose merge takes the larger number key by key
// (a join, written by hand over plain values: lattice-laws checks it as it
// checks a library CRDT). A read writes only the reading device's entry —
// the replica id is the device index, as scenarios/README.md recommends — so
// concurrent reads on different devices never touch the same entry.
// Derived: "read_by_all", the highest message every device has read.
//
// Workload (three devices, device-dependent): d0 reads message 1; d1 reads 1
// then 2; d2 reads 2. Whatever the schedule, the converged receipts are
// {0: 1, 1: 2, 2: 2} and read_by_all is 1 — exactly what a sequential
// schedule of the same reads computes, device by device.
//
// Its own properties (Scenario::properties), judged with the built-in ones:
//   receipts-within-messages  always      no entry names a message past the last one (2);
//   everyone-read-message-1   sometimes   some device sees read_by_all = 1;
//   read-by-all-agreed        eventually  every device ends with the same read_by_all
//                                         (healing fires no workload: a schedule that ends
//                                         before d0's read ends with 0 everywhere).
// Expected verdict: every property holds (this program was flagged by the
// old sequential-spec oracle, which recomputed the fold as device 0).

#include "scenarios/registry.hpp"
#include "sim/view.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

constexpr std::int64_t last_message = 2;

Value entry(const Value& receipts, std::int64_t device) {
  const Value* n = receipts.find(Value::integer(device));
  return n != nullptr ? *n : Value::integer(0);
}

// Key by key, the larger number (a key missing on one side is 0 there).
Value merge_receipts(const Value& a, const Value& b) {
  core::ValueMap out(a.as_map().begin(), a.as_map().end());
  for (const auto& [device, n] : b.as_map()) {
    const auto mine = entry(a, device.as_int()).as_int();
    out.emplace_back(device, Value::integer(std::max(mine, n.as_int())));  // the last pair of a key wins
  }
  return Value::map(std::move(out));
}

bool every_device(const sim::View& view, const std::function<bool(const Value&)>& ok) {
  for (std::uint32_t d = 0; d < view.devices(); ++d) {
    const auto v = view.value(d, "read_by_all");
    if (!v || !ok(*v)) return false;
  }
  return true;
}

}  // namespace

sim::Scenario read_receipts() {
  sim::Scenario s;
  s.name = "read-receipts";
  s.description = "each device records the last message it read in its own entry of a replicated map";
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto read = rt.source(Value::integer(0), "read");
    const std::int64_t me = ctx.device;
    const auto receipts = rt.distributed_fold(
        "receipts", read, Value::map({}),
        [me](const Value& state, const Value& n) {
          return merge_receipts(state, Value::map({{Value::integer(me), n}}));
        },
        merge_receipts);
    const std::int64_t devices = ctx.devices;
    rt.map({receipts}, [devices](core::Inputs in) {
      std::int64_t all = last_message;
      for (std::int64_t d = 0; d < devices; ++d) all = std::min(all, entry(in[0], d).as_int());
      return Value::integer(all);
    }, "read_by_all");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    std::vector<sim::Action> reads;
    for (std::int64_t n = device == 2 ? 2 : 1; n <= std::min<std::int64_t>(device + 1, last_message); ++n) {
      reads.push_back(sim::Action::fire("read", Value::integer(n)));
    }
    return reads;
  };
  s.properties = {
      sim::UserProperty::always("receipts-within-messages", "no receipt names a message past the last one",
                                [](const sim::View& view) {
                                  for (std::uint32_t d = 0; d < view.devices(); ++d) {
                                    const auto receipts = view.value(d, "receipts");
                                    if (!receipts) continue;
                                    for (const auto& [device, n] : receipts->as_map()) {
                                      if (n.as_int() > last_message) return false;
                                    }
                                  }
                                  return true;
                                }),
      sim::UserProperty::sometimes("everyone-read-message-1", "some device sees that every device read message 1",
                                   [](const sim::View& view) {
                                     for (const auto& v : view.values("read_by_all")) {
                                       if (v && v->as_int() >= 1) return true;
                                     }
                                     return false;
                                   }),
      sim::UserProperty::eventually("read-by-all-agreed", "every device ends with the same read_by_all",
                                    [](const sim::View& view) {
                                      const auto first = view.value(0, "read_by_all");
                                      return every_device(view, [&](const Value& v) { return first && v == *first; });
                                    }),
  };
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.crashes = 1;
  return s;
}

}  // namespace frsim::scenarios
