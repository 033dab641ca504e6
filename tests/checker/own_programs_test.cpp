// Issue 13's checks on programs of our own, not in the zoo, run through the
// default campaign (both stages, small budgets) as `frsim explore` runs them:
// for each check a sound program that must hold and a broken one that must
// fail with the property named. The checks are meant to be right in
// general, so none of these programs was written with the checker in mind:
//   counters    a PN-counter (the library's, and one by hand over plain
//               maps) against a counter whose merge is min, and one whose
//               merge is a capped sum;
//   sets        an observed-remove set against a set whose merge keeps the
//               larger of two sets (a join of a total order that drops the
//               other side's elements);
//   registers   a last-writer-wins register by a proper Lamport timestamp,
//               written by hand over plain values, against one whose merge
//               takes what arrived last.

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "checker/checker.hpp"
#include "core/crdt/counters.hpp"
#include "core/crdt/sets.hpp"
#include "sim/explore/explore.hpp"

namespace frsim::checker {
namespace {

using core::Value;

// ---- the programs ---------------------------------------------------------------------------

// A fold "count" over the source "delta" (+1 or -1), a map "positive"
// reading it. Workload: d0 +1, +1; d1 -1; d2 +1 (three devices).
sim::Scenario counter_program(std::string name, std::function<void(core::Runtime&, core::ReactiveId, std::uint32_t)> fold) {
  sim::Scenario s;
  s.name = std::move(name);
  s.create = [fold](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto delta = rt.source(Value::integer(0), "delta");
    fold(rt, delta, ctx.device);
    rt.map({rt.find("count").value()}, [](std::span<const Value> in) {
      const auto n = in[0].is_crdt() ? core::crdt::as<core::crdt::PnCounter>(in[0]).count() : in[0].as_int();
      return Value::boolean(n > 0);
    }, "positive");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    const auto fire = [](std::int64_t d) { return sim::Action::fire("delta", Value::integer(d)); };
    switch (device) {
      case 0: return std::vector<sim::Action>{fire(1), fire(1)};
      case 1: return std::vector<sim::Action>{fire(-1)};
      default: return std::vector<sim::Action>{fire(1)};
    }
  };
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.crashes = 1;
  return s;
}

sim::Scenario library_pn_counter() {
  return counter_program("own-pn-counter", [](core::Runtime& rt, core::ReactiveId delta, std::uint32_t replica) {
    rt.distributed_fold("count", delta, core::crdt::to_value(core::crdt::PnCounter::empty()),
                        [replica](const Value& c, const Value& d) {
                          const auto& counter = core::crdt::as<core::crdt::PnCounter>(c);
                          return core::crdt::to_value(d.as_int() >= 0 ? counter.increment(replica)
                                                                      : counter.decrement(replica));
                        });
  });
}

// The same by hand: {device: [increments, decrements]}, merged entry by
// entry with max. The value a user sees is the sum of differences.
Value pn_entry(const Value& counts, std::int64_t device) {
  const Value* e = counts.find(Value::integer(device));
  return e != nullptr ? *e : Value::list({Value::integer(0), Value::integer(0)});
}

Value pn_merge(const Value& a, const Value& b) {
  core::ValueMap out;
  std::set<std::int64_t> devices;
  for (const auto& [d, e] : a.as_map()) devices.insert(d.as_int());
  for (const auto& [d, e] : b.as_map()) devices.insert(d.as_int());
  for (const auto d : devices) {
    const Value ex = pn_entry(a, d);
    const Value ey = pn_entry(b, d);
    const auto x = ex.as_list();
    const auto y = ey.as_list();
    out.emplace_back(Value::integer(d), Value::list({Value::integer(std::max(x[0].as_int(), y[0].as_int())),
                                                     Value::integer(std::max(x[1].as_int(), y[1].as_int()))}));
  }
  return Value::map(std::move(out));
}

sim::Scenario plain_pn_counter() {
  auto s = counter_program("own-plain-pn-counter", [](core::Runtime& rt, core::ReactiveId delta, std::uint32_t replica) {
    const auto counts = rt.distributed_fold(
        "counts", delta, Value::map({}),
        [replica](const Value& c, const Value& d) {
          const Value entry = pn_entry(c, replica);
          const auto e = entry.as_list();
          const bool up = d.as_int() >= 0;
          const Value updated = Value::list({Value::integer(e[0].as_int() + (up ? 1 : 0)),
                                             Value::integer(e[1].as_int() + (up ? 0 : 1))});
          return pn_merge(c, Value::map({{Value::integer(replica), updated}}));
        },
        pn_merge);
    rt.map({counts}, [](std::span<const Value> in) {
      std::int64_t n = 0;
      for (const auto& [d, e] : in[0].as_map()) n += e.as_list()[0].as_int() - e.as_list()[1].as_int();
      return Value::integer(n);
    }, "count");
  });
  return s;
}

// Modulo 2^64: merges that keep growing while healing stay defined.
std::int64_t wrapping_sum(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

// Plain integers added up, merged with `merge`.
sim::Scenario plain_counter(std::string name, core::MergeFunction merge) {
  return counter_program(std::move(name), [merge](core::Runtime& rt, core::ReactiveId delta, std::uint32_t) {
    rt.distributed_fold("count", delta, Value::integer(0),
                        [](const Value& n, const Value& d) { return Value::integer(wrapping_sum(n.as_int(), d.as_int())); }, merge);
  });
}

Value min_merge(const Value& a, const Value& b) { return Value::integer(std::min(a.as_int(), b.as_int())); }
Value capped_sum(const Value& a, const Value& b) { return Value::integer(std::min<std::int64_t>(wrapping_sum(a.as_int(), b.as_int()), 10)); }

// A set of names edited by ["add", x] and ["remove", x]; "members" is the
// list of its elements. Workload: d0 adds ann then bob; d1 removes ann, then
// adds cy; d2 adds dee (three devices).
sim::Scenario set_program(bool observed_remove) {
  sim::Scenario s;
  s.name = observed_remove ? "own-or-set" : "own-larger-set";
  s.create = [observed_remove](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto edit = rt.source(Value::unit(), "edit");
    const auto replica = ctx.device;
    const auto is_add = [](const Value& e) { return e.as_list()[0].as_string() == "add"; };
    if (observed_remove) {
      rt.distributed_fold("names", edit, core::crdt::to_value(core::crdt::OrSet::empty()),
                          [replica, is_add](const Value& set, const Value& e) {
                            const auto& names = core::crdt::as<core::crdt::OrSet>(set);
                            const Value& name = e.as_list()[1];
                            return core::crdt::to_value(is_add(e) ? names.add(replica, name) : names.remove(name));
                          });
      rt.map({rt.find("names").value()},
             [](std::span<const Value> in) { return Value::list(core::crdt::as<core::crdt::OrSet>(in[0]).elements()); },
             "members");
      return;
    }
    rt.distributed_fold(
        "names", edit, Value::list({}),
        [is_add](const Value& set, const Value& e) {
          core::ValueList names(set.as_list().begin(), set.as_list().end());
          const Value& name = e.as_list()[1];
          names.erase(std::remove(names.begin(), names.end(), name), names.end());
          if (is_add(e)) names.push_back(name);
          std::sort(names.begin(), names.end());
          return Value::list(std::move(names));
        },
        // The larger set wins (the greater on a tie): the maximum of a total
        // order, so a join; the other side's elements are dropped.
        [](const Value& a, const Value& b) {
          if (a.as_list().size() != b.as_list().size()) return a.as_list().size() > b.as_list().size() ? a : b;
          return a < b ? b : a;
        });
    rt.map({rt.find("names").value()}, [](std::span<const Value> in) { return in[0]; }, "members");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    const auto edit = [](const char* op, const char* name) {
      return sim::Action::fire("edit", Value::list({Value::string(op), Value::string(name)}));
    };
    switch (device) {
      case 0: return std::vector<sim::Action>{edit("add", "ann"), edit("add", "bob")};
      case 1: return std::vector<sim::Action>{edit("remove", "ann"), edit("add", "cy")};
      default: return std::vector<sim::Action>{edit("add", "dee")};
    }
  };
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  s.defaults.crashes = 1;
  return s;
}

// A register "status" of [lamport, device, text], written by hand. Sound:
// a write takes the larger clock + 1 and the merge the larger triple (last
// writer wins by a proper timestamp). Broken: the merge takes what arrived.
sim::Scenario register_program(bool by_timestamp) {
  sim::Scenario s;
  s.name = by_timestamp ? "own-lww-register" : "own-arrival-register";
  s.create = [by_timestamp](core::Runtime& rt, const sim::DeviceContext& ctx) {
    const auto set = rt.source(Value::unit(), "set");
    const auto replica = static_cast<std::int64_t>(ctx.device);
    const auto status = rt.distributed_fold(
        "status", set, Value::list({Value::integer(0), Value::integer(-1), Value::string("")}),
        [replica](const Value& reg, const Value& text) {
          return Value::list({Value::integer(reg.as_list()[0].as_int() + 1), Value::integer(replica), text});
        },
        [by_timestamp](const Value& a, const Value& b) {
          if (!by_timestamp) return b;
          return a < b ? b : a;
        });
    rt.map({status}, [](std::span<const Value> in) { return in[0].as_list()[2]; }, "shown");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("set", Value::string(fmt::format("by d{}", device)))};
  };
  s.defaults.devices = 3;
  s.defaults.drops = 1;
  return s;
}

// ---- the campaign ----------------------------------------------------------------------------

// The default campaign as `frsim explore` runs it, on a small budget.
sim::explore::Result campaign(const sim::Scenario& s, std::vector<std::string> only = {}) {
  auto o = sim::explore::default_options(s);
  o.limits.states_max = 3000;
  o.limits.schedules_max = 150;
  o.limits.time_limit_seconds = 0;  // budgets by count: the same verdict on every machine
  return sim::explore::default_campaign(s, o, monitor_factory(s, CheckOptions{std::move(only)}));
}

std::uint64_t judged(const sim::explore::Result& r, std::string_view name) {
  const auto at = std::find(r.properties.begin(), r.properties.end(), name);
  return at == r.properties.end() ? 0 : r.judged.at(static_cast<std::size_t>(at - r.properties.begin()));
}

void expect_holds(const sim::Scenario& s) {
  const auto r = campaign(s);
  ASSERT_FALSE(r.violation.has_value()) << s.name << ": " << r.violation->finding.property << ": "
                                        << r.violation->finding.message;
  for (const char* p : {"sequential-spec", "convergence", "lattice-laws"}) {
    EXPECT_GT(judged(r, p), 0u) << s.name << ": " << p << " never judged";
  }
}

// The whole checker flags it with one of `properties` first, and `alone`
// catches it by itself, naming `reactive`.
void expect_caught(const sim::Scenario& s, std::vector<std::string> first, const std::string& alone,
                   const std::string& reactive) {
  const auto all = campaign(s);
  ASSERT_TRUE(all.violation.has_value()) << s.name << " passed";
  EXPECT_TRUE(std::find(first.begin(), first.end(), all.violation->finding.property) != first.end())
      << s.name << ": " << all.violation->finding.property << ": " << all.violation->finding.message;
  const auto one = campaign(s, {alone});
  ASSERT_TRUE(one.violation.has_value()) << s.name << ": " << alone << " alone passed";
  EXPECT_EQ(one.violation->finding.property, alone);
  EXPECT_EQ(one.violation->finding.reactive, reactive) << one.violation->finding.message;
  const auto again = replay(s, one.violation->config, one.violation->seed, one.violation->choices,
                            CheckOptions{{alone}});
  ASSERT_TRUE(again.finding.has_value()) << s.name << ": the counterexample does not replay";
  EXPECT_EQ(again.finding->property, alone);
}

// ---- counters ----------------------------------------------------------------------------------

TEST(OwnPrograms, APnCounterHolds) { expect_holds(library_pn_counter()); }

TEST(OwnPrograms, APnCounterByHandOverPlainMapsHolds) { expect_holds(plain_pn_counter()); }

// Min is a join (of the reversed order): replicas converge and every law
// holds, but an increment goes down in that order, and every device that
// has not acted merges it back to what it had. On one computer the count is
// the sum of the deltas (DESIGN §10: after an action every device holds
// what the acting device computed); here d1's -1 pulls every schedule to -1
// whatever the others added.
TEST(OwnPrograms, ACounterMergedByMinFailsTheSequentialSpec) {
  auto s = plain_counter("own-min-counter", min_merge);
  expect_caught(s, {"sequential-spec"}, "sequential-spec", "count");
  s.defaults.devices = 2;
  s.workload = [](std::uint32_t, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("delta", Value::integer(1))};
  };
  expect_caught(s, {"sequential-spec"}, "sequential-spec", "count");
}

// A capped sum is not idempotent: M(1, 1) = 2.
TEST(OwnPrograms, ACounterMergedByACappedSumBreaksTheLatticeLaws) {
  expect_caught(plain_counter("own-capped-sum", capped_sum), {"lattice-laws"}, "lattice-laws", "count");
}

// ---- sets ----------------------------------------------------------------------------------------

TEST(OwnPrograms, AnObservedRemoveSetHolds) { expect_holds(set_program(true)); }

TEST(OwnPrograms, ASetWhoseMergeKeepsTheLargerSetFailsTheSequentialSpec) {
  expect_caught(set_program(false), {"sequential-spec"}, "sequential-spec", "names");
}

// ---- registers -----------------------------------------------------------------------------------

// Its timestamp is metadata: a sequential schedule stamps a write that was
// concurrent in the run with a larger clock. Compared whole, the register
// has no sequential counterpart, and the finding says how to say what a
// user sees of it; told that (the text), it holds.
TEST(OwnPrograms, ARegisterByLamportTimestampHoldsOnceItsMetadataIsNamed) {
  auto s = register_program(true);
  const auto whole = campaign(s, {"sequential-spec"});
  ASSERT_TRUE(whole.violation.has_value());
  EXPECT_EQ(whole.violation->finding.reactive, "status");
  EXPECT_NE(whole.violation->finding.message.find("Scenario::observe"), std::string::npos)
      << whole.violation->finding.message;
  s.observe["status"] = [](const Value& reg) { return reg.as_list()[2]; };
  expect_holds(s);
}

TEST(OwnPrograms, ARegisterByArrivalFailsTheLatticeLawsAndDoesNotConverge) {
  expect_caught(register_program(false), {"lattice-laws", "convergence"}, "lattice-laws", "status");
  const auto s = register_program(false);
  const auto r = campaign(s, {"convergence"});
  ASSERT_TRUE(r.violation.has_value()) << "convergence alone passed";
  EXPECT_EQ(r.violation->finding.reactive, "status");
}

// ---- merges and ready orders (the checks made cheaper in the session of 2026-12-03) --------------
//   a diamond over a max register: x fans out to two maps that a third
//               joins, every device writes its own values, folded into the
//               register by max (so that every write goes up in the merge's
//               order; written by replacement, a write below what a device
//               received is undone by the merge); against a register
//               merged by the rounded-down mean (commutative and idempotent,
//               not associative: M(M(0, 2), 4) = 2, M(0, M(2, 4)) = 1), and a
//               diamond whose join reads a counter its sibling bumps (what it
//               computes depends on which sibling the engine runs first).

Value max_merge(const Value& a, const Value& b) { return a.as_int() >= b.as_int() ? a : b; }
Value mean_merge(const Value& a, const Value& b) { return Value::integer((a.as_int() + b.as_int()) / 2); }
Value replace(const Value&, const Value& v) { return v; }

sim::Scenario diamond_program(std::string name, core::MergeFunction merge, bool leaky,
                              core::FoldOperator write = max_merge) {
  sim::Scenario s;
  s.name = std::move(name);
  s.create = [merge, leaky, write](core::Runtime& rt, const sim::DeviceContext&) {
    const auto x = rt.source(Value::integer(0), "x");
    const auto reg = rt.distributed_fold("reg", x, Value::integer(0), write, merge);
    auto bumps = std::make_shared<std::int64_t>(0);
    const auto twice = rt.map({reg}, [bumps, leaky](std::span<const Value> in) {
      if (leaky) ++*bumps;
      return Value::integer(in[0].as_int() * 2);
    }, "twice");
    const auto next = rt.map({reg}, [bumps, leaky](std::span<const Value> in) {
      return Value::integer(in[0].as_int() + 1 + (leaky ? *bumps : 0));
    }, "next");
    rt.map({twice, next}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() + in[1].as_int()); },
           "sum");
  };
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("x", Value::integer(2 * device)),
                                    sim::Action::fire("x", Value::integer(2 * device + 4))};
  };
  s.defaults.devices = 2;
  s.defaults.drops = 1;
  s.defaults.grain = sim::Grain::fine;
  return s;
}

