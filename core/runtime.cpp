#include "core/runtime.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <limits>
#include <typeinfo>
#include <utility>

#include <fmt/format.h>

#include "core/graph.hpp"
#include "core/hash.hpp"
#include "core/lattice.hpp"
#include "core/policy.hpp"
#include "core/receive.hpp"
#include "core/snapshot.hpp"

namespace frsim::core {

std::string_view to_string(ReactiveKind kind) {
  switch (kind) {
    case ReactiveKind::source: return "source";
    case ReactiveKind::map: return "map";
    case ReactiveKind::fold: return "fold";
    case ReactiveKind::flatten: return "flatten";
  }
  return "?";
}

namespace {

constexpr ReactiveId no_reactive = std::numeric_limits<ReactiveId>::max();

// A node's inputs or dependents in 16 bytes, so that a node's operator and
// both lists share one cache line: up to three ids in place (most nodes have
// no more inputs or dependents than that, and a propagation then reads no
// other line to find them), more in an array of their own.
class IdList {
 public:
  IdList() = default;
  IdList(std::initializer_list<ReactiveId> ids) { assign(ids.begin(), ids.end()); }
  IdList(const IdList& other) { assign(other.begin(), other.end()); }
  IdList(IdList&& other) noexcept : words_(other.words_), size_(other.size_) { other.size_ = 0; }
  IdList& operator=(const IdList& other) {
    if (this != &other) assign(other.begin(), other.end());
    return *this;
  }
  IdList& operator=(IdList&& other) noexcept {
    if (this != &other) {
      release();
      words_ = other.words_;
      size_ = other.size_;
      other.size_ = 0;
    }
    return *this;
  }
  IdList& operator=(std::initializer_list<ReactiveId> ids) {
    assign(ids.begin(), ids.end());
    return *this;
  }
  ~IdList() { release(); }

  std::uint32_t size() const { return size_ & ~heap_bit; }
  bool empty() const { return size() == 0; }
  const ReactiveId* data() const { return on_heap() ? heap() : words_.data(); }
  ReactiveId* data() { return on_heap() ? heap() : words_.data(); }
  const ReactiveId* begin() const { return data(); }
  const ReactiveId* end() const { return data() + size(); }
  ReactiveId* begin() { return data(); }
  ReactiveId* end() { return data() + size(); }
  ReactiveId operator[](std::size_t i) const { return data()[i]; }

  void clear() { size_ &= heap_bit; }
  void push_back(ReactiveId id) {
    const std::uint32_t n = size();
    if (n == capacity()) reserve(n == 0 ? in_place : 2 * n);
    data()[n] = id;
    ++size_;
  }
  void erase(ReactiveId* at) {
    std::copy(at + 1, end(), at);
    --size_;
  }
  template <class It>
  void assign(It first, It last) {
    const auto n = static_cast<std::uint32_t>(std::distance(first, last));
    clear();
    if (n > capacity()) reserve(n);
    std::copy(first, last, data());
    size_ = (size_ & heap_bit) | n;
  }

 private:
  static constexpr std::uint32_t in_place = 3;
  static constexpr std::uint32_t heap_bit = 1U << 31;
  // On the heap, words_ holds the array's address and then its capacity.
  bool on_heap() const { return (size_ & heap_bit) != 0; }
  ReactiveId* heap() const {
    ReactiveId* p;
    std::memcpy(&p, words_.data(), sizeof p);
    return p;
  }
  std::uint32_t capacity() const { return on_heap() ? words_[2] : in_place; }
  void reserve(std::uint32_t capacity) {
    auto* fresh = new ReactiveId[capacity];
    std::copy(begin(), end(), fresh);
    const std::uint32_t n = size();
    release();
    std::memcpy(words_.data(), &fresh, sizeof fresh);
    words_[2] = capacity;
    size_ = heap_bit | n;
  }
  void release() {
    if (on_heap()) delete[] heap();
    size_ = 0;
  }

  std::array<ReactiveId, in_place> words_{};
  std::uint32_t size_ = 0;  // with heap_bit when the ids are on the heap
};
static_assert(sizeof(IdList) == 16);

std::span<const ReactiveId> ids(const IdList& list) { return {list.data(), list.size()}; }

// A slot of the store. Restored nested reactives (§3.2) occupy the slot of
// their id as constants until the application creates them.
enum class Slot : std::uint8_t { empty, placeholder, created };

// Calls f(id) for every reactive referenced (ref) from v, recursively through
// lists and maps. named_refs are left to the caller (they need a name table).
template <class F>
void for_each_ref(const Value& v, F&& f) {
  switch (v.kind()) {
    case Kind::ref: f(v); break;
    case Kind::named_ref: f(v); break;
    case Kind::list:
      for (const Value& item : v.as_list()) for_each_ref(item, f);
      break;
    case Kind::map:
      for (const auto& [key, value] : v.as_map()) {
        for_each_ref(key, f);
        for_each_ref(value, f);
      }
      break;
    case Kind::crdt:  // a CRDT state's references (core/wire.cpp makes them global too)
      v.as_crdt().for_each_value([&f](const Value& item) { for_each_ref(item, f); });
      break;
    default: break;
  }
}

ActionResult failure(std::string text, std::optional<InvalidOp> op = std::nullopt) {
  ActionResult result;
  result.committed = false;
  result.failure = std::move(text);
  result.invalid_op = op;
  return result;
}

ActionResult in_progress() {
  ActionResult result;
  result.committed = false;
  return result;
}

}  // namespace

// µ without its values. A propagation reads ReactiveState and the value of
// every reactive it reaches (per runtime, dense, small) and a Node only for
// the reactives it reevaluates.
class Dataflow {
 public:
  // A node's hot line: what a reevaluation in the level order reads of the
  // graph, the Map's operator, its inputs and its dependents (IdLists of 16
  // bytes), 64 bytes and nothing else, so that the nodes of a
  // propagation lie side by side. Everything else about a node is its Info,
  // in an array of its own that the fast path does not touch (DESIGN §3,
  // "A graph node's hot line").
  struct alignas(64) Node {
    MapOperator map_op;
    IdList inputs;   // map: its inputs; fold: {r1}; flatten: {r0}
    IdList derived;  // {d ≠ r | r ∈ inputs(d, µ)}, static and dynamic
  };
  static_assert(sizeof(Node) == 64, "map_op, inputs and derived fill one cache line");
  struct Info {
    FoldOperator fold_op;
    Slot slot = Slot::empty;
    bool distributed = false;
    bool outer_of_flatten = false;    // some flatten reads this value as a reference
    ReactiveKind kind = ReactiveKind::source;
    std::uint32_t level = 0;          // see Runtime::level
    ReactiveId inner = no_reactive;   // flatten: the reactive µ(r0).val denotes
    // Operators that create reactives (Creation); set instead of map_op/fold_op.
    CreatingMapOperator creating_map_op;
    CreatingFoldOperator creating_fold_op;
    MergeFunction merge;
    std::string label;
    // Which reevaluation created it (0: the creation code): operators are not
    // compared by signature(), and one created by an operator is a closure
    // over that reevaluation's values, so graphs of equal shape differ here.
    std::uint64_t provenance = 0;
  };
  // A graph reached from this one by moving flatten `flatten`'s dynamic edge
  // to `inner`: copies of a runtime that move the same edge share the result
  // instead of each copying the graph. Valid while this graph is shared (a
  // graph changed in place forgets them).
  struct Successor {
    ReactiveId flatten;
    ReactiveId inner;
    std::weak_ptr<const Dataflow> graph;
  };

  Dataflow() = default;
  Dataflow(const Dataflow& other)
      : nodes(other.nodes),
        info(other.info),
        created(other.created),
        by_label(other.by_label),
        by_name(other.by_name),
        distributed(other.distributed),
        procedures(other.procedures) {}
  Dataflow& operator=(const Dataflow&) = delete;

  std::vector<Node> nodes;  // [0, created) is dom(µ); restored constants may follow
  std::vector<Info> info;   // the same reactives' Info, aligned with nodes
  std::size_t created = 0;
  std::map<std::string, ReactiveId, std::less<>> by_label;  // first reactive with each label
  std::map<std::string, ReactiveId, std::less<>> by_name;   // distributed reactives
  std::vector<Runtime::Distributed> distributed;             // the same, as a sorted vector
  // The workload's creation procedures (Runtime::define_creation), in
  // definition order: part of the program, like the operators.
  std::vector<std::pair<std::string, CreationProcedure>> procedures;
  mutable std::vector<Successor> successors;
  mutable std::uint64_t signature = 0;  // signature(*this) once computed, else 0
  mutable std::uint64_t labels = 0;     // Runtime::labels_hash() once computed, else 0
  // Some graph names this one as its successor: never changed in place again.
  mutable bool frozen = false;
};

std::uint64_t signature(const Dataflow& graph) {
  if (graph.signature != 0) return graph.signature;
  std::uint64_t h = hash_combine(0x64666c6f77ULL, graph.created);
  h = hash_combine(h, graph.nodes.size());
  for (std::size_t r = 0; r < graph.nodes.size(); ++r) {
    const Dataflow::Node& n = graph.nodes[r];
    const Dataflow::Info& c = graph.info[r];
    h = hash_combine(h, static_cast<std::uint64_t>(c.slot));
    h = hash_combine(h, static_cast<std::uint64_t>(c.kind));
    h = hash_combine(h, c.level);
    h = hash_combine(h, c.inner);
    h = hash_combine(h, c.distributed ? 1 : 0);
    h = hash_combine(h, hash_bytes(c.label));
    h = hash_combine(h, c.provenance);
    h = hash_combine(h, n.inputs.size());
    for (ReactiveId i : n.inputs) h = hash_combine(h, i);
    h = hash_combine(h, n.derived.size());
    for (ReactiveId d : n.derived) h = hash_combine(h, d);
  }
  graph.signature = h == 0 ? 1 : h;
  return graph.signature;
}

std::size_t slots(const Dataflow& graph) { return graph.nodes.size(); }

// The values an action replaced, each with its reactive, so that an abort
// restores µ exactly (roll_back). Kept as Value::Raw with the reactive in its
// tag (24 bytes an entry, the size of a Value): a log of scalars — the writes
// of a propagation over numbers — is emptied at the next action without a
// pass over it (DESIGN §3, "The undo log").
class UndoLog {
 public:
  using Entry = Value::Raw;  // tag: the reactive
  UndoLog() = default;
  UndoLog(const UndoLog& other)
      : storage_(other.entries().begin(), other.entries().end()),
        size_(other.size_),
        capacity_(other.size_),
        holds_objects_(other.holds_objects_) {
    if (holds_objects_) {
      for (const Entry& e : entries()) Value::share_raw(e);
    }
  }
  UndoLog& operator=(const UndoLog& other) {
    if (this != &other) {
      UndoLog copy(other);
      clear();
      std::swap(storage_, copy.storage_);
      std::swap(size_, copy.size_);
      std::swap(capacity_, copy.capacity_);
      std::swap(holds_objects_, copy.holds_objects_);
    }
    return *this;
  }
  ~UndoLog() { clear(); }

  // Inline, over storage kept across actions (std::vector's emplace_back is
  // a call): a propagation logs one entry per reactive it writes.
  [[gnu::always_inline]] void push(ReactiveId r, Value& old) {
    if (size_ == capacity_) grow();
    Entry& e = storage_[size_++];
    old.into_raw(e);
    e.tag = r;
    holds_objects_ = holds_objects_ || e.heap != nullptr;
  }
  void clear() noexcept {
    if (holds_objects_) {
      for (const Entry& e : entries()) Value::drop_raw(e);
      holds_objects_ = false;
    }
    size_ = 0;
  }
  // Gives every old value back to `values`, latest first; the log is empty after.
  void restore(std::vector<Value>& values) noexcept {
    for (std::size_t i = size_; i-- > 0;) values[storage_[i].tag] = Value::from_raw(storage_[i]);
    size_ = 0;
    holds_objects_ = false;
  }
  std::size_t size() const { return size_; }
  std::span<const Entry> entries() const { return {storage_.data(), size_}; }

 private:
  [[gnu::noinline]] void grow() {
    storage_.resize(storage_.empty() ? 16 : 2 * storage_.size());
    capacity_ = storage_.size();
  }
  std::vector<Entry> storage_;  // the first size_ entries are the log
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;  // storage_.size(), kept at hand
  bool holds_objects_ = false;  // some entry owns a reference
};

struct Runtime::Impl {
  using Node = Dataflow::Node;
  using Info = Dataflow::Info;
  struct Rewire {
    ReactiveId flatten;
    ReactiveId old_inner;
  };

