// SNP guest policy (u64 at report offset 0x008; the value given to SNP_LAUNCH_START).
#pragma once

#include <cstdint>
#include <string>

#include "sevproof/core/bitfield.hpp"
#include "sevproof/core/hex.hpp"

namespace sevproof::snp {

using bits::role;
inline constexpr bits::bit_field guest_policy_bits[] = {
    {"ABI_MINOR", 0, 8, role::number, "minimum firmware ABI minor version"},
    {"ABI_MAJOR", 8, 8, role::number, "minimum firmware ABI major version"},
    {"SMT", 16, 1, role::flag, "the host may run the guest with SMT enabled"},
    {"RESERVED_MBO", 17, 1, role::must_be_one, "reserved, must be one"},
    {"MIGRATE_MA", 18, 1, role::flag, "a migration agent may be associated with the guest"},
    {"DEBUG", 19, 1, role::flag, "the host may debug the guest (decrypt its memory)"},
    {"SINGLE_SOCKET", 20, 1, role::flag, "the guest may run on only one socket"},
    {"CXL_ALLOW", 21, 1, role::flag, "CXL memory may be populated into the guest"},
    {"MEM_AES_256_XTS", 22, 1, role::flag, "AES-256-XTS memory encryption is required"},
    {"RAPL_DIS", 23, 1, role::flag, "running average power limit (RAPL) must be disabled"},
    {"CIPHERTEXT_HIDING", 24, 1, role::flag, "ciphertext hiding for DRAM must be enabled"},
    {"PAGE_SWAP_DISABLE", 25, 1, role::flag, "page move and swap commands are disabled for the guest"},
    {"RESERVED", 26, 38, role::reserved, "reserved, must be zero"},
};
static_assert(bits::well_formed(guest_policy_bits, 64));
static_assert(bits::find(guest_policy_bits, "DEBUG").mask() == 0x80000);
static_assert(bits::find(guest_policy_bits, "RESERVED_MBO").mask() == 0x20000);

inline constexpr std::uint64_t policy_debug = bits::find(guest_policy_bits, "DEBUG").mask();

// The fields in which two policies differ, by name with both values: "SMT (report 1, launch 0),
// ABI_MINOR (report 0x2, launch 0x0)". `a_name` and `b_name` say where each value came from.
inline std::string policy_difference(std::uint64_t a, std::uint64_t b, const std::string& a_name,
                                     const std::string& b_name) {
  std::string out;
  for (const auto& f : guest_policy_bits) {
    if (f.get(a) == f.get(b)) continue;
    auto text = [&](std::uint64_t v) { return f.width == 1 ? std::to_string(v) : hex::number(v); };
    out += (out.empty() ? "" : ", ") + std::string(f.name) + " (" + a_name + " " + text(f.get(a)) + ", " + b_name +
           " " + text(f.get(b)) + ")";
  }
  return out;
}

}  // namespace sevproof::snp
