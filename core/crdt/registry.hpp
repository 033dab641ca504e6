#pragma once
// The lattice types decode_lattice (core/lattice.hpp) knows.

#include <span>
#include <string_view>

namespace frsim::core::crdt {

// Every lattice type name, ascending; e.g. for a checker that tests the
// lattice laws of each type it meets.
std::span<const std::string_view> type_names();

}  // namespace frsim::core::crdt
