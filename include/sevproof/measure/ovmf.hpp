// The OVMF firmware image as the launch measurement sees it: where it sits in guest memory, its
// GUIDed footer table (read backwards from the end), and its SEV metadata sections.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/guid.hpp"

namespace sevproof::measure {

inline constexpr std::uint64_t page_size = 0x1000;

namespace ovmf_guid {
inline constexpr guid footer = "96b582de-1fb2-45f7-baea-a366c55a082d"_guid;
inline constexpr guid sev_es_reset_block = "00f771de-1a7e-4fcb-890e-68c77e2fb44e"_guid;
inline constexpr guid sev_hash_table = "7255371f-3a3b-4b04-927b-1da6efa8d454"_guid;
inline constexpr guid sev_secret = "4c2eb361-7d9b-4cc3-8081-127c90d3d294"_guid;
inline constexpr guid sev_metadata = "dc886566-984a-4798-a75e-5585a7bf67cc"_guid;
inline constexpr guid svsm_info = "a789a612-0597-4c4b-a49f-cbb1fe9d1ddd"_guid;
}  // namespace ovmf_guid

enum class section_type : std::uint32_t { sec_mem = 1, secrets = 2, cpuid = 3, svsm_caa = 4, kernel_hashes = 0x10 };

constexpr const char* section_name(section_type t) {
  switch (t) {
    case section_type::sec_mem:
      return "SNP_SEC_MEM";
    case section_type::secrets:
      return "SNP_SECRETS";
    case section_type::cpuid:
      return "CPUID";
    case section_type::svsm_caa:
      return "SVSM_CAA";
    case section_type::kernel_hashes:
      return "SNP_KERNEL_HASHES";
  }
  return "?";
}

struct metadata_section {
  std::uint32_t gpa = 0, size = 0;
  section_type type = section_type::sec_mem;
};

struct table_entry {
  guid id;
  bytes data;
};

struct ovmf_image {
  bytes data;                        // the file, whole
  std::uint64_t gpa = 0;             // where byte 0 sits: the image ends at 4 GiB
  std::vector<table_entry> entries;  // footer table, in file order
  bool has_footer = false;
  std::optional<std::vector<metadata_section>> sev_metadata;  // absent: no SEV metadata entry

