// The legacy SEV launch session (SEV API LAUNCH_START, as `sevctl session` makes it): the guest
// owner's Diffie-Hellman key (GODH) meets the platform's PDH; the shared secret gives the master
// secret, which gives KEK and KIK; random TEK and TIK are wrapped with them.
#pragma once

#include <array>
#include <string_view>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/crypto/cipher.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/crypto/keys.hpp"
#include "sevproof/sev/certs.hpp"

namespace sevproof::sev {

// NIST SP 800-108 KDF in counter mode with HMAC-SHA256: blocks HMAC(key, u32le(i) ‖ label ‖ 0x00 ‖
// context ‖ u32le(bits)), truncated to `size` bytes.
inline bytes kdf(bytes_view key, std::size_t size, bytes_view context, std::string_view label) {
  bytes out;
  for (std::uint32_t i = 1; out.size() < size; ++i) {
    bytes msg;
    for (int k = 0; k < 4; ++k) msg.push_back(static_cast<byte>(i >> (8 * k)));
    msg.insert(msg.end(), label.begin(), label.end());
    msg.push_back(0);
    msg.insert(msg.end(), context.begin(), context.end());
    const auto bits = static_cast<std::uint32_t>(size * 8);
    for (int k = 0; k < 4; ++k) msg.push_back(static_cast<byte>(bits >> (8 * k)));
    const auto block = crypto::hmac_sha256(key, msg);
    out.insert(out.end(), block.begin(), block.end());
  }
  out.resize(size);
  return out;
}

struct session_keys {
  bytes master, kek, kik;
};

inline session_keys derive_session_keys(bytes_view shared_x, bytes_view nonce) {
  session_keys k;
  k.master = kdf(shared_x, 16, nonce, "sev-master-secret");
  k.kek = kdf(k.master, 16, {}, "sev-kek");
  k.kik = kdf(k.master, 16, {}, "sev-kik");
  return k;
}

// LAUNCH_START session buffer: NONCE ‖ WRAP_TK ‖ WRAP_IV ‖ WRAP_MAC ‖ POLICY_MAC (128 bytes).
struct session_blob {
  std::array<byte, 16> nonce{};
  std::array<byte, 32> wrap_tk{};
  std::array<byte, 16> wrap_iv{};
  std::array<byte, 32> wrap_mac{}, policy_mac{};

  [[nodiscard]] bytes encode() const {
    bytes out;
    for (bytes_view part :
         {bytes_view(nonce), bytes_view(wrap_tk), bytes_view(wrap_iv), bytes_view(wrap_mac), bytes_view(policy_mac)})
      out.insert(out.end(), part.begin(), part.end());
    return out;
  }
};

inline session_blob make_session(bytes_view shared_x, bytes_view tek, bytes_view tik, std::uint32_t policy,
                                 bytes_view nonce16, bytes_view iv16) {
  session_blob s;
  std::copy(nonce16.begin(), nonce16.end(), s.nonce.begin());
  std::copy(iv16.begin(), iv16.end(), s.wrap_iv.begin());
  const auto keys = derive_session_keys(shared_x, nonce16);
  bytes tk(tek.begin(), tek.end());
  tk.insert(tk.end(), tik.begin(), tik.end());
  const auto wrapped = crypto::aes_ctr(keys.kek, iv16, tk);
  std::copy(wrapped.begin(), wrapped.end(), s.wrap_tk.begin());
  s.wrap_mac = crypto::hmac_sha256(keys.kik, s.wrap_tk);
  const std::array<byte, 4> pol{static_cast<byte>(policy), static_cast<byte>(policy >> 8),
                                static_cast<byte>(policy >> 16), static_cast<byte>(policy >> 24)};
  s.policy_mac = crypto::hmac_sha256(tik, pol);
  return s;
}

// The GODH certificate: the owner's P-384 ECDH public key in the 0x824-byte format, usage PDH,
// algorithm ECDH-SHA256, both signature slots empty.
inline bytes make_godh_cert(const crypto::private_key& godh) {
  bytes c(platform_cert_size, 0);
  store_le<std::uint32_t>(c, 0x000, 1);
  store_le<std::uint32_t>(c, 0x008, usage_pdh);
  store_le<std::uint32_t>(c, 0x00C, algo_ecdh_sha256);
  store_le<std::uint32_t>(c, 0x010, 2);  // curve P-384
  const auto [x, y] = godh.public_point();
  for (std::size_t i = 0; i < 48; ++i) c[0x014 + i] = x[47 - i], c[0x05C + i] = y[47 - i];
  for (std::size_t slot : {0x414u, 0x61Cu}) store_le<std::uint32_t>(c, slot, usage_invalid);
  return c;
}

// The big-endian P-384 point of a platform certificate's key (for ECDH with the PDH).
inline result<std::pair<std::array<byte, 48>, std::array<byte, 48>>> cert_point(const platform_cert& c) {
  auto k = c.ec_key();
  if (!k) return k.err();
  return k->p384_point();
}

}  // namespace sevproof::sev
