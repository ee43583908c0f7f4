// Reference values as users type them: the one option table behind `sevproof verify`'s expectation
// flags, the web page's form fields, and the keys of reference-value and VM files.
//
// Every entry has a name (the CLI flag without dashes), a kind, a help line, and two functions:
// `set` parses one text value into `options`, `get` writes the current value back as texts. Bad
// values raise option_error naming the option and what was expected (the CLI's exit code 2). An
// empty value, or an empty item in a list, is always an error: an unset shell variable must never
// silently turn a check off.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/validate/options.hpp"

namespace sevproof::validate {

struct option_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// How an option's value is written, and so how forms and files present it.
enum class value_kind : std::uint8_t {
  flag,        // true / false
  allow_deny,  // allow / deny
  number,      // decimal or 0x-hex
  hex,         // a fixed-size byte field: hex (spaces allowed, as snpguest prints) or base64
  hex_list,    // repeatable hex field: any one of the values is accepted
  tcb,         // bl=3,tee=0,snp=8,ucode=115[,fmc=N]
  version,     // MAJOR.MINOR
};

namespace detail {

inline std::string flag_of(std::string_view name) { return "--" + std::string(name); }

inline void refuse_empty(const std::string& value, const std::string& flag) {
  if (value.empty()) throw option_error(flag + ": empty value (leave the option out to skip the check)");
}

inline std::uint64_t number(const std::string& value, const std::string& flag, std::uint64_t max,
                            const char* expected) {
  refuse_empty(value, flag);
  if (auto problem = number_syntax_problem(value); !problem.empty()) throw option_error(flag + ": " + problem);
  auto v = parse_uint(value, max);
  if (!v) throw option_error(flag + " " + value + ": " + expected);
  return *v;
}

inline bool flag_value(const std::string& value, const std::string& flag) {
  refuse_empty(value, flag);
  if (value == "true") return true;
  if (value == "false") return false;
  throw option_error(flag + " " + value + ": use true or false");
}

inline bool allow_value(const std::string& value, const std::string& flag) {
  refuse_empty(value, flag);
  if (value == "allow") return true;
  if (value == "deny") return false;
  throw option_error(flag + " " + value + ": use allow or deny");
}

inline std::pair<std::uint8_t, std::uint8_t> version_value(const std::string& value, const std::string& flag) {
  refuse_empty(value, flag);
  const auto dot = value.find('.');
  if (dot == std::string::npos || value.find('.', dot + 1) != std::string::npos)
    throw option_error(flag + " " + value + ": expected MAJOR.MINOR (e.g. 1.55)");
  const auto a = number(value.substr(0, dot), flag, 255, "MAJOR must be 0-255");
  const auto b = number(value.substr(dot + 1), flag, 255, "MINOR must be 0-255");
  return {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)};
}

}  // namespace detail

namespace detail {

// Hex (with or without 0x, spaces and newlines allowed: snpguest prints measurements as spaced hex) or base64 of
// one of the accepted sizes; `want` names them in the refusal. Text that reads as hex is hex: 64 hex digits are
// 32 bytes given for a 48-byte field, never base64 that happens to decode to 48 bytes (the value checked would
// be one nobody typed).
inline bytes hex_or_base64(const std::string& s, const std::string& flag, std::initializer_list<std::size_t> sizes,
                           const std::string& want) {
  refuse_empty(s, flag);
  const auto accepted = [&](std::size_t n) { return std::find(sizes.begin(), sizes.end(), n) != sizes.end(); };
  if (auto h = hex::decode(s)) {
    if (accepted(h->size())) return *h;
    throw option_error(flag + ": " + std::to_string(h->size()) + " bytes given, the field is " + want);
  }
  std::string compact;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') compact += c;
  if (auto b = base64::decode(compact); b && accepted(b->size())) return *b;
  throw option_error(flag + ": neither hex nor base64 of " + want);
}

}  // namespace detail

// A fixed-size byte field of `size` bytes, hex or base64.
inline bytes parse_hex_field(const std::string& s, const std::string& flag, std::size_t size) {
  return detail::hex_or_base64(s, flag, {size},
                               std::to_string(size) + " bytes (" + std::to_string(2 * size) + " hex digits)");
}

// A launch digest to explain: 48 bytes (SNP) or 32 (SEV, SEV-ES), by the same rule.
inline bytes parse_launch_digest(const std::string& s, const std::string& flag) {
  return detail::hex_or_base64(
      s, flag, {48, 32}, "a launch digest: 48 bytes (SNP, 96 hex digits) or 32 bytes (SEV, SEV-ES, 64 hex digits)");
}

