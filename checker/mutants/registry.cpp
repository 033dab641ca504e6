// The bug zoo's engine mutants: each names the engine part it replaces, the
// property that must catch it, and a small program and world that show it.

#include <fmt/format.h>

#include "checker/checker.hpp"
#include "checker/mutants/engine.hpp"
#include "core/crdt/counters.hpp"
#include "scenarios/builtins.hpp"
#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::checker {

namespace {

using core::Value;

Value add(const Value& a, const Value& b) { return Value::integer(a.as_int() + b.as_int()); }

sim::Scenario base(std::string name, std::string description, std::vector<sim::Action> actions) {
  sim::Scenario s;
  s.name = std::move(name);
  s.description = std::move(description);
  s.workload = [actions = std::move(actions)](std::uint32_t, std::uint32_t) { return actions; };
  s.defaults.devices = 1;
  return s;
}

std::vector<sim::Action> fires(std::string_view label, int n) {
  std::vector<sim::Action> out;
  for (int i = 1; i <= n; ++i) out.push_back(sim::Action::fire(std::string(label), Value::integer(i)));
  return out;
}

// s -> a -> b -> c and s -> c: c must wait for b (a glitch otherwise).
sim::Scenario diamond() {
  auto s = base("showcase-diamond", "uneven diamond: c reads s and b = s+2", fires("s", 2));
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto src = rt.source(Value::integer(0), "s");
    const auto a = rt.map({src}, [](std::span<const Value> in) { return add(in[0], Value::integer(1)); }, "a");
    const auto b = rt.map({a}, [](std::span<const Value> in) { return add(in[0], Value::integer(1)); }, "b");
    rt.map({src, b}, [](std::span<const Value> in) { return add(in[0], in[1]); }, "c");
  };
  return s;
}

// A local click source folded into a sum, and a derived double.
sim::Scenario sum_fold(std::string name, std::uint32_t crashes, sim::Grain grain) {
  auto s = base(std::move(name), "a fold summing a source, with a derived map", fires("click", 3));
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto click = rt.source(Value::integer(0), "click");
    const auto sum = rt.fold(click, Value::integer(0), [](const Value& state, const Value& v) { return add(state, v); },
                             "sum");
    rt.map({sum}, [](std::span<const Value> in) { return add(in[0], in[0]); }, "double");
  };
  s.defaults.crashes = crashes;
  s.defaults.grain = grain;
  return s;
}

// A replicated G-Counter of clicks and its derived total.
sim::Scenario replicated_counter(std::string name, std::uint32_t dups) {
  auto s = base(std::move(name), "a replicated G-Counter and its total", fires("click", 1));
  s.create = [](core::Runtime& rt, const sim::DeviceContext& ctx) {
    using core::crdt::GCounter;
    const auto clicks = scenarios::replicated_clicks(rt, ctx);
    rt.map({clicks},
           [](std::span<const Value> in) {
             return Value::integer(static_cast<std::int64_t>(core::crdt::as<GCounter>(in[0]).count()));
           },
           "total");
  };
  s.defaults.devices = 2;
  s.defaults.dups = dups;
  return s;
}

// A flatten whose inner reactive sits deeper than its outer: s -> b -> a, and
// outer = s.map(_ => ref a); f = flatten(outer) must wait for a.
sim::Scenario flatten_deep() {
  auto s = base("showcase-flatten", "a flatten whose inner reactive is deeper than its outer", fires("s", 2));
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto src = rt.source(Value::integer(0), "s");
    const auto b = rt.map({src}, [](std::span<const Value> in) { return add(in[0], Value::integer(1)); }, "b");
    const auto a = rt.map({b}, [](std::span<const Value> in) { return add(in[0], in[0]); }, "a");
    const auto outer = rt.map({src}, [a](std::span<const Value>) { return Value::ref(a); }, "outer");
    rt.flatten(outer, "f");
  };
  return s;
}

// §3.4: the lww-ref scenario's program itself (d0 points a replicated
// register at its local source s, then sets s), in the smallest world that
// shows the mutant: two devices and no faults.
sim::Scenario reference_in_replicated_value() {
  auto s = scenarios::lww_ref();
  s.name = "showcase-ref";
  s.description = "a replicated register holding a reference to d0's local source";
  s.defaults = sim::WorldConfig{};
  s.defaults.devices = 2;
  return s;
}

// A fold that creates a Source for every value fired on "add" (creation
// inside an operator, core/README.md "Creation") and keeps the references,
// and a map over the newest one, with a crash: a restart must create every
// source again, at its id, with its value (Thm. 4.24).
sim::Scenario creating_fold(std::string name) {
  auto s = base(std::move(name), "a fold that creates a source per value it folds", fires("add", 2));
  s.create = [](core::Runtime& rt, const sim::DeviceContext&) {
    const auto added = rt.source(Value::integer(0), "add");
    rt.fold(added, Value::list({}),
            [](const Value& state, const Value& v, core::Creation& create) {
              core::ValueList refs(state.as_list().begin(), state.as_list().end());
              const Value item = create.source(v, fmt::format("item{}", v.as_int()));
              refs.push_back(create.map({item}, [](std::span<const Value> in) { return add(in[0], in[0]); },
                                        fmt::format("double{}", v.as_int())));
              return Value::list(std::move(refs));
            },
            "items");
  };
  s.defaults.crashes = 1;
  return s;
}

