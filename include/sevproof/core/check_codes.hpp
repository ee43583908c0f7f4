// Every check sevproof runs has a stable code. Codes are never reused or renumbered; auditors cite
// them. docs/checks.md documents this table (a test keeps the two in step).
#pragma once

#include <string_view>

namespace sevproof::checks {

struct check_info {
  std::string_view code;
  std::string_view title;
};

// V: verification, "is it genuinely signed by AMD hardware?"
inline constexpr check_info ark_pinned{"V001", "ARK key matches the pinned AMD root for the product"};
inline constexpr check_info ark_self_signed{"V002", "ARK self-signature (RSA-PSS SHA-384)"};
inline constexpr check_info ask_pinned{"V003", "ASK/ASVK key matches the pinned AMD key for the product"};
inline constexpr check_info ask_signed{"V004", "ASK/ASVK signed by the ARK"};
inline constexpr check_info leaf_signed{"V005", "VCEK/VLEK signed by the ASK/ASVK"};
inline constexpr check_info ark_validity{"V006", "ARK valid at the verification time"};
inline constexpr check_info ask_validity{"V007", "ASK/ASVK valid at the verification time"};
inline constexpr check_info leaf_validity{"V008", "VCEK/VLEK valid at the verification time"};
inline constexpr check_info crl_signed{"V009", "CRL signed by the ARK"};
inline constexpr check_info crl_current{"V010", "CRL current at the verification time"};
inline constexpr check_info ask_not_revoked{"V011", "ASK/ASVK not revoked"};
inline constexpr check_info signer_type{"V012", "report's KEY_INFO names the type of certificate that signed it"};
inline constexpr check_info product_consistent{"V013", "product agrees across report CPUID, certificate and chain"};
inline constexpr check_info tcb_matches{"V014", "REPORTED_TCB equals the certificate's TCB (SPL extensions)"};
inline constexpr check_info chip_matches{"V015", "CHIP_ID equals the certificate's hwID"};
inline constexpr check_info report_signature{"V016", "report signature (ECDSA P-384 SHA-384 over bytes 0x000-0x29f)"};
inline constexpr check_info reserved_zero{"V017", "reserved (must-be-zero) report fields are zero"};
inline constexpr check_info tcb_not_above_current{"V018",
                                                  "REPORTED_TCB does not exceed CURRENT_TCB, component by component"};
inline constexpr check_info hcl_runtime_bound{"V019",
                                              "Azure HCL report: the runtime data is the data REPORT_DATA vouches for"};

// P: validation, "is it what I expect?"
inline constexpr check_info policy_debug{"P001", "guest policy does not allow debugging"};
inline constexpr check_info policy_smt{"P002", "guest policy SMT permission within the allowed"};
inline constexpr check_info policy_migrate_ma{"P003", "guest policy migration-agent permission within the allowed"};
inline constexpr check_info policy_cxl{"P004", "guest policy CXL permission within the allowed"};
inline constexpr check_info policy_single_socket{"P005", "guest policy requires single socket"};
inline constexpr check_info policy_aes_256_xts{"P006", "guest policy requires AES-256-XTS"};
inline constexpr check_info policy_rapl_dis{"P007", "guest policy requires RAPL disabled"};
inline constexpr check_info policy_ciphertext_hiding{"P008", "guest policy requires ciphertext hiding"};
inline constexpr check_info policy_page_swap{"P009", "guest policy disables page swap"};
inline constexpr check_info policy_abi{"P010", "guest policy ABI minimum at least the required"};
inline constexpr check_info min_guest_svn{"P011", "GUEST_SVN at least the minimum"};
inline constexpr check_info report_data{"P012", "REPORT_DATA equals the expected value"};
inline constexpr check_info host_data{"P013", "HOST_DATA equals the expected value"};
inline constexpr check_info image_id{"P014", "IMAGE_ID equals the expected value"};
inline constexpr check_info family_id{"P015", "FAMILY_ID equals the expected value"};
inline constexpr check_info report_id{"P016", "REPORT_ID equals the expected value"};
inline constexpr check_info report_id_ma{"P017", "REPORT_ID_MA equals the expected value"};
inline constexpr check_info measurement{"P018", "MEASUREMENT is one of the expected launch digests"};
inline constexpr check_info chip_id{"P019", "CHIP_ID equals the expected value"};
inline constexpr check_info min_firmware{"P020", "running firmware version and build at least the minimum"};
inline constexpr check_info min_current_tcb{"P021", "CURRENT_TCB at least the minimum, component by component"};
inline constexpr check_info min_committed_tcb{"P022", "COMMITTED_TCB at least the minimum, component by component"};
inline constexpr check_info min_reported_tcb{"P023", "REPORTED_TCB at least the minimum, component by component"};
inline constexpr check_info min_launch_tcb{"P024", "LAUNCH_TCB at least the minimum, component by component"};
inline constexpr check_info provisional_firmware{"P025", "firmware is committed (no provisional firmware)"};
inline constexpr check_info platform_info{"P026", "PLATFORM_INFO has no bit outside the allowed"};
inline constexpr check_info vmpl{"P027", "VMPL equals the expected level"};
inline constexpr check_info id_block{"P028", "the guest was launched with an ID block"};
inline constexpr check_info author_key{"P029", "the ID block was signed with an author key"};
inline constexpr check_info trusted_id_key{"P030", "ID_KEY_DIGEST is one of the trusted ID keys"};
inline constexpr check_info trusted_author_key{"P031", "AUTHOR_KEY_DIGEST is one of the trusted author keys"};
inline constexpr check_info min_launch_mit{"P032", "LAUNCH_MIT_VECTOR has every required mitigation"};
inline constexpr check_info min_current_mit{"P033", "CURRENT_MIT_VECTOR has every required mitigation"};
inline constexpr check_info guest_requested{"P034", "the guest requested the report (not the host: VMPL 0xFFFFFFFF)"};
// Made by a VM definition (workflows/vm_verify.hpp): what only a launch description fixes.
inline constexpr check_info launch_policy{"P035", "POLICY equals the launch policy"};
inline constexpr check_info platform_info_exact{"P036", "PLATFORM_INFO equals the expected value"};
// Added in round 8 (codes are never renumbered).
inline constexpr check_info platform_info_required{"P037", "PLATFORM_INFO has every required bit"};

inline constexpr const check_info* all[] = {
    &ark_pinned,
    &ark_self_signed,
    &ask_pinned,
    &ask_signed,
    &leaf_signed,
    &ark_validity,
    &ask_validity,
    &leaf_validity,
    &crl_signed,
    &crl_current,
    &ask_not_revoked,
    &signer_type,
    &product_consistent,
    &tcb_matches,
    &chip_matches,
    &report_signature,
    &reserved_zero,
    &tcb_not_above_current,
    &hcl_runtime_bound,
    &policy_debug,
    &policy_smt,
    &policy_migrate_ma,
    &policy_cxl,
    &policy_single_socket,
    &policy_aes_256_xts,
    &policy_rapl_dis,
    &policy_ciphertext_hiding,
    &policy_page_swap,
    &policy_abi,
    &min_guest_svn,
    &report_data,
    &host_data,
    &image_id,
    &family_id,
    &report_id,
    &report_id_ma,
    &measurement,
    &chip_id,
    &min_firmware,
    &min_current_tcb,
    &min_committed_tcb,
    &min_reported_tcb,
    &min_launch_tcb,
    &provisional_firmware,
    &platform_info,
    &vmpl,
    &id_block,
    &author_key,
    &trusted_id_key,
    &trusted_author_key,
    &min_launch_mit,
    &min_current_mit,
    &guest_requested,
    &launch_policy,
    &platform_info_exact,
    &platform_info_required,
};

constexpr bool codes_unique() {
  for (std::size_t i = 0; i < std::size(all); ++i)
    for (std::size_t j = i + 1; j < std::size(all); ++j)
      if (all[i]->code == all[j]->code) return false;
  return true;
}
static_assert(codes_unique(), "a check code is used twice");

}  // namespace sevproof::checks
