// The role an AMD certificate plays in SNP attestation, by the subject names KDS gives them (ARK-<product>,
// SEV-<product> for the ASK, SEV-VLEK-<product> for the ASVK, SEV-VCEK, SEV-VLEK) and, for a leaf named
// otherwise, its KDS extensions (hwID: a VCEK; CSP_ID: a VLEK). What a certificate is trusted for is decided
// later, by the pins and the signatures; this only says where a file was meant to go, for the evidence
// builder's refusals (--ark given a VCEK) and the page's routing of dropped files.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/kds/extensions.hpp"

namespace sevproof::kds {

enum class cert_kind : std::uint8_t { vcek, vlek, ark, ask, asvk, other_ca, other };

inline cert_kind kind_of(const crypto::certificate& c) {
  const std::string cn = c.subject_cn();
  if (cn == "SEV-VCEK") return cert_kind::vcek;
  if (cn == "SEV-VLEK") return cert_kind::vlek;
  if (cn.rfind("ARK-", 0) == 0) return cert_kind::ark;
  if (cn.rfind("SEV-VLEK-", 0) == 0) return cert_kind::asvk;
  if (cn.rfind("SEV-", 0) == 0) return cert_kind::ask;
  if (c.is_ca()) return cert_kind::other_ca;
  if (auto e = read_amd_extensions(c)) {
    if (e->hwid) return cert_kind::vcek;
    if (e->csp_id) return cert_kind::vlek;
  }
  return cert_kind::other;
}

// A leaf that can sign a report (a VCEK, a VLEK, or a leaf of unknown kind: the signature decides).
constexpr bool is_leaf(cert_kind k) { return k == cert_kind::vcek || k == cert_kind::vlek || k == cert_kind::other; }

// "vcek", "vlek", "ark", "ask", "asvk", "ca", "certificate": the page's names of the kinds.
constexpr std::string_view kind_key(cert_kind k) {
  switch (k) {
    case cert_kind::vcek:
      return "vcek";
    case cert_kind::vlek:
      return "vlek";
    case cert_kind::ark:
      return "ark";
    case cert_kind::ask:
      return "ask";
    case cert_kind::asvk:
      return "asvk";
    case cert_kind::other_ca:
      return "ca";
    case cert_kind::other:
      return "certificate";
  }
  return "certificate";
}

// In a sentence: "the ARK of Milan (ARK-Milan)", "a VCEK (SEV-VCEK)", "a CA certificate (Example Root)",
// "a certificate (CN)".
inline std::string describe(const crypto::certificate& c) {
  const std::string cn = c.subject_cn();
  switch (kind_of(c)) {
    case cert_kind::ark:
      return "the ARK of " + cn.substr(4) + " (" + cn + ")";
    case cert_kind::asvk:
      return "the ASVK of " + cn.substr(9) + " (" + cn + ")";
    case cert_kind::ask:
      return "the ASK of " + cn.substr(4) + " (" + cn + ")";
    case cert_kind::vcek:
      return "a VCEK (" + cn + ")";
    case cert_kind::vlek:
      return "a VLEK (" + cn + ")";
    case cert_kind::other_ca:
      return "a CA certificate (" + cn + ")";
    case cert_kind::other:
      break;
  }
  return "a certificate (" + cn + ")";
}

}  // namespace sevproof::kds
