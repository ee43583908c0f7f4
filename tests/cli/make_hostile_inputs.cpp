// Writes hostile variants of a real report into the build tree for the CLI tests (the shared data
// itself is never modified): truncated, version 7, non-zero reserved byte, random bytes.
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_hostile_inputs REPORT OUTDIR\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::vector<char> r{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (r.size() != 1184) {
    std::cerr << "expected a 1184-byte report\n";
    return 1;
  }
  const std::string out = argv[2];
  auto write = [&](const std::string& name, const std::vector<char>& b) {
    std::ofstream(out + "/" + name, std::ios::binary).write(b.data(), static_cast<std::streamsize>(b.size()));
  };
  write("truncated-1000.bin", std::vector<char>(r.begin(), r.begin() + 1000));
  auto v7 = r;
  v7[0] = 7;
  write("version7.bin", v7);
  auto mbz = r;
  mbz[0x4C] = 1;
  write("reserved-04c.bin", mbz);
  std::mt19937 rng(7);
  std::vector<char> random(1184);
  for (auto& c : random) c = static_cast<char>(rng() & 0xFF);
  random[0] = static_cast<char>(0xA7);  // make sure the version is not a supported one
  write("random-1184.bin", random);
  std::vector<char> random2(777);
  for (auto& c : random2) c = static_cast<char>(rng() & 0xFF);
  write("random-777.bin", random2);
  return 0;
}
