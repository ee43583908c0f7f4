// GUIDs in RFC 4122 byte order (the bytes appear in the order of the text form), as AMD's GHCB
// certificate table stores them — not the Microsoft mixed-endian layout.
#pragma once

#include <array>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/hex.hpp"

namespace sevproof {

struct guid {
  std::array<byte, 16> b{};

  // Parses "63da758d-e664-4564-adc5-f4b93be8accd". Compile-time usable.
  static constexpr std::optional<guid> parse(std::string_view s) {
    if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return std::nullopt;
    guid g;
    std::size_t out = 0;
    for (std::size_t i = 0; i < s.size();) {
      if (s[i] == '-') {
        ++i;
        continue;
      }
      const int hi = hex::nibble(s[i]), lo = hex::nibble(s[i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      g.b[out++] = static_cast<byte>(hi << 4 | lo);
      i += 2;
    }
    return g;
  }
  static constexpr guid from_bytes(bytes_view v) { return guid{copy_array<16>(v, 0)}; }

  // EFI (Microsoft) mixed-endian layout, as OVMF stores GUIDs: the first three fields
  // little-endian, the last eight bytes as written.
  [[nodiscard]] constexpr std::array<byte, 16> efi_bytes() const {
    std::array<byte, 16> e{};
    constexpr std::size_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (std::size_t i = 0; i < 16; ++i) e[i] = b[order[i]];
    return e;
  }
  static constexpr guid from_efi_bytes(bytes_view v) {
    guid g;
    constexpr std::size_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
    for (std::size_t i = 0; i < 16; ++i) g.b[order[i]] = v[i];
    return g;
  }

  [[nodiscard]] std::string to_string() const {
    const std::string h = hex::encode(b);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
  }
  [[nodiscard]] constexpr bool is_zero() const { return all_zero(b); }
  friend constexpr bool operator==(const guid&, const guid&) = default;
};

constexpr guid operator""_guid(const char* s, std::size_t n) {
  auto g = guid::parse(std::string_view(s, n));
  if (!g) throw std::logic_error("malformed GUID literal");
  return *g;
}

// The spec's own example: 96b582de-1fb2-45f7-baea-a366c55a082d is stored de 82 b5 96 b2 1f f7 45 ba ...
static_assert("96b582de-1fb2-45f7-baea-a366c55a082d"_guid.efi_bytes()[0] == 0xde);
static_assert("96b582de-1fb2-45f7-baea-a366c55a082d"_guid.efi_bytes()[5] == 0x1f);
static_assert("96b582de-1fb2-45f7-baea-a366c55a082d"_guid.efi_bytes()[8] == 0xba);

}  // namespace sevproof
