#include "checker/oracle.hpp"

#include <algorithm>
#include <cassert>
#include <limits>
#include <span>
#include <cstdlib>
#include <optional>
#include <set>
#include <tuple>

#include "checker/identity.hpp"
#include "core/crdt/crdt.hpp"
#include "core/error.hpp"
#include "core/receive.hpp"
#include "core/wire.hpp"
#include "sim/network.hpp"

namespace frsim::checker {

// ---- the observable form of a value ------------------------------------------------

namespace {

namespace crdt = core::crdt;
using core::Value;

Value observed_list(const core::ValueList& items) {
  core::ValueList out;
  out.reserve(items.size());
  for (const auto& v : items) out.push_back(observed(v));
  return Value::list(std::move(out));
}

Value observed_crdt(const Value& v) {
  const std::string_view type = v.as_crdt().type_name();
  if (type == crdt::GCounter::type_name_v) {
    return Value::integer(static_cast<std::int64_t>(crdt::as<crdt::GCounter>(v).count()));
  }
  if (type == crdt::PnCounter::type_name_v) return Value::integer(crdt::as<crdt::PnCounter>(v).count());
  if (type == crdt::LwwRegister::type_name_v) return observed(crdt::as<crdt::LwwRegister>(v).get());
  if (type == crdt::EwFlag::type_name_v) return Value::boolean(crdt::as<crdt::EwFlag>(v).enabled());
  if (type == crdt::GSet::type_name_v) return observed_list(crdt::as<crdt::GSet>(v).elements());
  if (type == crdt::TwoPSet::type_name_v) return observed_list(crdt::as<crdt::TwoPSet>(v).elements());
  if (type == crdt::OrSet::type_name_v) return observed_list(crdt::as<crdt::OrSet>(v).elements());
  if (type == crdt::Rga::type_name_v) return observed_list(crdt::as<crdt::Rga>(v).elements());
  if (type == crdt::OrMap::type_name_v) {
    const auto& map = crdt::as<crdt::OrMap>(v);
    core::ValueMap out;
    for (const auto& key : map.keys()) out.emplace_back(observed(key), observed(*map.get(key)));
    return Value::map(std::move(out));
  }
  // max-int, ivar and the multi-value register carry no metadata beyond
  // what a user reads (the register's values are matched as a set).
  return v;
}

bool is_mv_register(const Value& v) {
  return v.is_crdt() && v.as_crdt().type_name() == crdt::MvRegister::type_name_v;
}

}  // namespace

Value observed(const Value& v) {
  switch (v.kind()) {
    case core::Kind::list: return observed_list({v.as_list().begin(), v.as_list().end()});
    case core::Kind::map: {
      core::ValueMap out;
      for (const auto& [key, value] : v.as_map()) out.emplace_back(observed(key), observed(value));
      return Value::map(std::move(out));
    }
    case core::Kind::crdt: return observed_crdt(v);
    default: return v;
  }
}

bool matches(const Value& run, const Value& sequential) {
  if (run == sequential) return true;
  if (is_mv_register(run) && is_mv_register(sequential)) {
    const auto concurrent = crdt::as<crdt::MvRegister>(run).values();
    const auto last = crdt::as<crdt::MvRegister>(sequential).values();
    return !last.empty() && std::all_of(last.begin(), last.end(), [&](const Value& x) {
      return std::any_of(concurrent.begin(), concurrent.end(), [&](const Value& c) { return matches(c, x); });
    });
  }
  if (run.kind() != sequential.kind()) return false;
  if (run.kind() == core::Kind::list) {
    const auto a = run.as_list();
    const auto b = sequential.as_list();
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), matches);
  }
  if (run.kind() == core::Kind::map) {
    const auto& a = run.as_map();
    const auto& b = sequential.as_map();
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](const auto& x, const auto& y) {
             return x.first == y.first && matches(x.second, y.second);
           });
  }
  return false;
}

namespace {

// Two lists' distance as orders: the elements only one of them has, plus
// the pairs of common elements (occurrence by occurrence) that they order
// differently (Kendall's tau). Swapping two adjacent actions fixes one such
// pair at a time, so a descent follows it down.
std::size_t list_distance(std::span<const Value> a, std::span<const Value> b) {
  std::vector<std::size_t> in_b(a.size(), SIZE_MAX);  // a[i]'s position in b
  std::vector<bool> taken(b.size(), false);
  std::size_t alone = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = 0; j < b.size(); ++j) {
      if (taken[j] || !(a[i] == b[j])) continue;
      taken[j] = true;
      in_b[i] = j;
      break;
    }
    if (in_b[i] == SIZE_MAX) ++alone;
  }
  alone += static_cast<std::size_t>(std::count(taken.begin(), taken.end(), false));
  std::size_t inversions = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t k = i + 1; k < a.size(); ++k) {
      if (in_b[i] != SIZE_MAX && in_b[k] != SIZE_MAX && in_b[i] > in_b[k]) ++inversions;
    }
  }
  return alone + inversions;
}

