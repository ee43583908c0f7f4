// `sevproof report show FILE`: the report reader on a whole file, which it recognises by itself as a
// raw report, a Linux MSG_REPORT_RSP, an Azure HCL report, or the same as hex or base64 text. Every
// report read is rendered (JSON and the field descriptions), leniently and strictly.
#include "../target.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/snp/describe.hpp"
#include "sevproof/snp/report_reader.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(report) {
  const bytes_view in(data, size);
  if (auto r = snp::read_report(in)) {
    (void)format::report_json(*r).dump();
    (void)snp::describe(*r);
  }
  snp::read_options strict;
  strict.reserved = snp::mbz_policy::error;
  (void)snp::read_report(in, strict);
  return 0;
}
