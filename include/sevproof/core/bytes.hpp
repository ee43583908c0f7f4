// Byte views and constexpr little-endian loads/stores.
//
// AMD structures are little-endian byte layouts. We never cast a packed struct over input bytes:
// every read goes through these functions, which check bounds and work in constant expressions
// (so a report built at compile time can be read inside a static_assert).
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace sevproof {

using byte = std::uint8_t;
using bytes = std::vector<byte>;
using bytes_view = std::span<const byte>;

// Thrown only on programming errors (an accessor used past a size that parsing already checked).
// Hostile input never reaches these: parsers validate sizes first and return sevproof::error.
struct out_of_bounds : std::out_of_range {
  using std::out_of_range::out_of_range;
};

constexpr void require_range(bytes_view b, std::size_t offset, std::size_t size) {
  if (offset > b.size() || size > b.size() - offset) throw out_of_bounds("sevproof: read past end of buffer");
}

template <std::unsigned_integral T>
constexpr T load_le(bytes_view b, std::size_t offset) {
  require_range(b, offset, sizeof(T));
  T v = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(static_cast<T>(b[offset + i]) << (8 * i));
  return v;
}

template <std::unsigned_integral T>
constexpr void store_le(std::span<byte> b, std::size_t offset, T v) {
  require_range(bytes_view(b.data(), b.size()), offset, sizeof(T));
  for (std::size_t i = 0; i < sizeof(T); ++i) b[offset + i] = static_cast<byte>(v >> (8 * i));
}

constexpr bytes_view subview(bytes_view b, std::size_t offset, std::size_t size) {
  require_range(b, offset, size);
  return b.subspan(offset, size);
}

template <std::size_t N>
constexpr std::array<byte, N> copy_array(bytes_view b, std::size_t offset) {
  require_range(b, offset, N);
  std::array<byte, N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = b[offset + i];
  return out;
}

// Where the first non-zero byte of b is, or b.size() when all are zero.
constexpr std::size_t first_nonzero(bytes_view b) {
  std::size_t i = 0;
  while (i < b.size() && b[i] == 0) ++i;
  return i;
}

constexpr bool all_zero(bytes_view b) { return first_nonzero(b) == b.size(); }

constexpr bool all_equal(bytes_view b, byte value) {
  for (byte x : b)
    if (x != value) return false;
  return true;
}

constexpr bool equal_bytes(bytes_view a, bytes_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

inline bytes_view as_bytes_view(const std::string& s) { return {reinterpret_cast<const byte*>(s.data()), s.size()}; }

}  // namespace sevproof
