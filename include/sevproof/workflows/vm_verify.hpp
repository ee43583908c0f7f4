// What a VM definition expects of its attestation reports: the reference values it implies (the
// measurement recomputed or recorded, HOST_DATA, the ID block's IDs and key digests, [expect]), the
// checks only a launch description can make (POLICY equal to the launch policy, SNPGuard's exact
// PLATFORM_INFO), and which file key is behind each check, so a failure names it.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "sevproof/core/verdict.hpp"
#include "sevproof/crypto/keys.hpp"
#include "sevproof/crypto/public_key.hpp"
#include "sevproof/idblock/id_block.hpp"
#include "sevproof/snp/policy.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/workflows/vm.hpp"

namespace sevproof::workflows::vm {

// SHA-384 digests of the ID and author keys' AMD public-key structures (what the report carries).
struct key_digests {
  std::optional<crypto::sha384_digest> id_key, author_key;
};

// The digest of a key file the definition names: a P-384 key, private or public, PEM or DER.
inline result<crypto::sha384_digest> key_file_digest(const definition& d, const file_ref& f, bytes_view data) {
  auto fail = [&](const std::string& why) {
    return error{d.source, "", std::nullopt, d.where(f.key) + ": " + f.path + ": " + why};
  };
  if (auto priv = crypto::private_key::load(data)) {
    auto s = idblock::key_structure_of(*priv);
    if (!s) return fail(s.err().to_string());
    return idblock::key_digest(*s);
  }
  auto pub = crypto::public_key::load(data);
  if (!pub) return fail("neither a private nor a public P-384 key: " + pub.err().to_string());
  auto s = idblock::key_structure_of(*pub);
  if (!s) return fail(s.err().to_string());
  return idblock::key_digest(*s);
}

// The reference values, as `sevproof verify`'s options: [expect] first, then what the launch fixes.
// `recomputed` is the launch digest from [launch], used when [expect] records no measurement.
inline validate::options reference_values(const definition& d, const std::optional<bytes>& recomputed,
                                          const key_digests& k) {
  validate::options o = d.expect;
  if (o.measurements.empty() && recomputed) o.measurements.push_back(*recomputed);
  if (d.host_data) o.host_data = bytes(d.host_data->begin(), d.host_data->end());
  if (d.id_block) {
    o.family_id = bytes(d.id_block->family_id.begin(), d.id_block->family_id.end());
    o.image_id = bytes(d.id_block->image_id.begin(), d.id_block->image_id.end());
  }
  if (k.id_key && d.id_block && d.id_block->id_key) o.trusted_id_keys.emplace_back(k.id_key->begin(), k.id_key->end());
  if (k.author_key && d.id_block && d.id_block->author_key)
    o.trusted_author_keys.emplace_back(k.author_key->begin(), k.author_key->end());
  return o;
}

// The file key behind each check a definition asks for ("launch.host_data (line 14)").
inline std::map<std::string, std::string> check_sources(const definition& d) {
  std::map<std::string, std::string> s;
  const bool sg = d.from == origin::snpguard;
  auto named = [&](const char* name) {
    for (const auto& k : d.expect_keys)
      if (k == name) return true;
    return false;
  };
  auto from_expect = [&](const checks::check_info& c, const char* name) {
    if (named(name)) s[std::string(c.code)] = d.where("expect." + std::string(name));
  };
  s[std::string(checks::measurement.code)] =
      named("measurement") ? d.where("expect.measurement")
                           : "the digest recomputed from [launch] (" + d.where(d.ovmf.key) + ", ...)";
  if (sg) {
    s[std::string(checks::measurement.code)] =
        "the digest recomputed from " + d.where("ovmf_file") + ", kernel_file, ...";
    s[std::string(checks::min_committed_tcb.code)] = d.where("min_commited_tcb");
  }
  s[std::string(checks::launch_policy.code)] =
      sg ? d.where("guest_policy")
      : d.policy && d.lines.count("launch.policy")
          ? d.where("launch.policy")
          : "launch.policy (default " + hex::number(d.policy.value_or(0)) + ")";
  if (d.platform_info) s[std::string(checks::platform_info_exact.code)] = d.where("platform_info");
  if (d.host_data) s[std::string(checks::host_data.code)] = d.where("launch.host_data");
  if (d.id_block) {
    s[std::string(checks::family_id.code)] = d.where(sg ? "family_id" : "id_block.family_id");
    s[std::string(checks::image_id.code)] = d.where(sg ? "image_id" : "id_block.image_id");
    if (d.id_block->id_key) s[std::string(checks::trusted_id_key.code)] = d.where("id_block.id_key");
    if (d.id_block->author_key) s[std::string(checks::trusted_author_key.code)] = d.where("id_block.author_key");
  }
  static const std::pair<const checks::check_info*, const char*> by_option[] = {
      {&checks::policy_debug, "allow-debug"},
      {&checks::policy_smt, "smt"},
      {&checks::policy_migrate_ma, "migrate-ma"},
      {&checks::policy_cxl, "cxl"},
      {&checks::policy_single_socket, "require-single-socket"},
      {&checks::policy_aes_256_xts, "require-aes-256-xts"},
      {&checks::policy_rapl_dis, "require-rapl-dis"},
      {&checks::policy_ciphertext_hiding, "require-ciphertext-hiding"},
      {&checks::policy_page_swap, "require-page-swap-disable"},
      {&checks::policy_abi, "min-abi"},
      {&checks::min_guest_svn, "min-guest-svn"},
      {&checks::report_data, "report-data"},
      {&checks::host_data, "host-data"},
      {&checks::image_id, "image-id"},
      {&checks::family_id, "family-id"},
      {&checks::report_id, "report-id"},
      {&checks::report_id_ma, "report-id-ma"},
      {&checks::chip_id, "chip-id"},
      {&checks::min_firmware, "min-firmware"},
      {&checks::min_firmware, "min-build"},
      {&checks::min_reported_tcb, "min-tcb"},
      {&checks::min_committed_tcb, "min-committed-tcb"},
      {&checks::min_current_tcb, "min-current-tcb"},
      {&checks::guest_requested, "allow-host-report"},
      {&checks::min_launch_tcb, "min-launch-tcb"},
      {&checks::provisional_firmware, "provisional-firmware"},
      {&checks::platform_info, "platform-info-max"},
      {&checks::platform_info_required, "platform-info-min"},
      {&checks::vmpl, "vmpl"},
      {&checks::id_block, "require-id-block"},
      {&checks::author_key, "require-author-key"},
      {&checks::trusted_id_key, "id-key-digest"},
      {&checks::trusted_author_key, "author-key-digest"},
      {&checks::min_launch_mit, "min-launch-mit-vector"},
      {&checks::min_current_mit, "min-current-mit-vector"}};
  for (const auto& [c, name] : by_option) from_expect(*c, name);
  return s;
}

// The checks only a launch description makes: the report's POLICY is the launch policy verbatim
// (the firmware copies it), and SNPGuard files require PLATFORM_INFO to equal theirs exactly.
inline void check_launch(const snp::report& r, const definition& d, verdict& v) {
  if (d.policy) {
    const bool same = r.policy() == *d.policy;
    v.add(checks::launch_policy, same ? status::pass : status::fail,
          "POLICY is " + hex::number(r.policy(), 16) +
              (same ? ", the launch policy"
                    : ", the launch policy is " + hex::number(*d.policy, 16) + ": " +
                          snp::policy_difference(r.policy(), *d.policy, "report", "launch")));
  } else {
    v.add(checks::launch_policy, status::skipped, "not requested", false);
  }
  if (d.platform_info) {
    const bool same = r.platform_info() == *d.platform_info;
    v.add(checks::platform_info_exact, same ? status::pass : status::fail,
          "PLATFORM_INFO is " + hex::number(r.platform_info(), 16) +
              (same ? "" : ", expected " + hex::number(*d.platform_info, 16)));
  } else {
    v.add(checks::platform_info_exact, status::skipped, "not requested", false);
  }
}

// Adds the launch checks to an appraisal of the pipeline; its outcome and headline follow them.
inline void complete(pipeline::appraisal& a, const definition& d) {
  if (!a.report) return;  // an input error: nothing was checked
  check_launch(a.report->report, d, a.checks);
  a.result = a.checks.passed()    ? pipeline::outcome::verified
             : a.checks.genuine() ? pipeline::outcome::policy_failed
                                  : pipeline::outcome::not_verified;
  a.headline = pipeline::detail::headline(a);
}

// The verdict of a report against a definition: the pipeline's appraisal (every check of
// `sevproof verify`) with the reference values the definition implies, then the launch checks.
// `rq` carries the report and the evidence; its reference values are replaced.
inline pipeline::appraisal appraise(const definition& d, pipeline::request rq, const std::optional<bytes>& recomputed,
                                    const key_digests& k) {
  rq.expect = reference_values(d, recomputed, k);
  if (!rq.product && !d.product.empty()) rq.product = snp::product_from_name(d.product);
  auto a = pipeline::appraise(rq);
  complete(a, d);
  return a;
}

}  // namespace sevproof::workflows::vm
