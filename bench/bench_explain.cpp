// Explain's speed: how many VMSA-only variants (a different SEV_FEATURES, vCPU signature or FPU
// convention, 4 vCPUs) are measured per second from the snapshot of the digest state before the
// VMSAs, against one full SNP digest of the same launch (OVMF.amdsev.fd, no kernel) measured in the
// same run. bench/run prints variants/s and the ratio; the goal is >= 10^4 variants/s on one core.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/workflows/explain.hpp"

namespace {
namespace fs = std::filesystem;
using namespace sevproof;
using namespace sevproof::measure;

const ovmf_image& amdsev() {
  static const ovmf_image img = [] {
    std::ifstream in(fs::path(SEVPROOF_TESTDATA_DIR) / "ovmf/OVMF.amdsev.fd", std::ios::binary);
    return parse_ovmf(bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>())).value();
  }();
  return img;
}
launch_inputs genoa4() {
  launch_inputs in;
  in.vcpus = 4;
  in.vcpu_signature = *vcpu_signature("EPYC-Genoa");
  in.guest_features = 0x1;
  return in;
}

// One full digest: firmware pages, metadata sections, 4 VMSAs.
void explain_full_digest(benchmark::State& st) {
  const auto& fw = amdsev();
  const auto in = genoa4();
  for (auto _ : st) {
    auto d = snp_launch_digest(fw, in);
    benchmark::DoNotOptimize(d);
  }
}

// One VMSA-only variant from the snapshot: two VMSA pages hashed, four PAGE_INFOs.
void explain_vmsa_variant(benchmark::State& st) {
  const auto& fw = amdsev();
  auto in = genoa4();
  const auto start = snp_state_before_vmsas(fw, in).value();
  const auto ap = *fw.ap_reset_eip();
  std::uint64_t f = 1;
  for (auto _ : st) {
    in.guest_features = f;
    f = (f + 2) & 0xFFFF;  // a different value each time: nothing is cached
    gctx g = start;
    snp_measure_vmsas(g, snp_vmsa_digests(ap, in), in.vcpus);
    benchmark::DoNotOptimize(g.digest());
  }
  st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

// A whole search that is not explained (random digest): every axis alone and in pairs.
void explain_search_unexplained(benchmark::State& st) {
  const auto& fw = amdsev();
  workflows::believed_launch b{genoa4(), &fw, "OVMF.amdsev.fd", std::nullopt, false, true};
  bytes target(48, 0x5a);
  for (auto _ : st) {
    auto r = workflows::explain(b, target);
    if (!r || r->explained) st.SkipWithError("unexpected explanation");
    st.counters["candidates"] = static_cast<double>(r->candidates);
  }
}
}  // namespace

BENCHMARK(explain_full_digest)->Unit(benchmark::kMillisecond);
BENCHMARK(explain_vmsa_variant)->Unit(benchmark::kMicrosecond);
BENCHMARK(explain_search_unexplained)->Unit(benchmark::kMillisecond)->Iterations(1);
