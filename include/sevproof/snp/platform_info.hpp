// PLATFORM_INFO (u64 at report offset 0x040) and KEY_INFO (u32 at 0x048).
#pragma once

#include <cstdint>
#include <string_view>

#include "sevproof/core/bitfield.hpp"

namespace sevproof::snp {

using bits::role;
inline constexpr bits::bit_field platform_info_bits[] = {
    {"SMT_EN", 0, 1, role::flag, "SMT is enabled on the platform"},
    {"TSME_EN", 1, 1, role::flag, "transparent SME is enabled"},
    {"ECC_EN", 2, 1, role::flag, "the platform uses error-correcting memory"},
    {"RAPL_DIS", 3, 1, role::flag, "RAPL is disabled"},
    {"CIPHERTEXT_HIDING_EN", 4, 1, role::flag, "ciphertext hiding is enabled"},
    {"ALIAS_CHECK_COMPLETE", 5, 1, role::flag, "the memory alias check has completed"},
    // Set on real Turin hardware (0x67) though AMD's published ABI still calls it reserved: shown,
    // never rejected.
    {"BIT_6", 6, 1, role::flag, "not named in the published ABI (set on Turin; a newer ABI calls it IOMMU_WRITE_SAFE)"},
    {"TIO_EN", 7, 1, role::flag, "SEV-TIO is enabled"},
    {"RESERVED", 8, 56, role::reserved, "reserved"},
};
static_assert(bits::well_formed(platform_info_bits, 64));

inline constexpr bits::bit_field key_info_bits[] = {
    {"AUTHOR_KEY_EN", 0, 1, role::flag, "AUTHOR_KEY_DIGEST holds the digest of the ID block's author key"},
    {"MASK_CHIP_KEY", 1, 1, role::flag, "the VCEK is masked: the firmware wrote zeros instead of a signature"},
    {"SIGNING_KEY", 2, 3, role::enumeration, "which key signed the report"},
    {"RESERVED", 5, 27, role::reserved, "reserved, must be zero"},
};
static_assert(bits::well_formed(key_info_bits, 32));

enum class signing_key : std::uint8_t { vcek = 0, vlek = 1, none = 7 };

constexpr std::string_view signing_key_name(std::uint64_t value) {
  switch (value) {
    case 0:
      return "VCEK";
    case 1:
      return "VLEK";
    case 7:
      return "NONE";
    default:
      return "RESERVED";
  }
}

constexpr std::uint64_t signing_key_of(std::uint32_t key_info) {
  return bits::find(key_info_bits, "SIGNING_KEY").get(key_info);
}

}  // namespace sevproof::snp
