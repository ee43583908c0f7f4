// Fixed binary layouts declared as data: one table of fields per AMD structure.
//
// The same table drives parsing, the text display, the JSON output and the web page's field list,
// so no field is named twice. Tables are constexpr, and `tiles()` lets each layout prove at compile
// time that its fields are ascending, do not overlap and leave no undeclared gap.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <initializer_list>
#include <string_view>

namespace sevproof::layout {

// How a field's bytes are to be understood (drives display and JSON).
enum class kind : std::uint8_t {
  u8,
  u16,
  u32,
  u64,                // little-endian unsigned integer
  bytes,              // opaque bytes, shown as lowercase hex
  reserved,           // must be zero (MBZ)
  tcb,                // TCB_VERSION (8 bytes; layout depends on the product)
  guest_policy,       // SNP guest policy (u64 bit field)
  platform_info,      // PLATFORM_INFO (u64 bit field)
  key_info,           // KEY_INFO / signer info (u32 bit field)
  signature_algo,     // u32 enumeration
  mitigation_vector,  // u64 bit mask (v5)
  ecdsa_signature,    // r, s as 72-byte little-endian integers + reserved tail
};

// A set of structure versions (bit n = version n), so one table describes every version.
using version_set = std::uint32_t;
constexpr version_set versions(std::initializer_list<unsigned> vs) {
  version_set s = 0;
  for (unsigned v : vs) s |= version_set{1} << v;
  return s;
}
constexpr version_set all_versions = ~version_set{0};

struct field {
  std::string_view name;  // AMD's spec name, UPPER_SNAKE_CASE
  std::size_t offset;
  std::size_t size;
  kind type;
  version_set present_in = all_versions;
  std::string_view description = {};  // one short sentence for readers who never read the ABI spec

  [[nodiscard]] constexpr std::size_t end() const { return offset + size; }
  [[nodiscard]] constexpr bool in(unsigned version) const {
    return version < 32 && ((present_in >> version) & 1u) != 0;
  }
  [[nodiscard]] constexpr bool must_be_zero() const { return type == kind::reserved; }
};

template <std::size_t N>
struct table {
  std::string_view structure;  // "report", "PAGE_INFO", ...
  std::size_t size;            // total size in bytes
  std::array<field, N> fields;
};

// Builds a table from a brace list, deducing the number of fields.
template <std::size_t N>
constexpr table<N> make_table(std::string_view structure, std::size_t size, const field (&fields)[N]) {
  table<N> t{structure, size, {}};
  for (std::size_t i = 0; i < N; ++i) t.fields[i] = fields[i];
  return t;
}

// True when the fields present in `version` cover [0, size) exactly: ascending, no overlap, no gap.
template <std::size_t N>
constexpr bool tiles(const table<N>& t, unsigned version = 0) {
  std::size_t cursor = 0;
  for (const field& f : t.fields) {
    if (version != 0 && !f.in(version)) continue;
    if (f.size == 0 || f.offset != cursor) return false;
    cursor = f.end();
  }
  return cursor == t.size;
}

// The field called `name` that exists in `version` (0 = any). Unknown names do not compile when
// used in a constant expression, and throw otherwise.
template <std::size_t N>
constexpr const field& find(const table<N>& t, std::string_view name, unsigned version = 0) {
  for (const field& f : t.fields)
    if (f.name == name && (version == 0 || f.in(version))) return f;
  throw std::logic_error("sevproof::layout: no such field");
}

template <std::size_t N>
constexpr std::size_t offset_of(const table<N>& t, std::string_view name) {
  return find(t, name).offset;
}

template <std::size_t N>
constexpr std::size_t size_of(const table<N>& t, std::string_view name) {
  return find(t, name).size;
}

// True when no two fields share a name within one version (names are the JSON keys).
template <std::size_t N>
constexpr bool unique_names(const table<N>& t, unsigned version) {
  for (std::size_t i = 0; i < N; ++i) {
    const field& a = t.fields[i];
    if (!a.in(version) || a.type == kind::reserved) continue;
    for (std::size_t j = i + 1; j < N; ++j)
      if (t.fields[j].in(version) && t.fields[j].name == a.name) return false;
  }
  return true;
}

}  // namespace sevproof::layout
