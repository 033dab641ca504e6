#pragma once
// Seq<T>: the storage of every lattice with elements (DESIGN §5): an immutable
// sequence with structural sharing, a persistent B+-tree whose leaves are flat
// arrays of up to leaf_max elements.
//
// - Reading in order walks flat arrays: a join is a linear merge of two
//   sequences into a Builder, O(n + m), one allocation per leaf, none per
//   element.
// - An update (inserted, assigned, erased) copies only the path from the root
//   to one leaf: O(log n) elements and child records, whatever the size; the
//   old sequence stays valid and shares every other node with the new one.
//   Nothing is ever mutated after construction, so a Seq inside a Value may be
//   shared by any number of worlds (reference counts are non-atomic: one world
//   per thread, rc.hpp).
// - Lattices keep their Seqs sorted; lower_bound searches by key through the
//   copy of each subtree's last element that its parent keeps.
// - `Weigh` gives each element a weight (1 by default); select_weight finds
//   the k-th element of non-zero weight in O(log n) (RGA's visible elements).

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <new>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/rc.hpp"

namespace frsim::core::crdt {

template <class T>
struct UnitWeight {
  std::uint32_t operator()(const T&) const { return 1; }
};

template <class T, class Weigh = UnitWeight<T>>
class Seq {
 private:
  struct Node : RcObject {
    explicit Node(bool leaf) : is_leaf(leaf) {}
    const bool is_leaf;
  };
  // A subtree as its parent sees it.
  struct Child {
    Rc<const Node> node;
    std::uint32_t size = 0;
    std::uint32_t weight = 0;
    T last{};  // the subtree's last element: the key lower_bound compares
  };
  // Elements in one allocation with the node, constructed in place after it.
  struct Leaf final : Node {
    static Leaf* make(std::size_t capacity) {
      void* raw = ::operator new(items_offset() + capacity * sizeof(T));
      return ::new (raw) Leaf(static_cast<std::uint32_t>(capacity));
    }
    static void operator delete(void* raw) { ::operator delete(raw); }
    ~Leaf() override { std::destroy_n(data(), count); }

    std::span<const T> items() const { return {data(), count}; }
    T* items_begin() { return data(); }
    const T& operator[](std::size_t i) const { return data()[i]; }
    template <class U>
    [[gnu::always_inline]] void append(U&& value) {
      assert(count < capacity);
      std::construct_at(data() + count, std::forward<U>(value));
      ++count;
    }

    const std::uint32_t capacity;
    std::uint32_t count = 0;  // only the Leaf's maker appends, before sharing it

   private:
    explicit Leaf(std::uint32_t capacity_) : Node(true), capacity(capacity_) {}
    static constexpr std::size_t items_offset() { return (sizeof(Leaf) + alignof(T) - 1) / alignof(T) * alignof(T); }
    T* data() const {
      return std::launder(reinterpret_cast<T*>(reinterpret_cast<char*>(const_cast<Leaf*>(this)) + items_offset()));
    }
  };
  struct Branch final : Node {
    explicit Branch(std::vector<Child> children_) : Node(false), children(std::move(children_)) {}
    const std::vector<Child> children;
  };
  // An update of a subtree: one replacement, or two halves after a split.
  struct Split {
    Child first;
    Child second;  // node null without a split
  };

 public:
  static constexpr std::size_t leaf_max = 64;
  static constexpr std::size_t branch_max = 32;

  Seq() = default;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // The summed weight of every element.
  std::size_t weight() const { return weight_; }

  const T& operator[](std::size_t rank) const {
    assert(rank < size_);
    const Node* node = root_.get();
    while (!node->is_leaf) {
      const Branch& branch = static_cast<const Branch&>(*node);
      std::size_t i = 0;
      while (rank >= branch.children[i].size) rank -= branch.children[i++].size;
      node = branch.children[i].node.get();
    }
    return static_cast<const Leaf&>(*node)[rank];
  }
  const T& front() const { return (*this)[0]; }
  const T& back() const { return last_of(*root_); }

  // ---- search (the sequence sorted by `less`) ----------------------------------