// How far apart two observed values are: for lists, list_distance; for
// maps, the keys that differ; 1 for anything else that does not match.
std::size_t distance(const Value& run, const Value& sequential) {
  if (matches(run, sequential)) return 0;
  if (run.kind() == core::Kind::list && sequential.kind() == core::Kind::list) {
    return std::max<std::size_t>(list_distance(run.as_list(), sequential.as_list()), 1);
  }
  if (run.kind() == core::Kind::map && sequential.kind() == core::Kind::map) {
    std::size_t out = 0;
    for (const auto& [key, value] : run.as_map()) {
      const Value* other = sequential.find(key);
      out += other == nullptr || !matches(value, *other) ? 1 : 0;
    }
    for (const auto& [key, value] : sequential.as_map()) out += run.find(key) == nullptr ? 1 : 0;
    return std::max<std::size_t>(out, 1);
  }
  return 1;
}

}  // namespace

Difference difference(const std::vector<DeviceState>& run, const std::set<std::string>& distributed,
                      const ConvergedState& sequential) {
  Difference out;
  if (!sequential.quiesced || sequential.devices.size() != run.size()) {
    for (const auto& device : run) out.reactives += device.size();
    out.reactives = std::max<std::size_t>(out.reactives, 1);
    out.distance = std::numeric_limits<std::size_t>::max();
    out.ended = false;
    out.failure = sequential.failure;
    return out;
  }
  bool named_distributed = false;
  for (std::uint32_t d = 0; d < run.size(); ++d) {
    for (const auto& [identity, bytes] : run[d]) {
      auto it = sequential.devices[d].find(identity);
      if (it == sequential.devices[d].end() || it->second == bytes) continue;
      const std::size_t apart = distance(Value::decode(bytes), Value::decode(it->second));
      if (apart == 0) continue;
      ++out.reactives;
      out.distance += apart;
      const bool root = distributed.contains(identity);
      if (out.reactives > 1 && (named_distributed || !root)) continue;
      out.device = d;
      out.identity = identity;
      out.run = bytes;
      out.sequential = it->second;
      named_distributed = root;
    }
  }
  return out;
}

core::Value observed_part(const sim::Scenario& scenario, const std::string& label, const core::Value& v) {
  const auto it = label.empty() ? scenario.observe.end() : scenario.observe.find(label);
  if (it == scenario.observe.end()) return v;
  try {
    return it->second(v);
  } catch (const core::Error&) {
    return v;  // a projection that does not fit this value (e.g. its initial one) sees all of it
  }
}

DeviceState observed_state(const core::Runtime& rt, std::uint32_t device, const std::vector<bool>& selected,
                           const sim::Scenario& scenario) {
  DeviceState out;
  for (const auto& [identity, r] : by_identity(rt, device, selected, scenario)) {
    // References by global name: ids differ between devices and runs.
    const auto holder = rt.is_distributed(r) ? core::Holder::distributed : core::Holder::local;
    const Value seen = core::global_form(rt, device, observed_part(scenario, rt.label(r), rt.value(r)), holder);
    out.emplace(identity, observed(seen).encode());
  }
  return out;
}

// ---- sequential schedules -------------------------------------------------------------

namespace {

// The plain (receive), except while a device takes over the state an
// action left on another (Replicas::take_over): then v = the remote value.
class TakeOver final : public core::Receiver {
 public:
  core::Value merge(core::ReactiveId r, const core::MergeFunction& m, const core::Value& local,
                    const core::Value& remote) const override {
    return taking ? remote : core::Receiver::merge(r, m, local, remote);
  }
  mutable bool taking = false;
};

// The devices of a sequential schedule: plain runtimes over the world's
// topology (no network, faults, Lo substrate or event stream: nothing of
// that changes what the program computes when every message is delivered).
class Replicas {
 public:
  Replicas(const sim::Scenario& scenario, const sim::World& like)
      : neighbors_(sim::make_topology(like.config().topology, like.devices(), like.seed())) {
    for (std::uint32_t d = 0; d < like.devices(); ++d) {
      auto& replica = *replicas_.emplace_back(std::make_unique<Replica>());
      // The plain engine: what a mutant breaks is judged, not used.
      core::RuntimeOptions options;
      options.receiver = replica.receiver;
      // The judged world's budget stops its sequential schedules too
      // (core::PropagationStopped out of a propagation, as out of the world's).
      options.stop = like.stop();
      replica.runtime = std::make_unique<core::Runtime>(replica.sigma, std::move(options));
      scenario.create(*replica.runtime, sim::DeviceContext{d, like.devices()});
    }
  }
  // A copy in time proportional to the state (a runtime is a value, DESIGN
  // §6): the dataflow graph and its operators are shared, and so is each
  // device's TakeOver (the copy's runtime calls it; it is switched on only
  // around one take_over).
  Replicas(const Replicas& other) : neighbors_(other.neighbors_), ignored_(other.ignored_) {
    for (const auto& from : other.replicas_) {
      auto& replica = *replicas_.emplace_back(std::make_unique<Replica>());
      replica.sigma = from->sigma;
      replica.receiver = from->receiver;
      replica.runtime = std::make_unique<core::Runtime>(*from->runtime, replica.sigma, nullptr);
      replica.last_sent = from->last_sent;
    }
  }
  Replicas& operator=(const Replicas&) = delete;

