// The GHCB extended-report certificate table (`--cert-table`, the page's "certificate table" input):
// parsed, then every entry taken as the verifier takes it (VCEK/VLEK, ARK/ASK, CRL).
#include "../target.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/verify/evidence_builder.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(cert_table) {
  const bytes_view in(data, size);
  if (auto t = snp::parse_cert_table(in))
    for (const auto& e : *t) (void)snp::role_name(e.role);
  verify::evidence_builder eb(fuzz::blank_report());
  if (auto err = eb.cert_table(in, "fuzz")) fuzz::json_safe("cert_table", err->to_string());
  return 0;
}
