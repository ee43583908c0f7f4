// Fuzz target over every parser that takes hostile bytes: report reader (and its JSON rendering),
// certificate table, X.509 certificate and CRL, OVMF image, legacy SEV chain file, ID block check.
// Built with libFuzzer (clang, SEVPROOF_BUILD_FUZZ=ON) or with standalone_main.cpp for ctest.
#include <cstddef>
#include <cstdint>

#include "sevproof/crypto/crl.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/idblock/id_block.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/sev/certs.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/snp/report_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sevproof;
  const bytes_view in(data, size);
  if (auto r = snp::read_report(in)) (void)format::report_json(*r).dump();
  (void)snp::parse_cert_table(in);
  (void)crypto::certificate::load(in);
  (void)crypto::crl::load(in);
  (void)sev::parse_chain_file(in);
  (void)sev::parse_signing_key(in);
  if (size % 4096 == 0 && size > 0 && size <= (1u << 20))
    if (auto fw = measure::parse_ovmf(bytes(in.begin(), in.end()))) {
      measure::launch_inputs li;
      (void)measure::snp_launch_digest(*fw, li);
    }
  if (size >= 0x1060) (void)idblock::check_for_launch_finish(in.first(0x60), in.subspan(0x60, 0x1000), {});
  return 0;
}
