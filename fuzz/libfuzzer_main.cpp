// libFuzzer entry of a per-target binary: fuzz_NAME links targets/NAME.cpp and this file only.
#include "target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto& r = sevproof::fuzz::registry();
  if (r.size() != 1) sevproof::fuzz::fail("?", "a libFuzzer binary must link exactly one target");
  return r.front().fn(data, size);
}