  // Equal states hash equal: each device's store and Σ (as World::fingerprint
  // hashes them), what it last sent to whom, and the values ignored.
  std::uint64_t fingerprint() const {
    std::uint64_t h = 0x7265706c69636173ULL;  // "replicas"
    for (const auto& replica : replicas_) {
      h = core::hash_combine(h, replica->runtime->fingerprint());
      h = core::hash_combine(h, replica->sigma.fingerprint());
      h = core::hash_combine(h, replica->last_sent.size());
      for (const auto& [to, value] : replica->last_sent) {
        h = core::hash_combine(core::hash_combine(h, to.first), core::hash_bytes(to.second));
        h = core::hash_combine(h, value.hash());
      }
    }
    for (const auto& [to, from, name] : ignored_) {
      h = core::hash_combine(core::hash_combine(core::hash_combine(h, to), from), core::hash_bytes(name));
    }
    return h;
  }

  // The action's (fire); false if it does not commit here.
  bool fire(std::uint32_t device, const sim::Action& action) {
    core::Runtime& rt = *replicas_.at(device)->runtime;
    const auto r = rt.find(action.target);
    return r && rt.fire(*r, action.value).committed;
  }

  // A workload's creation (Fig. 6 after the creation prefix): what it
  // creates starts at its initial values and merges like the rest.
  // Every device then offers its values to `device` again.
  void create(std::uint32_t device, const sim::Action& action) {
    replicas_.at(device)->runtime->create(action.target, action.value);
    offer_again(device);
  }

  // Every device sends its values to `device` again at the next round.
  void offer_again(std::uint32_t device) {
    for (auto& replica : replicas_) {
      std::erase_if(replica->last_sent, [device](const auto& entry) { return entry.first.first == device; });
    }
  }

  // Device d's distributed values, by name.
  std::map<std::string, Value> distributed_values(std::uint32_t d) const {
    std::map<std::string, Value> out;
    const core::Runtime& rt = *replicas_.at(d)->runtime;
    for (const auto& [name, r] : rt.distributed()) out.emplace(name, rt.value(r));
    return out;
  }

  // Lasp's "one computer" (DESIGN §10): after an action on `from`, what it
  // changed is what every device holds — each takes over `from`'s new value
  // of every distributed reactive the action changed (`before`: its values
  // before), a (receive) whose result is the remote value. Where the
  // program's updates go up in M(r)'s order (M(old, new) = new) and the
  // devices were in sync, that is what merging gives too; where one does
  // not (a max-merged value that an update lowers, a set that a "replace"
  // shrinks), merging would undo it, and a run that merges then differs
  // from every sequential schedule.
  void take_over(std::uint32_t from, const std::map<std::string, Value>& before) {
    if (replicas_.size() < 2) return;  // nobody to take it over (and serialise would promote what is never sent)
    core::Runtime& source = *replicas_.at(from)->runtime;
    for (const auto& [name, r] : source.distributed()) {
      const auto was = before.find(name);
      if (was != before.end() && was->second == source.value(r)) continue;
      if (core::parse_promoted_name(name)) continue;  // a promoted reactive's replicas follow it by its stamp
      const Value wire = core::serialise(source, from, r);
      for (std::uint32_t to = 0; to < replicas_.size(); ++to) {
        if (to == from) continue;
        Replica& replica = *replicas_[to];
        const Value local = core::deserialise(*replica.runtime, to, name, wire);
        if (!replica.runtime->find(name)) continue;  // not created there (yet): merged when it is
        replica.receiver->taking = true;
        const auto result = replica.runtime->receive(name, local);
        replica.receiver->taking = false;
        if (!result.committed && !result.failure.empty()) throw core::Error(result.failure);
      }
    }
  }

