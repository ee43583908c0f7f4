// AMD's legacy SEV signing-key files (ARK and ASK, `--ca` of `sev verify-chain`: the ASK followed by
// the ARK): the first key, the second cut after it, and the ASK's signature checked with the ARK.
#include "../target.hpp"
#include "sevproof/sev/certs.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(sev_signing_key) {
  const bytes_view in(data, size);
  auto ask = sev::parse_signing_key(in);
  if (!ask) return 0;
  auto ark = sev::parse_signing_key(in.subspan(ask->raw.size()), ask->raw.size(), ask->modulus_bits());
  if (ark) (void)sev::signed_by(*ask, *ark);
  return 0;
}
