// Writes a VM definition in the native TOML form (what `vm init` and `vm init --from-snpguard`
// print). Paths are written as they stand in each file_ref's `path`: the caller makes them
// relative to where the file will live. The text reads back to the same definition.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "sevproof/core/text.hpp"
#include "sevproof/workflows/vm.hpp"

namespace sevproof::workflows::vm {

// A TOML basic string: quotes, backslashes and control characters escaped. VM files are ASCII (our TOML reader
// refuses other raw bytes), so a non-ASCII character (a path read from a JSON VM file, which may carry any UTF-8)
// is written as its \uXXXX or \UXXXXXXXX escape; read back, it is the same string (found by the vm fuzz target:
// a UTF-8 path did not survive `vm init`).
inline std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      const auto seq = utf8::decode(s, i);
      // not UTF-8 (no reader of ours lets such a string through): the replacement character, one byte consumed
      const std::uint32_t cp = seq.length >= 2 ? static_cast<std::uint32_t>(seq.code_point) : 0xFFFDu;
      if (seq.length >= 2) i += seq.length - 1;
      char buf[12];
      if (cp <= 0xFFFF)
        std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
      else
        std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(cp));
      out += buf;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

namespace detail {

inline std::string file_value(const file_ref& f) {
  if (!f.pin) return toml_string(f.path);
  return "{ path = " + toml_string(f.path) + ", sha256 = \"" + hex::encode(*f.pin) + "\" }";
}

inline void write_launch(std::string& s, const definition& d) {
  auto line = [&](const std::string& k, const std::string& v) { s += k + " = " + v + "\n"; };
  s += "\n[launch]\n";
  line("mode", toml_string(d.mode));
  line("ovmf", file_value(d.ovmf));
  if (d.kernel) {
    line("kernel", file_value(*d.kernel));
    if (d.initrd) line("initrd", file_value(*d.initrd));
    if (d.append) line("append", toml_string(*d.append));
  } else {
    s += "# no kernel: only the firmware is measured; what it boots (disk, bootloader) is not in the digest\n";
  }
  if (d.vcpus) line("vcpus", std::to_string(*d.vcpus));
  if (!d.vcpu_type.empty()) line("vcpu_type", toml_string(d.vcpu_type));
  if (!d.vcpu_sig.empty()) line("vcpu_sig", d.vcpu_sig);
  if (d.vcpu_family) line("vcpu_family", std::to_string(*d.vcpu_family));
  if (d.vcpu_model) line("vcpu_model", std::to_string(*d.vcpu_model));
  if (d.vcpu_stepping) line("vcpu_stepping", std::to_string(*d.vcpu_stepping));
  line("vmm_type", toml_string(d.vmm_type));
  if (d.mode == "snp") line("guest_features", d.guest_features);
  if (d.fpu_init != "modern") line("fpu_init", toml_string(d.fpu_init));
  if (!d.snp_ovmf_hash.empty()) line("snp_ovmf_hash", toml_string(d.snp_ovmf_hash));
  if (d.policy) line("policy", hex::number(*d.policy));
  if (d.host_data) line("host_data", "\"" + hex::encode(*d.host_data) + "\"");
}

inline void write_id_block(std::string& s, const definition& d) {
  if (!d.id_block) return;
  const auto& b = *d.id_block;
  s += "\n[id_block]\n";
  if (b.id_key)
    s += "id_key = " + file_value(*b.id_key) + "\n";
  else
    s += "# id_key = \"id-key.pem\"   # needed by `vm id-block` (or give --id-key) and to check ID_KEY_DIGEST\n";
  if (b.author_key) s += "author_key = " + file_value(*b.author_key) + "\n";
  s += "family_id = \"" + hex::encode(b.family_id) + "\"\n";
  s += "image_id = \"" + hex::encode(b.image_id) + "\"\n";
  s += "guest_svn = " + std::to_string(b.guest_svn) + "\n";
}

inline void write_expect(std::string& s, const definition& d) {
  s += "\n[expect]                      # reference values: `sevproof verify` option names\n";
  validate::options o = d.expect;
  if (d.from == origin::snpguard && d.platform_info) {
    s += "# SNPGuard required PLATFORM_INFO == " + hex::number(*d.platform_info) +
         "; here it is a ceiling (a platform with fewer of these bits also passes)\n";
    o.platform_info_max = *d.platform_info;
  }
  const auto table = validate::to_toml(o);
  if (table.find_first_not_of(" \n") == std::string::npos)
    s += "# measurement = [\"...\"]      # recorded digests; absent: `vm verify` recomputes it from [launch]\n"
         "# min-tcb = \"bl=3,tee=0,snp=8,ucode=115\"\n# vmpl = 0\n";
  else
    s += table;
}

}  // namespace detail

inline std::string to_toml(const definition& d, const std::string& header_comment = {}) {
  std::string s = "# sevproof VM definition: one file for the launch, the expected measurement and the verification.\n";
  if (!header_comment.empty()) s += "# " + header_comment + "\n";
  s += "# Relative paths resolve against this file's folder. Reference: docs/vm-file.md\nformat = 1\n";
  detail::write_launch(s, d);
  detail::write_id_block(s, d);
  detail::write_expect(s, d);
  return s;
}

}  // namespace sevproof::workflows::vm