  // Reliable delivery to every device until nothing changes: every device
  // sends each distributed reactive whose value changed since it last sent
  // it to that neighbour (all of them again when `resend`, as the healing
  // phase does), everything sent is received, round after round. False if
  // the rounds budget ran out.
  bool quiesce(bool resend) {
    if (resend) {
      for (auto& replica : replicas_) replica->last_sent.clear();
    }
    const std::uint64_t rounds_max = sim::healing_rounds_max(static_cast<std::uint32_t>(replicas_.size()));
    for (std::uint64_t round = 0; round < rounds_max; ++round) {
      std::vector<std::tuple<std::uint32_t, std::string, Value, std::uint32_t>> sent;  // (to, name, value, from)
      for (std::uint32_t d = 0; d < replicas_.size(); ++d) {
        Replica& from = *replicas_[d];
        for (const auto& [name, r] : from.runtime->distributed()) {
          const Value v = from.runtime->value(r);
          std::optional<Value> wire;  // what travels (core/wire.hpp), made once
          for (std::uint32_t peer : neighbors_[d]) {
            auto [last, fresh] = from.last_sent.try_emplace({peer, name}, v);
            if (!fresh && last->second == v) continue;
            last->second = v;
            if (!wire) wire = core::serialise(*from.runtime, d, r);
            sent.emplace_back(peer, name, *wire, d);
          }
        }
      }
      if (sent.empty()) return true;
      std::vector<std::size_t> sizes;
      for (const auto& replica : replicas_) sizes.push_back(replica->runtime->size());
      for (const auto& [to, name, value, from] : sent) {
        if (core::promoted_by(to, name)) continue;  // its creator is its only writer
        core::Runtime& receiver = *replicas_[to]->runtime;
        const Value local = core::deserialise(receiver, to, name, value);
        if (!receiver.find(name)) {  // not created there (yet): offered again once it grows
          ignored_.emplace(to, from, name);
          continue;
        }
        receiver.receive(name, local);
      }
      // A device whose store grew (an operator created something) may now
      // have a reactive it ignored a value for: its sender offers that value
      // again, as the world's does (World::resend_later). Only that one: a
      // creating operator makes something at every reevaluation, and
      // offering everything again would reevaluate it again, without end.
      for (std::uint32_t d = 0; d < replicas_.size(); ++d) {
        if (replicas_[d]->runtime->size() == sizes[d]) continue;
        for (auto it = ignored_.lower_bound({d, 0, std::string()}); it != ignored_.end() && std::get<0>(*it) == d;) {
          replicas_[std::get<1>(*it)]->last_sent.erase({d, std::get<2>(*it)});
          it = ignored_.erase(it);
        }
      }
    }
    return false;
  }

  const core::Runtime& runtime(std::uint32_t device) const { return *replicas_.at(device)->runtime; }
  std::uint32_t size() const { return static_cast<std::uint32_t>(replicas_.size()); }

 private:
  struct Replica {
    core::Snapshot sigma;
    std::shared_ptr<TakeOver> receiver = std::make_shared<TakeOver>();
    std::unique_ptr<core::Runtime> runtime;
    std::map<std::pair<std::uint32_t, std::string>, Value> last_sent;
  };
  std::vector<std::vector<std::uint32_t>> neighbors_;
  std::vector<std::unique_ptr<Replica>> replicas_;
  std::set<std::tuple<std::uint32_t, std::uint32_t, std::string>> ignored_;  // (to, from, name) not created at `to`
};

// How many of device d's workload actions the run took that create (a
// workload's Action::create): they run in every sequential schedule, each
// before the device's next action, as in the run.
std::vector<std::uint32_t> creations_taken(const sim::World& like) {
  std::vector<std::uint32_t> out(like.devices(), 0);
  for (std::uint32_t d = 0; d < like.devices(); ++d) {
    const auto& workload = like.device(d).workload();
    for (std::size_t i = 0; i < like.device(d).next_action() && i < workload.size(); ++i) {
      if (workload[i].kind == sim::Action::Kind::create) ++out[d];
    }
  }
  return out;
}

// A sequential schedule under way: the devices after the actions placed so
// far, each followed by reliable delivery and quiescence. A value: a copy
// continues on its own (the prefix search's states).
class SequentialRun {
 public:
  explicit SequentialRun(const sim::World& like) : replicas_(like.scenario(), like), next_(like.devices(), 0) {
    guard([&] { ended_ = !replicas_.quiesce(false); });
  }

