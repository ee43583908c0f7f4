// The report as JSON (nlohmann/json), rendered from snp::describe: stable lowercase keys, byte
// fields as lowercase hex, bit fields as named booleans. Schema: schemas/report.schema.json.
#pragma once

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "sevproof/snp/describe.hpp"

namespace sevproof::format {

inline std::string json_key(std::string_view name) {
  std::string k(name);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k;
}

inline nlohmann::ordered_json error_json(const error& e) {
  nlohmann::ordered_json j{
      {"structure", e.structure}, {"field", e.field}, {"message", e.message}, {"text", e.to_string()}};
  j["offset"] = e.offset ? nlohmann::ordered_json(*e.offset) : nlohmann::ordered_json(nullptr);
  return j;
}

inline nlohmann::ordered_json report_json(const snp::parsed_report& pr) {
  using snp::described_part;
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& d : snp::describe(pr)) {
    const std::string key = json_key(d.name);
    switch (d.type) {
      case layout::kind::u8:
      case layout::kind::u16:
      case layout::kind::u32:
      case layout::kind::signature_algo:
        j[key] = *d.number;
        break;
      case layout::kind::bytes:
        j[key] = d.hex;
        break;
      case layout::kind::ecdsa_signature: {
        nlohmann::ordered_json s = {{"algorithm", "ecdsa-p384-sha384"}};
        for (const auto& p : d.parts) s[json_key(p.name)] = p.text;
        if (d.parts.empty()) s["error"] = d.summary;
        j[key] = s;
        break;
      }
      default: {  // registers: raw value plus each named part
        nlohmann::ordered_json o = {{"raw", hex::number(*d.number, static_cast<int>(d.size * 2))}};
        for (const auto& p : d.parts) {
          if (p.kind == described_part::type::flag)
            o[json_key(p.name)] = p.number != 0;
          else if (!p.text.empty())
            o[json_key(p.name)] = p.text;
          else
            o[json_key(p.name)] = p.number;
        }
        j[key] = o;
      }
    }
  }
  j["current_firmware"] = snp::firmware_version(pr.report, "CURRENT");
  j["committed_firmware"] = snp::firmware_version(pr.report, "COMMITTED");
  j["product"] = {{"name", pr.prod ? nlohmann::ordered_json(std::string(snp::product_name(*pr.prod)))
                                   : nlohmann::ordered_json(nullptr)},
                  {"source", pr.prod_source == snp::product_source::cpuid         ? "cpuid"
                             : pr.prod_source == snp::product_source::given       ? "given"
                             : pr.prod_source == snp::product_source::certificate ? "certificate"
                                                                                  : "assumed"},
                  {"tcb_layout", pr.layout == snp::tcb_layout::turin ? "turin" : "milan_genoa"}};
  j["container"] = {{"format", std::string(snp::container_name(pr.source))}, {"encoding", pr.encoding}};
  j["warnings"] = nlohmann::ordered_json::array();
  for (const auto& w : pr.warnings) j["warnings"].push_back(error_json(w));
  j["notes"] = pr.notes;
  return j;
}

}  // namespace sevproof::format
