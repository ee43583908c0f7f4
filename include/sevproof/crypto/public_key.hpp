// Bare public keys (no certificate): PEM "PUBLIC KEY" / DER SubjectPublicKeyInfo, or a P-384 point.
// Used for ID and author keys, whose digests and signatures the SNP firmware checks.
#pragma once

#include <array>
#include <memory>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/text.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/certificate.hpp"

namespace sevproof::crypto {

class public_key {
 public:
  static result<public_key> load(bytes_view data) {
    bytes der(data.begin(), data.end());
    if (detail::looks_like_pem(data)) {
      auto blocks = detail::pem_blocks(data, "PUBLIC KEY", "public key");
      if (!blocks) return blocks.err();
      der = blocks->front();
    }
    try {
      return public_key(std::shared_ptr<Botan::Public_Key>(Botan::X509::load_key(der)));
    } catch (const std::exception& e) {
      return error{"public key", "SubjectPublicKeyInfo", std::nullopt,
                   std::string("cannot be read: ") + utf8::printable(e.what())};
    }
  }
  // From the affine point (big-endian x, y) of a P-384 key; refuses points not on the curve.
  static result<public_key> from_p384_point(std::span<const byte, 48> x, std::span<const byte, 48> y) {
    try {
      const auto group = Botan::EC_Group::from_name("secp384r1");
      std::vector<byte> sec1{0x04};
      sec1.insert(sec1.end(), x.begin(), x.end());
      sec1.insert(sec1.end(), y.begin(), y.end());
      auto point = Botan::EC_AffinePoint(group, sec1);
      return public_key(std::make_shared<Botan::ECDSA_PublicKey>(group, point));
    } catch (const std::exception& e) {
      return error{"public key", "QX/QY", std::nullopt,
                   std::string("is not a point on P-384: ") + utf8::printable(e.what())};
    }
  }

  [[nodiscard]] bool is_ecdsa_p384() const {
    auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(k_.get());
    return ec != nullptr && ec->domain() == Botan::EC_Group::from_name("secp384r1");
  }
  [[nodiscard]] std::string algorithm() const { return k_->algo_name(); }
  [[nodiscard]] std::string curve_name() const {
    auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(k_.get());
    if (!ec) return "";
    try {
      return ec->domain().get_curve_oid().to_formatted_string();
    } catch (const std::exception&) {
      return "unnamed curve";
    }
  }

  [[nodiscard]] std::pair<std::array<byte, 48>, std::array<byte, 48>> p384_point() const {
    auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(k_.get());
    if (ec == nullptr) throw std::runtime_error("not an EC key");
    auto enc = ec->public_key_bits();
    if (enc.size() != 97 || enc[0] != 0x04) throw std::runtime_error("not a P-384 point");
    std::pair<std::array<byte, 48>, std::array<byte, 48>> xy;
    std::copy(enc.begin() + 1, enc.begin() + 49, xy.first.begin());
    std::copy(enc.begin() + 49, enc.end(), xy.second.begin());
    return xy;
  }

  [[nodiscard]] bool verify_ecdsa_p384_sha384(bytes_view message, std::span<const byte, 48> r,
                                              std::span<const byte, 48> s) const {
    return verify_ecdsa(message, r, s, "SHA-384");
  }

  // ECDSA on this key's curve with the named hash (legacy SEV certificates use SHA-256 on P-384).
  [[nodiscard]] bool verify_ecdsa(bytes_view message, std::span<const byte, 48> r, std::span<const byte, 48> s,
                                  const std::string& hash) const {
    try {
      std::array<byte, 96> sig{};
      std::copy(r.begin(), r.end(), sig.begin());
      std::copy(s.begin(), s.end(), sig.begin() + 48);
      Botan::PK_Verifier v(*k_, hash, Botan::Signature_Format::Standard);
      return v.verify_message(message.data(), message.size(), sig.data(), sig.size());
    } catch (const std::exception&) {
      return false;
    }
  }

 private:
  explicit public_key(std::shared_ptr<Botan::Public_Key> k) : k_(std::move(k)) {}
  std::shared_ptr<Botan::Public_Key> k_;
};

}  // namespace sevproof::crypto
