#include "checker/properties/user_defined.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "sim/view.hpp"

namespace frsim::checker {

UserDefined::UserDefined(std::shared_ptr<const sim::UserProperty> property)
    : property_(std::move(property)), source_(fmt::format("user: {}", sim::to_string(property_->kind))) {}

bool UserDefined::holds(const sim::World& world, std::string& why) const {
  try {
    return property_->predicate(sim::View(world));
  } catch (const core::Error& error) {
    why = fmt::format(" (the predicate failed: {})", error.what());
    return false;
  }
}

namespace {

// Whether some device is in the middle of a propagation (fine grain: one rule
// of Fig. 8 per transition). Its store then holds values no one observes: an
// action commits all of its writes or none (Lemma 4.13, isolation), and what
// a user sees is a committed store. Every committed state of the device is
// also a state of another interleaving, where the propagation ran alone.
bool mid_propagation(const sim::World& world) {
  for (std::uint32_t d = 0; d < world.devices(); ++d) {
    const core::Runtime* rt = world.device(d).runtime();
    if (rt != nullptr && rt->propagating()) return true;
  }
  return false;
}

}  // namespace

void UserDefined::judge_state(const sim::World& world, std::string_view where) {
  using Kind = sim::UserProperty::Kind;
  if (property_->kind == Kind::eventually || Property::violated() || mid_propagation(world)) return;
  std::string why;
  const bool ok = holds(world, why);
  if (property_->kind == Kind::sometimes) {
    if (ok) count_judged();  // reached
    return;
  }
  count_judged();
  if (!ok) violated(world, where, why);
}

void UserDefined::on_schedule_end(const sim::World& world) {
  using Kind = sim::UserProperty::Kind;
  if (property_->kind != Kind::eventually) return judge_state(world, "the healed end of the schedule");
  // "Eventually" means once the world has converged; a healing phase that
  // never quiesces is convergence's finding.
  if (Property::violated() || !world.heal_outcome().quiesced()) return;
  count_judged();
  std::string why;
  if (!holds(world, why)) violated(world, "the converged end of the schedule", why);
}

// (The schedule's length is the counterexample's: a world that a search
// rebuilt from a stored state keeps no choices to count.)
void UserDefined::violated(const sim::World&, std::string_view where, const std::string& why) {
  report(sim::no_device, {},
         fmt::format("{} property \"{}\" ({}) is false in {}{}", sim::to_string(property_->kind), property_->name,
                     property_->description, where, why));
}

}  // namespace frsim::checker
