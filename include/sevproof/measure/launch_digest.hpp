// Expected launch digests: SEV-SNP (GCTX page by page), SEV-ES and SEV (SHA-256 over firmware,
// hashes table and VMSAs). Inconsistent inputs are refused with a reason instead of producing a
// digest that no real launch could have.
#pragma once

#include <algorithm>
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

enum class guest_mode : std::uint8_t { sev, seves, snp, snp_ovmf_hash, snp_svsm };

struct launch_inputs {
  guest_mode mode = guest_mode::snp;
  unsigned vcpus = 1;
  std::uint32_t vcpu_signature = 0;
  vmm_type vmm = vmm_type::qemu;
  std::uint64_t guest_features = 0x1;  // SEV_FEATURES of SNP VMSAs (SEV-ES always uses 0)
  std::optional<boot_hashes> kernel;   // direct boot: kernel (+ initrd, cmdline) digests
  std::optional<digest384> ovmf_seed;  // a precomputed firmware digest (snp:ovmf-hash output)
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
      return refuse(
          "the OVMF image has no SEV-ES reset block (GUID 00f771de-1a7e-4fcb-890e-68c77e2fb44e) in its footer table: "
          "it cannot start SEV-ES or SNP vCPUs");
  }
  return std::nullopt;
}

inline void trace_vmsas(trace* t, const launch_inputs& in, std::uint32_t ap_eip, std::uint64_t features) {
  if (!t) return;
  t->push_back(
      "VMSAs: " + std::to_string(in.vcpus) + " (BSP eip 0xfffffff0" +
      (in.vcpus > 1 ? ", " + std::to_string(in.vcpus - 1) + " AP(s) eip " + hex::number(ap_eip) : std::string()) +
      "), VMM " + std::string(vmm_name(in.vmm)) + ", vCPU signature " +
      (in.vmm == vmm_type::qemu ? hex::number(in.vcpu_signature)
                                : "not used (RDX " + hex::number(reset_rdx(in.vmm, 0)) + ", fixed for this VMM)") +
      ", SEV_FEATURES " + hex::number(features) + ", FPU init " +
      (in.vmm != vmm_type::qemu     ? std::string("zero (this VMM)")
       : in.fpu == fpu_init::modern ? "MXCSR 0x1f80 / FCW 0x037f"
                                    : "zero"));
}

}  // namespace detail

// SNP, step 1: the firmware pages from a zero seed, or the given precomputed firmware digest.
inline gctx snp_firmware_state(const ovmf_image& fw, const launch_inputs& in, trace* t = nullptr) {
  gctx g(in.ovmf_seed.value_or(digest384{}));
  if (in.ovmf_seed) {
    if (t) t->push_back("firmware: seeded with the precomputed OVMF digest " + hex::encode(*in.ovmf_seed));
  } else {
    g.update_normal_range(fw.gpa, fw.data);
    if (t)
      t->push_back("firmware: " + std::to_string(fw.data.size() / page_size) + " pages NORMAL at " +
                   hex::number(fw.gpa) + "-" + hex::number(fw.gpa + fw.data.size() - 1));
  }
  return g;
}

