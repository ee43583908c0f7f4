// Trust anchors: the AMD root (ARK) and intermediate (ASK, ASVK) public keys, pinned per product
// by the SHA-256 of their SubjectPublicKeyInfo. Certificate files are inputs; a file whose key does
// not match the pin for its product is refused. (Pinning keys, not certificate bytes, survives AMD
// re-issuing a certificate for the same key.)
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/snp/product.hpp"

namespace sevproof::verify {

enum class ca_role : std::uint8_t { ark, ask, asvk };

constexpr std::string_view ca_role_name(ca_role r) {
  switch (r) {
    case ca_role::ark:
      return "ARK";
    case ca_role::ask:
      return "ASK";
    case ca_role::asvk:
      return "ASVK";
  }
  return "?";
}

struct key_pin {
  snp::product product;
  ca_role role;
  std::string_view spki_sha256;  // lowercase hex
};

// Values computed from AMD's published certificates (identical in virtee/sev, go-sev-guest and
// trustee; certificate fingerprints in shared/spec/amd-certs.md).
inline constexpr key_pin amd_key_pins[] = {
    {snp::product::milan, ca_role::ark, "9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9"},
    {snp::product::milan, ca_role::ask, "42491669ccb851d627ea9846cd24eccbeb7de7c2a62740120fff88001d38ebb6"},
    {snp::product::milan, ca_role::asvk, "66450a123ea5876206df67f2514a4fea224c0f63b18313423078b0edc4535e33"},
    {snp::product::genoa, ca_role::ark, "429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831"},
    {snp::product::genoa, ca_role::ask, "0324d55bcd48ba877a8fd87c0e1b4934dec8448e3807a24384a34dc6a6c9ebb8"},
    {snp::product::genoa, ca_role::asvk, "7d1633252ebbadaa75f96e9b4e6f7d43a90ceb3f843937482630f8da2459264e"},
    {snp::product::turin, ca_role::ark, "4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08"},
    {snp::product::turin, ca_role::ask, "0000ead352025f208bf55297c4192c34cd1b878002107366d8f2065a9ae7d3a9"},
    {snp::product::turin, ca_role::asvk, "bfc441408b2f806c5dbf180bd8920e6e60dd404d82141780d85dbf962954d386"},
};

inline std::string spki_fingerprint(const crypto::certificate& c) {
  return hex::encode(crypto::sha256_of(c.spki_der()));
}

struct pinned_key {
  snp::product product;
  ca_role role;
  std::string spki_sha256;  // lowercase hex
};

// The set of pins a verification trusts. Production uses amd(); tests build their own authority.
struct trust_anchors {
  std::vector<pinned_key> pins;

  static trust_anchors amd() {
    trust_anchors t;
    for (const auto& p : amd_key_pins) t.pins.push_back({p.product, p.role, std::string(p.spki_sha256)});
    return t;
  }

  [[nodiscard]] std::optional<std::string> pin_for(snp::product p, ca_role r) const {
    for (const auto& pin : pins)
      if (pin.product == p && pin.role == r) return pin.spki_sha256;
    return std::nullopt;
  }

  // Which pinned (product, role) a certificate's key is, if any.
  [[nodiscard]] std::optional<pinned_key> identify(const crypto::certificate& c) const {
    const auto fp = spki_fingerprint(c);
    for (const auto& pin : pins)
      if (pin.spki_sha256 == fp) return pin;
    return std::nullopt;
  }
};

}  // namespace sevproof::verify
