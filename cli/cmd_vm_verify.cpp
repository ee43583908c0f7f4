// sevproof vm verify: a report appraised against a VM definition, by the library's pipeline, with
// the reference values the definition implies; output, --json and exit codes as `sevproof verify`,
// and every failed check named with the file key behind it.
#include <iostream>
#include <nlohmann/json.hpp>

#include "io.hpp"
#include "verify_flags.hpp"
#include "vm_cli.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/workflows/explain_mismatch.hpp"
#include "sevproof/workflows/vm_verify.hpp"

namespace sevproof::cli {
namespace {

namespace vmw = workflows::vm;

struct vm_verify_cli {
  std::string vm, report;
  evidence_flags evidence;
  bool json = false, all = false, no_explain = false;
};

// The recomputed launch digest when [expect] records none (then `launch` keeps the files read), and
// the named keys' digests.
int gather(const vmw::definition& d, std::optional<bytes>& recomputed, vmw::key_digests& keys,
           std::optional<vmw::launch_files>& launch) {
  int code = ok;
  const bool recompute = d.expect.measurements.empty();
  auto files = read_vm_files(d, code, recompute);
  if (!files) return code;
  if (recompute) {
    launch = files->launch;
    auto ld = vmw::expected_measurement(d, files->launch);
    if (!ld)
      return std::cerr << "sevproof vm verify: the launch cannot be measured: " << ld.err().message << "\n",
             static_cast<int>(check_failed);
    recomputed = *ld;
  }
  for (auto [bytes_in, ref, out] :
       {std::tuple{&files->id_key, d.id_block ? &d.id_block->id_key : nullptr, &keys.id_key},
        std::tuple{&files->author_key, d.id_block ? &d.id_block->author_key : nullptr, &keys.author_key}}) {
    if (!*bytes_in) continue;
    auto k = vmw::key_file_digest(d, **ref, **bytes_in);
    if (!k) return std::cerr << "sevproof vm verify: " << k.err().to_string() << "\n", static_cast<int>(bad_input);
    *out = *k;
  }
  return ok;
}

// Why MEASUREMENT differs from the expected one: the launch [launch] describes, searched for the
// change that gives the reported digest. nullopt: the measurement check did not fail.
std::optional<result<workflows::explanation_report>> explain_vm(const vmw::definition& d, const pipeline::appraisal& a,
                                                                std::optional<vmw::launch_files> launch) {
  if (!workflows::measurement_failed(a)) return std::nullopt;
  if (!launch) {
    int code = ok;
    auto files = read_vm_files(d, code);
    if (!files)
      return result<workflows::explanation_report>(
          error{d.source, "", std::nullopt, "its launch files cannot be read (the message above says why)"});
    launch = std::move(files->launch);
  }
  auto b = workflows::belief_of(d, std::move(*launch));
  if (!b) return result<workflows::explanation_report>(b.err());
  return workflows::explain_measurement(a, b->view());
}

int run(const vm_verify_cli& o) {
  int code = ok;
  auto d = load_vm(o.vm, code);
  if (!d) return code;
  if (d->mode != "snp")
    return std::cerr << "sevproof vm verify: attestation reports exist only for SNP guests (launch.mode is " << d->mode
                     << "; use `sevproof sev validate` for SEV and SEV-ES)\n",
           static_cast<int>(usage);
  std::optional<bytes> recomputed;
  vmw::key_digests keys;
  std::optional<vmw::launch_files> launch;
  if (int rc = gather(*d, recomputed, keys, launch); rc != ok) return rc;
  pipeline::request rq;
  if (int rc = o.evidence.fill(rq, "sevproof vm verify"); rc != ok) return rc;
  auto rf = read_file(o.report);
  if (!rf.data) return std::cerr << "sevproof vm verify: --report: " << rf.why << "\n", static_cast<int>(bad_input);
  rq.report = {o.report, std::move(*rf.data)};
  const auto a = vmw::appraise(*d, std::move(rq), recomputed, keys);
  if (a.input_error) {
    std::cerr << "sevproof vm verify: " << (a.input_option == o.report ? "--report " + o.report : a.input_option)
              << ": " << a.input_error->to_string() << "\n";
    return bad_input;
  }
  const auto sources = vmw::check_sources(*d);
  const auto why = o.no_explain ? std::nullopt : explain_vm(*d, a, std::move(launch));
  if (o.json) {
    auto j = pipeline::appraisal_json(a, o.report, o.all);
    j["vm"] = o.vm;
    if (recomputed) j["recomputed_measurement"] = hex::encode(*recomputed);
    for (auto& c : j["checks"])
      if (c["status"] == "fail")
        if (auto it = sources.find(c["code"].get<std::string>()); it != sources.end()) c["vm_key"] = it->second;
    if (why) workflows::attach_explanation(j, *why);
    std::cout << json_out(j) << "\n";
    return pipeline::exit_code(a);
  }
  std::cout << pipeline::appraisal_text(a, o.report, o.all);
  std::cout << "\nagainst " << o.vm
            << (recomputed ? ", expected MEASUREMENT recomputed from [launch]: " + hex::encode(*recomputed)
                           : std::string())
            << "\n";
  for (const auto& c : a.checks.checks)
    if (c.result == status::fail)
      if (auto it = sources.find(c.code); it != sources.end())
        std::cout << "  " << c.code << " FAIL  from " << o.vm << ": " << it->second << "\n";
  if (why) std::cout << workflows::explanation_text(*why);
  return pipeline::exit_code(a);
}

}  // namespace

void add_vm_verify(CLI::App& vm, std::vector<std::pair<CLI::App*, runner>>& subs) {
  auto* v = vm.add_subcommand(
      "verify", "Appraise a report against the definition (as `sevproof verify`, with its reference values)");
  auto o = std::make_shared<vm_verify_cli>();
  v->footer(
      "Checks everything `sevproof verify` checks, with the reference values the file implies: MEASUREMENT (one of\n"
      "[expect] measurement, else recomputed from [launch], every file checked against its pin), POLICY equal to\n"
      "the launch policy (P035), HOST_DATA, the ID block's FAMILY_ID/IMAGE_ID and key digests, every [expect] value,\n"
      "and for SNPGuard files PLATFORM_INFO exactly (P036). A failed check names the file key behind it; a\n"
      "failed MEASUREMENT names the input of [launch] that explains the reported digest (as `sevproof explain`\n"
      "searches), and a failed POLICY the differing policy fields.\n\n"
      "Examples:\n"
      "  sevproof vm verify vm.toml --report report.bin --vcek vcek.der\n"
      "  sevproof vm verify vm-config.toml --report report.bin --vcek vcek.der --crl crl.der --json   # a SNPGuard "
      "file\n\n"
      "Exit codes: 0 all checks passed, 1 a check failed (or the launch cannot be measured), 2 usage error,\n"
      "3 input unreadable, malformed, missing or not matching its pin.");
  v->add_option("VM", o->vm, "VM definition file (TOML or JSON; or a SNPGuard file)")->required();
  v->add_option("--report,-r", o->report, "Attestation report: raw, MSG_REPORT_RSP, Azure HCL, hex, base64 or PEM")
      ->required();
  o->evidence.add(*v);
  v->add_flag("--json", o->json,
              "Print the verdict as `sevproof verify --json` does, each failed check with its vm_key");
  v->add_flag("--all", o->all, "Also list the validation checks that were not requested");
  v->add_flag("--no-explain", o->no_explain,
              "Do not search for the input that explains a failed MEASUREMENT (the search takes up to ~10 s when "
              "nothing explains the digest; scripts that only need the verdict skip it)");
  subs.emplace_back(v, [o] { return run(*o); });
}

}  // namespace sevproof::cli