TEST(OwnPrograms, ADiamondOverAMaxRegisterHoldsAndIsJudgedForOrdersAndLaws) {
  const auto s = diamond_program("own-max-diamond", max_merge, false);
  expect_holds(s);
  const auto r = campaign(s);
  for (const char* p : {"confluence", "determinism"}) EXPECT_GT(judged(r, p), 0u) << p << " never judged";
}

// Written by replacement, the max register loses a write below what the
// writer had received: d0 writes 4 after d1's 6 reached it, and the merge
// takes 6 back. On one computer the register is 4 after that write (Lasp:
// the program "will behave the same whether it is executed on one computer
// or distributed"); the sequential schedules say so (DESIGN §10).
TEST(OwnPrograms, AMaxRegisterWrittenByReplacementFailsTheSequentialSpec) {
  expect_caught(diamond_program("own-max-replaced", max_merge, false, replace), {"sequential-spec"}, "sequential-spec",
                "reg");
}

TEST(OwnPrograms, ARegisterMergedByTheMeanBreaksTheLatticeLaws) {
  expect_caught(diamond_program("own-mean-register", mean_merge, false), {"lattice-laws", "sequential-spec"},
                "lattice-laws", "reg");
}

TEST(OwnPrograms, ADiamondWhoseJoinSeesTheOrderOfItsInputsFailsConfluence) {
  // The counter outlives a schedule too (operators are shared by copies of a
  // world), which replaying a schedule shows; nothing order-dependent
  // reaches a send, so determinism (Lemma 4.12) has nothing to say. The
  // finding names the action whose ready orders end in different stores.
  expect_caught(diamond_program("own-leaky-diamond", max_merge, true), {"confluence", "replay-determinism"},
                "confluence", "x");
}

