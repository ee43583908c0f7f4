// The AMD chain built into the library (ARK, ASK and ASVK of Milan, Genoa and Turin), embedded at
// build time by cmake/SevproofEmbed.cmake and installed with the package, so a library user
// verifies a report with no chain files. Embedding grants no trust: each certificate's key must
// still equal its pin (verify/trust.hpp) to be used.
//
// Parsed once per process and product, when first asked for: a report whose product is evident
// needs its product's three certificates, not all nine (X.509 parsing is most of a cold start,
// in the page above all). Safe to call from several threads.
#pragma once

#include <array>
#include <mutex>
#include <optional>
#include <vector>

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/snp/product.hpp"

namespace sevproof::pipeline {

inline constexpr std::array<snp::product, 3> builtin_products{snp::product::milan, snp::product::genoa,
                                                              snp::product::turin};

// One product's built-in certificates (ARK, ASK, ASVK).
inline const std::vector<crypto::certificate>& builtin_chain_of(snp::product p) {
  static std::array<std::once_flag, builtin_products.size()> once;
  static std::array<std::vector<crypto::certificate>, builtin_products.size()> certs;
  const auto i = static_cast<std::size_t>(p);
  std::call_once(once.at(i), [&] {
    for (const auto& f : embedded::amd_chain) {
      if (snp::product_from_name(f.product) != p) continue;
      const bytes_view pem(reinterpret_cast<const byte*>(f.pem.data()), f.pem.size());
      if (auto cs = crypto::certificate::load_all(pem))
        for (auto& c : *cs) certs.at(i).push_back(c);
    }
  });
  return certs.at(i);
}

// Every built-in certificate, product by product.
inline const std::vector<crypto::certificate>& builtin_chain() {
  static const std::vector<crypto::certificate> all = [] {
    std::vector<crypto::certificate> out;
    for (const auto p : builtin_products) {
      const auto& some = builtin_chain_of(p);
      out.insert(out.end(), some.begin(), some.end());
    }
    return out;
  }();
  return all;
}

}  // namespace sevproof::pipeline