  Impl(Runtime& self_, Snapshot& sigma_, RuntimeOptions options_)
      : self(self_), sigma(sigma_), options(std::move(options_)), graph(std::make_shared<Dataflow>()) {
    if (!options.policy) options.policy = level_policy();
    if (!options.snapshot_writer) options.snapshot_writer = std::make_shared<SnapshotWriter>();
    if (!options.receiver) options.receiver = std::make_shared<Receiver>();
    bind_options();
  }

  Impl(Runtime& self_, Snapshot& sigma_, const Impl& other, Observer* observer_)
      : self(self_), sigma(sigma_), options(other.options) {
    options.observer = observer_;
    bind_options();
    copy_state(other);
  }

  void bind_options() {
    observer = options.observer;
    writer = options.snapshot_writer.get();
    writer_writes = writer->observes_writes();
    // The calculus' own writer stores the active sources and folds at commit;
    // the runtime then does exactly that without sorting all of A.
    calculus_writer = typeid(*writer) == typeid(SnapshotWriter);
    stop = options.stop;
    level_order = options.policy->level_queue();
    cutoff = options.equal_value_cutoff;
  }

  // Everything but the bindings (self, Σ, observer, the policy handle).
  void copy_state(const Impl& other) {
    // Copies of one device's runtime share these: compare, not copy (each
    // copy of a shared_ptr is an atomic increment and decrement).
    if (options.policy != other.options.policy || options.snapshot_writer != other.options.snapshot_writer ||
        options.receiver != other.options.receiver || options.concurrent_actions != other.options.concurrent_actions ||
        options.stop != other.options.stop) {
      Observer* const keep_observer = options.observer;
      options = other.options;
      options.observer = keep_observer;
      bind_options();
    }
    if (graph != other.graph) graph = other.graph;
    states = other.states;
    cutoff_dirty = true;
    values = other.values;
    created = other.created;
    propagating = other.propagating;
    action = other.action;
    epoch = other.epoch;
    active_unlisted = false;
    outdated_unprocessed = other.outdated_unprocessed;
    if (!other.propagating) {
      // Between propagations (A; P), the undo log and the creations in
      // progress are no part of the state (encode_state writes none of
      // them; begin() empties them): what the last propagation left in
      // them is not copied. A search copies a device at every transition.
      active_list.clear();
      active_stored.clear();
      outdated_log.clear();
      undo.clear();
      rewires.clear();
      made.clear();
      records.clear();
      return;
    }
    other.list_active();
    active_list = other.active_list;
    active_stored = other.active_stored;
    outdated_log = other.outdated_log;
    undo = other.undo;
    rewires = other.rewires;
    made = other.made;
    records = other.records;
    rewired_or_made = other.rewired_or_made;
  }

  Runtime& self;
  Snapshot& sigma;
  RuntimeOptions options;
  Observer* observer = nullptr;
  const SnapshotWriter* writer = nullptr;
  bool writer_writes = false;
  bool calculus_writer = false;
  const std::atomic<bool>* stop = nullptr;
  std::uint32_t applied = 0;  // rule applications, for polling `stop`

  std::shared_ptr<const Dataflow> graph;  // shared between copies: see own()
  std::vector<ReactiveState> states;  // per slot of the graph
  std::vector<Value> values;          // µ(r).val, per slot of the graph
  std::size_t created = 0;            // graph->created, where the policy handle reads it

  bool propagating = false;
  ActionKind action = ActionKind::fire;
  std::uint64_t epoch = 1;  // odd between propagations, so no stamp matches
  // A, in activation order; while active_unlisted, the level order in
  // place (which needs no list) has stamped reactives into A without listing
  // them, and list_active() lists all of A in ascending order instead.
  mutable std::vector<ReactiveId> active_list;
  mutable bool active_unlisted = false;
  IdBuffer active_stored;  // the sources and folds of A: what commit stores
  std::vector<ReactiveId> outdated_log;
  std::size_t outdated_unprocessed = 0;
  Propagation handle{*this};
  UndoLog undo;
  std::vector<Rewire> rewires;
  // Reactives an operator created in this propagation, with what their slot
  // held before (a restored constant, or nothing): (commit) stores them in
  // Σ, an abort removes them. Records: the creations Σ gets at (commit).
  struct Made {
    ReactiveId r;
    Slot previous_slot;
    Value previous_value;
  };
  std::vector<Made> made;
  std::vector<CreationRecord> records;
  // Some of rewires, made and records may hold entries (false: all are
  // empty, and begin() has nothing to empty).
  bool rewired_or_made = false;
  // While an operator creates: the lowest level a reactive it creates may
  // take (above the creator's: a level policy has passed lower buckets), and
  // the level queue of a level order running in place. Not state.
  std::uint32_t creation_level = 0;
  std::uint64_t creation_provenance = 0;
  unsigned creating = 0;
  LevelQueue* level_queue = nullptr;
  bool cutoff = false;  // RuntimeOptions::equal_value_cutoff
  bool cutoff_dirty = true;  // ReactiveState::cutoff_ok is not computed for this graph
  std::vector<ReactiveId> cutoff_order;    // compute_cutoff's buffers
  std::vector<std::uint8_t> cutoff_below;
  // The policy's queue when it takes the level order (Policy::level_queue).
  LevelQueue* level_order = nullptr;
  bool replaying = false;
  std::vector<Value> input_values;     // scratch: a map's input values for its observer
  std::vector<ReactiveId> raise_work;  // scratch for level raises
  // Where each reactive's entry in Σ was at its last commit: a hint that
  // SnapshotValues checks before use, so neither copied nor kept exact.
  std::vector<std::uint32_t> sigma_hint;

  // ---- the shared graph -----------------------------------------------------

  const std::vector<Node>& nodes() const { return graph->nodes; }
  const Info& info(ReactiveId r) const { return graph->info[r]; }

  // The graph to change: this runtime's own (copy-on-write). A graph changed
  // in place forgets its successors, which were computed from it as it was;
  // a graph that is some graph's successor is never changed in place.
  // Inline where the graph is this runtime's alone (a flatten moving its
  // edge on every propagation); a copy is made out of line.
  [[gnu::always_inline]] Dataflow& own() {
    if (graph.use_count() != 1 || graph->frozen) [[unlikely]] return own_copy();
    Dataflow& g = const_cast<Dataflow&>(*graph);
    if (!g.successors.empty()) g.successors.clear();
    g.signature = 0;
    g.labels = 0;
    cutoff_dirty = true;
    return g;
  }
  [[gnu::noinline]] Dataflow& own_copy() {
    graph = std::make_shared<const Dataflow>(*graph);
    graph->signature = 0;
    graph->labels = 0;
    cutoff_dirty = true;
    return const_cast<Dataflow&>(*graph);
  }

  // The per-runtime copies of the graph's kinds, levels and flags (the
  // policy handle reads them), after the graph pointer moved.
  void sync_states() {
    const auto& n = graph->info;
    states.resize(n.size());
    values.resize(n.size());
    for (std::size_t r = 0; r < n.size(); ++r) {
      states[r].kind = n[r].kind;
      states[r].level = n[r].level;
      states[r].outer_of_flatten = n[r].outer_of_flatten;
    }
    created = graph->created;
    cutoff_dirty = true;
  }

  void set_level(ReactiveId r, std::uint32_t level) {
    own().info[r].level = level;
    states[r].level = level;
  }

  void poll_stop() {
    if (stop != nullptr && (++applied & 255U) == 0 && stop->load(std::memory_order_relaxed)) {
      throw PropagationStopped{};
    }
  }

  // ---- lookups --------------------------------------------------------------

  bool exists(ReactiveId r) const { return r < nodes().size() && info(r).slot != Slot::empty; }
  bool is_created(ReactiveId r) const { return r < created; }

  std::string describe(ReactiveId r) const {
    if (r < nodes().size() && !info(r).label.empty()) return fmt::format("{} (r{})", info(r).label, r);
    return fmt::format("r{}", r);
  }

  const Node& created_node(ReactiveId r, std::string_view what) const {
    if (!is_created(r)) throw Error(fmt::format("{}: unknown reactive r{}", what, r));
    return nodes()[r];
  }
  const Info& created_info(ReactiveId r, std::string_view what) const {
    created_node(r, what);
    return info(r);
  }

  std::optional<ReactiveId> resolve(const Value& reference) const {
    if (reference.kind() == Kind::ref) {
      const ReactiveId r = reference.as_ref();
      if (exists(r)) return r;
      return std::nullopt;
    }
    if (reference.kind() == Kind::named_ref) {
      auto it = graph->by_name.find(reference.as_named_ref());
      if (it != graph->by_name.end()) return it->second;
      // A restored constant under its name (§3.2, Snapshot::names) until
      // the reactive itself is made again.
      const auto r = sigma.named(reference.as_named_ref());
      if (r && *r < nodes().size() && info(*r).slot == Slot::placeholder) return *r;
    }
    return std::nullopt;
  }

  // inputs(r, µ) (Fig. 3), in operator order:
  //   {r0, µ(r0).val} if µ(r).in = dynamic(r0); µ(r).in otherwise.
  std::vector<ReactiveId> inputs_of(ReactiveId r) const {
    const Node& n = nodes()[r];
    switch (states[r].kind) {
      case ReactiveKind::source: return {};
      case ReactiveKind::map: return {n.inputs.begin(), n.inputs.end()};
      case ReactiveKind::fold: return {r, n.inputs[0]};
      case ReactiveKind::flatten: return {n.inputs[0], info(r).inner};
    }
    return {};
  }

  // ---- the sets of the running propagation ----------------------------------

  bool processed(ReactiveId r) const { return handle.processed(r); }
  bool outdated(ReactiveId r) const { return handle.outdated(r); }
  bool ready(ReactiveId r) const {
    if (!is_created(r) || processed(r)) return false;
    const Node& n = nodes()[r];
    switch (states[r].kind) {
      case ReactiveKind::source: return true;
      case ReactiveKind::map:
        return std::all_of(n.inputs.begin(), n.inputs.end(), [&](ReactiveId i) { return processed(i); });
      case ReactiveKind::fold: return processed(n.inputs[0]);  // and r itself: P ∪ {r}
      case ReactiveKind::flatten: return processed(n.inputs[0]) && (info(r).inner == r || processed(info(r).inner));
    }
    return false;
  }

  void mark_processed(ReactiveId r) {
    ReactiveState& s = states[r];
    if (s.processed_epoch == epoch) return;
    s.processed_epoch = epoch;
    if (s.outdated_epoch == epoch) --outdated_unprocessed;
  }

  // Flattened: the pushes inline (std::vector's push_back is not).
  [[gnu::flatten]] void activate(ReactiveId r) {
    ReactiveState& s = states[r];
    if (s.active_epoch == epoch) return;
    s.active_epoch = epoch;
    active_list.push_back(r);
    if (s.kind == ReactiveKind::source || s.kind == ReactiveKind::fold) active_stored.push_back(r);
    for (ReactiveId d : nodes()[r].derived) {
      ReactiveState& dn = states[d];
      if (dn.outdated_epoch == epoch) continue;
      dn.outdated_epoch = epoch;
      outdated_log.push_back(d);
      if (dn.processed_epoch != epoch) ++outdated_unprocessed;
    }
  }

  // ---- propagation ------------------------------------------------------------

  [[gnu::always_inline]] void begin(ActionKind kind, ReactiveId r, const Value& v) {
    begin_unobserved(kind);
    if (observer != nullptr) observer->action_started(kind, r, v);
  }
  [[gnu::always_inline]] void begin_unobserved(ActionKind kind) {
    assert(!propagating);
    ++epoch;  // even while propagating
    propagating = true;
    action = kind;
    active_list.clear();
    active_unlisted = false;
    active_stored.clear();
    outdated_log.clear();
    outdated_unprocessed = 0;
    undo.clear();
    if (rewired_or_made) {
      rewires.clear();
      made.clear();
      records.clear();
      rewired_or_made = false;
    }
  }

  void end() {
    propagating = false;
    ++epoch;
  }

