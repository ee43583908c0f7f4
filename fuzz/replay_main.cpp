// Runs a fuzz target without libFuzzer, for ctest (and so under the asan preset's sanitizers): every
// input given (files, or every file in a directory), then deterministic mutations of each (bit flips,
// truncations, extensions, splices), MUTATIONS in all, shared evenly (at least 20 per input). A target
// that breaks a property fails the run (exit 70), a crash aborts it.
//   fuzz_replay TARGET MUTATIONS PATH...     fuzz_replay --list
// FUZZ_REPLAY_SAVE=FILE keeps the input being run in FILE, so a crashing one can be looked at.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>

#include "target.hpp"

namespace {

using input = std::vector<std::uint8_t>;

std::vector<std::filesystem::path> files_of(const std::filesystem::path& p) {
  std::vector<std::filesystem::path> out;
  if (std::filesystem::is_directory(p)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(p))
      if (e.is_regular_file()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
  } else {
    out.push_back(p);
  }
  return out;
}

void mutate(input& m, std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0:
      for (int f = 0; f < 1 + static_cast<int>(rng() % 8) && !m.empty(); ++f)
        m[rng() % m.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
      break;
    case 1:
      m.resize(m.empty() ? 0 : rng() % m.size());
      break;
    case 2:
      m.resize(m.size() + 1 + rng() % 64, static_cast<std::uint8_t>(rng()));
      break;
    default:
      if (m.size() > 8) {
        const auto a = rng() % m.size(), b = rng() % m.size(), n = rng() % (m.size() - std::max(a, b));
        std::copy_n(m.begin() + static_cast<std::ptrdiff_t>(b), n, m.begin() + static_cast<std::ptrdiff_t>(a));
      }
  }
}

// The replay driver's own twin (not a libFuzzer target): an input starting "crash" aborts, so a test
// shows that a crashing input fails the replay.
int selftest(const std::uint8_t* data, std::size_t size) {
  if (size >= 5 && std::memcmp(data, "crash", 5) == 0) sevproof::fuzz::fail("selftest", "input starts with 'crash'");
  return 0;
}
const sevproof::fuzz::registrar selftest_registrar("selftest", &selftest);

}  // namespace

int main(int argc, char** argv) {
  const auto& targets = sevproof::fuzz::registry();
  if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
    for (const auto& t : targets) std::cout << t.name << "\n";
    return 0;
  }
  if (argc < 4) {
    std::cerr << "usage: fuzz_replay TARGET MUTATIONS PATH...   (or --list)\n";
    return 2;
  }
  const auto it =
      std::find_if(targets.begin(), targets.end(), [&](const auto& t) { return std::strcmp(t.name, argv[1]) == 0; });
  if (it == targets.end()) {
    std::cerr << "fuzz_replay: unknown target " << argv[1] << " (see --list)\n";
    return 2;
  }
  const long budget = std::strtol(argv[2], nullptr, 10);
  std::vector<std::filesystem::path> paths;
  for (int i = 3; i < argc; ++i) {
    if (!std::filesystem::exists(argv[i])) {
      std::cerr << "fuzz_replay: " << argv[i] << ": no such file or directory\n";
      return 3;
    }
    for (auto& p : files_of(argv[i])) paths.push_back(std::move(p));
  }
  // The mutations are a budget for the whole run, shared evenly (at least 20 per input).
  const long iterations = paths.empty() ? 0 : std::max(20L, budget / static_cast<long>(paths.size()));
  std::mt19937_64 rng(0x5e7);
  // FUZZ_REPLAY_SAVE=FILE writes each input there before running it: after a crash, FILE holds it.
  const char* save = std::getenv("FUZZ_REPLAY_SAVE");
  auto run = [&](const input& in) {
    if (save != nullptr)
      std::ofstream(save, std::ios::binary)
          .write(reinterpret_cast<const char*>(in.data()), static_cast<std::streamsize>(in.size()));
    it->fn(in.data(), in.size());
  };
  long inputs = 0, runs = 0;
  for (const auto& path : paths) {
    std::ifstream in(path, std::ios::binary);
    const input seed{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    run(seed);
    ++inputs;
    for (long k = 0; k < iterations; ++k, ++runs) {
      auto m = seed;
      mutate(m, rng);
      run(m);
    }
  }
  if (inputs == 0) {
    std::cerr << "fuzz_replay: no input files\n";
    return 3;
  }
  std::cout << "fuzz replay " << it->name << ": " << inputs << " inputs and " << runs << " mutations, no crash\n";
  return 0;
}
