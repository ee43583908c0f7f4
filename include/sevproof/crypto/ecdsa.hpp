// ECDSA P-384 with SHA-384 verification over raw message bytes.
//
// r and s arrive as 48-byte big-endian integers (the SNP report stores them little-endian in
// 72-byte fields; sevproof::snp converts). The message is hashed here, exactly as received.
#pragma once

#include <array>
#include <span>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/certificate.hpp"

namespace sevproof::crypto {

inline signature_check verify_ecdsa_p384_sha384(const certificate& signer, bytes_view message,
                                                std::span<const byte, 48> r_be, std::span<const byte, 48> s_be) {
  try {
    auto key = signer.botan().subject_public_key();
    auto* ec = dynamic_cast<const Botan::ECDSA_PublicKey*>(key.get());
    if (ec == nullptr) return {false, "signer key is " + key->algo_name() + ", expected ECDSA P-384"};
    if (ec->domain() != Botan::EC_Group::from_name("secp384r1"))
      return {false, "signer key is ECDSA on another curve, expected P-384 (secp384r1)"};
    std::array<byte, 96> sig{};
    std::copy(r_be.begin(), r_be.end(), sig.begin());
    std::copy(s_be.begin(), s_be.end(), sig.begin() + 48);
    Botan::PK_Verifier verifier(*key, "SHA-384", Botan::Signature_Format::Standard);
    if (verifier.verify_message(message.data(), message.size(), sig.data(), sig.size()))
      return {true, "ECDSA P-384 SHA-384 signature verifies"};
    return {false, "ECDSA P-384 SHA-384 signature does not verify with the signer's key"};
  } catch (const std::exception& e) {
    return {false, std::string("ECDSA signature could not be checked: ") + utf8::printable(e.what())};
  }
}

}  // namespace sevproof::crypto
