// Reading the legacy SEV transport keys (TEK, TIK: 16 bytes each; or --tk: TEK then TIK, 32 bytes),
// shared by `sev validate` and `sev secret`.
#pragma once

#include <optional>
#include <string>

#include "io.hpp"

namespace sevproof::cli {

struct transport_keys {
  bytes tek, tik;  // tek stays empty when it was optional and not given
};

struct transport_keys_result {
  std::optional<transport_keys> keys;
  std::string why;
  bool unreadable = false;  // a file could not be read (else: a usage error)
};

inline transport_keys_result read_transport_keys(const std::string& tek_path, const std::string& tik_path,
                                                 const std::string& tk_path, bool tek_required) {
  auto load = [](const std::string& path, const char* flag, std::size_t size,
                 bytes& out) -> std::optional<transport_keys_result> {
    auto f = read_file(path);
    if (!f.data) return transport_keys_result{std::nullopt, f.why, true};
    if (f.data->size() != size)
      return transport_keys_result{std::nullopt,
                                   std::string(flag) + " " + path + ": " + std::to_string(f.data->size()) +
                                       " bytes; expected " + std::to_string(size) +
                                       (size == 32 ? " (TEK then TIK)" : ""),
                                   false};
    out = *f.data;
    return std::nullopt;
  };
  transport_keys k;
  if (!tk_path.empty()) {
    if (!tek_path.empty() || !tik_path.empty())
      return {std::nullopt, "--tk cannot be combined with --tik/--tek", false};
    bytes both;
    if (auto err = load(tk_path, "--tk", 32, both)) return *err;
    k.tek.assign(both.begin(), both.begin() + 16);
    k.tik.assign(both.begin() + 16, both.end());
    return {k, {}, false};
  }
  if (tik_path.empty()) return {std::nullopt, "--tik (or --tk) is required", false};
  if (tek_required && tek_path.empty()) return {std::nullopt, "--tek (or --tk) is required", false};
  if (auto err = load(tik_path, "--tik", 16, k.tik)) return *err;
  if (!tek_path.empty())
    if (auto err = load(tek_path, "--tek", 16, k.tek)) return *err;
  return {k, {}, false};
}

}  // namespace sevproof::cli
