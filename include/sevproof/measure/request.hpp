// A measurement request as people type it (sev-snp-measure's flag values, or the web form's
// fields), turned into launch inputs. Shared by the CLI and the web page so both refuse the same
// inconsistent inputs with the same words.
#pragma once

#include <optional>
#include <string>

#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/vcpu.hpp"

namespace sevproof::measure {

struct request {
  std::string mode;  // snp, seves, sev, snp:ovmf-hash
  std::optional<long long> vcpus;
  std::string vcpu_type, vcpu_sig;
  std::optional<long long> vcpu_family, vcpu_model, vcpu_stepping;
  std::string vmm_type = "QEMU";
  std::string guest_features = "0x1";
  std::string snp_ovmf_hash;
  std::string fpu_init = "modern";
  bool kernel = false, initrd = false, append = false;  // which direct-boot inputs are given
  bool svsm = false, vars = false;                      // snp:svsm: --svsm, and --vars-size or --vars-file, given
  bool allow_missing_sev_metadata = false;
};

namespace detail {
inline error usage(const std::string& m) { return error{"measure", "usage", std::nullopt, m}; }
}  // namespace detail

inline std::string vcpu_type_names() {
  std::string s;
  for (const auto& t : vcpu_types) s += (s.empty() ? "" : ", ") + std::string(t.name);
  return s;
}

namespace detail {
// snp:svsm takes the SVSM image and the OVMF_VARS size; nothing else measures them, and the SVSM
// launch has neither kernel hashes nor a guest-features choice (its VMSAs carry 0x1).
inline std::optional<error> check_svsm_request(const request& r, bool svsm) {
  if (!svsm) {
    if (r.svsm || r.vars) return usage("--svsm, --vars-size and --vars-file are only used in --mode snp:svsm");
    return std::nullopt;
  }
  if (!r.svsm) return usage("--mode snp:svsm needs --svsm FILE (the Coconut-SVSM image)");
  if (!r.vars)
    return usage("--mode snp:svsm needs --vars-size N or --vars-file FILE (the OVMF_VARS size, e.g. 540672)");
  if (r.kernel)
    return usage(
        "--kernel: snp:svsm launches measure no kernel hashes (sev-snp-measure ignores them; sevproof refuses)");
  if (!r.snp_ovmf_hash.empty()) return usage("--snp-ovmf-hash is only used in --mode snp");
  if (r.vmm_type != "QEMU") return usage("--vmm-type " + r.vmm_type + ": snp:svsm is only defined for QEMU");
  if (r.guest_features != "0x1" && r.guest_features != "1")
    return usage("--guest-features " + r.guest_features +
                 ": SVSM vCPUs always start with SEV_FEATURES 0x1 (sev-snp-measure ignores the flag "
                 "in snp:svsm mode; sevproof refuses a value that would not be used)");
  return std::nullopt;
}
}  // namespace detail

// Errors carry field "usage" (the CLI's exit code 2).
inline result<launch_inputs> to_inputs(const request& r) {
  using detail::usage;
  launch_inputs in;
  if (r.mode == "snp")
    in.mode = guest_mode::snp;
  else if (r.mode == "seves")
    in.mode = guest_mode::seves;
  else if (r.mode == "sev")
    in.mode = guest_mode::sev;
  else if (r.mode == "snp:ovmf-hash")
    in.mode = guest_mode::snp_ovmf_hash;
  else if (r.mode == "snp:svsm")
    in.mode = guest_mode::snp_svsm;
  else
    return usage("--mode " + r.mode + ": use snp, seves, sev, snp:ovmf-hash or snp:svsm");
  const bool snp = in.mode == guest_mode::snp;
  const bool svsm = in.mode == guest_mode::snp_svsm;
  const bool needs_vcpus = snp || svsm || in.mode == guest_mode::seves;
  if (auto e = detail::check_svsm_request(r, svsm)) return *e;
  in.allow_missing_sev_metadata = r.allow_missing_sev_metadata;

  if ((r.initrd || r.append) && !r.kernel)
    return usage(std::string(r.initrd ? "--initrd" : "--append") +
                 " without --kernel: the initrd and command line are only measured with a kernel (direct boot)");
  if (r.vmm_type == "QEMU")
    in.vmm = vmm_type::qemu;
  else if (r.vmm_type == "ec2")
    in.vmm = vmm_type::ec2;
  else if (r.vmm_type == "ec2-legacy")
    in.vmm = vmm_type::ec2_legacy;
  else if (r.vmm_type == "gce")
    in.vmm = vmm_type::gce;
  else
    return usage("unknown --vmm-type '" + r.vmm_type +
                 "': use QEMU, ec2, gce (case matters, as in sev-snp-measure) or ec2-legacy (EC2 before "
                 "sev-snp-measure 0.0.13: VMSA RDX 0)");
  if (r.fpu_init == "modern")
    in.fpu = fpu_init::modern;
  else if (r.fpu_init == "zero")
    in.fpu = fpu_init::zero;
  else
    return usage("--fpu-init " + r.fpu_init + ": use modern or zero");

  // a vCPU type is checked in every mode: a name that is wrong is wrong even where the mode does not use it
  if (!r.vcpu_type.empty() && !vcpu_signature(r.vcpu_type))
    return usage("unknown --vcpu-type '" + r.vcpu_type + "'; valid: " + vcpu_type_names());
  // Three ways to name one VMSA field: two given would let one silently win over the other.
  if ((!r.vcpu_type.empty() ? 1 : 0) + (!r.vcpu_sig.empty() ? 1 : 0) +
          (r.vcpu_family || r.vcpu_model || r.vcpu_stepping ? 1 : 0) >
      1)
    return usage(
        "give one of --vcpu-type, --vcpu-sig or --vcpu-family/--vcpu-model/--vcpu-stepping: they set the same "
        "VMSA field (the CPUID signature)");
  if (needs_vcpus) {
    if (!r.vcpus) return usage("missing --vcpus N in guest mode '" + r.mode + "'");
    if (*r.vcpus <= 0 || *r.vcpus > 4096)
      return usage("--vcpus " + std::to_string(*r.vcpus) + ": a guest has 1 to 4096 vCPUs");
    in.vcpus = static_cast<unsigned>(*r.vcpus);
    if (r.vcpu_family || r.vcpu_model || r.vcpu_stepping) {
      if (!r.vcpu_family || !r.vcpu_model || !r.vcpu_stepping)
        return usage(
            "--vcpu-family, --vcpu-model and --vcpu-stepping go together (all three, e.g. 25 17 0 for EPYC-Genoa)");
      if (*r.vcpu_family < 0 || *r.vcpu_family > 0xFF + 0xF || *r.vcpu_model < 0 || *r.vcpu_model > 0xFF ||
          *r.vcpu_stepping < 0 || *r.vcpu_stepping > 0xF)
        return usage(
            "--vcpu-family/--vcpu-model/--vcpu-stepping out of range (family 0-270, model 0-255, stepping 0-15)");
      in.vcpu_signature =
          cpu_signature(static_cast<std::uint32_t>(*r.vcpu_family), static_cast<std::uint32_t>(*r.vcpu_model),
                        static_cast<std::uint32_t>(*r.vcpu_stepping));
    } else if (!r.vcpu_sig.empty()) {
      auto v = parse_uint(r.vcpu_sig);
      if (!v || *v > 0xFFFFFFFFu)
        return usage("--vcpu-sig " + r.vcpu_sig + ": expected a 32-bit number (e.g. 0xA00F11)");
      in.vcpu_signature = static_cast<std::uint32_t>(*v);
    } else if (!r.vcpu_type.empty()) {
      auto v = vcpu_signature(r.vcpu_type);
      if (!v) return usage("unknown --vcpu-type '" + r.vcpu_type + "'; valid: " + vcpu_type_names());
      in.vcpu_signature = *v;
    } else if (in.vmm == vmm_type::qemu) {
      return usage("missing --vcpu-type or --vcpu-sig or --vcpu-family in guest mode '" + r.mode + "'");
    }
  }
  auto f = parse_uint(r.guest_features);
  if (!f) return usage("--guest-features: " + number_syntax_problem(r.guest_features) + " (e.g. 0x1 or 0x21)");
  const auto unknown = *f & ~known_guest_features;
  if (snp && unknown)
    return usage("--guest-features " + r.guest_features + ": bits " + hex::number(unknown) +
                 " are reserved in SEV_FEATURES");
  if (snp && !(*f & 1))
    return usage("--guest-features " + r.guest_features + ": bit 0 (SNPActive) must be set for an SNP guest");
  if ((r.mode == "seves" || r.mode == "sev") && *f != 1)
    return usage("--guest-features " + r.guest_features + ": --mode " + r.mode +
                 " measures its VMSAs with SEV_FEATURES 0, as sev-snp-measure does (the flag is for SNP); sevproof "
                 "refuses a value that would not be used. Hosts whose kernel put DebugSwap in SEV-ES VMSAs "
                 "(Linux 6.5 to 6.7, before debug_swap was turned off by default) launched guests it cannot measure");
  in.guest_features = *f;
  if (!r.snp_ovmf_hash.empty()) {
    if (!snp) return usage("--snp-ovmf-hash is only used in --mode snp");
    auto h = hex::decode(r.snp_ovmf_hash);
    if (!h || h->size() != 48)
      return usage("--snp-ovmf-hash: expected 96 hex digits (the output of --mode snp:ovmf-hash)");
    digest384 seed{};
    std::copy(h->begin(), h->end(), seed.begin());
    in.ovmf_seed = seed;
  }
  return in;
}

// The guest-feature names set in `features`, for display.
inline std::string feature_names(std::uint64_t features) {
  std::string names;
  for (const auto& b : guest_feature_bits)
    if ((features >> b.bit) & 1) names += (names.empty() ? "" : ", ") + std::string(b.name);
  return names.empty() ? "none" : names;
}

}  // namespace sevproof::measure