  // The store update of (fire), (receive) and (write): update(µ, r, v). The
  // old value goes to the undo log so that an abort restores µ exactly.
  [[gnu::always_inline]] void store(ReactiveId r, Value&& v) {
    ReactiveState& s = states[r];
    if (s.logged_epoch != epoch) {
      s.logged_epoch = epoch;
      undo.push(r, values[r]);
    }
    values[r] = std::move(v);
    if (writer_writes) writer->written(sigma, self, r);
    // inputs(f, µ) = {r0, µ(r0).val}: writing r0 moves its flattens' dynamic edges.
    if (s.outer_of_flatten) follow_outer(r);
  }

  // (fire)    µ(r).in = ∅  ⟹  Σ⟨µ⟩ r.fire(v) →D Σ ▷ (({r}; {r}) ⟨update(µ, r, v)⟩ r)
  // (receive) Σ ▷ (({r}; {r}) ⟨µ(r).val ← v⟩ tl)
  void start(ActionKind kind, ReactiveId r, Value v) {
    begin(kind, r, v);
    mark_processed(r);
    activate(r);
    store(r, std::move(v));
  }

  // Not the calculus (ConcurrentActions::join_running, a checker's mutant):
  // an action that Lemma 4.13 would refuse starts inside the running
  // propagation, keeping its (A; P).
  void join(ActionKind kind, ReactiveId r, Value v) {
    assert(propagating);
    if (observer != nullptr) observer->action_started(kind, r, v);
    mark_processed(r);
    activate(r);
    store(r, std::move(v));
  }

  // (skip)       r ∈ ready(P, µ)  r ∉ outdated(A, µ)  ⟹  (A; P) → (A; P, r)
  // (reevaluate) r ∈ ready(P, µ)  r ∈ outdated(A, µ)  t = reevexp(r, µ)
  //              ⟹  (A; P) → t · r · (A, r; P, r)
  // Readiness is the policy's premise to check, see core/policy.hpp.
  void apply(ReactiveId r) {
    assert(propagating && is_created(r));
    poll_stop();
    if (!outdated(r)) {
      mark_processed(r);
      if (observer != nullptr) observer->skipped(r);
      return;
    }
    Value v = reevaluate(r);
    mark_processed(r);
    activate(r);
    write(r, std::move(v));
  }

  // reevexp(r, µ) = µ(r).op inputs(r, µ).val, evaluated to a value (inner).
  Value reevaluate(ReactiveId r) {
    const Node& n = nodes()[r];
    const Info& c = info(r);
    if (c.creating_map_op || c.creating_fold_op) return reevaluate_creating(r, true);
    switch (states[r].kind) {
      case ReactiveKind::map: {
        // The observer gets the values read side by side; the operator
        // reads them in place, as evaluate_map gives them.
        if (observer != nullptr) {
          if (n.inputs.size() == 1) {
            observer->reevaluated(r, ids(n.inputs), std::span<const Value>(&values[n.inputs[0]], 1));
          } else {
            input_values.clear();
            for (ReactiveId i : n.inputs) input_values.push_back(values[i]);
            observer->reevaluated(r, ids(n.inputs), input_values);
            input_values.clear();
          }
        }
        return evaluate_map(n);
      }
      case ReactiveKind::fold: {
        const ReactiveId input = n.inputs[0];
        if (observer != nullptr) {
          const ReactiveId ids[2] = {r, input};
          const Value read[2] = {values[r], values[input]};
          observer->reevaluated(r, ids, read);
        }
        return c.fold_op(values[r], values[input]);
      }
      case ReactiveKind::flatten: {
        // Operator x_r => x_v => x_v: the value of the inner reactive.
        if (observer != nullptr) {
          const ReactiveId ids[2] = {n.inputs[0], c.inner};
          const Value read[2] = {values[n.inputs[0]], values[c.inner]};
          observer->reevaluated(r, ids, read);
        }
        return values[c.inner];
      }
      case ReactiveKind::source: break;
    }
    // A source has no inputs, so it is never outdated.
    assert(false && "reevaluate on a source");
    return values[r];
  }

  // reevexp(r, µ) of an operator that takes a Creation. The operator may
  // grow the graph and the store while it runs, so it runs on copies of
  // itself and of its input values, never on references into them.
  // `record`: a reevaluation of a fire or receive propagation that creates
  // something leaves a CreationRecord for Σ (restoration replays it); a
  // Map's initial evaluation does not (re-running its creation re-runs it).
  Value reevaluate_creating(ReactiveId r, bool record) {
    std::vector<ReactiveId> ids = inputs_of(r);
    std::vector<Value> in;
    in.reserve(ids.size());
    for (ReactiveId i : ids) in.push_back(values[i]);
    if (observer != nullptr) observer->reevaluated(r, ids, in);
    const auto first = static_cast<ReactiveId>(created);
    Value result = run_creating(r, in);
    if (record && created > first && action != ActionKind::create && !replaying) {
      records.push_back(CreationRecord{r, std::move(in), first, static_cast<std::uint32_t>(created - first)});
      rewired_or_made = true;
    }
    return result;
  }

  Value run_creating(ReactiveId r, std::span<const Value> in) {
    const CreatingMapOperator map_op = info(r).creating_map_op;
    const CreatingFoldOperator fold_op = info(r).creating_fold_op;
    struct Scope {
      Impl& m;
      std::uint32_t level;
      std::uint64_t provenance;
      ~Scope() {
        m.creation_level = level;
        m.creation_provenance = provenance;
        --m.creating;
      }
    } scope{*this, creation_level, creation_provenance};
    ++creating;
    creation_level = std::max(creation_level, states[r].level + 1);
    std::uint64_t h = hash_combine(0x63726561ULL, r);
    for (const Value& v : in) h = hash_combine(h, v.hash());
    creation_provenance = h == 0 ? 1 : h;
    Creation context(*this);
    if (map_op) return map_op(in, context);
    return fold_op(in[0], in[1], context);
  }

  // (write)  Σ ▷ (v · r · (A; P) ⟨µ⟩ tl) → Σ ▷ ((A; P) ⟨update(µ, r, v)⟩ tl)
  void write(ReactiveId r, Value v) {
    store(r, std::move(v));
    if (observer != nullptr) observer->written(r, values[r]);
  }

  bool finished() const { return outdated_unprocessed == 0; }

  // (commit)  P = dom(µ)
  //           Σ' = Σ, {µ(r).val | r ∈ A ∧ (r ∈ µ(r).in ∨ µ(r).in = ∅)}
  //           ⟹  Σ ▷ ((A; P) ⟨µ⟩ tl) →D Σ' ⟨µ⟩ tl
  // Every unprocessed reactive is skipped first: none is outdated, and skips
  // do not grow A, so none becomes outdated (SID-UP: skips cost nothing).
  // Σ changes here and nowhere else during a propagation, in one step: a crash
  // between two steps leaves Σ as at the last commit.
  ActionResult commit() {
    assert(propagating && finished());
    if (observer == nullptr) return commit_unobserved();
    commit_to_sigma();
    sort_active();
    observer->committed(active_list);
    end();
    return ActionResult{};
  }

  // (commit) for a runtime without an observer: the level order's fire
  // calls it directly.
  [[gnu::always_inline]] ActionResult commit_unobserved() {
    commit_to_sigma();
    end();
    return ActionResult{};
  }

  // Inline: a propagation over scalars stores each of its sources and folds
  // over the scalar Σ held, found where the last commit left it.
  [[gnu::always_inline]] void commit_to_sigma() {
    if (calculus_writer) {
      // SnapshotWriter::committed without the walk over all of A: the same
      // reactives. A scalar nests no reactive (store_with_nested without
      // the walk) and is assigned over the entry Σ holds for r, in any
      // order; every other store follows in ascending order, as
      // SnapshotWriter's.
      bool rest = false;
      for (ReactiveId r : active_stored) {
        if (Value* stored = scalar_in_sigma(r)) {
          stored->assign_scalar(values[r]);  // in place, no temporary
        } else {
          rest = true;
        }
      }
      if (rest) [[unlikely]] store_rest_in_sigma();
    } else {
      sort_active();
      writer->committed(sigma, self, active_list);
    }
    if (!made.empty() || !records.empty()) commit_creations();
    if (action != ActionKind::create) ++sigma.commits;
  }

  // A value of this kind nests no reactive: Σ stores it without the walk.
  static bool scalar_kind(Kind kind) { return kind < Kind::string || kind == Kind::address; }

  // Σ's entry for r when r's value is a scalar and the entry is where the
  // last commit left it, else null.
  [[gnu::always_inline]] Value* scalar_in_sigma(ReactiveId r) {
    if (scalar_kind(values[r].kind()) && r < sigma_hint.size()) return sigma.values.at_hint(r, sigma_hint[r]);
    return nullptr;
  }

  // The rest of commit_to_sigma's stores, ascending: values with nested
  // reactives, and scalars Σ does not hold yet.
  [[gnu::noinline]] void store_rest_in_sigma() {
    std::sort(active_stored.begin(), active_stored.end());
    for (ReactiveId r : active_stored) {
      if (scalar_in_sigma(r) != nullptr) continue;  // stored already
      const Value& v = values[r];
      if (scalar_kind(v.kind())) {
        if (r >= sigma_hint.size()) sigma_hint.resize(created);
        sigma.values.insert_or_assign(r, v, sigma_hint[r]);
      } else {
        store_with_nested(sigma, self, r);
      }
    }
  }

  // A, ascending. A level-order propagation reaches most of a graph on many
  // shapes: then one pass over the stamps beats a comparison sort.
  void sort_active() {
    list_active();
    if (std::is_sorted(active_list.begin(), active_list.end())) return;
    if (active_list.size() * 16 < created) {
      std::sort(active_list.begin(), active_list.end());
      return;
    }
    active_list.clear();
    for (ReactiveId r = 0; r < created; ++r) {
      if (states[r].active_epoch == epoch) active_list.push_back(r);
    }
  }

  // (source), (fold) inside a propagation: "(Σ, r ↦ vs)" at (commit), with
  // the record that replays the creation, so that Σ changes in one step and
  // a crash mid-propagation leaves Σ as at the last commit (no value of a
  // reactive that a restart would not recreate, at an id it may reuse).
  [[gnu::noinline]] void commit_creations() {
    for (const Made& m : made) {
      const ReactiveKind kind = states[m.r].kind;
      if (kind == ReactiveKind::source || kind == ReactiveKind::fold) writer->created(sigma, self, m.r);
    }
    for (CreationRecord& record : records) sigma.creations.push_back(std::move(record));
    records.clear();
  }

  // The store returns to exactly its state before the action: values,
  // dynamic edges and the reactives operators created. Levels stay raised:
  // they remain valid upper bounds.
  void roll_back() {
    undo.restore(values);
    for (auto it = rewires.rbegin(); it != rewires.rend(); ++it) relink(it->flatten, it->old_inner);
    for (auto it = made.rbegin(); it != made.rend(); ++it) unpublish(it->r, it->previous_slot, std::move(it->previous_value));
    made.clear();
    records.clear();
    end();
  }

  ActionResult abort(const Error& e) {
    roll_back();
    if (observer != nullptr) observer->aborted(e);
    std::optional<InvalidOp> op;
    if (const auto* invalid = dynamic_cast<const InvalidOperation*>(&e)) op = invalid->op();
    return failure(e.what(), op);
  }

  // Runs `step` inside the running propagation; an operator's error aborts it.
  template <class F>
  ActionResult guarded(F&& step) {
    try {
      step();
      if (finished()) return commit();
      return in_progress();
    } catch (const Error& e) {
      return abort(e);
    } catch (const std::exception& e) {
      // A user operator that throws something else: still a finding (a
      // defect of the program, checker property program-errors), not a crash.
      return abort(ForeignException(e.what()));
    }
  }

  ActionResult run_policy() {
    return guarded([&] {
      options.policy->propagate(handle);
      assert(finished() && "a policy returned before every outdated reactive was processed");
    });
  }

  // Lists A again after the level order stamped it without listing
  // (ascending, as sort_active() would leave it).
  void list_active() const {
    if (!active_unlisted) return;
    active_unlisted = false;
    active_list.clear();
    for (ReactiveId r = 0; r < created; ++r) {
      if (states[r].active_epoch == epoch) active_list.push_back(r);
    }
  }

