// CRDT figures (DESIGN §5):
//   BM_Merge_<lattice>/n        one join of two concurrent replicas of n elements;
//   BM_MergeDecoded_<lattice>/n the same join of the replicas decoded from bytes;
//   BM_Merge_SortedInts/n,      the same union over plain sorted vectors of
//   BM_Merge_SortedValues/n     int64 and of Values: what a merge costs at least;
//   BM_MergeDelta_<lattice>/n   one join of a one-update delta into n elements
//                               (what a delivery costs the model checker);
//   BM_Build_<lattice>/n        n updates from bottom, in scrambled order;
//   BM_Bytes_*                  encoded bytes per element and per delta (the
//                               paper, §5.4, reports 357 bytes per added and
//                               224 per deleted TodoMVC task for its RGA).
//
// Merges join two replicas that received the same n/2 elements and then each
// added n/2 of their own, so every join does real work; ns_per_element is the
// time of one join over the elements of both inputs (n + n), the unit the
// sorted-vector merges are reported in too. Scalar lattices (max-int, LWW,
// ivar) have no elements; theirs is the cost of one join.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <utility>
#include <vector>

#include "bench/allocation_counter.hpp"
#include "core/crdt/crdt.hpp"

namespace frsim::core::crdt {
namespace {

Value element(std::int64_t n) { return Value::integer(n); }

// The k-th of n updates touches element scrambled(k, n): a permutation of
// [0, n) that is neither ascending nor descending, so no container gets away
// with appending at one end.
std::int64_t scrambled(std::int64_t k, std::int64_t n) {
  constexpr std::int64_t stride = 7919;  // prime, coprime with every n used here
  return (k * stride) % n;
}

// A pair of replicas of n elements each: both received elements [0, n/2) and
// then each added n/2 of its own, so they are concurrent.
template <class T, class Add>
std::pair<Rc<const T>, Rc<const T>> replicas(std::int64_t n, Add add) {
  Rc<const T> shared = T::empty();
  for (std::int64_t k = 0; k < n / 2; ++k) shared = add(shared, 0, k);
  Rc<const T> a = shared;
  Rc<const T> b = shared;
  for (std::int64_t k = n / 2; k < n; ++k) {
    a = add(a, 1, k);
    b = add(b, 2, k + n);
  }
  return {a, b};
}

template <class T>
void run_merges(benchmark::State& state, const std::pair<Rc<const T>, Rc<const T>>& pair,
                double elements_per_merge) {
  const std::uint64_t allocations_before = bench::allocation_count();
  // As a replica does, the joined state is kept until the next join replaces
  // it (freeing each result at once would measure malloc giving the top of
  // the heap back to the kernel every iteration).
  Rc<const T> joined;
  for (auto _ : state) {
    joined = pair.first->merge(*pair.second);
    benchmark::DoNotOptimize(joined);
  }
  const double merges = static_cast<double>(state.iterations());
  state.counters["merges_per_second"] = benchmark::Counter(merges, benchmark::Counter::kIsRate);
  state.counters["elements_per_merge"] = elements_per_merge;
  state.counters["allocations_per_merge"] =
      static_cast<double>(bench::allocation_count() - allocations_before) / merges;
}

// The same state rebuilt from its bytes, as a device that decodes a message
// gets it: it shares no storage with the state it was encoded from.
template <class T>
Rc<const T> decoded(const Rc<const T>& state) {
  const Value copy = Value::decode(to_value(state).encode());
  return as<T>(copy).self();
}

// Lattices with elements: n per replica, 2n per join. The replicas of one
// process share what they received before they diverged (the first n/2
// elements) wherever the representation lets them; with `decode`, each is
// decoded from bytes first and shares nothing.
template <class T, class Add>
void merges_of(benchmark::State& state, Add add, bool decode = false) {
  const std::int64_t n = state.range(0);
  auto pair = replicas<T>(n, add);
  if (decode) pair = {decoded(pair.first), decoded(pair.second)};
  run_merges(state, pair, static_cast<double>(2 * n));
}

auto gcounter_add = [](const auto& s, ReplicaId, std::int64_t k) {
  return s->increment(static_cast<ReplicaId>(k));  // one entry per replica
};
auto pncounter_add = [](const auto& s, ReplicaId, std::int64_t k) {
  return s->increment(static_cast<ReplicaId>(k))->decrement(static_cast<ReplicaId>(k));
};
auto ewflag_add = [](const auto& s, ReplicaId, std::int64_t k) {
  return s->enable(static_cast<ReplicaId>(k));  // dots of n replicas in the context
};
auto gset_add = [](const auto& s, ReplicaId, std::int64_t k) { return s->add(element(k)); };
auto twopset_add = [](const auto& s, ReplicaId, std::int64_t k) {
  auto added = s->add(element(k));
  return k % 4 == 0 ? added->remove(element(k)) : added;
};
auto orset_add = [](const auto& s, ReplicaId r, std::int64_t k) { return s->add(r, element(k)); };
auto ormap_add = [](const auto& s, ReplicaId r, std::int64_t k) {
  return s->put(r, element(k), to_value(GCounter::empty()->increment(r)));
};
auto rga_add = [](const auto& s, ReplicaId r, std::int64_t k) {
  return s->insert(r, s->size(), element(k));
};

void BM_Merge_GCounter(benchmark::State& state) { merges_of<GCounter>(state, gcounter_add); }
void BM_Merge_PnCounter(benchmark::State& state) { merges_of<PnCounter>(state, pncounter_add); }
void BM_Merge_EwFlag(benchmark::State& state) { merges_of<EwFlag>(state, ewflag_add); }
void BM_Merge_GSet(benchmark::State& state) { merges_of<GSet>(state, gset_add); }
void BM_Merge_TwoPSet(benchmark::State& state) { merges_of<TwoPSet>(state, twopset_add); }
void BM_Merge_OrSet(benchmark::State& state) { merges_of<OrSet>(state, orset_add); }
void BM_Merge_OrMap(benchmark::State& state) { merges_of<OrMap>(state, ormap_add); }
void BM_Merge_Rga(benchmark::State& state) { merges_of<Rga>(state, rga_add); }

void BM_MergeDecoded_GCounter(benchmark::State& state) { merges_of<GCounter>(state, gcounter_add, true); }
void BM_MergeDecoded_GSet(benchmark::State& state) { merges_of<GSet>(state, gset_add, true); }
void BM_MergeDecoded_OrSet(benchmark::State& state) { merges_of<OrSet>(state, orset_add, true); }
void BM_MergeDecoded_OrMap(benchmark::State& state) { merges_of<OrMap>(state, ormap_add, true); }
void BM_MergeDecoded_Rga(benchmark::State& state) { merges_of<Rga>(state, rga_add, true); }

void BM_Merge_MaxInt(benchmark::State& state) {
  run_merges(state, replicas<MaxInt>(1000, [](const auto& s, ReplicaId, std::int64_t k) { return s->raise_to(k); }), 2);
}
void BM_Merge_LwwRegister(benchmark::State& state) {
  run_merges(state,
             replicas<LwwRegister>(1000, [](const auto& s, ReplicaId r, std::int64_t k) { return s->assign(r, element(k)); }),
             2);
}
void BM_Merge_MvRegister(benchmark::State& state) {
  run_merges(state,
             replicas<MvRegister>(1000, [](const auto& s, ReplicaId r, std::int64_t k) { return s->assign(r, element(k)); }),
             2);
}
void BM_Merge_Ivar(benchmark::State& state) {
  const auto bound = Ivar::empty()->bind(element(1));
  run_merges(state, std::pair{bound, bound}, 2);
}

// The floor of a merge: the same union (n/2 shared, n/2 own on each side)
// over plain sorted vectors, one allocation for the output.
template <class Element, class Make>
void sorted_union(benchmark::State& state, Make make) {
  const std::int64_t n = state.range(0);
  std::vector<Element> a, b;
  for (std::int64_t k = 0; k < n; ++k) {
    a.push_back(make(k));
    b.push_back(make(k < n / 2 ? k : k + n));
  }
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  for (auto _ : state) {
    std::vector<Element> out;
    out.reserve(a.size() + b.size());
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.counters["merges_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["elements_per_merge"] = static_cast<double>(2 * n);
}
void BM_Merge_SortedInts(benchmark::State& state) {
  sorted_union<std::int64_t>(state, [](std::int64_t k) { return k; });
}
void BM_Merge_SortedValues(benchmark::State& state) { sorted_union<Value>(state, element); }

#define FRSIM_MERGE_SIZES ->Arg(100)->Arg(1000)->Arg(10000)
BENCHMARK(BM_Merge_SortedInts) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_SortedValues) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_GCounter) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_PnCounter) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_EwFlag) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_GSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_TwoPSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_OrSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_OrMap) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_Rga) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDecoded_GCounter) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDecoded_GSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDecoded_OrSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDecoded_OrMap) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDecoded_Rga) FRSIM_MERGE_SIZES;
BENCHMARK(BM_Merge_MaxInt);
BENCHMARK(BM_Merge_LwwRegister);
BENCHMARK(BM_Merge_MvRegister);
BENCHMARK(BM_Merge_Ivar);

