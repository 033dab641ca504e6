#pragma once
// The FR calculus on one device (paper §3, Figs. 3–8; DESIGN §3–4).
//
// A Runtime is the store µ of one device plus the running propagation (A; P).
// Its durable storage, the snapshot Σ, is a separate object owned by the
// device, so a crash is "destroy the Runtime" and a restart is "construct a new
// Runtime over the same Snapshot and re-run the application's creation code"
// (paper §2.4, §4.9).
//
// Which ready reactive is processed next is a runtime Policy object (REScala's
// scheduler/operator split): the calculus policy asks a Chooser, the level
// policy takes the cheapest deterministic order and never touches reactives the
// action cannot reach. Both end every propagation in the same store (Lemma 4.11).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/bytes.hpp"
#include "core/error.hpp"
#include "core/value.hpp"

namespace frsim::core {

enum class ReactiveKind : std::uint8_t { source, map, fold, flatten };
std::string_view to_string(ReactiveKind kind);

// Map: "(r1, r2).Map{vop}", applied to the inputs' values in input order.
// An operator takes them as Inputs, read where the store holds them; one
// written for a std::span<const Value> is accepted too, and gets its inputs
// side by side (one input in place, several gathered into a scratch buffer
// the runtime reuses: a copy of each, as before Inputs existed).
class MapOperator {
 public:
  MapOperator() = default;
  MapOperator(std::nullptr_t) {}  // NOLINT: as std::function
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, MapOperator> && std::is_invocable_r_v<Value, F&, Inputs>)
  MapOperator(F f) : call_(std::move(f)) {}  // NOLINT: any callable, as std::function
  template <class F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, MapOperator> && !std::is_invocable_r_v<Value, F&, Inputs> &&
             std::is_invocable_r_v<Value, F&, std::span<const Value>>)
  MapOperator(F f) : call_(ReadsSpan<F>{std::move(f)}) {}  // NOLINT

  Value operator()(Inputs inputs) const { return call_(inputs); }
  explicit operator bool() const { return static_cast<bool>(call_); }

 private:
  // Values side by side for the span of an operator that takes one: the
  // inputs themselves when contiguous, else copies in a per-thread buffer
  // (one per nesting depth, kept across calls, emptied after each).
  class Gathered {
   public:
    explicit Gathered(Inputs inputs);
    ~Gathered();
    Gathered(const Gathered&) = delete;
    Gathered& operator=(const Gathered&) = delete;
    std::span<const Value> span() const { return values_; }

   private:
    std::span<const Value> values_;
    bool owned_ = false;
  };
  template <class F>
  struct ReadsSpan {
    F f;
    Value operator()(Inputs inputs) {
      if (inputs.contiguous()) return f(inputs.span());
      const Gathered gathered(inputs);
      return f(gathered.span());
    }
  };
  std::function<Value(Inputs)> call_;
};
// Fold: "r1.Fold(v){state => v => state'}".
using FoldOperator = std::function<Value(const Value& state, const Value& input)>;
// M(r): the merge of a distributed reactive (Fig. 9). Must be a semilattice join;
// the default is the CRDT join of the values (Value::join).
using MergeFunction = std::function<Value(const Value& local, const Value& remote)>;

// Creation inside operators (Fig. 6 applied to an operator's body; see
// core/README.md, "Creation"). An operator that takes a Creation may create
// Sources, Maps, Folds and Flattens while it runs; each returns a reference
// (Value::ref), an ordinary value the operator may return or store.
class Creation;
using CreatingMapOperator = std::function<Value(std::span<const Value> inputs, Creation& create)>;
using CreatingFoldOperator = std::function<Value(const Value& state, const Value& input, Creation& create)>;

// Σ's table r ↦ v: a vector sorted by id with the std::map operations its
// readers use (find, contains, insert_or_assign, iteration in ascending id).
// A vector, so that copying a device's storage is one allocation, not one per
// entry (a world is copied at every branch of a search, DESIGN §6).
class SnapshotValues {
 public:
  using value_type = std::pair<ReactiveId, Value>;
  using const_iterator = std::vector<value_type>::const_iterator;

  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  std::size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const_iterator find(ReactiveId r) const;
  bool contains(ReactiveId r) const { return find(r) != end(); }
  const Value& at(ReactiveId r) const;  // throws core::Error when absent
  void insert_or_assign(ReactiveId r, Value v);
  // The same for a caller that remembers where r's entry was: `hint` is
  // tried first (an index; any value is safe) and then set to r's index.
  // A commit stores the same few reactives every time: no search.
  void insert_or_assign(ReactiveId r, Value v, std::uint32_t& hint) {
    if (hint < entries_.size() && entries_[hint].first == r) {
      entries_[hint].second = std::move(v);
      return;
    }
    hint = insert_or_assign_at(r, std::move(v));
  }
  // r's value where `hint` says r's entry is, or null when it is not there.
  Value* at_hint(ReactiveId r, std::uint32_t hint) {
    return hint < entries_.size() && entries_[hint].first == r ? &entries_[hint].second : nullptr;
  }
  void clear() { entries_.clear(); }
  friend bool operator==(const SnapshotValues&, const SnapshotValues&) = default;