  // ---- the level order in place (Propagation::run_level_order) -------------------
  //
  // The rules of apply() for the reactives LevelPolicy would take, in its
  // order, without a call through the handle per reactive: a reactive is
  // queued once, when it becomes outdated (so (skip) never applies here: a
  // reactive the action cannot reach is skipped at (commit)), and activation
  // queues its dependents directly instead of through outdated_log, which
  // only the handle's policies read. Without an observer only.
  bool run_level_order(LevelQueue& queue) {
    if (observer != nullptr) return false;
    level_queue = &queue;
    Forget forget{level_queue};
    for (ReactiveId r : outdated_log) queue.push(r, states[r].level);
    level_loop(queue);
    return true;
  }

  struct Forget {
    LevelQueue*& queue;
    ~Forget() { queue = nullptr; }
  };

  // (fire) and then the level order, in one step: start() and
  // run_level_order() with the source's readers queued as its activation
  // finds them (not through outdated_log) and A listed on demand, for a
  // runtime without an observer whose policy takes the level order
  // (Policy::level_queue). The same rules in the same order, with less
  // bookkeeping for an action whose propagation is short.
  //   (fire)  µ(r).in = ∅  ⟹  Σ⟨µ⟩ r.fire(v) →D Σ ▷ (({r}; {r}) ⟨update(µ, r, v)⟩ r)
  void fire_in_level_order(ReactiveId r, Value&& v, LevelQueue& queue) {
    assert(observer == nullptr && states[r].kind == ReactiveKind::source);
    begin_unobserved(ActionKind::fire);
    queue.reset();
    level_queue = &queue;
    Forget forget{level_queue};
    ReactiveState& s = states[r];
    s.processed_epoch = epoch;  // nothing is outdated yet: mark_processed(r)
    s.active_epoch = epoch;     // activate(r)
    active_unlisted = true;
    active_stored.push_back(r);
    // Cut-off (not the calculus, RuntimeOptions::equal_value_cutoff): the
    // source keeps its value and what it reaches would too.
    if (!cutoff || !(v == values[r]) || !cutoff_allowed(r)) outdate_derived(nodes()[r], queue);
    store(r, std::move(v));
    level_loop(queue);
  }

  // The level order's loop over the queued reactives, lowest level first,
  // until none is left; the queue is empty after. Only reactives with an
  // input are ever outdated, and an input is a level below its reader: level
  // 0 (sources, constants) is never queued. The loop keeps no count of the
  // outdated reactives left (the queue is that count): it ends with none, so
  // finished() holds for (commit).
  // The cut-off's test is compiled only into the loop of a runtime that has
  // it (level_loop<true>): the other keeps its registers for the calculus's path.
  void level_loop(LevelQueue& queue) { cutoff ? level_loop<true>(queue) : level_loop<false>(queue); }
  template <bool Cutoff>
  void level_loop(LevelQueue& queue) {
    const std::uint64_t now = epoch;
    const bool unwatched = !writer_writes;  // no operator changes it: read once
    // The store's arrays, held in registers rather than reloaded after every
    // operator call: a plain operator creates nothing (the paths below are
    // only for those), so none of them moves; what may move them (a flatten
    // moving its edge copies the graph, reevaluate_in_level_order may create)
    // is followed by reload().
    ReactiveState* st = states.data();
    Value* vals = values.data();
    const Node* nd = nodes().data();
    const Info* inf = graph->info.data();
    const auto reload = [&] {
      st = states.data();
      vals = values.data();
      nd = nodes().data();
      inf = graph->info.data();
    };
    assert(queue.bucket(0).empty());
    for (std::uint32_t level = 1; level <= queue.top(); ++level) {
      // By index: a reactive raised above `level` is queued again, which may
      // grow the bucket array; reevaluations queue only higher levels.
      LevelQueue::Bucket* bucket = &queue.bucket(level);
      for (std::size_t i = 0; i < bucket->size(); ++i) {
        const ReactiveId r = (*bucket)[i];
        ReactiveState& s = st[r];
        if (s.processed_epoch == now) continue;
        if (s.level != level) [[unlikely]] {
          // A flatten's inner moved up (REScala's dynamic level increase).
          assert(s.level > level);
          queue.push(r, s.level);
          bucket = &queue.bucket(level);
          continue;
        }
        if (unwatched && s.logged_epoch != now) {
          const Node& n = nd[r];
          if (s.kind == ReactiveKind::map && n.map_op) {
            const bool outer = s.outer_of_flatten;
            if (Cutoff && !outer) {
              // Equal-value cut-off (RuntimeOptions::equal_value_cutoff; not
              // the calculus): where r's new value equals its old one and
              // everything r reaches is a plain Map, r is processed but not
              // active, so its readers keep their values (each would compute
              // the value it holds). Otherwise the writes below.
              poll_stop();
              Value v = evaluate_map(n, vals);
              if (v == vals[r] && cutoff_allowed(r)) {
                s.processed_epoch = now;
                continue;
              }
              undo.push(r, vals[r]);
              s.logged_epoch = now;
              ::new (static_cast<void*>(&vals[r])) Value(std::move(v));  // over the empty value the log left
              activate_written(r, s, n, queue, false, st, now);
              bucket = &queue.bucket(level);
              continue;
            }
            poll_stop();
            // The old value goes to the undo log first and the operator's
            // result is built in its place (no temporary to move and
            // destroy). A map reads only its inputs, never its own slot; an
            // operator's error leaves the slot empty, and (abort) restores it
            // from the log like every other.
            undo.push(r, vals[r]);
            s.logged_epoch = now;
            ::new (static_cast<void*>(&vals[r])) Value(evaluate_map(n, vals));  // over the empty value the log left
            activate_written(r, s, n, queue, false, st, now);
            // As store() does: inputs(f, µ) = {r0, µ(r0).val}, so writing r0
            // moves its flattens' dynamic edges (which may copy the graph:
            // n and s are not used after).
            if (outer) [[unlikely]] {
              follow_outer(r);
              reload();
            }
            bucket = &queue.bucket(level);
            continue;
          }
          if (!s.outer_of_flatten) {
            if (s.kind == ReactiveKind::fold && inf[r].fold_op) {
              // The same for a Fold (inputs {r, r1}: its own value and
              // r1's), which Σ stores at (commit).
              poll_stop();
              write_plain(r, s, n, queue, inf[r].fold_op(vals[r], vals[n.inputs[0]]), st, vals, now);
              bucket = &queue.bucket(level);
              continue;
            }
            if (s.kind == ReactiveKind::flatten) {
              // Operator x_r => x_v => x_v: the value of the inner reactive.
              poll_stop();
              write_plain(r, s, n, queue, vals[inf[r].inner], st, vals, now);
              bucket = &queue.bucket(level);
              continue;
            }
          }
        }
        reevaluate_in_level_order(r, queue);
        reload();
        bucket = &queue.bucket(level);
      }
      bucket->clear();
    }
    queue.emptied();
    outdated_unprocessed = 0;
  }

  // Whether r may stop a propagation at an equal value: r is a local source
  // or a Map with a plain operator, and every reactive it reaches is such a
  // Map (a Fold would fold once less, a Flatten or a creating operator could
  // change the graph, a distributed reactive is sent). Computed for the whole
  // graph after it changed (own(), sync_states()), readers before inputs (a
  // reader's level is above its inputs'), into ReactiveState::cutoff_ok.
  bool cutoff_allowed(ReactiveId r) {
    if (cutoff_dirty) compute_cutoff();
    return states[r].cutoff_ok;
  }

  void compute_cutoff() {
    const Dataflow& g = *graph;
    const std::size_t size = std::min(g.created, states.size());
    // Member buffers: a flatten that moves its edge changes the graph at
    // every propagation, and this runs again without allocating.
    std::vector<ReactiveId>& order = cutoff_order;
    order.resize(size);
    for (ReactiveId r = 0; r < size; ++r) order[r] = r;
    std::sort(order.begin(), order.end(), [&g](ReactiveId a, ReactiveId b) {
      return g.info[a].level != g.info[b].level ? g.info[a].level > g.info[b].level : a < b;
    });
    const auto plain_map = [&g](ReactiveId r) {
      const Info& c = g.info[r];
      return c.kind == ReactiveKind::map && g.nodes[r].map_op && !c.creating_map_op && !c.distributed &&
             !c.outer_of_flatten;
    };
    std::vector<std::uint8_t>& below = cutoff_below;  // everything r reaches is a plain Map
    below.assign(size, 0);
    for (ReactiveState& st : states) st.cutoff_ok = false;
    for (ReactiveId r : order) {
      bool ok = true;
      for (ReactiveId d : g.nodes[r].derived) {
        if (d >= size || g.info[d].level <= g.info[r].level || !plain_map(d) || below[d] == 0) {
          ok = false;
          break;
        }
      }
      below[r] = ok ? 1 : 0;
      const bool local_source = g.info[r].kind == ReactiveKind::source && !g.info[r].distributed;
      states[r].cutoff_ok = ok && (plain_map(r) || local_source);
    }
    cutoff_dirty = false;
  }

  // The rest of (reevaluate)+(write): r is processed and active, its
  // readers outdated and queued (`may_store`: r may be a fold, which Σ
  // stores at (commit); a map's caller passes false).
  [[gnu::always_inline]] void activate_written(ReactiveId r, ReactiveState& s, const Node& n, LevelQueue& queue,
                                               bool may_store, ReactiveState* st, std::uint64_t now) {
    s.processed_epoch = now;  // r was outdated (level_loop settles the count)
    if (s.active_epoch != now) {
      s.active_epoch = now;
      active_unlisted = true;  // A is listed on demand (list_active)
      if (may_store && s.kind == ReactiveKind::fold) active_stored.push_back(r);
      outdate_derived(n, queue, st, now);
    }
  }

  // The same for a fold or a flatten, whose new value v replaces the old
  // one, kept in the undo log for an abort.
  [[gnu::always_inline]] void write_plain(ReactiveId r, ReactiveState& s, const Node& n, LevelQueue& queue, Value v,
                                          ReactiveState* st, Value* vals, std::uint64_t now) {
    activate_written(r, s, n, queue, true, st, now);
    s.logged_epoch = now;
    undo.push(r, vals[r]);
    ::new (static_cast<void*>(&vals[r])) Value(std::move(v));  // over the empty value the log left
  }

  // Activation's half of (reevaluate) in the level order: every reactive
  // reading r becomes outdated, and is queued at its level once.
  [[gnu::always_inline]] void outdate_derived(const Node& n, LevelQueue& queue) {
    outdate_derived(n, queue, states.data(), epoch);
  }
  [[gnu::always_inline]] void outdate_derived(const Node& n, LevelQueue& queue, ReactiveState* st, std::uint64_t now) {
    for (ReactiveId d : n.derived) {
      ReactiveState& dn = st[d];
      if (dn.outdated_epoch == now) continue;
      dn.outdated_epoch = now;
      if (dn.processed_epoch != now) queue.push(d, dn.level);  // level_loop settles the count
    }
  }

  // (reevaluate) then (write) on r, which is outdated and ready: apply(r)
  // with activate(r) queueing the reactives it makes outdated.
  [[gnu::noinline]] void reevaluate_in_level_order(ReactiveId r, LevelQueue& queue) {
    poll_stop();  // as apply() does: a budget ends a long propagation here too
    // A creating operator may grow the graph and the store: references are
    // taken after it ran.
    Value v = states[r].kind == ReactiveKind::map && !info(r).creating_map_op ? evaluate_map(nodes()[r])
                                                                                  : reevaluate(r);
    const Node& n = nodes()[r];
    ReactiveState& s = states[r];
    s.processed_epoch = epoch;  // r was outdated (level_loop settles the count)
    if (s.active_epoch != epoch) {
      s.active_epoch = epoch;
      active_list.push_back(r);
      if (s.kind == ReactiveKind::fold) active_stored.push_back(r);
      outdate_derived(n, queue);
    }
    if (writer_writes || s.outer_of_flatten || s.logged_epoch == epoch) {
      store(r, std::move(v));
      return;
    }
    // store(r, v) when neither a writer nor a flatten watches r's writes.
    s.logged_epoch = epoch;
    undo.push(r, values[r]);
    values[r] = std::move(v);
  }

  // reevexp(r, µ) of a map, as reevaluate(r) computes it without an observer:
  // the operator reads µ(input).val where the store holds it (nothing is
  // written while it runs), one input as a run of one value.
  Value evaluate_map(const Node& n) { return evaluate_map(n, values.data()); }
  Value evaluate_map(const Node& n, const Value* vals) {
    const std::size_t count = n.inputs.size();
    if (count == 1) return n.map_op(Inputs(std::span<const Value>(&vals[n.inputs[0]], 1)));
    return n.map_op(Inputs(vals, n.inputs.data(), count));
  }

