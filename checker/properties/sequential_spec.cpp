#include "checker/properties/sequential_spec.hpp"

#include <charconv>

#include <fmt/format.h>

#include "checker/identity.hpp"
#include "core/hash.hpp"

namespace frsim::checker {

namespace {

// "duplicate #12 as #15 clicks d0->d1" -> 12.
std::optional<std::uint64_t> duplicated_from(std::string_view text) {
  constexpr std::string_view prefix = "duplicate #";
  if (!text.starts_with(prefix)) return std::nullopt;
  std::uint64_t id = 0;
  const char* first = text.data() + prefix.size();
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), id);
  if (ec != std::errc() || end == first) return std::nullopt;
  return id;
}

std::string printed_bytes(const std::vector<std::uint8_t>& bytes) {
  try {
    return core::Value::decode(bytes).to_string();
  } catch (const core::Error&) {
    return "(undecodable)";
  }
}

// The distributed reactives whose values flow into r: its inputs, through
// local reactives, up to the first distributed ones (r's own state excluded).
std::vector<std::string> distributed_inputs(const core::Runtime& rt, core::ReactiveId r) {
  std::vector<std::string> out;
  std::vector<bool> seen(rt.size(), false);
  std::vector<core::ReactiveId> todo{r};
  seen[r] = true;
  while (!todo.empty()) {
    const auto at = todo.back();
    todo.pop_back();
    for (core::ReactiveId i : rt.inputs(at)) {
      if (i >= rt.size() || seen[i]) continue;
      seen[i] = true;
      if (rt.is_distributed(i)) {
        out.push_back(rt.label(i));
      } else {
        todo.push_back(i);
      }
    }
  }
  return out;
}

// Each distributed reactive's value on the device, by name (hashes).
std::map<std::string, std::uint64_t> replicated_values(const sim::World& world, std::uint32_t device) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& [name, value] : world.device(device).distributed_values()) out.emplace(name, value.hash());
  return out;
}

std::string inconclusive_note() {
  return fmt::format(
      "sequential-spec: not judged where more than {} orders of a schedule's committed actions fit its causal order, "
      "a prefix search over them needed more than {} steps, and none of the up to {} orders tried (its commit order, "
      "causal-depth orders, a descent by swaps, {} drawn with the world's seed) matched",
      OrderSearch::orders_max, PrefixSearch::steps_max, OrderSearch::climbs_max + OrderSearch::samples_max,
      OrderSearch::samples_max);
}

// Two independent 64-bit hashes, for the oracle's caches.
class Key {
 public:
  void add(std::uint64_t x) {
    a_ = core::hash_combine(a_, x);
    b_ = core::hash_combine(b_ ^ 0x5bd1e995ULL, core::mix64(x + 1));
  }
  SequentialOracle::RunKey key() const { return {a_, b_}; }

 private:
  std::uint64_t a_ = 0x73657173706563ULL;  // "seqspec"
  std::uint64_t b_ = 0x6f7261636c65ULL;    // "oracle"
};

// A converged state of a run with its actions (as a set): the world's
// configuration, the compared state, the actions in a fixed order.
Key state_key(const sim::World& world, const std::vector<DeviceState>& run, std::vector<ActionRef> actions) {
  Key key;
  key.add(world.devices());
  key.add(static_cast<std::uint64_t>(world.config().topology));
  key.add(world.seed());
  for (const auto& device : run) {
    key.add(device.size());
    for (const auto& [identity, bytes] : device) {
      key.add(core::hash_bytes(identity));
      key.add(core::hash_bytes({reinterpret_cast<const char*>(bytes.data()), bytes.size()}));
    }
  }
  std::sort(actions.begin(), actions.end());
  for (const auto& a : actions) key.add((std::uint64_t{a.device} << 32) | a.index);
  return key;
}

// The same with the causal order (actions in commit order, before lists).
SequentialOracle::RunKey run_key(Key state, const std::vector<ActionRef>& actions,
                                 const std::vector<std::vector<std::size_t>>& before) {
  for (std::size_t i = 0; i < actions.size(); ++i) {
    state.add((std::uint64_t{actions[i].device} << 32) | actions[i].index);
    state.add(before[i].size());
    for (std::size_t j : before[i]) state.add(j);
  }
  return state.key();
}