// One delivery: a replica of n elements joins the delta of one update made
// elsewhere (a fresh element, so the join changes the state).
template <class T, class Add, class Delta>
void delta_merges_of(benchmark::State& state, Add add, Delta delta_of) {
  const std::int64_t n = state.range(0);
  const auto [a, b] = replicas<T>(n, add);
  const auto delta = delta_of(*b, 3 * n);
  run_merges(state, std::pair{a, delta}, static_cast<double>(n + 1));
}
void BM_MergeDelta_GCounter(benchmark::State& state) {
  delta_merges_of<GCounter>(state, gcounter_add,
                            [](const GCounter& s, std::int64_t k) { return s.increment_delta(static_cast<ReplicaId>(k)); });
}
void BM_MergeDelta_GSet(benchmark::State& state) {
  delta_merges_of<GSet>(state, gset_add, [](const GSet& s, std::int64_t k) { return s.add_delta(element(k)); });
}
void BM_MergeDelta_OrSet(benchmark::State& state) {
  delta_merges_of<OrSet>(state, orset_add, [](const OrSet& s, std::int64_t k) { return s.add_delta(2, element(k)); });
}
void BM_MergeDelta_OrMap(benchmark::State& state) {
  delta_merges_of<OrMap>(state, ormap_add, [](const OrMap& s, std::int64_t k) {
    return s.put_delta(2, element(k), to_value(GCounter::empty()->increment(2)));
  });
}
void BM_MergeDelta_Rga(benchmark::State& state) {
  delta_merges_of<Rga>(state, rga_add, [](const Rga& s, std::int64_t) { return s.insert_delta(2, s.size() / 2, element(-1)); });
}
BENCHMARK(BM_MergeDelta_GCounter) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDelta_GSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDelta_OrSet) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDelta_OrMap) FRSIM_MERGE_SIZES;
BENCHMARK(BM_MergeDelta_Rga) FRSIM_MERGE_SIZES;