  // The rank of the first element e with !less(e, key), and that element
  // (nullptr at the end).
  struct Found {
    std::size_t rank = 0;
    const T* item = nullptr;
  };
  template <class Key, class Less>
  Found lower_bound(const Key& key, Less less) const {
    if (!root_) return {};
    std::size_t rank = 0;
    const Node* node = root_.get();
    while (!node->is_leaf) {
      const auto& children = static_cast<const Branch&>(*node).children;
      auto child = std::partition_point(children.begin(), children.end(),
                                        [&](const Child& c) { return less(c.last, key); });
      if (child == children.end()) return {size_, nullptr};
      for (auto it = children.begin(); it != child; ++it) rank += it->size;
      node = child->node.get();
    }
    const auto items = static_cast<const Leaf&>(*node).items();
    auto at = std::partition_point(items.begin(), items.end(), [&](const T& e) { return less(e, key); });
    if (at == items.end()) return {rank + items.size(), nullptr};  // only when less(last, key) lied
    return {rank + static_cast<std::size_t>(at - items.begin()), &*at};
  }

  // The rank of the k-th (from 0) element of non-zero weight, for unit or
  // zero weights. Precondition: k < weight().
  std::size_t select_weight(std::size_t k) const {
    assert(k < weight_);
    std::size_t rank = 0;
    const Node* node = root_.get();
    while (!node->is_leaf) {
      const Branch& branch = static_cast<const Branch&>(*node);
      std::size_t i = 0;
      while (k >= branch.children[i].weight) {
        k -= branch.children[i].weight;
        rank += branch.children[i++].size;
      }
      node = branch.children[i].node.get();
    }
    const Weigh weigh;
    for (const T& item : static_cast<const Leaf&>(*node).items()) {
      const std::uint32_t w = weigh(item);
      if (w > k) return rank;
      k -= w;
      ++rank;
    }
    assert(false && "select_weight: weights inconsistent");
    return rank;
  }

  // ---- updates: new sequences sharing all but one path ----------------------

  Seq inserted(std::size_t rank, T value) const {
    assert(rank <= size_);
    if (!root_) {
      Leaf* leaf = Leaf::make(1);
      leaf->append(std::move(value));
      return Seq(adopt(leaf));
    }
    Split split = insert_into(*root_, rank, std::move(value));
    if (!split.second.node) return Seq(std::move(split.first));
    std::vector<Child> children;
    children.push_back(std::move(split.first));
    children.push_back(std::move(split.second));
    return Seq(make_branch(std::move(children)));
  }

  Seq assigned(std::size_t rank, T value) const {
    assert(rank < size_);
    return Seq(assign_in(*root_, rank, std::move(value)));
  }

  Seq erased(std::size_t rank) const {
    assert(rank < size_);
    Child root = erase_from(*root_, rank);
    // A root branch with one child gives way to that child.
    while (root.node && !root.node->is_leaf && static_cast<const Branch&>(*root.node).children.size() == 1) {
      Child only = static_cast<const Branch&>(*root.node).children.front();
      root = std::move(only);
    }
    return root.node ? Seq(std::move(root)) : Seq();
  }

  // ---- reading in order ------------------------------------------------------

  class const_iterator {
   public:
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using reference = const T&;
    using pointer = const T*;
    using iterator_category = std::forward_iterator_tag;

    const_iterator() = default;
    const T& operator*() const { return *item_; }
    const T* operator->() const { return item_; }
    const_iterator& operator++() {
      if (++item_ == leaf_end_) next_leaf();
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++*this;
      return before;
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.item_ == b.item_; }

   private:
    friend class Seq;
    // Deeper than any tree of 2^32 elements (branches split at branch_max,
    // so each level multiplies the size by at least branch_max / 2).
    static constexpr int depth_max = 12;
    struct Frame {
      const Branch* branch;
      std::size_t index;
    };

