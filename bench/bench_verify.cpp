// Benchmarks of the verification path on real data. Each measured operation has a floor measured
// in the same run (bench/run prints the ratios):
//   parse_report        vs  copy_report_floor   (copying 1184 bytes: the least any parser does)
//   report_signed_by    vs  ecdsa_verify_floor  (the bare ECDSA check through the crypto adapter)
//   load_vcek           (X.509 parse of a real VCEK)
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/ecdsa.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/signature.hpp"
#include "sevproof/verify/report_signature.hpp"

namespace {
sevproof::bytes read(const char* rel) {
  std::ifstream in(std::string(SEVPROOF_TESTDATA_DIR) + "/" + rel, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("missing test data: ") + rel);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
const sevproof::bytes report_bytes = read("reports/automata-milan-v2/report.bin");
const sevproof::bytes vcek_bytes = read("reports/automata-milan-v2/vcek.der");

void copy_report_floor(benchmark::State& st) {
  std::array<sevproof::byte, 0x4A0> out{};
  for (auto _ : st) {
    std::memcpy(out.data(), report_bytes.data(), out.size());
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
}
void parse_report(benchmark::State& st) {
  for (auto _ : st) {
    auto r = sevproof::snp::parse_report(report_bytes);
    benchmark::DoNotOptimize(r);
  }
}
void ecdsa_verify_floor(benchmark::State& st) {
  auto vcek = sevproof::crypto::certificate::load(vcek_bytes).value();
  auto rep = sevproof::snp::parse_report(report_bytes).value();
  auto sig = sevproof::snp::read_signature(rep).value();
  for (auto _ : st) {
    auto c = sevproof::crypto::verify_ecdsa_p384_sha384(vcek, rep.signed_bytes(), sig.r_be, sig.s_be);
    if (!c.valid) st.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(c);
  }
}
void report_signed_by(benchmark::State& st) {
  auto vcek = sevproof::crypto::certificate::load(vcek_bytes).value();
  for (auto _ : st) {
    auto rep = sevproof::snp::parse_report(report_bytes).value();
    auto c = sevproof::verify::report_signed_by(rep, vcek);
    if (!c.valid) st.SkipWithError("signature did not verify");
    benchmark::DoNotOptimize(c);
  }
}
void load_vcek(benchmark::State& st) {
  for (auto _ : st) {
    auto c = sevproof::crypto::certificate::load(vcek_bytes);
    benchmark::DoNotOptimize(c);
  }
}
}  // namespace

BENCHMARK(copy_report_floor);
BENCHMARK(parse_report);
BENCHMARK(ecdsa_verify_floor)->Unit(benchmark::kMicrosecond);
BENCHMARK(report_signed_by)->Unit(benchmark::kMicrosecond);
BENCHMARK(load_vcek)->Unit(benchmark::kMicrosecond);
BENCHMARK_MAIN();