  // ---- dynamic edges -------------------------------------------------------------

  ReactiveId inner_of(ReactiveId f) const {
    // The common case inline: µ(r0).val is a ref to a reactive of the store.
    const Value& v = values[nodes()[f].inputs[0]];
    if (v.kind() == Kind::ref) {
      const ReactiveId inner = v.as_ref();
      if (exists(inner)) return inner;
    }
    return inner_of_named_or_bad(f);
  }

  // inner_of for a named ref, or the error a flatten over a non-reference or
  // a ref to no reactive raises.
  [[gnu::noinline]] ReactiveId inner_of_named_or_bad(ReactiveId f) const {
    const Node& n = nodes()[f];
    const ReactiveId outer = n.inputs[0];
    const Value& v = values[outer];
    if (!v.is_ref()) {
      throw TypeError(fmt::format("flatten {}: its input {} holds {}, not a reactive", describe(f),
                                  describe(outer), v.to_string()));
    }
    const auto inner = resolve(v);
    if (!inner) {
      throw Error(fmt::format("flatten {}: its input {} refers to {}, which does not exist",
                              describe(f), describe(outer), v.to_string()));
    }
    return *inner;
  }

  void follow_outer(ReactiveId outer) {
    // Indexing, not iterators: relink may grow other reactives' derived lists,
    // never this one (an inner equal to the outer is not linked twice).
    for (std::size_t i = 0; i < nodes()[outer].derived.size(); ++i) {
      const ReactiveId d = nodes()[outer].derived[i];
      if (states[d].kind == ReactiveKind::flatten && nodes()[d].inputs[0] == outer) {
        set_inner(d, inner_of(d));
      }
    }
  }

  void set_inner(ReactiveId f, ReactiveId inner) {
    const ReactiveId old = info(f).inner;
    if (old == inner) return;
    // Every path strictly increases levels, so an inner below f cannot be
    // downstream of f: only a move upwards needs the graph check.
    if (states[inner].level >= states[f].level) check_acyclic(f, inner);
    if (propagating) {
      rewires.push_back({f, old});
      rewired_or_made = true;
    }
    relink(f, inner);
  }

  // Moves f's dynamic edge to `inner`. When the graph is shared with copies
  // of this runtime, the moved graph is shared too: the first copy to move
  // this edge builds it, the others adopt it.
  [[gnu::always_inline]] void relink(ReactiveId f, ReactiveId inner) {
    if (graph.use_count() == 1) {
      move_edge(f, inner);
      return;
    }
    relink_shared(f, inner);
  }
  [[gnu::noinline]] void relink_shared(ReactiveId f, ReactiveId inner) {
    auto& successors = graph->successors;
    auto known = std::find_if(successors.begin(), successors.end(), [&](const Dataflow::Successor& s) {
      return s.flatten == f && s.inner == inner;
    });
    if (known != successors.end()) {
      if (auto next = known->graph.lock()) {
        graph = std::move(next);
        sync_states();
        return;
      }
    }
    const std::shared_ptr<const Dataflow> before = graph;
    move_edge(f, inner);
    graph->frozen = true;
    if (known != before->successors.end()) {
      known->graph = graph;
    } else {
      before->successors.push_back({f, inner, graph});
    }
  }

  void move_edge(ReactiveId f, ReactiveId inner) {
    Dataflow& g = own();
    const ReactiveId outer = g.nodes[f].inputs[0];
    ReactiveId& current = g.info[f].inner;
    if (current != no_reactive && current != outer) {
      auto& list = g.nodes[current].derived;
      list.erase(std::find(list.begin(), list.end(), f));
    }
    current = inner;
    if (inner != outer) g.nodes[inner].derived.push_back(f);
    if (states[inner].level >= states[f].level) raise(f, states[inner].level + 1);
  }

  // REScala-style: a reactive whose input moved above it is lifted, and so is
  // everything downstream of it; only reactives after it are touched.
  void raise(ReactiveId r, std::uint32_t level) {
    Dataflow& g = own();
    set_level(r, level);
    raise_work.clear();
    raise_work.push_back(r);
    while (!raise_work.empty()) {
      const ReactiveId x = raise_work.back();
      raise_work.pop_back();
      for (ReactiveId d : g.nodes[x].derived) {
        if (states[d].level <= states[x].level) {
          set_level(d, states[x].level + 1);
          raise_work.push_back(d);
        }
      }
    }
  }

  std::vector<GraphEdge> graph_edges() const {
    std::vector<GraphEdge> edges;
    for (ReactiveId r = 0; r < created; ++r) {
      const Node& n = nodes()[r];
      switch (states[r].kind) {
        case ReactiveKind::source: break;
        case ReactiveKind::map:
          for (ReactiveId i : n.inputs) edges.push_back({i, r, false});
          break;
        case ReactiveKind::fold: edges.push_back({n.inputs[0], r, false}); break;
        case ReactiveKind::flatten:
          edges.push_back({n.inputs[0], r, false});
          if (info(r).inner != no_reactive) edges.push_back({info(r).inner, r, true});
          break;
      }
    }
    return edges;
  }

  void check_acyclic(ReactiveId f, ReactiveId inner) const {
    std::vector<GraphEdge> edges = graph_edges();
    std::erase_if(edges, [&](const GraphEdge& e) { return e.dynamic && e.to == f; });
    edges.push_back({inner, f, true});
    const auto cycle = find_cycle(nodes().size(), edges, f);
    if (cycle.empty()) return;
    std::string names;
    for (ReactiveId r : cycle) {
      names += describe(r);
      names += " -> ";
    }
    names += describe(f);
    throw ProgramDefect(fmt::format("cycle: flatten {} would read {}, which depends on it: {}",
                            describe(f), describe(inner), names));
  }

  // ---- creation --------------------------------------------------------------------

  // Fig. 6's rules, for the creation code and for operators (Creation);
  // defined with the Runtime's creation functions below.
  ReactiveId create_source(Value initial, std::string label);
  ReactiveId create_map(std::vector<ReactiveId> inputs, MapOperator op, CreatingMapOperator creating,
                        std::string label);
  ReactiveId create_fold(ReactiveId input, Value initial, FoldOperator op, CreatingFoldOperator creating,
                         std::string label);
  ReactiveId create_flatten(ReactiveId outer, std::string label);
  ReactiveId create_distributed_source(std::string name, Value initial, MergeFunction merge);
  ReactiveId create_distributed_fold(std::string name, ReactiveId input, Value initial, FoldOperator op,
                                     CreatingFoldOperator creating, MergeFunction merge);
  void check_new_name(const std::string& name) const;
  Value initial_map_value(ReactiveId r);
  void join_created(ReactiveId r, Value initial);
  void replay_creations();
  void replay_action_creation(const CreationRecord& record);
  const CreationProcedure* procedure(std::string_view name) const;

  void grow(std::size_t size) {
    if (nodes().size() >= size) return;
    Dataflow& g = own();
    g.nodes.resize(size);
    g.info.resize(size);
    states.resize(size);
    values.resize(size);
  }

  void set_created(std::size_t count) {
    own().created = count;
    created = count;
  }

  // location(µ): the next dense id, "consistent between restarts" (Fig. 3). A
  // restored constant in that slot is overwritten; its dependents stay linked.
  // Inside a propagation only an operator creates (through a Creation); the
  // slot's previous content is kept for an abort.
  ReactiveId allocate(ReactiveKind kind, std::string label) {
    if (propagating && creating == 0) throw Error("cannot create a reactive while a propagation is running");
    const auto r = static_cast<ReactiveId>(created);
    grow(r + 1);
    if (propagating) {
      made.push_back({r, info(r).slot, values[r]});
      rewired_or_made = true;
    }
    Dataflow& g = own();
    Info& c = g.info[r];
    c.provenance = creating > 0 ? creation_provenance : 0;
    c.kind = kind;
    states[r].kind = kind;
    c.label = std::move(label);
    g.nodes[r].inputs.clear();
    c.inner = no_reactive;
    return r;
  }

  void publish(ReactiveId r) {
    Dataflow& g = own();
    Node& n = g.nodes[r];
    Info& c = g.info[r];
    c.slot = Slot::created;
    set_created(r + 1);
    if (!c.label.empty()) g.by_label.emplace(c.label, r);
    // derived is a set: a map that names an input twice (x + x) is one
    // dependent of it, outdated once, so activation visits it once. r is the
    // newest reactive: a second mention finds it last in the input's list.
    for (ReactiveId i : n.inputs) {
      IdList& list = g.nodes[i].derived;
      if (list.empty() || list[list.size() - 1] != r) list.push_back(r);
    }
    if (states[r].kind == ReactiveKind::flatten) {
      g.info[n.inputs[0]].outer_of_flatten = true;
      states[n.inputs[0]].outer_of_flatten = true;
    }
    raise(r, states[r].level);
    if (observer != nullptr) observer->created(r, states[r].kind, c.label);
  }

  // A reactive whose creation failed, or was rolled back with its
  // propagation, never existed: its slot is as before. r is the newest.
  void unpublish(ReactiveId r, Slot previous_slot, Value previous_value) {
    Dataflow& g = own();
    Node& n = g.nodes[r];
    Info& c = g.info[r];
    const auto unlink = [&](ReactiveId i) {
      auto& list = g.nodes[i].derived;
      auto it = std::find(list.begin(), list.end(), r);
      if (it != list.end()) list.erase(it);
    };
    for (ReactiveId i : n.inputs) unlink(i);
    if (states[r].kind == ReactiveKind::flatten && c.inner != no_reactive && c.slot == Slot::created) unlink(c.inner);
    if (!c.label.empty()) {
      auto it = g.by_label.find(c.label);
      if (it != g.by_label.end() && it->second == r) g.by_label.erase(it);
    }
    if (c.distributed) {
      g.by_name.erase(c.label);
      std::erase_if(g.distributed, [r](const Runtime::Distributed& d) { return d.id == r; });
    }
    IdList derived = std::move(n.derived);  // a restored constant's dependents
    n = Node{};
    c = Info{};
    c.slot = previous_slot;
    n.derived = std::move(derived);
    values[r] = std::move(previous_value);
    states[r].kind = ReactiveKind::source;
    set_created(r);
  }

  void make_distributed(ReactiveId r, std::string name, MergeFunction merge) {
    Dataflow& g = own();
    g.info[r].distributed = true;
    g.info[r].merge = merge ? std::move(merge) : MergeFunction(&Value::join);
    // The creation code's in name order; an operator's after them, in
    // creation order, so that a position once taken stays (a world keeps
    // what it last sent to each peer by position).
    auto at = creating > 0 ? g.distributed.end()
                           : std::lower_bound(g.distributed.begin(), g.distributed.end(), name,
                                              [](const Runtime::Distributed& d, const std::string& key) {
                                                return d.name < key;
                                              });
    g.distributed.insert(at, Runtime::Distributed{name, r, hash_bytes(name)});
    g.by_name.emplace(std::move(name), r);
  }

  void check_input(ReactiveId i, std::string_view what) const {
    if (!is_created(i)) {
      throw Error(fmt::format("{}: input r{} does not exist (only r0..r{} are created)", what, i,
                              created == 0 ? 0 : created - 1));
    }
  }

  // vs = lookup(r, Σ, v) = Σ(r) if r ∈ Σ, v otherwise.
  Value lookup(ReactiveId r, Value v) {
    auto it = sigma.values.find(r);
    if (it == sigma.values.end()) return v;
    return it->second;
  }

  // (source), (fold): the snapshot part, after µ has r.
  void store_created(ReactiveId r, bool restored) {
    if (restored) {
      if (observer != nullptr) observer->restored(r, values[r]);
      restore_nested(values[r]);
    }
    // Inside a propagation Σ gets r at (commit): see commit_creations().
    if (!propagating) writer->created(sigma, self, r);
  }