    // Descends from `node` to the leaf holding `rank` (rank < node's size).
    void descend(const Node* node, std::size_t rank) {
      while (!node->is_leaf) {
        const Branch& branch = static_cast<const Branch&>(*node);
        std::size_t i = 0;
        while (rank >= branch.children[i].size) rank -= branch.children[i++].size;
        assert(depth_ < depth_max);
        stack_[depth_++] = Frame{&branch, i};
        node = branch.children[i].node.get();
      }
      const auto items = static_cast<const Leaf&>(*node).items();
      leaf_begin_ = items.data();
      item_ = items.data() + rank;
      leaf_end_ = items.data() + items.size();
    }
    // The current leaf as its parent holds it, if the iterator stands at its
    // first element and it has a parent.
    const Child* whole_leaf() const {
      if (depth_ == 0 || item_ != leaf_begin_) return nullptr;
      const Frame& top = stack_[depth_ - 1];
      return &top.branch->children[top.index];
    }
    void next_leaf() {
      while (depth_ > 0) {
        Frame& top = stack_[depth_ - 1];
        if (++top.index < top.branch->children.size()) {
          descend(top.branch->children[top.index].node.get(), 0);
          return;
        }
        --depth_;
      }
      item_ = leaf_end_ = nullptr;
    }

    Frame stack_[depth_max];
    int depth_ = 0;
    const T* item_ = nullptr;
    const T* leaf_begin_ = nullptr;
    const T* leaf_end_ = nullptr;
  };

  // When x and y stand at the start of one leaf that both their sequences
  // share (versions of one state share every node no update copied), appends
  // that leaf to `out` whole, sharing it, and moves both past it: a join of
  // two versions copies only where they differ. Elements equal on both sides
  // are what every join keeps, so the result is the same.
  template <class Out>
  [[gnu::always_inline]] static bool take_shared_leaf(const_iterator& x, const_iterator& y, Out& out) {
    if (x.item_ != y.item_ || x.item_ == nullptr) return false;
    const Child* leaf = x.whole_leaf();
    if (leaf == nullptr) leaf = y.whole_leaf();
    if (leaf == nullptr) return false;
    out.append_shared(*leaf);
    x.next_leaf();
    y.next_leaf();
    return true;
  }

  const_iterator begin() const { return at(0); }
  const_iterator end() const { return {}; }
  // An iterator at `rank` (end() when rank == size()).
  const_iterator at(std::size_t rank) const {
    const_iterator it;
    if (rank < size_) it.descend(root_.get(), rank);
    return it;
  }

  // The same tree (so the same elements): what a join that changed nothing
  // returns, and an O(1) equality.
  bool same_as(const Seq& other) const { return root_.get() == other.root_.get(); }

  friend bool operator==(const Seq& a, const Seq& b) {
    if (a.root_.get() == b.root_.get()) return true;
    if (a.size_ != b.size_) return false;
    return std::equal(a.begin(), a.end(), b.begin());
  }

  // ---- building in order ------------------------------------------------------

  // Appends elements in their final order; finish() returns the sequence in
  // O(n), leaves filled to leaf_max. `expected` sizes the first leaf, so that
  // small sequences do not reserve a whole leaf.
  class Builder {
   public:
    explicit Builder(std::size_t expected = leaf_max) : first_capacity_(std::clamp<std::size_t>(expected, 1, leaf_max)) {
      if (expected > leaf_max) leaves_.reserve(expected / leaf_max + 1);
    }
    Builder(const Builder&) = delete;
    Builder& operator=(const Builder&) = delete;
    ~Builder() {
      if (leaf_ != nullptr) delete seal();
    }

    // Inlined: merges call it for every element, and it is a store when the
    // leaf has room.
    [[gnu::always_inline]] void push_back(const T& value) {
      if (next_ == limit_) make_room();
      std::construct_at(next_++, value);
    }
    [[gnu::always_inline]] void push_back(T&& value) {
      if (next_ == limit_) make_room();
      std::construct_at(next_++, std::move(value));
    }
    // A whole leaf of another sequence, shared (see take_shared_leaf).
    void append_shared(const Child& leaf) {
      if (leaf_ != nullptr && leaf_->items_begin() != next_) leaves_.push_back(adopt(seal()));
      leaves_.push_back(leaf);
    }
    Seq finish() {
      Leaf* last = leaf_ != nullptr && leaf_->items_begin() != next_ ? seal() : nullptr;
      if (leaves_.empty()) return last == nullptr ? Seq() : Seq(adopt(last));
      if (last != nullptr) leaves_.push_back(adopt(last));
      std::vector<Child> level = std::move(leaves_);
      while (level.size() > 1) level = group(std::move(level));
      return Seq(std::move(level.front()));
    }

