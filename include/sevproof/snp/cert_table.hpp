// The certificate table of an extended report (GHCB SNP_EXT_GUEST_REQUEST; Linux configfs-tsm
// "auxblob"): 24-byte entries {GUID, offset u32, length u32} ended by an all-zero entry, with the
// certificates (DER) or CRL at the given offsets of the same buffer.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/guid.hpp"

namespace sevproof::snp {

enum class cert_role : std::uint8_t { ark, ask, vcek, vlek, crl, unknown };

inline constexpr guid guid_ark = "c0b406a4-a803-4952-9743-3fb6014cd0ae"_guid;
inline constexpr guid guid_ask = "4ab7b379-bbac-4fe4-a02f-05aef327c782"_guid;  // also carries the ASVK
inline constexpr guid guid_vcek = "63da758d-e664-4564-adc5-f4b93be8accd"_guid;
inline constexpr guid guid_vlek = "a8074bc2-a25a-483e-aae6-39c045a0b8a1"_guid;
inline constexpr guid guid_crl = "92f81bc3-5811-4d3d-97ff-d19f88dc67ea"_guid;
static_assert(guid_vlek.b[0] == 0xa8 && guid_vlek.b[1] == 0x07 && guid_vlek.b[15] == 0xa1, "RFC 4122 byte order");

constexpr cert_role role_of(const guid& g) {
  if (g == guid_ark) return cert_role::ark;
  if (g == guid_ask) return cert_role::ask;
  if (g == guid_vcek) return cert_role::vcek;
  if (g == guid_vlek) return cert_role::vlek;
  if (g == guid_crl) return cert_role::crl;
  return cert_role::unknown;
}

constexpr std::string_view role_name(cert_role r) {
  switch (r) {
    case cert_role::ark:
      return "ARK";
    case cert_role::ask:
      return "ASK";
    case cert_role::vcek:
      return "VCEK";
    case cert_role::vlek:
      return "VLEK";
    case cert_role::crl:
      return "CRL";
    case cert_role::unknown:
      return "unknown";
  }
  return "?";
}

struct cert_table_entry {
  guid id;
  cert_role role = cert_role::unknown;
  std::uint32_t offset = 0;
  std::uint32_t length = 0;
  bytes data;  // the certificate (or CRL) bytes
};

inline constexpr std::size_t cert_table_entry_size = 24;

inline result<std::vector<cert_table_entry>> parse_cert_table(bytes_view buf) {
  std::vector<cert_table_entry> out;
  const std::string s = "cert-table";
  std::size_t pos = 0;
  for (;; pos += cert_table_entry_size) {
    if (pos > buf.size() || buf.size() - pos < cert_table_entry_size)
      return error{s, "entry #" + std::to_string(out.size() + 1), pos,
                   "runs past the end of the " + std::to_string(buf.size()) +
                       "-byte buffer; the table must end with an all-zero entry"};
    const auto g = guid::from_bytes(subview(buf, pos, 16));
    const auto off = load_le<std::uint32_t>(buf, pos + 16);
    const auto len = load_le<std::uint32_t>(buf, pos + 20);
    if (g.is_zero() && off == 0 && len == 0) break;
    if (g.is_zero())
      return error{s, "entry #" + std::to_string(out.size() + 1) + " GUID", pos, "is zero but offset/length are not"};
    out.push_back({g, role_of(g), off, len, {}});
  }
  const std::size_t table_end = pos + cert_table_entry_size;
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto& e = out[i];
    const std::size_t at = i * cert_table_entry_size;
    const std::string name = "entry #" + std::to_string(i + 1) + " (" + std::string(role_name(e.role)) + ")";
    if (e.length == 0) return error{s, name + " LENGTH", at + 20, "is zero"};
    if (e.offset < table_end)
      return error{
          s, name + " OFFSET", at + 16,
          "is " + std::to_string(e.offset) + ", inside the table (which ends at " + std::to_string(table_end) + ")"};
    if (e.offset > buf.size() || e.length > buf.size() - e.offset)
      return error{s, name + " OFFSET+LENGTH", at + 16,
                   "is " + std::to_string(std::uint64_t{e.offset} + e.length) + ", past the " +
                       std::to_string(buf.size()) + "-byte buffer"};
    for (std::size_t j = 0; j < i; ++j)
      if (out[j].id == e.id) return error{s, name + " GUID", at, "repeats entry #" + std::to_string(j + 1)};
    const auto d = subview(buf, e.offset, e.length);
    e.data.assign(d.begin(), d.end());
  }
  return out;
}

}  // namespace sevproof::snp