  // §3.2: "During restoration of r0, the values of any inner r are also
  // restored, if r has not yet been restored otherwise. Neither the operator
  // nor the inputs of r are restored however, and the reactive is essentially
  // constant."
  void restore_nested(const Value& v) {
    for_each_ref(v, [&](const Value& reference) {
      ReactiveId r = 0;
      if (reference.kind() == Kind::ref) {
        r = reference.as_ref();
      } else {
        // A name: what it denoted when Σ stored the value, unless a reactive
        // has it already (Snapshot::names).
        if (resolve(reference)) return;
        const auto named = sigma.named(reference.as_named_ref());
        if (!named) return;
        r = *named;
      }
      if (exists(r)) return;
      auto it = sigma.values.find(r);
      if (it == sigma.values.end()) return;
      grow(r + 1);
      own().info[r].slot = Slot::placeholder;
      values[r] = it->second;
      if (observer != nullptr) observer->restored(r, it->second);
      restore_nested(it->second);
    });
  }
};

// ---- Propagation (the policy's handle) -------------------------------------------

Propagation::Propagation(Runtime::Impl& impl)
    : impl_(impl),
      states_(impl.states),
      epoch_(impl.epoch),
      created_(impl.created),
      outdated_log_(impl.outdated_log),
      outdated_unprocessed_(impl.outdated_unprocessed) {}

bool Propagation::is_ready(ReactiveId r) const { return impl_.ready(r); }
void Propagation::apply(ReactiveId r) { impl_.apply(r); }
bool Propagation::run_level_order(LevelQueue& queue) { return impl_.run_level_order(queue); }

std::vector<ReactiveId> Propagation::ready(bool outdated_only) const {
  std::vector<ReactiveId> result;
  for (ReactiveId r = 0; r < impl_.created; ++r) {
    if (impl_.ready(r) && (!outdated_only || impl_.outdated(r))) result.push_back(r);
  }
  return result;
}

// ---- Runtime ------------------------------------------------------------------------

Runtime::Runtime(Snapshot& storage, RuntimeOptions options)
    : impl_(std::make_unique<Impl>(*this, storage, std::move(options))) {}

Runtime::Runtime(Snapshot& storage, RuntimeOptions options, std::shared_ptr<const Dataflow> graph)
    : impl_(std::make_unique<Impl>(*this, storage, std::move(options))) {
  impl_->graph = std::move(graph);
  impl_->sync_states();
}

Runtime::Runtime(const Runtime& other, Snapshot& storage, Observer* observer)
    : impl_(std::make_unique<Impl>(*this, storage, *other.impl_, observer)) {}

Runtime::~Runtime() = default;

void Runtime::assign(const Runtime& other) {
  if (this != &other) impl_->copy_state(*other.impl_);
}

const Dataflow& Runtime::dataflow() const { return *impl_->graph; }

std::shared_ptr<const Dataflow> Runtime::share_dataflow() const { return impl_->graph; }

void Runtime::adopt_dataflow(std::shared_ptr<const Dataflow> graph) {
  Impl& m = *impl_;
  m.graph = std::move(graph);
  m.states.assign(m.nodes().size(), ReactiveState{});
  m.values.assign(m.nodes().size(), Value());
  m.sync_states();
  m.propagating = false;
  m.epoch = 1;
}

const RuntimeOptions& Runtime::options() const { return impl_->options; }

void Runtime::set_observer(Observer* observer) {
  impl_->options.observer = observer;
  impl_->observer = observer;
}

void Runtime::set_stop(const std::atomic<bool>* stop) {
  impl_->options.stop = stop;
  impl_->stop = stop;
}

namespace {

void encode_ids(Encoder& out, std::span<const ReactiveId> ids) {
  out.varint(ids.size());
  for (ReactiveId r : ids) out.varint(r);
}

ReactiveId decode_id(Decoder& in, std::size_t slots) {
  const std::uint64_t r = in.varint();
  if (r >= slots) throw DecodeError("corrupt runtime state: reactive id out of range");
  return static_cast<ReactiveId>(r);
}

}  // namespace

void encode_record(Encoder& out, const CreationRecord& record, ValueCodec& values) {
  out.varint(record.creator);
  out.varint(record.inputs.size());
  for (const Value& v : record.inputs) values.write(out, v);
  out.varint(record.first);
  out.varint(record.count);
}

CreationRecord decode_record(Decoder& in, ValueCodec& values) {
  CreationRecord record;
  const auto id = [&](std::string_view what) {
    const std::uint64_t v = in.varint();
    if (v > std::numeric_limits<ReactiveId>::max()) throw DecodeError(fmt::format("corrupt creation record: {}", what));
    return static_cast<ReactiveId>(v);
  };
  record.creator = id("creator");
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) record.inputs.push_back(values.read(in));
  record.first = id("first");
  record.count = id("count");
  return record;
}

void Runtime::encode_state(Encoder& out, ValueCodec& codec) const {
  const Impl& m = *impl_;
  const auto& info = m.graph->info;
  for (ReactiveId r = 0; r < info.size(); ++r) {
    if (info[r].slot != Slot::empty) codec.write(out, m.values[r]);
  }
  out.u8(m.propagating ? 1 : 0);
  if (!m.propagating) return;
  // (A; P) and what an abort restores; the stamps' epoch is not state.
  out.u8(static_cast<std::uint8_t>(m.action));
  m.list_active();
  encode_ids(out, m.active_list);
  std::vector<ReactiveId> processed;
  for (ReactiveId r = 0; r < m.created; ++r) {
    if (m.states[r].processed_epoch == m.epoch) processed.push_back(r);
  }
  encode_ids(out, processed);
  encode_ids(out, m.outdated_log);
  out.varint(m.undo.size());
  for (const UndoLog::Entry& u : m.undo.entries()) {
    out.varint(u.tag);
    codec.write(out, Value::copy_of_raw(u));
  }
  out.varint(m.rewires.size());
  for (const Impl::Rewire& w : m.rewires) {
    out.varint(w.flatten);
    out.varint(w.old_inner);
  }
  // What operators created so far, for an abort and for (commit).
  out.varint(m.made.size());
  for (const Impl::Made& made : m.made) {
    out.varint(made.r);
    out.u8(static_cast<std::uint8_t>(made.previous_slot));
    codec.write(out, made.previous_value);
  }
  out.varint(m.records.size());
  for (const CreationRecord& record : m.records) encode_record(out, record, codec);
}

void Runtime::decode_state(Decoder& in, ValueCodec& codec) {
  Impl& m = *impl_;
  const auto& info = m.graph->info;
  const std::size_t slots = info.size();
  for (ReactiveId r = 0; r < slots; ++r) {
    m.values[r] = info[r].slot != Slot::empty ? codec.read(in) : Value();
  }
  for (ReactiveState& st : m.states) {
    st.active_epoch = st.processed_epoch = st.outdated_epoch = st.logged_epoch = 0;
  }
  m.active_list.clear();
  m.active_unlisted = false;
  m.active_stored.clear();
  m.outdated_log.clear();
  m.outdated_unprocessed = 0;
  m.undo.clear();
  m.rewires.clear();
  m.rewired_or_made = true;  // until the lists below are read whole
  m.propagating = in.u8() != 0;
  m.epoch = m.propagating ? 2 : 1;
  if (!m.propagating) return;
  const std::uint8_t action = in.u8();
  if (action > static_cast<std::uint8_t>(ActionKind::create)) throw DecodeError("corrupt runtime state: action");
  m.action = static_cast<ActionKind>(action);
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) {
    const ReactiveId r = decode_id(in, slots);
    m.states[r].active_epoch = m.epoch;
    m.active_list.push_back(r);
    if (m.states[r].kind == ReactiveKind::source || m.states[r].kind == ReactiveKind::fold) m.active_stored.push_back(r);
  }
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) m.states[decode_id(in, slots)].processed_epoch = m.epoch;
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) {
    const ReactiveId r = decode_id(in, slots);
    m.states[r].outdated_epoch = m.epoch;
    m.outdated_log.push_back(r);
    if (m.states[r].processed_epoch != m.epoch) ++m.outdated_unprocessed;
  }
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) {
    const ReactiveId r = decode_id(in, slots);
    m.states[r].logged_epoch = m.epoch;
    Value old = codec.read(in);
    m.undo.push(r, old);
  }
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) {
    const ReactiveId f = decode_id(in, slots);
    m.rewires.push_back({f, decode_id(in, slots)});
  }
  m.made.clear();
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) {
    const ReactiveId r = decode_id(in, slots);
    const std::uint8_t slot = in.u8();
    if (slot > static_cast<std::uint8_t>(Slot::created)) throw DecodeError("corrupt runtime state: slot");
    m.made.push_back({r, static_cast<Slot>(slot), codec.read(in)});
  }
  m.records.clear();
  for (std::uint64_t i = 0, n = in.count(); i < n; ++i) m.records.push_back(decode_record(in, codec));
  m.rewired_or_made = !m.rewires.empty() || !m.made.empty() || !m.records.empty();
}

// ---- creation (Fig. 6) ------------------------------------------------------------

ReactiveId Runtime::Impl::create_source(Value initial, std::string label) {
  // (source)  r = location(µ)  vs = lookup(r, Σ, v)
  //           Σ⟨µ⟩ Source(v) →D (Σ, r ↦ vs) ⟨µ, r ↦ (∅, vs, unit)⟩ r
  const ReactiveId r = allocate(ReactiveKind::source, std::move(label));
  const bool restored = sigma.values.contains(r);
  values[r] = lookup(r, std::move(initial));
  set_level(r, creation_level);
  publish(r);
  store_created(r, restored);
  return r;
}

ReactiveId Runtime::Impl::create_map(std::vector<ReactiveId> inputs, MapOperator op, CreatingMapOperator creating,
                                     std::string label) {
  // (map)  r = location(µ)  µ' = µ, r ↦ ({r1, r2}, unit, vop)  t = reevexp(µ', r)
  //        Σ⟨µ⟩ (r1, r2).Map{vop} →D Σ ▷ (t · r · ({r}; {r}) ⟨µ'⟩ r)
  if (!op && !creating) throw Error("map: no operator");
  for (ReactiveId i : inputs) check_input(i, "map");
  const ReactiveId r = allocate(ReactiveKind::map, std::move(label));
  Dataflow& g = own();
  Node& n = g.nodes[r];
  const Slot previous_slot = g.info[r].slot;
  Value previous_value = values[r];
  std::uint32_t level = creation_level;
  for (ReactiveId i : inputs) level = std::max(level, states[i].level + 1);
  n.inputs.assign(inputs.begin(), inputs.end());
  if (creating) {
    g.info[r].creating_map_op = std::move(creating);
  } else {
    n.map_op = options.wrap_map_operator ? options.wrap_map_operator(std::move(op)) : std::move(op);
  }
  set_level(r, level);
  values[r] = Value();
  publish(r);
  if (propagating) {
    join_created(r, initial_map_value(r));
    return r;
  }
  begin(ActionKind::create, r, Value());
  try {
    mark_processed(r);
    activate(r);
    write(r, reevaluate(r));
    // Only a restored constant in r's slot can have dependents to update.
    if (!finished()) options.policy->propagate(handle);
    commit();
    return r;
  } catch (const Error& e) {
    abort(e);
    unpublish(r, previous_slot, std::move(previous_value));
    throw;
  } catch (const std::exception& e) {
    const ForeignException error(fmt::format("map {}: {}", describe(r), e.what()));
    abort(error);
    unpublish(r, previous_slot, std::move(previous_value));
    throw error;
  }
}

// The map rule's t = reevexp(µ', r) inside a running propagation: the value
// µ' starts with. Its input values are those of the moment (an input still
// outdated is reread when r is reevaluated), and no event is emitted: r is
// reevaluated in this propagation only if it is outdated.
Value Runtime::Impl::initial_map_value(ReactiveId r) {
  const Node& n = nodes()[r];
  std::vector<Value> in;
  for (ReactiveId i : n.inputs) in.push_back(values[i]);
  if (info(r).creating_map_op) return run_creating(r, in);
  const MapOperator op = n.map_op;
  return op(in);
}

ReactiveId Runtime::Impl::create_fold(ReactiveId input, Value initial, FoldOperator op,
                                      CreatingFoldOperator creating, std::string label) {
  // (fold)  r = location(µ)  vs = lookup(r, Σ, v)
  //         Σ⟨µ⟩ r1.Fold(v){vop} →D (Σ, r ↦ vs) ⟨µ, r ↦ ({r, r1}, vs, vop)⟩ r
  if (!op && !creating) throw Error("fold: no operator");
  check_input(input, "fold");
  const ReactiveId r = allocate(ReactiveKind::fold, std::move(label));
  const bool restored = sigma.values.contains(r);
  Dataflow& g = own();
  g.nodes[r].inputs = {input};
  g.info[r].fold_op = std::move(op);
  g.info[r].creating_fold_op = std::move(creating);
  values[r] = lookup(r, std::move(initial));
  set_level(r, std::max(creation_level, states[input].level + 1));
  publish(r);
  store_created(r, restored);
  if (propagating) join_created(r, values[r]);
  return r;
}