template <class F>
std::function<void(std::uint32_t, core::RuntimeOptions&)> install(F f) {
  return [f](std::uint32_t, core::RuntimeOptions& options) { f(options); };
}

std::vector<Mutant> build() {
  std::vector<Mutant> out;
  out.push_back({"mutant-breadth-first", "glitch-freedom",
                 "reevaluates in breadth-first order of outdatedness instead of ready order",
                 install([](core::RuntimeOptions& o) { o.policy = mutant::breadth_first_policy(); }), diamond()});
  out.push_back({"mutant-double-fold", "at-most-once", "a fold reevaluates on each active input it sees",
                 install([](core::RuntimeOptions& o) { o.policy = mutant::double_fold_policy(); }),
                 sum_fold("showcase-fold", 0, sim::Grain::coarse)});
  out.push_back({"mutant-snapshot-no-folds", "restoration", "commit persists sources only, never folds",
                 install([](core::RuntimeOptions& o) { o.snapshot_writer = mutant::snapshot_no_folds_writer(); }),
                 sum_fold("showcase-fold-crash", 1, sim::Grain::coarse)});
  out.push_back({"mutant-nonatomic-commit", "restoration",
                 "persists each value as it is written, mid-propagation (caught by a crash mid-propagation)",
                 install([](core::RuntimeOptions& o) { o.snapshot_writer = mutant::nonatomic_commit_writer(); }),
                 sum_fold("showcase-fold-fine-crash", 1, sim::Grain::fine)});
  out.push_back({"mutant-receive-no-propagate", "complete-propagation",
                 "(receive) merges the remote value but starts no propagation",
                 install([](core::RuntimeOptions& o) { o.receiver = mutant::receive_no_propagate_receiver(); }),
                 replicated_counter("showcase-counter", 0)});
  out.push_back({"mutant-flatten-early", "glitch-freedom", "a flatten is reevaluated before its inner reactive",
                 install([](core::RuntimeOptions& o) { o.policy = mutant::flatten_early_policy(); }), flatten_deep()});
  out.push_back({"mutant-merge-not-idempotent", "convergence",
                 "merging a value equal to the local one resets the replica to bottom",
                 install([](core::RuntimeOptions& o) { o.receiver = mutant::merge_not_idempotent_receiver(); }),
                 replicated_counter("showcase-counter-dups", 2)});
  // Fine grain: a coarse propagation is one transition, so nothing could start inside it.
  out.push_back({"mutant-no-isolation", "isolation",
                 "fire and receive start inside a running propagation instead of waiting for its commit",
                 install([](core::RuntimeOptions& o) { o.concurrent_actions = core::ConcurrentActions::join_running; }),
                 sum_fold("showcase-fold-fine", 0, sim::Grain::fine)});
  out.push_back({"mutant-wrong-write", "complete-propagation",
                 "a Map's reevaluation writes what its operator computed the time before (a stale memo)",
                 install([](core::RuntimeOptions& o) { o.wrap_map_operator = mutant::stale_write; }),
                 sum_fold("showcase-fold-write", 0, sim::Grain::coarse)});
  out.push_back({"mutant-no-promotion", "convergence",
                 "(send) ships a distributed value with its references as ids, which denote the receiver's own "
                 "reactives (no promotion, §3.4)",
                 install([](core::RuntimeOptions& o) { o.receiver = mutant::no_promotion_receiver(); }),
                 reference_in_replicated_value()});
  out.push_back({"mutant-forget-dynamic-creation", "restoration",
                 "a restart runs the creation code but does not replay what operators created after it",
                 install([](core::RuntimeOptions& o) { o.forget_dynamic_creation = true; }),
                 creating_fold("showcase-creating-fold-crash")});
  return out;
}

}  // namespace

const std::vector<Mutant>& mutants() {
  static const std::vector<Mutant> all = build();
  return all;
}

const Mutant* find_mutant(std::string_view name) {
  for (const auto& m : mutants()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

sim::Scenario with_mutant(sim::Scenario scenario, const Mutant& mutant) {
  scenario.name += "+";
  scenario.name += mutant.name;
  scenario.expected_violation = mutant.expected_property;
  auto previous = std::move(scenario.customize_runtime);
  scenario.customize_runtime = [previous, customize = mutant.customize](std::uint32_t d, core::RuntimeOptions& o) {
    if (previous) previous(d, o);
    customize(d, o);
  };
  return scenario;
}

}  // namespace frsim::checker
