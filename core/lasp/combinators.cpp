#include "core/lasp/combinators.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace frsim::core::lasp {

namespace {

crdt::DotSet dot_union(const crdt::DotSet& a, const crdt::DotSet& b) {
  crdt::DotSet out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

void add_dots(OrSet::Entries& entries, const Value& element, const crdt::DotSet& dots) {
  auto [it, inserted] = entries.emplace(element, dots);
  if (!inserted) it->second = dot_union(it->second, dots);
}

crdt::CausalContext joined(const OrSet& a, const OrSet& b) {
  crdt::CausalContext context = a.context();
  context.join(b.context());
  return context;
}

const OrSet& input(std::span<const Value> inputs, std::size_t index, std::size_t arity) {
  if (inputs.size() != arity) {
    std::string message = "lasp operator expects ";
    message += std::to_string(arity);
    message += " input sets, got ";
    message += std::to_string(inputs.size());
    throw TypeError(message);
  }
  return crdt::as<OrSet>(inputs[index]);
}

}  // namespace

Rc<const OrSet> map(const OrSet& in, const ElementFunction& f) {
  OrSet::Entries out;
  for (const auto& [element, dots] : in.entries()) add_dots(out, f(element), dots);
  return make_rc<const OrSet>(std::move(out), in.context());
}

Rc<const OrSet> filter(const OrSet& in, const Predicate& keep) {
  OrSet::Entries out;
  for (const auto& [element, dots] : in.entries()) {
    if (keep(element)) out.emplace_hint(out.end(), element, dots);
  }
  return make_rc<const OrSet>(std::move(out), in.context());
}

Rc<const OrSet> union_of(const OrSet& a, const OrSet& b) {
  OrSet::Entries out = a.entries();
  for (const auto& [element, dots] : b.entries()) add_dots(out, element, dots);
  return make_rc<const OrSet>(std::move(out), joined(a, b));
}

Rc<const OrSet> intersection(const OrSet& a, const OrSet& b) {
  OrSet::Entries out;
  for (const auto& [element, dots] : a.entries()) {
    auto found = b.entries().find(element);
    if (found != b.entries().end()) out.emplace_hint(out.end(), element, dot_union(dots, found->second));
  }
  return make_rc<const OrSet>(std::move(out), joined(a, b));
}

Rc<const OrSet> product(const OrSet& a, const OrSet& b) {
  OrSet::Entries out;
  for (const auto& [x, dots_x] : a.entries()) {
    for (const auto& [y, dots_y] : b.entries()) {
      out.emplace_hint(out.end(), Value::list({x, y}), dot_union(dots_x, dots_y));
    }
  }
  return make_rc<const OrSet>(std::move(out), joined(a, b));
}

std::int64_t fold(const OrSet& in, const Weight& weight) {
  std::uint64_t sum = 0;
  for (const auto& entry : in.entries()) sum += static_cast<std::uint64_t>(weight(entry.first));
  return static_cast<std::int64_t>(sum);
}

MapOperator map_operator(ElementFunction f) {
  return [f = std::move(f)](std::span<const Value> inputs) {
    return crdt::to_value(map(input(inputs, 0, 1), f));
  };
}

MapOperator filter_operator(Predicate keep) {
  return [keep = std::move(keep)](std::span<const Value> inputs) {
    return crdt::to_value(filter(input(inputs, 0, 1), keep));
  };
}

MapOperator union_operator() {
  return [](std::span<const Value> inputs) {
    return crdt::to_value(union_of(input(inputs, 0, 2), input(inputs, 1, 2)));
  };
}

MapOperator intersection_operator() {
  return [](std::span<const Value> inputs) {
    return crdt::to_value(intersection(input(inputs, 0, 2), input(inputs, 1, 2)));
  };
}

MapOperator product_operator() {
  return [](std::span<const Value> inputs) {
    return crdt::to_value(product(input(inputs, 0, 2), input(inputs, 1, 2)));
  };
}

MapOperator fold_operator(Weight weight) {
  return [weight = std::move(weight)](std::span<const Value> inputs) {
    return Value::integer(fold(input(inputs, 0, 1), weight));
  };
}

}  // namespace frsim::core::lasp
