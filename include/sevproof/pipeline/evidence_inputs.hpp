// The evidence a request can carry, named once: the CLI's flags (--vcek, --cert-table, ...), the
// keys of a `verify --batch` line ("vcek", "cert_table", ...) and the page's slots are this table,
// and the texts that go with them (--now, --product, --offset) are read by the functions below, so
// every front end refuses the same things with the same words (each prefixes its own name for the
// input: "--now" on the command line, "now" in a batch line).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "sevproof/core/file.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/pipeline/appraise.hpp"

namespace sevproof::pipeline {

struct evidence_slot {
  std::string_view name;   // the flag without dashes; batch keys write '-' as '_'
  std::string_view alias;  // a second flag name, or empty
  evidence_kind kind;
  std::string_view help;
};

inline constexpr std::array<evidence_slot, 7> evidence_slots{{
    {"vcek", "", evidence_kind::vcek, "VCEK certificate (DER or PEM)"},
    {"vlek", "", evidence_kind::vlek, "VLEK certificate (DER or PEM)"},
    {"cert-table", "", evidence_kind::cert_table,
     "Extended-report certificate table (VCEK/VLEK and possibly ASK/ARK/CRL)"},
    {"chain", "", evidence_kind::chain,
     "PEM bundle of certificates (KDS cert_chain ASK+ARK, or VCEK+ASK+ARK: the VCEK is taken from it)"},
    {"ark", "", evidence_kind::chain, "ARK certificate"},
    {"ask", "asvk", evidence_kind::chain, "ASK or ASVK certificate"},
    {"crl", "", evidence_kind::crl,
     "AMD CRL (DER or PEM): /vcek/v1/{product}/crl for VCEK chains, /vlek/v1/{product}/crl for VLEK chains"},
}};

// The slot a flag or key names ("cert-table" and "cert_table" alike), or nullptr.
inline const evidence_slot* evidence_slot_of(std::string_view key) {
  std::string k(key);
  for (auto& c : k)
    if (c == '_') c = '-';
  for (const auto& s : evidence_slots)
    if (k == s.name || (!s.alias.empty() && k == s.alias)) return &s;
  return nullptr;
}

// The inputs of a request that are not reference values: the report, the evidence slots, now and
// product (a batch line's other keys are reference values).
inline bool is_request_key(std::string_view key) {
  return key == "report" || key == "now" || key == "product" || evidence_slot_of(key) != nullptr;
}

// Each returns what is wrong with the text, or nothing once it is set on `rq`.
inline std::optional<std::string> set_now(request& rq, const std::string& text) {
  auto t = utc::parse_explained(text);
  if (!t.seconds) return text + ": " + t.problem;
  rq.now = t.seconds;
  return std::nullopt;
}
inline std::optional<std::string> set_product(request& rq, const std::string& text) {
  if (auto problem = snp::product_name_problem(text)) return problem;
  rq.product = snp::product_from_name(text);
  return std::nullopt;
}
inline std::optional<std::string> set_offset(request& rq, const std::string& text) {
  auto v = parse_uint(text);
  if (!v) return text + ": " + number_syntax_problem(text);
  // Checked before it becomes a size_t (32 bits in the page): no report file read is that large.
  if (*v >= io::default_max_input)
    return text + ": past the end of any report file (at most " + std::to_string(io::default_max_input >> 20) +
           " MiB are read)";
  rq.offset = static_cast<std::size_t>(*v);
  return std::nullopt;
}

// A certificate folder as snpguest writes it (ark/ask/asvk and vcek/vlek, .pem/.der/.crt/.cer):
// the slot of one of its files by name, or nothing for a file that is not a certificate.
inline std::optional<evidence_kind> certs_dir_kind(const std::string& file_name) {
  const auto dot = file_name.rfind('.');
  if (dot == std::string::npos) return std::nullopt;
  const auto ext = file_name.substr(dot);
  if (ext != ".pem" && ext != ".der" && ext != ".crt" && ext != ".cer") return std::nullopt;
  const bool leaf = file_name.rfind("vcek", 0) == 0 || file_name.rfind("vlek", 0) == 0;
  return leaf ? evidence_kind::vcek : evidence_kind::chain;
}

}  // namespace sevproof::pipeline