// `order` (of the same actions) extends the causal order `before`.
bool extends(const std::vector<ActionRef>& order, const std::vector<ActionRef>& actions,
             const std::vector<std::vector<std::size_t>>& before) {
  std::vector<std::size_t> position(actions.size(), 0);
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const auto at = std::find(order.begin(), order.end(), actions[i]);
    if (at == order.end()) return false;
    position[i] = static_cast<std::size_t>(at - order.begin());
  }
  for (std::size_t i = 0; i < actions.size(); ++i) {
    for (std::size_t j : before[i]) {
      if (position[j] > position[i]) return false;
    }
  }
  return true;
}

// The values of every fold (distributed or not): what an action leaves for
// the future besides the value of the source it fires.
std::uint64_t folds_hash(const core::Runtime& rt) {
  std::uint64_t h = 0x666f6c6473ULL;
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    if (rt.kind(r) == core::ReactiveKind::fold) h = core::hash_combine(core::hash_combine(h, r), rt.value(r).hash());
  }
  return h;
}

// The source's value can reach no state: no fold or distributed reactive
// reads it through a map or a flatten (a fold that reads it directly reads it
// only when it changes, so once it fires again its old value is read by
// nothing). A flatten may come to read any reactive (its dynamic edge follows
// a value), so what a flatten reaches counts for every source.
bool reaches_no_state(const core::Runtime& rt, core::ReactiveId source) {
  std::vector<std::vector<core::ReactiveId>> readers(rt.size());
  std::vector<core::ReactiveId> todo;
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    for (core::ReactiveId i : rt.inputs(r)) {
      if (i != r && i < rt.size()) readers[i].push_back(r);
    }
    if (rt.kind(r) == core::ReactiveKind::flatten) todo.push_back(r);
  }
  for (core::ReactiveId r : readers[source]) {
    if (rt.kind(r) != core::ReactiveKind::fold) todo.push_back(r);
  }
  std::vector<bool> seen(rt.size(), false);
  while (!todo.empty()) {
    const auto at = todo.back();
    todo.pop_back();
    if (seen[at]) continue;
    seen[at] = true;
    // A map promoted because a distributed value referred to it (§3.4) is
    // replicated state itself.
    if (rt.is_distributed(at)) return false;
    for (core::ReactiveId r : readers[at]) {
      if (rt.kind(r) == core::ReactiveKind::fold || rt.is_distributed(r)) return false;
      todo.push_back(r);
    }
  }
  return true;
}

// A distributed reactive holding a plain list or map, compared whole: if
// part of it is the program's own metadata, the user says what is seen of
// it. (A number, a string or a flag has no part to leave out.)
std::string metadata_hint(const sim::World& world, const Difference& difference) {
  const core::Runtime* rt = world.device(difference.device).runtime();
  const auto r = rt != nullptr ? rt->find(difference.identity) : std::nullopt;
  if (!r || !rt->is_distributed(*r) || world.scenario().observe.contains(difference.identity)) return "";
  const core::Kind kind = rt->value(*r).kind();
  if (kind != core::Kind::list && kind != core::Kind::map) return "";
  return fmt::format(". {} is a plain value compared whole: if part of it is the program's own metadata (a timestamp, "
                     "a replica id), Scenario::observe says what a user sees of it",
                     difference.identity);
}

std::string action_text(const sim::World& world, ActionRef a) {
  return fmt::format("d{} {}", a.device, world.device(a.device).workload().at(a.index).description());
}

}  // namespace

void SequentialSpec::start(const sim::World& world) {
  std::size_t next = 0;
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    offsets_.push_back(next);
    next += world.device(d).workload().size();
  }
  devices_.assign(world.devices(), Device{});
}