// "bl=3,tee=0,snp=8,ucode=115[,fmc=0]" (also bootloader=, microcode=); each component once.
inline tcb_minimum parse_tcb_min(const std::string& s, const std::string& flag) {
  detail::refuse_empty(s, flag);
  tcb_minimum m;
  std::size_t pos = 0;
  for (;;) {
    const auto comma = s.find(',', pos);
    const std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (item.empty()) throw option_error(flag + " " + s + ": empty item in the list (a stray comma?)");
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw option_error(flag + " " + s + ": expected NAME=VALUE items, e.g. bl=3,tee=0,snp=8,ucode=115");
    const std::string key = item.substr(0, eq);
    const auto v8 =
        static_cast<std::uint8_t>(detail::number(item.substr(eq + 1), flag + " " + key, 255, "must be 0-255"));
    std::optional<std::uint8_t>* slot = key == "fmc"                           ? &m.fmc
                                        : key == "bl" || key == "bootloader"   ? &m.bootloader
                                        : key == "tee"                         ? &m.tee
                                        : key == "snp"                         ? &m.snp
                                        : key == "ucode" || key == "microcode" ? &m.microcode
                                                                               : nullptr;
    if (!slot) throw option_error(flag + ": unknown component '" + key + "' (fmc, bl, tee, snp, ucode)");
    if (slot->has_value()) throw option_error(flag + ": component '" + key + "' given twice");
    *slot = v8;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return m;
}

inline std::string tcb_min_text(const tcb_minimum& m) {
  std::string s;
  auto add = [&](const char* n, const std::optional<std::uint8_t>& x) {
    if (x) s += (s.empty() ? "" : ",") + std::string(n) + "=" + std::to_string(*x);
  };
  add("fmc", m.fmc);
  add("bl", m.bootloader);
  add("tee", m.tee);
  add("snp", m.snp);
  add("ucode", m.microcode);
  return s;
}

struct option_spec {
  std::string_view name;  // CLI flag without dashes; form field name; file key
  value_kind kind;
  std::string_view group;  // "policy", "identity", "firmware", "platform", "keys", "evidence"
  std::string_view help;
  void (*set)(options&, const std::string& value, const std::string& flag);
  std::vector<std::string> (*get)(const options&);
};

namespace detail {
using texts = std::vector<std::string>;
inline texts one(bool b) { return b ? texts{"true"} : texts{}; }
inline texts one(const std::optional<bool>& b) { return b ? texts{*b ? "allow" : "deny"} : texts{}; }
inline texts one(const std::optional<bytes>& b) { return b ? texts{hex::encode(*b)} : texts{}; }
inline texts one(const std::optional<tcb_minimum>& m) { return m ? texts{tcb_min_text(*m)} : texts{}; }
inline texts one(const std::optional<std::pair<std::uint8_t, std::uint8_t>>& v) {
  return v ? texts{std::to_string(v->first) + "." + std::to_string(v->second)} : texts{};
}
template <class T>
texts num(const std::optional<T>& v, bool hex_form = false) {
  if (!v) return {};
  return {hex_form ? hex::number(static_cast<std::uint64_t>(*v)) : std::to_string(static_cast<std::uint64_t>(*v))};
}
inline texts many(const std::vector<bytes>& list) {
  texts t;
  for (const auto& b : list) t.push_back(hex::encode(b));
  return t;
}
}  // namespace detail

// clang-format off
#define SEVPROOF_FLAG(field) [](options& o, const std::string& v, const std::string& f) { o.field = detail::flag_value(v, f); }, \
                             [](const options& o) { return detail::one(o.field); }
#define SEVPROOF_ALLOW(field) [](options& o, const std::string& v, const std::string& f) { o.field = detail::allow_value(v, f); }, \
                              [](const options& o) { return detail::one(o.field); }
#define SEVPROOF_HEX(field, size) [](options& o, const std::string& v, const std::string& f) { o.field = parse_hex_field(v, f, size); }, \
                                  [](const options& o) { return detail::one(o.field); }
#define SEVPROOF_HEXLIST(field) [](options& o, const std::string& v, const std::string& f) { o.field.push_back(parse_hex_field(v, f, 48)); }, \
                                [](const options& o) { return detail::many(o.field); }
#define SEVPROOF_TCB(field) [](options& o, const std::string& v, const std::string& f) { o.field = parse_tcb_min(v, f); }, \
                            [](const options& o) { return detail::one(o.field); }
#define SEVPROOF_VERSION(field) [](options& o, const std::string& v, const std::string& f) { o.field = detail::version_value(v, f); }, \
                                [](const options& o) { return detail::one(o.field); }
#define SEVPROOF_NUM(field, type, max, what, hexform) \
  [](options& o, const std::string& v, const std::string& f) { o.field = static_cast<type>(detail::number(v, f, max, what)); }, \
  [](const options& o) { return detail::num(o.field, hexform); }

inline const option_spec option_table[] = {
  // evidence and verification strictness
  {"require-crl", value_kind::flag, "evidence", "Verification fails unless a CRL for the product's ARK, current at the verification time, is given", SEVPROOF_FLAG(require_crl)},
  {"allow-host-report", value_kind::flag, "evidence", "Accept a report the host requested (VMPL 0xFFFFFFFF: REPORT_DATA binds nothing the guest chose)", SEVPROOF_FLAG(allow_host_report)},
  // guest policy
  {"allow-debug", value_kind::flag, "policy", "Accept a policy that allows debugging (refused by default)", SEVPROOF_FLAG(allow_debug)},
  {"smt", value_kind::allow_deny, "policy", "allow|deny: may the policy permit SMT", SEVPROOF_ALLOW(allow_smt)},
  {"migrate-ma", value_kind::allow_deny, "policy", "allow|deny: may the policy permit a migration agent", SEVPROOF_ALLOW(allow_migrate_ma)},
  {"cxl", value_kind::allow_deny, "policy", "allow|deny: may the policy permit CXL", SEVPROOF_ALLOW(allow_cxl)},
  {"require-single-socket", value_kind::flag, "policy", "Policy must require a single socket", SEVPROOF_FLAG(require_single_socket)},
  {"require-aes-256-xts", value_kind::flag, "policy", "Policy must require AES-256-XTS", SEVPROOF_FLAG(require_aes_256_xts)},
  {"require-rapl-dis", value_kind::flag, "policy", "Policy must require RAPL disabled", SEVPROOF_FLAG(require_rapl_dis)},
  {"require-ciphertext-hiding", value_kind::flag, "policy", "Policy must require ciphertext hiding", SEVPROOF_FLAG(require_ciphertext_hiding)},
  {"require-page-swap-disable", value_kind::flag, "policy", "Policy must disable page swap", SEVPROOF_FLAG(require_page_swap_disable)},
  {"min-abi", value_kind::version, "policy", "Minimum policy ABI, MAJOR.MINOR (e.g. 1.51)", SEVPROOF_VERSION(min_abi)},
  // what the guest is and says
  {"measurement", value_kind::hex_list, "identity", "Expected MEASUREMENT (96 hex digits as sev-snp-measure prints, spaced hex or base64); repeat to allow several", SEVPROOF_HEXLIST(measurements)},
  {"report-data", value_kind::hex, "identity", "Exact REPORT_DATA (128 hex digits)", SEVPROOF_HEX(report_data, 64)},
  {"host-data", value_kind::hex, "identity", "Exact HOST_DATA (64 hex digits)", SEVPROOF_HEX(host_data, 32)},
  {"image-id", value_kind::hex, "identity", "Exact IMAGE_ID (32 hex digits)", SEVPROOF_HEX(image_id, 16)},
  {"family-id", value_kind::hex, "identity", "Exact FAMILY_ID (32 hex digits)", SEVPROOF_HEX(family_id, 16)},
  {"report-id", value_kind::hex, "identity", "Exact REPORT_ID (64 hex digits)", SEVPROOF_HEX(report_id, 32)},
  {"report-id-ma", value_kind::hex, "identity", "Exact REPORT_ID_MA (64 hex digits)", SEVPROOF_HEX(report_id_ma, 32)},
  {"chip-id", value_kind::hex, "identity", "Exact CHIP_ID (128 hex digits)", SEVPROOF_HEX(chip_id, 64)},
  {"min-guest-svn", value_kind::number, "identity", "Minimum GUEST_SVN", SEVPROOF_NUM(min_guest_svn, std::uint32_t, 0xFFFFFFFFu, "expected a 32-bit number", false)},
  {"vmpl", value_kind::number, "identity", "Exact VMPL (0-3)", SEVPROOF_NUM(vmpl, std::uint32_t, 3, "expected 0-3", false)},
  // keys
  {"require-id-block", value_kind::flag, "keys", "The guest must have been launched with an ID block", SEVPROOF_FLAG(require_id_block)},
  {"require-author-key", value_kind::flag, "keys", "The ID block must carry an author key", SEVPROOF_FLAG(require_author_key)},
  {"id-key-digest", value_kind::hex_list, "keys", "Trusted ID key digest (SHA-384, 96 hex digits; `sevproof key-digest`); repeatable", SEVPROOF_HEXLIST(trusted_id_keys)},
  {"author-key-digest", value_kind::hex_list, "keys", "Trusted author key digest; repeatable", SEVPROOF_HEXLIST(trusted_author_keys)},
  // firmware and TCB
  {"min-tcb", value_kind::tcb, "firmware", "Minimum TCB the signing key certifies (REPORTED_TCB, bound to the VCEK/VLEK), e.g. bl=3,tee=0,snp=8,ucode=115 (Turin: also fmc=N)", SEVPROOF_TCB(min_reported_tcb)},
  {"min-current-tcb", value_kind::tcb, "firmware", "Minimum CURRENT_TCB (firmware's statement, not bound by the key; same form)", SEVPROOF_TCB(min_current_tcb)},
  {"min-committed-tcb", value_kind::tcb, "firmware", "Minimum COMMITTED_TCB (same form)", SEVPROOF_TCB(min_committed_tcb)},
  {"min-launch-tcb", value_kind::tcb, "firmware", "Minimum LAUNCH_TCB (same form)", SEVPROOF_TCB(min_launch_tcb)},
  {"min-firmware", value_kind::version, "firmware", "Minimum running firmware MAJOR.MINOR (e.g. 1.55)", SEVPROOF_VERSION(min_firmware)},
  {"min-build", value_kind::number, "firmware", "Minimum running firmware build", SEVPROOF_NUM(min_build, std::uint8_t, 255, "expected 0-255", false)},
  {"provisional-firmware", value_kind::allow_deny, "firmware", "allow|deny firmware newer than the committed one (default: warn)", SEVPROOF_ALLOW(allow_provisional_firmware)},
  // platform
  {"platform-info-max", value_kind::number, "platform", "PLATFORM_INFO bits allowed to be set (e.g. 0x27)", SEVPROOF_NUM(platform_info_max, std::uint64_t, ~0ull, "expected a bit mask (e.g. 0x27)", true)},
  {"platform-info-min", value_kind::number, "platform", "PLATFORM_INFO bits that must be set (e.g. 0x24: ECC_EN and ALIAS_CHECK_COMPLETE)", SEVPROOF_NUM(platform_info_min, std::uint64_t, ~0ull, "expected a bit mask (e.g. 0x24)", true)},
  {"min-launch-mit-vector", value_kind::number, "platform", "Mitigation bits LAUNCH_MIT_VECTOR must have (v5)", SEVPROOF_NUM(min_launch_mit_vector, std::uint64_t, ~0ull, "expected a bit mask", true)},
  {"min-current-mit-vector", value_kind::number, "platform", "Mitigation bits CURRENT_MIT_VECTOR must have (v5)", SEVPROOF_NUM(min_current_mit_vector, std::uint64_t, ~0ull, "expected a bit mask", true)},
};
#undef SEVPROOF_FLAG
#undef SEVPROOF_ALLOW
#undef SEVPROOF_HEX
#undef SEVPROOF_HEXLIST
#undef SEVPROOF_TCB
#undef SEVPROOF_VERSION
#undef SEVPROOF_NUM
// clang-format on

// An option named as a key: "host_data" is "host-data", as the evidence keys are (pipeline::evidence_slot_of),
// so a batch line or a file may spell its keys either way.
constexpr bool same_option_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if ((a[i] == '_' ? '-' : a[i]) != (b[i] == '_' ? '-' : b[i])) return false;
  return true;
}

// Other names accepted for an option (not listed in forms or written to files).
inline std::string_view canonical_option_name(std::string_view name) {
  return same_option_name(name, "min-reported-tcb") ? std::string_view("min-tcb") : name;
}

inline const option_spec* find_option(std::string_view name) {
  name = canonical_option_name(name);
  for (const auto& s : option_table)
    if (same_option_name(s.name, name)) return &s;
  return nullptr;
}

// Sets one reference value by its option name from its text. A flag takes "true" or "false".
// Unknown names, empty values and bad values raise option_error.
inline void apply_option(options& o, const std::string& name, const std::string& value) {
  const std::string flag = detail::flag_of(name);
  const auto* spec = find_option(name);
  if (!spec) throw option_error(flag + ": unknown reference value");
  spec->set(o, value, flag);
}

}  // namespace sevproof::validate
