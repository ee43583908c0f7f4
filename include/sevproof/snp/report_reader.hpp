// Reading a report from what users actually have: the raw 1184 bytes, the Linux MSG_REPORT_RSP
// (32-byte header), an Azure HCL report (report at 0x20), or the same as hex, base64 or PEM-armoured text.
// Then "lint": must-be-zero ranges and reserved bits, reported as warnings or as errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/json_text.hpp"
#include "sevproof/snp/platform_info.hpp"
#include "sevproof/snp/policy.hpp"
#include "sevproof/snp/product.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/signature.hpp"
#include "sevproof/snp/tcb.hpp"

namespace sevproof::snp {

enum class container : std::uint8_t { raw, msg_report_rsp, azure_hcl, explicit_offset, configfs_tsm };

constexpr std::string_view container_name(container c) {
  switch (c) {
    case container::raw:
      return "raw ATTESTATION_REPORT";
    case container::msg_report_rsp:
      return "Linux MSG_REPORT_RSP (report at 0x20)";
    case container::azure_hcl:
      return "Azure HCL report (report at 0x20)";
    case container::explicit_offset:
      return "report cut at a given offset";
    case container::configfs_tsm:
      return "Linux configfs-tsm report as JSON (outblob, auxblob)";
  }
  return "?";
}

enum class mbz_policy : std::uint8_t { warn, error };

struct read_options {
  std::optional<std::size_t> offset;     // take the report at this offset, ignore the rest
  std::optional<product> given_product;  // decides the TCB layout of v2 reports
  // When set, a given product that contradicts a v3+ report's CPUID is not an error here: the CPUID
  // stands and the caller judges the contradiction (sevproof verify: check V013).
  bool product_is_hint = false;
  mbz_policy reserved = mbz_policy::warn;
};

// Where the product (and so the TCB layout) came from.
enum class product_source : std::uint8_t { cpuid, given, certificate, assumed };

struct parsed_report {
  snp::report report;
  container source = container::raw;
  std::string encoding = "binary";  // "binary", "hex", "base64", "base64url" or "pem"
  std::optional<product> prod;      // known product, if any
  product_source prod_source = product_source::assumed;
  tcb_layout layout = tcb_layout::milan_genoa;
  std::vector<error> warnings;     // anomalies: non-fatal findings, each naming field and offset
  std::vector<std::string> notes;  // what the reader should know (e.g. an assumed TCB layout)
  // Azure HCL reports only: the runtime data after the hardware report (JSON: the vTPM's attestation key and
  // claims), whose hash the HCL put in REPORT_DATA. Read here, judged by verify (V019).
  struct hcl_runtime_data {
    std::uint32_t hash_type = 0;   // REPORT_DATA_HASH_TYPE at 0x4CC: 1 SHA-256, 2 SHA-384, 3 SHA-512
    bytes data;                    // VARIABLE_DATA at 0x4D4, VARIABLE_DATA_SIZE (0x4D0) bytes
    std::optional<error> problem;  // the runtime header cut short, or its size beyond the file
  };
  std::optional<hcl_runtime_data> hcl_runtime;
  // configfs-tsm reports only: the auxblob, the host's certificate table (GHCB layout), used as --cert-table is.
  std::optional<bytes> tsm_auxblob;
};

namespace detail {

inline bool is_text(bytes_view b) {
  if (b.empty()) return false;
  for (byte c : b)
    if (!(c == '\n' || c == '\r' || c == '\t' || (c >= 0x20 && c < 0x7F))) return false;
  return true;
}

inline std::string size_hint(std::size_t n) {
  return "is " + std::to_string(n) +
         " bytes; expected a raw report (1184 bytes), a MSG_REPORT_RSP (32-byte header + report), an Azure HCL "
         "report, or the same as hex, base64 or PEM text" +
         (n > report_size ? " (a report followed by other bytes: --offset 0; inside another container: --offset N)"
                          : "");
}

// PEM armour around a report ("-----BEGIN REPORT-----", as some projects store reports): the label and the base64
// body of the one block, or nothing when the text does not start with an armour line.
struct pem_armour {
  std::string label;
  std::string_view body;
};

inline result<std::optional<pem_armour>> read_pem_armour(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text.substr(first, 11) != "-----BEGIN ") return std::optional<pem_armour>{};
  const auto label_end = text.find("-----", first + 11);
  const auto line_end = text.find('\n', first);
  if (label_end == std::string_view::npos || (line_end != std::string_view::npos && label_end > line_end))
    return error{"report", "PEM armour", std::nullopt, "the BEGIN line is not of the form -----BEGIN LABEL-----"};
  pem_armour a{std::string(text.substr(first + 11, label_end - first - 11)), {}};
  const std::string end_line = "-----END " + a.label + "-----";
  const auto body_start = label_end + 5;
  const auto end = text.find(end_line, body_start);
  if (end == std::string_view::npos)
    return error{"report", "PEM armour", std::nullopt, "\"-----BEGIN " + a.label + "-----\" has no matching END line"};
  if (text.substr(end + end_line.size()).find_first_not_of(" \t\r\n") != std::string_view::npos)
    return error{"report", "PEM armour", std::nullopt, "text follows \"" + end_line + "\"; give one report per file"};
  for (const char* other : {"CERTIFICATE", "CRL", "KEY"})
    if (a.label.find(other) != std::string::npos)
      return error{"report", "PEM armour", std::nullopt,
                   "is a PEM \"" + a.label +
                       "\" block, not an attestation report (certificates go to --vcek/--chain, "
                       "CRLs to --crl)"};
  a.body = text.substr(body_start, end - body_start);
  return std::optional<pem_armour>{std::move(a)};
}

// Must-be-zero ranges and reserved bits: findings, each naming field and offset.
// Reserved bytes of the four TCB fields, in the layout the product gives.
inline void lint_tcbs(const report& r, tcb_layout l, std::vector<error>& out) {
  for (field_name name :
       {field_name("CURRENT_TCB"), field_name("REPORTED_TCB"), field_name("COMMITTED_TCB"), field_name("LAUNCH_TCB")}) {
    const auto extra = r.uint_of(name) & tcb_reserved_mask(l);
    if (extra)
      out.push_back({"report", std::string(name.str()), r.field(name).offset,
                     "has non-zero reserved bytes (" + hex::number(extra, 16) + " under the " +
                         (l == tcb_layout::turin ? "Turin" : "Milan/Genoa") + " layout; must be zero)"});
  }
}

inline std::vector<error> lint(const report& r) {
  std::vector<error> out;
  const unsigned v = r.version_for_layout();
  for (const auto& f : report_fields.fields) {
    if (!f.in(v) || !f.must_be_zero()) continue;
    const auto range = subview(r.raw(), f.offset, f.size);
    if (const auto i = first_nonzero(range); i < range.size())
      out.push_back({"report", std::string(f.name), f.offset + i, "is non-zero (must be zero)"});
  }
  for (auto& f : signature_mbz_findings(r.raw())) out.push_back(std::move(f));
  const auto pol = r.policy();
  if (!bits::find(guest_policy_bits, "RESERVED_MBO").get(pol))
    out.push_back({"report", "POLICY bit 17", 0x008, "is zero (reserved, must be one)"});
  if (bits::find(guest_policy_bits, "RESERVED").get(pol))
    out.push_back({"report", "POLICY bits 63:26", 0x008, "are non-zero (reserved, must be zero)"});
  const auto ki = r.key_info();
  if (bits::find(key_info_bits, "RESERVED").get(ki))
    out.push_back({"report", "KEY_INFO bits 31:5", 0x048, "are non-zero (reserved, must be zero)"});
  const auto sk = signing_key_of(ki);
  if (sk != 0 && sk != 1 && sk != 7)
    out.push_back(
        {"report", "KEY_INFO.SIGNING_KEY", 0x048, "is " + std::to_string(sk) + " (reserved; 0 VCEK, 1 VLEK, 7 none)"});
  return out;
}

}  // namespace detail

