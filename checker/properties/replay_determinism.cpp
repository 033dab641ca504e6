#include "checker/properties/replay_determinism.hpp"

#include <fmt/format.h>

namespace frsim::checker {

void ReplayDeterminism::on_schedule_end(const sim::World& world) {
  if (every_ == 0 || counter_->fetch_add(1) % every_ != 0) return;
  // A fresh world re-executes the choices from the seed, and heals as this
  // world did (a copy would not: it shares the run's dataflow graphs).
  auto again = world.rerun();
  if (!again) return;  // a world that knows no path to itself
  count_judged();
  if (!again->healed()) again->heal();
  if (again->event_hash() == world.event_hash()) return;
  // The world is deterministic (DESIGN §6): what differs is the program's.
  report(sim::no_device, {},
         fmt::format("replaying the same {} choices from seed {} gave event hash {}, the run gave {}: the same "
                     "choices made other events, so the program reads something besides its inputs and the "
                     "schedule (a static or global variable, a clock, randomness, state an operator or the "
                     "creation code keeps between calls)",
                     world.choice_indices().size(), world.seed(), sim::hex16(again->event_hash()),
                     sim::hex16(world.event_hash())),
         {sim::hex16(world.event_hash()), sim::hex16(again->event_hash())});
}

}  // namespace frsim::checker
