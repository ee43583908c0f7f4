// Unsigned numbers as users type them: decimal or 0x-hex, no sign, nothing trailing.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace sevproof {

inline std::optional<std::uint64_t> parse_uint(const std::string& s, std::uint64_t max = std::numeric_limits<std::uint64_t>::max()) {
  if (s.empty() || s[0] == '-' || s[0] == '+' || s[0] == ' ') return std::nullopt;
  try {
    std::size_t used = 0;
    const auto v = std::stoull(s, &used, 0);
    if (used != s.size() || v > max) return std::nullopt;
    return v;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace sevproof
