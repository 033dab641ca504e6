#include "checker/ready_orders.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/hash.hpp"
#include "core/wire.hpp"
#include "sim/prng.hpp"

namespace frsim::checker {

using core::hash_combine;

std::string StartAction::description() const {
  if (kind == Kind::fire) return fmt::format("fire r{} {}", reactive, value.to_string());
  return fmt::format("receive {} {}", name, value.to_string());
}

std::uint64_t StartAction::hash() const {
  std::uint64_t h = hash_combine(static_cast<std::uint64_t>(kind), reactive);
  h = hash_combine(h, core::hash_bytes(name));
  return hash_combine(h, value.hash());
}

std::string OrderOutcome::order_text() const {
  if (reevaluated.empty()) return "(nothing reevaluated)";
  std::string text;
  for (const auto& label : reevaluated) {
    if (!text.empty()) text += ", ";
    text += label;
  }
  return text;
}

std::uint64_t store_hash(const core::Runtime& rt) {
  std::uint64_t h = hash_combine(0x73746f7265ULL, rt.size());
  for (core::ReactiveId r = 0; r < rt.size(); ++r) h = hash_combine(h, rt.value(r).hash());
  // Which reactives are distributed: promotion (§3.4) makes more of them.
  for (const auto& d : rt.distributed_reactives()) h = hash_combine(h, d.name_hash);
  return h;
}

std::uint64_t labels_hash(const core::Runtime& rt) { return rt.labels_hash(); }

std::map<std::string, core::Value> distributed_values(const core::Runtime& rt) {
  std::map<std::string, core::Value> out;
  for (const auto& [name, r] : rt.distributed()) out.emplace(name, rt.value(r));
  return out;
}

std::uint64_t sends_hash_since(const core::Runtime& rt, const std::map<std::string, core::Value>& before) {
  std::uint64_t h = 0x73656e6473ULL;
  for (const auto& [name, r] : rt.distributed()) {
    const core::Value& now = rt.value(r);
    auto it = before.find(name);
    if (it != before.end() && it->second == now) continue;
    h = hash_combine(hash_combine(h, core::hash_bytes(name)), now.hash());
  }
  return h;
}

std::pair<std::uint64_t, std::string> sends_since(const core::Runtime& rt,
                                                  const std::map<std::string, core::Value>& before) {
  std::string text;
  for (const auto& [name, r] : rt.distributed()) {
    const core::Value& now = rt.value(r);
    auto it = before.find(name);
    if (it != before.end() && it->second == now) continue;
    if (!text.empty()) text += ", ";
    text += fmt::format("{}={}", name, now.to_string());
  }
  return {sends_hash_since(rt, before), text.empty() ? std::string("(no send)") : text};
}

namespace {

std::string label_of(const core::Runtime& rt, core::ReactiveId r) {
  const auto& label = rt.label(r);
  return label.empty() ? fmt::format("r{}", r) : label;
}

// The pre-state as a restart builds it: creation code over a copy of Σ, then
// the replay of Σ's creation records and its promotions.
// Throws core::Error when the creation code fails.
std::unique_ptr<core::Runtime> rebuild(const sim::Scenario& scenario, core::Snapshot& sigma, std::uint32_t device,
                                       std::uint32_t devices) {
  core::RuntimeOptions options;
  if (scenario.customize_runtime) scenario.customize_runtime(device, options);
  options.observer = nullptr;
  auto rt = std::make_unique<core::Runtime>(sigma, std::move(options));
  scenario.create(*rt, sim::DeviceContext{device, devices});
  core::restore_after_creation_code(*rt, device);  // as sim::World's restart does
  return rt;
}

core::ActionResult start(core::Runtime& rt, const StartAction& action) {
  if (action.kind == StartAction::Kind::fire) return rt.begin_fire(action.reactive, action.value);
  return rt.begin_receive(action.name, action.value);
}

// One propagation, every rule of Fig. 8 chosen uniformly among ready(P, µ):
// skips included, so no order the calculus allows is out of reach.
OrderOutcome run_one(core::Runtime& rt, const StartAction& action, sim::Prng& prng) {
  OrderOutcome out;
  const auto sent_before = distributed_values(rt);
  core::ActionResult result = start(rt, action);
  while (rt.propagating()) {
    const auto ready = rt.ready();
    if (ready.empty()) {
      result = rt.finish();  // not the calculus: a broken engine; let its policy end it
      break;
    }
    const core::ReactiveId r = ready[prng.below(ready.size())];
    const auto outdated = rt.ready(true);
    if (std::find(outdated.begin(), outdated.end(), r) != outdated.end()) out.reevaluated.push_back(label_of(rt, r));
    result = rt.step(r);
  }
  out.committed = result.committed;
  out.failure = result.failure;
  out.store = store_hash(rt);
  out.snapshot = rt.snapshot().fingerprint();
  std::tie(out.sends, out.sends_text) = sends_since(rt, sent_before);
  return out;
}

}  // namespace

OrdersRun run_in_ready_orders(const sim::Scenario& scenario, std::uint32_t device, std::uint32_t devices,
                              const core::Snapshot& sigma, std::uint64_t store_before, std::uint64_t labels_before,
                              const StartAction& action, std::uint32_t orders, std::uint64_t seed) {
  OrdersRun run;
  sim::Prng prng(seed);
  for (std::uint32_t k = 0; k < orders; ++k) {
    core::Snapshot copy = sigma;
    std::unique_ptr<core::Runtime> rt;
    try {
      rt = rebuild(scenario, copy, device, devices);
    } catch (const std::exception& e) {
      run.not_reproduced = fmt::format("the creation code failed on a copy of Σ: {}", e.what());
      return run;
    }
    // A creation code that makes the same reactives in another order (it
    // reads something besides Σ and the device) does not rebuild the store
    // either, though the values may agree: what the orders then differ in is
    // the graph, not the order of reevaluation.
    if (store_hash(*rt) != store_before || labels_hash(*rt) != labels_before) {
      if (k == 0 && labels_hash(*rt) == labels_before) {
        run.rebuilt.take(*rt);
      }
      // Only the first build can differ from the device (later ones rebuild
      // what the first did, unless the creation code itself is impure).
      run.not_reproduced = k == 0 ? "the creation code over Σ does not rebuild the device's store"
                                  : "the creation code over Σ rebuilt a different store each time";
      run.orders.clear();
      return run;
    }
    try {
      run.orders.push_back(run_one(*rt, action, prng));
    } catch (const core::Error& e) {
      run.not_reproduced = fmt::format("the action does not apply to the rebuilt store: {}", e.what());
      run.orders.clear();
      return run;
    }
  }
  run.reproduced = true;
  return run;
}

std::shared_ptr<const OrdersRun> ReadyOrdersCache::run(const sim::Scenario& scenario, std::uint32_t device,
                                                       std::uint32_t devices, const core::Snapshot& sigma,
                                                       std::uint64_t store_before, std::uint64_t labels_before,
                                                       const StartAction& action) {
  const Key key{device, store_before, sigma.fingerprint(), action.hash(), labels_before};
  {
    std::lock_guard lock(mutex_);
    auto it = runs_.find(key);
    if (it != runs_.end()) return it->second;
  }
  // Seeded by the key alone: the same pre-state and action draw the same
  // orders in every schedule and on every thread.
  const std::uint64_t seed = hash_combine(hash_combine(hash_combine(std::get<0>(key), std::get<1>(key)),
                                                       std::get<2>(key)),
                                          std::get<3>(key));
  auto run = std::make_shared<const OrdersRun>(
      run_in_ready_orders(scenario, device, devices, sigma, store_before, labels_before, action, orders_, seed));
  std::lock_guard lock(mutex_);
  if (runs_.size() < entries_max) runs_.emplace(key, run);
  return run;
}

void Rebuilt::take(const core::Runtime& rt) {
  values.clear();
  inputs.clear();
  for (core::ReactiveId r = 0; r < rt.size(); ++r) {
    values.push_back(rt.value(r));
    inputs.push_back(rt.kind(r) == core::ReactiveKind::map ? rt.inputs(r) : std::vector<core::ReactiveId>{});
  }
}

std::shared_ptr<const Rebuilt> ReadyOrdersCache::rebuilt(const sim::Scenario& scenario, std::uint32_t device,
                                                         std::uint32_t devices, const core::Snapshot& sigma,
                                                         std::uint64_t store, std::uint64_t labels) {
  const auto key = std::make_tuple(device, store, sigma.fingerprint(), labels);
  {
    std::lock_guard lock(mutex_);
    auto it = rebuilds_.find(key);
    if (it != rebuilds_.end()) return it->second;
  }
  auto values = std::make_shared<Rebuilt>();
  try {
    core::Snapshot copy = sigma;
    const std::unique_ptr<core::Runtime> rt = rebuild(scenario, copy, device, devices);
    if (store_hash(*rt) != store && labels_hash(*rt) == labels) values->take(*rt);
  } catch (const std::exception&) {
    *values = Rebuilt{};  // the creation code fails on Σ: restoration's finding, not this one's
  }
  std::shared_ptr<const Rebuilt> result = std::move(values);
  std::lock_guard lock(mutex_);
  if (rebuilds_.size() < entries_max) rebuilds_.emplace(key, result);
  return result;
}

void OrdersProbe::on_event(const sim::Event& e, const sim::World& world, ReadyOrdersCache& cache) {
  switch (e.kind) {
    case sim::EventKind::merged:
      if (e.values.size() == 3) remote = e.values[1];
      break;
    case sim::EventKind::action_started: {
      const core::Runtime* rt = world.device(e.device).runtime();
      if (open && rt != nullptr && !rt->active().empty()) {
        joined = true;  // isolation's finding; this propagation is no longer one action's
        break;
      }
      const bool fire = e.text.rfind("fire ", 0) == 0;
      const bool receive = e.text.rfind("receive ", 0) == 0;
      open = rt != nullptr && (fire || (receive && remote.has_value())) && !e.values.empty();
      joined = false;
      run.reset();
      if (open) {
        action = StartAction{fire ? StartAction::Kind::fire : StartAction::Kind::receive, e.reactive,
                             fire ? std::string() : rt->label(e.reactive), fire ? e.values[0] : *remote};
        if (keeps_sends) distributed_before = distributed_values(*rt);
        run = cache.run(world.scenario(), e.device, world.devices(), rt->snapshot(), store_hash(*rt), labels_hash(*rt),
                        action);
      }
      remote.reset();
      break;
    }
    case sim::EventKind::crashed:
      close();
      remote.reset();
      break;
    default: break;
  }
}

}  // namespace frsim::checker
