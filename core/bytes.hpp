#pragma once
// Byte encoding used for snapshots, messages, traces and to count bytes on the
// wire. Integers are LEB128 varints (signed ones zigzag-encoded), strings are
// length-prefixed. Decoding throws DecodeError on truncated or corrupt input.

#include <compare>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace frsim::core {

class Encoder {
 public:
  void u8(std::uint8_t v) { bytes_.push_back(v); }
  void varint(std::uint64_t v) {
    if (v < 0x80) {
      bytes_.push_back(static_cast<std::uint8_t>(v));  // most numbers: one byte, inline
      return;
    }
    varint_long(v);
  }
  void svarint(std::int64_t v);
  void string(std::string_view s);
  // Bytes an encoder wrote before, appended as they are.
  void raw(std::span<const std::uint8_t> bytes) { bytes_.insert(bytes_.end(), bytes.begin(), bytes.end()); }

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }
  // Empties the encoder and keeps its buffer, for one encoder that writes
  // many encodings in turn (a search's state vectors).
  void clear() { bytes_.clear(); }

 private:
  void varint_long(std::uint64_t v);
  std::vector<std::uint8_t> bytes_;
};

// The order of two encodings' bytes (lexicographic, as std::vector compares
// them), computed token by token without writing them. Every token (a byte, a
// varint, a length-prefixed string, a Value's encoding) is prefix-free, so two
// encodings that agree up to a token boundary are ordered by their first
// differing token, and that by its own bytes alone. Callers feed the tokens of
// both encodings in step, as their encoders write them, and stop when
// decided(): up to the first difference both encodings have the same shape.
class EncodingOrder {
 public:
  bool decided() const { return result_ != 0; }
  std::strong_ordering result() const { return result_; }

  EncodingOrder& u8(std::uint8_t a, std::uint8_t b) { return then(a <=> b); }
  EncodingOrder& varint(std::uint64_t a, std::uint64_t b) {
    if (!decided() && a != b) result_ = varint_order(a, b);
    return *this;
  }
  EncodingOrder& svarint(std::int64_t a, std::int64_t b) { return varint(zigzag(a), zigzag(b)); }
  EncodingOrder& string(std::string_view a, std::string_view b);
  // A token ordered elsewhere (a Value's, a lattice's payload).
  EncodingOrder& then(std::strong_ordering order) {
    if (!decided()) result_ = order;
    return *this;
  }

  // LEB128 bytes are little-endian: 128 (80 01) orders before 2 (02).
  static std::strong_ordering varint_order(std::uint64_t a, std::uint64_t b);
  static std::uint64_t zigzag(std::int64_t v) {
    return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
  }

 private:
  std::strong_ordering result_ = std::strong_ordering::equal;
};

class Decoder {
 public:
  explicit Decoder(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::uint8_t u8();
  std::uint64_t varint();
  std::int64_t svarint() {
    const std::uint64_t z = varint();
    return static_cast<std::int64_t>((z >> 1) ^ (~(z & 1) + 1));
  }
  std::string string();
  // Guards against absurd lengths in corrupt input: a count can never exceed
  // the bytes left, since every element takes at least one byte.
  std::uint64_t count();

  bool at_end() const { return offset_ == bytes_.size(); }
  std::size_t remaining() const { return bytes_.size() - offset_; }
  // The bytes not read yet; skip(n) reads n of them unseen.
  std::span<const std::uint8_t> rest() const { return bytes_.subspan(offset_); }
  void skip(std::size_t n);
  // Nesting guard for recursive decoders (lists of lists ...).
  std::uint32_t depth = 0;

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

}  // namespace frsim::core
