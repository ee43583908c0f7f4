// vCPU signatures (CPUID Fn0000_0001 EAX) for the CPU models QEMU names, as the VMSA's RDX carries.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sevproof::measure {

// family/model/stepping -> signature, with AMD's extended family and model encoding.
constexpr std::uint32_t cpu_signature(std::uint32_t family, std::uint32_t model, std::uint32_t stepping) {
  std::uint32_t base_family = family, ext_family = 0;
  if (family > 0xF) {
    base_family = 0xF;
    ext_family = (family - 0xF) & 0xFF;
  }
  return (ext_family << 20) | (((model >> 4) & 0xF) << 16) | (base_family << 8) | ((model & 0xF) << 4) |
         (stepping & 0xF);
}

struct vcpu_type {
  std::string_view name;
  std::uint32_t family, model, stepping;
};

// QEMU's AMD EPYC models and their versions. A version changes features and model-id, never family, model or
// stepping (target/i386/cpu.c; checked with QMP query-cpu-model-expansion on QEMU 10.0), so each version has its
// base model's signature. EPYC-v5, -Rome-v5, -Milan-v3, -Genoa-v2 and -Turin-v1 come with QEMU 10.1 and later.
inline constexpr vcpu_type vcpu_types[] = {
    {"EPYC", 23, 1, 2},           {"EPYC-v1", 23, 1, 2},        {"EPYC-v2", 23, 1, 2},
    {"EPYC-IBPB", 23, 1, 2},      {"EPYC-v3", 23, 1, 2},        {"EPYC-v4", 23, 1, 2},
    {"EPYC-v5", 23, 1, 2},        {"EPYC-Rome", 23, 49, 0},     {"EPYC-Rome-v1", 23, 49, 0},
    {"EPYC-Rome-v2", 23, 49, 0},  {"EPYC-Rome-v3", 23, 49, 0},  {"EPYC-Rome-v4", 23, 49, 0},
    {"EPYC-Rome-v5", 23, 49, 0},  {"EPYC-Milan", 25, 1, 1},     {"EPYC-Milan-v1", 25, 1, 1},
    {"EPYC-Milan-v2", 25, 1, 1},  {"EPYC-Milan-v3", 25, 1, 1},  {"EPYC-Genoa", 25, 17, 0},
    {"EPYC-Genoa-v1", 25, 17, 0}, {"EPYC-Genoa-v2", 25, 17, 0}, {"EPYC-Turin", 26, 0, 0},
    {"EPYC-Turin-v1", 26, 0, 0},
};

constexpr std::optional<std::uint32_t> vcpu_signature(std::string_view name) {
  for (const auto& t : vcpu_types)
    if (t.name == name) return cpu_signature(t.family, t.model, t.stepping);
  return std::nullopt;
}

// The name as the table spells it, for a name given in any case (Nova reads its cpu_models so), or nullopt.
constexpr std::optional<std::string_view> canonical_vcpu_type(std::string_view name) {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  for (const auto& t : vcpu_types) {
    const std::string_view n = t.name;
    if (n.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < n.size() && same; ++i) same = lower(n[i]) == lower(name[i]);
    if (same) return n;
  }
  return std::nullopt;
}

static_assert(cpu_signature(23, 1, 2) == 0x00800F12);
static_assert(cpu_signature(23, 49, 0) == 0x00830F10);
static_assert(cpu_signature(25, 1, 1) == 0x00A00F11);
static_assert(cpu_signature(25, 17, 0) == 0x00A10F10);
static_assert(cpu_signature(26, 0, 0) == 0x00B00F00);
static_assert(vcpu_signature("EPYC-Genoa") == 0x00A10F10u);
static_assert(canonical_vcpu_type("epyc-milan-v2") == std::string_view("EPYC-Milan-v2"));
static_assert(!canonical_vcpu_type("EPYC-Milan-v9"));

}  // namespace sevproof::measure
