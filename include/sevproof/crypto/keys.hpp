// Private keys: generation, loading (PKCS#8 PEM/DER) and signing. Used to produce ID blocks and
// ID auth (ECDSA P-384) and, in tests, an authority of our own that mimics AMD's.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/der.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/text.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/certificate.hpp"

namespace sevproof::crypto {

class private_key {
 public:
  static private_key generate_ecdsa_p384() {
    Botan::AutoSeeded_RNG rng;
    return private_key(std::make_shared<Botan::ECDSA_PrivateKey>(rng, Botan::EC_Group::from_name("secp384r1")));
  }
  static private_key generate_ecdh_p384() {
    Botan::AutoSeeded_RNG rng;
    return private_key(std::make_shared<Botan::ECDH_PrivateKey>(rng, Botan::EC_Group::from_name("secp384r1")));
  }
  static private_key generate_rsa(std::size_t bits) {
    Botan::AutoSeeded_RNG rng;
    return private_key(std::make_shared<Botan::RSA_PrivateKey>(rng, bits));
  }
  // PEM "PRIVATE KEY" (PKCS#8), PEM "EC PRIVATE KEY" (SEC1, as `openssl ecparam -genkey` writes),
  // or either as DER. Encrypted keys are refused.
  static result<private_key> load(bytes_view data) {
    bytes der(data.begin(), data.end());
    if (detail::looks_like_pem(data)) {
      const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
      if (text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos ||
          text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos)
        return error{
            "private key", "PEM", std::nullopt,
            "is encrypted: give the key unencrypted (e.g. openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pem)"};
      if (auto sec1 = detail::pem_blocks(data, "EC PRIVATE KEY", "private key")) return from_sec1(sec1->front());
      if (auto p8 = detail::pem_blocks(data, "PRIVATE KEY", "private key")) return load_pkcs8(p8->front());
      return error{"private key", "PEM", std::nullopt,
                   "has neither a PRIVATE KEY nor an EC PRIVATE KEY block (encrypted keys are not supported)"};
    }
    auto k = load_pkcs8(der);
    if (k) return k;
    return from_sec1(der);
  }

  // SEC1 ECPrivateKey, wrapped into PKCS#8 so Botan reads it. The curve comes from the key's own
  // parameters ([0] namedCurve); without them P-384 is assumed.
  static result<private_key> from_sec1(bytes_view sec1) {
    try {
      bytes curve_oid_tlv = {0x06, 0x05, 0x2B, 0x81, 0x04, 0x00, 0x22};  // secp384r1
      // SEQUENCE { INTEGER 1, OCTET STRING key, [0] { OID } OPTIONAL, ... }: walk the top level
      // with the strict DER reader (every length checked against what is there).
      const auto outer = der::read_single(sec1);
      if (!outer || outer->tag != 0x30) throw std::runtime_error("not a single DER SEQUENCE");
      for (bytes_view rest = outer->value; !rest.empty();) {
        const auto child = der::read_next(rest);
        if (!child) throw std::runtime_error("malformed or truncated element inside the SEQUENCE");
        const auto& [tag, value] = child->first;
        if (tag == 0xA0) {
          const auto oid = der::read_single(value);
          if (!oid || oid->tag != 0x06) throw std::runtime_error("parameters [0] are not a named curve OID");
          curve_oid_tlv.assign(value.begin(), value.end());
        }
        rest = child->rest;
      }
      Botan::DER_Encoder enc;
      enc.start_sequence()
          .encode(static_cast<std::size_t>(0))
          .start_sequence()
          .encode(Botan::OID::from_string("1.2.840.10045.2.1"))
          .raw_bytes(curve_oid_tlv)
          .end_cons()
          .encode(std::vector<byte>(sec1.begin(), sec1.end()), Botan::ASN1_Type::OctetString)
          .end_cons();
      return load_pkcs8(enc.get_contents());
    } catch (const std::exception& e) {
      return error{"private key", "SEC1", std::nullopt,
                   std::string("cannot be read as an EC private key: ") + utf8::printable(e.what())};
    }
  }

  static result<private_key> load_pkcs8(bytes_view data) {
    try {
      auto k = Botan::PKCS8::load_key(std::span<const byte>(data.data(), data.size()));
      // An EC key file may carry its public key beside the scalar (SEC1's [1]), and Botan takes it as given. One
      // that is not the scalar's would sign ID blocks that the public key written beside them cannot verify.
      if (const auto* ec = dynamic_cast<const Botan::EC_PrivateKey*>(k.get())) {
        const Botan::ECDSA_PrivateKey derived(ec->domain(), ec->_private_key());
        if (derived.raw_public_key_bits() != ec->raw_public_key_bits())
          return error{"private key", "public key", std::nullopt,
                       "is not the one its private scalar makes: the file's two halves are of different keys"};
      }
      return private_key(std::shared_ptr<Botan::Private_Key>(std::move(k)));
    } catch (const std::exception& e) {
      const std::string what = utf8::printable(e.what());
      if (what.find("EC_Group") != std::string::npos)  // this build knows P-384 only, the one curve SNP uses
        return error{"private key", "curve", std::nullopt, "is not P-384 (SNP only accepts ECDSA P-384 keys): " + what};
      return error{"private key", "PKCS#8", std::nullopt, "cannot be read: " + what};
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

  // ECDH with a peer's P-384 point (big-endian x, y): the shared x-coordinate, 48 bytes big-endian.
  [[nodiscard]] result<std::array<byte, 48>> ecdh_p384(std::span<const byte, 48> peer_x,
                                                       std::span<const byte, 48> peer_y) const {
    try {
      std::vector<byte> point{0x04};
      point.insert(point.end(), peer_x.begin(), peer_x.end());
      point.insert(point.end(), peer_y.begin(), peer_y.end());
      Botan::AutoSeeded_RNG rng;
      Botan::PK_Key_Agreement ka(*k_, rng, "Raw");
      const auto z = ka.derive_key(0, point).bits_of();
      std::array<byte, 48> out{};
      if (z.size() != out.size()) return error{"ECDH", "", std::nullopt, "unexpected shared secret size"};
      std::copy(z.begin(), z.end(), out.begin());
      return out;
    } catch (const std::exception& e) {
      return error{"ECDH", "peer key", std::nullopt,
                   std::string("is not a usable P-384 point: ") + utf8::printable(e.what())};
    }
  }

  [[nodiscard]] const Botan::Private_Key& botan() const { return *k_; }

 private:
  explicit private_key(std::shared_ptr<Botan::Private_Key> k) : k_(std::move(k)) {}
  std::shared_ptr<Botan::Private_Key> k_;
};

}  // namespace sevproof::crypto
