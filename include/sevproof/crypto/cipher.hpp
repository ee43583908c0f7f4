// AES-CTR, for the legacy SEV launch secret (AES-128-CTR under the TEK).
#pragma once

#include "sevproof/core/bytes.hpp"
#include "sevproof/crypto/botan.hpp"

namespace sevproof::crypto {

inline bytes aes_ctr(bytes_view key, bytes_view iv16, bytes_view data) {
  const std::string name = "CTR-BE(AES-" + std::to_string(key.size() * 8) + ")";
  auto c = Botan::StreamCipher::create_or_throw(name);
  c->set_key(key.data(), key.size());
  c->set_iv(iv16.data(), iv16.size());
  bytes out(data.begin(), data.end());
  c->cipher1(out.data(), out.size());
  return out;
}

inline bytes random_bytes(std::size_t n) {
  Botan::AutoSeeded_RNG rng;
  bytes out(n);
  rng.randomize(out.data(), out.size());
  return out;
}

}  // namespace sevproof::crypto