namespace detail {

// Where QEMU writes the kernel hashes table: the footer entry SEV_HASH_TABLE_RV (GPA, area size). For a kernel,
// QEMU refuses firmware whose entry is missing, has GPA 0 (builds without kernel hashes) or an area smaller than the
// padded table, in every SEV mode: no launch with a kernel was ever measured on such firmware.
inline result<std::uint32_t> kernel_hashes_gpa(const ovmf_image& fw) {
  const std::string fix =
      ": it cannot measure a kernel; use an AmdSev build (Debian package ovmf-amdsev, "
      "/usr/share/ovmf/OVMF.amdsev.fd)";
  const auto gpa = fw.hash_table_gpa();
  if (!gpa) return refuse("a kernel is given but this OVMF has no kernel hashes table entry (GUID 7255371f…)" + fix);
  if (*gpa == 0)
    return refuse("a kernel is given but this OVMF has no kernel hashes table (GUID 7255371f… GPA 0)" + fix);
  const auto area = fw.hash_table_size().value_or(0);
  if (area < hashes_table_padded_size)
    return refuse("this OVMF's kernel hashes table area (GUID 7255371f…, GPA " + hex::number(*gpa) + ") is " +
                  std::to_string(area) + " bytes, smaller than the " + std::to_string(hashes_table_padded_size) +
                  "-byte table: QEMU refuses a kernel with it");
  return *gpa;
}

inline std::optional<error> snp_kernel_hashes_page(gctx& g, const ovmf_image& fw, const boot_hashes& kernel,
                                                   const metadata_section& s, std::string& how) {
  if (s.size != page_size)
    return refuse("the SNP_KERNEL_HASHES section is " + hex::number(s.size) + " bytes; it must be one 4 KiB page");
  const auto where = kernel_hashes_gpa(fw);
  if (!where) return where.err();
  const auto table_gpa = where.value();
  std::array<byte, page_size> page{};
  const auto table = build_hashes_table(kernel);
  const std::size_t off = table_gpa & 0xFFF;
  if (off + table.size() > page.size())
    return refuse("the hashes table GPA " + hex::number(table_gpa) + " leaves no room for the table in its page");
  std::copy(table.begin(), table.end(), page.begin() + static_cast<std::ptrdiff_t>(off));
  g.update_contents(page_type::normal, s.gpa, page);
  how = "hashes page NORMAL (table at offset " + hex::number(off) + ")";
  return std::nullopt;
}

// One metadata section, by the QEMU rules and the VMM's differences; ec2's CPUID pages are deferred.
inline std::optional<error> snp_section(gctx& g, const ovmf_image& fw, const launch_inputs& in,
                                        const metadata_section& s, std::vector<metadata_section>& deferred_cpuid,
                                        std::string& how) {
  switch (s.type) {
    case section_type::sec_mem:
      g.update_range(in.vmm == vmm_type::gce ? page_type::unmeasured : page_type::zero, s.gpa, s.size);
      how = in.vmm == vmm_type::gce ? "UNMEASURED pages (gce)" : "ZERO pages";
      break;
    case section_type::secrets:
      g.update_empty(page_type::secrets, s.gpa);
      how = "one SECRETS page";
      break;
    case section_type::cpuid:
      if (is_ec2(in.vmm)) {
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
      if (in.kernel) return snp_kernel_hashes_page(g, fw, *in.kernel, s, how);
      g.update_range(page_type::zero, s.gpa, s.size);
      how = "ZERO pages (no kernel given)";
      break;
  }
  return std::nullopt;
}

inline std::optional<error> snp_sections(gctx& g, const ovmf_image& fw, const launch_inputs& in, trace* t) {
  std::vector<metadata_section> deferred_cpuid;
  static const std::vector<metadata_section> none;
  for (const auto& s : fw.sev_metadata ? *fw.sev_metadata : none) {
    std::string how;
    if (auto e = snp_section(g, fw, in, s, deferred_cpuid, how)) return e;
    if (t)
      t->push_back("section " + std::string(section_name(s.type)) + " at " + hex::number(s.gpa) + " size " +
                   hex::number(s.size) + ": " + how);
  }
  for (const auto& s : deferred_cpuid) g.update_empty(page_type::cpuid, s.gpa);
  return std::nullopt;
}

// The pages a launch can have: each section below 4 GiB, none over another section or over the firmware. The
// PSP adds a guest page once (SNP_LAUNCH_UPDATE refuses a page already assigned), so firmware whose sections
// overlap never launched, whatever digest arithmetic would give for it.
inline std::optional<error> sections_fit(const ovmf_image& fw) {
  struct range {
    std::uint64_t start, end;
    std::string name;
  };
  std::vector<range> r{{fw.gpa, std::uint64_t{fw.gpa} + fw.data.size(), "the firmware image"}};
  for (const auto& s : fw.sev_metadata ? *fw.sev_metadata : std::vector<metadata_section>{}) {
    const std::string name =
        "section " + std::string(section_name(s.type)) + " at " + hex::number(s.gpa) + " size " + hex::number(s.size);
    const std::uint64_t end = std::uint64_t{s.gpa} + s.size;
    if (end > (std::uint64_t{1} << 32)) return refuse("the SEV metadata " + name + " runs past 4 GiB");
    r.push_back({s.gpa, end, name});
  }
  std::sort(r.begin(), r.end(), [](const range& a, const range& b) { return a.start < b.start; });
  for (std::size_t i = 1; i < r.size(); ++i)
    if (r[i].start < r[i - 1].end)
      return refuse("SEV metadata: " + r[i - 1].name + " and " + r[i].name +
                    " overlap: no launch adds a page twice (SNP_LAUNCH_UPDATE refuses a page already in the guest)");
  return std::nullopt;
}

}  // namespace detail

// SNP, step 2: the SEV metadata sections of `fw` in table order (refusing firmware that cannot
// launch these inputs).
inline std::optional<error> snp_measure_sections(gctx& g, const ovmf_image& fw, const launch_inputs& in,
                                                 trace* t = nullptr) {
  using namespace detail;
  if (!fw.sev_metadata && !in.allow_missing_sev_metadata)
    return refuse(
        "the OVMF image has no SEV metadata (no 'ASEV' section table): SNP cannot launch with it; use an SNP-capable "
        "build such as Debian's OVMF.fd (trixie) or OVMF.amdsev.fd");
  if (auto e = check_common(fw, in, true)) return e;
  if (auto e = sections_fit(fw)) return e;
  if (in.kernel && !fw.has_section(section_type::kernel_hashes))
    return refuse(
        "a kernel is given but the OVMF metadata has no SNP_KERNEL_HASHES section: this firmware cannot measure a "
        "kernel; use an AmdSev build (Debian package ovmf-amdsev, /usr/share/ovmf/OVMF.amdsev.fd)");
  return snp_sections(g, fw, in, t);
}

// The contents digests of the two distinct VMSA pages (BSP, and every AP): a variant that changes
// only the VMSAs hashes these two pages once and then measures one PAGE_INFO per vCPU.
struct vmsa_digests {
  digest384 bsp{}, ap{};
};

// The two distinct VMSA pages a launch measures, BSP then every AP, as built from the inputs with the given
// SEV_FEATURES (SNP: the guest features; SEV-ES: 0). SEV-ES may measure given files instead (bsp_vmsa, ap_vmsa).
inline std::array<std::array<byte, 0x1000>, 2> built_vmsa_pages(std::uint32_t ap_eip, const launch_inputs& in,
                                                                std::uint64_t sev_features) {
  return {build_vmsa({0xFFFFFFF0u, in.vcpu_signature, sev_features, in.vmm, in.fpu}),
          build_vmsa({ap_eip, in.vcpu_signature, sev_features, in.vmm, in.fpu})};
}

inline vmsa_digests snp_vmsa_digests(std::uint32_t ap_eip, const launch_inputs& in) {
  const auto pages = built_vmsa_pages(ap_eip, in, in.guest_features);
  return {crypto::sha384_of(pages[0]), crypto::sha384_of(pages[1])};
}

// SNP, step 3: `vcpus` VMSA pages (vCPU 0 the BSP).
inline void snp_measure_vmsas(gctx& g, const vmsa_digests& d, unsigned vcpus) {
  for (unsigned i = 0; i < vcpus; ++i) g.update_hashed(page_type::vmsa, vmsa_gpa, i == 0 ? d.bsp : d.ap);
}

// SNP: the state before the VMSA pages (steps 1 and 2). Snapshot it to try VMSA-only variants.
inline result<gctx> snp_state_before_vmsas(const ovmf_image& fw, const launch_inputs& in, trace* t = nullptr) {
  gctx g = snp_firmware_state(fw, in, t);
  if (auto e = snp_measure_sections(g, fw, in, t)) return *e;
  return g;
}

// SNP: the GCTX launch digest (48 bytes); snp_ovmf_hash: firmware pages only.
inline result<digest384> snp_launch_digest(const ovmf_image& fw, const launch_inputs& in, trace* t = nullptr) {
  using namespace detail;
  if (in.mode != guest_mode::snp && in.mode != guest_mode::snp_ovmf_hash)
    return refuse("snp_launch_digest: not an SNP mode");
  if (in.mode == guest_mode::snp_ovmf_hash) return snp_firmware_state(fw, in, t).digest();
  auto g = snp_state_before_vmsas(fw, in, t);
  if (!g) return g.err();
  const auto ap_eip = *fw.ap_reset_eip();
  snp_measure_vmsas(*g, snp_vmsa_digests(ap_eip, in), in.vcpus);
  trace_vmsas(t, in, ap_eip, in.guest_features);
  if (t) t->push_back("pages measured: " + std::to_string(g->pages()));
  return g->digest();
}

// SEV-ES and SEV: the SHA-256 state over firmware ‖ [hashes table], before any VMSA. Fork it to
// try VMSA-only variants.
inline result<crypto::sha256> sev_state_before_vmsas(const ovmf_image& fw, const launch_inputs& in,
                                                     trace* t = nullptr) {
  using namespace detail;
  if (in.mode != guest_mode::sev && in.mode != guest_mode::seves)
    return refuse("sev_launch_digest: not an SEV or SEV-ES mode");
  if (auto e = check_common(fw, in, in.mode == guest_mode::seves)) return *e;
  crypto::sha256 h;
  h.update(fw.data);
  if (t) t->push_back("firmware: " + std::to_string(fw.data.size()) + " bytes");
  if (in.kernel) {
    if (auto where = kernel_hashes_gpa(fw); !where) return where.err();
    h.update(build_hashes_table(*in.kernel));
    if (t)
      t->push_back("hashes table: kernel " + hex::encode(in.kernel->kernel) + ", initrd " +
                   hex::encode(in.kernel->initrd) + ", cmdline " + hex::encode(in.kernel->cmdline));
  }
  return h;
}

// SEV-ES VMSA pages as measured: BSP, and every AP; a given file takes the place of the built page.
inline std::array<std::array<byte, 0x1000>, 2> seves_vmsa_pages(std::uint32_t ap_eip, const launch_inputs& in) {
  auto pages = built_vmsa_pages(ap_eip, in, 0);
  if (in.bsp_vmsa) pages[0] = *in.bsp_vmsa;
  if (in.ap_vmsa) pages[1] = *in.ap_vmsa;
  return pages;
}

// SEV-ES and SEV: SHA-256 over firmware ‖ [hashes table] ‖ [VMSAs] (32 bytes).
inline result<crypto::sha256_digest> sev_launch_digest(const ovmf_image& fw, const launch_inputs& in,
                                                       trace* t = nullptr) {
  using namespace detail;
  auto h = sev_state_before_vmsas(fw, in, t);
  if (!h) return h.err();
  if (in.mode == guest_mode::seves) {
    const auto ap_eip = *fw.ap_reset_eip();
    const auto pages = seves_vmsa_pages(ap_eip, in);
    for (unsigned i = 0; i < in.vcpus; ++i) h->update(pages[i == 0 ? 0 : 1]);
    if (in.bsp_vmsa || in.ap_vmsa) {
      if (t)
        t->push_back("VMSAs: " + std::to_string(in.vcpus) + ", from the given files" +
                     (in.ap_vmsa ? "" : " (BSP) and built (APs)"));
    } else {
      trace_vmsas(t, in, ap_eip, 0);
    }
  }
  return h->finish();
}

// SNP with Coconut-SVSM (QEMU): OVMF ending at 4 GiB, the OVMF_VARS area below it, the SVSM image
// below that; measured: OVMF pages, SVSM pages, the SVSM image's metadata sections (no kernel), then
// one identical VMSA per vCPU starting at the SVSM entry point (SEV_FEATURES 0x1).
inline result<digest384> svsm_launch_digest(const ovmf_image& fw, const ovmf_image& svsm, std::uint64_t vars_size,
                                            const launch_inputs& in, trace* t = nullptr,
                                            std::array<byte, 0x1000>* vmsa_out = nullptr) {
  using namespace detail;
  if (in.mode != guest_mode::snp_svsm) return refuse("svsm_launch_digest: not snp:svsm mode");
  if (in.vmm != vmm_type::qemu) return refuse("snp:svsm is only defined for QEMU (sev-snp-measure's rule)");
  if (in.kernel || in.ovmf_seed)
    return refuse("snp:svsm measures no kernel hashes and takes no precomputed OVMF digest");
  if (in.vcpus == 0) return refuse("0 vCPUs: a guest has at least one (the BSP)");
  if (vars_size == 0 || vars_size % page_size != 0)
    return refuse("the OVMF_VARS size " + std::to_string(vars_size) +
                  " is not a positive multiple of 4096 (e.g. 540672)");
  if (vars_size + svsm.data.size() > fw.gpa)
    return refuse("the OVMF_VARS size and the SVSM image do not fit below the firmware");
  const auto entry = svsm.u32_entry(ovmf_guid::svsm_info);
  if (!entry)
    return refuse(
        "the SVSM image has no SVSM info entry (GUID a789a612-0597-4c4b-a49f-cbb1fe9d1ddd) in its footer table: is it "
        "an SVSM?");
  if (!svsm.sev_metadata) return refuse("the SVSM image has no SEV metadata ('ASEV' section table)");
  const std::uint64_t svsm_gpa = fw.gpa - vars_size - svsm.data.size();
  const std::uint64_t eip64 = svsm_gpa + *entry;
  if (eip64 > 0xFFFFFFFFu) return refuse("the SVSM entry point " + hex::number(eip64) + " lies above 4 GiB");
  const auto eip = static_cast<std::uint32_t>(eip64);
  gctx g;
  g.update_normal_range(fw.gpa, fw.data);
  g.update_normal_range(svsm_gpa, svsm.data);
  if (t)
    t->push_back("firmware: " + std::to_string(fw.data.size() / page_size) + " pages NORMAL at " + hex::number(fw.gpa) +
                 "; OVMF_VARS " + hex::number(vars_size) + " bytes below it (not measured); SVSM: " +
                 std::to_string(svsm.data.size() / page_size) + " pages NORMAL at " + hex::number(svsm_gpa));
  if (auto e = snp_sections(g, svsm, in, t)) return *e;
  const auto page = build_svsm_vmsa(eip, in.vcpu_signature, in.fpu);
  if (vmsa_out) *vmsa_out = page;
  const auto contents = crypto::sha384_of(page);
  for (unsigned i = 0; i < in.vcpus; ++i) g.update_hashed(page_type::vmsa, vmsa_gpa, contents);
  if (t)
    t->push_back(
        "VMSAs: " + std::to_string(in.vcpus) + " identical, SVSM entry " + hex::number(eip) + ", vCPU signature " +
        hex::number(in.vcpu_signature) + ", SEV_FEATURES 0x1, " +
        (in.fpu == fpu_init::modern ? "MXCSR 0x1f80 / FCW 0 (as QEMU and sev-snp-measure leave it)" : "FPU init zero"));
  if (t) t->push_back("pages measured: " + std::to_string(g.pages()));
  return g.digest();
}

}  // namespace sevproof::measure
