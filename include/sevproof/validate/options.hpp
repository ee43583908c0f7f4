// What the guest owner expects of a report. Every option is optional: an absent one is not
// checked. The one safe default: a policy that allows debugging is refused unless allowed.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "sevproof/core/bytes.hpp"

namespace sevproof::validate {

// A minimum TCB, component by component. Absent components are not compared.
struct tcb_minimum {
  std::optional<std::uint8_t> fmc, bootloader, tee, snp, microcode;
};

struct options {
  // Verification strictness: a missing or unusable CRL fails verification (V009-V011).
  bool require_crl = false;
  // A report the host requested (VMPL 0xFFFFFFFF) is refused (P034) unless allowed.
  bool allow_host_report = false;

  // Guest policy ceiling: permissions the guest may have, requirements it must have.
  bool allow_debug = false;
  std::optional<bool> allow_smt, allow_migrate_ma, allow_cxl;
  bool require_single_socket = false, require_aes_256_xts = false, require_rapl_dis = false,
       require_ciphertext_hiding = false, require_page_swap_disable = false;
  std::optional<std::pair<std::uint8_t, std::uint8_t>> min_abi;  // (major, minor)

  std::optional<std::uint32_t> min_guest_svn;
  std::optional<bytes> report_data, host_data, image_id, family_id, report_id, report_id_ma, chip_id;
  std::vector<bytes> measurements;  // any one of them is accepted

  std::optional<std::pair<std::uint8_t, std::uint8_t>> min_firmware;  // (major, minor)
  std::optional<std::uint8_t> min_build;
  // REPORTED_TCB is the TCB the VCEK/VLEK certifies (`--min-tcb`); the others are firmware's statements.
  std::optional<tcb_minimum> min_current_tcb, min_committed_tcb, min_reported_tcb, min_launch_tcb;
  std::optional<bool> allow_provisional_firmware;  // unset: reported as a warning only
  std::optional<std::uint64_t> platform_info_max;  // bits the platform may have set
  std::optional<std::uint64_t> platform_info_min;  // bits the platform must have set
  std::optional<std::uint32_t> vmpl;
  bool require_id_block = false, require_author_key = false;
  std::vector<bytes> trusted_id_keys, trusted_author_keys;  // SHA-384 digests (48 bytes)
  std::optional<std::uint64_t> min_launch_mit_vector, min_current_mit_vector;
};

}  // namespace sevproof::validate
