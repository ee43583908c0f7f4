// `sevproof id-block check`: an ID block (96 bytes) and its ID authentication structure (4096 bytes)
// checked as SNP_LAUNCH_FINISH will check them, against an expected launch digest and policy. Input:
// one byte saying which expectations are given, then the two files (zero-padded to their size: the
// CLI refuses other sizes before this), then the expected digest and policy.
#include <algorithm>

#include "../target.hpp"
#include "sevproof/idblock/id_block.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(idblock) {
  fuzz::reader r(data, size);
  const auto which = r.u8();
  bytes block(0x60, 0), auth(0x1000, 0);
  const auto b = r.take(block.size()), a = r.take(auth.size());
  std::copy(b.begin(), b.end(), block.begin());
  std::copy(a.begin(), a.end(), auth.begin());
  idblock::finish_expectations want;
  const auto ld = r.take(48);
  if ((which & 1) != 0 && ld.size() == 48) {
    want.ld.emplace();
    std::copy(ld.begin(), ld.end(), want.ld->begin());
  }
  const auto pol = r.take(8);
  if ((which & 2) != 0 && pol.size() == 8) want.policy = load_le<std::uint64_t>(pol, 0);
  (void)idblock::check_for_launch_finish(block, auth, want);
  return 0;
}
