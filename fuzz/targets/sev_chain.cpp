// `sevproof sev verify-chain FILE` and `sev show FILE`: a legacy SEV platform chain file (PDH, PEK,
// OCA, CEK, as sevctl exports it) or one platform certificate, verified against the AMD ASK/ARK pairs
// built into the program.
#include "../target.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/sev/chain.hpp"
#include "sevproof/sev/session.hpp"

using namespace sevproof;

namespace {
std::vector<std::pair<sev::signing_key, sev::signing_key>> builtin_ca() {
  std::vector<std::pair<sev::signing_key, sev::signing_key>> out;
  for (const char* product : {"naples", "rome", "milan", "genoa", "turin"}) {
    std::optional<sev::signing_key> ask, ark;
    for (const auto& f : embedded::legacy_sev_keys)
      if (f.product == product)
        if (auto k = sev::parse_signing_key(bytes_view(f.data.data(), f.data.size())))
          (f.role == "ask" ? ask : ark) = k.value();
    if (ask && ark) out.emplace_back(*ask, *ark);
  }
  return out;
}
}  // namespace

SEVPROOF_FUZZ_TARGET(sev_chain) {
  static const auto ca = builtin_ca();
  const bytes_view in(data, size);
  if (auto chain = sev::parse_chain_file(in)) (void)sev::verify_chain(*chain, ca);
  if (auto cert = sev::parse_platform_cert(in)) (void)sev::cert_point(*cert);
  return 0;
}
