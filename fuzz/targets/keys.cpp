// Key files: `id-block sign --id-key/--author-key` (SEC1 "EC PRIVATE KEY" or PKCS#8, PEM or DER) and
// public keys (`--id-key-public`, PEM or DER SubjectPublicKeyInfo), then the SNP key structure and
// digest made from them. Refusals must be valid UTF-8 (they go into JSON).
#include "../target.hpp"
#include "sevproof/idblock/id_block.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(keys) {
  const bytes_view in(data, size);
  if (auto k = crypto::private_key::load(in)) {
    if (auto ks = idblock::key_structure_of(*k)) (void)idblock::key_digest(*ks);
  } else {
    fuzz::json_safe("keys", k.err().to_string());
  }
  if (auto p = crypto::public_key::load(in)) {
    if (auto ks = idblock::key_structure_of(*p)) (void)idblock::key_digest(*ks);
  } else {
    fuzz::json_safe("keys", p.err().to_string());
  }
  return 0;
}
