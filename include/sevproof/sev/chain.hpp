// Verifying the legacy SEV platform chain: PDH <- PEK <- OCA (the owner's anchor, self-signed) and
// PEK <- CEK <- ASK <- ARK, with the ARK pinned per generation (Naples, Rome; Milan, Genoa and Turin
// share their RSA keys, and so their pins, with the SNP X.509 roots).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sevproof/sev/certs.hpp"
#include "sevproof/verify/trust.hpp"

namespace sevproof::sev {

struct legacy_pin {
  const char* generation;
  const char* ark_spki_sha256;
};
inline constexpr legacy_pin legacy_ark_pins[] = {
    {"Naples", "3a04f8f1347de206c9206a81148ba4ef0a233b245d43a15dd82de043bb3e4f69"},
    {"Rome", "7447ffa21e2b938bfade89f5e9066c00a328813bfc43685605cceabd18da6fde"},
};

// The generation whose pinned ARK this key is, or nullopt.
inline std::optional<std::string> pinned_generation(const signing_key& ark) {
  const auto fp = ark.spki_sha256();
  for (const auto& p : legacy_ark_pins)
    if (fp == p.ark_spki_sha256) return std::string(p.generation);
  for (const auto& p : verify::amd_key_pins)  // same RSA keys as the SNP ARKs
    if (p.role == verify::ca_role::ark && fp == p.spki_sha256) return std::string(snp::product_name(p.product));
  return std::nullopt;
}

struct link {
  std::string subject, signer;
  bool valid = false;
  std::string detail;
};

struct chain_verdict {
  std::optional<std::string> generation;  // set when the ARK is a pinned AMD root
  std::vector<link> links;
  [[nodiscard]] bool valid() const {
    if (!generation || links.empty()) return false;
    for (const auto& l : links)
      if (!l.valid) return false;
    return true;
  }
};

// `ca` candidates: (ASK, ARK) pairs to try when the file has none (the built-in ones).
inline chain_verdict verify_chain(const chain_file& f, const std::vector<std::pair<signing_key, signing_key>>& ca) {
  chain_verdict v;
  auto add = [&](const std::string& s, const std::string& by, bool ok) {
    v.links.push_back({s, by, ok, ok ? "signature valid" : "signature INVALID"});
  };
  add("PDH", "PEK", signed_by(f.pdh, f.pek));
  add("PEK", "OCA", signed_by(f.pek, f.oca));
  add("OCA", "OCA (self)", signed_by(f.oca, f.oca));
  add("PEK", "CEK", signed_by(f.pek, f.cek));
  std::vector<std::pair<signing_key, signing_key>> candidates;
  if (f.ask && f.ark)
    candidates.emplace_back(*f.ask, *f.ark);
  else
    candidates = ca;
  // The generation is the one whose ASK signed the CEK (as sevctl does, trying each).
  const std::pair<signing_key, signing_key>* chosen = nullptr;
  bool cek_signed = false;
  for (const auto& c : candidates)
    if (signed_by(f.cek, c.first)) {
      chosen = &c;
      cek_signed = true;
      break;
    }
  if (!chosen && !candidates.empty()) chosen = &candidates.front();
  if (!chosen) {
    v.links.push_back({"CEK", "ASK", false, "no ASK/ARK given and none built in"});
    return v;
  }
  add("CEK", "ASK", cek_signed);
  add("ASK", "ARK", signed_by(chosen->first, chosen->second));
  add("ARK", "ARK (self)", signed_by(chosen->second, chosen->second));
  v.generation = pinned_generation(chosen->second);
  v.links.push_back({"ARK", "pin", v.generation.has_value(),
                     v.generation ? "the pinned AMD ARK of " + *v.generation
                                  : "the ARK (SPKI SHA-256 " + chosen->second.spki_sha256().substr(0, 16) +
                                        "…) is not a pinned AMD root"});
  return v;
}

}  // namespace sevproof::sev
