// RSA public keys given as raw integers (AMD's legacy SEV signing-key format) and RSASSA-PSS
// verification with the salt equal to the hash length, as AMD signs.
#pragma once

#include <bit>
#include <string>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/hash.hpp"

namespace sevproof::crypto {

// modulus and exponent big-endian; hash "SHA-256" or "SHA-384".
inline bool rsa_pss_verify(bytes_view modulus_be, bytes_view exponent_be, bytes_view message, bytes_view signature_be,
                           const std::string& hash) {
  try {
    Botan::RSA_PublicKey key(Botan::BigInt(modulus_be.data(), modulus_be.size()),
                             Botan::BigInt(exponent_be.data(), exponent_be.size()));
    const std::string salt = hash == "SHA-256" ? "32" : hash == "SHA-384" ? "48" : "64";
    Botan::PK_Verifier v(key, "PSS(" + hash + ",MGF1," + salt + ")");
    return v.verify_message(message.data(), message.size(), signature_be.data(), signature_be.size());
  } catch (const std::exception&) {
    return false;
  }
}

// Is (n, e) an RSA public key at all? Hostile key files are refused with this before any fingerprint
// or signature is computed from them. Botan's own rule (RSA_PublicKey::init: n odd and of at least 5
// bits, e odd), checked on the bytes: building the key would cost a division by the modulus.
inline bool rsa_public_key_valid(bytes_view modulus_be, bytes_view exponent_be) {
  std::size_t lead = 0;
  while (lead < modulus_be.size() && modulus_be[lead] == 0) ++lead;
  if (lead == modulus_be.size() || exponent_be.empty()) return false;
  const std::size_t bits =
      (modulus_be.size() - lead - 1) * 8 + static_cast<std::size_t>(std::bit_width(modulus_be[lead]));
  return bits >= 5 && (modulus_be.back() & 1) != 0 && (exponent_be.back() & 1) != 0;
}

// SHA-256 of the SubjectPublicKeyInfo of (n, e): the same fingerprint an X.509 certificate of that
// key has, so legacy and X.509 forms of one AMD key share one pin. The DER is written directly (RFC 8017
// RSAPublicKey in an rsaEncryption SPKI with NULL parameters, as Botan's RSA_PublicKey writes it);
// building the key would cost a division by the modulus. Needs a valid key (rsa_public_key_valid).
inline std::string rsa_spki_sha256(bytes_view modulus_be, bytes_view exponent_be) {
  std::vector<std::uint8_t> rsa_key, spki;
  Botan::DER_Encoder(rsa_key)
      .start_sequence()
      .encode(Botan::BigInt(modulus_be.data(), modulus_be.size()))
      .encode(Botan::BigInt(exponent_be.data(), exponent_be.size()))
      .end_cons();
  Botan::DER_Encoder(spki)
      .start_sequence()
      .encode(Botan::AlgorithmIdentifier(Botan::OID({1, 2, 840, 113549, 1, 1, 1}),
                                         Botan::AlgorithmIdentifier::USE_NULL_PARAM))
      .encode(rsa_key, Botan::ASN1_Type::BitString)
      .end_cons();
  return hex::encode(sha256_of(spki));
}

}  // namespace sevproof::crypto
