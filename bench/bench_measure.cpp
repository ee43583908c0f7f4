// Measurement benchmarks: end to end (read and hash a 14 MB kernel and a 40 MB initrd, parse the
// AmdSev OVMF, compute the SNP digest) against the hashing floor with the same Botan build
// (SHA-256 of kernel + initrd, SHA-384 of every OVMF page). bench/run prints the ratio.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/vcpu.hpp"

namespace {
namespace fs = std::filesystem;
const fs::path inputs = fs::path(SEVPROOF_BENCH_DIR) / "bench-inputs";

// Deterministic large inputs (not multiples of the chunk size), made once.
fs::path make_input(const char* name, std::size_t size, unsigned mul) {
  const auto p = inputs / name;
  if (fs::exists(p) && fs::file_size(p) == size) return p;
  fs::create_directories(inputs);
  std::ofstream out(p, std::ios::binary);
  std::vector<char> chunk(1 << 20);
  for (std::size_t done = 0; done < size;) {
    const std::size_t n = std::min(chunk.size(), size - done);
    for (std::size_t i = 0; i < n; ++i) chunk[i] = static_cast<char>(((done + i) * mul + 7) % 251);
    out.write(chunk.data(), static_cast<std::streamsize>(n));
    done += n;
  }
  return p;
}
const fs::path kernel = make_input("kernel-14m.bin", 14 * 1000 * 1000 + 3, 7);
const fs::path initrd = make_input("initrd-40m.bin", 40 * 1000 * 1000 + 5, 13);
const fs::path ovmf = fs::path(SEVPROOF_TESTDATA_DIR) / "ovmf/OVMF.amdsev.fd";

sevproof::crypto::sha256_digest hash_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  sevproof::crypto::sha256 h;
  std::vector<char> buf(1 << 20);
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
    h.update(sevproof::bytes_view(reinterpret_cast<const sevproof::byte*>(buf.data()),
                                  static_cast<std::size_t>(in.gcount())));
  return h.finish();
}
sevproof::bytes read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void measure_floor(benchmark::State& st) {
  for (auto _ : st) {
    auto k = hash_file(kernel);
    auto r = hash_file(initrd);
    const auto fw = read_all(ovmf);
    sevproof::crypto::sha384_digest last{};
    for (std::size_t off = 0; off < fw.size(); off += 4096)
      last = sevproof::crypto::sha384_of(sevproof::bytes_view(fw).subspan(off, 4096));
    benchmark::DoNotOptimize(k);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(last);
  }
}

void measure_end_to_end(benchmark::State& st) {
  using namespace sevproof::measure;
  for (auto _ : st) {
    auto fw = parse_ovmf(read_all(ovmf)).value();
    launch_inputs in;
    in.vcpus = 4;
    in.vcpu_signature = *vcpu_signature("EPYC-Genoa");
    in.guest_features = 0x21;
    boot_hashes h;
    h.kernel = hash_file(kernel);
    h.initrd = hash_file(initrd);
    h.cmdline = boot_hashes::cmdline_hash("console=ttyS0 root=/dev/vda1");
    in.kernel = h;
    auto d = snp_launch_digest(fw, in);
    if (!d) st.SkipWithError("measure failed");
    benchmark::DoNotOptimize(d);
  }
}
}  // namespace

BENCHMARK(measure_floor)->Unit(benchmark::kMillisecond);
BENCHMARK(measure_end_to_end)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
