// CRDT figures (DESIGN §5): merges per second of each lattice at 1k elements,
// encoded bytes per element of OR-Set and RGA (the paper, §5.4, reports 357
// bytes per added and 224 per deleted TodoMVC task for its RGA), and the
// bytes of one delta update.
//
// Merges join two replicas that share half their elements and each hold 500
// of their own, so every join does real work. Scalar lattices (max-int, LWW,
// ivar) have no elements; theirs is the cost of one join.

#include <benchmark/benchmark.h>

#include "core/crdt/crdt.hpp"

namespace frsim::core::crdt {
namespace {

constexpr int elements_count = 1000;

Value element(int n) { return Value::integer(n); }

// A pair of replicas: both received elements [0, 500) and then each added
// 500 of its own, so they are concurrent.
template <class T, class Add>
std::pair<Rc<const T>, Rc<const T>> replicas(Add add) {
  Rc<const T> shared = T::empty();
  for (int n = 0; n < elements_count / 2; ++n) shared = add(shared, 0, n);
  Rc<const T> a = shared;
  Rc<const T> b = shared;
  for (int n = elements_count / 2; n < elements_count; ++n) {
    a = add(a, 1, n);
    b = add(b, 2, n + elements_count);
  }
  return {a, b};
}

template <class T>
void run_merges(benchmark::State& state, const std::pair<Rc<const T>, Rc<const T>>& pair) {
  for (auto _ : state) {
    auto joined = pair.first->merge(*pair.second);
    benchmark::DoNotOptimize(joined);
  }
  state.counters["merges_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Merge_GCounter(benchmark::State& state) {
  run_merges(state, replicas<GCounter>([](const auto& s, ReplicaId, int n) {
               return s->increment(static_cast<ReplicaId>(n));  // one entry per replica
             }));
}
void BM_Merge_PnCounter(benchmark::State& state) {
  run_merges(state, replicas<PnCounter>([](const auto& s, ReplicaId, int n) {
               return s->increment(static_cast<ReplicaId>(n))->decrement(static_cast<ReplicaId>(n));
             }));
}
void BM_Merge_MaxInt(benchmark::State& state) {
  run_merges(state, replicas<MaxInt>([](const auto& s, ReplicaId, int n) { return s->raise_to(n); }));
}
void BM_Merge_LwwRegister(benchmark::State& state) {
  run_merges(state, replicas<LwwRegister>([](const auto& s, ReplicaId r, int n) { return s->assign(r, element(n)); }));
}
void BM_Merge_MvRegister(benchmark::State& state) {
  run_merges(state, replicas<MvRegister>([](const auto& s, ReplicaId r, int n) { return s->assign(r, element(n)); }));
}
void BM_Merge_Ivar(benchmark::State& state) {
  const auto bound = Ivar::empty()->bind(element(1));
  run_merges(state, std::pair{bound, bound});
}
void BM_Merge_EwFlag(benchmark::State& state) {
  run_merges(state, replicas<EwFlag>([](const auto& s, ReplicaId, int n) {
               return s->enable(static_cast<ReplicaId>(n));  // dots of 1k replicas in the context
             }));
}
void BM_Merge_GSet(benchmark::State& state) {
  run_merges(state, replicas<GSet>([](const auto& s, ReplicaId, int n) { return s->add(element(n)); }));
}
void BM_Merge_TwoPSet(benchmark::State& state) {
  run_merges(state, replicas<TwoPSet>([](const auto& s, ReplicaId, int n) {
               auto added = s->add(element(n));
               return n % 4 == 0 ? added->remove(element(n)) : added;
             }));
}
void BM_Merge_OrSet(benchmark::State& state) {
  run_merges(state, replicas<OrSet>([](const auto& s, ReplicaId r, int n) { return s->add(r, element(n)); }));
}
void BM_Merge_OrMap(benchmark::State& state) {
  run_merges(state, replicas<OrMap>([](const auto& s, ReplicaId r, int n) {
               return s->put(r, element(n), to_value(GCounter::empty()->increment(r)));
             }));
}
void BM_Merge_Rga(benchmark::State& state) {
  run_merges(state, replicas<Rga>([](const auto& s, ReplicaId r, int n) {
               return s->insert(r, s->size(), element(n));
             }));
}

BENCHMARK(BM_Merge_GCounter);
BENCHMARK(BM_Merge_PnCounter);
BENCHMARK(BM_Merge_MaxInt);
BENCHMARK(BM_Merge_LwwRegister);
BENCHMARK(BM_Merge_MvRegister);
BENCHMARK(BM_Merge_Ivar);
BENCHMARK(BM_Merge_EwFlag);
BENCHMARK(BM_Merge_GSet);
BENCHMARK(BM_Merge_TwoPSet);
BENCHMARK(BM_Merge_OrSet);
BENCHMARK(BM_Merge_OrMap);
BENCHMARK(BM_Merge_Rga);

// Bytes on the wire, as counters: per element added (state with 1k adds / 1k),
// per element deleted (growth of the state when all 1k are removed, / 1k), and
// the deltas of a single add and a single remove on the 1k-element state.
// Elements are 8-character strings, like short task ids.
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
