#include "core/crdt/rga.hpp"

#include <algorithm>
#include <utility>

namespace frsim::core::crdt {

namespace {

std::uint64_t lamport_max(const Rga::Nodes& nodes, const std::set<Rga::NodeId>& tombstones) {
  std::uint64_t max = 0;
  for (const auto& entry : nodes) max = std::max(max, entry.first.lamport);
  if (!tombstones.empty()) max = std::max(max, tombstones.rbegin()->lamport);
  return max;
}

}  // namespace

Rga::Rga(Nodes nodes, std::set<NodeId> tombstones)
    : nodes_(std::move(nodes)),
      tombstones_(std::move(tombstones)),
      lamport_max_(lamport_max(nodes_, tombstones_)) {}

Rc<const Rga> Rga::empty() { return make_rc<const Rga>(Nodes{}, std::set<NodeId>{}); }

// Pre-order walk from the root, children in descending timestamp order: a
// stack that pushes children ascending pops the greatest first.
const std::vector<Rga::NodeId>& Rga::visible() const {
  if (linearised_) return visible_;
  std::map<NodeId, std::vector<NodeId>> children;
  for (const auto& [id, node] : nodes_) children[node.parent].push_back(id);  // ascending
  std::vector<NodeId> stack{root};
  while (!stack.empty()) {
    const NodeId id = stack.back();
    stack.pop_back();
    if (id != root && !tombstones_.contains(id)) visible_.push_back(id);
    if (auto found = children.find(id); found != children.end()) {
      stack.insert(stack.end(), found->second.begin(), found->second.end());
    }
  }
  linearised_ = true;
  return visible_;
}

ValueList Rga::elements() const {
  ValueList out;
  out.reserve(visible().size());
  for (const NodeId& id : visible()) out.push_back(nodes_.at(id).value);
  return out;
}

Rga::NodeId Rga::id_at(std::size_t index) const {
  if (index >= size()) {
    throw InvalidOperation(InvalidOp::array_element_fetch,
                           "rga index " + std::to_string(index) + " of a list of " +
                               std::to_string(size()));
  }
  return visible()[index];
}

Rga::NodeId Rga::fresh_id(ReplicaId replica) const {
  if (lamport_max_ == UINT64_MAX) throw Error("rga: Lamport clock overflow");
  return NodeId{lamport_max_ + 1, replica};
}

Rga::NodeId Rga::parent_for(std::size_t index) const {
  if (index > size()) {
    throw InvalidOperation(InvalidOp::array_element_store,
                           "rga index " + std::to_string(index) + " of a list of " +
                               std::to_string(size()));
  }
  return index == 0 ? root : visible()[index - 1];
}

Rc<const Rga> Rga::insert(ReplicaId replica, std::size_t index, Value value) const {
  return insert_after(replica, parent_for(index), std::move(value));
}

Rc<const Rga> Rga::insert_delta(ReplicaId replica, std::size_t index, Value value) const {
  return insert_after_delta(replica, parent_for(index), std::move(value));
}

Rc<const Rga> Rga::insert_after(ReplicaId replica, NodeId after, Value value) const {
  Nodes nodes = insert_after_delta(replica, after, std::move(value))->nodes_;
  nodes.insert(nodes_.begin(), nodes_.end());
  return make_rc<const Rga>(std::move(nodes), tombstones_);
}

Rc<const Rga> Rga::insert_after_delta(ReplicaId replica, NodeId after, Value value) const {
  if (after != root && !nodes_.contains(after)) {
    throw Error("rga: insert after unknown node " + crdt::to_string(after));
  }
  return make_rc<const Rga>(Nodes{{fresh_id(replica), Node{after, std::move(value)}}},
                            std::set<NodeId>{});
}

Rc<const Rga> Rga::remove(std::size_t index) const {
  std::set<NodeId> tombstones = tombstones_;
  tombstones.insert(id_at(index));
  return make_rc<const Rga>(nodes_, std::move(tombstones));
}

Rc<const Rga> Rga::remove_delta(std::size_t index) const {
  return make_rc<const Rga>(Nodes{}, std::set<NodeId>{id_at(index)});
}

// Union of nodes and of tombstones. A timestamp names one insert, so both
// sides agree on its node; should a corrupt peer disagree, the greater node
// wins on both sides alike, keeping join commutative.
Rc<const Rga> Rga::merge(const Rga& other) const {
  Nodes nodes = nodes_;
  for (const auto& [id, node] : other.nodes_) {
    auto [it, inserted] = nodes.emplace(id, node);
    if (!inserted && it->second.parent < node.parent) it->second = node;
    if (!inserted && it->second.parent == node.parent && it->second.value < node.value) it->second = node;
  }
  std::set<NodeId> tombstones = tombstones_;
  tombstones.insert(other.tombstones_.begin(), other.tombstones_.end());
  return make_rc<const Rga>(std::move(nodes), std::move(tombstones));
}

bool Rga::below(const Rga& other) const {
  if (!std::includes(other.tombstones_.begin(), other.tombstones_.end(), tombstones_.begin(),
                     tombstones_.end())) {
    return false;
  }
  return std::all_of(nodes_.begin(), nodes_.end(), [&other](const auto& entry) {
    auto found = other.nodes_.find(entry.first);
    return found != other.nodes_.end() && found->second == entry.second;
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
  out.varint(nodes_.size());
  for (const auto& [id, node] : nodes_) {
    encode_timestamp(out, id);
    encode_timestamp(out, node.parent);
    out.u8(tombstones_.contains(id) ? 1 : 0);
    node.value.encode(out);
  }
  std::vector<NodeId> pending;
  for (const NodeId& id : tombstones_) {
    if (!nodes_.contains(id)) pending.push_back(id);
  }
  out.varint(pending.size());
  for (const NodeId& id : pending) encode_timestamp(out, id);
}

Rc<const Rga> Rga::decode(Decoder& in) {
  Nodes nodes;
  std::set<NodeId> tombstones;
  const std::uint64_t size = in.count();
  for (std::uint64_t i = 0; i < size; ++i) {
    const NodeId id = decode_timestamp(in);
    const NodeId parent = decode_timestamp(in);
    expect_ascending(nodes.empty() ? nullptr : &nodes.rbegin()->first, id, "rga");
    if (!(parent < id) || id.lamport <= parent.lamport) {
      throw DecodeError("corrupt rga: a node is not newer than its parent");
    }
    const std::uint8_t removed = in.u8();
    if (removed > 1) throw DecodeError("corrupt rga: bad removed flag");
    if (removed == 1) tombstones.insert(id);
    nodes.emplace_hint(nodes.end(), id, Node{parent, Value::decode(in)});
  }
  const std::uint64_t pending = in.count();
  const NodeId* previous = nullptr;
  for (std::uint64_t i = 0; i < pending; ++i) {
    const NodeId id = decode_timestamp(in);
    expect_ascending(previous, id, "rga tombstones");
    if (nodes.contains(id)) throw DecodeError("corrupt rga: tombstone listed twice");
    previous = &*tombstones.insert(id).first;
  }
  return make_rc<const Rga>(std::move(nodes), std::move(tombstones));
}

}  // namespace frsim::core::crdt
