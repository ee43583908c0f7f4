// AMD's VCEK/VLEK certificate extensions (VCEK/KDS spec, doc 57230): OIDs under AMD's arc
// 1.3.6.1.4.1.3704.1, decoded into what the verifier compares with the report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/der.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/crypto/certificate.hpp"

namespace sevproof::kds {

namespace oid {
inline constexpr const char* struct_version = "1.3.6.1.4.1.3704.1.1";
inline constexpr const char* product_name = "1.3.6.1.4.1.3704.1.2";
inline constexpr const char* bl_spl = "1.3.6.1.4.1.3704.1.3.1";
inline constexpr const char* tee_spl = "1.3.6.1.4.1.3704.1.3.2";
inline constexpr const char* snp_spl = "1.3.6.1.4.1.3704.1.3.3";
inline constexpr const char* spl_4 = "1.3.6.1.4.1.3704.1.3.4";
inline constexpr const char* spl_5 = "1.3.6.1.4.1.3704.1.3.5";
inline constexpr const char* spl_6 = "1.3.6.1.4.1.3704.1.3.6";
inline constexpr const char* spl_7 = "1.3.6.1.4.1.3704.1.3.7";
inline constexpr const char* ucode_spl = "1.3.6.1.4.1.3704.1.3.8";
inline constexpr const char* fmc_spl = "1.3.6.1.4.1.3704.1.3.9";
inline constexpr const char* hw_id = "1.3.6.1.4.1.3704.1.4";
inline constexpr const char* csp_id = "1.3.6.1.4.1.3704.1.5";
}  // namespace oid

// How the hwID extension was encoded: KDS puts the raw chip id in extnValue; a DER OCTET STRING
// wrapping is accepted too, in case AMD ever "fixes" it (go-sev-guest, snpguest, trustee do so).
enum class hwid_encoding : std::uint8_t { raw, octet_string };

struct amd_extensions {
  std::optional<std::uint64_t> struct_version;
  std::optional<std::string> product_name;  // "Milan-B0", "Genoa", "Turin", "Milan" (VLEK)
  std::optional<std::uint8_t> bl, tee, snp, ucode, fmc;
  std::optional<bytes> hwid;
  hwid_encoding hwid_form = hwid_encoding::raw;
  std::optional<std::string> csp_id;  // VLEK: the cloud provider that requested it
};

// Reads every AMD extension present. An extension whose value cannot be decoded is an error
// naming it; absent extensions stay empty (whether they must exist is the verifier's question).
inline result<amd_extensions> read_amd_extensions(const crypto::certificate& c) {
  amd_extensions e;
  const auto bad = [](const char* name, const char* oid_text, const char* what) {
    return error{"certificate", std::string(name) + " extension (" + oid_text + ")", std::nullopt, what};
  };
  if (auto v = c.extension_value(oid::struct_version)) {
    e.struct_version = der::read_uint(*v);
    if (!e.struct_version) return bad("structVersion", oid::struct_version, "is not a DER INTEGER");
  }
  if (auto v = c.extension_value(oid::product_name)) {
    e.product_name = der::read_ia5string(*v);
    if (!e.product_name) return bad("productName1", oid::product_name, "is not a DER IA5String");
  }
  struct spl {
    const char* name;
    const char* oid_text;
    std::optional<std::uint8_t>* out;
  };
  for (const spl& s :
       {spl{"blSPL", oid::bl_spl, &e.bl}, spl{"teeSPL", oid::tee_spl, &e.tee}, spl{"snpSPL", oid::snp_spl, &e.snp},
        spl{"ucodeSPL", oid::ucode_spl, &e.ucode}, spl{"fmcSPL", oid::fmc_spl, &e.fmc}}) {
    if (auto v = c.extension_value(s.oid_text)) {
      auto n = der::read_uint(*v);
      if (!n) return bad(s.name, s.oid_text, "is not a DER INTEGER");
      if (*n > 255) return bad(s.name, s.oid_text, "is larger than 255 (an SPL is one byte)");
      *s.out = static_cast<std::uint8_t>(*n);
    }
  }
  if (auto v = c.extension_value(oid::hw_id)) {
    if (v->size() == 64 || v->size() == 8) {
      e.hwid = *v;
    } else if (auto inner = der::read_octet_string(*v); inner && (inner->size() == 64 || inner->size() == 8)) {
      e.hwid = bytes(inner->begin(), inner->end());
      e.hwid_form = hwid_encoding::octet_string;
    } else {
      return bad("hwID", oid::hw_id, "is neither 64 (or 8, Turin) raw bytes nor a DER OCTET STRING of that size");
    }
  }
  if (auto v = c.extension_value(oid::csp_id)) {
    e.csp_id = der::read_ia5string(*v);
    if (!e.csp_id) return bad("cspId", oid::csp_id, "is not a DER IA5String");
  }
  return e;
}

}  // namespace sevproof::kds