// Building n elements by n single updates from bottom, each on the state the
// previous one returned (the old states die at once, as in a program that
// keeps only the latest). ns_per_update is the time of one build over n.
template <class T, class Update>
void builds_of(benchmark::State& state, Update update) {
  const std::int64_t n = state.range(0);
  for (auto _ : state) {
    Rc<const T> s = T::empty();
    for (std::int64_t k = 0; k < n; ++k) s = update(s, k, n);
    benchmark::DoNotOptimize(s);
  }
  state.counters["updates_per_build"] = static_cast<double>(n);
}
void BM_Build_GCounter(benchmark::State& state) {
  builds_of<GCounter>(state, [](const auto& s, std::int64_t k, std::int64_t n) {
    return s->increment(static_cast<ReplicaId>(scrambled(k, n)));
  });
}
void BM_Build_GSet(benchmark::State& state) {
  builds_of<GSet>(state, [](const auto& s, std::int64_t k, std::int64_t n) { return s->add(element(scrambled(k, n))); });
}
void BM_Build_TwoPSet(benchmark::State& state) {
  builds_of<TwoPSet>(state, [](const auto& s, std::int64_t k, std::int64_t n) { return s->add(element(scrambled(k, n))); });
}
void BM_Build_OrSet(benchmark::State& state) {
  builds_of<OrSet>(state, [](const auto& s, std::int64_t k, std::int64_t n) {
    return s->add(static_cast<ReplicaId>(k % 3), element(scrambled(k, n)));
  });
}
void BM_Build_OrMap(benchmark::State& state) {
  const Value one = to_value(GCounter::empty()->increment(0));
  builds_of<OrMap>(state, [&one](const auto& s, std::int64_t k, std::int64_t n) {
    return s->put(static_cast<ReplicaId>(k % 3), element(scrambled(k, n)), one);
  });
}
// Each insert at a scrambled index of the list built so far.
void BM_Build_Rga(benchmark::State& state) {
  builds_of<Rga>(state, [](const auto& s, std::int64_t k, std::int64_t) {
    return s->insert(static_cast<ReplicaId>(k % 3), static_cast<std::size_t>(scrambled(k, k + 1)), element(k));
  });
}
// Removing every element of an n-element OR-Set, one remove at a time in
// scrambled order, from the same full set each iteration.
void BM_Build_OrSetRemoveAll(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Rc<const OrSet> full = OrSet::empty();
  for (std::int64_t k = 0; k < n; ++k) full = full->add(0, element(k));
  for (auto _ : state) {
    Rc<const OrSet> s = full;
    for (std::int64_t k = 0; k < n; ++k) s = s->remove(element(scrambled(k, n)));
    benchmark::DoNotOptimize(s);
  }
  state.counters["updates_per_build"] = static_cast<double>(n);
}

