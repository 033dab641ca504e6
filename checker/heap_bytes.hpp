#pragma once
// What a property's per-schedule state holds on the heap, estimated from its
// containers' sizes (DESIGN §6, "The memory budget"): a breadth-first search
// keeps a copy of the monitor with every node of its frontier, and counts it
// against --memory-limit. An estimate computed from sizes, not a measurement
// of the allocator, so that where a memory budget stops a search depends on
// the states explored and never on malloc's internals.
//
// heap_bytes(x) covers the standard containers, strings, optionals, pairs and
// any type with a member `std::uint64_t heap_bytes() const` (a property's
// private structs list their members there). Values and shared pointers count
// nothing: a copy shares what they point to. A type it does not know fails to
// compile, so a new member cannot be left out by accident of its type.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/value.hpp"

namespace frsim::checker {

// One allocation of `bytes` as glibc's malloc lays it out: a size word, then
// the payload rounded up to 16 bytes, 32 at the least.
constexpr std::uint64_t heap_block(std::size_t bytes) {
  if (bytes == 0) return 0;
  const std::uint64_t chunk = (bytes + 8 + 15) & ~std::uint64_t{15};
  return chunk < 32 ? 32 : chunk;
}

template <class T>
std::uint64_t heap_bytes(const T& x);

namespace heap_detail {
template <class T>
concept HasHeapBytes = requires(const T& x) {
  { x.heap_bytes() } -> std::convertible_to<std::uint64_t>;
};
template <class T>
struct Tag {};

// Red-black tree and hash nodes: the links (32 and 8 bytes), then the element.
constexpr std::size_t tree_links = 32;
constexpr std::size_t hash_links = 16;

template <class T>
std::uint64_t elements(const T& container) {
  std::uint64_t bytes = 0;
  for (const auto& e : container) bytes += heap_bytes(e);
  return bytes;
}

template <class T>
std::uint64_t of(const T& x, Tag<T>) {
  if constexpr (HasHeapBytes<T>) {
    return x.heap_bytes();
  } else if constexpr (std::is_same_v<T, core::Value> || std::is_trivially_copyable_v<T>) {
    return 0;  // a Value shares its heap object with every copy
  } else {
    static_assert(sizeof(T) == 0, "heap_bytes: say what this type holds on the heap");
    return 0;
  }
}
inline std::uint64_t of(const std::string& s, Tag<std::string>) {
  return s.capacity() > 15 ? heap_block(s.capacity() + 1) : 0;  // 15 characters fit in place
}
inline std::uint64_t of(const std::vector<bool>& v, Tag<std::vector<bool>>) {
  return heap_block((v.capacity() + 63) / 64 * 8);
}
template <class T>
std::uint64_t of(const std::vector<T>& v, Tag<std::vector<T>>) {
  return heap_block(v.capacity() * sizeof(T)) + elements(v);
}
template <class T>
std::uint64_t of(const std::optional<T>& o, Tag<std::optional<T>>) {
  return o ? heap_bytes(*o) : 0;
}
template <class T>
std::uint64_t of(const std::shared_ptr<T>&, Tag<std::shared_ptr<T>>) {
  return 0;  // shared by every copy
}
template <class A, class B>
std::uint64_t of(const std::pair<A, B>& p, Tag<std::pair<A, B>>) {
  return heap_bytes(p.first) + heap_bytes(p.second);
}
template <class K, class V, class C, class A>
std::uint64_t of(const std::map<K, V, C, A>& m, Tag<std::map<K, V, C, A>>) {
  return m.size() * heap_block(tree_links + sizeof(std::pair<const K, V>)) + elements(m);
}
template <class K, class C, class A>
std::uint64_t of(const std::set<K, C, A>& s, Tag<std::set<K, C, A>>) {
  return s.size() * heap_block(tree_links + sizeof(K)) + elements(s);
}
template <class K, class V, class H, class E, class A>
std::uint64_t of(const std::unordered_map<K, V, H, E, A>& m, Tag<std::unordered_map<K, V, H, E, A>>) {
  return heap_block(m.bucket_count() * sizeof(void*)) +
         m.size() * heap_block(hash_links + sizeof(std::pair<const K, V>)) + elements(m);
}
template <class K, class H, class E, class A>
std::uint64_t of(const std::unordered_set<K, H, E, A>& s, Tag<std::unordered_set<K, H, E, A>>) {
  return heap_block(s.bucket_count() * sizeof(void*)) + s.size() * heap_block(hash_links + sizeof(K)) +
         elements(s);
}
}  // namespace heap_detail

template <class T>
std::uint64_t heap_bytes(const T& x) {
  return heap_detail::of(x, heap_detail::Tag<T>{});
}

// The sum over several members: heap_bytes(devices_, messages_, ...).
template <class... T>
  requires(sizeof...(T) > 1)
std::uint64_t heap_bytes(const T&... xs) {
  return (heap_bytes(xs) + ...);
}

}  // namespace frsim::checker
