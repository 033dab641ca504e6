#pragma once
// Every lattice of frsim, for code that uses several (scenarios, tests, bench).
// A distributed reactive merges with the join of its value's lattice type
// (Value::join dispatches on it), so choosing the CRDT chooses the merge.

#include "core/crdt/counters.hpp"
#include "core/crdt/dot.hpp"
#include "core/crdt/lattice_base.hpp"
#include "core/crdt/or_map.hpp"
#include "core/crdt/registers.hpp"
#include "core/crdt/registry.hpp"
#include "core/crdt/rga.hpp"
#include "core/crdt/sets.hpp"
