// A VCEK/VLEK or chain file (DER, or PEM with any number of certificates), as `--vcek`, `--chain` and
// `--certs` read them; then what the verifier reads from a certificate: names, validity, AMD's TCB
// extensions, and a signature check (against itself, as a self-signed ARK is checked). Every text
// made from the certificate, and every refusal, must be valid UTF-8 (it goes into JSON). Reading all
// certificates of a file (load_all) is the evidence builder's chain(), so it is not called twice.
#include "../target.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/verify/evidence_builder.hpp"

using namespace sevproof;

namespace {
void inspect(const crypto::certificate& c) {
  fuzz::json_safe("x509", c.subject_cn());
  fuzz::json_safe("x509", c.issuer_cn());
  (void)c.serial();
  (void)c.not_before();
  (void)c.not_after();
  (void)c.key_algorithm();
  (void)c.is_self_issued();
  (void)c.spki_der();
  if (auto e = kds::read_amd_extensions(c)) {
    fuzz::json_safe("x509", e->product_name.value_or(""));
    fuzz::json_safe("x509", e->csp_id.value_or(""));
  } else {
    fuzz::json_safe("x509", e.err().to_string());
  }
  (void)c.signed_by(c);
}
}  // namespace

SEVPROOF_FUZZ_TARGET(x509) {
  const bytes_view in(data, size);
  if (auto c = crypto::certificate::load(in))
    inspect(*c);
  else
    fuzz::json_safe("x509", c.err().to_string());
  verify::evidence_builder eb(fuzz::blank_report());
  if (auto err = eb.signer(in, "fuzz")) fuzz::json_safe("x509", err->to_string());
  if (auto err = eb.chain(in, "fuzz")) fuzz::json_safe("x509", err->to_string());
  return 0;
}
