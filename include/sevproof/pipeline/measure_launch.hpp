// The measurement pipeline, one entry point: a launch as people describe it (sev-snp-measure's
// flag values, a VM file, a web form) + the firmware bytes + the kernel/initrd digests -> the
// expected launch digest and the trace of what went into it.
//
//   interpret the request (measure::to_inputs: refuses inconsistent launches) -> parse the OVMF
//   image (and, for snp:svsm, the SVSM image) -> kernel hashes table from the given digests and
//   command line -> SNP, SNP+SVSM or SEV/SEV-ES launch digest
//
// Callers that read large files check the request first (check_request), so a launch no real
// guest could have is refused before a 1 GiB initrd is hashed.
//
// Kernel and initrd are passed as SHA-256 digests so each caller hashes them its own way (the CLI
// streams files, the page uses a worker): memory never holds a 1 GiB initrd.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/ovmf.hpp"
#include "sevproof/measure/request.hpp"

namespace sevproof::pipeline {

struct launch_files {
  std::string ovmf_name = "OVMF";
  bytes ovmf;                                   // the firmware image
  std::optional<crypto::sha256_digest> kernel;  // direct boot: kernel digest
  std::optional<crypto::sha256_digest> initrd;  // with a kernel: initrd digest (absent = empty)
  std::optional<std::string> append;            // with a kernel: command line (absent = empty)
  std::string kernel_name = "kernel", initrd_name = "initrd";
  std::optional<bytes> svsm;  // snp:svsm: the SVSM image
  std::string svsm_name = "SVSM";
  std::uint64_t vars_size = 0;  // snp:svsm: size of the OVMF_VARS area in bytes
};

// How a measurement ended: `usage` (the request itself is inconsistent: exit 2), `input` (the
// firmware is unreadable: exit 3), `refused` (no real launch could have these inputs: exit 1).
enum class measure_failure : std::uint8_t { none, usage, input, refused };

struct measurement {
  measure_failure failure = measure_failure::none;
  std::optional<error> why;
  bytes digest;          // 48 bytes (SNP) or 32 (SEV, SEV-ES)
  measure::trace trace;  // every input, in words (`measure -v`)
  measure::launch_inputs inputs;
  std::optional<measure::ovmf_image> firmware;
  // The VMSA pages as measured (`measure --dump-vmsa`): the BSP's then the APs' (SNP, SEV-ES), or the one page every
  // vCPU starts from (snp:svsm); none for SEV and snp:ovmf-hash. vCPU i's page is vmsa_pages[min(i, size - 1)].
  std::vector<std::array<byte, 0x1000>> vmsa_pages;
};

// The request alone, before any file is read: the launch inputs, or the usage error.
inline result<measure::launch_inputs> check_request(const measure::request& rq) { return measure::to_inputs(rq); }

namespace detail {
inline error in_file(error e, const std::string& name) {
  e.message += " (in " + name + ")";
  return e;
}
}  // namespace detail

inline measurement measure_launch(const measure::request& rq, const launch_files& files) {
  measurement m;
  auto fail = [&](measure_failure f, error e) {
    m.failure = f;
    m.why = std::move(e);
    return m;
  };
  auto in = check_request(rq);
  if (!in) return fail(measure_failure::usage, in.err());
  m.inputs = in.value();
  if (files.kernel.has_value() != rq.kernel || files.initrd.has_value() != rq.initrd ||
      files.svsm.has_value() != rq.svsm)
    return fail(measure_failure::usage,
                {"measure", "usage", std::nullopt, "the kernel/initrd digests or SVSM image do not match the request"});
  auto fw = measure::parse_ovmf(files.ovmf);
  if (!fw) return fail(measure_failure::input, detail::in_file(fw.err(), files.ovmf_name));
  m.firmware = fw.value();
  std::string sections;
  if (fw->sev_metadata)
    for (const auto& s : *fw->sev_metadata)
      sections += std::string(sections.empty() ? "" : ", ") + measure::section_name(s.type);
  m.trace.push_back("OVMF " + files.ovmf_name + ": " + std::to_string(fw->data.size()) + " bytes at GPA " +
                    hex::number(fw->gpa) + ", footer table " +
                    (fw->has_footer ? std::to_string(fw->entries.size()) + " entries" : std::string("absent")) +
                    ", SEV metadata " + (fw->sev_metadata ? "[" + sections + "]" : std::string("absent")) +
                    (fw->hash_table_gpa().value_or(0) ? ", kernel hashes table at " + hex::number(*fw->hash_table_gpa())
                                                      : ", no kernel hashes table"));
  if (files.kernel) {
    measure::boot_hashes bh;
    bh.kernel = *files.kernel;
    if (files.initrd) bh.initrd = *files.initrd;
    const std::string cmdline = files.append.value_or("");
    bh.cmdline = measure::boot_hashes::cmdline_hash(cmdline);
    m.inputs.kernel = bh;
    m.trace.push_back("kernel " + files.kernel_name + " sha256 " + hex::encode(bh.kernel) + "; initrd " +
                      (files.initrd ? files.initrd_name : std::string("(none)")) + " sha256 " + hex::encode(bh.initrd) +
                      "; cmdline \"" + cmdline + "\" + NUL sha256 " + hex::encode(bh.cmdline));
  }
  const bool snp = m.inputs.mode == measure::guest_mode::snp;
  if (snp)
    m.trace.push_back("guest features " + hex::number(m.inputs.guest_features) + " = " +
                      measure::feature_names(m.inputs.guest_features));
  if (m.inputs.mode == measure::guest_mode::snp_svsm) {
    auto image = measure::parse_ovmf(*files.svsm);
    if (!image) return fail(measure_failure::input, detail::in_file(image.err(), files.svsm_name));
    std::array<byte, 0x1000> page{};
    auto d = measure::svsm_launch_digest(*fw, *image, files.vars_size, m.inputs, &m.trace, &page);
    if (!d) return fail(measure_failure::refused, d.err());
    m.digest.assign(d->begin(), d->end());
    m.vmsa_pages.push_back(page);
  } else if (snp || m.inputs.mode == measure::guest_mode::snp_ovmf_hash) {
    auto d = measure::snp_launch_digest(*fw, m.inputs, &m.trace);
    if (!d) return fail(measure_failure::refused, d.err());
    m.digest.assign(d->begin(), d->end());
  } else {
    auto d = measure::sev_launch_digest(*fw, m.inputs, &m.trace);
    if (!d) return fail(measure_failure::refused, d.err());
    m.digest.assign(d->begin(), d->end());
  }
  if (snp || m.inputs.mode == measure::guest_mode::seves) {  // the pages as measured, for --dump-vmsa
    const auto ap = fw->ap_reset_eip().value_or(0);
    const auto pages = snp ? measure::built_vmsa_pages(ap, m.inputs, m.inputs.guest_features)
                           : measure::seves_vmsa_pages(ap, m.inputs);
    m.vmsa_pages.assign(pages.begin(), pages.end());
  }
  return m;
}

}  // namespace sevproof::pipeline
