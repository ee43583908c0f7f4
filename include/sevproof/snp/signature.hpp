// The report's signature block: r and s as 72-byte little-endian integers at 0x2A0 and 0x2E8,
// then a reserved tail. P-384 needs 48 bytes, so bytes 48..71 of each half must be zero.
#pragma once

#include <array>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/snp/report.hpp"

namespace sevproof::snp {

struct ecdsa_p384_signature {
  std::array<byte, 48> r_be{};  // big-endian, as ECDSA APIs take them
  std::array<byte, 48> s_be{};
};

inline constexpr std::size_t signature_r_offset = 0x2A0;
inline constexpr std::size_t signature_s_offset = 0x2E8;
inline constexpr std::size_t signature_component_size = 72;
inline constexpr std::size_t signature_tail_offset = 0x330;

// The signature block's must-be-zero bytes: bytes 48..71 of R and of S (a P-384 component fits in 48 of its 72
// little-endian bytes) and the reserved tail. Each finding names the part and the offset of its first non-zero byte.
// The reader lints them with the other reserved fields (V017, --strict); read_signature refuses them.
inline std::vector<error> signature_mbz_findings(bytes_view raw) {
  struct part {
    const char* name;
    std::size_t offset, size;
    const char* why;
  };
  std::vector<error> out;
  for (const part& p :
       {part{"SIGNATURE.R", signature_r_offset + 48, signature_component_size - 48,
             "has non-zero bytes above bit 383; a P-384 component fits in 48 of its 72 little-endian bytes"},
        part{"SIGNATURE.S", signature_s_offset + 48, signature_component_size - 48,
             "has non-zero bytes above bit 383; a P-384 component fits in 48 of its 72 little-endian bytes"},
        part{"SIGNATURE reserved tail", signature_tail_offset, report_size - signature_tail_offset,
             "is non-zero (must be zero)"}}) {
    const bytes_view range = subview(raw, p.offset, p.size);
    if (const auto i = first_nonzero(range); i < range.size()) out.push_back({"report", p.name, p.offset + i, p.why});
  }
  return out;
}

inline result<ecdsa_p384_signature> read_signature(const report& rep) {
  const bytes_view raw = rep.raw();
  if (auto mbz = signature_mbz_findings(raw); !mbz.empty()) return mbz.front();
  ecdsa_p384_signature sig;
  struct part {
    const char* name;
    std::size_t offset;
    std::array<byte, 48>* out;
  };
  for (const part& p :
       {part{"SIGNATURE.R", signature_r_offset, &sig.r_be}, part{"SIGNATURE.S", signature_s_offset, &sig.s_be}}) {
    const bytes_view le = subview(raw, p.offset, 48);
    if (all_zero(le))
      return error{"report", p.name, p.offset, "is zero; the report is unsigned (or its signature was masked)"};
    for (std::size_t i = 0; i < 48; ++i) (*p.out)[i] = le[47 - i];
  }
  return sig;
}

}  // namespace sevproof::snp
