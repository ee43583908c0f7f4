// Unsigned numbers as users type them: decimal ("21") or 0x-hexadecimal ("0x15"), nothing else.
//
// One parser for every number sevproof reads from text (CLI flags, web form fields, VM and
// reference-value files). It is stricter than strtoull(s, 0): a decimal with a leading zero
// ("010") is refused instead of being read as octal 8, as Python's int(x, 0) (sev-snp-measure)
// refuses it; no sign, no spaces, no suffix, no overflow.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace sevproof {

// Why a text is not a number, in words for an error message ("" when it is one).
namespace detail {
// The digits of a well-formed number (decimal, or hexadecimal after 0x), or nothing when it does not fit in 64 bits.
inline std::optional<std::uint64_t> digits_value(std::string_view s) {
  const bool hex = s.size() > 2 && (s[1] == 'x' || s[1] == 'X');
  const std::uint64_t base = hex ? 16 : 10;
  std::uint64_t v = 0;
  for (char c : hex ? s.substr(2) : s) {
    const std::uint64_t d =
        c <= '9' ? static_cast<std::uint64_t>(c - '0') : static_cast<std::uint64_t>((c | 0x20) - 'a' + 10);
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / base) return std::nullopt;  // overflow
    v = v * base + d;
  }
  return v;
}
}  // namespace detail

inline std::string number_syntax_problem(std::string_view s) {
  if (s.empty()) return "empty value";
  const std::string q = "'" + std::string(s) + "'";
  if (s[0] == '-') return q + " is negative (numbers here count from 0 up)";
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    for (char c : s.substr(2))
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
        return q + " is not a 0x-hexadecimal number";
  } else {
    for (char c : s)
      if (c < '0' || c > '9') return q + " is not a number (use decimal, or 0x for hexadecimal)";
    if (s.size() > 1 && s[0] == '0')
      return q + " has a leading zero: octal is not accepted (write the decimal value without it, or 0x... for " +
             "hexadecimal)";
  }
  if (!detail::digits_value(s)) return q + " does not fit in 64 bits";
  return {};
}

inline std::optional<std::uint64_t> parse_uint(std::string_view s,
                                               std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  if (!number_syntax_problem(s).empty()) return std::nullopt;
  const auto v = detail::digits_value(s);
  if (!v || *v > max) return std::nullopt;
  return v;
}

}  // namespace sevproof
