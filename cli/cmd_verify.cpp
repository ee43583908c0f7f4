// sevproof verify: is the report genuine (V checks), and is it what the owner expects (P checks)?
// Argument translation and rendering only: the pipeline is the library's (pipeline::appraise).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "batch.hpp"
#include "commands.hpp"
#include "io.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "verify_flags.hpp"

namespace sevproof::cli {
namespace {

struct verify_cli {
  std::string report, batch;
  evidence_flags evidence;
  expectation_flags expect;
  bool json = false, all = false;
};

int run_single(const verify_cli& o, const validate::options& expect) {
  pipeline::request rq;
  if (int rc = o.evidence.fill(rq, "sevproof verify"); rc != ok) return rc;
  auto rf = read_file(o.report);
  if (!rf.data) {
    std::cerr << "sevproof verify: --report: " << rf.why << "\n";
    return bad_input;
  }
  rq.report = {o.report, std::move(*rf.data)};
  rq.expect = expect;
  const auto a = pipeline::appraise(rq);
  if (a.input_error) {
    std::cerr << "sevproof verify: " << (a.input_option == o.report ? "--report " + o.report : a.input_option) << ": "
              << a.input_error->to_string() << "\n";
    return bad_input;
  }
  if (o.json)
    std::cout << pipeline::appraisal_json(a, o.report, o.all).dump(2) << "\n";
  else
    std::cout << pipeline::appraisal_text(a, o.report, o.all);
  return pipeline::exit_code(a);
}

}  // namespace

runner add_verify(CLI::App& app) {
  auto o = std::make_shared<verify_cli>();
  app.footer(
      "Verification (V checks) proves the report was signed by a genuine AMD chip: pinned AMD roots, the\n"
      "ARK -> ASK -> VCEK (or ARK -> ASVK -> VLEK) chain, validity at --now, the CRL (--require-crl makes it\n"
      "mandatory), REPORTED_TCB and CHIP_ID against the certificate, and the ECDSA signature over the bytes\n"
      "as received. Validation (P checks) compares it with your reference values; only what you ask for is\n"
      "checked, except that a policy allowing debugging and a report requested by the host are refused\n"
      "unless allowed. Reference values can come from a file (--reference-values, TOML or JSON, keys = these\n"
      "option names); flags given here override it. Check codes: docs/checks.md.\n\n"
      "Numbers are decimal or 0x-hexadecimal (a leading zero is refused, never read as octal); an empty\n"
      "value is refused, so an unset shell variable cannot turn a check off.\n\n"
      "Examples:\n"
      "  sevproof verify -r report.bin --vcek vcek.der                       # chain built in\n"
      "  sevproof verify -r report.bin --certs ./certs                       # as `snpguest fetch ca/vcek` wrote it\n"
      "  sevproof verify -r report.bin --cert-table certs.bin --now 2023-10-01   # extended report, historic time\n"
      "  sevproof verify -r report.bin --vcek vcek.der --crl crl.der --require-crl --measurement 845f...945b \\\n"
      "                  --min-tcb bl=3,tee=0,snp=8,ucode=115 --vmpl 0 --json\n"
      "  sevproof verify --batch fleet.jsonl > verdicts.jsonl                # one JSON object per line\n\n"
      "Exit codes: 0 all checks passed, 1 a check failed (or could not run), 2 usage error, 3 input unreadable or "
      "malformed.");
  app.add_option("--report,-r", o->report,
                 "Attestation report: raw, MSG_REPORT_RSP, Azure HCL, hex or base64 ('-': stdin)");
  app.add_option(
      "--batch", o->batch,
      "Verify many reports: a file ('-': stdin) of JSON lines {\"report\": PATH, \"vcek\"|\"vlek\"|\"cert_table\"|"
      "\"chain\"|\"crl\": PATH, \"now\": TIME, reference values...}; prints one JSON verdict per line, in order");
  o->evidence.add(app);
  o->expect.add(app);
  app.add_flag("--json", o->json, "Print the verdict (and the decoded report) as JSON (schemas/verdict.schema.json)");
  app.add_flag("--all", o->all, "Also list the validation checks that were not requested");
  return [o]() -> int {
    if (o->report.empty() == o->batch.empty()) {
      std::cerr << "sevproof verify: give --report FILE (one report) or --batch FILE (many), not both or neither\n";
      return usage;
    }
    validate::options expect;
    if (int rc = o->expect.collect(expect, "sevproof verify"); rc != ok) return rc;
    if (!o->batch.empty()) return run_batch(o->batch, o->evidence, expect);
    return run_single(*o, expect);
  };
}

}  // namespace sevproof::cli
