// sevproof verify: is the report genuine (V checks), and is it what the owner expects (P checks)?
// Argument translation and rendering only: the pipeline is the library's (pipeline::appraise).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <map>

#include "batch.hpp"
#include "commands.hpp"
#include "io.hpp"
#include "launch_belief.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/workflows/explain_mismatch.hpp"
#include "verify_flags.hpp"

namespace sevproof::cli {
namespace {

struct verify_cli {
  std::string report, batch;
  std::string report_positional;  // `sevproof verify REPORT`, as `report show REPORT` takes it
  evidence_flags evidence;
  expectation_flags expect;
  bool json = false, all = false;
  std::shared_ptr<measure_cli> launch = std::make_shared<measure_cli>();  // optional: explains a MEASUREMENT mismatch
  measure_flag_set launch_flags;
};

// The launch inputs, when given: refused with --batch, without an expected measurement, or without
// --mode and --ovmf. `belief` stays empty when none was given.
int read_launch_inputs(const verify_cli& o, const validate::options& expect,
                       std::optional<workflows::launch_belief>& belief) {
  const auto given = o.launch_flags.first_given();
  if (given.empty()) return ok;
  auto refuse = [](const std::string& msg) {
    std::cerr << "sevproof verify: " << msg << "\n";
    return static_cast<int>(usage);
  };
  if (!o.batch.empty()) return refuse(given + ": the launch inputs explain one report's MEASUREMENT, not with --batch");
  if (expect.measurements.empty())
    return refuse(given +
                  ": the launch inputs explain a MEASUREMENT mismatch: give the expected --measurement too (or a "
                  "reference-values file with one)");
  if (o.launch->mode.empty() || o.launch->ovmf.empty())
    return refuse(given + ": the launch inputs need --mode and --ovmf (the sevproof measure flags)");
  int code = ok;
  belief = belief_from_flags(*o.launch, code);
  return belief ? ok : code;
}

int run_single(const verify_cli& o, const validate::options& expect) {
  std::optional<workflows::launch_belief> belief;
  if (int rc = read_launch_inputs(o, expect, belief); rc != ok) return rc;
  pipeline::request rq;
  if (int rc = o.evidence.fill(rq, "sevproof verify"); rc != ok) return rc;
  // An input that cannot be read is a verdict too for a script reading --json: outcome "input_error", the
  // input and the message (schemas/verdict.schema.json), as batch lines give it; the words go to stderr as well.
  auto input_error = [&](pipeline::appraisal a) {
    if (o.json) std::cout << json_out(pipeline::appraisal_json(a, o.report)) << "\n";
    std::cerr << "sevproof verify: " << (a.input_option == o.report ? "--report " + o.report : a.input_option) << ": "
              << a.input_error->to_string() << "\n";
    return static_cast<int>(bad_input);
  };
  auto rf = read_file(o.report);
  if (!rf.data) {
    pipeline::appraisal a;
    a.input_option = "--report";
    a.input_error = error{rf.why, "", std::nullopt, ""};
    return input_error(std::move(a));
  }
  rq.report = {o.report, std::move(*rf.data)};
  rq.expect = expect;
  const auto a = pipeline::appraise(rq);
  if (a.input_error) return input_error(a);
  const auto why = belief ? workflows::explain_measurement(a, belief->view()) : std::nullopt;
  if (o.json) {
    auto j = pipeline::appraisal_json(a, o.report, o.all);
    if (why) workflows::attach_explanation(j, *why);
    std::cout << json_out(j) << "\n";
  } else {
    std::cout << pipeline::appraisal_text(a, o.report, o.all);
    if (why)
      std::cout << "\nMEASUREMENT differs from the expected launch digest; against the launch inputs given:\n"
                << workflows::explanation_text(*why);
  }
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
      "option names); flags given here override it. Check codes: docs/checks.md.\n"
      "With the launch inputs (the sevproof measure flags) a failed MEASUREMENT check (P018) names the input\n"
      "that explains the reported digest, as `sevproof explain` does.\n\n"
      "Numbers are decimal, 0x-hex, 0b-binary or 0o-octal (a leading zero is refused, never read as octal); an empty\n"
      "value is refused, so an unset shell variable cannot turn a check off.\n\n"
      "Examples:\n"
      "  sevproof verify -r report.bin --vcek vcek.der                       # chain built in\n"
      "  sevproof verify -r report.bin --certs ./certs                       # as `snpguest fetch ca/vcek` wrote it\n"
      "  sevproof verify -r report.bin --cert-table certs.bin --now 2023-10-01   # extended report, historic time\n"
      "  sevproof verify -r report.bin --vcek vcek.der --crl crl.der --require-crl --measurement 845f...945b \\\n"
      "                  --min-tcb bl=3,tee=0,snp=8,ucode=115 --vmpl 0 --json\n"
      "  sevproof verify --batch fleet.jsonl > verdicts.jsonl                # one JSON object per line\n"
      "  sevproof verify -r report.bin --vcek vcek.der --measurement 845f...945b \\\n"
      "                  --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.fd   # a mismatch names the input\n\n"
      "Exit codes: 0 all checks passed, 1 a check failed (or could not run), 2 usage error, 3 input unreadable or "
      "malformed.");
  app.add_option("--report,-r", o->report,
                 "Attestation report: raw, MSG_REPORT_RSP, Azure HCL, hex, base64 or PEM ('-': stdin)");
  app.add_option("REPORT", o->report_positional, "The report, given without --report (as `report show` takes it)");
  app.add_option(
      "--batch", o->batch,
      "Verify many reports: a file ('-': stdin) of JSON lines {\"report\": PATH, \"vcek\"|\"vlek\"|\"cert_table\"|"
      "\"chain\"|\"crl\": PATH, \"now\": TIME, reference values...}; prints one JSON verdict per line, in order");
  o->evidence.add(app);
  o->expect.add(app);
  o->launch->command = "verify";
  o->launch_flags =
      add_launch_flags(app, o->launch, "Launch inputs, to explain a MEASUREMENT mismatch (the sevproof measure flags)");
  app.add_flag("--json", o->json, "Print the verdict (and the decoded report) as JSON (schemas/verdict.schema.json)");
  app.add_flag("--all", o->all, "Also list the validation checks that were not requested");
  return [o]() -> int {
    if (!o->report_positional.empty()) {
      if (!o->report.empty()) {
        std::cerr << "sevproof verify: the report is given twice (" << o->report_positional << " and --report "
                  << o->report << "): give it once\n";
        return usage;
      }
      o->report = o->report_positional;
    }
    if (o->report.empty() == o->batch.empty()) {
      std::cerr << "sevproof verify: give --report FILE (one report) or --batch FILE (many), not both or neither\n";
      return usage;
    }
    validate::options expect;
    if (int rc = o->expect.collect(expect, "sevproof verify"); rc != ok) return rc;
    if (!o->batch.empty()) {
      std::optional<workflows::launch_belief> none;
      if (int rc = read_launch_inputs(*o, expect, none); rc != ok) return rc;
      return run_batch(o->batch, o->evidence, expect);
    }
    return run_single(*o, expect);
  };
}

}  // namespace sevproof::cli
