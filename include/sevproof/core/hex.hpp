// Lowercase hex encoding and strict hex decoding.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sevproof/core/bytes.hpp"

namespace sevproof::hex {

inline std::string encode(bytes_view b) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(b.size() * 2);
  for (byte x : b) {
    out.push_back(digits[x >> 4]);
    out.push_back(digits[x & 0xF]);
  }
  return out;
}

// An integer as "0x..." in lowercase hex, zero-padded to at least `min_digits` digits.
inline std::string number(std::uint64_t v, int min_digits = 0) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), digits[v & 0xF]);
    v >>= 4;
  } while (v != 0);
  if (static_cast<int>(out.size()) < min_digits) out.insert(0, static_cast<std::size_t>(min_digits) - out.size(), '0');
  return "0x" + out;
}

constexpr int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes hex, ignoring ASCII whitespace and an optional "0x" prefix. Returns nullopt on any other
// character or an odd number of digits.
inline std::optional<bytes> decode(std::string_view s) {
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) s.remove_prefix(2);
  bytes out;
  out.reserve(s.size() / 2);
  int hi = -1;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    int n = nibble(c);
    if (n < 0) return std::nullopt;
    if (hi < 0) {
      hi = n;
    } else {
      out.push_back(static_cast<byte>(hi << 4 | n));
      hi = -1;
    }
  }
  if (hi >= 0) return std::nullopt;
  return out;
}

}  // namespace sevproof::hex
