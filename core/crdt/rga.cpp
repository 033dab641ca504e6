#include "core/crdt/rga.hpp"

#include <algorithm>
#include <iterator>
#include <optional>
#include <utility>

namespace frsim::core::crdt {

namespace {

using Entry = Rga::Entry;
using NodeId = Rga::NodeId;

constexpr auto by_id = [](const Entry& a, const Entry& b) { return a.id <=> b.id; };
// Written out: the merge's hottest comparison.
inline bool id_less(const NodeId& a, const NodeId& b) {
  return a.lamport < b.lamport || (a.lamport == b.lamport && a.replica < b.replica);
}

bool has(const std::vector<NodeId>& ids, const NodeId& id) {
  return !ids.empty() && std::binary_search(ids.begin(), ids.end(), id);
}

// A timestamp names one insert, so both sides agree on its node; should a
// corrupt peer disagree, the greater (parent, value) wins on both sides alike,
// keeping join commutative. A tombstone on either side removes it.
Entry joined_node(const Entry& x, const Entry& y) {
  const bool y_wins = x.parent < y.parent || (x.parent == y.parent && x.value < y.value);
  Entry out = y_wins ? y : x;
  out.removed = x.removed || y.removed;
  return out;
}

std::uint64_t lamport_max(const Rga::Entries& entries, const std::vector<NodeId>& pending) {
  std::uint64_t max = entries.empty() ? 0 : entries.back().id.lamport;  // ids ascend by lamport first
  if (!pending.empty()) max = std::max(max, pending.back().lamport);
  return max;
}

void add_pending(std::vector<NodeId>& pending, const NodeId& id) {
  auto at = std::lower_bound(pending.begin(), pending.end(), id);
  if (at == pending.end() || *at != id) pending.insert(at, id);
}

}  // namespace

Rga::Rga(Nodes nodes, std::set<NodeId> tombstones) {
  Entries::Builder entries(nodes.size());
  for (auto& [id, node] : nodes) entries.push_back(Entry{id, node.parent, std::move(node.value), tombstones.contains(id)});
  for (const NodeId& id : tombstones) {
    if (!nodes.contains(id)) pending_.push_back(id);
  }
  entries_ = entries.finish();
  lamport_max_ = lamport_max(entries_, pending_);
}

Rga::Rga(Entries entries, std::vector<NodeId> pending)
    : entries_(std::move(entries)), pending_(std::move(pending)), lamport_max_(lamport_max(entries_, pending_)) {}

Rga::Rga(Entries entries, std::vector<NodeId> pending, Order order) : Rga(std::move(entries), std::move(pending)) {
  order_ = std::move(order);
  ordered_ = true;
}

Rc<const Rga> Rga::empty() { return make_rc<const Rga>(Entries{}, std::vector<NodeId>{}); }

// Pre-order walk from the root, children in descending timestamp order: a
// stack that pushes children ascending pops the greatest first.
const Rga::Order& Rga::order() const {
  if (ordered_) return order_;
  // (parent, rank of the child in entries_): sorted, each node's children
  // form a run in ascending id order.
  std::vector<const Entry*> nodes;
  std::vector<std::pair<NodeId, std::uint32_t>> children;
  nodes.reserve(entries_.size());
  children.reserve(entries_.size());
  for (const Entry& e : entries_) {
    children.emplace_back(e.parent, static_cast<std::uint32_t>(nodes.size()));
    nodes.push_back(&e);
  }
  std::sort(children.begin(), children.end());
  std::vector<std::uint32_t> stack;
  const auto push_children = [&](const NodeId& parent) {
    auto child = std::lower_bound(children.begin(), children.end(), std::pair<NodeId, std::uint32_t>{parent, 0});
    for (; child != children.end() && child->first == parent; ++child) stack.push_back(child->second);
  };
  Order::Builder out(entries_.size());
  push_children(root);
  while (!stack.empty()) {
    const Entry& node = *nodes[stack.back()];
    stack.pop_back();
    out.push_back(Position{node.id, node.value, !node.removed});
    push_children(node.id);
  }
  order_ = out.finish();
  ordered_ = true;
  return order_;
}

ValueList Rga::elements() const {
  ValueList out;
  out.reserve(size());
  for (const Position& p : order()) {
    if (p.visible) out.push_back(p.value);
  }
  return out;
}

std::size_t Rga::rank_of(std::size_t index, InvalidOp op, std::size_t size) const {
  if (index >= size) {
    throw InvalidOperation(op, "rga index " + std::to_string(index) + " of a list of " + std::to_string(size));
  }
  return order().select_weight(index);
}

Rga::NodeId Rga::id_at(std::size_t index) const {
  return order()[rank_of(index, InvalidOp::array_element_fetch, size())].id;
}

Rga::Nodes Rga::nodes() const {
  Nodes out;
  for (const Entry& e : entries_) out.emplace_hint(out.end(), e.id, Node{e.parent, e.value});
  return out;
}

std::set<Rga::NodeId> Rga::tombstones() const {
  std::set<NodeId> out(pending_.begin(), pending_.end());
  for (const Entry& e : entries_) {
    if (e.removed) out.insert(e.id);
  }
  return out;
}

Rga::Entries::Found Rga::find(const NodeId& id) const {
  return entries_.lower_bound(id, [](const Entry& e, const NodeId& key) { return e.id < key; });
}

bool Rga::has_node(const NodeId& id) const {
  const auto found = find(id);
  return found.item != nullptr && found.item->id == id;
}

Rga::NodeId Rga::fresh_id(ReplicaId replica) const {
  if (lamport_max_ == UINT64_MAX) throw Error("rga: Lamport clock overflow");
  return NodeId{lamport_max_ + 1, replica};
}

// The new node goes right after its parent in list order: its timestamp is
// the greatest, so it is the parent's first child. One path of the nodes and
// one of the order are copied.
Rc<const Rga> Rga::insert(ReplicaId replica, std::size_t index, Value value) const {
  const Order& list = order();
  const std::size_t size = list.weight();
  if (index > size) {
    throw InvalidOperation(InvalidOp::array_element_store,
                           "rga index " + std::to_string(index) + " of a list of " + std::to_string(size));
  }
  NodeId parent = root;
  std::size_t position = 0;
  if (index > 0) {
    const std::size_t rank = list.select_weight(index - 1);
    parent = list[rank].id;
    position = rank + 1;
  }
  const NodeId id = fresh_id(replica);
  Entries entries = entries_.inserted(find(id).rank, Entry{id, parent, value, false});
  Order order = list.inserted(position, Position{id, std::move(value), true});
  return Rc<const Rga>(new Rga(std::move(entries), pending_, std::move(order)));
}

Rc<const Rga> Rga::insert_delta(ReplicaId replica, std::size_t index, Value value) const {
  const std::size_t size = this->size();
  if (index > size) {
    throw InvalidOperation(InvalidOp::array_element_store,
                           "rga index " + std::to_string(index) + " of a list of " + std::to_string(size));
  }
  return insert_after_delta(replica, index == 0 ? root : id_at(index - 1), std::move(value));
}

Rc<const Rga> Rga::insert_after(ReplicaId replica, NodeId after, Value value) const {
  if (after != root && !has_node(after)) {
    throw Error("rga: insert after unknown node " + crdt::to_string(after));
  }
  const NodeId id = fresh_id(replica);
  Entries entries = entries_.inserted(find(id).rank, Entry{id, after, std::move(value), false});
  return make_rc<const Rga>(std::move(entries), pending_);  // the order is rebuilt when asked
}

Rc<const Rga> Rga::insert_after_delta(ReplicaId replica, NodeId after, Value value) const {
  if (after != root && !has_node(after)) {
    throw Error("rga: insert after unknown node " + crdt::to_string(after));
  }
  return make_rc<const Rga>(Entries().inserted(0, Entry{fresh_id(replica), after, std::move(value), false}),
                            std::vector<NodeId>{});
}

Rc<const Rga> Rga::remove(std::size_t index) const {
  const Order& list = order();
  const std::size_t rank = rank_of(index, InvalidOp::array_element_fetch, list.weight());
  const Position& at = list[rank];
  const auto found = find(at.id);
  Entry removed = *found.item;
  removed.removed = true;
  Entries entries = entries_.assigned(found.rank, std::move(removed));
  Order order = list.assigned(rank, Position{at.id, at.value, false});
  return Rc<const Rga>(new Rga(std::move(entries), pending_, std::move(order)));
}

Rc<const Rga> Rga::remove_delta(std::size_t index) const {
  return make_rc<const Rga>(Entries{}, std::vector<NodeId>{id_at(index)});
}

namespace {

// Joins few updates into a large state by path copying (seq.hpp).
void join_each(Rga::Entries& entries, std::vector<NodeId>& pending, const Rga::Entries& updates,
               const std::vector<NodeId>& update_pending) {
  const auto find = [&entries](const NodeId& id) {
    return entries.lower_bound(id, [](const Entry& e, const NodeId& key) { return e.id < key; });
  };
  for (const Entry& update : updates) {
    const auto found = find(update.id);
    if (found.item == nullptr || found.item->id != update.id) {
      Entry node = update;
      if (has(pending, update.id)) {
        node.removed = true;
        pending.erase(std::lower_bound(pending.begin(), pending.end(), update.id));
      }
      entries = entries.inserted(found.rank, std::move(node));
    } else if (Entry node = joined_node(*found.item, update); !(node == *found.item)) {
      entries = entries.assigned(found.rank, std::move(node));
    }
  }
  for (const NodeId& id : update_pending) {
    const auto found = find(id);
    if (found.item == nullptr || found.item->id != id) {
      add_pending(pending, id);
    } else if (!found.item->removed) {
      Entry node = *found.item;
      node.removed = true;
      entries = entries.assigned(found.rank, std::move(node));
    }
  }
}

}  // namespace

// Union of nodes and of tombstones, by one walk over both id-sorted
// sequences, or by path copying when one side is a delta.
Rc<const Rga> Rga::merge(const Rga& other) const {
  if (entries_.same_as(other.entries_) && pending_ == other.pending_) return self();
  Entries entries;
  std::vector<NodeId> pending;
  if (much_smaller(other.entries_, entries_) && other.pending_.size() * Entries::leaf_max <= entries_.size()) {
    entries = entries_;
    pending = pending_;
    join_each(entries, pending, other.entries_, other.pending_);
  } else if (much_smaller(entries_, other.entries_) && pending_.size() * Entries::leaf_max <= other.entries_.size()) {
    entries = other.entries_;
    pending = other.pending_;
    join_each(entries, pending, entries_, pending_);
  } else {
    Entries::Builder out(entries_.size() + other.entries_.size());
    bool from_a = false;  // the result differs from other's nodes
    bool from_b = false;  // the result differs from this one's nodes
    // A node of one side only is removed if the other side's pending
    // tombstones name it (usually there are none to look at).
    const auto take_x = [&](const Entry& node) {
      from_a = true;
      if (node.removed || other.pending_.empty() || !has(other.pending_, node.id)) return out.push_back(node);
      Entry removed = node;
      removed.removed = from_b = true;
      out.push_back(std::move(removed));
    };
    const auto take_y = [&](const Entry& node) {
      from_b = true;
      if (node.removed || pending_.empty() || !has(pending_, node.id)) return out.push_back(node);
      Entry removed = node;
      removed.removed = from_a = true;
      out.push_back(std::move(removed));
    };
    auto x = entries_.begin();
    auto y = other.entries_.begin();
    const Entries::const_iterator end{};
    while (x != end && y != end) {
      if (Entries::take_shared_leaf(x, y, out)) continue;
      const Entry& a = *x;
      const Entry& b = *y;
      if (id_less(a.id, b.id)) {
        take_x(a);
        ++x;
      } else if (id_less(b.id, a.id)) {
        take_y(b);
        ++y;
      } else if (a.removed == b.removed && a.parent == b.parent && a.value == b.value) {
        out.push_back(a);  // the same node on both sides: the common case
        ++x, ++y;
      } else {
        Entry node = joined_node(a, b);
        from_a = from_a || !(node == b);
        from_b = from_b || !(node == a);
        out.push_back(std::move(node));
        ++x, ++y;
      }
    }
    for (; x != end; ++x) take_x(*x);
    for (; y != end; ++y) take_y(*y);
    entries = !from_b ? entries_ : !from_a ? other.entries_ : out.finish();
    std::set_union(pending_.begin(), pending_.end(), other.pending_.begin(), other.pending_.end(),
                   std::back_inserter(pending));
    std::erase_if(pending, [&entries](const NodeId& id) {
      const auto found = entries.lower_bound(id, [](const Entry& e, const NodeId& key) { return e.id < key; });
      return found.item != nullptr && found.item->id == id;
    });
  }
  if (entries.same_as(entries_) && pending == pending_) return self();
  if (entries.same_as(other.entries_) && pending == other.pending_) return other.self();
  return make_rc<const Rga>(std::move(entries), std::move(pending));
}

bool Rga::below(const Rga& other) const {
  const bool nodes_below = sorted_covers(other.entries_, entries_, by_id, [](const Entry& mine, const Entry& theirs) {
    return mine.parent == theirs.parent && mine.value == theirs.value && (!mine.removed || theirs.removed);
  });
  if (!nodes_below) return false;
  return std::all_of(pending_.begin(), pending_.end(), [&other](const NodeId& id) {
    const auto found = other.find(id);
    if (found.item != nullptr && found.item->id == id) return found.item->removed;
    return has(other.pending_, id);
  });
}

std::string Rga::to_string() const {
  std::string out = "rga[";
  out += join_printed(elements(), [](const Value& v) { return v.to_string(); });
  out += "]";
  return out;
}

// Per node: id, parent, removed flag, value; then the tombstones of nodes not
// received yet. Keeping the flag inline makes a removed element cost one byte.
void Rga::encode(Encoder& out) const {
  out.varint(entries_.size());
  for (const Entry& node : entries_) {
    encode_timestamp(out, node.id);
    encode_timestamp(out, node.parent);
    out.u8(node.removed ? 1 : 0);
    node.value.encode(out);
  }
  out.varint(pending_.size());
  for (const NodeId& id : pending_) encode_timestamp(out, id);
}

void Rga::encoded_order(const Rga& other, EncodingOrder& order) const {
  order.varint(entries_.size(), other.entries_.size());
  for (auto x = entries_.begin(), y = other.entries_.begin(); x != entries_.end() && !order.decided(); ++x, ++y) {
    order_timestamps(order, x->id, y->id);
    order_timestamps(order, x->parent, y->parent);
    order.u8(x->removed ? 1 : 0, y->removed ? 1 : 0);
    if (!order.decided()) order.then(Value::encoded_order(x->value, y->value));
  }
  order.varint(pending_.size(), other.pending_.size());
  for (std::size_t i = 0; i < pending_.size() && !order.decided(); ++i) {
    order_timestamps(order, pending_[i], other.pending_[i]);
  }
}

Rc<const Rga> Rga::decode(Decoder& in) {
  const std::uint64_t size = in.count();
  Entries::Builder entries(size);
  std::optional<NodeId> previous;
  for (std::uint64_t i = 0; i < size; ++i) {
    const NodeId id = decode_timestamp(in);
    const NodeId parent = decode_timestamp(in);
    expect_ascending(previous ? &*previous : nullptr, id, "rga");
    if (!(parent < id) || id.lamport <= parent.lamport) {
      throw DecodeError("corrupt rga: a node is not newer than its parent");
    }
    const std::uint8_t removed = in.u8();
    if (removed > 1) throw DecodeError("corrupt rga: bad removed flag");
    entries.push_back(Entry{id, parent, Value::decode(in), removed == 1});
    previous = id;
  }
  Entries nodes = entries.finish();
  const std::uint64_t count = in.count();
  std::vector<NodeId> pending;
  pending.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const NodeId id = decode_timestamp(in);
    expect_ascending(pending.empty() ? nullptr : &pending.back(), id, "rga tombstones");
    const auto found = nodes.lower_bound(id, [](const Entry& e, const NodeId& key) { return e.id < key; });
    if (found.item != nullptr && found.item->id == id) throw DecodeError("corrupt rga: tombstone listed twice");
    pending.push_back(id);
  }
  return make_rc<const Rga>(std::move(nodes), std::move(pending));
}

}  // namespace frsim::core::crdt
