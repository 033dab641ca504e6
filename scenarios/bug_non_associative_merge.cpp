// Deliberately broken: a "winner" register merged by rock-paper-scissors.
// Each device plays one hand (d0 rock, d1 paper, d2 scissors, then around
// again); the merge keeps the hand that beats the other (unit, "no hand
// yet", is neutral). It is commutative and idempotent, and its result is
// always one of the two hands, so it even looks inflationary — but it is not
// associative: merge(merge(rock, paper), scissors) = scissors while
// merge(rock, merge(paper, scissors)) = rock. Which hand wins depends on the
// order in which the replicas meet. A merge must be a join of a partial
// order; "beats" is not an order (it has a cycle).
//
// Smallest world that shows it: three devices (three hands), one play each.
// Expected verdict: lattice-laws (associativity of M(r), on the triple of
// hands the run merged).

#include <array>

#include "scenarios/registry.hpp"
#include "scenarios/scaffold.hpp"

namespace frsim::scenarios {

namespace {

using core::Value;

constexpr std::array<std::string_view, 3> hands = {"rock", "paper", "scissors"};

std::size_t hand(const Value& v) {
  const auto it = std::find(hands.begin(), hands.end(), v.as_string());
  return static_cast<std::size_t>(it - hands.begin());
}

// Paper beats rock, scissors beat paper, rock beats scissors.
Value beats(const Value& a, const Value& b) {
  if (a.is_unit()) return b;
  if (b.is_unit() || a == b) return a;
  return (hand(a) + 1) % hands.size() == hand(b) ? b : a;
}

}  // namespace

sim::Scenario bug_non_associative_merge() {
  auto s = broken_merge("bug-non-associative-merge",
                        "a register merged by rock-paper-scissors: commutative, idempotent, not associative",
                        {.source = "play", .source_initial = Value::unit(), .name = "winner", .initial = Value::unit(),
                         .step = beats, .merge = beats},
                        3, "lattice-laws");
  s.workload = [](std::uint32_t device, std::uint32_t) {
    return std::vector<sim::Action>{sim::Action::fire("play", Value::string(std::string(hands[device % 3])))};
  };
  return s;
}

}  // namespace frsim::scenarios
