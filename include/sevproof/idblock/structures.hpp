// SNP_LAUNCH_FINISH inputs (SNP firmware ABI): the ID block (0x60), the ID authentication
// information (0x1000), the AMD public-key structure (0x404) and the signature structure (0x200),
// each declared as a layout table and checked at compile time.
#pragma once

#include "sevproof/core/layout.hpp"

namespace sevproof::idblock {

using layout::kind;

inline constexpr layout::field id_block_fields[] = {
    {"LD", 0x00, 48, kind::bytes, layout::all_versions, "expected launch digest"},
    {"FAMILY_ID", 0x30, 16, kind::bytes},
    {"IMAGE_ID", 0x40, 16, kind::bytes},
    {"VERSION", 0x50, 4, kind::u32, layout::all_versions, "1"},
    {"GUEST_SVN", 0x54, 4, kind::u32},
    {"POLICY", 0x58, 8, kind::guest_policy},
};
inline constexpr auto id_block_layout = layout::make_table("ID_BLOCK", 0x60, id_block_fields);

inline constexpr layout::field id_auth_fields[] = {
    {"ID_KEY_ALGO", 0x000, 4, kind::u32, layout::all_versions, "1 = ECDSA P-384 with SHA-384"},
    {"AUTH_KEY_ALGO", 0x004, 4, kind::u32, layout::all_versions, "1 = ECDSA P-384 with SHA-384"},
    {"RESERVED_008", 0x008, 0x38, kind::reserved},
    {"ID_BLOCK_SIG", 0x040, 0x200, kind::ecdsa_signature, layout::all_versions, "ID key's signature over the ID block"},
    {"ID_KEY", 0x240, 0x404, kind::bytes, layout::all_versions, "public ID key"},
    {"RESERVED_644", 0x644, 0x3C, kind::reserved},
    {"ID_KEY_SIG", 0x680, 0x200, kind::ecdsa_signature, layout::all_versions, "author key's signature over ID_KEY"},
    {"AUTHOR_KEY", 0x880, 0x404, kind::bytes, layout::all_versions, "public author key"},
    {"RESERVED_C84", 0xC84, 0x37C, kind::reserved},
};
inline constexpr auto id_auth_layout = layout::make_table("ID_AUTH", 0x1000, id_auth_fields);

inline constexpr layout::field public_key_fields[] = {
    {"CURVE", 0x000, 4, kind::u32, layout::all_versions, "2 = P-384"},
    {"QX", 0x004, 72, kind::bytes, layout::all_versions, "x, little-endian, zero-extended"},
    {"QY", 0x04C, 72, kind::bytes, layout::all_versions, "y, little-endian, zero-extended"},
    {"RESERVED_094", 0x094, 0x404 - 0x094, kind::reserved},
};
inline constexpr auto public_key_layout = layout::make_table("public key", 0x404, public_key_fields);

inline constexpr layout::field signature_fields[] = {
    {"R", 0x000, 72, kind::bytes, layout::all_versions, "r, little-endian, zero-extended"},
    {"S", 0x048, 72, kind::bytes, layout::all_versions, "s, little-endian, zero-extended"},
    {"RESERVED_090", 0x090, 0x200 - 0x090, kind::reserved},
};
inline constexpr auto signature_layout = layout::make_table("signature", 0x200, signature_fields);

static_assert(layout::tiles(id_block_layout) && layout::tiles(id_auth_layout) && layout::tiles(public_key_layout) &&
              layout::tiles(signature_layout));
static_assert(layout::offset_of(id_block_layout, "POLICY") == 0x58);
static_assert(layout::offset_of(id_auth_layout, "ID_KEY") == 0x240 &&
              layout::offset_of(id_auth_layout, "AUTHOR_KEY") == 0x880);
static_assert(layout::offset_of(public_key_layout, "QY") == 0x4C);

inline constexpr std::uint32_t curve_p384 = 2;
inline constexpr std::uint32_t algo_ecdsa_p384_sha384 = 1;

}  // namespace sevproof::idblock
