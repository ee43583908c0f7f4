// Benchmarks of the verification path on real data. Each measured operation has a floor measured
// in the same run (bench/run prints the ratios):
//   parse_report        vs  copy_report_floor   (copying 1184 bytes: the least any parser does)
//   report_signed_by    vs  ecdsa_verify_floor  (the bare ECDSA check through the crypto adapter)
//   load_vcek           (X.509 parse of a real VCEK)
//   verify_full_cold    vs  ecdsa_verify_floor  (parse everything + every V check, one report)
//   verify_full_warm    vs  ecdsa_verify_floor  (every V check, certificates already parsed)
//   appraise_warm       vs  ecdsa_verify_floor  (the library pipeline from bytes, chain links cached)
//   appraise_threads    items/s vs the floor's rate x threads (batch verification on every core)
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/ecdsa.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/signature.hpp"
#include "sevproof/verify/report_signature.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/verify/verify_report.hpp"

namespace {
sevproof::bytes read(const char* rel) {
  std::ifstream in(std::string(SEVPROOF_TESTDATA_DIR) + "/" + rel, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("missing test data: ") + rel);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
const sevproof::bytes report_bytes = read("reports/automata-milan-v2/report.bin");
const sevproof::bytes vcek_bytes = read("reports/automata-milan-v2/vcek.der");
const sevproof::bytes ark_bytes = read("amd/milan/ark.pem");
const sevproof::bytes ask_bytes = read("amd/milan/ask.pem");
const sevproof::bytes crl_bytes = read("crl/milan-vcek-crl.der");

// Everything `sevproof verify` does for one report: parse report, VCEK, ARK, ASK and CRL, then
// chain + CRL + validity + TCB + hwID + signature (all V checks) and the default P checks.
void verify_full_cold(benchmark::State& st) {
  using namespace sevproof;
  for (auto _ : st) {
    verify::evidence ev{snp::read_report(report_bytes).value(),
                        crypto::certificate::load(vcek_bytes).value(),
                        {crypto::certificate::load(ark_bytes).value(), crypto::certificate::load(ask_bytes).value()},
                        crypto::crl::load(crl_bytes).value(),
                        {},
                        {}};
    verify::verify_options o;
    o.now = utc::parse("2026-07-01").value();
    auto v = verify::verify_report(ev, verify::trust_anchors::amd(), o);
    if (!v.genuine()) st.SkipWithError("did not verify");
    benchmark::DoNotOptimize(v);
  }
}
// The same with certificates parsed once (a service verifying many reports of one chip).
void verify_full_warm(benchmark::State& st) {
  using namespace sevproof;
  verify::evidence ev{snp::read_report(report_bytes).value(),
                      crypto::certificate::load(vcek_bytes).value(),
                      {crypto::certificate::load(ark_bytes).value(), crypto::certificate::load(ask_bytes).value()},
                      crypto::crl::load(crl_bytes).value(),
                      {},
                      {}};
  verify::verify_options o;
  o.now = utc::parse("2026-07-01").value();
  const auto trust = verify::trust_anchors::amd();
  for (auto _ : st) {
    auto v = verify::verify_report(ev, trust, o);
    if (!v.genuine()) st.SkipWithError("did not verify");
    benchmark::DoNotOptimize(v);
  }
}

// pipeline::appraise from the raw bytes (report and VCEK parsed every time, built-in chain), with
// the chain links (ASK by ARK, VCEK by ASK) remembered by fingerprint across calls: what a service
// or `verify --batch` pays per report once the fleet's certificates have been seen.
sevproof::pipeline::request pipeline_request() {
  sevproof::pipeline::request rq;
  rq.report = {"report.bin", report_bytes};
  rq.evidence.push_back({sevproof::pipeline::evidence_kind::vcek, {"vcek.der", vcek_bytes}, "vcek"});
  rq.now = sevproof::utc::parse("2026-07-01").value();
  return rq;
}
sevproof::verify::link_cache shared_cache;
void appraise_warm(benchmark::State& st) {
  const auto rq = pipeline_request();
  (void)sevproof::pipeline::appraise(rq, &shared_cache);
  for (auto _ : st) {
    auto a = sevproof::pipeline::appraise(rq, &shared_cache);
    if (!a.checks.genuine()) st.SkipWithError("did not verify");
    benchmark::DoNotOptimize(a);
  }
}
void appraise_threads(benchmark::State& st) {
  const auto rq = pipeline_request();
  (void)sevproof::pipeline::appraise(rq, &shared_cache);
  for (auto _ : st) {
    auto a = sevproof::pipeline::appraise(rq, &shared_cache);
    benchmark::DoNotOptimize(a);
  }
  st.SetItemsProcessed(st.iterations());
}
void ecdsa_rate(benchmark::State& st) {
  auto vcek = sevproof::crypto::certificate::load(vcek_bytes).value();
  auto rep = sevproof::snp::parse_report(report_bytes).value();
  auto sig = sevproof::snp::read_signature(rep).value();
  for (auto _ : st)
    benchmark::DoNotOptimize(sevproof::crypto::verify_ecdsa_p384_sha384(vcek, rep.signed_bytes(), sig.r_be, sig.s_be));
  st.SetItemsProcessed(st.iterations());
}

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
BENCHMARK(verify_full_cold)->Unit(benchmark::kMicrosecond);
BENCHMARK(verify_full_warm)->Unit(benchmark::kMicrosecond);
BENCHMARK(appraise_warm)->Unit(benchmark::kMicrosecond);
BENCHMARK(ecdsa_rate)->Unit(benchmark::kMicrosecond);
BENCHMARK(appraise_threads)->Unit(benchmark::kMicrosecond)->ThreadRange(1, 2)->UseRealTime();