  // Device d's workload actions before next_[d] are done (a fire that is
  // not in the order committed nothing, or left nothing: skipped); the
  // creations among them that the run took (those before its next action)
  // run when the device's next action comes.
  void place(const sim::World& like, const ActionRef& a) {
    if (ended_) return;
    guard([&] {
      create_until(like, a.device, a.index);
      if (ended_) return;
      next_[a.device] = std::max<std::size_t>(next_[a.device], a.index + 1);
      const auto before = replicas_.distributed_values(a.device);
      if (replicas_.fire(a.device, like.device(a.device).workload().at(a.index))) replicas_.take_over(a.device, before);
      ended_ = !replicas_.quiesce(false);
    });
  }

  // No later action changes anything: it failed or did not quiesce.
  bool ended() const { return ended_; }

  // The converged state, after the creations the run took and not yet here.
  ConvergedState finish(const sim::World& like) {
    guard([&] {
      for (std::uint32_t d = 0; d < like.devices() && !ended_; ++d) {
        create_until(like, d, like.device(d).workload().size());
      }
      // The end is the run's own: the healing phase sends every value once
      // more, then waits for quiescence, so both converged states mean the same.
      ended_ = ended_ || !replicas_.quiesce(true);
    });
    ConvergedState out;
    out.quiesced = !ended_;
    out.failure = failure_;
    if (ended_) return out;
    for (std::uint32_t d = 0; d < replicas_.size(); ++d) {
      // Everything a run may compare: what depends on a distributed reactive.
      const core::Runtime& rt = replicas_.runtime(d);
      out.devices.push_back(observed_state(rt, d, derived_from_distributed(rt), like.scenario()));
    }
    return out;
  }

  // Equal states (with the same actions placed) have the same futures.
  std::uint64_t fingerprint() const {
    std::uint64_t h = core::hash_combine(replicas_.fingerprint(), ended_);
    for (std::size_t n : next_) h = core::hash_combine(h, n);
    return h;
  }

 private:
  void create_until(const sim::World& like, std::uint32_t d, std::size_t index) {
    const auto& workload = like.device(d).workload();
    const std::size_t until = std::min({index, workload.size(), std::size_t{like.device(d).next_action()}});
    for (; next_[d] < until && !ended_; ++next_[d]) {
      if (workload[next_[d]].kind != sim::Action::Kind::create) continue;
      replicas_.create(d, workload[next_[d]]);
      ended_ = !replicas_.quiesce(false);
    }
  }
  // The program fails without concurrency (an action or a receive throws):
  // no sequential state to match.
  template <class F>
  void guard(F&& f) {
    try {
      f();
    } catch (const core::Error& e) {
      ended_ = true;
      failure_ = e.what();
    }
  }

  Replicas replicas_;
  std::vector<std::size_t> next_;
  bool ended_ = false;
  std::string failure_;
};

}  // namespace

ConvergedState run_sequential(const sim::World& like, const std::vector<ActionRef>& order) {
  std::optional<SequentialRun> run;
  try {
    run.emplace(like);
  } catch (const core::Error& e) {  // the creation code itself fails
    ConvergedState out;
    out.quiesced = false;
    out.failure = e.what();
    return out;
  }
  for (const auto& a : order) run->place(like, a);
  return run->finish(like);
}

std::shared_ptr<const ConvergedState> SequentialOracle::run(const sim::World& like,
                                                            const std::vector<ActionRef>& order) {
  Key key{like.config().devices, static_cast<std::uint8_t>(like.config().topology),
          static_cast<std::uint8_t>(like.config().nested), like.seed(), order, creations_taken(like)};
  {
    std::lock_guard lock(mutex_);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  }
  // Computed outside the lock: another thread may compute the same state,
  // which is equal (a world is deterministic); the first stored stays.
  auto state = std::make_shared<const ConvergedState>(run_sequential(like, order));
  std::lock_guard lock(mutex_);
  if (memo_.size() >= entries_max) return state;
  return memo_.emplace(std::move(key), std::move(state)).first->second;
}

std::size_t SequentialOracle::size() const {
  std::lock_guard lock(mutex_);
  return memo_.size();
}

std::optional<SequentialOracle::Verdict> SequentialOracle::verdict(const RunKey& key) const {
  std::lock_guard lock(mutex_);
  const auto it = verdicts_.find(key);
  if (it == verdicts_.end()) return std::nullopt;
  return it->second;
}

void SequentialOracle::remember(const RunKey& key, Verdict verdict) {
  std::lock_guard lock(mutex_);
  if (verdicts_.size() < verdicts_max) verdicts_.emplace(key, verdict);
}

std::vector<std::vector<ActionRef>> SequentialOracle::explanations(const RunKey& state) const {
  std::lock_guard lock(mutex_);
  const auto it = explanations_.find(state);
  if (it == explanations_.end()) return {};
  return it->second;
}

