#pragma once
// Shared by the core runtime tests: a recording Observer, a RapidCheck runner
// with an explicit case count, and random programs (dataflow graph + actions)
// with an independent reference evaluator of the synchronous semantics.

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/runtime.hpp"
#include "core/value.hpp"

namespace frsim::core::testing {

// ---- a recording observer -----------------------------------------------------

struct Event {
  enum Type { started, reevaluated, written, skipped, committed, aborted, restored } type;
  ReactiveId r = 0;
  std::vector<ReactiveId> inputs;  // reevaluated: inputs(r, µ)
};

class Recorder : public Observer {
 public:
  std::vector<Event> events;
  std::size_t aborts = 0;

  void action_started(ActionKind, ReactiveId r, const Value&) override { events.push_back({Event::started, r, {}}); }
  void reevaluated(ReactiveId r, std::span<const ReactiveId> inputs, std::span<const Value>) override {
    events.push_back({Event::reevaluated, r, {inputs.begin(), inputs.end()}});
  }
  void written(ReactiveId r, const Value&) override { events.push_back({Event::written, r, {}}); }
  void skipped(ReactiveId r) override { events.push_back({Event::skipped, r, {}}); }
  void committed(std::span<const ReactiveId>) override { events.push_back({Event::committed, 0, {}}); }
  void aborted(const Error&) override {
    ++aborts;
    events.push_back({Event::aborted, 0, {}});
  }
  void restored(ReactiveId r, const Value&) override { events.push_back({Event::restored, r, {}}); }

  // Lemma 4.5 (at-most-once) and Lemma 4.6 (glitch freedom) over the events
  // of every propagation recorded so far. Empty when both hold.
  std::string violations() const {
    std::ostringstream out;
    std::size_t begin = 0;
    for (std::size_t end = 0; end <= events.size(); ++end) {
      if (end < events.size() && events[end].type != Event::started) continue;
      check_propagation(begin, end, out);
      begin = end;
    }
    return out.str();
  }

 private:
  void check_propagation(std::size_t begin, std::size_t end, std::ostringstream& out) const {
    for (std::size_t j = begin; j < end; ++j) {
      if (events[j].type != Event::reevaluated) continue;
      const Event& reeval = events[j];
      for (std::size_t k = j + 1; k < end; ++k) {
        const Event& later = events[k];
        if (later.type == Event::reevaluated && later.r == reeval.r) {
          out << "r" << reeval.r << " reevaluated twice; ";
        }
        if (later.type != Event::written || later.r == reeval.r) continue;
        if (std::find(reeval.inputs.begin(), reeval.inputs.end(), later.r) != reeval.inputs.end()) {
          out << "glitch: r" << reeval.r << " read r" << later.r << " before its write; ";
        }
      }
    }
  }
};

// ---- RapidCheck with an explicit number of cases ---------------------------------

// Runs `cases` cases from a seed fixed by the test's name (RapidCheck would
// otherwise pick a random seed per run), so every run checks the same cases.
template <class Testable>
void check_cases(int cases, Testable&& testable) {
  auto params = rc::detail::configuration().testParams;
  params.maxSuccess = cases;
  rc::detail::TestMetadata metadata;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  params.seed = hash_bytes(metadata.id);
  metadata.description = info->name();
  const auto result = rc::detail::checkTestable(std::forward<Testable>(testable), metadata, params);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream message;
    rc::detail::printResultMessage(result, message);
    FAIL() << message.str();
  }
}

// ---- operators shared by the runtime and the reference model ----------------------

inline std::int64_t wrap_add(std::int64_t a, std::int64_t b) {
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(a) + static_cast<std::uint64_t>(b));
}

// sum of the inputs plus a constant
inline Value sum_op(std::span<const Value> inputs, std::int64_t constant) {
  std::int64_t sum = constant;
  for (const Value& v : inputs) sum = wrap_add(sum, v.as_int());
  return Value::integer(sum);
}

inline Value sum_op_unbound(std::span<const Value> inputs) { return sum_op(inputs, 0); }

// first / last (a Lo integer division: a zero divisor is an invalid operation)
inline Value div_op(std::span<const Value> inputs, std::int64_t constant) {
  const std::int64_t dividend = inputs.size() > 1 ? inputs.front().as_int() : constant;
  return Value::integer(checked::divide(dividend, inputs.back().as_int()));
}

inline Value fold_op(const Value& state, const Value& input) {
  return Value::integer((state.as_int() % 1000003) * 3 + input.as_int() % 1000003);
}

// ---- random programs -------------------------------------------------------------

// outer: a source holding a reference; selector: a map computing one (like
// the chat's selectedRoom), so an action can move a flatten's dynamic edge and
// change its new inner reactive in the same propagation.
enum class SpecKind : std::uint8_t { source, outer, selector, map_sum, map_div, fold, flatten };

