// The AMD certificate chain, link by link: ARK self-signature, ASK (or ASVK) by the ARK, and the
// VCEK (or VLEK) by the ASK (or ASVK). Every link is checked and reported, not only the first
// failure. Pinning, validity times, CRLs and extensions are separate checks built on this.
#pragma once

#include <string>
#include <vector>

#include "sevproof/crypto/certificate.hpp"

namespace sevproof::verify {

struct chain_link {
  std::string what;  // e.g. "ASK signed by ARK"
  crypto::signature_check result;
};

struct chain_result {
  std::vector<chain_link> links;
  [[nodiscard]] bool valid() const {
    if (links.empty()) return false;
    for (const auto& l : links)
      if (!l.result.valid) return false;
    return true;
  }
};

// ark: self-signed root; intermediate: ASK or ASVK; leaf: VCEK or VLEK.
inline chain_result check_chain(const crypto::certificate& ark, const crypto::certificate& intermediate,
                                const crypto::certificate& leaf) {
  chain_result out;
  const auto name = [](const crypto::certificate& c) { return c.subject_cn().empty() ? std::string("?") : c.subject_cn(); };
  out.links.push_back({name(ark) + " self-signature", ark.signed_by(ark)});
  out.links.push_back({name(intermediate) + " signed by " + name(ark), intermediate.signed_by(ark)});
  out.links.push_back({name(leaf) + " signed by " + name(intermediate), leaf.signed_by(intermediate)});
  return out;
}

}  // namespace sevproof::verify
