// A VCEK/VLEK or chain file (DER, or PEM with any number of certificates), as `--vcek`, `--chain` and
// `--certs` read them; then what the verifier reads from a certificate: names, validity, AMD's TCB
// extensions, and a signature check (against itself, as a self-signed ARK is checked).
#include "../target.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/verify/evidence_builder.hpp"

using namespace sevproof;

namespace {
void inspect(const crypto::certificate& c) {
  (void)c.subject_cn();
  (void)c.issuer_cn();
  (void)c.serial();
  (void)c.not_before();
  (void)c.not_after();
  (void)c.key_algorithm();
  (void)c.is_self_issued();
  (void)c.spki_der();
  (void)kds::read_amd_extensions(c);
  (void)c.signed_by(c);
}
}  // namespace

SEVPROOF_FUZZ_TARGET(x509) {
  const bytes_view in(data, size);
  if (auto c = crypto::certificate::load(in)) inspect(*c);
  if (auto all = crypto::certificate::load_all(in))
    for (const auto& c : *all) (void)c.subject_cn();
  verify::evidence_builder eb(fuzz::blank_report());
  (void)eb.signer(in, "fuzz");
  (void)eb.chain(in, "fuzz");
  return 0;
}