 private:
  std::uint32_t insert_or_assign_at(ReactiveId r, Value v);  // returns r's index
  std::vector<value_type> entries_;
};

// Creation code a workload action runs (sim::Action::create): defined by
// name in the creation code (Runtime::define_creation), so that a restart,
// which runs the creation code again, can replay it.
using CreationProcedure = std::function<void(Creation& create, const Value& argument)>;
// The `creator` of a CreationRecord left by a workload action's creation
// (Runtime::create(name, argument)): its inputs are {name, argument}.
inline constexpr ReactiveId action_creator = 0xFFFF'FFFEu;

// One committed reevaluation that created reactives (after the creation
// code): which operator, and the values it read; or one workload action's
// creation (creator == action_creator): which procedure, and its argument. Restoration replays it
// (Thm. 4.24: "after the creation prefix any action causes the same
// changes"): the operator is applied to the same values again, so it creates
// the same reactives, in the same order, at the same locations
// [first, first + count); its result is discarded (Σ has it already).
struct CreationRecord {
  ReactiveId creator = 0;
  std::vector<Value> inputs;  // in the order of inputs(creator, µ)
  ReactiveId first = 0;
  std::uint32_t count = 0;
  friend bool operator==(const CreationRecord&, const CreationRecord&) = default;
};

// Σ : r ↦ v, the durable state of a device (Fig. 4). Holds only sources and
// folds (and the reactives nested in their values). Survives crashes.
struct Snapshot {
  SnapshotValues values;
  // The creations to replay at restart, in the order they committed.
  std::vector<CreationRecord> creations;
  // The reactives this device promoted (Runtime::promote, §3.4), ascending.
  // Promotion puts r in dom(M), and M is the configuration's, not a store's
  // ("we assume that this transformation has already been applied for each
  // nested reactive"): a restart promotes them again under the same names
  // (core::restore_after_creation_code), so the replicas elsewhere keep
  // following their creator.
  std::vector<ReactiveId> promoted;
  // Which reactive each name a stored value refers to by name (a named_ref)
  // denoted when it was stored, ascending by name. §3.2 restores "the values
  // of any inner r" as constants: a restart finds by this table the inner
  // reactive of a name whose reactive the creation code has not made yet (one
  // a workload action or an operator created), as it finds a plain ref's.
  std::vector<std::pair<std::string, ReactiveId>> names;
  std::uint64_t commits = 0;  // how many propagations have committed into it

  // names' entry for `name` := r.
  void name(const std::string& name, ReactiveId r);
  // What names had `name` denote, if anything.
  std::optional<ReactiveId> named(std::string_view name) const;

