// Legacy SEV / SEV-ES: the value LAUNCH_MEASURE returns (SEV API, doc 55766) is
// MAC ‖ MNONCE, with MAC = HMAC-SHA256(TIK, 0x04 ‖ API_MAJOR ‖ API_MINOR ‖ BUILD ‖ POLICY ‖ LD ‖ MNONCE).
// The guest owner, holding the TIK, recomputes the MAC from the expected launch digest.
#pragma once

#include <array>
#include <cstdint>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/crypto/hash.hpp"

namespace sevproof::sev {

struct platform_version {
  std::uint8_t api_major = 0, api_minor = 0, build_id = 0;
};

// Guest policy bits (u32, SEV API).
inline constexpr std::uint32_t policy_nodbg = 1u << 0, policy_noks = 1u << 1, policy_es = 1u << 2,
                               policy_nosend = 1u << 3, policy_domain = 1u << 4, policy_sev = 1u << 5;

inline crypto::sha256_digest launch_measure_mac(bytes_view tik, const platform_version& v, std::uint32_t policy,
                                                const crypto::sha256_digest& launch_digest, bytes_view mnonce) {
  bytes msg{0x04, v.api_major, v.api_minor, v.build_id, 0, 0, 0, 0};
  store_le<std::uint32_t>(msg, 4, policy);
  msg.insert(msg.end(), launch_digest.begin(), launch_digest.end());
  msg.insert(msg.end(), mnonce.begin(), mnonce.end());
  return crypto::hmac_sha256(tik, msg);
}

struct measurement {
  std::array<byte, 32> mac{};
  std::array<byte, 16> mnonce{};
};

inline result<measurement> split_measurement(bytes_view m) {
  if (m.size() != 48)
    return error{"measurement", "size", std::nullopt,
                 "is " + std::to_string(m.size()) + " bytes; LAUNCH_MEASURE returns 48 (32-byte MAC, 16-byte MNONCE)"};
  measurement out;
  std::copy(m.begin(), m.begin() + 32, out.mac.begin());
  std::copy(m.begin() + 32, m.end(), out.mnonce.begin());
  return out;
}

// Constant-time comparison of two MACs.
inline bool same_mac(bytes_view a, bytes_view b) {
  if (a.size() != b.size()) return false;
  byte diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff = static_cast<byte>(diff | (a[i] ^ b[i]));
  return diff == 0;
}

}  // namespace sevproof::sev
