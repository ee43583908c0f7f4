// sevproof verify: is the report genuine (V checks), and is it what the owner expects (P checks)?
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/format/verdict_json.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/validate/validate_report.hpp"
#include "sevproof/verify/evidence_builder.hpp"
#include "sevproof/verify/verify_report.hpp"

namespace sevproof::cli {
namespace {

using namespace sevproof::validate;  // option text parsing

struct verify_cli {
  std::string report, vcek, vlek, cert_table, certs_dir, ark, ask, chain, crl, product, now, offset;
  bool strict = false, json = false, no_builtin = false, all = false;
  // validation
  bool allow_debug = false, single_socket = false, aes = false, rapl = false, ct_hiding = false, page_swap = false;
  bool require_id_block = false, require_author_key = false;
  std::string smt, migrate_ma, cxl, min_abi, min_guest_svn, report_data, host_data, image_id, family_id, report_id,
      report_id_ma, chip_id, min_firmware, min_build, min_tcb, min_committed_tcb, min_reported_tcb, min_launch_tcb,
      provisional, platform_info_max, vmpl, min_launch_mit, min_current_mit;
  std::vector<std::string> measurements, id_key_digests, author_key_digests;
};

struct usage_error {
  std::string what;
};

template <class T>
T need(std::optional<T> v, const std::string& flag, const std::string& value, const char* expected) {
  if (!v) throw usage_error{flag + " " + value + ": " + expected};
  return *v;
}

int run(const verify_cli& o) {
  auto bad_input_msg = [&](const std::string& why) {
    std::cerr << "sevproof verify: " << why << "\n";
    return bad_input;
  };
  try {
    // ---- options that do not need the report ----
    verify::verify_options vo;
    if (!o.now.empty()) vo.now = need(utc::parse(o.now), "--now", o.now, "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or @UNIXSECONDS");
    if (!o.product.empty()) vo.product = need(snp::product_from_name(o.product), "--product", o.product, "use milan, genoa or turin");
    snp::read_options ro;
    ro.given_product = vo.product;
    ro.product_is_hint = true;  // a contradiction with the CPUID is judged by check V013, not refused here
    ro.reserved = o.strict ? snp::mbz_policy::error : snp::mbz_policy::warn;
    if (!o.offset.empty()) ro.offset = need(parse_uint(o.offset), "--offset", o.offset, "not a number");

    // Expectations: each flag goes through the library's option text parser (the web page uses it too).
    validate::options val;
    const std::pair<const char*, const std::string*> texts[] = {
        {"smt", &o.smt}, {"migrate-ma", &o.migrate_ma}, {"cxl", &o.cxl}, {"min-abi", &o.min_abi},
        {"min-guest-svn", &o.min_guest_svn}, {"report-data", &o.report_data}, {"host-data", &o.host_data},
        {"image-id", &o.image_id}, {"family-id", &o.family_id}, {"report-id", &o.report_id}, {"report-id-ma", &o.report_id_ma},
        {"chip-id", &o.chip_id}, {"min-firmware", &o.min_firmware}, {"min-build", &o.min_build}, {"min-tcb", &o.min_tcb},
        {"min-committed-tcb", &o.min_committed_tcb}, {"min-reported-tcb", &o.min_reported_tcb},
        {"min-launch-tcb", &o.min_launch_tcb}, {"provisional-firmware", &o.provisional},
        {"platform-info-max", &o.platform_info_max}, {"vmpl", &o.vmpl}, {"min-launch-mit-vector", &o.min_launch_mit},
        {"min-current-mit-vector", &o.min_current_mit}};
    for (const auto& [name, value] : texts)
      if (!value->empty()) validate::apply_option(val, name, *value);
    const std::pair<const char*, bool> flags[] = {
        {"allow-debug", o.allow_debug}, {"require-single-socket", o.single_socket}, {"require-aes-256-xts", o.aes},
        {"require-rapl-dis", o.rapl}, {"require-ciphertext-hiding", o.ct_hiding}, {"require-page-swap-disable", o.page_swap},
        {"require-id-block", o.require_id_block}, {"require-author-key", o.require_author_key}};
    for (const auto& [name, set] : flags)
      if (set) validate::apply_option(val, name, "true");
    for (const auto& m : o.measurements) validate::apply_option(val, "measurement", m);
    for (const auto& d : o.id_key_digests) validate::apply_option(val, "id-key-digest", d);
    for (const auto& d : o.author_key_digests) validate::apply_option(val, "author-key-digest", d);

    // ---- inputs ----
    auto rf = read_file(o.report);
    if (!rf.data) return bad_input_msg(rf.why);
    auto pr = snp::read_report(*rf.data, ro);
    if (!pr) return bad_input_msg(o.report + ": " + pr.err().to_string());
    verify::evidence_builder eb(std::move(pr).value());
    // Reads `path` and hands its bytes to one of the builder's methods; refusals name the flag.
    auto add = [&](const std::string& path, const char* flag, auto&& method) -> bool {
      auto f = read_file(path);
      if (!f.data) {
        bad_input_msg(std::string(flag) + ": " + f.why);
        return false;
      }
      if (auto err = method(*f.data, path)) {
        bad_input_msg(std::string(flag) + ": " + err->to_string());
        return false;
      }
      return true;
    };
    const auto signer = [&](const bytes& d, const std::string& p) { return eb.signer(d, p); };
    const auto chain = [&](const bytes& d, const std::string& p) { return eb.chain(d, p); };
    if (!o.vcek.empty() && !add(o.vcek, "--vcek", signer)) return bad_input;
    if (!o.vlek.empty() && !add(o.vlek, "--vlek", signer)) return bad_input;
    if (!o.cert_table.empty() && !add(o.cert_table, "--cert-table", [&](const bytes& d, const std::string& p) { return eb.cert_table(d, p); }))
      return bad_input;
    if (!o.certs_dir.empty()) {
      std::error_code ec;
      if (!std::filesystem::is_directory(o.certs_dir, ec)) return bad_input_msg("--certs " + o.certs_dir + ": not a directory");
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::directory_iterator(o.certs_dir)) files.push_back(entry.path());
      std::sort(files.begin(), files.end());
      for (const auto& path : files) {
        const auto ext = path.extension().string();
        if (ext != ".pem" && ext != ".der" && ext != ".crt" && ext != ".cer") continue;
        const auto name = path.filename().string();
        const bool leaf = name.rfind("vcek", 0) == 0 || name.rfind("vlek", 0) == 0;
        if (!add(path.string(), "--certs", [&](const bytes& d, const std::string& p) { return eb.any_certificates(d, p, leaf); }))
          return bad_input;
      }
    }
    for (const auto* p : {&o.ark, &o.ask, &o.chain})
      if (!p->empty() && !add(*p, p == &o.chain ? "--chain" : (p == &o.ark ? "--ark" : "--ask"), chain)) return bad_input;
    if (!o.crl.empty() && !add(o.crl, "--crl", [&](const bytes& d, const std::string& p) { return eb.crl(d, p); })) return bad_input;
    if (!o.no_builtin)
      for (const auto& f : embedded::amd_chain) eb.builtin(f.pem);
    verify::evidence ev = eb.take();

    // ---- verify, then validate with the product's TCB layout ----
    auto v = verify::verify_report(ev, verify::trust_anchors::amd(), vo);
    const auto prod = verify::decided_product(ev, vo);
    verify::adopt_product(ev.report, prod);
    validate::validate_report(ev.report, val, ev.report.layout, v);

    const std::string signer_name = verify::signer_name(ev);
    bool expectations = false;
    for (const auto& c : v.checks)
      expectations |= c.requested && c.code[0] == 'P' && c.code != checks::policy_debug.code && c.code != checks::provisional_firmware.code;
    const std::string headline =
        v.passed() ? std::string("VERIFIED: genuine AMD SEV-SNP report") +
                         (expectations ? ", and it meets every expectation given"
                                       : " (no expectations given: add --measurement, --report-data, --min-tcb, ... to check what it runs)")
        : v.genuine() ? "GENUINE, BUT POLICY FAILED: signed by AMD hardware, yet not what you expect (see the failed P checks)"
                      : "NOT VERIFIED: see the failed or skipped V checks";
    if (o.json) {
      auto j = format::verdict_json(v, o.all);
      j["input"] = o.report;
      j["verification_time"] = utc::format(vo.now);
      j["product"] = prod ? nlohmann::ordered_json(std::string(snp::product_name(*prod))) : nlohmann::ordered_json(nullptr);
      j["signer"] = signer_name;
      j["summary"] = headline;
      j["report"] = format::report_json(ev.report);
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << "sevproof verify " << o.report << "\n  report version " << ev.report.report.version() << ", product "
                << (prod ? std::string(snp::product_name(*prod)) : std::string("unknown")) << ", signer " << signer_name
                << ", verification time " << utc::format(vo.now) << "\n\n";
      std::size_t hidden = 0;
      for (const auto& c : v.checks) {
        if (!c.requested && !o.all) {
          ++hidden;
          continue;
        }
        const auto st = c.result == status::pass ? "pass" : c.result == status::fail ? "FAIL" : c.result == status::warn ? "warn" : "skip";
        std::cout << "  " << c.code << " " << st << "  " << c.title << "\n             " << c.sentence << "\n";
      }
      if (hidden) std::cout << "  (" << hidden << " validation checks not requested; --all lists them)\n";
      std::cout << "\n" << headline << "\n";
    }
    return v.passed() ? ok : check_failed;
  } catch (const usage_error& e) {
    std::cerr << "sevproof verify: " << e.what << "\n";
    return usage;
  } catch (const option_error& e) {
    std::cerr << "sevproof verify: " << e.what() << "\n";
    return usage;
  }
}

}  // namespace