  // Stable hash of the values (not of the commit count); equal Σ hash equal.
  std::uint64_t fingerprint() const;
  // The same with each value hashed by `value_hash` (Runtime::fingerprint).
  std::uint64_t fingerprint(const std::function<std::uint64_t(const Value&)>& value_hash) const;
  // Size of Σ's byte encoding (ids and values), what durable storage holds.
  std::size_t encoded_bytes() const;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

// Why a propagation started.
enum class ActionKind : std::uint8_t {
  fire,     // rule (fire): r.fire(v) on a source
  receive,  // rule (receive): merge of a remote value into a distributed reactive
  create,   // rule (map): the initial evaluation of a new Map
};

struct ActionResult {
  bool committed = true;
  // When not committed: the store is exactly as before the action, nothing was
  // written to the snapshot, and this names the failed operation.
  std::string failure;
  std::optional<InvalidOp> invalid_op;
};

// What the runtime tells the world (and through it, the checker). Observers
// only observe; they never steer. All hooks default to doing nothing.
class Observer {
 public:
  virtual ~Observer() = default;
  virtual void created(ReactiveId, ReactiveKind, std::string_view /*label*/) {}
  virtual void action_started(ActionKind, ReactiveId, const Value& /*new value*/) {}
  // Rule (reevaluate), with the input reactives inputs(r, µ) and the values
  // the operator read, in order.
  virtual void reevaluated(ReactiveId, std::span<const ReactiveId> /*inputs*/,
                           std::span<const Value> /*input values*/) {}
  virtual void written(ReactiveId, const Value&) {}   // rule (write)
  // Rule (skip), when applied to a reactive explicitly. At (commit) the
  // reactives still unprocessed (none of them outdated) are skipped without an
  // event each: the level policy never touches what the action cannot reach.
  virtual void skipped(ReactiveId) {}
  virtual void committed(std::span<const ReactiveId> /*active, ascending*/) {}  // rule (commit)
  virtual void aborted(const Error&) {}               // rolled back, nothing committed
  virtual void merged(ReactiveId, const Value& /*local*/, const Value& /*remote*/,
                      const Value& /*result*/) {}
  // (receive)'s M(r)(local, remote) threw: the receive is aborted (nothing
  // changed). Default: aborted(error).
  virtual void merge_failed(ReactiveId, const Value& /*local*/, const Value& /*remote*/, const Error& error) {
    aborted(error);
  }
  virtual void restored(ReactiveId, const Value&) {}  // Source/Fold creation took Σ(r)
};

// Picks the index of the next reactive among the ready ones (ascending ids).
using Chooser = std::function<std::size_t(std::span<const ReactiveId> ready)>;

class Runtime;
// Which ready reactive goes next, and how. Defined in core/policy.hpp.
class Policy;
std::unique_ptr<Policy> level_policy();
std::unique_ptr<Policy> calculus_policy(Chooser chooser = {});  // default: lowest id
// How Σ is written (creation, write, commit). Defined in core/snapshot.hpp.
class SnapshotWriter;
// How (receive) merges and activates. Defined in core/receive.hpp.
class Receiver;

// What (fire) and (receive) do while a propagation runs. The calculus refuses
// (Lemma 4.13, isolation: "Neither the fire nor remote rule may trigger a
// concurrent action when a propagation is in progress"). `join_running` is
// not the calculus: it exists for the checker's mutant-no-isolation, which
// must see the isolation property fail. The action then starts inside the
// running propagation: its reactive is written and activated in the same
// (A; P), so reactives already processed never see it. Consulted only where
// the calculus refuses, never on the path of a normal action.
enum class ConcurrentActions : std::uint8_t { refuse, join_running };

struct RuntimeOptions {
  // Shared by every copy of the runtime (and by the devices a scenario gives
  // the same object): a policy keeps scratch buffers between propagations,
  // never anything that decides a later one.
  std::shared_ptr<Policy> policy;  // null: level_policy()
  Observer* observer = nullptr;    // not owned; may be null
  std::shared_ptr<const SnapshotWriter> snapshot_writer = nullptr;  // null: the calculus' writer
  std::shared_ptr<const Receiver> receiver = nullptr;             // null: the calculus' receive
  ConcurrentActions concurrent_actions = ConcurrentActions::refuse;
  // A budget's stop request (a time limit, an interrupt), polled every few
  // hundred rule applications of one propagation; may be null. When set, the
  // propagation throws PropagationStopped.
  const std::atomic<bool>* stop = nullptr;
  // Not the calculus: a checker's mutant (mutant-wrong-write) wraps each Map
  // operator as the Map is created, to make the engine write what the
  // operator did not compute. Consulted once per (map) creation, never while
  // propagating; empty for the calculus.
  std::function<MapOperator(MapOperator)> wrap_map_operator = nullptr;
  // Not the calculus: a checker's mutant (mutant-forget-dynamic-creation)
  // makes replay_creations() do nothing, so a restart rebuilds only what the
  // creation code creates. False for the calculus.
  bool forget_dynamic_creation = false;
  // Not the calculus, and off unless a caller asks: equal-value cut-off in
  // the level order (DESIGN §3, "Cut-off"). Fig. 8 reevaluates every
  // reactive an active one reaches, equal value or not; with this set, a
  // fired source or a Map whose new value equals its old one does not
  // activate its readers when everything it reaches is a Map with a plain
  // operator (no Fold, Flatten, creating operator or distributed reactive):
  // such readers would compute the values they hold, so the store at
  // (commit) is the calculus's, with fewer reevaluations. For measuring
  // propagation against libraries that cut off (bench/); the checker and the
  // world never set it, and it applies without an observer only. Requires
  // pure operators (which reactives qualify is kept per runtime, in its
  // ReactiveState, and computed again after the graph changes).
  bool equal_value_cutoff = false;
};

// Thrown out of a propagation whose stop request is set. Deliberately not a
// std::exception: the guard that turns an operator's exception into an
// aborted action (a finding) must not catch it. The runtime is left
// mid-propagation and must be discarded; an explorer catches it and ends its
// campaign at the budget.
struct PropagationStopped {};

// How values travel in a state vector: a codec may write them inline or as
// references into a table it keeps (sim's StateCodec interns heap values).
class ValueCodec {
 public:
  virtual ~ValueCodec() = default;
  virtual void write(Encoder& out, const Value& v) = 0;
  virtual Value read(Decoder& in) = 0;
};
// A creation record in a state vector (Σ's, or a propagation's pending
// ones); decode throws DecodeError on corrupt input.
void encode_record(Encoder& out, const CreationRecord& record, ValueCodec& values);
CreationRecord decode_record(Decoder& in, ValueCodec& values);

// The dataflow graph of a runtime without its values: kinds, static inputs,
// dynamic edges, levels, operators, labels and names (µ minus .val, Fig. 3).
// Copies of a runtime share it; it is immutable while shared, and a change (a
// reactive created, a flatten's dynamic edge moved) copies it first. Opaque
// outside core/runtime.cpp.
class Dataflow;
// Equal for graphs of equal shape: slots, kinds, inputs, dynamic edges,
// levels, labels and distributed names. Operators are not compared: graphs
// built by the same creation code have the same signature.
std::uint64_t signature(const Dataflow& graph);
// The number of slots (created reactives and restored constants) of a graph.
std::size_t slots(const Dataflow& graph);

class Runtime {
 public:
  // `storage` is the device's durable snapshot; it must outlive the Runtime.
  explicit Runtime(Snapshot& storage, RuntimeOptions options = {});
  // A runtime over an existing graph (a device's graph as a state vector
  // names it): every value unit, no propagation running; decode_state fills
  // in the rest. The creation code is not run.
  Runtime(Snapshot& storage, RuntimeOptions options, std::shared_ptr<const Dataflow> graph);
  // A copy of `other` (store, dynamic edges, running propagation, options)
  // over another storage and with another observer, sharing the dataflow
  // graph and its operators. Time proportional to |µ|, not to the history
  // that built it (a world is a value, DESIGN §6). The caller copies Σ.
  Runtime(const Runtime& other, Snapshot& storage, Observer* observer);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  // Becomes a copy of `other` in place, keeping this runtime's storage and
  // observer; reuses this runtime's buffers.
  void assign(const Runtime& other);

