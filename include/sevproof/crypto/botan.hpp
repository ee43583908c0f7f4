// The one door to Botan. Every Botan header the project uses is included here and nowhere else,
// so swapping the crypto backend (or its version) touches only include/sevproof/crypto/.
#pragma once

#include <botan/version.h>

#if BOTAN_VERSION_MAJOR != 3
#error "sevproof needs Botan 3 (scripts/bootstrap builds 3.7.1)"
#endif

#include <botan/asn1_obj.h>
#include <botan/auto_rng.h>
#include <botan/bigint.h>
#include <botan/der_enc.h>
#include <botan/ber_dec.h>
#include <botan/data_src.h>
#include <botan/ec_group.h>
#include <botan/ecdh.h>
#include <botan/ecdsa.h>
#include <botan/exceptn.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/pem.h>
#include <botan/pkcs8.h>
#include <botan/pkix_types.h>
#include <botan/pss_params.h>
#include <botan/rsa.h>
#include <botan/stream_cipher.h>
#include <botan/x509_ca.h>
#include <botan/x509_ext.h>
#include <botan/pk_keys.h>
#include <botan/pubkey.h>
#include <botan/x509_crl.h>
#include <botan/x509_key.h>
#include <botan/x509cert.h>

namespace sevproof::crypto {

// "Botan 3.7.1" — shown by `sevproof --version` and the web page, so auditors can cite it.
inline std::string backend_version() {
  return "Botan " + std::to_string(BOTAN_VERSION_MAJOR) + "." + std::to_string(BOTAN_VERSION_MINOR) + "." +
         std::to_string(BOTAN_VERSION_PATCH);
}

}  // namespace sevproof::crypto
