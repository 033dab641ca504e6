#pragma once
// Replicated growable array (RGA; Roh et al. 2011, as catalogued by Shapiro et
// al. 2011 §3.5): the list CRDT of the paper's TodoMVC task list (§5.2).
//
// Every element is a node named by a unique Lamport timestamp and inserted
// after a parent node (the root, timestamp (0, 0), is the front). The list is
// the pre-order walk of that tree with each node's children in descending
// timestamp order: an insert lands right after its parent (its timestamp is
// greater than every one its replica has seen), and concurrent inserts after
// the same parent order by timestamp on every replica. A remove leaves a
// tombstone, so the node keeps anchoring the nodes inserted after it.
//
// The state is a pair of grow-only sets (nodes, tombstones), so join is union.
// A node whose parent has not arrived yet (possible with deltas) waits,
// invisible, until the parent does.
//
// Storage (seq.hpp): the nodes sorted by id, each with its tombstone flag, and
// the tombstones of nodes not received yet; a join is one linear merge by id.
// The list order is kept as a second sequence, weighted by visibility, so an
// insert or remove at an index costs O(log n): it finds the index's node in
// the order and updates one path of each sequence. After a join the order is
// rebuilt, in O(n log n), the first time an index or the elements are asked.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"
#include "core/crdt/seq.hpp"

namespace frsim::core::crdt {

class Rga final : public LatticeBase<Rga> {
 public:
  using NodeId = Timestamp;
  struct Node {
    NodeId parent;
    Value value;
    friend bool operator==(const Node&, const Node&) = default;
  };
  // The former interchange form, kept for constructors and accessors.
  using Nodes = std::map<NodeId, Node>;
  // A node as stored: sorted by id.
  struct Entry {
    NodeId id;
    NodeId parent;
    Value value;
    bool removed = false;
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  using Entries = Seq<Entry>;
  static constexpr NodeId root{};
  static constexpr std::string_view type_name_v = "rga";

  // Precondition (checked by decode): each node's parent has a smaller timestamp.
  Rga(Nodes nodes, std::set<NodeId> tombstones);
  // `pending`: the tombstones of nodes not in `entries`, ascending.
  Rga(Entries entries, std::vector<NodeId> pending);
  static Rc<const Rga> empty();

  // The visible elements, in list order.
  ValueList elements() const;
  std::size_t size() const { return order().weight(); }
  // Node id of the visible element at `index`; InvalidOperation (array element
  // fetch) when index >= size().
  NodeId id_at(std::size_t index) const;
  // Every node received, and every tombstone (copies; entries() reads in place).
  Nodes nodes() const;
  std::set<NodeId> tombstones() const;
  const Entries& entries() const { return entries_; }

  // Inserts so that `value` becomes element `index` (0 = front, size() = back);
  // InvalidOperation (array element store) when index > size().
  Rc<const Rga> insert(ReplicaId replica, std::size_t index, Value value) const;
  Rc<const Rga> insert_delta(ReplicaId replica, std::size_t index, Value value) const;
  // Inserts right after node `after` (root for the front); Error if unknown.
  Rc<const Rga> insert_after(ReplicaId replica, NodeId after, Value value) const;
  Rc<const Rga> insert_after_delta(ReplicaId replica, NodeId after, Value value) const;
  // Removes the visible element at `index`; InvalidOperation when out of range.
  Rc<const Rga> remove(std::size_t index) const;
  Rc<const Rga> remove_delta(std::size_t index) const;

  Rc<const Rga> merge(const Rga& other) const;
  bool below(const Rga& other) const;
  std::string to_string() const override;
  void encode(Encoder& out) const override;
  static Rc<const Rga> decode(Decoder& in);
  void encoded_order(const Rga& other, EncodingOrder& order) const;

  void for_each_value(const std::function<void(const Value&)>& f) const override {
    for (const Entry& e : entries_) f(e.value);
  }
 private:
  // One node in list order: every node reachable from the root, removed ones
  // included (they anchor their children), weighted 1 when visible.
  struct Position {
    NodeId id;
    Value value;
    bool visible = false;
  };
  struct VisibleWeight {
    std::uint32_t operator()(const Position& p) const { return p.visible ? 1 : 0; }
  };
  using Order = Seq<Position, VisibleWeight>;

  Rga(Entries entries, std::vector<NodeId> pending, Order order);
  NodeId fresh_id(ReplicaId replica) const;
  // The rank in order() of the visible element at `index`, or InvalidOperation.
  std::size_t rank_of(std::size_t index, InvalidOp op, std::size_t size) const;
  // The list order, rebuilt once after a join or a decode.
  const Order& order() const;
  Entries::Found find(const NodeId& id) const;
  bool has_node(const NodeId& id) const;

  Entries entries_;
  std::vector<NodeId> pending_;  // tombstones of nodes not received yet, ascending
  std::uint64_t lamport_max_ = 0;
  mutable Order order_;
  mutable bool ordered_ = false;
};

}  // namespace frsim::core::crdt
