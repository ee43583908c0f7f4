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
    {"ES", 0x000, 16, kind::bytes}, {"CS", 0x010, 16, kind::bytes}, {"SS", 0x020, 16, kind::bytes},
    {"DS", 0x030, 16, kind::bytes}, {"FS", 0x040, 16, kind::bytes}, {"GS", 0x050, 16, kind::bytes},
    {"GDTR", 0x060, 16, kind::bytes}, {"LDTR", 0x070, 16, kind::bytes}, {"IDTR", 0x080, 16, kind::bytes},
    {"TR", 0x090, 16, kind::bytes},
    {"UNSET_0A0", 0x0A0, 0x30, kind::reserved},  // VMPL, CPL and friends: zero at reset
    {"EFER", 0x0D0, 8, kind::u64},
    {"UNSET_0D8", 0x0D8, 0x70, kind::reserved},
    {"CR4", 0x148, 8, kind::u64}, {"CR3", 0x150, 8, kind::u64}, {"CR0", 0x158, 8, kind::u64},
    {"DR7", 0x160, 8, kind::u64}, {"DR6", 0x168, 8, kind::u64}, {"RFLAGS", 0x170, 8, kind::u64},
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
static_assert(layout::offset_of(vmsa_layout, "SEV_FEATURES") == 0x3B0 && layout::offset_of(vmsa_layout, "RDX") == 0x310);
static_assert(layout::offset_of(vmsa_layout, "G_PAT") == 0x268 && layout::offset_of(vmsa_layout, "X87_FCW") == 0x410);

enum class vmm_type : std::uint8_t { qemu, ec2, gce };

constexpr std::string_view vmm_name(vmm_type v) { return v == vmm_type::qemu ? "QEMU" : v == vmm_type::ec2 ? "ec2" : "gce"; }

// How the host initialised the x87/SSE state in the VMSA: newer kernels (and sev-snp-measure) set
// MXCSR 0x1F80 and FCW 0x037F; older kernels (and libvirt's validator) leave both zero.
enum class fpu_init : std::uint8_t { modern, zero };

struct vcpu_start {
  std::uint32_t eip = 0xFFFFFFF0;   // BSP reset vector; APs start at the OVMF SEV-ES reset block
  std::uint32_t signature = 0;      // CPUID 1 EAX (QEMU); ec2/gce use their own
  std::uint64_t sev_features = 0;
  vmm_type vmm = vmm_type::qemu;
  fpu_init fpu = fpu_init::modern;
};

namespace detail {
constexpr void put_segment(std::array<byte, 0x1000>& v, std::string_view name, std::uint16_t selector, std::uint16_t attrib,
                           std::uint32_t limit, std::uint64_t base) {
  const auto at = layout::offset_of(vmsa_layout, name);
  store_le<std::uint16_t>(v, at, selector);
  store_le<std::uint16_t>(v, at + 2, attrib);
  store_le<std::uint32_t>(v, at + 4, limit);
  store_le<std::uint64_t>(v, at + 8, base);
}
constexpr void put(std::array<byte, 0x1000>& v, std::string_view name, std::uint64_t value) {
  const auto& f = layout::find(vmsa_layout, name);
  for (std::size_t i = 0; i < f.size; ++i) v[f.offset + i] = static_cast<byte>(value >> (8 * i));
}
}  // namespace detail

constexpr std::array<byte, 0x1000> build_vmsa(const vcpu_start& s) {
  using detail::put;
  using detail::put_segment;
  std::array<byte, 0x1000> v{};
  const bool bsp = s.eip == 0xFFFFFFF0;
  const std::uint16_t cs_attrib = s.vmm == vmm_type::ec2 && bsp ? 0x009A : 0x009B;
  const std::uint16_t ss_attrib = s.vmm == vmm_type::ec2 ? 0x0092 : 0x0093;
  const std::uint16_t tr_attrib = s.vmm == vmm_type::ec2 ? 0x0083 : 0x008B;
  for (auto seg : {"ES", "DS", "FS", "GS"}) put_segment(v, seg, 0, 0x0093, 0xFFFF, 0);
  put_segment(v, "CS", 0xF000, cs_attrib, 0xFFFF, s.eip & 0xFFFF0000u);
  put_segment(v, "SS", 0, ss_attrib, 0xFFFF, 0);
  put_segment(v, "GDTR", 0, 0, 0xFFFF, 0);
  put_segment(v, "LDTR", 0, 0x0082, 0xFFFF, 0);
  put_segment(v, "IDTR", 0, 0, 0xFFFF, 0);
  put_segment(v, "TR", 0, tr_attrib, 0xFFFF, 0);
  put(v, "EFER", 0x1000);
  put(v, "CR4", 0x40);
  put(v, "CR0", 0x10);
  put(v, "DR7", 0x400);
  put(v, "DR6", 0xFFFF0FF0);
  put(v, "RFLAGS", 0x2);
  put(v, "RIP", s.eip & 0xFFFF);
  put(v, "G_PAT", s.vmm == vmm_type::gce ? 0x00070106ull : 0x0007040600070406ull);
  put(v, "RDX", s.vmm == vmm_type::qemu ? s.signature : 0x600);
  put(v, "SEV_FEATURES", s.sev_features);
  put(v, "XCR0", 0x1);
  const bool fpu = s.vmm == vmm_type::qemu && s.fpu == fpu_init::modern;
  put(v, "MXCSR", fpu ? 0x1F80 : 0);
  put(v, "X87_FCW", fpu ? 0x037F : 0);
  return v;
}

static_assert(build_vmsa({}).at(0x178) == 0xF0 && build_vmsa({}).at(0x179) == 0xFF);   // BSP RIP 0xFFF0
static_assert(build_vmsa({}).at(0x012) == 0x9B && build_vmsa({0x0080B004}).at(0x01A) == 0x80);  // CS attrib, base

// SEV_FEATURES bits (SNP guest features), for -v output and validation of --guest-features.
struct feature_bit {
  unsigned bit;
  std::string_view name;
};
inline constexpr feature_bit guest_feature_bits[] = {
    {0, "SNPActive"}, {1, "vTOM"}, {2, "ReflectVC"}, {3, "RestrictedInjection"}, {4, "AlternateInjection"},
    {5, "DebugSwap"}, {6, "PreventHostIBS"}, {7, "BTBIsolation"}, {8, "VmplSSS"}, {9, "SecureTSC"},
    {10, "VmgexitParameter"}, {12, "IbsVirtualization"}, {14, "VmsaRegProt"}, {15, "SmtProtection"},
};
inline constexpr std::uint64_t known_guest_features = [] {
  std::uint64_t m = 0;
  for (const auto& f : guest_feature_bits) m |= std::uint64_t{1} << f.bit;
  return m;
}();

}  // namespace sevproof::measure