void SequentialSpec::on_event(const sim::Event& e, const sim::World& world) {
  if (offsets_.empty()) start(world);
  if (e.device == sim::no_device || e.device >= devices_.size()) return;
  Device& d = devices_[e.device];
  switch (e.kind) {
    case sim::EventKind::request: {
      // A user's fire (Lo: a request to the device): the device's next
      // workload action, after the device's own earlier ones.
      if (!e.text.starts_with(fmt::format("d{} user: fire ", e.device))) break;
      const auto next = world.device(e.device).next_action();
      if (next == 0) break;
      const ActionRef a{e.device, static_cast<std::uint32_t>(next - 1)};
      const core::Runtime* rt = world.device(e.device).runtime();
      const auto source = rt->find(world.device(e.device).workload().at(a.index).target);
      requests_[e.message] = Committed{a, d.own, !source || !reaches_no_state(*rt, *source)};
      d.request = e.message;
      d.replicated = replicated_values(world, e.device);
      d.folds = folds_hash(*rt);
      d.running = Known{};
      d.running->set(number(a));
      break;
    }
    case sim::EventKind::response: {
      auto it = requests_.find(e.message);
      if (it == requests_.end()) break;
      if (e.values.empty()) {  // a success response: the action committed
        d.own.set(number(it->second.action));
        committed_.push_back(std::move(it->second));
      }
      requests_.erase(it);
      if (d.request == e.message) d.request = 0;
      break;
    }
    case sim::EventKind::committed:
      if (d.running) {
        auto it = requests_.find(std::exchange(d.request, 0));
        on_commit(e, world, *std::exchange(d.running, std::nullopt), it == requests_.end() ? nullptr : &it->second);
        d.replicated.clear();  // read at a commit only (DESIGN §6: copies between propagations stay small)
      }
      break;
    case sim::EventKind::aborted:
      if (e.message == 0) {  // a propagation's abort, not a Lo task's
        d.running.reset();
        d.replicated.clear();
      }
      break;
    case sim::EventKind::crashed:
      d.running.reset();
      d.replicated.clear();
      d.request = 0;  // the running action is lost
      break;
    default: on_replication(e, world); break;
  }
}

// A committed propagation changed some distributed reactives (their values
// differ from when it started). A fire's action comes after what their
// values and their inputs' values carried: what its effect was computed
// from. Then what the propagation brought (its action, or the received
// message's knowledge) reaches each of them, with what their upstream
// distributed reactives carry.
void SequentialSpec::on_commit(const sim::Event& e, const sim::World& world, const Known& brought, Committed* fired) {
  const core::Runtime* rt = world.device(e.device).runtime();
  if (rt == nullptr) return;
  if (fired != nullptr && folds_hash(*rt) != devices_[e.device].folds) fired->effect = true;
  auto& known = devices_[e.device].known;
  const auto& before = devices_[e.device].replicated;
  std::vector<std::pair<std::string, Known>> now;
  for (const auto& [name, value] : replicated_values(world, e.device)) {
    const auto was = before.find(name);
    if (was != before.end() && was->second == value) continue;
    const auto r = rt->find(name);
    if (!r) continue;
    if (fired != nullptr) fired->effect = true;
    Known carried = known[name];
    for (const auto& upstream : distributed_inputs(*rt, *r)) carried.unite(known[upstream]);
    if (fired != nullptr) fired->before.unite(carried);
    carried.unite(brought);
    now.emplace_back(name, std::move(carried));
  }
  for (auto& [name, carried] : now) known[name].unite(carried);
}

// Replication messages carry what their reactive's value carries on the
// sender; a receive adds it when it commits (a crash before that loses it).
void SequentialSpec::on_replication(const sim::Event& e, const sim::World& world) {
  Device& d = devices_[e.device];
  switch (e.kind) {
    case sim::EventKind::sent:
      if (e.text.starts_with("send ")) messages_[e.message] = d.known[e.reactive_label];
      break;
    case sim::EventKind::duplicated:
      if (const auto from = duplicated_from(e.text)) {
        if (auto it = messages_.find(*from); it != messages_.end()) messages_[e.message] = it->second;
      }
      break;
    case sim::EventKind::delivered: {
      auto it = messages_.find(e.message);
      if (it == messages_.end()) break;
      if (e.reactive != sim::no_reactive) {
        d.running = std::move(it->second);
        d.replicated = replicated_values(world, e.device);
      }
      messages_.erase(it);
      break;
    }
    case sim::EventKind::dropped: messages_.erase(e.message); break;
    default: break;
  }
}

