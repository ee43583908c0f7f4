// Expected launch digests: SEV-SNP (GCTX page by page), SEV-ES and SEV (SHA-256 over firmware,
// hashes table and VMSAs). Inconsistent inputs are refused with a reason instead of producing a
// digest that no real launch could have.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/measure/gctx.hpp"
#include "sevproof/measure/hashes_table.hpp"
#include "sevproof/measure/ovmf.hpp"
#include "sevproof/measure/vmsa.hpp"

namespace sevproof::measure {

enum class guest_mode : std::uint8_t { sev, seves, snp, snp_ovmf_hash };

struct launch_inputs {
  guest_mode mode = guest_mode::snp;
  unsigned vcpus = 1;
  std::uint32_t vcpu_signature = 0;
  vmm_type vmm = vmm_type::qemu;
  std::uint64_t guest_features = 0x1;       // SEV_FEATURES of SNP VMSAs (SEV-ES always uses 0)
  std::optional<boot_hashes> kernel;        // direct boot: kernel (+ initrd, cmdline) digests
  std::optional<digest384> ovmf_seed;       // a precomputed firmware digest (snp:ovmf-hash output)
  fpu_init fpu = fpu_init::modern;
  // sev-snp-measure computes a "digest" for firmware without SEV metadata (no SNP launch can use
  // it). Off by default; on only to reproduce such values.
  bool allow_missing_sev_metadata = false;
  // SEV-ES: VMSA pages taken as given (e.g. from the host) instead of built: BSP, then every AP.
  std::optional<std::array<byte, 0x1000>> bsp_vmsa, ap_vmsa;
};

// What went into the digest, line by line, for `measure -v`.
using trace = std::vector<std::string>;

namespace detail {

inline error refuse(const std::string& what) { return error{"measure", "", std::nullopt, what}; }

inline std::optional<error> check_common(const ovmf_image& fw, const launch_inputs& in, bool needs_vmsa) {
  if (needs_vmsa) {
    if (in.vcpus == 0) return refuse("0 vCPUs: a guest has at least one (the BSP)");
    if (!fw.ap_reset_eip())
      return refuse("the OVMF image has no SEV-ES reset block (GUID 00f771de-1a7e-4fcb-890e-68c77e2fb44e) in its footer table: "
                    "it cannot start SEV-ES or SNP vCPUs");
  }
  return std::nullopt;
}

inline void trace_vmsas(trace* t, const launch_inputs& in, std::uint32_t ap_eip, std::uint64_t features) {
  if (!t) return;
  t->push_back("VMSAs: " + std::to_string(in.vcpus) + " (BSP eip 0xfffffff0" +
               (in.vcpus > 1 ? ", " + std::to_string(in.vcpus - 1) + " AP(s) eip " + hex::number(ap_eip) : std::string()) + "), VMM " +
               std::string(vmm_name(in.vmm)) + ", vCPU signature " +
               (in.vmm == vmm_type::qemu ? hex::number(in.vcpu_signature) : std::string("0x600 (fixed for this VMM)")) + ", SEV_FEATURES " +
               hex::number(features) + ", FPU init " +
               (in.vmm != vmm_type::qemu ? std::string("zero (this VMM)") : in.fpu == fpu_init::modern ? "MXCSR 0x1f80 / FCW 0x037f" : "zero"));
}

}  // namespace detail

// SNP: the GCTX launch digest (48 bytes); snp_ovmf_hash: firmware pages only.
inline result<digest384> snp_launch_digest(const ovmf_image& fw, const launch_inputs& in, trace* t = nullptr) {
  using namespace detail;
  gctx g(in.ovmf_seed.value_or(digest384{}));
  if (in.ovmf_seed) {
    if (t) t->push_back("firmware: seeded with the precomputed OVMF digest " + hex::encode(*in.ovmf_seed));
  } else {
    g.update_normal_range(fw.gpa, fw.data);
    if (t) t->push_back("firmware: " + std::to_string(fw.data.size() / page_size) + " pages NORMAL at " + hex::number(fw.gpa) + "-" + hex::number(fw.gpa + fw.data.size() - 1));
  }
  if (in.mode == guest_mode::snp_ovmf_hash) return g.digest();

  if (!fw.sev_metadata && !in.allow_missing_sev_metadata)
    return refuse("the OVMF image has no SEV metadata (no 'ASEV' section table): SNP cannot launch with it; use an SNP-capable "
                  "build such as Debian's OVMF.fd (trixie) or OVMF.amdsev.fd");
  if (auto e = check_common(fw, in, true)) return *e;
  if (in.kernel && !fw.has_section(section_type::kernel_hashes))
    return refuse("a kernel is given but the OVMF metadata has no SNP_KERNEL_HASHES section: this firmware cannot measure a "
                  "kernel; use an AmdSev build (Debian package ovmf-amdsev, /usr/share/ovmf/OVMF.amdsev.fd)");

  std::vector<metadata_section> deferred_cpuid;
  static const std::vector<metadata_section> none;
  for (const auto& s : fw.sev_metadata ? *fw.sev_metadata : none) {
    std::string how;
    switch (s.type) {
      case section_type::sec_mem:
        if (in.vmm == vmm_type::gce) {
          g.update_range(page_type::unmeasured, s.gpa, s.size);
          how = "UNMEASURED pages (gce)";
        } else {
          g.update_range(page_type::zero, s.gpa, s.size);
          how = "ZERO pages";
        }
        break;
      case section_type::secrets:
        g.update_empty(page_type::secrets, s.gpa);
        how = "one SECRETS page";
        break;
      case section_type::cpuid:
        if (in.vmm == vmm_type::ec2) {
          deferred_cpuid.push_back(s);
          how = "CPUID page deferred to the end (ec2)";
        } else {
          g.update_empty(page_type::cpuid, s.gpa);
          how = "one CPUID page";
        }
        break;
      case section_type::svsm_caa:
        g.update_range(page_type::zero, s.gpa, s.size);
        how = "ZERO pages";
        break;
      case section_type::kernel_hashes:
        if (in.kernel) {
          if (s.size != page_size) return refuse("the SNP_KERNEL_HASHES section is " + hex::number(s.size) + " bytes; it must be one 4 KiB page");
          const auto table_gpa = fw.hash_table_gpa().value_or(0);
          std::array<byte, page_size> page{};
          const auto table = build_hashes_table(*in.kernel);
          const std::size_t off = table_gpa & 0xFFF;
          if (off + table.size() > page.size()) return refuse("the hashes table GPA " + hex::number(table_gpa) + " leaves no room for the table in its page");
          std::copy(table.begin(), table.end(), page.begin() + static_cast<std::ptrdiff_t>(off));
          g.update_contents(page_type::normal, s.gpa, page);
          how = "hashes page NORMAL (table at offset " + hex::number(off) + ")";
        } else {
          g.update_range(page_type::zero, s.gpa, s.size);
          how = "ZERO pages (no kernel given)";
        }
        break;
    }
    if (t) t->push_back("section " + std::string(section_name(s.type)) + " at " + hex::number(s.gpa) + " size " + hex::number(s.size) + ": " + how);
  }
  for (const auto& s : deferred_cpuid) g.update_empty(page_type::cpuid, s.gpa);

  const auto ap_eip = *fw.ap_reset_eip();
  for (unsigned i = 0; i < in.vcpus; ++i) {
    vcpu_start v{i == 0 ? 0xFFFFFFF0u : ap_eip, in.vcpu_signature, in.guest_features, in.vmm, in.fpu};
    const auto page = build_vmsa(v);
    g.update_contents(page_type::vmsa, vmsa_gpa, page);
  }
  trace_vmsas(t, in, ap_eip, in.guest_features);
  if (t) t->push_back("pages measured: " + std::to_string(g.pages()));
  return g.digest();
}

// SEV-ES and SEV: SHA-256 over firmware ‖ [hashes table] ‖ [VMSAs] (32 bytes).
inline result<crypto::sha256_digest> sev_launch_digest(const ovmf_image& fw, const launch_inputs& in, trace* t = nullptr) {
  using namespace detail;
  const bool es = in.mode == guest_mode::seves;
  if (auto e = check_common(fw, in, es)) return *e;
  crypto::sha256 h;
  h.update(fw.data);
  if (t) t->push_back("firmware: " + std::to_string(fw.data.size()) + " bytes");
  if (in.kernel) {
    if (fw.hash_table_gpa().value_or(0) == 0)
      return refuse("a kernel is given but this OVMF has no kernel hashes table (GUID 7255371f… GPA 0): it cannot measure a kernel; "
                    "use an AmdSev build (Debian package ovmf-amdsev, /usr/share/ovmf/OVMF.amdsev.fd)");
    h.update(build_hashes_table(*in.kernel));
    if (t) t->push_back("hashes table: kernel " + hex::encode(in.kernel->kernel) + ", initrd " + hex::encode(in.kernel->initrd) +
                        ", cmdline " + hex::encode(in.kernel->cmdline));
  }
  if (es) {
    const auto ap_eip = *fw.ap_reset_eip();
    for (unsigned i = 0; i < in.vcpus; ++i) {
      const auto& given = i == 0 ? in.bsp_vmsa : in.ap_vmsa;
      if (given) {
        h.update(*given);
      } else {
        vcpu_start v{i == 0 ? 0xFFFFFFF0u : ap_eip, in.vcpu_signature, 0, in.vmm, in.fpu};
        h.update(build_vmsa(v));
      }
    }
    if (in.bsp_vmsa || in.ap_vmsa) {
      if (t) t->push_back("VMSAs: " + std::to_string(in.vcpus) + ", from the given files" + (in.ap_vmsa ? "" : " (BSP) and built (APs)"));
    } else {
      trace_vmsas(t, in, ap_eip, 0);
    }
  }
  return h.finish();
}

}  // namespace sevproof::measure
