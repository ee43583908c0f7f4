// `sev validate --vmsa-cpu0 FILE --vmsa-cpu1 FILE`: VMSA pages taken as the host gives them, measured
// into the SEV-ES launch digest of a small firmware with an SEV-ES reset block. Input: one byte of
// vCPU count and FPU convention, then the two files; the CLI refuses files that are not 4096 bytes.
#include <algorithm>
#include <array>

#include "../target.hpp"
#include "sevproof/measure/launch_digest.hpp"

using namespace sevproof;

namespace {

// One page: an SEV-ES reset block entry (AP reset EIP) in the footer table, then the reset vector.
measure::ovmf_image firmware() {
  bytes page(measure::page_size, 0);
  const std::size_t footer = page.size() - 32 - 18, entry = footer - 22;
  store_le<std::uint32_t>(page, entry, 0xFFFFF000u);  // AP reset EIP
  store_le<std::uint16_t>(page, entry + 4, 22);
  const auto reset = measure::ovmf_guid::sev_es_reset_block.efi_bytes(), table = measure::ovmf_guid::footer.efi_bytes();
  std::copy(reset.begin(), reset.end(), page.begin() + static_cast<std::ptrdiff_t>(entry + 6));
  store_le<std::uint16_t>(page, footer, 18 + 22);
  std::copy(table.begin(), table.end(), page.begin() + static_cast<std::ptrdiff_t>(footer + 2));
  auto fw = measure::parse_ovmf(std::move(page));
  if (!fw || !fw->ap_reset_eip()) fuzz::fail("vmsa", "the built-in firmware page does not parse");
  return *fw;
}

std::optional<std::array<byte, 0x1000>> page_of(bytes_view b) {
  if (b.size() != 0x1000) return std::nullopt;  // as the CLI: a VMSA file is 4096 bytes
  std::array<byte, 0x1000> a{};
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}

}  // namespace

SEVPROOF_FUZZ_TARGET(vmsa) {
  static const measure::ovmf_image fw = firmware();
  fuzz::reader r(data, size);
  const auto settings = r.u8();
  measure::launch_inputs in;
  in.mode = measure::guest_mode::seves;
  in.vcpus = settings & 7;
  in.fpu = (settings & 8) != 0 ? measure::fpu_init::zero : measure::fpu_init::modern;
  in.bsp_vmsa = page_of(r.take(0x1000));
  in.ap_vmsa = page_of(r.take(0x1000));
  (void)measure::sev_launch_digest(fw, in);
  return 0;
}
