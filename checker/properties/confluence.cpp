#include "checker/properties/confluence.hpp"

#include <atomic>
#include <new>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"

namespace frsim::checker {

namespace {
constexpr std::size_t header_bytes = 64;  // the count, on a line of its own
}

ConfluenceTable::ConfluenceTable() : memory_(header_bytes + slots * sizeof(Slot)) {
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
  new (memory_.data()) std::atomic<std::uint64_t>(0);
}

std::atomic<std::uint64_t>& ConfluenceTable::count() const {
  return *std::launder(reinterpret_cast<std::atomic<std::uint64_t>*>(memory_.data()));
}

ConfluenceTable::Slot* ConfluenceTable::slot_array() const {
  return reinterpret_cast<Slot*>(memory_.data() + header_bytes);
}

ConfluenceTable::Outcome ConfluenceTable::record(std::uint32_t device, std::uint64_t before, std::uint64_t action,
                                                 Outcome outcome) {
  std::uint64_t key = core::hash_combine(core::hash_combine(core::mix64(device + 1), before), action);
  if (key == 0) key = 1;  // 0 marks an empty slot
  Slot* table = slot_array();
  for (std::uint64_t i = core::mix64(key) & (slots - 1);; i = (i + 1) & (slots - 1)) {
    Slot& s = table[i];
    std::atomic_ref<std::uint64_t> claimed(s.key);
    std::uint64_t held = claimed.load(std::memory_order_acquire);
    if (held == 0) {
      if (count().load(std::memory_order_relaxed) >= entries_max) return outcome;
      if (claimed.compare_exchange_strong(held, key, std::memory_order_acq_rel)) {
        count().fetch_add(1, std::memory_order_relaxed);
        s.after = outcome.after;
        s.step = outcome.first_seen_step;
        std::atomic_ref<std::uint64_t>(s.ready).store(1, std::memory_order_release);
        return outcome;
      }
      // Another schedule (thread or worker) claimed the slot first: `held` is its key.
    }
    if (held != key) continue;
    std::atomic_ref<std::uint64_t> ready(s.ready);
    while (ready.load(std::memory_order_acquire) == 0) {
      // Its outcome is being written.
    }
    return Outcome{s.after, s.step};
  }
}

std::size_t ConfluenceTable::size() const { return count().load(std::memory_order_relaxed); }

namespace {

// What decides a propagation's final store besides its action: the store µ
// right after (fire)/(receive) and Σ, which creation inside operators reads
// (Fig. 6: a created source or fold takes its value from Σ). Not the grain
// nor (A; P): runs of either grain, in any ready order, from the same µ and
// Σ must end alike, and are compared.
std::uint64_t pre_state_key(const core::Runtime& rt) {
  return core::hash_combine(store_hash(rt), rt.snapshot().fingerprint());
}

}  // namespace

void Confluence::on_event(const sim::Event& e, const sim::World& world) {
  if (e.device == sim::no_device) return;
  Device& d = at_grow(devices_, e.device);
  d.probe.on_event(e, world, *orders_);
  if (e.kind == sim::EventKind::action_started) judge_orders(e, world, d);
  if (propagation_ended(e)) {
    judge_orders(e, world, d);
    d.probe.close();
  }
  switch (e.kind) {
    case sim::EventKind::action_started: {
      const core::Runtime* rt = world.device(e.device).runtime();
      // At (fire)/(receive) the store is still µ: A and P are empty.
      d.running = rt != nullptr;
      d.orders = false;
      if (rt != nullptr) d.before = pre_state_key(*rt);
      d.action = e.text;
      // The same action means the same value too: a printed form may hide a
      // CRDT's metadata (an OR-Map prints only its present keys). One digest
      // of both keys the table (as a fingerprint keys the visited set).
      d.action_key = core::hash_bytes(e.text);
      for (const auto& v : e.values) d.action_key = core::hash_combine(d.action_key, v.hash());
      break;
    }
    case sim::EventKind::committed: {
      if (!d.running) break;
      d.running = false;
      const core::Runtime* rt = world.device(e.device).runtime();
      if (rt == nullptr) break;
      // µ alone (Lemma 4.11 compares the final stores): Runtime::fingerprint
      // also covers the propagation's (A; P), which at (commit) still hold
      // the path taken — whom it skipped and in what order — and that path
      // differs between grains and ready orders by design.
      const ConfluenceTable::Outcome now{store_hash(*rt), e.step};
      // Judged where the ready order was a choice: other schedules take the
      // other orders from the same key, and the table compares them.
      if (d.orders) count_judged();
      const auto first = table_->record(e.device, d.before, d.action_key, now);
      if (first.after != now.after) {
        report(e.device, e.reactive_label,
               fmt::format("d{}: the same store and action \"{}\" committed to different stores ({} at step {} "
                           "of an earlier schedule, {} now)",
                           e.device, fmt::format("{} #{}", d.action, sim::hex16(d.action_key)), sim::hex16(first.after),
                           first.first_seen_step, sim::hex16(now.after)),
               {sim::hex16(first.after), sim::hex16(now.after)});
      }
      d.action.clear();  // only a report reads it (DESIGN §6: copies between propagations stay small)
      break;
    }
    case sim::EventKind::aborted:
    case sim::EventKind::crashed:
      d.running = false;
      d.action.clear();
      break;
    default: break;
  }
}

// At the action's start, the k orders against each other; at its end, the
// store the run committed to (or rolled back to) against theirs.
void Confluence::judge_orders(const sim::Event& e, const sim::World& world, Device& d) {
  if (!d.probe.judgeable()) {
    if (e.kind == sim::EventKind::action_started && d.probe.run && !d.probe.run->reproduced) {
      note("confluence: where " + d.probe.run->not_reproduced +
           ", its propagations are compared across schedules only");
    }
    return;
  }
  const auto& orders = d.probe.run->orders;
  const OrderOutcome& first = orders.front();
  // The action's text only for a report: formatting it for every action
  // judged cost a tenth of a checked search.
  const auto what = [&] { return d.probe.action.description(); };
  if (e.kind == sim::EventKind::action_started) {
    if (orders.size() < 2) return;
    count_judged();
    for (const auto& other : orders) {
      if (other.store == first.store) continue;
      report(e.device, e.reactive_label,
             fmt::format("d{}: \"{}\" from the same store ends in store {} when reevaluating {} and in {} when "
                         "reevaluating {}",
                         e.device, what(), sim::hex16(first.store), first.order_text(), sim::hex16(other.store),
                         other.order_text()),
             {sim::hex16(first.store), sim::hex16(other.store)});
      return;
    }
    return;
  }
  const core::Runtime* rt = world.device(e.device).runtime();
  if (rt == nullptr) return;
  count_judged();
  const std::uint64_t now = store_hash(*rt);
  if (now == first.store) return;
  report(e.device, {},
         fmt::format("d{}: \"{}\" ended in store {} in this run and in {} when reevaluating {} from the same store",
                     e.device, what(), sim::hex16(now), sim::hex16(first.store), first.order_text()),
         {sim::hex16(first.store), sim::hex16(now)});
}

// Fine grain: the world offers a step per outdated ready reactive, so two or
// more of them at once is a point where schedules order the propagation
// differently. Coarse grain runs each propagation in one transition, with
// one order: nothing for this property to compare.
void Confluence::on_transition(const sim::World& world) {
  for (std::uint32_t device = 0; device < devices_.size() && device < world.devices(); ++device) {
    Device& d = devices_[device];
    if (!d.running || d.orders || !world.device(device).propagating()) continue;
    d.orders = world.device(device).runtime()->ready(true).size() > 1;
  }
}

namespace {

std::unique_ptr<core::Runtime> build(const sim::Scenario& scenario, core::Snapshot& sigma, std::uint32_t device,
                                     std::uint32_t devices, const std::vector<sim::Action>& prefix) {
  core::RuntimeOptions options;
  if (scenario.customize_runtime) scenario.customize_runtime(device, options);
  auto rt = std::make_unique<core::Runtime>(sigma, std::move(options));
  scenario.create(*rt, sim::DeviceContext{device, devices});
  for (const auto& a : prefix) {
    auto r = rt->find(a.target);
    if (a.kind != sim::Action::Kind::fire || !r) throw core::Error("check_confluence: prefix fires sources only");
    rt->fire(*r, a.value);
  }
  return rt;
}

}  // namespace

std::optional<sim::Finding> check_confluence(const sim::Scenario& scenario, std::uint32_t device,
                                             std::uint32_t devices, const std::vector<sim::Action>& prefix,
                                             const sim::Action& action, std::uint32_t orders, std::uint64_t seed) {
  core::Snapshot sigma;
  auto rt = build(scenario, sigma, device, devices, prefix);
  auto r = rt->find(action.target);
  if (!r) throw core::Error(fmt::format("check_confluence: no reactive labelled '{}'", action.target));
  const StartAction start{StartAction::Kind::fire, *r, {}, action.value};
  const OrdersRun run = run_in_ready_orders(scenario, device, devices, sigma, store_hash(*rt), labels_hash(*rt), start,
                                           orders, seed);
  if (!run.reproduced) throw core::Error("check_confluence: " + run.not_reproduced);
  for (const auto& other : run.orders) {
    const auto& first = run.orders.front();
    if (other.store == first.store) continue;
    return sim::Finding{"confluence",
                        fmt::format("d{}: action \"{}\" committed to store {} reevaluating {} and {} reevaluating {}",
                                    device, action.description(), sim::hex16(first.store), first.order_text(),
                                    sim::hex16(other.store), other.order_text()),
                        device, action.target, {sim::hex16(first.store), sim::hex16(other.store)}};
  }
  return std::nullopt;
}

}  // namespace frsim::checker