// ---- many actions ----------------------------------------------------------------------------

// The sets above, with d0's workload ending in 62 fires of a local source
// "noise" that nothing distributed reads: d1's and d2's actions are then
// numbered 64 and beyond, past what sequential-spec's sets of actions hold in
// place (ActionSet). The noise commits and changes no distributed value, so
// it is left out of what the sequential schedules are compared on.
sim::Scenario with_noise(sim::Scenario s) {
  s.name += "-noisy";
  const auto create = s.create;
  s.create = [create](core::Runtime& rt, const sim::DeviceContext& ctx) {
    create(rt, ctx);
    const auto noise = rt.source(Value::integer(0), "noise");
    rt.map({noise}, [](std::span<const Value> in) { return Value::integer(in[0].as_int() * 2); }, "echo");
  };
  const auto workload = s.workload;
  s.workload = [workload](std::uint32_t device, std::uint32_t devices) {
    auto actions = workload(device, devices);
    if (device == 0) {
      for (int i = 0; i < 62; ++i) actions.push_back(sim::Action::fire("noise", Value::integer(i)));
    }
    return actions;
  };
  return s;
}

TEST(OwnPrograms, AnObservedRemoveSetHoldsWithActionsNumberedPast64) {
  const auto s = with_noise(set_program(true));
  ASSERT_EQ(s.workload(0, 3).size(), 64u);
  expect_holds(s);
}

TEST(OwnPrograms, ASetWhoseMergeKeepsTheLargerSetFailsWithActionsNumberedPast64) {
  expect_caught(with_noise(set_program(false)), {"sequential-spec"}, "sequential-spec", "names");
}

}  // namespace
}  // namespace frsim::checker