namespace detail {

// In an Azure HCL report: the runtime data header follows the 1184-byte hardware report at 0x20 (DATA_SIZE,
// VERSION, REPORT_TYPE, REPORT_DATA_HASH_TYPE, VARIABLE_DATA_SIZE, 4 bytes each), then the variable data.
inline constexpr std::size_t hcl_runtime_at = 0x20 + report_size;
inline constexpr std::size_t hcl_report_type_at = hcl_runtime_at + 8;
inline constexpr std::size_t hcl_hash_type_at = hcl_runtime_at + 12;
inline constexpr std::size_t hcl_data_size_at = hcl_runtime_at + 16;
inline constexpr std::size_t hcl_data_at = hcl_runtime_at + 20;

inline parsed_report::hcl_runtime_data read_hcl_runtime(bytes_view data) {
  parsed_report::hcl_runtime_data rt;
  if (data.size() < hcl_data_at) {
    rt.problem = error{"Azure HCL report", "runtime data header", data.size(),
                       "is cut short: the file ends " + std::to_string(hcl_data_at - data.size()) +
                           " bytes before VARIABLE_DATA (0x4D4)"};
    return rt;
  }
  rt.hash_type = load_le<std::uint32_t>(data, hcl_hash_type_at);
  const auto size = load_le<std::uint32_t>(data, hcl_data_size_at);
  if (size > data.size() - hcl_data_at) {
    rt.problem = error{
        "Azure HCL report", "VARIABLE_DATA_SIZE", hcl_data_size_at,
        "is " + std::to_string(size) + " but " + std::to_string(data.size() - hcl_data_at) + " bytes follow at 0x4D4"};
    return rt;
  }
  const auto v = data.subspan(hcl_data_at, size);
  rt.data.assign(v.begin(), v.end());
  return rt;
}

// A Linux configfs-tsm report as JSON (Veraison's and go-configfs-tsm's form of /sys/kernel/config/tsm/report/*):
// {"outblob": base64, "auxblob": base64, "provider": "sev_guest"}, standard or URL-safe base64. Nothing when the text
// is not a JSON object with an "outblob"; a refusal when it is one that cannot hold an SEV-SNP report.
inline std::optional<result<bytes>> read_tsm_json(std::string_view text, parsed_report& out) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') return std::nullopt;
  auto parsed = json_text::parse(text, 4);
  auto* doc = std::get_if<nlohmann::json>(&parsed);
  if (doc == nullptr || !doc->is_object()) return std::nullopt;
  const auto refuse = [](const std::string& field, const std::string& why) {
    return std::optional<result<bytes>>(error{"configfs-tsm report", field, std::nullopt, why});
  };
  if (!doc->contains("outblob"))
    return std::optional<result<bytes>>(
        error{"report", "encoding", std::nullopt,
              "is a JSON document without \"outblob\": a report is read as binary, hex, base64, PEM or a configfs-tsm "
              "report's JSON (outblob, auxblob, provider); take the report out of other JSON documents"});
  const auto blob = [&](const char* key, std::string& encoding) -> std::optional<bytes> {
    const auto& v = (*doc)[key];
    if (!v.is_string()) return std::nullopt;
    const auto t = v.get<std::string>();
    if (auto b = base64::decode(t)) {
      encoding = "base64";
      return b;
    }
    if (auto u = base64::decode_url(t)) {
      encoding = "base64url";
      return u;
    }
    return std::nullopt;
  };
  if (doc->contains("provider")) {
    const auto& p = (*doc)["provider"];
    std::string name = p.is_string() ? p.get<std::string>() : std::string();
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ')) name.pop_back();
    if (name != "sev_guest")
      return refuse("provider", "is " + (p.is_string() ? "'" + utf8::printable(name) + "'" : std::string("not text")) +
                                    ": an SEV-SNP guest's is sev_guest (tdx_guest is Intel TDX)");
  }
  std::string encoding;
  auto report = blob("outblob", encoding);
  if (!report) return refuse("outblob", "is not base64 text");
  if (doc->contains("auxblob") && !(*doc)["auxblob"].is_null()) {
    std::string ignored;
    auto aux = blob("auxblob", ignored);
    if (!aux) return refuse("auxblob", "is not base64 text");
    if (!aux->empty()) out.tsm_auxblob = std::move(*aux);
  }
  out.encoding = encoding;
  return std::optional<result<bytes>>(std::move(*report));
}

