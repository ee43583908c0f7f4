// "Is it what I expect?" — the validation checks P001-P033, separate from verification (a caller
// may run either alone; mixing the two is how peers ended up with checks that never ran).
#pragma once

#include <array>
#include <string>
#include <tuple>

#include "sevproof/core/bitfield.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/snp/describe.hpp"
#include "sevproof/snp/policy.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/snp/tcb.hpp"
#include "sevproof/validate/options.hpp"
#include "sevproof/core/verdict.hpp"

namespace sevproof::validate {

namespace detail {

inline std::string tcb_min_words(const tcb_minimum& m) {
  std::string s;
  auto add = [&](const char* n, const std::optional<std::uint8_t>& x) {
    if (x) s += (s.empty() ? "" : ", ") + std::string(n) + " " + std::to_string(*x);
  };
  add("fmc", m.fmc);
  add("bootloader", m.bootloader);
  add("tee", m.tee);
  add("snp", m.snp);
  add("microcode", m.microcode);
  return s;
}

// Component-wise comparison: every given component must be at least the minimum.
inline void check_tcb_min(verdict& v, const checks::check_info& info, const char* field, std::uint64_t raw,
                          snp::tcb_layout layout, const std::optional<tcb_minimum>& min) {
  if (!min) {
    v.add(info, status::skipped, "not requested", false);
    return;
  }
  const auto t = snp::decode_tcb(raw, layout);
  std::string low;
  auto cmp = [&](const char* n, std::optional<std::uint8_t> have, const std::optional<std::uint8_t>& want) {
    if (!want) return;
    // a component the layout lacks (FMC before Turin) meets a minimum of 0 (one floor for a mixed fleet) and
    // nothing above it
    if (!have && *want != 0)
      low += (low.empty() ? "" : ", ") + std::string(n) + " absent in this layout (a minimum above 0 cannot be met)";
    else if (*have < *want)
      low += (low.empty() ? "" : ", ") + std::string(n) + " " + std::to_string(*have) + " < " + std::to_string(*want);
  };
  cmp("fmc", t.fmc, min->fmc);
  cmp("bootloader", t.bootloader, min->bootloader);
  cmp("tee", t.tee, min->tee);
  cmp("snp", t.snp, min->snp);
  cmp("microcode", t.microcode, min->microcode);
  if (low.empty())
    v.add(info, status::pass, std::string(field) + " meets the minimum (" + tcb_min_words(*min) + ")");
  else
    v.add(info, status::fail, std::string(field) + " is below the minimum: " + low);
}

inline void check_exact(verdict& v, const checks::check_info& info, const char* field, bytes_view have,
                        const std::optional<bytes>& want) {
  if (!want) {
    v.add(info, status::skipped, "not requested", false);
    return;
  }
  if (equal_bytes(have, *want))
    v.add(info, status::pass, std::string(field) + " is " + hex::encode(have));
  else
    v.add(info, status::fail, std::string(field) + " is " + hex::encode(have) + ", expected " + hex::encode(*want));
}

inline void check_one_of(verdict& v, const checks::check_info& info, const char* field, bytes_view have,
                         const std::vector<bytes>& allowed) {
  if (allowed.empty()) {
    v.add(info, status::skipped, "not requested", false);
    return;
  }
  for (const auto& a : allowed)
    if (equal_bytes(have, a)) {
      v.add(info, status::pass, std::string(field) + " is " + hex::encode(have));
      return;
    }
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + hex::encode(a);
  v.add(info, status::fail,
        std::string(field) + " is " + hex::encode(have) + ", not " + (allowed.size() == 1 ? "" : "one of ") + list);
}

}  // namespace detail

// ---- one small function per validation concern; validate_report runs them all ----

// P001-P010: the guest policy's permissions (at most what is allowed) and requirements.
inline void validate_policy(const snp::report& r, const options& o, verdict& v) {
  const std::uint64_t pol = r.policy();
  const auto bit = [&](const char* name) { return bits::find(snp::guest_policy_bits, name).get(pol) != 0; };

  // Permissions: the guest may not have more than allowed.
  v.add(checks::policy_debug, bit("DEBUG") && !o.allow_debug ? status::fail : status::pass,
        bit("DEBUG")
            ? (o.allow_debug ? "policy allows debugging, and debugging is allowed"
                             : "policy allows the host to debug the guest (decrypt its memory); refused unless allowed")
            : "policy does not allow debugging");
  struct permission {
    const checks::check_info* info;
    const char* bit;
    std::optional<bool> allowed;
  };
  for (const auto& p : {permission{&checks::policy_smt, "SMT", o.allow_smt},
                        permission{&checks::policy_migrate_ma, "MIGRATE_MA", o.allow_migrate_ma},
                        permission{&checks::policy_cxl, "CXL_ALLOW", o.allow_cxl}}) {
    if (!p.allowed) {
      v.add(*p.info, status::skipped, "not requested", false);
      continue;
    }
    const bool set = bit(p.bit);
    v.add(*p.info, set && !*p.allowed ? status::fail : status::pass,
          std::string("policy ") + (set ? "sets " : "does not set ") + p.bit +
              (*p.allowed ? " (allowed)" : " (not allowed)"));
  }
  // Requirements: the guest must have them.
  struct requirement {
    const checks::check_info* info;
    const char* bit;
    bool required;
  };
  for (const auto& q :
       {requirement{&checks::policy_single_socket, "SINGLE_SOCKET", o.require_single_socket},
        requirement{&checks::policy_aes_256_xts, "MEM_AES_256_XTS", o.require_aes_256_xts},
        requirement{&checks::policy_rapl_dis, "RAPL_DIS", o.require_rapl_dis},
        requirement{&checks::policy_ciphertext_hiding, "CIPHERTEXT_HIDING", o.require_ciphertext_hiding},
        requirement{&checks::policy_page_swap, "PAGE_SWAP_DISABLE", o.require_page_swap_disable}}) {
    if (!q.required) {
      v.add(*q.info, status::skipped, "not requested", false);
      continue;
    }
    v.add(*q.info, bit(q.bit) ? status::pass : status::fail,
          std::string("policy ") + (bit(q.bit) ? "sets " : "does not set ") + q.bit);
  }
  if (o.min_abi) {
    const auto major = bits::find(snp::guest_policy_bits, "ABI_MAJOR").get(pol),
               minor = bits::find(snp::guest_policy_bits, "ABI_MINOR").get(pol);
    const bool ok = major > o.min_abi->first || (major == o.min_abi->first && minor >= o.min_abi->second);
    v.add(checks::policy_abi, ok ? status::pass : status::fail,
          "policy ABI minimum " + std::to_string(major) + "." + std::to_string(minor) + (ok ? " >= " : " < ") +
              std::to_string(o.min_abi->first) + "." + std::to_string(o.min_abi->second));
  } else {
    v.add(checks::policy_abi, status::skipped, "not requested", false);
  }
}

// P011-P019: what the guest is and says: SVN, REPORT_DATA, HOST_DATA, IDs, MEASUREMENT, CHIP_ID.
inline void validate_identity(const snp::report& r, const options& o, verdict& v) {
  using namespace detail;
  if (o.min_guest_svn)
    v.add(checks::min_guest_svn, r.guest_svn() >= *o.min_guest_svn ? status::pass : status::fail,
          "GUEST_SVN " + std::to_string(r.guest_svn()) + (r.guest_svn() >= *o.min_guest_svn ? " >= " : " < ") +
              std::to_string(*o.min_guest_svn));
  else
    v.add(checks::min_guest_svn, status::skipped, "not requested", false);

  check_exact(v, checks::report_data, "REPORT_DATA", r.report_data(), o.report_data);
  check_exact(v, checks::host_data, "HOST_DATA", r.host_data(), o.host_data);
  check_exact(v, checks::image_id, "IMAGE_ID", r.bytes_of("IMAGE_ID"), o.image_id);
  check_exact(v, checks::family_id, "FAMILY_ID", r.bytes_of("FAMILY_ID"), o.family_id);
  check_exact(v, checks::report_id, "REPORT_ID", r.bytes_of("REPORT_ID"), o.report_id);
  check_exact(v, checks::report_id_ma, "REPORT_ID_MA", r.bytes_of("REPORT_ID_MA"), o.report_id_ma);
  check_one_of(v, checks::measurement, "MEASUREMENT", r.measurement(), o.measurements);
  check_exact(v, checks::chip_id, "CHIP_ID", r.chip_id(), o.chip_id);
}

namespace detail {
// Where COMMITTED is above CURRENT: TCB components, then the version (major.minor.build); "" when nowhere.
inline std::string committed_ahead(const snp::report& r, snp::tcb_layout layout) {
  const auto c = snp::decode_tcb(r.committed_tcb(), layout), now = snp::decode_tcb(r.current_tcb(), layout);
  std::string out;
  auto cmp = [&](const char* n, unsigned committed, unsigned current) {
    if (committed > current)
      out += (out.empty() ? "" : ", ") + std::string(n) + " " + std::to_string(committed) + " > " +
             std::to_string(current);
  };
  if (c.fmc && now.fmc) cmp("fmc", *c.fmc, *now.fmc);
  cmp("bootloader", c.bootloader, now.bootloader);
  cmp("tee", c.tee, now.tee);
  cmp("snp", c.snp, now.snp);
  cmp("microcode", c.microcode, now.microcode);
  const auto version = [&](const char* which) {
    const std::string p(which);
    return std::array<std::uint64_t, 3>{r.uint_of(snp::field_name::at_run_time(p + "_MAJOR")),
                                        r.uint_of(snp::field_name::at_run_time(p + "_MINOR")),
                                        r.uint_of(snp::field_name::at_run_time(p + "_BUILD"))};
  };
  if (version("COMMITTED") > version("CURRENT"))
    out += (out.empty() ? "" : ", ") + std::string("version ") + snp::firmware_version(r, "COMMITTED") + " > " +
           snp::firmware_version(r, "CURRENT");
  return out;
}
}  // namespace detail

// P020-P025: firmware version and the four TCBs against their floors; provisional firmware.
inline void validate_firmware(const snp::report& r, const options& o, snp::tcb_layout layout, verdict& v) {
  using namespace detail;
  if (o.min_firmware || o.min_build) {
    const auto major = r.uint_of("CURRENT_MAJOR"), minor = r.uint_of("CURRENT_MINOR"),
               build = r.uint_of("CURRENT_BUILD");
    bool ok = true;
    if (o.min_firmware)
      ok = major > o.min_firmware->first || (major == o.min_firmware->first && minor >= o.min_firmware->second);
    if (o.min_build) ok = ok && build >= *o.min_build;
    std::string want =
        o.min_firmware ? std::to_string(o.min_firmware->first) + "." + std::to_string(o.min_firmware->second) : "";
    if (o.min_build) want += (want.empty() ? "build " : " build ") + std::to_string(*o.min_build);
    v.add(checks::min_firmware, ok ? status::pass : status::fail,
          "running firmware " + snp::firmware_version(r, "CURRENT") + (ok ? " meets " : " is below ") + want);
  } else {
    v.add(checks::min_firmware, status::skipped, "not requested", false);
  }
  check_tcb_min(v, checks::min_current_tcb, "CURRENT_TCB", r.current_tcb(), layout, o.min_current_tcb);
  check_tcb_min(v, checks::min_committed_tcb, "COMMITTED_TCB", r.committed_tcb(), layout, o.min_committed_tcb);
  check_tcb_min(v, checks::min_reported_tcb, "REPORTED_TCB", r.reported_tcb(), layout, o.min_reported_tcb);
  check_tcb_min(v, checks::min_launch_tcb, "LAUNCH_TCB", r.launch_tcb(), layout, o.min_launch_tcb);

  {
    const bool provisional = r.committed_tcb() != r.current_tcb() ||
                             snp::firmware_version(r, "COMMITTED") != snp::firmware_version(r, "CURRENT");
    const std::string what = "COMMITTED_TCB " + hex::number(r.committed_tcb(), 16) + " / firmware " +
                             snp::firmware_version(r, "COMMITTED") + " vs CURRENT_TCB " +
                             hex::number(r.current_tcb(), 16) + " / firmware " + snp::firmware_version(r, "CURRENT");
    if (!provisional)
      v.add(checks::provisional_firmware, status::pass, "committed and current firmware and TCB are equal");
    else if (!o.allow_provisional_firmware)
      v.add(checks::provisional_firmware, status::warn,
            "provisional firmware (allow or refuse it explicitly): " + what);
    else if (const auto ahead = committed_ahead(r, layout); *o.allow_provisional_firmware && !ahead.empty())
      // Allowed is a newer firmware running over the committed one, never the reverse (workflows.md §4,
      // as go-sev-guest: COMMITTED_TCB must not exceed CURRENT_TCB, nor the committed version the running one).
      v.add(checks::provisional_firmware, status::fail,
            "provisional firmware is allowed, but the committed one is ahead of the running one (" + ahead +
                "): no firmware commits what it does not run: " + what);
    else
      v.add(checks::provisional_firmware, *o.allow_provisional_firmware ? status::pass : status::fail,
            std::string("provisional firmware") +
                (*o.allow_provisional_firmware ? " (allowed): " : " (not allowed): ") + what);
  }
}

// P026, P037, P027, P034: platform state, VMPL, and who requested the report.
inline void validate_platform(const snp::report& r, const options& o, verdict& v) {
  const auto info = r.platform_info();
  const auto named = [](std::uint64_t bits) {
    return hex::number(bits, 16) + " (" + bits::set_flag_names(snp::platform_info_bits, bits) + ")";
  };
  if (o.platform_info_max) {
    const auto extra = info & ~*o.platform_info_max;
    v.add(checks::platform_info, extra ? status::fail : status::pass,
          "PLATFORM_INFO " + hex::number(info, 16) + (extra ? " has bits " + named(extra) + " outside " : " within ") +
              hex::number(*o.platform_info_max, 16));
  } else {
    v.add(checks::platform_info, status::skipped, "not requested", false);
  }
  if (!o.platform_info_min)
    v.add(checks::platform_info_required, status::skipped, "not requested", false);
  else if (*o.platform_info_min == 0)
    v.add(checks::platform_info_required, status::pass, "no PLATFORM_INFO bit is required (minimum 0x0)");
  else if (const auto missing = *o.platform_info_min & ~info)
    v.add(checks::platform_info_required, status::fail,
          "PLATFORM_INFO " + hex::number(info, 16) + " lacks " + named(missing) + " of the required " +
              hex::number(*o.platform_info_min, 16));
  else
    v.add(checks::platform_info_required, status::pass,
          "PLATFORM_INFO " + hex::number(info, 16) + " has every required bit: " + named(*o.platform_info_min));
  const bool host_report = r.vmpl() == snp::host_requested_vmpl;
  const std::string vmpl_text = host_report ? "0xFFFFFFFF (requested by the host)" : std::to_string(r.vmpl());
  if (o.vmpl)
    v.add(checks::vmpl, r.vmpl() == *o.vmpl ? status::pass : status::fail,
          "VMPL is " + vmpl_text + ", expected " + std::to_string(*o.vmpl));
  else
    v.add(checks::vmpl, status::skipped, "not requested", false);
  if (!host_report)
    v.add(checks::guest_requested, status::pass, "VMPL " + vmpl_text + ": the guest requested the report", false);
  else
    v.add(checks::guest_requested, o.allow_host_report ? status::pass : status::fail,
          std::string("the host requested this report (VMPL 0xFFFFFFFF): REPORT_DATA binds nothing the guest chose") +
              (o.allow_host_report ? " (allowed)" : "; refused unless --allow-host-report"));
}

// P028-P031: the ID block and the keys that signed it.
inline void validate_keys(const snp::report& r, const options& o, verdict& v) {
  using namespace detail;
  const bool has_id_block = !all_zero(r.bytes_of("ID_KEY_DIGEST"));
  const bool has_author = bits::find(snp::key_info_bits, "AUTHOR_KEY_EN").get(r.key_info()) != 0;
  if (o.require_id_block)
    v.add(checks::id_block, has_id_block ? status::pass : status::fail,
          has_id_block ? "ID_KEY_DIGEST is set" : "ID_KEY_DIGEST is zero: launched without an ID block");
  else
    v.add(checks::id_block, status::skipped, "not requested", false);
  if (o.require_author_key)
    v.add(checks::author_key, has_author ? status::pass : status::fail,
          has_author ? "KEY_INFO.AUTHOR_KEY_EN is set" : "KEY_INFO.AUTHOR_KEY_EN is not set");
  else
    v.add(checks::author_key, status::skipped, "not requested", false);
  check_one_of(v, checks::trusted_id_key, "ID_KEY_DIGEST", r.bytes_of("ID_KEY_DIGEST"), o.trusted_id_keys);
  // AUTHOR_KEY_DIGEST names an author key only when AUTHOR_KEY_EN is set (else it is zero, or unauthenticated):
  // a pin is then never met, a zero pin included (go-sev-guest trusts an author key only with the bit).
  if (!o.trusted_author_keys.empty() && !has_author)
    v.add(checks::trusted_author_key, status::fail,
          "KEY_INFO.AUTHOR_KEY_EN is not set: the launch had no author key, so AUTHOR_KEY_DIGEST " +
              hex::encode(r.bytes_of("AUTHOR_KEY_DIGEST")).substr(0, 16) + "… names none");
  else
    check_one_of(v, checks::trusted_author_key, "AUTHOR_KEY_DIGEST", r.bytes_of("AUTHOR_KEY_DIGEST"),
                 o.trusted_author_keys);
}

// P032, P033: mitigation vectors (version 5 reports).
inline void validate_mitigations(const snp::report& r, const options& o, verdict& v) {
  for (auto [info, field, want] :
       {std::tuple{&checks::min_launch_mit, "LAUNCH_MIT_VECTOR", o.min_launch_mit_vector},
        std::tuple{&checks::min_current_mit, "CURRENT_MIT_VECTOR", o.min_current_mit_vector}}) {
    if (!want) {
      v.add(*info, status::skipped, "not requested", false);
    } else if (*want == 0) {  // no bit required: met by any report, one without the field included
      v.add(*info, status::pass, std::string("no ") + field + " bit is required (minimum 0x0)");
    } else if (r.version() < 5) {
      v.add(*info, status::fail,
            std::string("a version ") + std::to_string(r.version()) + " report has no " + field +
                " (version 5 and later)");
    } else {
      const auto have = r.uint_of(snp::field_name::at_run_time(field));
      const auto missing = *want & ~have;
      v.add(*info, missing ? status::fail : status::pass,
            std::string(field) + " " + hex::number(have, 16) +
                (missing ? " lacks " + hex::number(missing, 16) : " has every bit of " + hex::number(*want, 16)));
    }
  }
}

// Every P check, in code order. `layout` is the product's TCB layout (after verification settled it).
inline void validate_report(const snp::parsed_report& pr, const options& o, snp::tcb_layout layout, verdict& v) {
  validate_policy(pr.report, o, v);
  validate_identity(pr.report, o, v);
  validate_firmware(pr.report, o, layout, v);
  validate_platform(pr.report, o, v);
  validate_keys(pr.report, o, v);
  validate_mitigations(pr.report, o, v);
}

}  // namespace sevproof::validate
