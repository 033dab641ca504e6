#pragma once
// An explicit-state model of G-Set replication under anti-entropy with
// faults, written independently of frsim's world, with each of the ways two
// worlds may model messages as a switch.
//
// The reference model (Semantics::reference()) is the SPIN model
// explicit-state checkers are measured on. N replicas; s[i] a bitmask, w[i]
// whether replica i has added element i, ls[i][j] the set i last sent to j
// (initially 0, the initial set), inbox[j] a multiset of at most C = 2 sets
// (a message is only a value), D drops and K duplicates in all.
// LOCAL(i): s[i] |= 1 << i once. SEND(i,j): if s[i] != ls[i][j] and inbox[j]
// holds fewer than 2, put s[i] in it and set ls[i][j]. DELIVER(j,v), one per
// distinct value in inbox[j]: take one v, s[j] |= v. DROP(j,v): take one v, a
// drop used. DUP(j,v): s[j] |= v and a duplicate used, v stays in flight.
// CHECK at quiescence (nothing else enabled): a self-loop, counted as an edge.
//
// The switches, and frsim's world's default for each (WorldConfig says how
// a scenario chooses; scenarios/gset_replication.cpp chooses the reference):
//   senders: a message is (destination, sender, set), not (destination, set)
//     (default: yes; anonymous_messages);
//   capacity: C = 2, or unbounded (default: unbounded; inbox_capacity); a
//     duplicate kept in flight needs room too;
//   initial_sent: ls starts at the initial set, or at "nothing sent", so a
//     replica may send its empty set once to each peer (default: nothing
//     sent; initial_values_known);
//   dup_delivered: DUP delivers a copy at once, or puts a second copy in
//     flight (default: in flight; duplicates);
//   check_edge: a quiescent state has the CHECK self-loop, or no transition
//     (frsim: none; a schedule ends there and is judged).
#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

namespace frsim::sim::explore::gset_model {

struct Message {
  std::uint8_t to = 0, from = 0, value = 0;
  friend auto operator<=>(const Message&, const Message&) = default;
};

struct State {
  std::array<std::uint8_t, 4> s{}, w{};
  std::array<std::uint8_t, 16> ls{};  // ls[i * 4 + j]; never_sent in frsim semantics
  std::vector<Message> flight;        // sorted: a multiset
  std::uint8_t drops = 0, dups = 0;   // used so far
  friend bool operator==(const State&, const State&) = default;
};

struct Hash {
  std::size_t operator()(const State& x) const {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 1099511628211ULL; };
    for (auto v : x.s) mix(v);
    for (auto v : x.w) mix(v);
    for (auto v : x.ls) mix(v);
    for (const auto& m : x.flight) mix((m.to << 16) | (m.from << 8) | m.value);
    mix(x.drops);
    mix(x.dups);
    return h;
  }
};

constexpr std::uint8_t never_sent = 0xff;

struct Counts {
  std::uint64_t states = 0, edges = 0, quiescent = 0;
};

struct Semantics {
  bool senders = true;
  unsigned capacity = 0;  // 0: unbounded
  bool initial_sent = false;
  bool dup_delivered = false;
  bool check_edge = false;

  static Semantics reference() { return Semantics{false, 2, true, true, true}; }
  static Semantics frsim_default() { return Semantics{}; }
};

