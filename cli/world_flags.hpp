#pragma once
// The world options `frsim run` and `frsim explore` share: devices, fault
// budgets, grain and topology, each defaulting to the scenario's (re-sends:
// to the default campaign's under `frsim explore`).

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "sim/config.hpp"
#include "sim/scenario.hpp"

namespace frsim::cli {

struct WorldFlags {
  std::optional<std::uint32_t> devices, drops, dups, crashes, partitions, resends;
  std::optional<std::string> grain, topology;
};

// Adds --devices, --drops, --dups, --crashes, --partitions, --resends,
// --grain and --topology to `cmd`, checked by CLI11 (ranges, names).
void add_world_options(CLI::App& cmd, WorldFlags& flags);

// `base` (the scenario's default world, or the default campaign's) with the
// options given; validated (throws core::Error for an impossible world, e.g.
// partitions on one device).
sim::WorldConfig world_config(const sim::WorldConfig& base, const WorldFlags& flags);

}  // namespace frsim::cli
