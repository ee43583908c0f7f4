// A minimal, strict DER reader: TLVs one after another (read_next), and the few value types AMD
// puts in certificate extensions: INTEGER (small, non-negative), IA5String and OCTET STRING.
// Everything else is refused; no length is trusted before it is checked against the input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sevproof/core/bytes.hpp"

namespace sevproof::der {

struct tlv {
  byte tag = 0;
  bytes_view value;
};

// The TLV at the start of `in` (definite short or minimal long length, at most 4 length bytes)
// and what follows it. Every length is checked against what is there before it is used.
struct tlv_and_rest {
  tlv first;
  bytes_view rest;
};
inline std::optional<tlv_and_rest> read_next(bytes_view in) {
  if (in.size() < 2) return std::nullopt;
  const byte tag = in[0];
  std::size_t len = in[1], header = 2;
  if (len & 0x80) {
    const std::size_t n = len & 0x7F;
    if (n == 0 || n > 4 || in.size() < 2 + n) return std::nullopt;
    len = 0;
    for (std::size_t i = 0; i < n; ++i) len = (len << 8) | in[2 + i];
    if (len < 0x80 || (n > 1 && in[2] == 0)) return std::nullopt;  // not minimal (DER)
    header = 2 + n;
  }
  if (in.size() - header < len) return std::nullopt;
  return tlv_and_rest{tlv{tag, in.subspan(header, len)}, in.subspan(header + len)};
}

// Exactly one TLV spanning all of `in` (no trailing bytes).
inline std::optional<tlv> read_single(bytes_view in) {
  auto t = read_next(in);
  if (!t || !t->rest.empty()) return std::nullopt;
  return t->first;
}

// A non-negative INTEGER that fits 64 bits (values >= 0x80 carry a leading 00 byte).
inline std::optional<std::uint64_t> read_uint(bytes_view in) {
  auto t = read_single(in);
  if (!t || t->tag != 0x02 || t->value.empty()) return std::nullopt;
  auto v = t->value;
  if (v[0] & 0x80) return std::nullopt;                                  // negative
  if (v.size() > 1 && v[0] == 0 && !(v[1] & 0x80)) return std::nullopt;  // not minimal
  if (v[0] == 0) v = v.subspan(1);
  if (v.size() > 8) return std::nullopt;
  std::uint64_t x = 0;
  for (byte b : v) x = (x << 8) | b;
  return x;
}

inline std::optional<std::string> read_ia5string(bytes_view in) {
  auto t = read_single(in);
  if (!t || t->tag != 0x16) return std::nullopt;
  std::string s;
  for (byte b : t->value) {
    if (b >= 0x80) return std::nullopt;  // IA5 is 7-bit ASCII
    s.push_back(static_cast<char>(b));
  }
  return s;
}

inline std::optional<bytes_view> read_octet_string(bytes_view in) {
  auto t = read_single(in);
  if (!t || t->tag != 0x04) return std::nullopt;
  return t->value;
}

}  // namespace sevproof::der
