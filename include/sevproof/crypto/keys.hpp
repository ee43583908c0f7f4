// Private keys: generation, loading (PKCS#8 PEM/DER) and signing. Used to produce ID blocks and
// ID auth (ECDSA P-384) and, in tests, an authority of our own that mimics AMD's.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/crypto/botan.hpp"

namespace sevproof::crypto {

class private_key {
 public:
  static private_key generate_ecdsa_p384() {
    Botan::AutoSeeded_RNG rng;
    return private_key(std::make_shared<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group::from_name("secp384r1")));
  }
  static private_key generate_rsa(std::size_t bits) {
    Botan::AutoSeeded_RNG rng;
    return private_key(std::make_shared<Botan::RSA_PrivateKey>(rng, bits));
  }
  // PKCS#8 (PEM "PRIVATE KEY" or DER). SEC1 "EC PRIVATE KEY" is converted by idblock::load_key.
  static result<private_key> load_pkcs8(bytes_view data) {
    try {
      auto k = Botan::PKCS8::load_key(std::span<const byte>(data.data(), data.size()));
      return private_key(std::shared_ptr<Botan::Private_Key>(std::move(k)));
    } catch (const std::exception& e) {
      return error{"private key", "PKCS#8", std::nullopt, std::string("cannot be read: ") + e.what()};
    }
  }

  [[nodiscard]] std::string algorithm() const { return k_->algo_name(); }
  [[nodiscard]] bool is_ecdsa_p384() const {
    auto* ec = dynamic_cast<const Botan::ECDSA_PrivateKey*>(k_.get());
    return ec != nullptr && ec->domain() == Botan::EC_Group::from_name("secp384r1");
  }
  [[nodiscard]] bytes spki_der() const { return k_->subject_public_key(); }
  [[nodiscard]] std::string pkcs8_pem() const { return Botan::PKCS8::PEM_encode(*k_); }

  // ECDSA P-384 over SHA-384 of `message`: r || s, each 48 bytes big-endian.
  [[nodiscard]] std::array<byte, 96> sign_ecdsa_p384(bytes_view message) const {
    Botan::AutoSeeded_RNG rng;
    Botan::PK_Signer signer(*k_, rng, "SHA-384", Botan::Signature_Format::Standard);
    auto sig = signer.sign_message(message.data(), message.size(), rng);
    std::array<byte, 96> out{};
    if (sig.size() != out.size()) throw std::runtime_error("unexpected ECDSA signature size");
    std::copy(sig.begin(), sig.end(), out.begin());
    return out;
  }

  // The affine public point (x, y), big-endian, 48 bytes each (P-384 only).
  [[nodiscard]] std::pair<std::array<byte, 48>, std::array<byte, 48>> public_point() const {
    auto* ec = dynamic_cast<const Botan::EC_PublicKey*>(k_.get());
    if (ec == nullptr) throw std::runtime_error("not an EC key");
    auto enc = ec->public_key_bits();  // uncompressed SEC1: 04 || x || y
    if (enc.size() != 97 || enc[0] != 0x04) throw std::runtime_error("unexpected EC point encoding");
    std::pair<std::array<byte, 48>, std::array<byte, 48>> xy;
    std::copy(enc.begin() + 1, enc.begin() + 49, xy.first.begin());
    std::copy(enc.begin() + 49, enc.end(), xy.second.begin());
    return xy;
  }

  [[nodiscard]] const Botan::Private_Key& botan() const { return *k_; }

 private:
  explicit private_key(std::shared_ptr<Botan::Private_Key> k) : k_(std::move(k)) {}
  std::shared_ptr<Botan::Private_Key> k_;
};

}  // namespace sevproof::crypto
