#include "checker/properties/lattice_laws.hpp"

#include <fmt/format.h>

#include "core/lattice.hpp"

namespace frsim::checker {

namespace {

bool same_lattice(const core::Value& a, const core::Value& b) {
  return a.is_crdt() && b.is_crdt() && a.as_crdt().type_name() == b.as_crdt().type_name();
}

}  // namespace

void LatticeLaws::on_event(const sim::Event& e, const sim::World& /*world*/) {
  if (e.kind != sim::EventKind::merged || e.values.size() != 3) return;
  const auto& local = e.values[0];
  const auto& remote = e.values[1];
  const auto& result = e.values[2];
  // Laws are judged on lattice values only; a user merge over plain values has no join to compare with.
  if (!same_lattice(local, remote) || !same_lattice(local, result)) return;
  check(e, local, remote, result);
}

void LatticeLaws::check(const sim::Event& e, const core::Value& local, const core::Value& remote,
                        const core::Value& result) {
  const auto values = [&] { return std::vector<std::string>{printed(local), printed(remote), printed(result)}; };
  const auto fail = [&](std::string_view law) {
    report(e.device, e.reactive_label,
           fmt::format("d{}: merge of {} broke {}: merge({}, {}) = {}", e.device, e.reactive_label, law,
                       local.to_string(), remote.to_string(), result.to_string()),
           values());
  };
  const core::Value joined = core::Value::join(local, remote);
  if (joined != result) return fail("the join (result != local ⊔ remote)");
  if (core::Value::join(remote, local) != result) return fail("commutativity");
  if (core::Value::join(result, remote) != result || core::Value::join(result, result) != result) {
    return fail("idempotence");
  }
  if (!core::Value::leq(local, result) || !core::Value::leq(remote, result)) return fail("inflation");
  auto& sample = samples_[e.reactive_label];
  for (std::size_t i = 0; i + 1 < sample.size(); ++i) {
    const auto& a = sample[i];
    const auto& b = sample[i + 1];
    if (!same_lattice(a, remote) || !same_lattice(b, remote)) continue;
    const auto left = core::Value::join(core::Value::join(a, b), remote);
    const auto right = core::Value::join(a, core::Value::join(b, remote));
    if (left != right) {
      report(e.device, e.reactive_label,
             fmt::format("d{}: join on {} is not associative: ({} ⊔ {}) ⊔ {} = {} but {} ⊔ ({} ⊔ {}) = {}", e.device,
                         e.reactive_label, a.to_string(), b.to_string(), remote.to_string(), left.to_string(),
                         a.to_string(), b.to_string(), remote.to_string(), right.to_string()),
             {printed(a), printed(b), printed(remote)});
      return;
    }
  }
  if (sample.size() == sample_max) sample.erase(sample.begin());
  sample.push_back(remote);
}

}  // namespace frsim::checker
