// `sevproof measure --ovmf FILE` and `sev validate --firmware FILE`: the OVMF footer table and SEV
// metadata parsed, then the SNP, SEV-ES and SEV launch digests computed from them. Input: one byte of
// launch settings (mode, VMM, direct boot, vCPUs), then the image. The image is padded at the front
// to whole pages, so the structures that are found from the end of the file stay at the end.
#include "../target.hpp"
#include "sevproof/measure/launch_digest.hpp"

using namespace sevproof;

SEVPROOF_FUZZ_TARGET(ovmf) {
  fuzz::reader r(data, size);
  const auto settings = r.u8();
  const bytes_view body = r.rest();
  if (body.size() > (256u << 10)) return -1;  // real images are MiBs; the structures sit in the last pages
  const std::size_t pad = (measure::page_size - body.size() % measure::page_size) % measure::page_size;
  bytes image(pad, 0);
  image.insert(image.end(), body.begin(), body.end());
  auto fw = measure::parse_ovmf(std::move(image));
  if (!fw) return 0;
  (void)fw->ap_reset_eip();
  (void)fw->hash_table_gpa();
  (void)fw->hash_table_size();
  std::uint64_t covered = 0;  // pages the metadata asks to measure: bounded so one input stays fast
  for (const auto& s : fw->sev_metadata.value_or(std::vector<measure::metadata_section>{})) covered += s.size;
  if (covered > (64u << 20)) return 0;

  static constexpr measure::guest_mode modes[] = {measure::guest_mode::snp, measure::guest_mode::seves,
                                                  measure::guest_mode::sev, measure::guest_mode::snp_ovmf_hash};
  static constexpr measure::vmm_type vmms[] = {measure::vmm_type::qemu, measure::vmm_type::ec2, measure::vmm_type::gce};
  measure::launch_inputs in;
  in.mode = modes[settings & 3];
  in.vmm = vmms[((settings >> 2) & 3) % 3];
  if ((settings & 0x10) != 0) in.kernel = measure::boot_hashes{};
  in.allow_missing_sev_metadata = (settings & 0x20) != 0;
  in.vcpus = (settings >> 6) & 3;
  in.vcpu_signature = 0xA00F11;
  if (in.mode == measure::guest_mode::sev || in.mode == measure::guest_mode::seves)
    (void)measure::sev_launch_digest(*fw, in);
  else
    (void)measure::snp_launch_digest(*fw, in);
  return 0;
}
