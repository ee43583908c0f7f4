// Unsigned numbers as users type them: decimal ("21"), hexadecimal ("0x15"), binary ("0b10101") or octal
// ("0o25"), the prefixes Python's int(x, 0) reads (sev-snp-measure's flags), in either case; nothing else.
//
// One parser for every number sevproof reads from text (CLI flags, web form fields, VM and
// reference-value files). It is stricter than strtoull(s, 0): a decimal with a leading zero
// ("010") is refused instead of being read as octal 8, as Python's int(x, 0) refuses it; no sign,
// no spaces, no underscores, no suffix, no overflow.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sevproof {

// Why a text is not a number, in words for an error message ("" when it is one).
namespace detail {
// The base a prefix names (0x 16, 0b 2, 0o 8; none 10) and the digits after it.
inline std::pair<unsigned, std::string_view> base_of(std::string_view s) {
  if (s.size() > 2 && s[0] == '0') switch (s[1] | 0x20) {
      case 'x':
        return {16, s.substr(2)};
      case 'b':
        return {2, s.substr(2)};
      case 'o':
        return {8, s.substr(2)};
      default:
        break;
    }
  return {10, s};
}
inline int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') return (c | 0x20) - 'a' + 10;
  return 99;
}
// The digits of a well-formed number, or nothing when it does not fit in 64 bits.
inline std::optional<std::uint64_t> digits_value(std::string_view s) {
  const auto [base, digits] = base_of(s);
  std::uint64_t v = 0;
  for (char c : digits) {
    const auto d = static_cast<std::uint64_t>(digit_value(c));
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
  const auto [base, digits] = detail::base_of(s);
  if (base != 10) {
    const char* name = base == 16  ? " is not a 0x-hexadecimal number"
                       : base == 2 ? " is not a 0b-binary number"
                                   : " is not a 0o-octal number";
    for (char c : digits)
      if (detail::digit_value(c) >= static_cast<int>(base)) return q + name;
  } else {
    if (s.find_first_of(" \t\r\n") != std::string_view::npos) return q + " has spaces in it";
    for (char c : s)
      if (c < '0' || c > '9') return q + " is not a number (use decimal, or 0x for hexadecimal)";
    if (s.size() > 1 && s[0] == '0')
      return q + " has a leading zero, which is not read as octal (write the decimal value without it, 0x... for " +
             "hexadecimal or 0o... for octal)";
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

// What is wrong with a number typed for a field that holds at most `max` ("" when nothing is): its syntax, then its
// size. The CLI's integer options and the page's number fields say it in these words.
inline std::string number_problem(std::string_view s, std::uint64_t max) {
  if (auto problem = number_syntax_problem(s); !problem.empty()) return problem;
  if (*detail::digits_value(s) > max)
    return "'" + std::string(s) + "' is too large (at most " + std::to_string(max) + ")";
  return {};
}

}  // namespace sevproof
