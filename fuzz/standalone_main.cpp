// Runs the fuzz target without libFuzzer: every seed file given, then deterministic mutations of
// each (bit flips, truncations, extensions, splices), so ctest exercises the parsers on hostile
// variants of real data under the sanitizers. Usage: fuzz_parsers_replay ITERATIONS SEED...
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fuzz_parsers_replay ITERATIONS SEED...\n";
    return 2;
  }
  const long iterations = std::strtol(argv[1], nullptr, 10);
  std::mt19937_64 rng(0x5e7);
  long runs = 0;
  for (int i = 2; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    const std::vector<std::uint8_t> seed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    LLVMFuzzerTestOneInput(seed.data(), seed.size());
    for (long k = 0; k < iterations; ++k, ++runs) {
      auto m = seed;
      switch (rng() % 4) {
        case 0:
          for (int f = 0; f < 1 + static_cast<int>(rng() % 8) && !m.empty(); ++f) m[rng() % m.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1: m.resize(m.empty() ? 0 : rng() % m.size()); break;
        case 2: m.resize(m.size() + 1 + rng() % 64, static_cast<std::uint8_t>(rng())); break;
        default:
          if (m.size() > 8) {
            const auto a = rng() % m.size(), b = rng() % m.size(), n = rng() % (m.size() - std::max(a, b));
            for (std::size_t j = 0; j < n; ++j) m[a + j] = m[b + j];
          }
      }
      LLVMFuzzerTestOneInput(m.data(), m.size());
    }
  }
  std::cout << "fuzz replay: " << runs << " mutated inputs from " << (argc - 2) << " seeds, no crash\n";
  return 0;
}
