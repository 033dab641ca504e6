#include "core/lasp/combinators.hpp"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace frsim::core::lasp {

namespace {

using crdt::KeyedDot;
using crdt::KeyedDots;

crdt::CausalContext joined(const OrSet& a, const OrSet& b) {
  crdt::CausalContext context = a.context();
  context.join(b.context());
  return context;
}

const OrSet& input(Inputs inputs, std::size_t index, std::size_t arity) {
  if (inputs.size() != arity) {
    std::string message = "lasp operator expects ";
    message += std::to_string(arity);
    message += " input sets, got ";
    message += std::to_string(inputs.size());
    throw TypeError(message);
  }
  return crdt::as<OrSet>(inputs[index]);
}

// Calls visit(element, first, end) for each element's run of (element, dot)
// pairs, in ascending element order.
template <class Visit>
void for_each_element(const KeyedDots& store, Visit visit) {
  for (auto it = store.begin(); it != store.end();) {
    auto first = it;
    while (it != store.end() && it->key == first->key) ++it;
    visit(first->key, first, it);
  }
}

// An output set from pairs in any order (several elements may map to one,
// and a dot may reach one output element twice): sorted, without repeats.
Rc<const OrSet> set_of(std::vector<KeyedDot> pairs, crdt::CausalContext context) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return make_rc<const OrSet>(KeyedDots::from(pairs), std::move(context));
}

}  // namespace

Rc<const OrSet> map(const OrSet& in, const ElementFunction& f) {
  std::vector<KeyedDot> out;
  out.reserve(in.dots().size());
  for_each_element(in.dots(), [&](const Value& element, auto first, auto end) {
    const Value image = f(element);
    for (; first != end; ++first) out.push_back(KeyedDot{image, first->dot});
  });
  return set_of(std::move(out), in.context());
}

Rc<const OrSet> filter(const OrSet& in, const Predicate& keep) {
  KeyedDots::Builder out(in.dots().size());
  for_each_element(in.dots(), [&](const Value& element, auto first, auto end) {
    if (!keep(element)) return;
    for (; first != end; ++first) out.push_back(*first);
  });
  return make_rc<const OrSet>(out.finish(), in.context());
}

Rc<const OrSet> union_of(const OrSet& a, const OrSet& b) {
  const auto order = [](const KeyedDot& x, const KeyedDot& y) { return x <=> y; };
  const auto first = [](const KeyedDot& x, const KeyedDot&) -> const KeyedDot& { return x; };
  return make_rc<const OrSet>(crdt::sorted_union(a.dots(), b.dots(), order, crdt::keeping(first)), joined(a, b));
}

Rc<const OrSet> intersection(const OrSet& a, const OrSet& b) {
  std::vector<KeyedDot> out;
  auto y = b.dots().begin();
  const KeyedDots::const_iterator end{};
  for_each_element(a.dots(), [&](const Value& element, auto first, auto last) {
    while (y != end && y->key < element) ++y;
    if (y == end || !(y->key == element)) return;
    for (; first != last; ++first) out.push_back(*first);
    for (; y != end && y->key == element; ++y) out.push_back(*y);
  });
  return set_of(std::move(out), joined(a, b));
}

Rc<const OrSet> product(const OrSet& a, const OrSet& b) {
  std::vector<KeyedDot> out;
  for_each_element(a.dots(), [&](const Value& x, auto x_first, auto x_end) {
    for_each_element(b.dots(), [&](const Value& y, auto y_first, auto y_end) {
      const Value pair = Value::list({x, y});
      for (auto it = x_first; it != x_end; ++it) out.push_back(KeyedDot{pair, it->dot});
      for (auto it = y_first; it != y_end; ++it) out.push_back(KeyedDot{pair, it->dot});
    });
  });
  return set_of(std::move(out), joined(a, b));
}

std::int64_t fold(const OrSet& in, const Weight& weight) {
  std::uint64_t sum = 0;
  for_each_element(in.dots(), [&](const Value& element, auto, auto) {
    sum += static_cast<std::uint64_t>(weight(element));
  });
  return static_cast<std::int64_t>(sum);
}

MapOperator map_operator(ElementFunction f) {
  return [f = std::move(f)](Inputs inputs) {
    return crdt::to_value(map(input(inputs, 0, 1), f));
  };
}

MapOperator filter_operator(Predicate keep) {
  return [keep = std::move(keep)](Inputs inputs) {
    return crdt::to_value(filter(input(inputs, 0, 1), keep));
  };
}

MapOperator union_operator() {
  return [](Inputs inputs) {
    return crdt::to_value(union_of(input(inputs, 0, 2), input(inputs, 1, 2)));
  };
}

MapOperator intersection_operator() {
  return [](Inputs inputs) {
    return crdt::to_value(intersection(input(inputs, 0, 2), input(inputs, 1, 2)));
  };
}

MapOperator product_operator() {
  return [](Inputs inputs) {
    return crdt::to_value(product(input(inputs, 0, 2), input(inputs, 1, 2)));
  };
}

MapOperator fold_operator(Weight weight) {
  return [weight = std::move(weight)](Inputs inputs) {
    return Value::integer(fold(input(inputs, 0, 1), weight));
  };
}

}  // namespace frsim::core::lasp
