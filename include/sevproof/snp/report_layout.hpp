// ATTESTATION_REPORT (SEV-SNP firmware ABI, doc 56860, table "ATTESTATION_REPORT Structure"),
// versions 2, 3 and 5, declared once as a field table and checked against the spec at compile time.
#pragma once

#include <cstddef>

#include "sevproof/core/layout.hpp"

namespace sevproof::snp {

inline constexpr std::size_t report_size = 0x4A0;  // 1184 bytes
inline constexpr std::size_t signed_size = 0x2A0;  // the signature covers [0, 0x2A0)

namespace v {
using layout::versions;
inline constexpr layout::version_set all = versions({2, 3, 5});
inline constexpr layout::version_set only2 = versions({2});
inline constexpr layout::version_set from3 = versions({3, 5});
inline constexpr layout::version_set upto3 = versions({2, 3});
inline constexpr layout::version_set from5 = versions({5});
}  // namespace v

// The versions this parser accepts. 0/1 never existed; 4 (seen on Google Compute Engine, firmware
// 1.55.31) has the version 3 layout and is read with it.
inline constexpr unsigned supported_versions[] = {2, 3, 4, 5};

// VMPL of a report the host requested (SNP firmware ABI): REPORT_DATA is zero and binds nothing.
inline constexpr std::uint32_t host_requested_vmpl = 0xFFFFFFFFu;

using layout::kind;
inline constexpr layout::field report_field_list[] = {
    {"VERSION", 0x000, 4, kind::u32, v::all, "format version of this report (2, 3 or 5)"},
    {"GUEST_SVN", 0x004, 4, kind::u32, v::all, "guest security version number, from the ID block"},
    {"POLICY", 0x008, 8, kind::guest_policy, v::all, "guest policy the VM was launched with"},
    {"FAMILY_ID", 0x010, 16, kind::bytes, v::all, "family ID from the ID block"},
    {"IMAGE_ID", 0x020, 16, kind::bytes, v::all, "image ID from the ID block"},
    {"VMPL", 0x030, 4, kind::u32, v::all, "VM privilege level that requested the report (0 = most privileged)"},
    {"SIGNATURE_ALGO", 0x034, 4, kind::signature_algo, v::all,
     "algorithm of the signature (1 = ECDSA P-384 with SHA-384)"},
    {"CURRENT_TCB", 0x038, 8, kind::tcb, v::all, "TCB the platform runs now"},
    {"PLATFORM_INFO", 0x040, 8, kind::platform_info, v::all, "platform state when the report was made"},
    {"KEY_INFO", 0x048, 4, kind::key_info, v::all, "which key signed the report; whether an author key was used"},
    {"RESERVED_04C", 0x04C, 4, kind::reserved, v::all},
    {"REPORT_DATA", 0x050, 64, kind::bytes, v::all, "64 bytes the guest chose (typically a nonce or a key hash)"},
    {"MEASUREMENT", 0x090, 48, kind::bytes, v::all, "launch digest: SHA-384 over everything loaded at launch"},
    {"HOST_DATA", 0x0C0, 32, kind::bytes, v::all, "32 bytes the host supplied at launch"},
    {"ID_KEY_DIGEST", 0x0E0, 48, kind::bytes, v::all, "SHA-384 of the ID key that signed the ID block"},
    {"AUTHOR_KEY_DIGEST", 0x110, 48, kind::bytes, v::all, "SHA-384 of the author key that signed the ID key"},
    {"REPORT_ID", 0x140, 32, kind::bytes, v::all, "ID of this guest, random per launch"},
    {"REPORT_ID_MA", 0x160, 32, kind::bytes, v::all, "REPORT_ID of the migration agent (all ff: none)"},
    {"REPORTED_TCB", 0x180, 8, kind::tcb, v::all, "TCB the signing key (VCEK/VLEK) was derived for"},
    {"RESERVED_188", 0x188, 24, kind::reserved, v::only2},
    {"CPUID_FAM_ID", 0x188, 1, kind::u8, v::from3, "CPU family (combined base + extended)"},
    {"CPUID_MOD_ID", 0x189, 1, kind::u8, v::from3, "CPU model (combined extended << 4 | base)"},
    {"CPUID_STEP", 0x18A, 1, kind::u8, v::from3, "CPU stepping"},
    {"RESERVED_18B", 0x18B, 21, kind::reserved, v::from3},
    {"CHIP_ID", 0x1A0, 64, kind::bytes, v::all, "unique chip identifier (zero if the host masks it)"},
    {"COMMITTED_TCB", 0x1E0, 8, kind::tcb, v::all, "TCB the firmware committed to (anti-rollback floor)"},
    {"CURRENT_BUILD", 0x1E8, 1, kind::u8, v::all, "build number of the running firmware"},
    {"CURRENT_MINOR", 0x1E9, 1, kind::u8, v::all, "minor version of the running firmware"},
    {"CURRENT_MAJOR", 0x1EA, 1, kind::u8, v::all, "major version of the running firmware"},
    {"RESERVED_1EB", 0x1EB, 1, kind::reserved, v::all},
    {"COMMITTED_BUILD", 0x1EC, 1, kind::u8, v::all, "build number of the committed firmware"},
    {"COMMITTED_MINOR", 0x1ED, 1, kind::u8, v::all, "minor version of the committed firmware"},
    {"COMMITTED_MAJOR", 0x1EE, 1, kind::u8, v::all, "major version of the committed firmware"},
    {"RESERVED_1EF", 0x1EF, 1, kind::reserved, v::all},
    {"LAUNCH_TCB", 0x1F0, 8, kind::tcb, v::all, "TCB when the guest was launched"},
    {"RESERVED_1F8", 0x1F8, 168, kind::reserved, v::upto3},
    {"LAUNCH_MIT_VECTOR", 0x1F8, 8, kind::mitigation_vector, v::from5,
     "mitigations enabled when the guest was launched"},
    {"CURRENT_MIT_VECTOR", 0x200, 8, kind::mitigation_vector, v::from5, "mitigations enabled now"},
    {"RESERVED_208", 0x208, 152, kind::reserved, v::from5},
    {"SIGNATURE", 0x2A0, 512, kind::ecdsa_signature, v::all, "ECDSA P-384 signature over bytes 0x000-0x29f"},
};
inline constexpr auto report_fields = layout::make_table("report", report_size, report_field_list);

// ---- compile-time checks against the offsets and sizes AMD's spec gives ----
namespace checks {
using layout::find;
using layout::offset_of;
using layout::size_of;
static_assert(report_fields.size == 0x4A0);
static_assert(layout::tiles(report_fields, 2), "v2 fields must tile 0x000-0x4a0 with no gap or overlap");
static_assert(layout::tiles(report_fields, 3), "v3 fields must tile 0x000-0x4a0 with no gap or overlap");
static_assert(layout::tiles(report_fields, 5), "v5 fields must tile 0x000-0x4a0 with no gap or overlap");
static_assert(layout::unique_names(report_fields, 2) && layout::unique_names(report_fields, 3) &&
              layout::unique_names(report_fields, 5));
static_assert(offset_of(report_fields, "VERSION") == 0x000 && size_of(report_fields, "VERSION") == 4);
static_assert(offset_of(report_fields, "POLICY") == 0x008 && size_of(report_fields, "POLICY") == 8);
static_assert(offset_of(report_fields, "VMPL") == 0x030);
static_assert(offset_of(report_fields, "SIGNATURE_ALGO") == 0x034);
static_assert(offset_of(report_fields, "CURRENT_TCB") == 0x038);
static_assert(offset_of(report_fields, "PLATFORM_INFO") == 0x040);
static_assert(offset_of(report_fields, "KEY_INFO") == 0x048);
static_assert(offset_of(report_fields, "REPORT_DATA") == 0x050 && size_of(report_fields, "REPORT_DATA") == 64);
static_assert(offset_of(report_fields, "MEASUREMENT") == 0x090 && size_of(report_fields, "MEASUREMENT") == 48);
static_assert(offset_of(report_fields, "HOST_DATA") == 0x0C0 && size_of(report_fields, "HOST_DATA") == 32);
static_assert(offset_of(report_fields, "ID_KEY_DIGEST") == 0x0E0 && size_of(report_fields, "ID_KEY_DIGEST") == 48);
static_assert(offset_of(report_fields, "AUTHOR_KEY_DIGEST") == 0x110 &&
              size_of(report_fields, "AUTHOR_KEY_DIGEST") == 48);
static_assert(offset_of(report_fields, "REPORT_ID") == 0x140 && offset_of(report_fields, "REPORT_ID_MA") == 0x160);
static_assert(offset_of(report_fields, "REPORTED_TCB") == 0x180);
static_assert(offset_of(report_fields, "CPUID_FAM_ID") == 0x188 && offset_of(report_fields, "CPUID_STEP") == 0x18A);
static_assert(offset_of(report_fields, "CHIP_ID") == 0x1A0 && size_of(report_fields, "CHIP_ID") == 64);
static_assert(offset_of(report_fields, "COMMITTED_TCB") == 0x1E0);
static_assert(offset_of(report_fields, "CURRENT_MAJOR") == 0x1EA &&
              offset_of(report_fields, "COMMITTED_MAJOR") == 0x1EE);
static_assert(offset_of(report_fields, "LAUNCH_TCB") == 0x1F0);
static_assert(offset_of(report_fields, "LAUNCH_MIT_VECTOR") == 0x1F8 &&
              offset_of(report_fields, "CURRENT_MIT_VECTOR") == 0x200);
static_assert(offset_of(report_fields, "SIGNATURE") == signed_size && size_of(report_fields, "SIGNATURE") == 512);
static_assert(find(report_fields, "RESERVED_1F8", 3).size == 168 && find(report_fields, "RESERVED_208", 5).size == 152);
}  // namespace checks

}  // namespace sevproof::snp
