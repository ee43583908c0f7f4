// The whole appraisal of `sevproof verify` on a report file the host hands over, with a fixed genuine
// VCEK and the AMD chain built into the program: read (any form), verify (V checks), validate (P
// checks). The property: the verdict is genuine exactly when the report read is byte for byte the
// original one. Mutating a single byte of a genuinely signed report must never keep it genuine; the
// original in another container or encoding (MSG_REPORT_RSP, hex, base64) stays genuine.
// The real report and VCEK come from the shared test data at run time (fuzz/target.hpp).
#include <algorithm>

#include "../target.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/validate/validate_report.hpp"
#include "sevproof/verify/evidence_builder.hpp"

using namespace sevproof;

namespace {

constexpr const char* report_file = "reports/oak-genoa-v5/report.bin";
constexpr const char* vcek_file = "reports/oak-genoa-v5/vcek.der";

struct fixture {
  bytes original;         // the 1184 report bytes AMD signed
  bytes vcek;             // the VCEK (DER) that verifies them
  std::int64_t now = 0;   // a time inside every certificate's validity
};

const fixture& fixed() {
  static const fixture f = [] {
    auto rep = fuzz::testdata_file(report_file);
    auto vcek = fuzz::testdata_file(vcek_file);
    if (!rep || !vcek) fuzz::fail("appraisal", std::string("needs the shared test data (") + report_file + ", " + vcek_file +
                                                   "): set SEVPROOF_TESTDATA_DIR");
    auto pr = snp::read_report(*rep);
    auto cert = crypto::certificate::load(*vcek);
    if (!pr || !cert) fuzz::fail("appraisal", "the fixed report or VCEK does not read");
    const auto raw = pr->report.raw();
    return fixture{bytes(raw.begin(), raw.end()), *vcek, cert->not_before() + 86400};
  }();
  return f;
}

verdict appraise(snp::parsed_report pr, const fixture& f) {
  verify::evidence_builder eb(std::move(pr));
  if (eb.signer(f.vcek, "fixed VCEK")) fuzz::fail("appraisal", "the fixed VCEK is refused");
  for (const auto& c : embedded::amd_chain) eb.builtin(c.pem);
  verify::evidence ev = eb.take();
  verify::verify_options vo;
  vo.now = f.now;
  auto v = verify::verify_report(ev, verify::trust_anchors::amd(), vo);
  verify::adopt_product(ev.report, verify::decided_product(ev, vo));
  validate::options expect;
  expect.allow_debug = true;
  validate::validate_report(ev.report, expect, ev.report.layout, v);
  return v;
}

}  // namespace

SEVPROOF_FUZZ_TARGET(appraisal) {
  const fixture& f = fixed();
  auto pr = snp::read_report(bytes_view(data, size));
  if (!pr) return 0;
  const auto raw = pr->report.raw();
  const bool original = std::equal(raw.begin(), raw.end(), f.original.begin(), f.original.end());
  const bool genuine = appraise(std::move(pr).value(), f).genuine();
  if (genuine && !original) fuzz::fail("appraisal", "a report that differs from the signed original was judged genuine");
  if (original && !genuine) fuzz::fail("appraisal", "the genuinely signed original was not judged genuine");
  return 0;
}