// Text (hex, base64) decoded and the container (raw, MSG_REPORT_RSP, Azure HCL, offset) removed:
// the 1184 report bytes, left in `body` (which may point into `decoded`).
inline std::optional<error> unwrap(bytes_view data, const read_options& opt, parsed_report& out, bytes& decoded,
                                   bytes_view& body) {
  std::string odd_hex;  // text of hex digits only, but an odd number of them: decoded as base64, likely a typo
  bool tsm_json = false;
  const bool utf8_bom = data.size() > 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF;
  if (!opt.offset && utf8_bom && detail::is_text(data.subspan(3))) data = data.subspan(3);  // as editors save text
  if (!opt.offset && data.size() >= 2 && data.size() != report_size &&
      ((data[0] == 0xFF && data[1] == 0xFE) || (data[0] == 0xFE && data[1] == 0xFF)))
    return error{"report", "encoding", 0,
                 "starts with a UTF-16 byte-order mark: save the hex or base64 text as ASCII or UTF-8"};
  if (!opt.offset && data.size() != report_size && detail::is_text(data)) {
    std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
    std::size_t digits = 0;
    bool hex_only = true;
    for (char c : text.substr(text.rfind("0x", 0) == 0 ? 2 : 0)) {
      if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
      hex_only = hex_only && hex::nibble(c) >= 0;
      ++digits;
    }
    if (hex_only && digits % 2 == 1)
      odd_hex = "; the text is " + std::to_string(digits) +
                " hex digits, an odd number, so it was read as base64: if it is hex, a digit is missing or extra";
    auto pem = read_pem_armour(text);
    if (!pem) return pem.err();
    if (auto tsm = read_tsm_json(text, out)) {
      if (!*tsm) return tsm->err();
      decoded = std::move(*tsm).value();
      tsm_json = true;
    } else if (pem.value()) {
      auto b = base64::decode(pem.value()->body);
      if (!b)
        return error{"report", "PEM armour", std::nullopt,
                     "the body of the \"" + pem.value()->label + "\" block is not valid base64"};
      decoded = std::move(*b);
      out.encoding = "pem";
    } else if (auto h = hex::decode(text)) {
      decoded = std::move(*h);
      out.encoding = "hex";
    } else if (auto b = base64::decode(text)) {
      decoded = std::move(*b);
      out.encoding = "base64";
    } else if (auto u = base64::decode_url(text)) {
      decoded = std::move(*u);
      out.encoding = "base64url";
    } else {
      return error{"report", "encoding", std::nullopt,
                   "is text but neither valid hex nor valid base64 (standard or URL-safe alphabet)" + odd_hex};
    }
    data = decoded;
  }

  body = data;
  if (opt.offset) {
    if (*opt.offset > data.size() || data.size() - *opt.offset < report_size)
      return error{"report", "size", *opt.offset,
                   "--offset leaves " + std::to_string(*opt.offset > data.size() ? 0 : data.size() - *opt.offset) +
                       " bytes; a report needs 1184"};
    body = data.subspan(*opt.offset, report_size);
    out.source = container::explicit_offset;
  } else if (data.size() == report_size) {
    out.source = tsm_json ? container::configfs_tsm : container::raw;
  } else if (tsm_json) {
    return error{"configfs-tsm report", "outblob", std::nullopt,
                 "is " + std::to_string(data.size()) + " bytes; an SEV-SNP report is 1184"};
  } else if (data.size() >= 0x20 + report_size && data[0] == 'H' && data[1] == 'C' && data[2] == 'L' &&
             data[3] == 'A') {
    // after the hardware report, the runtime data header: its REPORT_TYPE (0x4C8) is 2 for SEV-SNP, 4 for TDX
    if (data.size() >= hcl_report_type_at + 4) {
      const auto type = load_le<std::uint32_t>(data, hcl_report_type_at);
      if (type != 2)
        return error{"Azure HCL report", "REPORT_TYPE", hcl_report_type_at,
                     "is " + std::to_string(type) +
                         (type == 4 ? " (TDX): this is an Intel TDX guest's report, not an SEV-SNP one (2)"
                                    : "; an SEV-SNP report's is 2")};
    }
    body = data.subspan(0x20, report_size);
    out.source = container::azure_hcl;
    out.hcl_runtime = read_hcl_runtime(data);
  } else if (data.size() >= 0x20 + report_size && load_le<std::uint32_t>(data, 4) == report_size) {
    const auto status = load_le<std::uint32_t>(data, 0);
    if (status != 0)
      return error{"MSG_REPORT_RSP", "STATUS", 0x000,
                   "is " + hex::number(status, 8) + "; the firmware refused the request"};
    if (!all_zero(subview(data, 8, 24)))
      return error{"MSG_REPORT_RSP", "RESERVED", 0x008, "is non-zero (must be zero)"};
    body = data.subspan(0x20, report_size);
    out.source = container::msg_report_rsp;
  } else if (data.size() >= 0x20 + report_size && load_le<std::uint32_t>(data, 0) == 0 &&
             all_zero(subview(data, 8, 24)) && load_le<std::uint32_t>(data, 0x20) >= 2 &&
             load_le<std::uint32_t>(data, 0x20) <= 5) {
    // a MSG_REPORT_RSP header (STATUS 0, RESERVED zero, then a report's VERSION) whose size is not a report's: a
    // raw report cannot look like this (its POLICY at 0x008 has bit 17 set)
    return error{"MSG_REPORT_RSP", "REPORT_SIZE", 0x004,
                 "is " + std::to_string(load_le<std::uint32_t>(data, 4)) + "; a report is 1184 (0x4a0) bytes"};
  } else {
    return error{"report", "size", std::nullopt, detail::size_hint(data.size()) + odd_hex};
  }

  return std::nullopt;
}