void SequentialOracle::explained(const RunKey& state, std::vector<ActionRef> order) {
  std::lock_guard lock(mutex_);
  if (explanations_.size() >= verdicts_max && !explanations_.contains(state)) return;
  auto& orders = explanations_[state];
  if (orders.size() < explanations_per_state_max) orders.push_back(std::move(order));
}

// ---- linear extensions --------------------------------------------------------------------

OrderPrefix::OrderPrefix(const std::vector<std::vector<std::size_t>>& before, std::vector<std::size_t> rank)
    : after_(before.size()), rank_(std::move(rank)), missing_(before.size(), 0), placed_(before.size(), false) {
  assert(rank_.size() == before.size());
  for (std::size_t i = 0; i < before.size(); ++i) {
    std::vector<std::size_t> unique = before[i];
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    missing_[i] = unique.size();
    for (std::size_t j : unique) after_.at(j).push_back(i);
  }
}

std::vector<std::size_t> OrderPrefix::minimal() const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < missing_.size(); ++i) {
    if (!placed_[i] && missing_[i] == 0) out.push_back(i);
  }
  return out;
}

std::vector<std::size_t> OrderPrefix::candidates() const {
  std::vector<std::size_t> out = minimal();
  std::sort(out.begin(), out.end(), [this](std::size_t a, std::size_t b) { return rank_[a] < rank_[b]; });
  return out;
}

void OrderPrefix::place(std::size_t e) {
  placed_[e] = true;
  order_.push_back(e);
  for (std::size_t s : after_[e]) --missing_[s];
}

void OrderPrefix::unplace() {
  const std::size_t e = order_.back();
  order_.pop_back();
  placed_[e] = false;
  for (std::size_t s : after_[e]) ++missing_[s];
}

LinearExtensions::LinearExtensions(std::vector<std::vector<std::size_t>> before, std::vector<std::size_t> rank)
    : empty_(before, rank), prefix_(empty_) {}

std::optional<std::vector<std::size_t>> LinearExtensions::next() {
  if (done_) return std::nullopt;
  if (!started_) {
    started_ = true;
    frames_.push_back(Frame{prefix_.candidates(), 0});
  } else {
    // Back from the last extension to the deepest position with another candidate.
    frames_.pop_back();
    for (;;) {
      if (frames_.empty()) {
        done_ = true;
        return std::nullopt;
      }
      prefix_.unplace();
      Frame& f = frames_.back();
      if (++f.chosen < f.candidates.size()) break;
      frames_.pop_back();
    }
  }
  while (!prefix_.complete()) {
    const Frame& f = frames_.back();
    if (f.candidates.empty()) {  // a cycle: no extension at all
      done_ = true;
      return std::nullopt;
    }
    prefix_.place(f.candidates[f.chosen]);
    frames_.push_back(Frame{prefix_.candidates(), 0});
  }
  return prefix_.order();
}

std::vector<std::size_t> LinearExtensions::sample(sim::Prng& prng) const {
  OrderPrefix prefix = empty_;
  while (!prefix.complete()) {
    const std::vector<std::size_t> minimal = prefix.minimal();
    if (minimal.empty()) break;
    prefix.place(minimal[prng.below(minimal.size())]);
  }
  return prefix.order();
}

// ---- the search for an order that explains a run -------------------------------------

namespace {

// PrefixSearch's depth-first walk over the same prefixes as LinearExtensions,
// but a child state is made from its parent's, and a (placed set, state)
// pair seen before is not expanded again.
class Prefixes {
 public:
  Prefixes(const sim::World& like, const std::vector<ActionRef>& actions,
           const std::vector<std::vector<std::size_t>>& before, const std::vector<std::size_t>& rank,
           const std::function<Difference(const ConvergedState&)>& compare, std::size_t steps)
      : like_(like), actions_(actions), compare_(compare), steps_(steps), prefix_(before, rank) {}

  PrefixSearch::Result run() {
    try {
      SequentialRun start(like_);
      visited_.emplace(prefix_.placed(), start.fingerprint());
      expand(start);
      // No completed order: `before` has a cycle (no run's causal order
      // does), and nothing is decided.
      result_.decided = !out_of_budget_ && result_.completed > 0;
    } catch (const core::Error& e) {  // the creation code itself fails: every order ends there
      ConvergedState failed;
      failed.quiesced = false;
      failed.failure = e.what();
      complete(failed);
      result_.decided = true;
    }
    result_.states = visited_.size();
    return std::move(result_);
  }

