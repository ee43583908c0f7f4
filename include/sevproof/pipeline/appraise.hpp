// The attestation pipeline, one entry point: evidence as users hold it + reference values ->
// one appraisal (V and P checks, the decoded report, product, signer, the verdict's words).
//
//   read the report (any accepted form) -> gather the evidence (signer, chain, CRL, built-in
//   chain) -> verify (V checks) -> settle the product and adopt its TCB layout -> validate
//   against the reference values (P checks) -> verdict
//
// The CLI (`sevproof verify`, `verify --batch`, `vm verify`), the web page and library users all
// call appraise(); none of them repeats a step. Rendering: appraisal_json / appraisal_text.
#pragma once

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sevproof/core/time.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/format/verdict_json.hpp"
#include "sevproof/pipeline/builtin_chain.hpp"
#include "sevproof/validate/reference_values.hpp"
#include "sevproof/validate/validate_report.hpp"
#include "sevproof/verify/evidence_builder.hpp"
#include "sevproof/verify/verify_report.hpp"
#include "sevproof/version.hpp"

namespace sevproof::pipeline {

inline constexpr int verdict_schema_version = 2;

// What a piece of evidence is, as the user said it (CLI flag, page slot, batch key).
enum class evidence_kind : std::uint8_t { vcek, vlek, cert_table, chain, crl };

struct named_bytes {
  std::string name;  // file name or slot, used in messages
  bytes data;
};

struct evidence_item {
  evidence_kind kind;
  named_bytes file;
  std::string option;  // how the user gave it ("--vcek", "vcek"), for messages
};

struct request {
  named_bytes report;
  std::vector<evidence_item> evidence;
  std::optional<std::size_t> offset;    // cut the report at this offset
  bool strict = false;                  // reserved bytes are input errors, not warnings
  std::optional<snp::product> product;  // needed only for v2 reports (no CPUID)
  std::optional<std::int64_t> now;      // verification time; default: the current time
  bool builtin_chain = true;            // offer the AMD chain built in (still checked against the pins)
  validate::options expect;             // reference values (P checks, require-crl, host reports)
  verify::ecdsa_verifier ecdsa;         // V016 by another ECDSA implementation (the page's WebCrypto); empty: Botan
};

enum class outcome : std::uint8_t { verified, policy_failed, not_verified, input_error };

struct appraisal {
  outcome result = outcome::input_error;
  std::optional<error> input_error;  // an input could not be read: which and why (exit 3)
  std::string input_option;          // the option or slot of that input
  verdict checks;
  std::optional<snp::parsed_report> report;
  std::optional<snp::product> product;
  std::optional<crypto::certificate> signer;
  std::string signer_name = "none";
  std::int64_t now = 0;
  validate::options expect;
  bool crl_given = false;
  std::string headline;  // the verdict in one line, as the CLI prints it
};

namespace detail {

inline std::optional<error> add_evidence(verify::evidence_builder& eb, const evidence_item& it) {
  switch (it.kind) {
    case evidence_kind::vcek:
    case evidence_kind::vlek:
      return eb.signer(it.file.data, it.file.name);
    case evidence_kind::cert_table:
      return eb.cert_table(it.file.data, it.file.name);
    case evidence_kind::chain: {
      // --ark and --ask/--asvk name one role: a certificate of another role there is a mix-up, refused.
      std::string_view role = it.option;
      while (!role.empty() && role.front() == '-') role.remove_prefix(1);
      if (role == "ark" || role == "ask" || role == "asvk")
        return eb.chain_as(it.file.data, it.file.name, role == "ark" ? verify::ca_slot::ark : verify::ca_slot::ask);
      return eb.chain(it.file.data, it.file.name);
    }
    case evidence_kind::crl:
      return eb.crl(it.file.data, it.file.name);
  }
  return error{"evidence", "", std::nullopt, "unknown kind"};
}

// The built-in certificates of every product the evidence names (the report's CPUID, the issuer of
// the VCEK/VLEK given, the product the user gave); all of them when it names none. A contradiction
// between them is still judged by the V checks (V013), with each product's chain at hand: the chain
// checks then speak of the given product's real ARK, not of one "missing among the inputs".
inline void offer_builtin(verify::evidence_builder& eb, std::optional<snp::product> given = std::nullopt) {
  const auto& ev = eb.peek();
  std::array<bool, builtin_products.size()> named{};
  if (given) named.at(static_cast<std::size_t>(*given)) = true;
  if (ev.report.prod_source == snp::product_source::cpuid && ev.report.prod)
    named.at(static_cast<std::size_t>(*ev.report.prod)) = true;
  if (ev.signer)
    if (const auto p = verify::detail::product_from_issuer(ev.signer->issuer_cn()))
      named.at(static_cast<std::size_t>(*p)) = true;
  const bool any = std::find(named.begin(), named.end(), true) != named.end();
  for (const auto p : builtin_products)
    if (!any || named.at(static_cast<std::size_t>(p))) eb.builtin_certificates(builtin_chain_of(p));
}

inline bool expectations_given(const verdict& v) {
  for (const auto& c : v.checks)
    if (c.requested && c.code[0] == 'P' && c.code != checks::policy_debug.code &&
        c.code != checks::provisional_firmware.code && c.code != checks::guest_requested.code)
      return true;
  return false;
}

inline std::string headline(const appraisal& a) {
  const auto& v = a.checks;
  const std::string revocation = a.crl_given ? "" : " (revocation not checked: no CRL given)";
  if (v.passed())
    return "VERIFIED: genuine AMD SEV-SNP report" + revocation +
           (expectations_given(v) ? ", and it meets every expectation given"
                                  : "; no expectations given: add --measurement, --report-data, --min-tcb, ... to "
                                    "check what it runs");
  if (v.genuine())
    return "GENUINE, BUT POLICY FAILED: signed by AMD hardware, yet not what you expect (see the failed P checks)";
  return "NOT VERIFIED: see the failed or skipped V checks";
}

}  // namespace detail

// Appraises one report. `cache` (optional, shared between calls and threads) remembers verified
// certificate links; the report's own signature and bindings are always checked afresh.
inline appraisal appraise(const request& rq, verify::link_cache* cache = nullptr) {
  appraisal a;
  a.expect = rq.expect;
  a.now = rq.now ? *rq.now : utc::now();
  snp::read_options ro;
  ro.given_product = rq.product;
  ro.product_is_hint = true;  // a contradiction with the CPUID is judged by check V013, not refused here
  ro.reserved = rq.strict ? snp::mbz_policy::error : snp::mbz_policy::warn;
  ro.offset = rq.offset;
  auto pr = snp::read_report(rq.report.data, ro);
  if (!pr) {
    a.input_error = pr.err();
    a.input_option = rq.report.name;
    return a;
  }
  const auto auxblob = std::exchange(pr->tsm_auxblob, std::nullopt);  // taken, not copied
  verify::evidence_builder eb(std::move(pr).value(), cache);
  for (const auto& it : rq.evidence)
    if (auto err = detail::add_evidence(eb, it)) {
      a.input_error = *err;
      a.input_option = it.option;
      return a;
    }
  // A configfs-tsm report brings the host's certificate table (its auxblob): used after what was given.
  if (auxblob)
    if (auto err = eb.cert_table(*auxblob, rq.report.name + " auxblob")) {
      a.input_error = *err;
      a.input_option = rq.report.name;
      return a;
    }
  if (rq.builtin_chain) detail::offer_builtin(eb, rq.product);
  verify::evidence ev = eb.take();

  verify::verify_options vo;
  vo.now = a.now;
  vo.product = rq.product;
  vo.require_crl = rq.expect.require_crl;
  vo.ecdsa = rq.ecdsa;
  a.checks = verify::verify_report(ev, verify::trust_anchors::amd(), vo, cache);
  a.product = verify::decided_product(ev, vo);
  verify::adopt_product(ev.report, a.product);
  validate::validate_report(ev.report, rq.expect, ev.report.layout, a.checks);

  a.signer_name = verify::signer_name(ev);
  a.crl_given = ev.crl.has_value();
  a.signer = ev.signer;
  a.report = std::move(ev.report);
  a.result = a.checks.passed()    ? outcome::verified
             : a.checks.genuine() ? outcome::policy_failed
                                  : outcome::not_verified;
  a.headline = detail::headline(a);
  return a;
}

// The documented exit code: 0 verified, 1 a check failed (or could not run), 3 unreadable input.
inline int exit_code(const appraisal& a) {
  switch (a.result) {
    case outcome::verified:
      return 0;
    case outcome::policy_failed:
    case outcome::not_verified:
      return 1;
    case outcome::input_error:
      return 3;
  }
  return 3;
}

inline const char* outcome_name(outcome o) {
  switch (o) {
    case outcome::verified:
      return "verified";
    case outcome::policy_failed:
      return "policy_failed";
    case outcome::not_verified:
      return "not_verified";
    case outcome::input_error:
      return "input_error";
  }
  return "?";
}

// What the signing certificate encodes, for a side-by-side TCB view.
inline nlohmann::ordered_json signer_certificate_json(const crypto::certificate& c) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["subject"] = c.subject_cn();
  j["issuer"] = c.issuer_cn();
  j["not_before"] = utc::format(c.not_before());
  j["not_after"] = utc::format(c.not_after());
  j["sha256"] = c.fingerprint();
  if (auto e = kds::read_amd_extensions(c)) {
    auto put = [&](const char* k, const std::optional<std::uint8_t>& v) {
      if (v) j[k] = *v;
    };
    put("fmc", e->fmc);
    put("boot_loader", e->bl);
    put("tee", e->tee);
    put("snp", e->snp);
    put("microcode", e->ucode);
    if (e->product_name) j["product_name"] = *e->product_name;
    if (e->hwid) j["hwid"] = hex::encode(*e->hwid);
    if (e->csp_id) j["csp_id"] = *e->csp_id;
  }
  return j;
}

