// A CRL file (`--crl`, DER or PEM), and what the verifier reads from it: issuer, dates, entries, the
// signature (checked with each AMD ARK built into the program).
#include "../target.hpp"
#include "sevproof/crypto/crl.hpp"
#include "sevproof/embedded_amd_chain.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(crl) {
  static const std::vector<crypto::certificate> arks = [] {
    std::vector<crypto::certificate> out;
    for (const auto& f : embedded::amd_chain)
      if (f.role == "ark")
        if (auto c = crypto::certificate::load(bytes_view(reinterpret_cast<const byte*>(f.pem.data()), f.pem.size())))
          out.push_back(*c);
    return out;
  }();
  auto c = crypto::crl::load(bytes_view(data, size));
  if (!c) fuzz::json_safe("crl", c.err().to_string());
  if (c) {
    fuzz::json_safe("crl", c->issuer_cn());
    (void)c->this_update();
    (void)c->next_update();
    (void)c->entries();
    for (const auto& ark : arks) (void)c->signed_by(ark);
  }
  return 0;
}