 private:
  // Depth first below `state` (prefix_ placed); true once an order matched.
  bool expand(SequentialRun& state) {
    if (prefix_.complete() || state.ended()) return complete(state.finish(like_));
    for (std::size_t e : prefix_.candidates()) {
      if (steps_taken_ == steps_) {
        out_of_budget_ = true;
        return false;
      }
      if (const auto* stop = like_.stop(); stop != nullptr && stop->load(std::memory_order_relaxed)) {
        throw core::PropagationStopped{};  // the campaign's budget: as World::check_stop
      }
      ++steps_taken_;
      SequentialRun child = state;
      child.place(like_, actions_[e]);
      prefix_.place(e);
      if (visited_.emplace(prefix_.placed(), child.fingerprint()).second && expand(child)) return true;
      prefix_.unplace();
      if (out_of_budget_) return false;
    }
    return false;
  }

  // A completed order (prefix_, filled up in rank order where the schedule
  // ended early: every completion of it ends alike).
  bool complete(const ConvergedState& state) {
    ++result_.completed;
    Difference d = compare_(state);
    const bool closer = result_.closest.empty() || d.reactives < result_.difference.reactives ||
                        (d.reactives == result_.difference.reactives && d.distance < result_.difference.distance);
    if (closer) {
      result_.closest = filled();
      result_.difference = std::move(d);
    }
    result_.matched = result_.difference.matches();
    return result_.matched;
  }

  // prefix_'s order, completed in rank order.
  std::vector<std::size_t> filled() {
    const std::size_t depth = prefix_.order().size();
    while (!prefix_.complete()) {
      const auto next = prefix_.candidates();
      if (next.empty()) break;  // a cycle: no extension (not from a run)
      prefix_.place(next.front());
    }
    std::vector<std::size_t> out = prefix_.order();
    while (prefix_.order().size() > depth) prefix_.unplace();
    return out;
  }

  const sim::World& like_;
  const std::vector<ActionRef>& actions_;
  const std::function<Difference(const ConvergedState&)>& compare_;
  const std::size_t steps_;
  OrderPrefix prefix_;
  std::set<std::pair<std::vector<bool>, std::uint64_t>> visited_;
  std::size_t steps_taken_ = 0;
  bool out_of_budget_ = false;
  PrefixSearch::Result result_;
};

}  // namespace

PrefixSearch::Result PrefixSearch::run(const sim::World& like, const std::vector<ActionRef>& actions,
                                       const std::vector<std::vector<std::size_t>>& before,
                                       const std::vector<std::size_t>& rank,
                                       const std::function<Difference(const ConvergedState&)>& compare,
                                       std::size_t steps) {
  assert(actions.size() == before.size() && rank.size() == before.size());
  return Prefixes(like, actions, before, rank, compare, steps).run();
}

std::size_t count_linear_extensions(const std::vector<std::vector<std::size_t>>& before, std::size_t cap) {
  const std::size_t n = before.size();
  constexpr std::size_t exact_max = 16;  // 2^16 subsets
  if (n > exact_max) {
    // Many elements: count the extensions of a prefix of them instead
    // (a lower bound, exact enough to compare with a small cap).
    std::vector<std::vector<std::size_t>> prefix(before.begin(), before.begin() + exact_max);
    return count_linear_extensions(prefix, cap);
  }
  // ways[S]: the orders of the subset S that extend the order (Brightwell
  // and Winkler: #P-complete in general, a subset DP for small n).
  std::vector<std::uint64_t> need(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j : before[i]) need[i] |= std::uint64_t{1} << j;
  }
  std::vector<std::uint64_t> ways(std::size_t{1} << n, 0);
  ways[0] = 1;
  for (std::uint64_t set = 0; set < ways.size(); ++set) {
    if (ways[set] == 0) continue;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t bit = std::uint64_t{1} << i;
      if ((set & bit) != 0 || (need[i] & ~set) != 0) continue;
      ways[set | bit] = std::min<std::uint64_t>(ways[set | bit] + ways[set], cap);
    }
  }
  return static_cast<std::size_t>(ways.back());
}

namespace {

class Search {
 public:
  using Evaluate = std::function<Difference(const std::vector<std::size_t>&)>;
  Search(const std::vector<std::vector<std::size_t>>& before, const Evaluate& evaluate)
      : before_(before), evaluate_(evaluate) {}

