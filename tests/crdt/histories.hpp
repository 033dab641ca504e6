#pragma once
// Random histories of three replicas for the CRDT tests: each step either
// applies a mutator at a replica or merges another replica's state into it.
// States taken from one history are realistic (a dot or a timestamp names one
// update), concurrent, and shrink with the history.

#include <rapidcheck.h>

#include <array>
#include <ostream>
#include <vector>

#include "core/crdt/crdt.hpp"

namespace frsim::core::crdt::testing {

constexpr int replica_count = 3;

struct Step {
  int replica = 0;  // where the step happens
  int op = 0;       // a mutator index, or Traits::op_count for "merge from `from`"
  int arg = 0;      // the mutator's argument (an element, an index, an amount)
  int from = 0;
};

inline std::ostream& operator<<(std::ostream& out, const Step& s) {
  return out << "{r" << s.replica << " op" << s.op << " arg" << s.arg << " from r" << s.from << "}";
}

template <class Traits>
rc::Gen<Step> gen_step() {
  return rc::gen::build<Step>(rc::gen::set(&Step::replica, rc::gen::inRange(0, replica_count)),
                              rc::gen::set(&Step::op, rc::gen::inRange(0, Traits::op_count + 1)),
                              rc::gen::set(&Step::arg, rc::gen::inRange(0, 8)),
                              rc::gen::set(&Step::from, rc::gen::inRange(0, replica_count)));
}

template <class Traits>
rc::Gen<std::vector<Step>> gen_history() {
  return rc::gen::resize(40, rc::gen::container<std::vector<Step>>(gen_step<Traits>()));
}

template <class T>
using States = std::array<Rc<const T>, replica_count>;

template <class Traits>
States<typename Traits::Type> replay(const std::vector<Step>& history) {
  using T = typename Traits::Type;
  States<T> replicas{T::empty(), T::empty(), T::empty()};
  for (const Step& step : history) {
    Rc<const T>& state = replicas[static_cast<std::size_t>(step.replica)];
    if (step.op == Traits::op_count) {
      state = state->merge(*replicas[static_cast<std::size_t>(step.from)]);
    } else {
      state = Traits::mutate(*state, static_cast<ReplicaId>(step.replica), step.op, step.arg).full;
    }
  }
  return replicas;
}

}  // namespace frsim::core::crdt::testing
