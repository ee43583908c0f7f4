// PAGE_INFO (SNP firmware ABI, SNP_LAUNCH_UPDATE): the 0x70-byte structure whose SHA-384 is the
// next launch digest. Declared as a layout table and checked at compile time like the report.
#pragma once

#include <array>
#include <cstdint>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/layout.hpp"

namespace sevproof::measure {

inline constexpr layout::field page_info_field_list[] = {
    {"DIGEST_CUR", 0x00, 48, layout::kind::bytes, layout::all_versions, "launch digest before this page"},
    {"CONTENTS", 0x30, 48, layout::kind::bytes, layout::all_versions, "SHA-384 of the page (NORMAL, VMSA), else zero"},
    {"LENGTH", 0x60, 2, layout::kind::u16, layout::all_versions, "0x70, the size of this structure"},
    {"PAGE_TYPE", 0x62, 1, layout::kind::u8, layout::all_versions,
     "NORMAL 1, VMSA 2, ZERO 3, UNMEASURED 4, SECRETS 5, CPUID 6"},
    {"IMI_PAGE", 0x63, 1, layout::kind::u8, layout::all_versions, "bit 0: page of a migration image"},
    {"VMPL3_PERMS", 0x64, 1, layout::kind::u8},
    {"VMPL2_PERMS", 0x65, 1, layout::kind::u8},
    {"VMPL1_PERMS", 0x66, 1, layout::kind::u8},
    {"RESERVED_67", 0x67, 1, layout::kind::reserved},
    {"GPA", 0x68, 8, layout::kind::u64, layout::all_versions, "guest physical address of the page"},
};
inline constexpr auto page_info = layout::make_table("PAGE_INFO", 0x70, page_info_field_list);
static_assert(layout::tiles(page_info), "PAGE_INFO fields must tile 0x00-0x70");
static_assert(layout::offset_of(page_info, "CONTENTS") == 0x30 && layout::offset_of(page_info, "GPA") == 0x68);

enum class page_type : std::uint8_t { normal = 1, vmsa = 2, zero = 3, unmeasured = 4, secrets = 5, cpuid = 6 };

using digest384 = std::array<byte, 48>;

namespace detail {
inline constexpr std::size_t pi_digest_cur = layout::offset_of(page_info, "DIGEST_CUR");
inline constexpr std::size_t pi_contents = layout::offset_of(page_info, "CONTENTS");
inline constexpr std::size_t pi_length = layout::offset_of(page_info, "LENGTH");
inline constexpr std::size_t pi_page_type = layout::offset_of(page_info, "PAGE_TYPE");
inline constexpr std::size_t pi_gpa = layout::offset_of(page_info, "GPA");
}  // namespace detail

// The offsets are resolved at compile time: this runs once per measured page (millions of times
// when `explain` searches vCPU counts).
constexpr std::array<byte, 0x70> make_page_info(const digest384& current, const digest384& contents, page_type type,
                                                std::uint64_t gpa) {
  std::array<byte, 0x70> p{};
  for (std::size_t i = 0; i < 48; ++i) {
    p[detail::pi_digest_cur + i] = current[i];
    p[detail::pi_contents + i] = contents[i];
  }
  store_le<std::uint16_t>(p, detail::pi_length, 0x70);
  p[detail::pi_page_type] = static_cast<byte>(type);
  store_le<std::uint64_t>(p, detail::pi_gpa, gpa);
  return p;
}

static_assert(make_page_info({}, {}, page_type::vmsa, 0xFFFFFFFFF000ull)[0x62] == 2);
static_assert(make_page_info({}, {}, page_type::vmsa, 0xFFFFFFFFF000ull)[0x60] == 0x70);
static_assert(make_page_info({}, {}, page_type::vmsa, 0xFFFFFFFFF000ull)[0x69] == 0xF0);

}  // namespace sevproof::measure
