#pragma once
// An explicit-state model of G-Set replication under anti-entropy with
// faults, written independently of frsim's world, in two semantics.
//
// reference: the SPIN model explicit-state checkers are measured on. N
//   replicas; s[i] a bitmask, w[i] whether replica i has added element i,
//   ls[i][j] the set i last sent to j (initially 0), inbox[j] a multiset of
//   at most C = 2 sets (a message is only a value), D drops and K duplicates
//   in all. LOCAL(i): s[i] |= 1 << i once. SEND(i,j): if s[i] != ls[i][j]
//   and inbox[j] holds fewer than 2, put s[i] in it and set ls[i][j].
//   DELIVER(j,v), one per distinct value in inbox[j]: take one v, s[j] |= v.
//   DROP(j,v): take one v, a drop used. DUP(j,v): s[j] |= v and a duplicate
//   used, v stays in flight. CHECK at quiescence (nothing else enabled): a
//   self-loop, counted as an edge.
// frsim: the world running scenarios/gset_replication.cpp. A message is
//   (sender, destination, set); no capacity; nothing has been sent at first,
//   so a replica may send its empty set; DROP and DUP pick a distinct
//   message; DUP puts a second copy in flight; a quiescent state has no
//   transition.
#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <unordered_set>
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

inline Counts explore(unsigned n, unsigned drops, unsigned dups, bool reference) {
  constexpr unsigned capacity = 2;
  State initial;
  if (!reference) initial.ls.fill(never_sent);
  std::unordered_set<State, Hash> seen{initial};
  std::deque<State> todo{initial};
  Counts c;
  auto add = [](std::vector<Message>& flight, Message m) {
    flight.insert(std::upper_bound(flight.begin(), flight.end(), m), m);
  };
  auto take = [](std::vector<Message>& flight, Message m) {
    flight.erase(std::find(flight.begin(), flight.end(), m));
  };
  while (!todo.empty()) {
    const State x = std::move(todo.front());
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
        const auto inbox = std::count_if(x.flight.begin(), x.flight.end(), [j](const Message& m) { return m.to == j; });
        if (reference && inbox >= capacity) continue;
        State y = x;
        add(y.flight, Message{static_cast<std::uint8_t>(j), static_cast<std::uint8_t>(reference ? 0 : i), x.s[i]});
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
      if (x.dups < dups) {
        State z = x;
        ++z.dups;
        if (reference) {
          z.s[m.to] |= m.value;
        } else {
          add(z.flight, m);
        }
        next.push_back(z);
      }
    }
    if (next.empty()) {
      ++c.quiescent;
      if (reference) ++c.edges;  // CHECK, a self-loop
    }
    c.edges += next.size();
    for (State& y : next) {
      if (seen.insert(y).second) todo.push_back(std::move(y));
    }
  }
  return c;
}

}  // namespace frsim::sim::explore::gset_model
