// TCB_VERSION (8 bytes): security patch levels of the firmware components. Two byte layouts exist
// (Milan/Genoa, and Turin with FMC first); both are declared as layout tables and checked here.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sevproof/core/layout.hpp"
#include "sevproof/snp/product.hpp"

namespace sevproof::snp {

inline constexpr layout::field tcb_milan_genoa_fields[] = {
    {"BOOT_LOADER", 0, 1, layout::kind::u8, layout::all_versions, "SPL of the PSP boot loader"},
    {"TEE", 1, 1, layout::kind::u8, layout::all_versions, "SPL of the PSP operating system"},
    {"RESERVED", 2, 4, layout::kind::reserved},
    {"SNP", 6, 1, layout::kind::u8, layout::all_versions, "SPL of the SNP firmware"},
    {"MICROCODE", 7, 1, layout::kind::u8, layout::all_versions, "lowest microcode patch level of all cores"},
};
inline constexpr layout::field tcb_turin_fields[] = {
    {"FMC", 0, 1, layout::kind::u8, layout::all_versions, "SPL of the first mutable code"},
    {"BOOT_LOADER", 1, 1, layout::kind::u8, layout::all_versions, "SPL of the PSP boot loader"},
    {"TEE", 2, 1, layout::kind::u8, layout::all_versions, "SPL of the PSP operating system"},
    {"SNP", 3, 1, layout::kind::u8, layout::all_versions, "SPL of the SNP firmware"},
    {"RESERVED", 4, 3, layout::kind::reserved},
    {"MICROCODE", 7, 1, layout::kind::u8, layout::all_versions, "lowest microcode patch level of all cores"},
};
inline constexpr auto tcb_milan_genoa = layout::make_table("TCB_VERSION (Milan/Genoa)", 8, tcb_milan_genoa_fields);
inline constexpr auto tcb_turin = layout::make_table("TCB_VERSION (Turin)", 8, tcb_turin_fields);
static_assert(layout::tiles(tcb_milan_genoa) && layout::tiles(tcb_turin));
static_assert(layout::offset_of(tcb_milan_genoa, "SNP") == 6 && layout::offset_of(tcb_turin, "SNP") == 3);
static_assert(layout::offset_of(tcb_turin, "FMC") == 0 && layout::offset_of(tcb_turin, "MICROCODE") == 7);

// The components, decoded for one layout. fmc is present only on Turin.
struct tcb_version {
  std::optional<std::uint8_t> fmc;
  std::uint8_t bootloader = 0;
  std::uint8_t tee = 0;
  std::uint8_t snp = 0;
  std::uint8_t microcode = 0;
  std::uint64_t raw = 0;
  tcb_layout layout = tcb_layout::milan_genoa;

  friend constexpr bool operator==(const tcb_version&, const tcb_version&) = default;
};

constexpr std::uint8_t tcb_byte(std::uint64_t raw, std::size_t index) {
  return static_cast<std::uint8_t>(raw >> (8 * index));
}

constexpr tcb_version decode_tcb(std::uint64_t raw, tcb_layout l) {
  tcb_version t;
  t.raw = raw;
  t.layout = l;
  const auto at = [&](const auto& table, std::string_view name) {
    return tcb_byte(raw, layout::offset_of(table, name));
  };
  if (l == tcb_layout::turin) {
    t.fmc = at(tcb_turin, "FMC");
    t.bootloader = at(tcb_turin, "BOOT_LOADER");
    t.tee = at(tcb_turin, "TEE");
    t.snp = at(tcb_turin, "SNP");
    t.microcode = at(tcb_turin, "MICROCODE");
  } else {
    t.bootloader = at(tcb_milan_genoa, "BOOT_LOADER");
    t.tee = at(tcb_milan_genoa, "TEE");
    t.snp = at(tcb_milan_genoa, "SNP");
    t.microcode = at(tcb_milan_genoa, "MICROCODE");
  }
  return t;
}

// The reserved bytes of a TCB_VERSION in layout `l` (must be zero), as a mask over the raw value.
constexpr std::uint64_t tcb_reserved_mask(tcb_layout l) {
  const auto& f =
      l == tcb_layout::turin ? layout::find(tcb_turin, "RESERVED") : layout::find(tcb_milan_genoa, "RESERVED");
  std::uint64_t m = 0;
  for (std::size_t i = f.offset; i < f.offset + f.size; ++i) m |= std::uint64_t{0xFF} << (8 * i);
  return m;
}
static_assert(tcb_reserved_mask(tcb_layout::milan_genoa) == 0x0000FFFFFFFF0000ull);
static_assert(tcb_reserved_mask(tcb_layout::turin) == 0x00FFFFFF00000000ull);

// Examples from AMD-signed reports (spec/report-format.md §2).
static_assert(decode_tcb(0x7308000000000003ull, tcb_layout::milan_genoa).snp == 8);
static_assert(decode_tcb(0x7308000000000003ull, tcb_layout::milan_genoa).microcode == 0x73);
static_assert(decode_tcb(0x4700000002000100ull, tcb_layout::turin).bootloader == 1);
static_assert(decode_tcb(0x4700000002000100ull, tcb_layout::turin).snp == 2);
static_assert(decode_tcb(0x4700000002000100ull, tcb_layout::turin).fmc == 0);

}  // namespace sevproof::snp