// Raw choices, resolved against the reactives that exist when the spec is
// reached (so that shrinking never produces an ill-formed program).
struct NodeSpec {
  SpecKind kind = SpecKind::source;
  std::vector<std::uint32_t> picks;
  std::int64_t constant = 0;
};

struct ActionSpec {
  std::uint32_t target = 0;
  std::uint32_t pick = 0;
  std::int64_t value = 0;
};

struct Program {
  std::vector<NodeSpec> nodes;
  std::vector<ActionSpec> actions;
};

inline rc::Gen<Program> gen_program(bool with_division, int nodes_max = 16, int actions_max = 8) {
  std::vector<SpecKind> kinds = {SpecKind::source, SpecKind::source, SpecKind::outer,
                                 SpecKind::selector, SpecKind::map_sum, SpecKind::map_sum,
                                 SpecKind::fold, SpecKind::flatten, SpecKind::flatten};
  if (with_division) kinds.push_back(SpecKind::map_div);
  auto node = rc::gen::build<NodeSpec>(
      rc::gen::set(&NodeSpec::kind, rc::gen::elementOf(kinds)),
      rc::gen::set(&NodeSpec::picks, rc::gen::container<std::vector<std::uint32_t>>(
                                         *rc::gen::inRange<std::size_t>(1, 4),
                                         rc::gen::arbitrary<std::uint32_t>())),
      rc::gen::set(&NodeSpec::constant, rc::gen::inRange<std::int64_t>(-3, 4)));
  auto action = rc::gen::build<ActionSpec>(
      rc::gen::set(&ActionSpec::target, rc::gen::arbitrary<std::uint32_t>()),
      rc::gen::set(&ActionSpec::pick, rc::gen::arbitrary<std::uint32_t>()),
      rc::gen::set(&ActionSpec::value, rc::gen::inRange<std::int64_t>(-3, 4)));
  return rc::gen::build<Program>(
      rc::gen::set(&Program::nodes,
                   rc::gen::container<std::vector<NodeSpec>>(
                       *rc::gen::inRange(1, nodes_max + 1), node)),
      rc::gen::set(&Program::actions, rc::gen::container<std::vector<ActionSpec>>(
                                          *rc::gen::inRange(0, actions_max + 1), action)));
}

// A resolved reactive: what the creation code creates.
struct Resolved {
  SpecKind kind = SpecKind::source;
  std::vector<ReactiveId> inputs;  // outer: {initial target}; flatten: {outer}; selector: {index}
  std::int64_t constant = 0;
  std::vector<ReactiveId> candidates;  // selector: the reactives it selects from
};

// selector: candidates[index mod count]
inline Value select_op(const Value& index, const std::vector<ReactiveId>& candidates) {
  return Value::ref(candidates[static_cast<std::uint64_t>(index.as_int()) % candidates.size()]);
}

// The reference: the synchronous semantics recomputed from scratch after every
// action, independently of the step machine. Every edge, static or dynamic,
// goes from a lower id to a higher one (outers only ever refer to reactives
// created before any flatten over them), so id order is a topological order.
class Model {
 public:
  std::vector<Resolved> nodes;
  std::vector<Value> values;

  // Resolves the spec against the current reactives. `created` is false when
  // its map operator fails on creation (the runtime's map() must throw then).
  struct Added {
    Resolved node;
    bool created = false;
  };
  Added add(const NodeSpec& spec) {
    Added added{resolve(spec), false};
    Value initial;
    try {
      initial = evaluate(added.node);
    } catch (const Error&) {
      return added;
    }
    nodes.push_back(added.node);
    values.push_back(initial);
    added.created = true;
    return added;
  }

  // The action's target and value, or nullopt when the program has no source.
  std::optional<std::pair<ReactiveId, Value>> resolve(const ActionSpec& action) const {
    std::vector<ReactiveId> sources;
    for (ReactiveId r = 0; r < nodes.size(); ++r) {
      if (nodes[r].kind == SpecKind::source || nodes[r].kind == SpecKind::outer) sources.push_back(r);
    }
    if (sources.empty()) return std::nullopt;
    const ReactiveId target = sources[action.target % sources.size()];
    if (nodes[target].kind == SpecKind::source) return std::pair{target, Value::integer(action.value)};
    std::vector<ReactiveId> allowed = integer_reactives(first_flatten_over(target));
    return std::pair{target, Value::ref(allowed[action.pick % allowed.size()])};
  }