   private:
    // The leaf being filled, with its count set, handed over.
    Leaf* seal() {
      leaf_->count = static_cast<std::uint32_t>(next_ - leaf_->items_begin());
      next_ = limit_ = nullptr;
      return std::exchange(leaf_, nullptr);
    }
    void start(Leaf* leaf) {
      leaf_ = leaf;
      next_ = leaf->items_begin() + leaf->count;
      limit_ = leaf->items_begin() + leaf->capacity;
    }
    // The first leaf holds `expected` elements; should more come, it grows
    // to a whole leaf, and every later leaf is whole.
    void make_room() {
      if (leaf_ == nullptr) {
        start(Leaf::make(leaves_.empty() ? first_capacity_ : leaf_max));
      } else if (leaf_->capacity < leaf_max) {
        Leaf* small = seal();
        Leaf* whole = Leaf::make(leaf_max);
        for (const T& item : small->items()) whole->append(item);
        delete small;
        start(whole);
      } else {
        leaves_.push_back(adopt(seal()));
        start(Leaf::make(leaf_max));
      }
    }
    // One level up: children in branches of at most branch_max, as even as
    // possible.
    static std::vector<Child> group(std::vector<Child> level) {
      const std::size_t count = (level.size() + branch_max - 1) / branch_max;
      std::vector<Child> up;
      up.reserve(count);
      std::size_t begin = 0;
      for (std::size_t g = 0; g < count; ++g) {
        const std::size_t end = level.size() * (g + 1) / count;
        std::vector<Child> children(std::make_move_iterator(level.begin() + static_cast<std::ptrdiff_t>(begin)),
                                    std::make_move_iterator(level.begin() + static_cast<std::ptrdiff_t>(end)));
        up.push_back(make_branch(std::move(children)));
        begin = end;
      }
      return up;
    }

    std::size_t first_capacity_;
    Leaf* leaf_ = nullptr;  // being filled, not shared yet: its count is set by seal()
    T* next_ = nullptr;     // where the next element goes in leaf_
    T* limit_ = nullptr;    // the end of leaf_'s capacity
    std::vector<Child> leaves_;
  };

  template <class Range>
  static Seq from(const Range& range) {
    Builder out(static_cast<std::size_t>(std::distance(std::begin(range), std::end(range))));
    for (const auto& item : range) out.push_back(T(item));
    return out.finish();
  }

 private:
  explicit Seq(Child root) : root_(std::move(root.node)), size_(root.size), weight_(root.weight) {}

  static const T& last_of(const Node& node) {
    if (node.is_leaf) return static_cast<const Leaf&>(node).items().back();
    return static_cast<const Branch&>(node).children.back().last;
  }

  // A filled leaf, shared from now on.
  static Child adopt(Leaf* leaf) {
    assert(leaf->count > 0 && leaf->count <= leaf_max);
    Rc<const Node> node(leaf);
    const auto items = leaf->items();
    const auto size = static_cast<std::uint32_t>(items.size());
    std::uint32_t weight = size;
    if constexpr (!std::is_same_v<Weigh, UnitWeight<T>>) {
      const Weigh weigh;
      weight = 0;
      for (const T& item : items) weight += weigh(item);
    }
    return Child{std::move(node), size, weight, items.back()};
  }

  // Leaves holding `count` elements of a sequence (at(i) gives element i),
  // one leaf, or two halves when they exceed leaf_max.
  template <class At>
  static Split leaves_of(std::size_t count, At at) {
    if (count <= leaf_max) {
      Leaf* leaf = Leaf::make(count);
      for (std::size_t i = 0; i < count; ++i) leaf->append(at(i));
      return Split{adopt(leaf), Child{}};
    }
    const std::size_t half = count / 2;
    Leaf* left = Leaf::make(half);
    Leaf* right = Leaf::make(count - half);
    for (std::size_t i = 0; i < half; ++i) left->append(at(i));
    for (std::size_t i = half; i < count; ++i) right->append(at(i));
    return Split{adopt(left), adopt(right)};
  }

  static Child make_branch(std::vector<Child> children) {
    assert(!children.empty() && children.size() <= branch_max);
    std::uint32_t size = 0;
    std::uint32_t weight = 0;
    for (const Child& c : children) {
      size += c.size;
      weight += c.weight;
    }
    T last = children.back().last;
    return Child{Rc<const Node>(new Branch(std::move(children))), size, weight, std::move(last)};
  }

