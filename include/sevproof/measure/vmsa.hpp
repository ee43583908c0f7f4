// The VMSA (SEV-ES save area, AMD64 APM vol. 2 appendix B) as a vCPU starts: the page SEV-ES and
// SNP measure per vCPU. Declared as a layout table, checked at compile time, built per VMM type.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/layout.hpp"

namespace sevproof::measure {

using layout::kind;
inline constexpr layout::field vmsa_field_list[] = {
    {"ES", 0x000, 16, kind::bytes},
    {"CS", 0x010, 16, kind::bytes},
    {"SS", 0x020, 16, kind::bytes},
    {"DS", 0x030, 16, kind::bytes},
    {"FS", 0x040, 16, kind::bytes},
    {"GS", 0x050, 16, kind::bytes},
    {"GDTR", 0x060, 16, kind::bytes},
    {"LDTR", 0x070, 16, kind::bytes},
    {"IDTR", 0x080, 16, kind::bytes},
    {"TR", 0x090, 16, kind::bytes},
    {"UNSET_0A0", 0x0A0, 0x30, kind::reserved},  // VMPL, CPL and friends: zero at reset
    {"EFER", 0x0D0, 8, kind::u64},
    {"UNSET_0D8", 0x0D8, 0x70, kind::reserved},
    {"CR4", 0x148, 8, kind::u64},
    {"CR3", 0x150, 8, kind::u64},
    {"CR0", 0x158, 8, kind::u64},
    {"DR7", 0x160, 8, kind::u64},
    {"DR6", 0x168, 8, kind::u64},
    {"RFLAGS", 0x170, 8, kind::u64},
    {"RIP", 0x178, 8, kind::u64},
    {"UNSET_180", 0x180, 0xE8, kind::reserved},
    {"G_PAT", 0x268, 8, kind::u64},
    {"UNSET_270", 0x270, 0xA0, kind::reserved},
    {"RDX", 0x310, 8, kind::u64},
    {"UNSET_318", 0x318, 0x98, kind::reserved},
    {"SEV_FEATURES", 0x3B0, 8, kind::u64},
    {"UNSET_3B8", 0x3B8, 0x30, kind::reserved},
    {"XCR0", 0x3E8, 8, kind::u64},
    {"UNSET_3F0", 0x3F0, 0x18, kind::reserved},
    {"MXCSR", 0x408, 4, kind::u32},
    {"UNSET_40C", 0x40C, 4, kind::reserved},
    {"X87_FCW", 0x410, 2, kind::u16},
    {"UNSET_412", 0x412, 0x1000 - 0x412, kind::reserved},
};
inline constexpr auto vmsa_layout = layout::make_table("VMSA", 0x1000, vmsa_field_list);
static_assert(layout::tiles(vmsa_layout), "VMSA fields must tile 0x000-0x1000");
static_assert(layout::offset_of(vmsa_layout, "SEV_FEATURES") == 0x3B0 &&
              layout::offset_of(vmsa_layout, "RDX") == 0x310);
static_assert(layout::offset_of(vmsa_layout, "G_PAT") == 0x268 && layout::offset_of(vmsa_layout, "X87_FCW") == 0x410);

// ec2_legacy: EC2 as sev-snp-measure up to 0.0.12 computes it, RDX 0 at reset; 0.0.13 (May 2026) put
// 0x600 there for EC2 (`ec2`). Reports of EC2 guests launched before that change carry the old digest
// (a real 2023 EC2 report in the test data does), so both are measurable and `explain` tries both.
enum class vmm_type : std::uint8_t { qemu, ec2, gce, ec2_legacy };

constexpr std::string_view vmm_name(vmm_type v) {
  return v == vmm_type::qemu ? "QEMU" : v == vmm_type::ec2 ? "ec2" : v == vmm_type::gce ? "gce" : "ec2-legacy";
}
constexpr bool is_ec2(vmm_type v) { return v == vmm_type::ec2 || v == vmm_type::ec2_legacy; }
// RDX at reset: the vCPU signature under QEMU; fixed by the other VMMs.
constexpr std::uint64_t reset_rdx(vmm_type v, std::uint32_t signature) {
  return v == vmm_type::qemu ? signature : v == vmm_type::ec2_legacy ? 0 : 0x600;
}

// How the host initialised the x87/SSE state in the VMSA: newer kernels (and sev-snp-measure) set
// MXCSR 0x1F80 and FCW 0x037F; older kernels (and libvirt's validator) leave both zero.
enum class fpu_init : std::uint8_t { modern, zero };

struct vcpu_start {
  std::uint32_t eip = 0xFFFFFFF0;  // BSP reset vector; APs start at the OVMF SEV-ES reset block
  std::uint32_t signature = 0;     // CPUID 1 EAX (QEMU); ec2/gce use their own
  std::uint64_t sev_features = 0;
  vmm_type vmm = vmm_type::qemu;
  fpu_init fpu = fpu_init::modern;
};

namespace detail {
// A field name as a template argument, so its offset is resolved at compile time (a VMSA is built
// for every variant `explain` tries; looking fields up by name at run time would dominate).
template <std::size_t N>
struct field_name {
  char text[N]{};
  constexpr field_name(const char (&s)[N]) {  // NOLINT: implicit by design
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  [[nodiscard]] constexpr std::string_view view() const { return {text, N - 1}; }
};
template <field_name Name>
constexpr void put_segment(std::array<byte, 0x1000>& v, std::uint16_t selector, std::uint16_t attrib,
                           std::uint32_t limit, std::uint64_t base) {
  constexpr auto at = layout::offset_of(vmsa_layout, Name.view());
  store_le<std::uint16_t>(v, at, selector);
  store_le<std::uint16_t>(v, at + 2, attrib);
  store_le<std::uint32_t>(v, at + 4, limit);
  store_le<std::uint64_t>(v, at + 8, base);
}
template <field_name Name>
constexpr void put(std::array<byte, 0x1000>& v, std::uint64_t value) {
  constexpr auto at = layout::offset_of(vmsa_layout, Name.view());
  constexpr auto size = layout::find(vmsa_layout, Name.view()).size;
  for (std::size_t i = 0; i < size; ++i) v[at + i] = static_cast<byte>(value >> (8 * i));
}
}  // namespace detail

constexpr std::array<byte, 0x1000> build_vmsa(const vcpu_start& s) {
  using detail::put;
  using detail::put_segment;
  std::array<byte, 0x1000> v{};
  const bool bsp = s.eip == 0xFFFFFFF0;
  const std::uint16_t cs_attrib = is_ec2(s.vmm) && bsp ? 0x009A : 0x009B;
  const std::uint16_t ss_attrib = is_ec2(s.vmm) ? 0x0092 : 0x0093;
  const std::uint16_t tr_attrib = is_ec2(s.vmm) ? 0x0083 : 0x008B;
  put_segment<"ES">(v, 0, 0x0093, 0xFFFF, 0);
  put_segment<"DS">(v, 0, 0x0093, 0xFFFF, 0);
  put_segment<"FS">(v, 0, 0x0093, 0xFFFF, 0);
  put_segment<"GS">(v, 0, 0x0093, 0xFFFF, 0);
  put_segment<"CS">(v, 0xF000, cs_attrib, 0xFFFF, s.eip & 0xFFFF0000u);
  put_segment<"SS">(v, 0, ss_attrib, 0xFFFF, 0);
  put_segment<"GDTR">(v, 0, 0, 0xFFFF, 0);
  put_segment<"LDTR">(v, 0, 0x0082, 0xFFFF, 0);
  put_segment<"IDTR">(v, 0, 0, 0xFFFF, 0);
  put_segment<"TR">(v, 0, tr_attrib, 0xFFFF, 0);
  put<"EFER">(v, 0x1000);
  put<"CR4">(v, 0x40);
  put<"CR0">(v, 0x10);
  put<"DR7">(v, 0x400);
  put<"DR6">(v, 0xFFFF0FF0);
  put<"RFLAGS">(v, 0x2);
  put<"RIP">(v, s.eip & 0xFFFF);
  put<"G_PAT">(v, s.vmm == vmm_type::gce ? 0x00070106ull : 0x0007040600070406ull);
  put<"RDX">(v, reset_rdx(s.vmm, s.signature));
  put<"SEV_FEATURES">(v, s.sev_features);
  put<"XCR0">(v, 0x1);
  const bool fpu = s.vmm == vmm_type::qemu && s.fpu == fpu_init::modern;
  put<"MXCSR">(v, fpu ? 0x1F80 : 0);
  put<"X87_FCW">(v, fpu ? 0x037F : 0);
  return v;
}

// The VMSA QEMU gives every vCPU of a Coconut-SVSM guest: 32-bit protected mode (CR0.PE) at the
// SVSM entry point with flat segments, SEV_FEATURES 0x1. FCW stays 0 (QEMU and sev-snp-measure's
// SVSM path leave it; the reference's hardware-derived vectors confirm it); MXCSR as `fpu`.
constexpr std::array<byte, 0x1000> build_svsm_vmsa(std::uint32_t eip, std::uint32_t signature, fpu_init fpu) {
  using detail::put;
  using detail::put_segment;
  std::array<byte, 0x1000> v{};
  put_segment<"ES">(v, 0x10, 0x0C93, 0xFFFFFFFF, 0);
  put_segment<"SS">(v, 0x10, 0x0C93, 0xFFFFFFFF, 0);
  put_segment<"DS">(v, 0x10, 0x0C93, 0xFFFFFFFF, 0);
  put_segment<"FS">(v, 0x10, 0x0C93, 0xFFFFFFFF, 0);
  put_segment<"CS">(v, 0x8, 0x0C9B, 0xFFFFFFFF, 0);
  put_segment<"GS">(v, 0, 0x0093, 0xFFFF, 0);
  put_segment<"GDTR">(v, 0, 0, 0xFFFF, 0);
  put_segment<"LDTR">(v, 0, 0x0082, 0xFFFF, 0);
  put_segment<"IDTR">(v, 0, 0, 0xFFFF, 0);
  put_segment<"TR">(v, 0, 0x008B, 0xFFFF, 0);
  put<"EFER">(v, 0x1000);
  put<"CR4">(v, 0x40);
  put<"CR0">(v, 0x11);
  put<"DR7">(v, 0x400);
  put<"DR6">(v, 0xFFFF0FF0);
  put<"RFLAGS">(v, 0x2);
  put<"RIP">(v, eip);
  put<"G_PAT">(v, 0x0007040600070406ull);
  put<"RDX">(v, signature);
  put<"SEV_FEATURES">(v, 0x1);
  put<"XCR0">(v, 0x1);
  put<"MXCSR">(v, fpu == fpu_init::modern ? 0x1F80 : 0);
  return v;
}

static_assert(build_svsm_vmsa(0x12345678, 0, fpu_init::modern).at(0x17B) == 0x12);  // full 32-bit RIP
static_assert(build_svsm_vmsa(0, 0, fpu_init::modern).at(0x410) == 0);              // FCW 0

static_assert(build_vmsa({}).at(0x178) == 0xF0 && build_vmsa({}).at(0x179) == 0xFF);            // BSP RIP 0xFFF0
static_assert(build_vmsa({}).at(0x012) == 0x9B && build_vmsa({0x0080B004}).at(0x01A) == 0x80);  // CS attrib, base

// SEV_FEATURES bits (SNP guest features), for -v output and validation of --guest-features.
struct feature_bit {
  unsigned bit;
  std::string_view name;
  bool searched = true;  // varied by `explain` (every combination of these: each bit doubles the search)
};
inline constexpr feature_bit guest_feature_bits[] = {
    {0, "SNPActive"},
    {1, "vTOM"},
    {2, "ReflectVC"},
    {3, "RestrictedInjection"},
    {4, "AlternateInjection"},
    {5, "DebugSwap"},
    {6, "PreventHostIBS"},
    {7, "BTBIsolation"},
    {8, "VmplSSS"},
    {9, "SecureTSC"},
    {10, "VmgexitParameter"},
    {12, "IbsVirtualization"},
    {14, "VmsaRegProt"},
    {15, "SmtProtection"},
    {16, "SecureAVIC", false},  // Linux's SVM_SEV_FEAT_SECURE_AVIC; accepted, not yet searched by explain
};
inline constexpr std::uint64_t known_guest_features = [] {
  std::uint64_t m = 0;
  for (const auto& f : guest_feature_bits) m |= std::uint64_t{1} << f.bit;
  return m;
}();
inline constexpr std::uint64_t searched_guest_features = [] {
  std::uint64_t m = 0;
  for (const auto& f : guest_feature_bits)
    if (f.searched) m |= std::uint64_t{1} << f.bit;
  return m;
}();

}  // namespace sevproof::measure