  // Evaluates `order` unless it was tried; true when it matches.
  bool attempt(const std::vector<std::size_t>& order) { return attempt_distance(order).value_or(std::make_pair(1, 0)).first == 0; }
  // The same, giving (reactives, distance) of the new order; nullopt if it was tried.
  std::optional<std::pair<std::size_t, std::size_t>> attempt_distance(const std::vector<std::size_t>& order) {
    if (!tried_.insert(order).second) return std::nullopt;
    Difference d = evaluate_(order);
    const std::pair<std::size_t, std::size_t> apart{d.reactives, d.distance};
    const bool closer = result_.closest.empty() || d.reactives < result_.difference.reactives ||
                        (d.reactives == result_.difference.reactives && d.distance < result_.difference.distance);
    if (closer) {
      result_.closest = order;
      result_.difference = std::move(d);
    }
    result_.matched = result_.difference.matches();
    return apart;
  }
  std::size_t tried() const { return tried_.size(); }
  // order[i] may swap with order[i + 1]: not causally before it.
  bool concurrent(std::size_t a, std::size_t b) const {
    return std::find(before_[b].begin(), before_[b].end(), a) == before_[b].end();
  }
  OrderSearch::Result& result() { return result_; }

 private:
  const std::vector<std::vector<std::size_t>>& before_;
  const Evaluate& evaluate_;
  std::set<std::vector<std::size_t>> tried_;
  OrderSearch::Result result_;
};

// Causal depth (Lamport's clock over the actions); commit order is ids.
std::vector<std::size_t> depths(const std::vector<std::vector<std::size_t>>& before) {
  std::vector<std::size_t> depth(before.size(), 0);
  for (std::size_t i = 0; i < before.size(); ++i) {
    for (std::size_t j : before[i]) depth[i] = std::max(depth[i], depth[j] + 1);
  }
  return depth;
}

}  // namespace

OrderSearch::Result OrderSearch::run(const std::vector<std::vector<std::size_t>>& before,
                                     const std::vector<std::uint32_t>& device, std::uint64_t seed,
                                     const std::function<Difference(const std::vector<std::size_t>&)>& evaluate,
                                     const Exhaust& exhaust) {
  const std::size_t n = before.size();
  Search search(before, evaluate);
  const auto finish = [&search] {
    search.result().tried = search.tried();
    return search.result();
  };
  // 1. canonical orders; every action commits after what it knew of, so
  // sorting by (depth, tie) keeps the causal order.
  std::vector<std::size_t> commit(n);
  for (std::size_t i = 0; i < n; ++i) commit[i] = i;
  const auto depth = depths(before);
  if (search.attempt(commit)) return finish();
  for (const bool ascending : {true, false}) {
    auto order = commit;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (depth[a] != depth[b]) return depth[a] < depth[b];
      if (device[a] != device[b]) return ascending ? device[a] < device[b] : device[a] > device[b];
      return a < b;
    });
    if (search.attempt(order)) return finish();
  }
  // 2. a descent by adjacent swaps of concurrent actions: to the first
  // order not tried yet that is no farther (across plateaus too: actions
  // that touch other reactives lie between the two that must swap).
  auto at = search.result().closest;
  auto at_distance = std::make_pair(search.result().difference.reactives, search.result().difference.distance);
  for (bool moved = true; moved && search.tried() < climbs_max;) {
    moved = false;
    for (std::size_t i = 0; i + 1 < n && search.tried() < climbs_max; ++i) {
      if (!search.concurrent(at[i], at[i + 1])) continue;
      auto order = at;
      std::swap(order[i], order[i + 1]);
      const auto d = search.attempt_distance(order);
      if (!d) continue;  // tried before
      if (d->first == 0) return finish();
      if (*d > at_distance) continue;
      at = std::move(order);
      at_distance = *d;
      moved = true;
      break;
    }
  }
  // 3. every order, when there are few (those not tried yet): then a failure
  // to match is a proof.
  if (count_linear_extensions(before, orders_max + 1) <= orders_max) {
    LinearExtensions all(before, commit);
    while (const auto order = all.next()) {
      if (search.attempt(*order)) return finish();
    }
    search.result().exhaustive = true;
    return finish();
  }
  // 4. every order at once, when a prefix search decides within its budget.
  if (exhaust) {
    PrefixSearch::Result all = exhaust();
    search.result().prefix_states = all.states;
    if (all.decided) {
      OrderSearch::Result& r = search.result();
      const bool closer = r.closest.empty() || all.matched || all.difference.reactives < r.difference.reactives ||
                          (all.difference.reactives == r.difference.reactives &&
                           all.difference.distance < r.difference.distance);
      if (closer) {
        r.closest = std::move(all.closest);
        r.difference = std::move(all.difference);
      }
      r.matched = all.matched;
      r.exhaustive = true;
      return finish();
    }
  }
  // 5. otherwise samples.
  sim::Prng prng(seed);
  const LinearExtensions all(before, commit);
  for (std::size_t s = 0; s < samples_max; ++s) {
    if (search.attempt(all.sample(prng))) return finish();
  }
  return finish();
}

}  // namespace frsim::checker
