// Which AMD product (generation) a report comes from, and what follows from it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sevproof::snp {

enum class product : std::uint8_t { milan, genoa, turin };

// Byte layout of TCB_VERSION: Milan and Genoa share one, Turin added the FMC byte in front.
enum class tcb_layout : std::uint8_t { milan_genoa, turin };

constexpr std::string_view product_name(product p) {
  switch (p) {
    case product::milan:
      return "Milan";
    case product::genoa:
      return "Genoa";
    case product::turin:
      return "Turin";
  }
  return "?";
}

constexpr tcb_layout layout_of(product p) { return p == product::turin ? tcb_layout::turin : tcb_layout::milan_genoa; }

// "milan", "Milan", "MILAN" -> milan; also Bergamo and Siena, which use Genoa's KDS product.
constexpr std::optional<product> product_from_name(std::string_view s) {
  auto eq = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      char c = a[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      if (c != b[i]) return false;
    }
    return true;
  };
  if (eq(s, "milan")) return product::milan;
  if (eq(s, "genoa") || eq(s, "bergamo") || eq(s, "siena")) return product::genoa;
  if (eq(s, "turin")) return product::turin;
  return std::nullopt;
}

// What is wrong with a product name as typed (--product, a batch line's "product", the page), or nothing: one
// sentence wherever a product is read.
inline std::optional<std::string> product_name_problem(std::string_view text) {
  if (product_from_name(text)) return std::nullopt;
  return std::string(text) + ": use milan, genoa or turin";
}

// From the combined CPUID family/model a v3+ report carries (AMD's KDS product mapping).
constexpr std::optional<product> product_from_cpuid(std::uint8_t family, std::uint8_t model) {
  if (family == 0x19) {
    if (model <= 0x0F) return product::milan;
    if ((model >= 0x10 && model <= 0x1F) || (model >= 0xA0 && model <= 0xAF)) return product::genoa;
  }
  if (family == 0x1A && model <= 0x11) return product::turin;
  return std::nullopt;
}

static_assert(product_from_cpuid(0x19, 0x01) == product::milan);
static_assert(product_from_cpuid(0x19, 0x11) == product::genoa);
static_assert(product_from_cpuid(0x19, 0xA0) == product::genoa);
static_assert(product_from_cpuid(0x1A, 0x02) == product::turin);
static_assert(!product_from_cpuid(0x17, 0x31));

}  // namespace sevproof::snp