  // Splits an overfull list of children into two branches.
  static Split split_in_two(std::vector<Child> all) {
    const auto half = static_cast<std::ptrdiff_t>(all.size() / 2);
    std::vector<Child> right(std::make_move_iterator(all.begin() + half), std::make_move_iterator(all.end()));
    all.erase(all.begin() + half, all.end());
    return Split{make_branch(std::move(all)), make_branch(std::move(right))};
  }

  // The child holding `rank` and rank within it; with `at_end`, a rank equal
  // to a child's end stays in that child (an insert appends to it).
  static std::size_t child_at(const std::vector<Child>& children, std::size_t& rank, bool at_end) {
    std::size_t i = 0;
    while (i + 1 < children.size() && (at_end ? rank > children[i].size : rank >= children[i].size)) {
      rank -= children[i++].size;
    }
    return i;
  }

  static Split insert_into(const Node& node, std::size_t rank, T value) {
    if (node.is_leaf) {
      const auto items = static_cast<const Leaf&>(node).items();
      return leaves_of(items.size() + 1, [&](std::size_t i) -> const T& {
        return i < rank ? items[i] : i == rank ? value : items[i - 1];
      });
    }
    const auto& children = static_cast<const Branch&>(node).children;
    const std::size_t i = child_at(children, rank, true);
    Split below = insert_into(*children[i].node, rank, std::move(value));
    std::vector<Child> copy;
    copy.reserve(children.size() + 1);
    copy.insert(copy.end(), children.begin(), children.begin() + static_cast<std::ptrdiff_t>(i));
    copy.push_back(std::move(below.first));
    if (below.second.node) copy.push_back(std::move(below.second));
    copy.insert(copy.end(), children.begin() + static_cast<std::ptrdiff_t>(i + 1), children.end());
    if (copy.size() <= branch_max) return Split{make_branch(std::move(copy)), Child{}};
    return split_in_two(std::move(copy));
  }

  static Child assign_in(const Node& node, std::size_t rank, T value) {
    if (node.is_leaf) {
      const auto items = static_cast<const Leaf&>(node).items();
      return leaves_of(items.size(), [&](std::size_t i) -> const T& { return i == rank ? value : items[i]; }).first;
    }
    std::vector<Child> copy = static_cast<const Branch&>(node).children;
    const std::size_t i = child_at(copy, rank, false);
    copy[i] = assign_in(*copy[i].node, rank, std::move(value));
    return make_branch(std::move(copy));
  }

  // The subtree without the element at `rank`; node null when it empties.
  // Nodes are not rebalanced: a leaf emptied is dropped, and the height
  // never exceeds the one the sequence had at its largest.
  static Child erase_from(const Node& node, std::size_t rank) {
    if (node.is_leaf) {
      const auto items = static_cast<const Leaf&>(node).items();
      if (items.size() == 1) return Child{};
      return leaves_of(items.size() - 1, [&](std::size_t i) -> const T& { return items[i < rank ? i : i + 1]; }).first;
    }
    std::vector<Child> copy = static_cast<const Branch&>(node).children;
    const std::size_t i = child_at(copy, rank, false);
    Child below = erase_from(*copy[i].node, rank);
    if (below.node) {
      copy[i] = std::move(below);
    } else {
      copy.erase(copy.begin() + static_cast<std::ptrdiff_t>(i));
      if (copy.empty()) return Child{};
    }
    return make_branch(std::move(copy));
  }