// Calls on_state(state, successors) for every state reachable in at most
// `depth_max` steps (BFS levels), once each; a state at depth_max has no
// successors counted. Returns the counts.
template <class OnState>
Counts for_each_state(unsigned n, unsigned drops, unsigned dups, const Semantics& sem, std::uint64_t depth_max,
                      OnState&& on_state) {
  State initial;
  if (!sem.initial_sent) initial.ls.fill(never_sent);
  std::unordered_set<State, Hash> seen{initial};
  std::deque<std::pair<State, std::uint64_t>> todo{{initial, 0}};  // a state, its depth
  Counts c;
  auto add = [](std::vector<Message>& flight, Message m) {
    flight.insert(std::upper_bound(flight.begin(), flight.end(), m), m);
  };
  auto take = [](std::vector<Message>& flight, Message m) {
    flight.erase(std::find(flight.begin(), flight.end(), m));
  };
  auto inbox = [](const State& x, unsigned j) {
    return static_cast<unsigned>(
        std::count_if(x.flight.begin(), x.flight.end(), [j](const Message& m) { return m.to == j; }));
  };
  while (!todo.empty()) {
    const State x = std::move(todo.front().first);
    const std::uint64_t depth = todo.front().second;
    todo.pop_front();
    ++c.states;
    std::vector<State> next;
    for (unsigned i = 0; i < n; ++i) {
      if (x.w[i] == 0) {  // LOCAL(i)
        State y = x;
        y.s[i] |= static_cast<std::uint8_t>(1U << i);
        y.w[i] = 1;
        next.push_back(y);
      }
      for (unsigned j = 0; j < n; ++j) {  // SEND(i, j)
        if (i == j || x.ls[i * 4 + j] == x.s[i]) continue;
        if (sem.capacity > 0 && inbox(x, j) >= sem.capacity) continue;
        State y = x;
        add(y.flight, Message{static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(sem.senders ? i : 0), x.s[i]});
        y.ls[i * 4 + j] = x.s[i];
        next.push_back(y);
      }
    }
    for (std::size_t k = 0; k < x.flight.size(); ++k) {
      const Message m = x.flight[k];
      if (k > 0 && x.flight[k - 1] == m) continue;  // one action per distinct message
      State y = x;  // DELIVER
      take(y.flight, m);
      y.s[m.to] |= m.value;
      next.push_back(y);
      if (x.drops < drops) {
        State z = x;
        take(z.flight, m);
        ++z.drops;
        next.push_back(z);
      }
      if (x.dups < dups && (sem.dup_delivered || sem.capacity == 0 || inbox(x, m.to) < sem.capacity)) {
        State z = x;
        ++z.dups;
        if (sem.dup_delivered) {
          z.s[m.to] |= m.value;
        } else {
          add(z.flight, m);
        }
        next.push_back(z);
      }
    }
    if (next.empty()) {
      ++c.quiescent;
      if (sem.check_edge) ++c.edges;  // CHECK, a self-loop
    }
    if (depth >= depth_max) {  // not expanded: its edges are not counted
      on_state(x, 0);
      continue;
    }
    on_state(x, next.size());
    c.edges += next.size();
    for (State& y : next) {
      if (seen.insert(y).second) todo.emplace_back(std::move(y), depth + 1);
    }
  }
  return c;
}

inline Counts explore(unsigned n, unsigned drops, unsigned dups, const Semantics& sem,
                      std::uint64_t depth_max = ~std::uint64_t{0}) {
  return for_each_state(n, drops, dups, sem, depth_max, [](const State&, std::uint64_t) {});
}

// `x` with replica i renamed to_new[i]: its slot, the element it added (bit
// i of every set), what it sent and to whom (and, with senders, who sent
// each message).
inline State permute(const State& x, unsigned n, const std::array<std::uint8_t, 4>& to_new, bool senders) {
  auto rename = [&](std::uint8_t set) {
    if (set == never_sent) return set;
    std::uint8_t out = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (((set >> i) & 1) != 0) out |= static_cast<std::uint8_t>(1U << to_new[i]);
    }
    return out;
  };
  State y = x;
  for (unsigned i = 0; i < n; ++i) {
    y.s[to_new[i]] = rename(x.s[i]);
    y.w[to_new[i]] = x.w[i];
    for (unsigned j = 0; j < n; ++j) {
      if (i != j) y.ls[to_new[i] * 4 + to_new[j]] = rename(x.ls[i * 4 + j]);
    }
  }
  for (Message& m : y.flight) m = Message{to_new[m.to], senders ? to_new[m.from] : m.from, rename(m.value)};
  std::sort(y.flight.begin(), y.flight.end());
  return y;
}

// The same exploration counted up to symmetry: the orbits of the reachable
// states under every permutation of the replicas (a state and its images are
// one), and the transitions out of one state per orbit. What a symmetry
// reduction that renames replicas in values, too, must find.
inline Counts orbits(unsigned n, unsigned drops, unsigned dups, const Semantics& sem,
                     std::uint64_t depth_max = ~std::uint64_t{0}) {
  auto key = [](const State& x) {
    std::string k(x.s.begin(), x.s.end());
    k.append(x.w.begin(), x.w.end());
    k.append(x.ls.begin(), x.ls.end());
    for (const Message& m : x.flight) k += {static_cast<char>(m.to), static_cast<char>(m.from), static_cast<char>(m.value)};
    k += static_cast<char>(x.drops);
    k += static_cast<char>(x.dups);
    return k;
  };
  std::set<std::string> seen;
  Counts c;
  for_each_state(n, drops, dups, sem, depth_max, [&](const State& x, std::uint64_t successors) {
    std::array<std::uint8_t, 4> to_new{0, 1, 2, 3};
    std::string least = key(x);
    do {
      least = std::min(least, key(permute(x, n, to_new, sem.senders)));
    } while (std::next_permutation(to_new.begin(), to_new.begin() + n));
    if (!seen.insert(least).second) return;
    ++c.states;
    c.edges += successors;
    if (successors == 0) ++c.quiescent;
  });
  return c;
}

}  // namespace frsim::sim::explore::gset_model
