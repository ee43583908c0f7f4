// Strict base64 (RFC 4648, standard alphabet, '=' padding optional, whitespace ignored), and its URL-safe
// alphabet ('-' and '_' for '+' and '/', as Azure's attestation JSON carries reports) as a separate decoder.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sevproof/core/bytes.hpp"

namespace sevproof::base64 {

constexpr int value_of(char c, bool url = false) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == (url ? '-' : '+')) return 62;
  if (c == (url ? '_' : '/')) return 63;
  return -1;
}

namespace detail {
inline std::optional<bytes> decode_with(std::string_view s, bool url) {
  bytes out;
  out.reserve(s.size() * 3 / 4);
  std::uint32_t acc = 0;
  int nbits = 0;
  std::size_t padding = 0;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    if (c == '=') {
      ++padding;
      continue;
    }
    if (padding != 0) return std::nullopt;  // data after padding
    int v = value_of(c, url);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    nbits += 6;
    if (nbits >= 8) {
      nbits -= 8;
      out.push_back(static_cast<byte>(acc >> nbits));
      acc &= (1u << nbits) - 1;
    }
  }
  if (padding > 2 || nbits >= 6 || acc != 0) return std::nullopt;  // leftover bits must be zero
  return out;
}
}  // namespace detail

inline std::optional<bytes> decode(std::string_view s) { return detail::decode_with(s, false); }
// The URL-safe alphabet only (a text mixing both alphabets is refused by both decoders).
inline std::optional<bytes> decode_url(std::string_view s) { return detail::decode_with(s, true); }

inline std::string encode(bytes_view b) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((b.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= b.size(); i += 3) {
    std::uint32_t v = (std::uint32_t{b[i]} << 16) | (std::uint32_t{b[i + 1]} << 8) | b[i + 2];
    for (int k = 3; k >= 0; --k) out.push_back(alphabet[(v >> (6 * k)) & 63]);
  }
  if (i < b.size()) {
    std::uint32_t v = std::uint32_t{b[i]} << 16;
    if (i + 1 < b.size()) v |= std::uint32_t{b[i + 1]} << 8;
    out.push_back(alphabet[(v >> 18) & 63]);
    out.push_back(alphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < b.size() ? alphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace sevproof::base64
