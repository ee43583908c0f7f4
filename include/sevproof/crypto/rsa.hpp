// RSA public keys given as raw integers (AMD's legacy SEV signing-key format) and RSASSA-PSS
// verification with the salt equal to the hash length, as AMD signs.
#pragma once

#include <string>

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

// Is (n, e) an RSA public key at all (both odd, n of at least 5 bits)? Hostile key files
// are refused with this before any fingerprint or signature is computed from them.
inline bool rsa_public_key_valid(bytes_view modulus_be, bytes_view exponent_be) {
  try {
    Botan::RSA_PublicKey key(Botan::BigInt(modulus_be.data(), modulus_be.size()),
                             Botan::BigInt(exponent_be.data(), exponent_be.size()));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// SHA-256 of the SubjectPublicKeyInfo of (n, e): the same fingerprint an X.509 certificate of that
// key has, so legacy and X.509 forms of one AMD key share one pin. Needs a valid key
// (rsa_public_key_valid); Botan throws otherwise.
inline std::string rsa_spki_sha256(bytes_view modulus_be, bytes_view exponent_be) {
  Botan::RSA_PublicKey key(Botan::BigInt(modulus_be.data(), modulus_be.size()),
                           Botan::BigInt(exponent_be.data(), exponent_be.size()));
  const auto spki = key.subject_public_key();
  return hex::encode(sha256_of(spki));
}

}  // namespace sevproof::crypto