// Product and TCB layout: CPUID (v3+) decides; a given product must agree with it.
inline std::optional<error> settle_product(const read_options& opt, parsed_report& out) {
  const auto& r = out.report;
  if (r.has_cpuid()) {
    const auto fam = static_cast<std::uint8_t>(r.uint_of("CPUID_FAM_ID"));
    const auto mod = static_cast<std::uint8_t>(r.uint_of("CPUID_MOD_ID"));
    out.prod = product_from_cpuid(fam, mod);
    out.prod_source = product_source::cpuid;
    if (!out.prod) {
      out.notes.push_back("CPUID_FAM_ID/CPUID_MOD_ID at 0x188 name no known product (family 0x" +
                          hex::encode(subview(r.raw(), 0x188, 1)) + ", model 0x" +
                          hex::encode(subview(r.raw(), 0x189, 1)) +
                          "): the product comes from the certificate or the caller");
      out.prod = opt.given_product;
      out.prod_source = opt.given_product ? product_source::given : product_source::assumed;
    } else if (opt.given_product && *opt.given_product != *out.prod && !opt.product_is_hint) {
      return error{"report", "CPUID_FAM_ID", 0x188,
                   "says " + std::string(product_name(*out.prod)) + " but the product given is " +
                       std::string(product_name(*opt.given_product))};
    }
  } else if (opt.given_product) {
    out.prod = opt.given_product;
    out.prod_source = product_source::given;
  }
  out.layout = out.prod ? layout_of(*out.prod) : tcb_layout::milan_genoa;
  if (!out.prod) {
    // v2 carries no CPUID. A Turin CHIP_ID has 8 significant bytes and 56 zero bytes: say so.
    const auto chip = r.chip_id();
    const bool turin_like = !all_zero(chip.first(8)) && all_zero(chip.subspan(8));
    out.notes.push_back(
        std::string("a version 2 report carries no CPUID: TCB fields are read with the Milan/Genoa layout") +
        (turin_like ? "; CHIP_ID has the 8-byte Turin form, so give the product (turin) if this is Turin"
                    : "; give the product (turin) if this is a Turin report"));
  }

  return std::nullopt;
}

}  // namespace detail

