#include "core/crdt/dot.hpp"

#include <algorithm>
#include <iterator>

#include "core/error.hpp"

namespace frsim::core::crdt {

CausalContext::CausalContext(const DotSet& dots) { insert(dots); }

bool CausalContext::contains(const Dot& dot) const {
  auto found = compact_.find(dot.replica);
  if (found != compact_.end() && dot.counter <= found->second) return true;
  return cloud_.contains(dot);
}

Dot CausalContext::next(ReplicaId replica) const {
  std::uint64_t seen = 0;
  if (auto found = compact_.find(replica); found != compact_.end()) seen = found->second;
  // The greatest cloud dot of `replica` is the last one before replica + 1.
  auto after = cloud_.lower_bound(Dot{replica + 1, 0});
  if (replica == UINT32_MAX) after = cloud_.end();
  if (after != cloud_.begin()) {
    const Dot& last = *std::prev(after);
    if (last.replica == replica) seen = std::max(seen, last.counter);
  }
  if (seen == UINT64_MAX) throw Error("dot counter overflow for replica " + std::to_string(replica));
  return Dot{replica, seen + 1};
}

void CausalContext::insert(const Dot& dot) {
  if (dot.counter == 0) return;  // counters start at 1; 0 is "nothing seen"
  cloud_.insert(dot);
  normalise();
}

void CausalContext::insert(const DotSet& dots) {
  for (const Dot& dot : dots) {
    if (dot.counter != 0) cloud_.insert(dot);
  }
  normalise();
}

void CausalContext::join(const CausalContext& other) {
  for (const auto& [replica, n] : other.compact_) {
    auto [it, inserted] = compact_.emplace(replica, n);
    if (!inserted) it->second = std::max(it->second, n);
  }
  cloud_.insert(other.cloud_.begin(), other.cloud_.end());
  normalise();
}

bool CausalContext::includes(const CausalContext& other) const {
  for (const auto& [replica, n] : other.compact_) {
    auto found = compact_.find(replica);
    if (found == compact_.end() || found->second < n) return false;
  }
  return std::all_of(other.cloud_.begin(), other.cloud_.end(),
                     [this](const Dot& dot) { return contains(dot); });
}

// Cloud dots are sorted by (replica, counter), so one pass absorbs every run
// that continues a replica's contiguous prefix.
void CausalContext::normalise() {
  for (auto it = cloud_.begin(); it != cloud_.end();) {
    auto found = compact_.find(it->replica);
    const std::uint64_t n = found == compact_.end() ? 0 : found->second;
    if (it->counter <= n + 1) {
      if (it->counter == n + 1) {
        if (found == compact_.end()) {
          compact_.emplace(it->replica, it->counter);
        } else {
          found->second = it->counter;
        }
      }
      it = cloud_.erase(it);
    } else {
      ++it;
    }
  }
}

void CausalContext::encode(Encoder& out) const {
  out.varint(compact_.size());
  for (const auto& [replica, n] : compact_) {
    out.varint(replica);
    out.varint(n);
  }
  out.varint(cloud_.size());
  for (const Dot& dot : cloud_) encode_dot(out, dot);
}

CausalContext CausalContext::decode(Decoder& in) {
  CausalContext context;
  const std::uint64_t compact_count = in.count();
  for (std::uint64_t i = 0; i < compact_count; ++i) {
    const Dot last = decode_dot(in);
    if (last.counter == 0 || (!context.compact_.empty() && context.compact_.rbegin()->first >= last.replica)) {
      throw DecodeError("corrupt causal context: compact part not canonical");
    }
    context.compact_.emplace_hint(context.compact_.end(), last.replica, last.counter);
  }
  const DotSet cloud = decode_dots(in, false);
  const std::size_t compact_size = context.compact_.size();
  context.insert(cloud);
  if (context.cloud_.size() != cloud.size() || context.compact_.size() != compact_size) {
    throw DecodeError("corrupt causal context: cloud not canonical");
  }
  return context;
}

std::string CausalContext::to_string() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [replica, n] : compact_) {
    if (!first) out += ", ";
    first = false;
    out += "r";
    out += std::to_string(replica);
    out += ":1..";
    out += std::to_string(n);
  }
  for (const Dot& dot : cloud_) {
    if (!first) out += ", ";
    first = false;
    out += crdt::to_string(dot);
  }
  out += "}";
  return out;
}

DotSet join_dots(const DotSet& a, const CausalContext& ca, const DotSet& b,
                 const CausalContext& cb) {
  DotSet out;
  out.reserve(std::max(a.size(), b.size()));
  auto x = a.begin();
  auto y = b.begin();
  while (x != a.end() || y != b.end()) {
    if (y == b.end() || (x != a.end() && *x < *y)) {
      if (!cb.contains(*x)) out.push_back(*x);
      ++x;
    } else if (x == a.end() || *y < *x) {
      if (!ca.contains(*y)) out.push_back(*y);
      ++y;
    } else {
      out.push_back(*x);
      ++x;
      ++y;
    }
  }
  return out;
}

bool contains(const DotSet& dots, const Dot& dot) {
  return std::binary_search(dots.begin(), dots.end(), dot);
}

bool dots_below(const DotSet& a, const CausalContext& ca, const DotSet& b) {
  return std::all_of(b.begin(), b.end(),
                     [&](const Dot& dot) { return !ca.contains(dot) || contains(a, dot); });
}

void encode_dot(Encoder& out, const Dot& dot) {
  out.varint(dot.replica);
  out.varint(dot.counter);
}

Dot decode_dot(Decoder& in) {
  const std::uint64_t replica = in.varint();
  if (replica > UINT32_MAX) throw DecodeError("corrupt dot: replica id out of range");
  return Dot{static_cast<ReplicaId>(replica), in.varint()};
}

void encode_dots(Encoder& out, const DotSet& dots) {
  out.varint(dots.size());
  for (const Dot& dot : dots) encode_dot(out, dot);
}

DotSet decode_dots(Decoder& in, bool non_empty) {
  const std::uint64_t count = in.count();
  if (non_empty && count == 0) throw DecodeError("corrupt dot set: empty");
  DotSet dots;
  dots.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const Dot dot = decode_dot(in);
    if (dot.counter == 0 || (!dots.empty() && !(dots.back() < dot))) {
      throw DecodeError("corrupt dot set: not strictly ascending");
    }
    dots.push_back(dot);
  }
  return dots;
}

void encode_timestamp(Encoder& out, const Timestamp& ts) {
  out.varint(ts.lamport);
  out.varint(ts.replica);
}

Timestamp decode_timestamp(Decoder& in) {
  const std::uint64_t lamport = in.varint();
  const std::uint64_t replica = in.varint();
  if (replica > UINT32_MAX) throw DecodeError("corrupt timestamp: replica id out of range");
  return Timestamp{lamport, static_cast<ReplicaId>(replica)};
}

void expect_seen(const CausalContext& context, const DotSet& dots) {
  for (const Dot& dot : dots) {
    if (!context.contains(dot)) {
      throw DecodeError("corrupt causal state: dot " + to_string(dot) + " not in its context");
    }
  }
}

std::string to_string(const Dot& dot) {
  std::string out = "r";
  out += std::to_string(dot.replica);
  out += ".";
  out += std::to_string(dot.counter);
  return out;
}

std::string to_string(const Timestamp& ts) {
  std::string out = std::to_string(ts.lamport);
  out += "@r";
  out += std::to_string(ts.replica);
  return out;
}

}  // namespace frsim::core::crdt