#define FRSIM_BUILD_SIZES ->Arg(1000)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)
BENCHMARK(BM_Build_GCounter) FRSIM_BUILD_SIZES;
BENCHMARK(BM_Build_GSet) FRSIM_BUILD_SIZES;
BENCHMARK(BM_Build_TwoPSet) FRSIM_BUILD_SIZES;
BENCHMARK(BM_Build_OrSet) FRSIM_BUILD_SIZES;
BENCHMARK(BM_Build_OrSetRemoveAll) FRSIM_BUILD_SIZES;
BENCHMARK(BM_Build_OrMap) FRSIM_BUILD_SIZES;
BENCHMARK(BM_Build_Rga) FRSIM_BUILD_SIZES;

// Bytes on the wire, as counters: per element added (state with 1k adds / 1k),
// per element deleted (growth of the state when all 1k are removed, / 1k), and
// the deltas of a single add and a single remove on the 1k-element state.
// Elements are 8-character strings, like short task ids.
constexpr int elements_count = 1000;

Value task(int n) {
  std::string id = "task";
  id += std::to_string(1000 + n);
  return Value::string(id);
}

void report_bytes(benchmark::State& state, std::size_t empty_bytes, std::size_t full_bytes,
                  std::size_t removed_bytes, std::size_t add_delta_bytes,
                  std::size_t remove_delta_bytes) {
  const double n = elements_count;
  state.counters["bytes_per_added"] = static_cast<double>(full_bytes - empty_bytes) / n;
  state.counters["bytes_per_deleted"] =
      (static_cast<double>(removed_bytes) - static_cast<double>(empty_bytes)) / n;
  state.counters["add_delta_bytes"] = static_cast<double>(add_delta_bytes);
  state.counters["remove_delta_bytes"] = static_cast<double>(remove_delta_bytes);
  state.counters["element_bytes"] = static_cast<double>(task(0).encoded_size());
}

void BM_Bytes_OrSet(benchmark::State& state) {
  for (auto _ : state) {
    auto s = OrSet::empty();
    for (int n = 0; n < elements_count; ++n) s = s->add(static_cast<ReplicaId>(n % 3), task(n));
    const std::size_t full = s->encoded_bytes();
    const std::size_t add_delta = s->add_delta(0, task(elements_count))->encoded_bytes();
    const std::size_t remove_delta = s->remove_delta(task(0))->encoded_bytes();
    auto removed = s;
    for (int n = 0; n < elements_count; ++n) removed = removed->remove(task(n));
    report_bytes(state, OrSet::empty()->encoded_bytes(), full, removed->encoded_bytes(), add_delta,
                 remove_delta);
  }
}

void BM_Bytes_Rga(benchmark::State& state) {
  for (auto _ : state) {
    auto list = Rga::empty();
    for (int n = 0; n < elements_count; ++n) {
      list = list->insert(static_cast<ReplicaId>(n % 3), static_cast<std::size_t>(n / 2), task(n));
    }
    const std::size_t full = list->encoded_bytes();
    const std::size_t add_delta = list->insert_delta(0, list->size() / 2, task(elements_count))->encoded_bytes();
    const std::size_t remove_delta = list->remove_delta(0)->encoded_bytes();
    auto removed = list;
    for (int n = 0; n < elements_count; ++n) removed = removed->remove(0);
    // Deleted = what the tombstones add on top of the nodes' own bytes.
    state.counters["bytes_per_tombstone"] =
        static_cast<double>(removed->encoded_bytes() - full) / elements_count;
    report_bytes(state, Rga::empty()->encoded_bytes(), full, removed->encoded_bytes(), add_delta,
                 remove_delta);
  }
}

void BM_Bytes_Counters(benchmark::State& state) {
  for (auto _ : state) {
    auto g = GCounter::empty();
    auto p = PnCounter::empty();
    for (int n = 0; n < elements_count; ++n) {
      g = g->increment(static_cast<ReplicaId>(n));
      p = p->increment(static_cast<ReplicaId>(n));
    }
    state.counters["gcounter_bytes_per_replica"] = static_cast<double>(g->encoded_bytes()) / elements_count;
    state.counters["gcounter_delta_bytes"] = static_cast<double>(g->increment_delta(7)->encoded_bytes());
    state.counters["pncounter_delta_bytes"] = static_cast<double>(p->decrement_delta(7)->encoded_bytes());
  }
}

BENCHMARK(BM_Bytes_OrSet)->Iterations(1);
BENCHMARK(BM_Bytes_Rga)->Iterations(1);
BENCHMARK(BM_Bytes_Counters)->Iterations(1);

}  // namespace
}  // namespace frsim::core::crdt