// The verdict as JSON (schemas/verdict.schema.json). `all`: also the checks not requested.
inline nlohmann::ordered_json appraisal_json(const appraisal& a, const std::string& input_name, bool all = false) {
  nlohmann::ordered_json j;
  j["schema_version"] = verdict_schema_version;
  j["tool"] = std::string("sevproof ") + version_string;
  j["input"] = input_name;
  j["outcome"] = outcome_name(a.result);
  if (a.input_error) {
    j["genuine"] = false;
    j["verified"] = false;
    j["error"] = {{"input", a.input_option}, {"message", a.input_error->to_string()}};
    return j;
  }
  auto v = format::verdict_json(a.checks, all);
  for (auto it = v.begin(); it != v.end(); ++it) j[it.key()] = it.value();
  nlohmann::ordered_json failed = nlohmann::ordered_json::array();
  for (const auto& c : a.checks.checks)
    if (c.result == status::fail) failed.push_back(c.code);
  j["failed"] = failed;
  j["verification_time"] = utc::format(a.now);
  j["product"] =
      a.product ? nlohmann::ordered_json(std::string(snp::product_name(*a.product))) : nlohmann::ordered_json(nullptr);
  j["signer"] = a.signer_name;
  j["summary"] = a.headline;
  j["reference_values"] = validate::to_json(a.expect);
  if (a.signer) j["signer_certificate"] = signer_certificate_json(*a.signer);
  if (a.report) j["report"] = format::report_json(*a.report);
  return j;
}

// The verdict as the CLI prints it. Status words are the JSON's: pass, fail, warn, skipped.
inline std::string appraisal_text(const appraisal& a, const std::string& input_name, bool all = false) {
  if (a.input_error)
    return "sevproof verify " + input_name + "\n  " + a.input_option + ": " + a.input_error->to_string() + "\n";
  std::string out = "sevproof verify " + input_name + "\n  report version " +
                    std::to_string(a.report->report.version()) + ", product " +
                    (a.product ? std::string(snp::product_name(*a.product)) : std::string("unknown")) + ", signer " +
                    a.signer_name + ", verification time " + utc::format(a.now) + "\n\n";
  std::size_t hidden = 0;
  for (const auto& c : a.checks.checks) {
    if (!c.requested && !all) {
      ++hidden;
      continue;
    }
    std::string st(status_name(c.result));
    st.resize(7, ' ');
    out += "  " + c.code + " " + st + " " + c.title + "\n               " + c.sentence + "\n";
  }
  if (hidden) out += "  (" + std::to_string(hidden) + " validation checks not requested; --all lists them)\n";
  return out + "\n" + a.headline + "\n";
}

}  // namespace sevproof::pipeline