  // ---- creation (Fig. 6); each takes location(µ), the next dense id --------
  // An optional label names the reactive for people and workloads ("text").
  // Errors (an input that does not exist, a cycle) throw core::Error.

  // (source): vs = lookup(r, Σ, v); Σ gets r ↦ vs.
  ReactiveId source(Value initial, std::string label = {});
  // (map): evaluates the operator once, as a propagation with only r active.
  ReactiveId map(std::vector<ReactiveId> inputs, MapOperator op, std::string label = {});
  // (fold): inputs {r, r1}; vs = lookup(r, Σ, v).
  ReactiveId fold(ReactiveId input, Value initial, FoldOperator op, std::string label = {});
  // (flatten): input dynamic(r0); value µ(µ(r0).val).val.
  ReactiveId flatten(ReactiveId outer, std::string label = {});
  // Distributed reactives (§2.3, §3.4): sources and folds whose value is
  // replicated under a global name; the name is also the label.
  ReactiveId distributed_source(std::string name, Value initial, MergeFunction merge = {});
  ReactiveId distributed_fold(std::string name, ReactiveId input, Value initial, FoldOperator op,
                              MergeFunction merge = {});
  // Promotion (§3.4, core/wire.hpp): r, a created reactive of this device
  // that is not distributed, becomes a distributed reactive named `name`
  // with merge M(r) = `merge`. Not a creation: r keeps its id, kind, inputs
  // and value. Throws core::Error if r is unknown or distributed already, or
  // the name is taken.
  void promote(ReactiveId r, std::string name, MergeFunction merge);
  // The same with operators that create reactives while they run (Creation).
  ReactiveId map(std::vector<ReactiveId> inputs, CreatingMapOperator op, std::string label = {});
  ReactiveId fold(ReactiveId input, Value initial, CreatingFoldOperator op, std::string label = {});
  ReactiveId distributed_fold(std::string name, ReactiveId input, Value initial, CreatingFoldOperator op,
                              MergeFunction merge = {});
  // Code that creates reactives outside any operator (the creation code, a
  // workload's action): the same Creation interface, the same rules.
  void create(const std::function<void(Creation&)>& code);
  // A creation procedure a workload action may run, defined by the creation
  // code (outside any propagation). Throws Error if `name` is taken.
  void define_creation(std::string name, CreationProcedure code);
  // A workload action's creation (Fig. 6 after the creation prefix): runs
  // the procedure `name` on `argument` through a Creation and, if it created
  // anything, appends a CreationRecord {action_creator, {name, argument}}
  // to Σ at once (outside a propagation Σ gets created sources and folds at
  // creation), which replay_creations() replays after a restart (Thm.
  // 4.24). Throws Error for an unknown name, during a propagation, or what
  // the procedure throws (what it created so far stays, unrecorded).
  void create(std::string_view name, const Value& argument);
  // Restoration of what operators created after the creation code (Thm.
  // 4.24): replays Σ's creation records in order. Called once, right after
  // the creation code on a restart; does nothing on a fresh Σ. Errors (an
  // operator that creates something else this time) throw core::Error.
  void replay_creations();
  // Whether r's operator takes a Creation (it may create reactives).
  bool creates_reactives(ReactiveId r) const;
  // Which reevaluation created r: 0 for the creation code, else a hash of
  // the creating operator's reactive and the values it read. Reactives of
  // equal provenance have the same operators.
  std::uint64_t provenance(ReactiveId r) const;