  [[nodiscard]] const table_entry* entry(const guid& g) const {
    for (const auto& e : entries)  // the occurrence nearest the start of the table wins
      if (e.id == g) return &e;
    return nullptr;
  }
  [[nodiscard]] std::optional<std::uint32_t> u32_entry(const guid& g, std::size_t at = 0) const {
    const auto* e = entry(g);
    if (e == nullptr || e->data.size() < at + 4) return std::nullopt;
    return load_le<std::uint32_t>(e->data, at);
  }
  // AP reset vector from the SEV-ES reset block (needed for every VMSA).
  [[nodiscard]] std::optional<std::uint32_t> ap_reset_eip() const { return u32_entry(ovmf_guid::sev_es_reset_block); }
  // Kernel hashes table GPA and size (both 0 in builds without kernel-hash support).
  [[nodiscard]] std::optional<std::uint32_t> hash_table_gpa() const { return u32_entry(ovmf_guid::sev_hash_table, 0); }
  [[nodiscard]] std::optional<std::uint32_t> hash_table_size() const { return u32_entry(ovmf_guid::sev_hash_table, 4); }
  [[nodiscard]] bool has_section(section_type t) const {
    if (!sev_metadata) return false;
    for (const auto& s : *sev_metadata)
      if (s.type == t) return true;
    return false;
  }
};

// Parses an OVMF image. Images without a footer table are valid (no entries); a malformed table or
// metadata is an error naming the field and its file offset.
inline result<ovmf_image> parse_ovmf(bytes data) {
  ovmf_image img;
  const std::size_t n = data.size();
  const std::string s = "OVMF";
  if (n == 0) return error{s, "size", std::nullopt, "is 0 bytes"};
  // An IGVM file (COCONUT-SVSM, OpenHCL, Cloud Hypervisor) describes its own pages and VMSAs: its launch digest is
  // not the one of an OVMF image of the same bytes, so it is named rather than measured.
  if (n >= 4 && data[0] == 'I' && data[1] == 'G' && data[2] == 'V' && data[3] == 'M')
    return error{s, "magic", 0,
                 "is \"IGVM\": this is an IGVM file, not an OVMF firmware image. sevproof measures OVMF images "
                 "(.fd); an IGVM launch is measured from its own page directives (e.g. igvmmeasure)"};
  if (n % page_size != 0)
    return error{s, "size", std::nullopt,
                 "is " + std::to_string(n) + " bytes, not a multiple of 4096 (is this a firmware image?)"};
  if (n > 0x1000'0000)
    return error{s, "size", std::nullopt, "is larger than 256 MiB; firmware ends at 4 GiB and must fit below it"};
  img.gpa = 0x1'0000'0000ull - n;

  // Footer entry: u16 total length + GUID, 50 bytes before the end (the last 32 are the reset vector).
  if (n >= 50) {
    const std::size_t footer_at = n - 50;
    const auto g = guid::from_efi_bytes(subview(data, footer_at + 2, 16));
    if (g == ovmf_guid::footer) {
      img.has_footer = true;
      const std::size_t total = load_le<std::uint16_t>(data, footer_at);
      if (total < 18 || total - 18 > footer_at)
        return error{s, "footer table length", footer_at, "is " + std::to_string(total) + ", outside the image"};
      std::size_t end = footer_at;  // exclusive end of the remaining table body
      const std::size_t begin = footer_at - (total - 18);
      std::vector<table_entry> reversed;
      while (end - begin >= 18) {
        const std::size_t header = end - 18;
        const std::size_t len = load_le<std::uint16_t>(data, header);
        if (len < 18 || len > end - begin)
          return error{s, "footer table entry length", header,
                       "is " + std::to_string(len) + " (must be 18..remaining table size)"};
        const auto id = guid::from_efi_bytes(subview(data, header + 2, 16));
        const auto body = subview(data, end - len, len - 18);
        reversed.push_back({id, bytes(body.begin(), body.end())});
        end -= len;
      }
      img.entries.assign(reversed.rbegin(), reversed.rend());
    }
  }

  // SEV metadata: "ASEV" header at (file size - offset) with {gpa, size, type} descriptors.
  if (const auto off = img.u32_entry(ovmf_guid::sev_metadata)) {
    if (*off < 16 || *off > n)
      return error{s, "SEV metadata offset", std::nullopt,
                   "is " + std::to_string(*off) + " from the end, outside the image"};
    const std::size_t at = n - *off;
    if (!(data[at] == 'A' && data[at + 1] == 'S' && data[at + 2] == 'E' && data[at + 3] == 'V'))
      return error{s, "SEV metadata signature", at, "is not 'ASEV'"};
    const auto version = load_le<std::uint32_t>(data, at + 8);
    if (version != 1)
      return error{s, "SEV metadata version", at + 8, "is " + std::to_string(version) + "; only 1 is defined"};
    const auto count = load_le<std::uint32_t>(data, at + 12);
    if (count > (n - at - 16) / 12)
      return error{s, "SEV metadata section count", at + 12,
                   "is " + std::to_string(count) + ", more than fit in the image"};
    std::vector<metadata_section> sections;
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::size_t d = at + 16 + 12 * i;
      metadata_section sec{load_le<std::uint32_t>(data, d), load_le<std::uint32_t>(data, d + 4), section_type::sec_mem};
      const auto type = load_le<std::uint32_t>(data, d + 8);
      if (type != 1 && type != 2 && type != 3 && type != 4 && type != 0x10)
        return error{s, "SEV metadata section #" + std::to_string(i + 1) + " type", d + 8,
                     "is " + std::to_string(type) + "; known: 1, 2, 3, 4, 0x10"};
      sec.type = static_cast<section_type>(type);
      if (sec.gpa % page_size != 0 || sec.size % page_size != 0)
        return error{
            s, "SEV metadata section #" + std::to_string(i + 1), d,
            "is not 4 KiB aligned (gpa " + std::to_string(sec.gpa) + ", size " + std::to_string(sec.size) + ")"};
      sections.push_back(sec);
    }
    img.sev_metadata = std::move(sections);
  }
  img.data = std::move(data);
  return img;
}

}  // namespace sevproof::measure
