// The whole appraisal of `sevproof verify` (pipeline::appraise, the one attestation entry point the
// CLI, the batch mode and the page share) on a report file the host hands over, with a fixed genuine
// VCEK and the AMD chain built into the library, sharing one link cache between runs as the batch
// mode does. The property: the verdict is genuine exactly when the report read is byte for byte the
// original one. Changing any byte of a genuinely signed report must never keep it genuine; the
// original in another container or encoding (MSG_REPORT_RSP, hex, base64) stays genuine.
// The real report and VCEK come from the shared test data at run time (fuzz/target.hpp).
#include <algorithm>

#include "../target.hpp"
#include "sevproof/pipeline/appraise.hpp"

using namespace sevproof;

namespace {

constexpr const char* report_file = "reports/oak-genoa-v5/report.bin";
constexpr const char* vcek_file = "reports/oak-genoa-v5/vcek.der";

struct fixture {
  bytes original;        // the 1184 report bytes AMD signed
  bytes vcek;            // the VCEK (DER) that verifies them
  std::int64_t now = 0;  // a time inside every certificate's validity
};

const fixture& fixed() {
  static const fixture f = [] {
    auto rep = fuzz::testdata_file(report_file);
    auto vcek = fuzz::testdata_file(vcek_file);
    if (!rep || !vcek)
      fuzz::fail("appraisal", std::string("needs the shared test data (") + report_file + ", " + vcek_file +
                                  "): set SEVPROOF_TESTDATA_DIR");
    auto pr = snp::read_report(*rep);
    auto cert = crypto::certificate::load(*vcek);
    if (!pr || !cert) fuzz::fail("appraisal", "the fixed report or VCEK does not read");
    const auto raw = pr->report.raw();
    return fixture{bytes(raw.begin(), raw.end()), *vcek, cert->not_before() + 86400};
  }();
  return f;
}

}  // namespace

SEVPROOF_FUZZ_TARGET(appraisal) {
  static verify::link_cache cache;
  const fixture& f = fixed();
  pipeline::request rq;
  rq.report = {"fuzz input", bytes(data, data + size)};
  rq.evidence.push_back({pipeline::evidence_kind::vcek, {"fixed VCEK", f.vcek}, "--vcek"});
  rq.now = f.now;
  const auto a = pipeline::appraise(rq, &cache);
  if (!a.report) return 0;  // refused as input (exit 3)
  const auto raw = a.report->report.raw();
  const bool original = std::equal(raw.begin(), raw.end(), f.original.begin(), f.original.end());
  const bool genuine = a.checks.genuine();
  if (genuine && !original)
    fuzz::fail("appraisal", "a report that differs from the signed original was judged genuine");
  if (original && !genuine)
    fuzz::fail("appraisal", "the genuinely signed original was not judged genuine: " + a.headline);
  return 0;
}
