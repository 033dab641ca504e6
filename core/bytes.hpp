#pragma once
// Byte encoding used for snapshots, messages, traces and to count bytes on the
// wire. Integers are LEB128 varints (signed ones zigzag-encoded), strings are
// length-prefixed. Decoding throws DecodeError on truncated or corrupt input.

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
  void svarint(std::int64_t v) {
    varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
  }
  void string(std::string_view s);

  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }
  // Empties the encoder and keeps its buffer, for one encoder that writes
  // many encodings in turn (a search's state vectors).
  void clear() { bytes_.clear(); }

 private:
  void varint_long(std::uint64_t v);
  std::vector<std::uint8_t> bytes_;
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
  // Nesting guard for recursive decoders (lists of lists ...).
  std::uint32_t depth = 0;

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
};

}  // namespace frsim::core
