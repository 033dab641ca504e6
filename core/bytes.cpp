#include "core/bytes.hpp"

#include "core/error.hpp"

namespace frsim::core {

void Encoder::varint_long(std::uint64_t v) {
  while (v >= 0x80) {
    bytes_.push_back(static_cast<std::uint8_t>(v | 0x80));
    v >>= 7;
  }
  bytes_.push_back(static_cast<std::uint8_t>(v));
}

void Encoder::svarint(std::int64_t v) { varint(EncodingOrder::zigzag(v)); }

void Encoder::string(std::string_view s) {
  varint(s.size());
  bytes_.insert(bytes_.end(), s.begin(), s.end());
}

std::strong_ordering EncodingOrder::varint_order(std::uint64_t a, std::uint64_t b) {
  for (;;) {
    const unsigned x = static_cast<unsigned>(a & 0x7f) | (a >= 0x80 ? 0x80U : 0U);
    const unsigned y = static_cast<unsigned>(b & 0x7f) | (b >= 0x80 ? 0x80U : 0U);
    if (x != y) return x <=> y;
    if (a < 0x80) return std::strong_ordering::equal;  // the last byte of both
    a >>= 7;
    b >>= 7;
  }
}

EncodingOrder& EncodingOrder::string(std::string_view a, std::string_view b) {
  if (decided()) return *this;
  if (a.size() != b.size()) return varint(a.size(), b.size());
  const int c = a.compare(b);  // char_traits<char>::compare orders as unsigned char
  result_ = c <=> 0;
  return *this;
}

std::uint8_t Decoder::u8() {
  if (offset_ >= bytes_.size()) throw DecodeError("truncated input: expected a byte");
  return bytes_[offset_++];
}

void Decoder::skip(std::size_t n) {
  if (n > remaining()) throw DecodeError("truncated input: expected more bytes");
  offset_ += n;
}

std::uint64_t Decoder::varint() {
  std::uint64_t result = 0;
  for (unsigned shift = 0; shift < 64; shift += 7) {
    const std::uint8_t b = u8();
    if (shift == 63 && (b & 0x7e) != 0) throw DecodeError("corrupt varint: overflows 64 bits");
    result |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return result;
  }
  throw DecodeError("corrupt varint: more than 10 bytes");
}

std::uint64_t Decoder::count() {
  const std::uint64_t n = varint();
  if (n > remaining()) throw DecodeError("corrupt length: larger than the input");
  return n;
}

std::string Decoder::string() {
  const std::uint64_t n = count();
  std::string s(reinterpret_cast<const char*>(bytes_.data() + offset_), n);
  offset_ += n;
  return s;
}

}  // namespace frsim::core
