// Expectations as users type them (CLI flags, web form fields): numbers, hex fields, TCB minimums.
// Bad values raise option_error naming the option and what was expected (the CLI's exit code 2).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "sevproof/core/hex.hpp"
#include "sevproof/validate/options.hpp"

namespace sevproof::validate {

struct option_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Decimal or 0x-hex, no sign, no trailing characters.
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

inline std::optional<bool> parse_allow(const std::string& s, const char* flag) {
  if (s.empty()) return std::nullopt;
  if (s == "allow") return true;
  if (s == "deny") return false;
  throw option_error(std::string(flag) + " " + s + ": use allow or deny");
}

inline std::optional<std::pair<std::uint8_t, std::uint8_t>> parse_version_pair(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos) return std::nullopt;
  auto a = parse_uint(s.substr(0, dot), 255), b = parse_uint(s.substr(dot + 1), 255);
  if (!a || !b || s.find('x') != std::string::npos) return std::nullopt;
  return std::pair{static_cast<std::uint8_t>(*a), static_cast<std::uint8_t>(*b)};
}

inline std::optional<bytes> parse_hex_field(const std::string& s, const char* flag, std::size_t size) {
  if (s.empty()) return std::nullopt;
  auto b = hex::decode(s);
  if (!b) throw option_error(std::string(flag) + ": not hex");
  if (b->size() != size)
    throw option_error(std::string(flag) + ": " + std::to_string(b->size()) + " bytes given, the field is " + std::to_string(size) +
                       " bytes (" + std::to_string(2 * size) + " hex digits)");
  return b;
}

// "bl=3,tee=0,snp=8,ucode=115[,fmc=0]" (also bootloader=, microcode=)
inline std::optional<tcb_minimum> parse_tcb_min(const std::string& s, const char* flag) {
  if (s.empty()) return std::nullopt;
  tcb_minimum m;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const auto comma = s.find(',', pos);
    const std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw option_error(std::string(flag) + " " + s + ": expected NAME=VALUE items, e.g. bl=3,tee=0,snp=8,ucode=115");
    const std::string key = item.substr(0, eq);
    const auto val = parse_uint(item.substr(eq + 1), 255);
    if (!val) throw option_error(std::string(flag) + ": " + item + ": value must be 0-255");
    const auto v8 = static_cast<std::uint8_t>(*val);
    if (key == "fmc") m.fmc = v8;
    else if (key == "bl" || key == "bootloader") m.bootloader = v8;
    else if (key == "tee") m.tee = v8;
    else if (key == "snp") m.snp = v8;
    else if (key == "ucode" || key == "microcode") m.microcode = v8;
    else throw option_error(std::string(flag) + ": unknown component '" + key + "' (fmc, bl, tee, snp, ucode)");
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return m;
}

}  // namespace sevproof::validate