  // ---- actions: a whole propagation, with this runtime's policy ------------
  // (fire): only on sources; firing a derived or unknown reactive is an Error
  // result (not committed), never a crash.
  ActionResult fire(ReactiveId r, Value v);
  // (receive): v = merge(µ(r).val, remote); propagation with r active.
  ActionResult receive(std::string_view name, const Value& remote);
  // (access)
  const Value& value(ReactiveId r) const;
  // reevexp(r, µ) on given values, nothing written: µ(r).op applied to
  // `inputs`, in the order of inputs(r, µ) (a fold: its state, then r1; a
  // flatten: the outer reference, then the inner's value, which it returns).
  // The checker re-evaluates a device's operators on a rebuilt runtime with
  // it. Throws Error for a source, an operator that creates reactives
  // (creates_reactives), a wrong number of values, or what the operator
  // throws.
  Value apply_operator(ReactiveId r, std::span<const Value> inputs) const;

  // ---- the same, one rule at a time (fine grain) ---------------------------
  // begin_* applies the rule that starts the propagation; the caller then
  // picks ready reactives (step) until the commit rule applies. When nothing
  // is outdated afterwards, begin_* commits at once (committed == true);
  // otherwise it returns committed == false with no failure.
  ActionResult begin_fire(ReactiveId r, Value v);
  ActionResult begin_receive(std::string_view name, const Value& remote);
  bool propagating() const;
  // RuntimeOptions::concurrent_actions == join_running: fire and receive start
  // even while a propagation runs (a checker's mutant; false for the calculus).
  bool admits_concurrent_actions() const;
  // ready(P, µ) = {r ∉ P | inputs(r, µ) ⊆ P ∪ {r}}, ascending. With
  // `outdated_only`, only those that (reevaluate) applies to: skips commute
  // with everything, so exploration need not order them.
  std::vector<ReactiveId> ready(bool outdated_only = false) const;
  // Applies (skip) or (reevaluate)+(write) to r; applies (commit) when P =
  // dom(µ) afterwards (skipping any remaining reactives first). r must be in
  // ready(); otherwise an Error is thrown and nothing changes. While the
  // propagation continues the result has committed == false and no failure.
  ActionResult step(ReactiveId r);
  // Runs the rest of the current propagation with the policy.
  ActionResult finish();

