#pragma once
// Stable 64-bit hashing: the same input gives the same hash on every build and
// platform. Never hash a pointer.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace frsim::core {

// splitmix64 finalizer: a bijective mix with good avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

constexpr std::uint64_t hash_combine(std::uint64_t seed, std::uint64_t value) {
  return mix64(seed ^ (value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2)));
}

// One part of a whole's hash: `value` at `position`, mixed on its own. A
// whole hashed as the sum of its parts' hash_at costs no chain of dependent
// multiplications (hash_combine folds one part after another, each waiting
// for the last), so the processor mixes the parts side by side; the
// position keeps the sum sensitive to which part is where.
constexpr std::uint64_t hash_at(std::uint64_t position, std::uint64_t value) {
  return mix64(value + (position + 1) * 0x9e3779b97f4a7c15ULL);
}

// FNV-1a over the bytes, then mixed.
constexpr std::uint64_t hash_bytes(std::string_view bytes) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix64(h);
}

}  // namespace frsim::core
