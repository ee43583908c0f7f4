// A report described field by field, from the layout and bit tables: names, offsets, raw hex and
// decoded meaning. The CLI's text and JSON output and the web page are all rendered from this, so
// no field is named in two places.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/bitfield.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/layout.hpp"
#include "sevproof/snp/platform_info.hpp"
#include "sevproof/snp/policy.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/snp/signature.hpp"
#include "sevproof/snp/tcb.hpp"

namespace sevproof::snp {

// One decoded part of a field: a policy bit, a TCB component, r or s of the signature.
struct described_part {
  std::string name;  // AMD's name (UPPER_SNAKE_CASE)
  enum class type : std::uint8_t { flag, number, text } kind = type::flag;
  std::uint64_t number = 0;  // flag: 0/1; number: value
  std::string text;          // text parts (enumeration names, hex)
  std::string meaning;       // one sentence
};

struct described_field {
  std::string name;
  std::size_t offset = 0;
  std::size_t size = 0;
  layout::kind type = layout::kind::bytes;
  std::string hex;                      // bytes as stored, lowercase hex
  std::optional<std::uint64_t> number;  // integers and registers, little-endian value
  std::string summary;                  // short decoded form, e.g. "1.55.20" or "bootloader 3, tee 0, ..."
  std::string description;              // from the layout table
  std::vector<described_part> parts;
};

namespace detail {

template <std::size_t N>
void describe_bits(described_field& d, const bits::bit_field (&table)[N], std::uint64_t v) {
  std::string set;
  for (const auto& b : table) {
    if (b.kind == bits::role::reserved) continue;
    described_part p{std::string(b.name),
                     b.kind == bits::role::number || b.kind == bits::role::enumeration ? described_part::type::number
                                                                                       : described_part::type::flag,
                     b.get(v),
                     {},
                     std::string(b.description)};
    if (p.kind == described_part::type::flag && p.number) set += (set.empty() ? "" : " ") + p.name;
    d.parts.push_back(std::move(p));
  }
  d.summary = set.empty() ? "no flags set" : set;
}

inline void describe_tcb(described_field& d, std::uint64_t raw, tcb_layout l) {
  const auto t = decode_tcb(raw, l);
  const auto add = [&](const char* name, std::uint8_t v, const char* meaning) {
    d.parts.push_back({name, described_part::type::number, v, {}, meaning});
  };
  if (t.fmc) add("FMC", *t.fmc, "SPL of the first mutable code");
  add("BOOT_LOADER", t.bootloader, "SPL of the PSP boot loader");
  add("TEE", t.tee, "SPL of the PSP operating system");
  add("SNP", t.snp, "SPL of the SNP firmware");
  add("MICROCODE", t.microcode, "microcode patch level");
  std::string s;
  for (const auto& p : d.parts) s += (s.empty() ? "" : ", ") + p.name + " " + std::to_string(p.number);
  d.summary = s;
}

}  // namespace detail

inline std::vector<described_field> describe(const parsed_report& pr) {
  const report& r = pr.report;
  const unsigned v = r.version_for_layout();
  std::vector<described_field> out;
  for (const auto& f : report_fields.fields) {
    if (!f.in(v) || f.must_be_zero()) continue;
    described_field d;
    d.name = std::string(f.name);
    d.offset = f.offset;
    d.size = f.size;
    d.type = f.type;
    d.description = std::string(f.description);
    const auto raw = subview(r.raw(), f.offset, f.size);
    d.hex = hex::encode(raw);
    if (f.size <= 8 && f.type != layout::kind::bytes && f.type != layout::kind::ecdsa_signature)
      d.number = r.uint_of(field_name::at_run_time(f.name));
    switch (f.type) {
      case layout::kind::guest_policy: {
        detail::describe_bits(d, guest_policy_bits, *d.number);
        const auto pol = *d.number;
        d.summary = "ABI " + std::to_string(bits::find(guest_policy_bits, "ABI_MAJOR").get(pol)) + "." +
                    std::to_string(bits::find(guest_policy_bits, "ABI_MINOR").get(pol)) + " minimum; " + d.summary;
        break;
      }
      case layout::kind::platform_info:
        detail::describe_bits(d, platform_info_bits, *d.number);
        break;
      case layout::kind::key_info: {
        detail::describe_bits(d, key_info_bits, *d.number);
        const auto sk = signing_key_of(static_cast<std::uint32_t>(*d.number));
        for (auto& p : d.parts)
          if (p.name == "SIGNING_KEY") p.text = std::string(signing_key_name(sk));
        d.summary =
            "signed by " + std::string(signing_key_name(sk)) + (d.summary == "no flags set" ? "" : "; " + d.summary);
        break;
      }
      case layout::kind::tcb:
        detail::describe_tcb(d, *d.number, pr.layout);
        break;
      case layout::kind::signature_algo:
        d.summary = *d.number == 1 ? "ECDSA P-384 with SHA-384" : "unknown";
        break;
      case layout::kind::mitigation_vector: {
        std::string set;
        for (unsigned b = 0; b < 64; ++b)
          if ((*d.number >> b) & 1u) set += (set.empty() ? "bits " : ", ") + std::to_string(b);
        d.summary = set.empty() ? "no mitigations" : set;
        break;
      }
      case layout::kind::ecdsa_signature: {
        auto sig = read_signature(r);
        if (sig) {
          d.parts.push_back({"R", described_part::type::text, 0, hex::encode(sig->r_be), "r, big-endian"});
          d.parts.push_back({"S", described_part::type::text, 0, hex::encode(sig->s_be), "s, big-endian"});
          d.summary = "ECDSA P-384 (r, s)";
        } else {
          d.summary = sig.err().to_string();
        }
        break;
      }
      case layout::kind::bytes:
        if (all_zero(raw))
          d.summary = "all zero";
        else if (all_equal(raw, 0xFF))
          d.summary = "all ff";
        break;
      default:
        break;
    }
    out.push_back(std::move(d));
  }
  return out;
}

// Firmware version "MAJOR.MINOR.BUILD" from the three byte fields.
inline std::string firmware_version(const report& r, const char* which) {
  const std::string p(which);
  return std::to_string(r.uint_of(field_name::at_run_time(p + "_MAJOR"))) + "." +
         std::to_string(r.uint_of(field_name::at_run_time(p + "_MINOR"))) + "." +
         std::to_string(r.uint_of(field_name::at_run_time(p + "_BUILD")));
}

}  // namespace sevproof::snp