  Rc<const Node> root_;
  std::uint32_t size_ = 0;
  std::uint32_t weight_ = 0;
};

// ---- sorted sequences ----------------------------------------------------------
//
// `order(x, y)` compares two elements' keys (three-way); each sequence holds
// a key once. `join(x, y, scratch)` gives the element a join keeps for a key
// on both sides, x from the first sequence and y from the second: a
// reference to x or to y when it keeps one of them, or to `scratch` after
// writing a new element there. It must be commutative, as a join is.
// `same(x, y)` tells that a join changed nothing (== by default); it may
// answer false for equal elements, which only costs the sharing of a tree.

// The join of two elements that keeps one of them (sets, counters).
template <class Pick>
auto keeping(Pick pick) {
  return [pick](const auto& x, const auto& y, auto&) -> decltype(auto) { return pick(x, y); };
}

// Below this size ratio, joining the smaller sequence element by element
// (O(m log n), sharing the larger one's untouched nodes) beats one linear
// merge (O(n + m)): an update copies about a leaf and a branch per level.
template <class T, class W>
bool much_smaller(const Seq<T, W>& small, const Seq<T, W>& large) {
  return small.size() * Seq<T, W>::leaf_max <= large.size();
}

// `base` with each element of `updates` joined in by path copying.
template <class T, class W, class Order, class Join, class Same>
Seq<T, W> join_each(Seq<T, W> base, const Seq<T, W>& updates, Order order, Join join_base_update, Same same) {
  T scratch{};
  for (const T& y : updates) {
    const auto found = base.lower_bound(y, [&order](const T& e, const T& key) { return order(e, key) < 0; });
    if (found.item == nullptr || order(*found.item, y) != 0) {
      base = base.inserted(found.rank, y);
      continue;
    }
    const T& kept = join_base_update(*found.item, y, scratch);
    if (&kept != found.item && !same(kept, *found.item)) base = base.assigned(found.rank, kept);
  }
  return base;
}

// The union of two sorted sequences, joining the elements of a key on both
// sides. It shares a's (or b's) tree when the other adds nothing to it, so
// a join that changes nothing allocates nothing.
template <class T, class W, class Order, class Join, class Same = std::equal_to<>>
Seq<T, W> sorted_union(const Seq<T, W>& a, const Seq<T, W>& b, Order order, Join join, Same same = {}) {
  if (a.same_as(b) || b.empty()) return a;
  if (a.empty()) return b;
  if (much_smaller(b, a)) return join_each(a, b, order, join, same);
  if (much_smaller(a, b)) {
    return join_each(
        b, a, order, [&join](const T& in_b, const T& in_a, T& scratch) -> const T& { return join(in_a, in_b, scratch); },
        same);
  }
  // Two small equal sequences (a join delivered again): no leaf to build.
  if (a.size() == b.size() && a.size() <= Seq<T, W>::leaf_max && std::equal(a.begin(), a.end(), b.begin(), same)) {
    return a;
  }
  typename Seq<T, W>::Builder out(a.size() + b.size());
  bool from_a = false;  // the result differs from b
  bool from_b = false;  // the result differs from a
  T scratch{};
  auto x = a.begin();
  auto y = b.begin();
  const typename Seq<T, W>::const_iterator end{};
  while (x != end && y != end) {
    if (Seq<T, W>::take_shared_leaf(x, y, out)) continue;
    const auto c = order(*x, *y);
    if (c < 0) {
      out.push_back(*x);
      ++x;
      from_a = true;
    } else if (c > 0) {
      out.push_back(*y);
      ++y;
      from_b = true;
    } else {
      const T& kept = join(*x, *y, scratch);
      from_b = from_b || !(&kept == &*x || same(kept, *x));
      from_a = from_a || !(&kept == &*y || same(kept, *y));
      out.push_back(kept);
      ++x, ++y;
    }
  }
  for (; x != end; ++x, from_a = true) out.push_back(*x);
  for (; y != end; ++y, from_b = true) out.push_back(*y);
  if (!from_b) return a;
  if (!from_a) return b;
  return out.finish();
}

// Whether each element y of `part` has an element x of `whole` with its key
// and fits(y, x).
template <class T, class W, class Order, class Fits>
bool sorted_covers(const Seq<T, W>& whole, const Seq<T, W>& part, Order order, Fits fits) {
  if (part.size() > whole.size()) return false;
  if (whole.same_as(part)) return true;
  if (much_smaller(part, whole)) {
    for (const T& y : part) {
      const auto found = whole.lower_bound(y, [&order](const T& e, const T& key) { return order(e, key) < 0; });
      if (found.item == nullptr || order(*found.item, y) != 0 || !fits(y, *found.item)) return false;
    }
    return true;
  }
  auto x = whole.begin();
  const typename Seq<T, W>::const_iterator end{};
  for (const T& y : part) {
    while (x != end && order(*x, y) < 0) ++x;
    if (x == end || order(*x, y) != 0 || !fits(y, *x)) return false;
  }
  return true;
}

}  // namespace frsim::core::crdt