inline result<parsed_report> read_report(bytes_view data, const read_options& opt = {}) {
  parsed_report out{report(report::storage{}),
                    container::raw,
                    "binary",
                    std::nullopt,
                    product_source::assumed,
                    tcb_layout::milan_genoa,
                    {},
                    {},
                    std::nullopt,
                    std::nullopt};
  bytes decoded;
  bytes_view body;
  if (auto e = detail::unwrap(data, opt, out, decoded, body)) return *e;
  auto rep = parse_report(body);
  if (!rep) {
    // inside a container (HCL, MSG_REPORT_RSP, --offset) the offset is the file's, as a hex editor shows it
    const bytes_view file = decoded.empty() ? data : bytes_view(decoded);
    const auto at = static_cast<std::size_t>(body.data() - file.data());
    error e = rep.err();
    if (at != 0 && e.offset) {
      e.offset = *e.offset + at;
      const char* after = out.source == container::azure_hcl        ? "after the Azure HCL header"
                          : out.source == container::msg_report_rsp ? "after the MSG_REPORT_RSP header"
                                                                    : "as --offset says";
      e.message += "; the offset is the file's: the report starts at " + hex::number(at) + ", " + after;
    }
    return e;
  }
  out.report = rep.value();
  if (auto e = detail::settle_product(opt, out)) return *e;
  const auto& r = out.report;
  auto findings = detail::lint(r);
  detail::lint_tcbs(r, out.layout, findings);
  if (!findings.empty() && opt.reserved == mbz_policy::error) return findings.front();
  for (auto& f : findings) out.warnings.push_back(std::move(f));
  return out;
}

}  // namespace sevproof::snp
