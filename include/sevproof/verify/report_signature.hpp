// "Did this key sign this report?" — ECDSA P-384 / SHA-384 over bytes [0, 0x2A0) as received.
#pragma once

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/ecdsa.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/signature.hpp"

namespace sevproof::verify {

inline crypto::signature_check report_signed_by(const snp::report& rep, const crypto::certificate& signer) {
  auto sig = snp::read_signature(rep);
  if (!sig) return {false, sig.err().to_string()};
  return crypto::verify_ecdsa_p384_sha384(signer, rep.signed_bytes(), sig->r_be, sig->s_be);
}

}  // namespace sevproof::verify