ReactiveId Runtime::Impl::create_flatten(ReactiveId outer, std::string label) {
  // (flatten)  r = location(µ)
  //            µ' = (µ, r ↦ (dynamic(r0), µ(µ(r0).val).val, x_r => x_v => x_v))
  //            Σ⟨µ⟩ r0.Flatten →D Σ⟨µ'⟩ r
  check_input(outer, "flatten");
  const Value& reference = values[outer];
  if (!reference.is_ref()) {
    throw TypeError(fmt::format("flatten: its input {} holds {}, not a reactive", describe(outer),
                                reference.to_string()));
  }
  const auto inner = resolve(reference);
  if (!inner) {
    throw Error(fmt::format("flatten: its input {} refers to {}, which does not exist", describe(outer),
                            reference.to_string()));
  }
  const ReactiveId r = allocate(ReactiveKind::flatten, std::move(label));
  // Only a restored constant in r's slot can have dependents, and only then
  // can the new edges close a cycle.
  if (!nodes()[r].derived.empty()) {
    set_created(r + 1);
    own().nodes[r].inputs = {outer};
    try {
      check_acyclic(r, *inner);
    } catch (...) {
      set_created(r);
      own().nodes[r].inputs.clear();
      own().info[r].label.clear();
      if (propagating) made.pop_back();
      throw;
    }
  }
  Node& n = own().nodes[r];
  n.inputs = {outer};
  values[r] = values[*inner];
  set_level(r, std::max({creation_level, states[outer].level + 1, states[*inner].level + 1}));
  publish(r);
  relink(r, *inner);
  if (propagating) join_created(r, values[r]);
  return r;
}

ReactiveId Runtime::Impl::create_distributed_source(std::string name, Value initial, MergeFunction merge) {
  check_new_name(name);
  const ReactiveId r = create_source(std::move(initial), name);
  make_distributed(r, std::move(name), std::move(merge));
  return r;
}

ReactiveId Runtime::Impl::create_distributed_fold(std::string name, ReactiveId input, Value initial, FoldOperator op,
                                                  CreatingFoldOperator creating, MergeFunction merge) {
  check_new_name(name);
  const ReactiveId r = create_fold(input, std::move(initial), std::move(op), std::move(creating), name);
  make_distributed(r, std::move(name), std::move(merge));
  return r;
}

void Runtime::Impl::check_new_name(const std::string& name) const {
  if (graph->by_name.contains(name)) throw Error(fmt::format("distributed reactive \"{}\" exists already", name));
}

// A reactive created inside a running propagation joins it unprocessed, with
// its initial value: "P = dom(µ)" at (commit) makes the propagation process
// it, by (reevaluate) if an input is active (r ∈ outdated(A, µ)), by (skip)
// otherwise.
void Runtime::Impl::join_created(ReactiveId r, Value initial) {
  values[r] = std::move(initial);
  ReactiveState& s = states[r];
  for (ReactiveId i : inputs_of(r)) {
    if (i == r || states[i].active_epoch != epoch) continue;
    s.outdated_epoch = epoch;
    outdated_log.push_back(r);
    ++outdated_unprocessed;
    if (level_queue != nullptr) level_queue->push(r, s.level);
    break;
  }
}

void Runtime::Impl::replay_creations() {
  if (options.forget_dynamic_creation || propagating) return;
  const std::vector<CreationRecord> records_to_replay = sigma.creations;  // replay may store into Σ
  replaying = true;
  struct Done {
    bool& replaying;
    ~Done() { replaying = false; }
  } done{replaying};
  for (const CreationRecord& record : records_to_replay) {
    if (record.creator == action_creator) {
      replay_action_creation(record);
      continue;
    }
    // Location(µ) is consistent between restarts only if every earlier
    // creation was replayed: a record whose creator is not there (an
    // impure creation code) is left out, and restoration reports it.
    if (!is_created(record.creator) || created != record.first) continue;
    const Info& c = info(record.creator);
    if (!c.creating_map_op && !c.creating_fold_op) continue;
    if (record.inputs.size() != inputs_of(record.creator).size()) continue;
    try {
      run_creating(record.creator, record.inputs);  // its value is Σ's already
    } catch (const std::exception&) {
      // The operator did not fail the first time: it is not a function of
      // its inputs. What it did not recreate, restoration reports.
    }
  }
}

ReactiveId Runtime::source(Value initial, std::string label) {
  return impl_->create_source(std::move(initial), std::move(label));
}

ReactiveId Runtime::map(std::vector<ReactiveId> inputs, MapOperator op, std::string label) {
  if (!op) throw Error("map: no operator");
  return impl_->create_map(std::move(inputs), std::move(op), nullptr, std::move(label));
}

ReactiveId Runtime::map(std::vector<ReactiveId> inputs, CreatingMapOperator op, std::string label) {
  if (!op) throw Error("map: no operator");
  return impl_->create_map(std::move(inputs), nullptr, std::move(op), std::move(label));
}

ReactiveId Runtime::fold(ReactiveId input, Value initial, FoldOperator op, std::string label) {
  if (!op) throw Error("fold: no operator");
  return impl_->create_fold(input, std::move(initial), std::move(op), nullptr, std::move(label));
}

ReactiveId Runtime::fold(ReactiveId input, Value initial, CreatingFoldOperator op, std::string label) {
  if (!op) throw Error("fold: no operator");
  return impl_->create_fold(input, std::move(initial), nullptr, std::move(op), std::move(label));
}

ReactiveId Runtime::flatten(ReactiveId outer, std::string label) {
  return impl_->create_flatten(outer, std::move(label));
}

ReactiveId Runtime::distributed_source(std::string name, Value initial, MergeFunction merge) {
  return impl_->create_distributed_source(std::move(name), std::move(initial), std::move(merge));
}

ReactiveId Runtime::distributed_fold(std::string name, ReactiveId input, Value initial, FoldOperator op,
                                     MergeFunction merge) {
  if (!op) throw Error("fold: no operator");
  return impl_->create_distributed_fold(std::move(name), input, std::move(initial), std::move(op), nullptr,
                                        std::move(merge));
}

ReactiveId Runtime::distributed_fold(std::string name, ReactiveId input, Value initial, CreatingFoldOperator op,
                                     MergeFunction merge) {
  if (!op) throw Error("fold: no operator");
  return impl_->create_distributed_fold(std::move(name), input, std::move(initial), nullptr, std::move(op),
                                        std::move(merge));
}

void Runtime::create(const std::function<void(Creation&)>& code) {
  Impl& m = *impl_;
  if (m.propagating) throw Error("cannot create a reactive while a propagation is running");
  Creation context(m);
  code(context);
}

void Runtime::replay_creations() { impl_->replay_creations(); }

const CreationProcedure* Runtime::Impl::procedure(std::string_view name) const {
  for (const auto& [n, code] : graph->procedures) {
    if (n == name) return &code;
  }
  return nullptr;
}

// A workload action's creation, replayed like an operator's: the same
// procedure on the same argument creates the same reactives at the same
// locations, and sources and folds take their Σ values.
void Runtime::Impl::replay_action_creation(const CreationRecord& record) {
  if (created != record.first || record.inputs.size() != 2 || record.inputs[0].kind() != frsim::core::Kind::string) return;
  const CreationProcedure* code = procedure(record.inputs[0].as_string());
  if (code == nullptr) return;  // what it did not recreate, restoration reports
  Creation context(*this);
  try {
    (*code)(context, record.inputs[1]);
  } catch (const std::exception&) {
    // It did not fail the first time: not a function of its argument.
  }
}

void Runtime::define_creation(std::string name, CreationProcedure code) {
  Impl& m = *impl_;
  if (m.propagating) throw Error("define_creation: a propagation is running");
  if (!code) throw Error(fmt::format("define_creation '{}': no code", name));
  if (m.procedure(name) != nullptr) throw Error(fmt::format("define_creation: '{}' is defined already", name));
  m.own().procedures.emplace_back(std::move(name), std::move(code));
}

void Runtime::create(std::string_view name, const Value& argument) {
  Impl& m = *impl_;
  if (m.propagating) throw Error("cannot create a reactive while a propagation is running");
  const CreationProcedure* code = m.procedure(name);
  if (code == nullptr) throw Error(fmt::format("create: no creation procedure '{}'", name));
  const auto first = static_cast<ReactiveId>(m.created);
  Creation context(m);
  (*code)(context, argument);
  if (m.created == first || m.replaying) return;
  m.sigma.creations.push_back(CreationRecord{action_creator, {Value::string(std::string(name)), argument}, first,
                                             static_cast<std::uint32_t>(m.created - first)});
}

bool Runtime::creates_reactives(ReactiveId r) const {
  const Impl::Info& c = impl_->created_info(r, "creates_reactives");
  return c.creating_map_op || c.creating_fold_op;
}

std::uint64_t Runtime::provenance(ReactiveId r) const { return impl_->created_info(r, "provenance").provenance; }

// ---- Creation: Fig. 6 from inside an operator ------------------------------------

ReactiveId Creation::input(const Value& reference, std::string_view what) const {
  const auto r = impl_.resolve(reference);
  if (!r || !impl_.is_created(*r)) {
    throw Error(fmt::format("{}: its input {} is not a reactive of this device", what, reference.to_string()));
  }
  return *r;
}

Value Creation::made(ReactiveId r) {
  if (count_++ == 0) first_ = r;
  return Value::ref(r);
}

Value Creation::source(Value initial, std::string label) {
  return made(impl_.create_source(std::move(initial), std::move(label)));
}

Value Creation::map(const std::vector<Value>& inputs, MapOperator op, std::string label) {
  if (!op) throw Error("map: no operator");
  std::vector<ReactiveId> ids;
  for (const Value& i : inputs) ids.push_back(input(i, "map"));
  return made(impl_.create_map(std::move(ids), std::move(op), nullptr, std::move(label)));
}

Value Creation::map(const std::vector<Value>& inputs, CreatingMapOperator op, std::string label) {
  if (!op) throw Error("map: no operator");
  std::vector<ReactiveId> ids;
  for (const Value& i : inputs) ids.push_back(input(i, "map"));
  return made(impl_.create_map(std::move(ids), nullptr, std::move(op), std::move(label)));
}

Value Creation::fold(const Value& in, Value initial, FoldOperator op, std::string label) {
  if (!op) throw Error("fold: no operator");
  return made(impl_.create_fold(input(in, "fold"), std::move(initial), std::move(op), nullptr, std::move(label)));
}

Value Creation::fold(const Value& in, Value initial, CreatingFoldOperator op, std::string label) {
  if (!op) throw Error("fold: no operator");
  return made(impl_.create_fold(input(in, "fold"), std::move(initial), nullptr, std::move(op), std::move(label)));
}

Value Creation::flatten(const Value& outer, std::string label) {
  return made(impl_.create_flatten(input(outer, "flatten"), std::move(label)));
}

Value Creation::distributed_source(std::string name, Value initial, MergeFunction merge) {
  return made(impl_.create_distributed_source(std::move(name), std::move(initial), std::move(merge)));
}

Value Creation::distributed_fold(std::string name, const Value& in, Value initial, FoldOperator op,
                                 MergeFunction merge) {
  if (!op) throw Error("fold: no operator");
  return made(impl_.create_distributed_fold(std::move(name), input(in, "fold"), std::move(initial), std::move(op),
                                            nullptr, std::move(merge)));
}

void Runtime::promote(ReactiveId r, std::string name, MergeFunction merge) {
  Impl& m = *impl_;
  if (m.created_info(r, "promote").distributed) throw Error(fmt::format("promote: {} is distributed already", m.describe(r)));
  if (m.graph->by_name.contains(name)) throw Error(fmt::format("promote: the name \"{}\" is taken", name));
  m.make_distributed(r, std::move(name), std::move(merge));
  // Durable at once, as a creation record is (Snapshot::promoted).
  auto& promoted = m.sigma.promoted;
  const auto at = std::lower_bound(promoted.begin(), promoted.end(), r);
  if (at == promoted.end() || *at != r) promoted.insert(at, r);
}

