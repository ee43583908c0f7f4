// Expectations as users type them (CLI flags, web form fields): numbers, hex fields, TCB minimums.
// Bad values raise option_error naming the option and what was expected (the CLI's exit code 2).
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/validate/options.hpp"

namespace sevproof::validate {

struct option_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::optional<bool> parse_allow(const std::string& s, const char* flag) {
  if (s.empty()) return std::nullopt;
  if (s == "allow") return true;
  if (s == "deny") return false;
  throw option_error(std::string(flag) + " " + s + ": use allow or deny");
}

inline std::optional<std::pair<std::uint8_t, std::uint8_t>> parse_version_pair(const std::string& s) {
  const auto dot = s.find('.');
  if (dot == std::string::npos) return std::nullopt;
  auto a = parse_uint(s.substr(0, dot), 255), b = parse_uint(s.substr(dot + 1), 255);
  if (!a || !b || s.find('x') != std::string::npos) return std::nullopt;
  return std::pair{static_cast<std::uint8_t>(*a), static_cast<std::uint8_t>(*b)};
}

// A fixed-size byte field as tools print it: hex (spaces and line breaks allowed, as snpguest prints
// it; optional 0x) or base64 (as `sev-snp-measure --output-format base64` prints it). The two cannot
// be confused: hex of N bytes has 2N digits, base64 of N bytes 4*ceil(N/3) characters.
inline std::optional<bytes> parse_hex_field(const std::string& s, const char* flag, std::size_t size) {
  if (s.empty()) return std::nullopt;
  auto b = hex::decode(s);
  if (b && b->size() == size) return b;
  if (auto b64 = base64::decode(s); b64 && b64->size() == size) return b64;
  if (!b) throw option_error(std::string(flag) + ": neither hex nor base64 of " + std::to_string(size) + " bytes");
  throw option_error(std::string(flag) + ": " + std::to_string(b->size()) + " bytes given, the field is " + std::to_string(size) +
                     " bytes (" + std::to_string(2 * size) + " hex digits)");
}

// "bl=3,tee=0,snp=8,ucode=115[,fmc=0]" (also bootloader=, microcode=)
inline std::optional<tcb_minimum> parse_tcb_min(const std::string& s, const char* flag) {
  if (s.empty()) return std::nullopt;
  tcb_minimum m;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const auto comma = s.find(',', pos);
    const std::string item = s.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto eq = item.find('=');
    if (eq == std::string::npos) throw option_error(std::string(flag) + " " + s + ": expected NAME=VALUE items, e.g. bl=3,tee=0,snp=8,ucode=115");
    const std::string key = item.substr(0, eq);
    const auto val = parse_uint(item.substr(eq + 1), 255);
    if (!val) throw option_error(std::string(flag) + ": " + item + ": value must be 0-255");
    const auto v8 = static_cast<std::uint8_t>(*val);
    if (key == "fmc") m.fmc = v8;
    else if (key == "bl" || key == "bootloader") m.bootloader = v8;
    else if (key == "tee") m.tee = v8;
    else if (key == "snp") m.snp = v8;
    else if (key == "ucode" || key == "microcode") m.microcode = v8;
    else throw option_error(std::string(flag) + ": unknown component '" + key + "' (fmc, bl, tee, snp, ucode)");
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return m;
}

// Sets one expectation by its option name (the CLI flag without dashes, also the web form's field
// name) from its text. Flags take "true"/"false". Unknown names and bad values raise option_error.
inline void apply_option(options& o, const std::string& name, const std::string& value) {
  const std::string flag = "--" + name;
  auto need = [&](auto v, const char* expected) {
    if (!v) throw option_error(flag + " " + value + ": " + expected);
    return *v;
  };
  auto flag_value = [&] {
    if (value == "true" || value.empty()) return true;
    if (value == "false") return false;
    throw option_error(flag + " " + value + ": use true or false");
  };
  auto u8 = [&](const char* expected) { return static_cast<std::uint8_t>(need(parse_uint(value, 255), expected)); };
  if (name == "allow-debug") o.allow_debug = flag_value();
  else if (name == "smt") o.allow_smt = parse_allow(value, flag.c_str());
  else if (name == "migrate-ma") o.allow_migrate_ma = parse_allow(value, flag.c_str());
  else if (name == "cxl") o.allow_cxl = parse_allow(value, flag.c_str());
  else if (name == "require-single-socket") o.require_single_socket = flag_value();
  else if (name == "require-aes-256-xts") o.require_aes_256_xts = flag_value();
  else if (name == "require-rapl-dis") o.require_rapl_dis = flag_value();
  else if (name == "require-ciphertext-hiding") o.require_ciphertext_hiding = flag_value();
  else if (name == "require-page-swap-disable") o.require_page_swap_disable = flag_value();
  else if (name == "min-abi") o.min_abi = need(parse_version_pair(value), "expected MAJOR.MINOR");
  else if (name == "min-guest-svn") o.min_guest_svn = static_cast<std::uint32_t>(need(parse_uint(value, 0xFFFFFFFFu), "expected a 32-bit number"));
  else if (name == "report-data") o.report_data = parse_hex_field(value, flag.c_str(), 64);
  else if (name == "host-data") o.host_data = parse_hex_field(value, flag.c_str(), 32);
  else if (name == "image-id") o.image_id = parse_hex_field(value, flag.c_str(), 16);
  else if (name == "family-id") o.family_id = parse_hex_field(value, flag.c_str(), 16);
  else if (name == "report-id") o.report_id = parse_hex_field(value, flag.c_str(), 32);
  else if (name == "report-id-ma") o.report_id_ma = parse_hex_field(value, flag.c_str(), 32);
  else if (name == "chip-id") o.chip_id = parse_hex_field(value, flag.c_str(), 64);
  else if (name == "measurement") o.measurements.push_back(*parse_hex_field(value, flag.c_str(), 48));
  else if (name == "id-key-digest") o.trusted_id_keys.push_back(*parse_hex_field(value, flag.c_str(), 48));
  else if (name == "author-key-digest") o.trusted_author_keys.push_back(*parse_hex_field(value, flag.c_str(), 48));
  else if (name == "min-firmware") o.min_firmware = need(parse_version_pair(value), "expected MAJOR.MINOR");
  else if (name == "min-build") o.min_build = u8("expected 0-255");
  else if (name == "min-tcb") o.min_current_tcb = parse_tcb_min(value, flag.c_str());
  else if (name == "min-committed-tcb") o.min_committed_tcb = parse_tcb_min(value, flag.c_str());
  else if (name == "min-reported-tcb") o.min_reported_tcb = parse_tcb_min(value, flag.c_str());
  else if (name == "min-launch-tcb") o.min_launch_tcb = parse_tcb_min(value, flag.c_str());
  else if (name == "provisional-firmware") o.allow_provisional_firmware = parse_allow(value, flag.c_str());
  else if (name == "platform-info-max") o.platform_info_max = need(parse_uint(value), "expected a bit mask (e.g. 0x27)");
  else if (name == "vmpl") o.vmpl = static_cast<std::uint32_t>(need(parse_uint(value, 3), "expected 0-3"));
  else if (name == "require-id-block") o.require_id_block = flag_value();
  else if (name == "require-author-key") o.require_author_key = flag_value();
  else if (name == "min-launch-mit-vector") o.min_launch_mit_vector = need(parse_uint(value), "expected a bit mask");
  else if (name == "min-current-mit-vector") o.min_current_mit_vector = need(parse_uint(value), "expected a bit mask");
  else throw option_error(flag + ": unknown expectation");
}

}  // namespace sevproof::validate