  // ---- introspection ---------------------------------------------------------
  std::size_t size() const;  // |dom(µ)|
  ReactiveKind kind(ReactiveId r) const;
  const std::string& label(ReactiveId r) const;
  // A hash of every created reactive's label, in location order: which
  // reactive each location holds, which the values alone do not tell.
  // Computed once per graph (copies of a runtime share it).
  std::uint64_t labels_hash() const;
  std::optional<ReactiveId> find(std::string_view label) const;
  // The reactive's height in the dataflow graph: greater than every input's
  // (the level policy's order). Raised, never lowered, when a flatten's
  // dynamic edge moves to a higher inner reactive.
  std::uint32_t level(ReactiveId r) const;
  // inputs(r, µ) (Fig. 3): for a flatten, the outer and the current inner reactive.
  std::vector<ReactiveId> inputs(ReactiveId r) const;
  // Distributed reactives by name, ascending.
  std::vector<std::pair<std::string, ReactiveId>> distributed() const;
  // The same without copying: name, id and the name's hash (core::hash_bytes);
  // the creation code's by name, then those operators created, in creation
  // order (a position once taken stays).
  struct Distributed {
    std::string name;
    ReactiveId id = 0;
    std::uint64_t name_hash = 0;
  };
  std::span<const Distributed> distributed_reactives() const;
  bool is_distributed(ReactiveId r) const;
  // M(r), the merge function of distributed reactive r (the program's; an
  // engine mutant's receiver may apply another). Null if r is not distributed.
  const MergeFunction* merge_function(ReactiveId r) const;
  // The reactive a ref or named_ref value denotes on this device (a created
  // reactive, or a restored constant that is not created yet, paper §3.2).
  std::optional<ReactiveId> resolve(const Value& reference) const;
  // The current propagation's sets, for observers and the checker.
  std::vector<ReactiveId> active() const;
  std::vector<ReactiveId> processed() const;
  const Snapshot& snapshot() const;
  // Hash of µ's values (and of (A; P) while propagating); equal stores hash equal.
  std::uint64_t fingerprint() const;
  // The same with each value hashed by `value_hash` instead of Value::hash:
  // symmetry reduction hashes the store as a permutation of devices renames
  // it (sim/explore/reduction.hpp).
  std::uint64_t fingerprint(const std::function<std::uint64_t(const Value&)>& value_hash) const;
  // The dataflow graph (Graphviz DOT), dynamic edges dashed.
  std::string to_dot() const;

  // ---- state vectors and bindings ---------------------------------------------
  const Dataflow& dataflow() const;
  std::shared_ptr<const Dataflow> share_dataflow() const;
  // Switches to another graph with the same slots (a state vector's) and
  // clears every value; decode_state follows.
  void adopt_dataflow(std::shared_ptr<const Dataflow> graph);
  // µ's values and the running propagation ((A; P), the undo log, moved
  // dynamic edges), exactly; the graph is the caller's to name.
  void encode_state(Encoder& out, ValueCodec& values) const;
  // The inverse, on a runtime over the same graph; throws DecodeError on
  // corrupt input.
  void decode_state(Decoder& in, ValueCodec& values);
  const RuntimeOptions& options() const;
  void set_observer(Observer* observer);
  void set_stop(const std::atomic<bool>* stop);

  struct Impl;

 private:
  template <class ValueHash>
  std::uint64_t fingerprint_of(const ValueHash& value_hash) const;

  std::unique_ptr<Impl> impl_;
};

// What an operator creates with (see CreatingMapOperator). Each call applies
// the rule of Fig. 6 at r = location(µ), the next dense id; sources and folds
// take lookup(r, Σ, v). Inputs are references (Value::ref or named_ref) to
// reactives of this device. Inside a propagation the new reactive joins it
// unprocessed: it is reevaluated if an input is active (outdated(A, µ)), and
// skipped otherwise; Σ gets it at (commit), with the creation's record.
class Creation {
 public:
  Value source(Value initial, std::string label = {});
  Value map(const std::vector<Value>& inputs, MapOperator op, std::string label = {});
  Value map(const std::vector<Value>& inputs, CreatingMapOperator op, std::string label = {});
  Value fold(const Value& input, Value initial, FoldOperator op, std::string label = {});
  Value fold(const Value& input, Value initial, CreatingFoldOperator op, std::string label = {});
  Value flatten(const Value& outer, std::string label = {});
  Value distributed_source(std::string name, Value initial, MergeFunction merge = {});
  Value distributed_fold(std::string name, const Value& input, Value initial, FoldOperator op,
                         MergeFunction merge = {});
  // How many reactives this creation made so far.
  std::uint32_t count() const { return count_; }

 private:
  friend struct Runtime::Impl;
  friend class Runtime;
  explicit Creation(Runtime::Impl& impl) : impl_(impl) {}
  ReactiveId input(const Value& reference, std::string_view what) const;
  Value made(ReactiveId r);
  Runtime::Impl& impl_;
  std::uint32_t count_ = 0;
  ReactiveId first_ = 0;
};

}  // namespace frsim::core
