// The AMD chain built into the library (ARK, ASK and ASVK of Milan, Genoa and Turin), embedded at
// build time by cmake/SevproofEmbed.cmake and installed with the package, so a library user
// verifies a report with no chain files. Parsed once per process. Embedding grants no trust: each
// certificate's key must still equal its pin (verify/trust.hpp) to be used.
#pragma once

#include <vector>

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/embedded_amd_chain.hpp"

namespace sevproof::pipeline {

inline const std::vector<crypto::certificate>& builtin_chain() {
  static const std::vector<crypto::certificate> certs = [] {
    std::vector<crypto::certificate> out;
    for (const auto& f : embedded::amd_chain) {
      const bytes_view pem(reinterpret_cast<const byte*>(f.pem.data()), f.pem.size());
      if (auto cs = crypto::certificate::load_all(pem))
        for (auto& c : *cs) out.push_back(c);
    }
    return out;
  }();
  return certs;
}

}  // namespace sevproof::pipeline