void SequentialSpec::on_schedule_end(const sim::World& world) {
  // A healing phase that did not quiesce has no converged state: that is
  // convergence's finding.
  if (world.healed() && !world.heal_outcome().quiesced()) return;
  if (offsets_.empty()) start(world);
  judge(world);
}

// before[i]: the committed actions (by commit position) that come before
// the i-th, transitively closed (so that leaving some out keeps the order).
std::vector<std::vector<std::size_t>> SequentialSpec::causal_order() const {
  const std::size_t k = committed_.size();
  std::vector<std::vector<bool>> closed(k, std::vector<bool>(k, false));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < i; ++j) {  // an action commits after what it knew of
      const std::size_t n = number(committed_[j].action);
      if (!committed_[i].before.test(n)) continue;
      closed[i][j] = true;
      for (std::size_t m = 0; m < j; ++m) closed[i][m] = closed[i][m] || closed[j][m];
    }
  }
  std::vector<std::vector<std::size_t>> before(k);
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (closed[i][j]) before[i].push_back(j);
    }
  }
  return before;
}

void SequentialSpec::judge(const sim::World& world) {
  // What is compared: every device's reactives derived from distributed
  // ones, local sources that no committed action fired counting as constants.
  std::vector<DeviceState> run(world.devices());
  std::set<std::string> distributed;
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const core::Runtime* rt = world.device(d).runtime();
    if (rt == nullptr) continue;
    std::vector<bool> unfired(rt->size(), true);
    for (const auto& c : committed_) {
      if (c.action.device != d) continue;
      if (const auto r = rt->find(world.device(d).workload().at(c.action.index).target)) unfired.at(*r) = false;
    }
    run[d] = observed_state(*rt, d, replicated_reactives(*rt, unfired), world.scenario());
    for (const auto& [name, r] : rt->distributed()) distributed.insert(name);
  }
  // A fire of a source that was promoted after it fired, or that a reactive
  // promoted after it fired reads (§3.4: a value sent later referred to it),
  // had a replicated effect too: its value reached the other devices with
  // the promoted reactive.
  for (Committed& c : committed_) {
    const core::Runtime* rt = world.device(c.action.device).runtime();
    if (c.effect || rt == nullptr) continue;
    const auto target = rt->find(world.device(c.action.device).workload().at(c.action.index).target);
    c.effect = target && (rt->is_distributed(*target) || !reaches_no_state(*rt, *target));
  }
  // The committed actions with a replicated effect, in commit order, and
  // the causal order among them.
  const auto order = causal_order();
  std::vector<std::size_t> kept;  // commit positions
  std::vector<std::size_t> index_of(committed_.size(), 0);
  for (std::size_t i = 0; i < committed_.size(); ++i) {
    if (!committed_[i].effect) continue;
    index_of[i] = kept.size();
    kept.push_back(i);
  }
  std::vector<ActionRef> actions;
  std::vector<std::vector<std::size_t>> before(kept.size());
  for (std::size_t i = 0; i < kept.size(); ++i) {
    actions.push_back(committed_[kept[i]].action);
    for (std::size_t j : order[kept[i]]) {
      if (committed_[j].effect) before[i].push_back(index_of[j]);
    }
  }
  // Schedules that end alike are judged once; an order that explained the
  // same state before explains this run if its causal order allows it.
  const Key state = state_key(world, run, actions);
  const auto key = run_key(state, actions, before);
  if (const auto known = oracle_->verdict(key)) {
    if (*known == SequentialOracle::Verdict::matched) count_judged();
    if (*known == SequentialOracle::Verdict::inconclusive) note(inconclusive_note());
    return;
  }
  for (const auto& order : oracle_->explanations(state.key())) {
    if (!extends(order, actions, before)) continue;
    count_judged();
    return;
  }
  const auto order_of = [&](const std::vector<std::size_t>& permutation) {
    std::vector<ActionRef> order;
    for (std::size_t i : permutation) order.push_back(actions[i]);
    return order;
  };
  std::vector<std::uint32_t> devices;
  for (const auto& a : actions) devices.push_back(a.device);
  const auto exhaust = [&] {
    std::vector<std::size_t> commit(actions.size());
    for (std::size_t i = 0; i < commit.size(); ++i) commit[i] = i;
    const auto compare = [&](const ConvergedState& sequential) { return difference(run, distributed, sequential); };
    return PrefixSearch::run(world, actions, before, commit, compare);
  };
  const auto found = OrderSearch::run(
      before, devices, world.seed(),
      [&](const std::vector<std::size_t>& permutation) {
        return difference(run, distributed, *oracle_->run(world, order_of(permutation)));
      },
      exhaust);
  if (found.matched) {
    oracle_->remember(key, SequentialOracle::Verdict::matched);
    oracle_->explained(state.key(), order_of(found.closest));
    count_judged();
    return;
  }
  if (!found.exhaustive) {
    // Not every order was tried: no match among those is no proof. Short
    // schedules, where the orders are few, decide (a bug shows there too).
    oracle_->remember(key, SequentialOracle::Verdict::inconclusive);
    note(inconclusive_note());
    return;
  }
  count_judged();
  report_closest(world, actions, orders_text(before, found), order_of(found.closest), found.difference);
}

