// Bit fields of a 64-bit register declared as data (guest policy, PLATFORM_INFO, KEY_INFO), with
// compile-time checks that the declared bits do not overlap and fit the register.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sevproof::bits {

// What a set bit means for a reader. `must_be_one` / `reserved` bits drive warnings.
enum class role : std::uint8_t { flag, number, enumeration, must_be_one, reserved };

struct bit_field {
  std::string_view name;  // AMD's name, UPPER_SNAKE_CASE
  unsigned shift;         // lowest bit
  unsigned width;         // number of bits
  role kind = role::flag;
  std::string_view description = {};

  [[nodiscard]] constexpr std::uint64_t mask() const {
    return (width >= 64 ? ~std::uint64_t{0} : ((std::uint64_t{1} << width) - 1)) << shift;
  }
  [[nodiscard]] constexpr std::uint64_t get(std::uint64_t v) const { return (v & mask()) >> shift; }
};

// Fields are within `register_bits`, ascending and non-overlapping.
template <std::size_t N>
constexpr bool well_formed(const bit_field (&fields)[N], unsigned register_bits) {
  unsigned next = 0;
  for (const auto& f : fields) {
    if (f.width == 0 || f.shift < next || f.shift + f.width > register_bits) return false;
    next = f.shift + f.width;
  }
  return true;
}

// The bits of `v` that no field declares (and that are not declared reserved).
template <std::size_t N>
constexpr std::uint64_t undeclared_bits(const bit_field (&fields)[N], std::uint64_t v) {
  std::uint64_t declared = 0;
  for (const auto& f : fields)
    if (f.kind != role::reserved) declared |= f.mask();
  return v & ~declared;
}

template <std::size_t N>
constexpr const bit_field& find(const bit_field (&fields)[N], std::string_view name) {
  for (const auto& f : fields)
    if (f.name == name) return f;
  throw std::logic_error("sevproof::bits: no such field");
}

// The names of the one-bit fields set in `v`, comma-separated ("SMT_EN, ECC_EN"); other set bits as one
// mask ("bit mask 0x100"). For messages that say which bits a check is about.
template <std::size_t N>
std::string set_flag_names(const bit_field (&fields)[N], std::uint64_t v) {
  std::string out;
  const auto add = [&out](std::string_view s) { out.append(out.empty() ? "" : ", ").append(s); };
  std::uint64_t named = 0;
  for (const auto& f : fields)
    if (f.width == 1 && f.kind != role::reserved && (v & f.mask())) {
      add(f.name);
      named |= f.mask();
    }
  if (const auto rest = v & ~named) {
    std::string digits;
    for (auto x = rest; x; x >>= 4) digits.insert(digits.begin(), "0123456789abcdef"[x & 0xF]);
    add("bit mask 0x" + digits);
  }
  return out;
}

}  // namespace sevproof::bits
