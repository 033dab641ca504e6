#include "cli/world_flags.hpp"

#include <tuple>

#include "cli/validators.hpp"

namespace frsim::cli {

void add_world_options(CLI::App& cmd, WorldFlags& flags) {
  const std::string scenario_default = "the scenario's";
  cmd.add_option("--devices", flags.devices, "number of devices")
      ->check(Decimal)->check(CLI::Range(1U, sim::devices_max))
      ->default_str(scenario_default);
  for (auto [name, value, what] : {std::tuple{"--drops", &flags.drops, "message drop budget per schedule"},
                                   std::tuple{"--dups", &flags.dups, "message duplication budget per schedule"},
                                   std::tuple{"--crashes", &flags.crashes, "crash budget per schedule"},
                                   std::tuple{"--partitions", &flags.partitions, "partition budget per schedule"},
                                   std::tuple{"--resends", &flags.resends,
                                              "sends of an unchanged value per distributed reactive and peer, after "
                                              "the first (Fig. 9: send any time)"}}) {
    cmd.add_option(name, *value, what)->check(Decimal)->check(CLI::Range(0U, sim::budget_max))->default_str(scenario_default);
  }
  cmd.add_option("--grain", flags.grain, "a whole propagation per step, or one rule of Fig. 8")
      ->check(CLI::IsMember({"coarse", "fine"}))
      ->default_str(scenario_default);
  cmd.add_option("--topology", flags.topology, "who may send to whom")
      ->check(CLI::IsMember({"mesh", "ring", "star", "random"}))
      ->default_str(scenario_default);
}

sim::WorldConfig world_config(const sim::WorldConfig& base, const WorldFlags& flags) {
  sim::WorldConfig c = base;
  if (flags.devices) c.devices = *flags.devices;
  if (flags.drops) c.drops = *flags.drops;
  if (flags.dups) c.dups = *flags.dups;
  if (flags.crashes) c.crashes = *flags.crashes;
  if (flags.partitions) c.partitions = *flags.partitions;
  if (flags.resends) c.resends = *flags.resends;
  if (flags.grain) c.grain = sim::grain_from_string(*flags.grain);
  if (flags.topology) c.topology = sim::topology_from_string(*flags.topology);
  sim::validate(c);
  return c;
}

}  // namespace frsim::cli