runner add_verify(CLI::App& app) {
  auto o = std::make_shared<verify_cli>();
  app.footer(
      "Verification (V checks) proves the report was signed by a genuine AMD chip: pinned AMD roots, the\n"
      "ARK -> ASK -> VCEK (or ARK -> ASVK -> VLEK) chain, validity at --now, an optional CRL, REPORTED_TCB\n"
      "and CHIP_ID against the certificate, and the ECDSA signature over the bytes as received.\n"
      "Validation (P checks) compares it with what you expect; only what you ask for is checked, except\n"
      "that a policy allowing debugging fails unless --allow-debug. Check codes: docs/checks.md.\n\n"
      "Examples:\n"
      "  sevproof verify -r report.bin --vcek vcek.der                       # chain built in\n"
      "  sevproof verify -r report.bin --certs ./certs                       # as `snpguest fetch ca/vcek` wrote it\n"
      "  sevproof verify -r report.bin --cert-table certs.bin --now 2023-10-01   # extended report, historic time\n"
      "  sevproof verify -r report.bin --vcek vcek.der --crl crl.der --measurement 845f...945b \\\n"
      "                  --min-tcb bl=3,tee=0,snp=8,ucode=115 --vmpl 0 --json\n\n"
      "Exit codes: 0 all checks passed, 1 a check failed (or could not run), 2 usage error, 3 input unreadable or malformed.");
  app.add_option("--report,-r", o->report, "Attestation report: raw, MSG_REPORT_RSP, Azure HCL, hex or base64")->required();
  auto* in = "Evidence";
  app.add_option("--vcek", o->vcek, "VCEK certificate (DER or PEM)")->group(in);
  app.add_option("--vlek", o->vlek, "VLEK certificate (DER or PEM)")->group(in);
  app.add_option("--cert-table", o->cert_table, "Extended-report certificate table (VCEK/VLEK and possibly ASK/ARK/CRL)")->group(in);
  app.add_option("--certs,-c", o->certs_dir, "Directory of certificates (ark/ask/asvk/vcek/vlek .pem or .der, as snpguest writes them)")->group(in);
  app.add_option("--ark", o->ark, "ARK certificate")->group(in);
  app.add_option("--ask,--asvk", o->ask, "ASK or ASVK certificate")->group(in);
  app.add_option("--chain", o->chain, "PEM bundle of chain certificates (e.g. KDS cert_chain: ASK then ARK)")->group(in);
  app.add_option("--crl", o->crl, "AMD CRL (DER or PEM), checked against the ARK and --now")->group(in);
  app.add_flag("--no-builtin-chain", o->no_builtin, "Do not use the AMD chain built into this binary")->group(in);
  app.add_option("--product", o->product, "milan, genoa or turin (v2 reports carry no CPUID)")->group(in);
  app.add_option("--now", o->now, "Verification time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or @UNIXSECONDS (default: now)")->group(in);
  app.add_option("--offset", o->offset, "Read the report at this offset of the file")->group(in);
  app.add_flag("--strict", o->strict, "Non-zero reserved report bytes are an input error, not a warning")->group(in);

  auto* pg = "Expectations (validation)";
  app.add_flag("--allow-debug", o->allow_debug, "Accept a policy that allows debugging (refused by default)")->group(pg);
  app.add_option("--smt", o->smt, "allow|deny: may the policy permit SMT")->group(pg);
  app.add_option("--migrate-ma", o->migrate_ma, "allow|deny: may the policy permit a migration agent")->group(pg);
  app.add_option("--cxl", o->cxl, "allow|deny: may the policy permit CXL")->group(pg);
  app.add_flag("--require-single-socket", o->single_socket, "Policy must require a single socket")->group(pg);
  app.add_flag("--require-aes-256-xts", o->aes, "Policy must require AES-256-XTS")->group(pg);
  app.add_flag("--require-rapl-dis", o->rapl, "Policy must require RAPL disabled")->group(pg);
  app.add_flag("--require-ciphertext-hiding", o->ct_hiding, "Policy must require ciphertext hiding")->group(pg);
  app.add_flag("--require-page-swap-disable", o->page_swap, "Policy must disable page swap")->group(pg);
  app.add_option("--min-abi", o->min_abi, "Minimum policy ABI, MAJOR.MINOR (e.g. 1.51)")->group(pg);
  app.add_option("--min-guest-svn", o->min_guest_svn, "Minimum GUEST_SVN")->group(pg);
  app.add_option("--report-data", o->report_data, "Exact REPORT_DATA (128 hex digits)")->group(pg);
  app.add_option("--host-data", o->host_data, "Exact HOST_DATA (64 hex digits)")->group(pg);
  app.add_option("--image-id", o->image_id, "Exact IMAGE_ID (32 hex digits)")->group(pg);
  app.add_option("--family-id", o->family_id, "Exact FAMILY_ID (32 hex digits)")->group(pg);
  app.add_option("--report-id", o->report_id, "Exact REPORT_ID (64 hex digits)")->group(pg);
  app.add_option("--report-id-ma", o->report_id_ma, "Exact REPORT_ID_MA (64 hex digits)")->group(pg);
  app.add_option("--chip-id", o->chip_id, "Exact CHIP_ID (128 hex digits)")->group(pg);
  app.add_option("--measurement", o->measurements, "Expected MEASUREMENT (96 hex digits, as sev-snp-measure prints); repeat to allow several")->group(pg);
  app.add_option("--min-firmware", o->min_firmware, "Minimum running firmware MAJOR.MINOR (e.g. 1.55)")->group(pg);
  app.add_option("--min-build", o->min_build, "Minimum running firmware build")->group(pg);
  app.add_option("--min-tcb", o->min_tcb, "Minimum CURRENT_TCB, e.g. bl=3,tee=0,snp=8,ucode=115 (Turin: also fmc=N)")->group(pg);
  app.add_option("--min-committed-tcb", o->min_committed_tcb, "Minimum COMMITTED_TCB (same form)")->group(pg);
  app.add_option("--min-reported-tcb", o->min_reported_tcb, "Minimum REPORTED_TCB (same form)")->group(pg);
  app.add_option("--min-launch-tcb", o->min_launch_tcb, "Minimum LAUNCH_TCB (same form)")->group(pg);
  app.add_option("--provisional-firmware", o->provisional, "allow|deny firmware newer than the committed one (default: warn)")->group(pg);
  app.add_option("--platform-info-max", o->platform_info_max, "PLATFORM_INFO bits allowed to be set (e.g. 0x27)")->group(pg);
  app.add_option("--vmpl", o->vmpl, "Exact VMPL (0-3)")->group(pg);
  app.add_flag("--require-id-block", o->require_id_block, "The guest must have been launched with an ID block")->group(pg);
  app.add_flag("--require-author-key", o->require_author_key, "The ID block must carry an author key")->group(pg);
  app.add_option("--id-key-digest", o->id_key_digests, "Trusted ID key digest (SHA-384, 96 hex digits; `sevproof key-digest`); repeatable")->group(pg);
  app.add_option("--author-key-digest", o->author_key_digests, "Trusted author key digest; repeatable")->group(pg);
  app.add_option("--min-launch-mit-vector", o->min_launch_mit, "Mitigation bits LAUNCH_MIT_VECTOR must have (v5)")->group(pg);
  app.add_option("--min-current-mit-vector", o->min_current_mit, "Mitigation bits CURRENT_MIT_VECTOR must have (v5)")->group(pg);

  app.add_flag("--json", o->json, "Print the verdict (and the decoded report) as JSON");
  app.add_flag("--all", o->all, "Also list the validation checks that were not requested");
  return [o, &app]() -> int {
    if (!o->vcek.empty() && !o->vlek.empty()) {
      std::cerr << "sevproof verify: give --vcek or --vlek, not both\n";
      return usage;
    }
    (void)app;
    return run(*o);
  };
}

}  // namespace sevproof::cli