// How the search covered every order, for the finding.
std::string SequentialSpec::orders_text(const std::vector<std::vector<std::size_t>>& before,
                                        const OrderSearch::Result& found) {
  if (found.prefix_states == 0) {
    return fmt::format("{} order{} allowed by the run's causal order, all tried", found.tried,
                       found.tried == 1 ? "" : "s");
  }
  // Counted exactly up to 16 actions (a subset count), else a lower bound.
  constexpr std::size_t cap = std::size_t{1} << 40;
  const std::size_t count = count_linear_extensions(before, cap);
  return fmt::format("{}{} orders allowed by the run's causal order, all covered by {} sequential prefix states",
                     before.size() > 16 || count == cap ? "at least " : "", count, found.prefix_states);
}

void SequentialSpec::report_closest(const sim::World& world, const std::vector<ActionRef>& actions,
                                    const std::string& orders, const std::vector<ActionRef>& closest,
                                    const Difference& difference) {
  std::string list;
  for (const auto& a : actions) list += fmt::format("{}{}", list.empty() ? "" : ", ", action_text(world, a));
  std::string order;
  for (const auto& a : closest) order += fmt::format("{}{}", order.empty() ? "" : "; ", action_text(world, a));
  // Only the workload's creations committed: one schedule, without any action.
  if (order.empty()) order = "the schedule of no action (only the workload's creations)";
  if (difference.identity.empty() && !difference.failure.empty()) {
    // Lasp's claim compares with a sequential schedule that ends; here the
    // program fails without any concurrency (an action or a receive throws).
    report(sim::no_device, {},
           fmt::format("no sequential schedule of the {} committed actions [{}] runs to the end ({}): in every one "
                       "an action or a receive fails; in {}: {}",
                       actions.size(), list, orders, order, difference.failure));
    return;
  }
  if (difference.identity.empty()) {
    report(sim::no_device, {},
           fmt::format("no sequential schedule of the {} committed actions [{}] quiesces within the healing rounds "
                       "budget ({})",
                       actions.size(), list, orders));
    return;
  }
  const std::string run_value = printed_bytes(difference.run);
  const std::string sequential_value = printed_bytes(difference.sequential);
  report(difference.device, difference.identity,
         fmt::format("d{}: {} = {} after healing, but no sequential schedule of the {} committed actions [{}] "
                     "computes this state ({}); the closest, {}, gives {} = {} ({} reactive{} differ){}",
                     difference.device, difference.identity, run_value, actions.size(), list, orders, order,
                     difference.identity, sequential_value, difference.reactives,
                     difference.reactives == 1 ? "" : "s", metadata_hint(world, difference)),
         {sequential_value, run_value});
}

}  // namespace frsim::checker
