#pragma once
// Lasp's set combinators over OR-Sets (seed 000; Meiklejohn and Van Roy, PPDP
// 2015): map, filter, fold, union, intersection, product.
//
// Each output is a pure function of the input states, so every replica whose
// inputs converged computes the same output: Lasp's promise that a program
// "computes the same results for all schedules". The outputs keep the inputs'
// causal metadata: an output element carries the union of the dots of every
// input element that produces it, and the output context is the inputs'
// context. That is what makes removals propagate, and for map and filter it
// makes the output a join homomorphism of the input,
//     map(f, a ⊔ b) = map(f, a) ⊔ map(f, b),
// for any f, non-injective (x mod 2) and order-reversing (-x) included, because
// a dot belongs to exactly one input element. So derived sets may even be
// replicated and merged Lasp-style and still converge to f of the converged
// input (the divergence reported for Lasp's own map cannot happen here).
//
// Union, intersection and product are monotone in each input but are not
// homomorphisms of a pair of inputs; in FR a derived set is a Map reactive,
// recomputed from its inputs on every device, never merged, so that suffices.
// Union keeps exact removal semantics under merging only when the two inputs
// use disjoint dots (different replica ids).

#include <cstdint>
#include <functional>

#include "core/crdt/sets.hpp"
#include "core/runtime.hpp"

namespace frsim::core::lasp {

using crdt::OrSet;
using ElementFunction = std::function<Value(const Value&)>;
using Predicate = std::function<bool(const Value&)>;
using Weight = std::function<std::int64_t(const Value&)>;

Rc<const OrSet> map(const OrSet& in, const ElementFunction& f);
Rc<const OrSet> filter(const OrSet& in, const Predicate& keep);
// x is present iff present in a or in b.
Rc<const OrSet> union_of(const OrSet& a, const OrSet& b);
// x is present iff present in both; it carries the dots of both.
Rc<const OrSet> intersection(const OrSet& a, const OrSet& b);
// [x, y] (a two-element list) for every x in a and y in b; it carries the
// dots of x and of y, so removing either removes the pair.
Rc<const OrSet> product(const OrSet& a, const OrSet& b);
// Σ weight(x) over the present elements (wrapping on int64 overflow). A pure
// function of the set state, hence convergent. It is monotone (only grows as
// the set inflates) when weights are non-negative and nothing is removed; a
// remove lowers it, so a fold result must be recomputed (a Map reactive), not
// merged as a counter.
std::int64_t fold(const OrSet& in, const Weight& weight);

// The same as Map operators of the reactive core ("a Lasp derived set is a
// map over a distributed source"): each expects OR-Set inputs in order and
// throws TypeError (the action aborts) on anything else.
MapOperator map_operator(ElementFunction f);
MapOperator filter_operator(Predicate keep);
MapOperator union_operator();
MapOperator intersection_operator();
MapOperator product_operator();
// The result is Value::integer.
MapOperator fold_operator(Weight weight);

}  // namespace frsim::core::lasp