  // Returns false (and changes nothing) when an operator fails.
  bool fire(ReactiveId source, const Value& v) {
    std::vector<Value> next = values;
    std::vector<bool> changed(values.size(), false);
    next[source] = v;
    changed[source] = true;
    try {
      for (ReactiveId r = source + 1; r < nodes.size(); ++r) {
        const Resolved& node = nodes[r];
        std::vector<ReactiveId> reads = node.inputs;
        if (node.kind == SpecKind::flatten) reads.push_back(next[node.inputs[0]].as_ref());
        if (node.kind == SpecKind::source || node.kind == SpecKind::outer) continue;
        const bool any = std::any_of(reads.begin(), reads.end(), [&](ReactiveId i) { return changed[i]; });
        if (!any) continue;
        next[r] = evaluate_with(node, next, next[r]);
        changed[r] = true;
      }
    } catch (const Error&) {
      return false;
    }
    values = std::move(next);
    return true;
  }

  static Value evaluate_with(const Resolved& node, const std::vector<Value>& values, const Value& own) {
    std::vector<Value> in;
    for (ReactiveId i : node.inputs) in.push_back(values[i]);
    switch (node.kind) {
      case SpecKind::source: return Value::integer(node.constant);
      case SpecKind::outer: return Value::ref(node.inputs[0]);
      case SpecKind::selector: return select_op(in[0], node.candidates);
      case SpecKind::map_sum: return sum_op(in, node.constant);
      case SpecKind::map_div: return div_op(in, node.constant);
      case SpecKind::fold: return fold_op(own, in[0]);
      case SpecKind::flatten: return values[values[node.inputs[0]].as_ref()];
    }
    return Value();
  }

 private:
  Value evaluate(const Resolved& node) const {
    if (node.kind == SpecKind::fold) return Value::integer(node.constant);
    return evaluate_with(node, values, Value());
  }

  ReactiveId first_flatten_over(ReactiveId outer) const {
    for (ReactiveId r = outer + 1; r < nodes.size(); ++r) {
      if (nodes[r].kind == SpecKind::flatten && nodes[r].inputs[0] == outer) return r;
    }
    return static_cast<ReactiveId>(nodes.size());
  }

  std::vector<ReactiveId> integer_reactives(ReactiveId below) const {
    std::vector<ReactiveId> result;
    for (ReactiveId r = 0; r < below && r < nodes.size(); ++r) {
      if (nodes[r].kind != SpecKind::outer && nodes[r].kind != SpecKind::selector) result.push_back(r);
    }
    return result;
  }

  Resolved resolve(const NodeSpec& spec) const {
    const std::vector<ReactiveId> integers = integer_reactives(static_cast<ReactiveId>(nodes.size()));
    std::vector<ReactiveId> outers;
    for (ReactiveId r = 0; r < nodes.size(); ++r) {
      if (nodes[r].kind == SpecKind::outer || nodes[r].kind == SpecKind::selector) outers.push_back(r);
    }
    Resolved node;
    node.kind = spec.kind;
    node.constant = spec.constant;
    if (integers.empty()) node.kind = SpecKind::source;
    if (node.kind == SpecKind::flatten && outers.empty()) node.kind = SpecKind::map_sum;
    auto pick = [&](std::size_t i) { return integers[spec.picks[i % spec.picks.size()] % integers.size()]; };
    switch (node.kind) {
      case SpecKind::source: break;
      case SpecKind::outer:
      case SpecKind::fold: node.inputs = {pick(0)}; break;
      case SpecKind::selector:
        node.inputs = {pick(0)};
        for (std::size_t i = 1; i <= spec.picks.size(); ++i) node.candidates.push_back(pick(i));
        break;
      case SpecKind::map_sum:
      case SpecKind::map_div:
        for (std::size_t i = 0; i < spec.picks.size(); ++i) node.inputs.push_back(pick(i));
        break;
      case SpecKind::flatten:
        node.inputs = {outers[spec.picks[0] % outers.size()]};
        break;
    }
    return node;
  }
};

// Runs the creation code of a resolved program on a runtime.
inline ReactiveId create(Runtime& rt, const Resolved& node) {
  const std::int64_t k = node.constant;
  switch (node.kind) {
    case SpecKind::source: return rt.source(Value::integer(k));
    case SpecKind::outer: return rt.source(Value::ref(node.inputs[0]));
    case SpecKind::map_sum:
      return rt.map(node.inputs, [k](std::span<const Value> in) { return sum_op(in, k); });
    case SpecKind::map_div:
      return rt.map(node.inputs, [k](std::span<const Value> in) { return div_op(in, k); });
    case SpecKind::selector:
      return rt.map(node.inputs, [c = node.candidates](std::span<const Value> in) {
        return select_op(in[0], c);
      });
    case SpecKind::fold: return rt.fold(node.inputs[0], Value::integer(k), fold_op);
    case SpecKind::flatten: return rt.flatten(node.inputs[0]);
  }
  return 0;
}

}  // namespace frsim::core::testing
