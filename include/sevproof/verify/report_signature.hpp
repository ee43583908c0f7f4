// "Did this key sign this report?" — ECDSA P-384 / SHA-384 over bytes [0, 0x2A0) as received.
#pragma once

#include <functional>
#include <optional>
#include <span>

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/ecdsa.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/signature.hpp"

namespace sevproof::verify {

// Another ECDSA P-384 SHA-384 implementation the caller trusts as much as Botan (the web page: the
// browser's WebCrypto). Given the signer's SubjectPublicKeyInfo, the message and r, s (big-endian),
// it answers valid / not valid for exactly these inputs, or nothing: then Botan verifies.
using ecdsa_verifier = std::function<std::optional<bool>(
    bytes_view spki_der, bytes_view message, std::span<const byte, 48> r_be, std::span<const byte, 48> s_be)>;

inline crypto::signature_check report_signed_by(const snp::report& rep, const crypto::certificate& signer,
                                                const ecdsa_verifier& other = {}) {
  auto sig = snp::read_signature(rep);
  if (!sig) return {false, sig.err().to_string()};
  if (other)
    if (auto valid = other(signer.spki_der(), rep.signed_bytes(), sig->r_be, sig->s_be))
      return {*valid, *valid ? "ECDSA P-384 SHA-384 signature verifies (WebCrypto)"
                             : "ECDSA P-384 SHA-384 signature does not verify with the signer's key (WebCrypto)"};
  return crypto::verify_ecdsa_p384_sha384(signer, rep.signed_bytes(), sig->r_be, sig->s_be);
}

}  // namespace sevproof::verify
