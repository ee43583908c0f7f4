// Verifying the legacy SEV platform chain: PDH <- PEK <- OCA (the owner's anchor, self-signed) and
// PEK <- CEK <- ASK <- ARK, with the ARK pinned per generation (Naples, Rome; Milan, Genoa and Turin
// share their RSA keys, and so their pins, with the SNP X.509 roots).
#pragma once

#include <array>
#include <initializer_list>
#include <map>
#include <mutex>
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

namespace detail {
// RSA links are verified once per process: the ASK <- ARK and ARK <- ARK links are mostly the
// built-in keys, and a CEK is met again (a host's chain checked with every launch). The key is every
// byte the check reads (signed bytes, signature, the signer's modulus and exponent), so any change is
// verified afresh. At most 256 links are kept: when full, those never met again are dropped first.
template <class Check>
bool remembered(std::initializer_list<bytes_view> parts, Check check) {
  struct entry {
    bool valid;
    std::size_t hits;
  };
  static std::mutex m;
  static std::map<std::string, entry> seen;
  std::string key;
  for (const auto part : parts) {
    key += std::to_string(part.size()) + ':';
    key.append(part.begin(), part.end());
  }
  {
    std::lock_guard lock(m);
    if (auto it = seen.find(key); it != seen.end()) {
      ++it->second.hits;
      return it->second.valid;
    }
  }
  const bool ok = check();
  std::lock_guard lock(m);
  if (seen.size() >= 256) std::erase_if(seen, [](const auto& e) { return e.second.hits == 0; });
  if (seen.size() >= 256) seen.clear();
  seen.emplace(std::move(key), entry{ok, 0});
  return ok;
}
inline bool key_signed_by(const signing_key& subject, const signing_key& issuer) {
  return remembered(
      {bytes_view(subject.raw).first(subject.signed_size), subject.signature_be, issuer.modulus_be, issuer.exponent_be},
      [&] { return signed_by(subject, issuer); });
}
inline bool cek_signed_by(const platform_cert& cek, const signing_key& ask) {
  std::array<byte, 16> slots{};
  for (std::size_t i = 0; i < 2; ++i) {
    store_le<std::uint32_t>(slots, i * 8, cek.sigs[i].usage);
    store_le<std::uint32_t>(slots, i * 8 + 4, cek.sigs[i].algo);
  }
  return remembered({cek.signed_region(), slots, cek.sigs[0].data, cek.sigs[1].data, ask.modulus_be, ask.exponent_be},
                    [&] { return signed_by(cek, ask); });
}
}  // namespace detail

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
    if (detail::cek_signed_by(f.cek, c.first)) {
      chosen = &c;
      cek_signed = true;
      break;
    }
  if (!chosen && !candidates.empty()) chosen = &candidates.front();
  if (!chosen) {
    v.links.push_back({"CEK", "ASK", false, "no ASK/ARK given and none built in"});
    return v;
  }
  if (cek_signed) {
    add("CEK", "ASK", true);
  } else {  // say what was tried, and whether the CEK carries an ASK signature at all
    std::string tried;
    for (const auto& c : candidates)
      tried += (tried.empty() ? "" : ", ") +
               pinned_generation(c.second).value_or("ARK " + c.second.spki_sha256().substr(0, 16) + "…");
    v.links.push_back({"CEK", "ASK", false,
                       slot_for(f.cek, usage_ask)
                           ? "signature INVALID: no ASK tried (" + tried + ") signed this CEK"
                           : "not signed by AMD: the CEK carries no ASK signature (no signature slot of usage ASK); "
                             "tried " +
                                 tried});
  }
  add("ASK", "ARK", detail::key_signed_by(chosen->first, chosen->second));
  add("ARK", "ARK (self)", detail::key_signed_by(chosen->second, chosen->second));
  v.generation = pinned_generation(chosen->second);
  v.links.push_back({"ARK", "pin", v.generation.has_value(),
                     v.generation ? "the pinned AMD ARK of " + *v.generation
                                  : "the ARK (SPKI SHA-256 " + chosen->second.spki_sha256().substr(0, 16) +
                                        "…) is not a pinned AMD root"});
  return v;
}

}  // namespace sevproof::sev