// ---- actions ------------------------------------------------------------------------

ActionResult Runtime::begin_fire(ReactiveId r, Value v) {
  Impl& m = *impl_;
  if (m.propagating) {
    if (m.options.concurrent_actions == ConcurrentActions::refuse) {
      return failure("fire: a propagation is running (isolation, Lemma 4.13)");
    }
    if (!m.is_created(r) || m.states[r].kind != ReactiveKind::source) {
      return failure(fmt::format("fire: r{} is not a source", r));
    }
    return m.guarded([&] { m.join(ActionKind::fire, r, std::move(v)); });
  }
  if (!m.is_created(r)) return failure(fmt::format("fire: unknown reactive r{}", r));
  if (m.states[r].kind != ReactiveKind::source) {
    return failure(fmt::format("fire: {} is a {}; only sources can be fired", m.describe(r),
                               to_string(m.states[r].kind)));
  }
  return m.guarded([&] { m.start(ActionKind::fire, r, std::move(v)); });
}

ActionResult Runtime::begin_receive(std::string_view name, const Value& remote) {
  Impl& m = *impl_;
  if (m.propagating) {
    if (m.options.concurrent_actions == ConcurrentActions::refuse) {
      return failure("receive: a propagation is running (isolation, Lemma 4.13)");
    }
    auto it = m.graph->by_name.find(name);
    if (it == m.graph->by_name.end()) return failure(fmt::format("receive: no distributed reactive named \"{}\"", name));
    const ReactiveId r = it->second;
    return m.guarded([&] {
      Value merged = m.options.receiver->merge(r, m.info(r).merge, m.values[r], remote);
      if (m.observer != nullptr) m.observer->merged(r, m.values[r], remote, merged);
      m.join(ActionKind::receive, r, std::move(merged));
    });
  }
  auto it = m.graph->by_name.find(name);
  if (it == m.graph->by_name.end()) {
    return failure(fmt::format("receive: no distributed reactive named \"{}\"", name));
  }
  const ReactiveId r = it->second;
  Value merged;
  try {
    merged = m.options.receiver->merge(r, m.info(r).merge, m.values[r], remote);
  } catch (const Error& e) {
    if (m.observer != nullptr) m.observer->merge_failed(r, m.values[r], remote, e);
    return failure(e.what());
  }
  if (m.observer != nullptr) m.observer->merged(r, m.values[r], remote, merged);
  if (m.options.receiver->effect(r) == ReceiveEffect::write_only) {
    // µ(r).val ← v without a propagation and without a commit.
    try {
      m.start(ActionKind::receive, r, std::move(merged));
    } catch (const Error& e) {
      return m.abort(e);
    }
    m.end();
    return in_progress();
  }
  return m.guarded([&] { m.start(ActionKind::receive, r, std::move(merged)); });
}

ActionResult Runtime::fire(ReactiveId r, Value v) {
  Impl& m = *impl_;
  if (!m.propagating && m.is_created(r) && m.states[r].kind == ReactiveKind::source) {
    if (m.observer == nullptr) {
      if (m.level_order != nullptr) {
        // guarded() without its finished() test: the level order's loop ends
        // with every outdated reactive processed.
        try {
          m.fire_in_level_order(r, std::move(v), *m.level_order);
        } catch (const Error& e) {
          return m.abort(e);
        } catch (const std::exception& e) {
          return m.abort(ForeignException(e.what()));
        }
        assert(m.finished());
        return m.commit_unobserved();
      }
    }
    // begin_fire and run_policy in one guarded step (one result, one try).
    return m.guarded([&] {
      m.start(ActionKind::fire, r, std::move(v));
      if (!m.finished()) m.options.policy->propagate(m.handle);
      assert(m.finished() && "a policy returned before every outdated reactive was processed");
    });
  }
  ActionResult result = begin_fire(r, std::move(v));
  if (result.committed || !result.failure.empty()) return result;
  return impl_->run_policy();
}

ActionResult Runtime::receive(std::string_view name, const Value& remote) {
  ActionResult result = begin_receive(name, remote);
  if (result.committed || !result.failure.empty() || !impl_->propagating) return result;
  return impl_->run_policy();
}

const Value& Runtime::value(ReactiveId r) const {
  // (access)  v = µ(r).val  ⟹  Σ⟨µ⟩ r.value →D Σ⟨µ⟩ v
  // Created reactives are dense (location(µ)): no look at the graph.
  if (r < impl_->created) return impl_->values[r];
  if (!impl_->exists(r)) throw Error(fmt::format("value: unknown reactive r{}", r));
  return impl_->values[r];
}

// ---- MapOperator --------------------------------------------------------------------

namespace {
// The buffers MapOperator::Gathered copies into, one per nesting depth (an
// operator may apply another: the checker's, a creation's initial map).
struct GatherBuffers {
  std::vector<std::vector<Value>> by_depth;
  std::size_t depth = 0;
};
thread_local GatherBuffers gather_buffers;
}  // namespace

MapOperator::Gathered::Gathered(Inputs inputs) {
  if (inputs.contiguous()) {
    values_ = inputs.span();
    return;
  }
  GatherBuffers& g = gather_buffers;
  if (g.depth == g.by_depth.size()) g.by_depth.emplace_back();
  std::vector<Value>& buffer = g.by_depth[g.depth];
  buffer.assign(inputs.begin(), inputs.end());
  ++g.depth;
  values_ = buffer;
  owned_ = true;
}

MapOperator::Gathered::~Gathered() {
  if (!owned_) return;
  GatherBuffers& g = gather_buffers;
  --g.depth;
  g.by_depth[g.depth].clear();  // keeps no string, list, map or CRDT alive
}

Value Runtime::apply_operator(ReactiveId r, std::span<const Value> inputs) const {
  const Impl::Node& n = impl_->created_node(r, "apply_operator");
  const Impl::Info& c = impl_->info(r);
  const ReactiveKind kind = impl_->states[r].kind;
  const std::size_t expected = kind == ReactiveKind::map ? n.inputs.size() : kind == ReactiveKind::source ? 0 : 2;
  if (kind == ReactiveKind::source) throw Error(fmt::format("apply_operator: {} is a source", impl_->describe(r)));
  if (c.creating_map_op || c.creating_fold_op) {
    // Applied here it would create reactives on this runtime.
    throw Error(fmt::format("apply_operator: {}'s operator creates reactives", impl_->describe(r)));
  }
  if (inputs.size() != expected) {
    throw Error(fmt::format("apply_operator: {} takes {} values, not {}", impl_->describe(r), expected, inputs.size()));
  }
  switch (kind) {
    case ReactiveKind::map: return n.map_op(inputs);
    case ReactiveKind::fold: return c.fold_op(inputs[0], inputs[1]);
    case ReactiveKind::flatten: return inputs[1];
    case ReactiveKind::source: break;
  }
  return Value();
}

bool Runtime::propagating() const { return impl_->propagating; }

bool Runtime::admits_concurrent_actions() const {
  return impl_->options.concurrent_actions == ConcurrentActions::join_running;
}

std::vector<ReactiveId> Runtime::ready(bool outdated_only) const {
  if (!impl_->propagating) return {};
  return impl_->handle.ready(outdated_only);
}

ActionResult Runtime::step(ReactiveId r) {
  Impl& m = *impl_;
  if (!m.propagating) throw Error("step: no propagation is running");
  m.created_node(r, "step");
  if (!m.ready(r)) throw Error(fmt::format("step: {} is not ready", m.describe(r)));
  return m.guarded([&] { m.apply(r); });
}

ActionResult Runtime::finish() {
  if (!impl_->propagating) return failure("finish: no propagation is running");
  return impl_->run_policy();
}

// ---- introspection --------------------------------------------------------------------

std::size_t Runtime::size() const { return impl_->created; }

ReactiveKind Runtime::kind(ReactiveId r) const {
  impl_->created_node(r, "kind");
  return impl_->states[r].kind;
}

const std::string& Runtime::label(ReactiveId r) const {
  return impl_->created_info(r, "label").label;
}

std::uint64_t Runtime::labels_hash() const {
  const Dataflow& g = *impl_->graph;
  const std::size_t size = impl_->created;
  if (g.labels != 0 && size == g.created) return g.labels;
  std::uint64_t h = hash_combine(0x6c6162656c73ULL, size);
  for (ReactiveId r = 0; r < size; ++r) h = hash_combine(h, hash_bytes(g.info[r].label));
  if (h == 0) h = 1;  // 0 means "not computed"
  if (size == g.created) g.labels = h;
  return h;
}

std::optional<ReactiveId> Runtime::find(std::string_view label) const {
  auto it = impl_->graph->by_label.find(label);
  if (it == impl_->graph->by_label.end()) return std::nullopt;
  return it->second;
}

std::uint32_t Runtime::level(ReactiveId r) const {
  impl_->created_node(r, "level");
  return impl_->states[r].level;
}

std::vector<ReactiveId> Runtime::inputs(ReactiveId r) const {
  impl_->created_node(r, "inputs");
  return impl_->inputs_of(r);
}

std::vector<std::pair<std::string, ReactiveId>> Runtime::distributed() const {
  return {impl_->graph->by_name.begin(), impl_->graph->by_name.end()};
}

std::span<const Runtime::Distributed> Runtime::distributed_reactives() const { return impl_->graph->distributed; }

bool Runtime::is_distributed(ReactiveId r) const {
  return impl_->created_info(r, "is_distributed").distributed;
}

const MergeFunction* Runtime::merge_function(ReactiveId r) const {
  const auto& info = impl_->created_info(r, "merge_function");
  return info.distributed && info.merge ? &info.merge : nullptr;
}

std::optional<ReactiveId> Runtime::resolve(const Value& reference) const {
  return impl_->resolve(reference);
}

std::vector<ReactiveId> Runtime::active() const {
  if (!impl_->propagating) return {};
  impl_->list_active();
  std::vector<ReactiveId> result = impl_->active_list;
  std::sort(result.begin(), result.end());
  return result;
}

std::vector<ReactiveId> Runtime::processed() const {
  std::vector<ReactiveId> result;
  if (!impl_->propagating) return result;
  for (ReactiveId r = 0; r < impl_->created; ++r) {
    if (impl_->processed(r)) result.push_back(r);
  }
  return result;
}

const Snapshot& Runtime::snapshot() const { return impl_->sigma; }

template <class ValueHash>
std::uint64_t Runtime::fingerprint_of(const ValueHash& value_hash) const {
  const Impl& m = *impl_;
  std::uint64_t values = 0;  // each reactive's value at its id (core/hash.hpp, hash_at)
  for (ReactiveId r = 0; r < m.nodes().size(); ++r) {
    if (m.info(r).slot == Slot::empty) continue;
    values += hash_at(r, value_hash(m.values[r]));
  }
  std::uint64_t h = hash_combine(hash_combine(0x66727369'6d2d6d75ULL, m.created), values);
  if (m.propagating) {
    h = hash_combine(h, 0x41ULL);
    for (ReactiveId r : active()) h = hash_combine(h, r);
    h = hash_combine(h, 0x50ULL);
    for (ReactiveId r : processed()) h = hash_combine(h, r);
  }
  return h;
}

std::uint64_t Runtime::fingerprint() const { return fingerprint_of([](const Value& v) { return v.hash(); }); }

std::uint64_t Runtime::fingerprint(const std::function<std::uint64_t(const Value&)>& value_hash) const {
  return fingerprint_of(value_hash);
}

std::string Runtime::to_dot() const {
  const Impl& m = *impl_;
  std::vector<GraphNode> out(m.nodes().size());
  for (ReactiveId r = 0; r < m.nodes().size(); ++r) {
    const Impl::Info& c = m.info(r);
    if (c.slot == Slot::empty) {
      out[r] = {"", "none"};
    } else if (c.slot == Slot::placeholder) {
      out[r] = {fmt::format("r{} (restored)", r), "plaintext"};
    } else {
      static constexpr std::string_view shapes[] = {"box", "ellipse", "box3d", "diamond"};
      const ReactiveKind kind = m.states[r].kind;
      out[r] = {fmt::format("{}: {}", m.describe(r), to_string(kind)),
                std::string(shapes[static_cast<int>(kind)])};
    }
  }
  return core::to_dot(out, m.graph_edges());
}

}  // namespace frsim::core
