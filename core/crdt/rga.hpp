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

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"

namespace frsim::core::crdt {

class Rga final : public LatticeBase<Rga> {
 public:
  using NodeId = Timestamp;
  struct Node {
    NodeId parent;
    Value value;
    friend bool operator==(const Node&, const Node&) = default;
  };
  using Nodes = std::map<NodeId, Node>;
  static constexpr NodeId root{};
  static constexpr std::string_view type_name_v = "rga";

  // Precondition (checked by decode): each node's parent has a smaller timestamp.
  Rga(Nodes nodes, std::set<NodeId> tombstones);
  static Rc<const Rga> empty();

  // The visible elements, in list order.
  ValueList elements() const;
  std::size_t size() const { return visible().size(); }
  // Node id of the visible element at `index`; InvalidOperation (array element
  // fetch) when index >= size().
  NodeId id_at(std::size_t index) const;
  const Nodes& nodes() const { return nodes_; }
  const std::set<NodeId>& tombstones() const { return tombstones_; }

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

 private:
  NodeId fresh_id(ReplicaId replica) const;
  NodeId parent_for(std::size_t index) const;
  // Visible node ids in list order, computed once.
  const std::vector<NodeId>& visible() const;

  Nodes nodes_;
  std::set<NodeId> tombstones_;  // may name nodes not received yet
  std::uint64_t lamport_max_ = 0;
  mutable std::vector<NodeId> visible_;
  mutable bool linearised_ = false;
};

}  // namespace frsim::core::crdt
