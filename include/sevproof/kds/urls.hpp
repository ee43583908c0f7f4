// AMD Key Distribution Service URLs for a report: what an auditor fetches on a connected machine
// (sevproof itself never goes to the network).
#pragma once

#include <string>

#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/snp/platform_info.hpp"
#include "sevproof/snp/product.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/tcb.hpp"

namespace sevproof::kds {

inline constexpr const char* base_url = "https://kdsintf.amd.com";

struct urls {
  std::string signer = "VCEK";  // which key signs the report: VCEK or VLEK
  std::string vcek;             // empty for VLEK reports: VLEKs are not fetched by chip id
  std::string cert_chain, crl;  // the chain and the CRL for that key's intermediate (ASK or ASVK)
};

// The chain and CRL URLs of a VLEK-signed report: the ASVK's, under /vlek/ (the ASVK's CRL
// Distribution Point). The VLEK itself comes from the cloud provider (e.g. the extended report).
inline urls vlek_urls(snp::product p) {
  const std::string prod(snp::product_name(p));
  return {"VLEK", "", std::string(base_url) + "/vlek/v1/" + prod + "/cert_chain",
          std::string(base_url) + "/vlek/v1/" + prod + "/crl"};
}

// The VCEK URL is built from CHIP_ID and REPORTED_TCB (the TCB the VCEK is issued for, never the
// current one). Turin uses the 8-byte hwID and adds fmcSPL.
inline result<urls> vcek_urls(const snp::report& r, snp::product p) {
  const std::string prod(snp::product_name(p));
  urls u;
  u.cert_chain = std::string(base_url) + "/vcek/v1/" + prod + "/cert_chain";
  u.crl = std::string(base_url) + "/vcek/v1/" + prod + "/crl";
  const auto sk = snp::signing_key_of(r.key_info());
  if (sk == 1) return vlek_urls(p);
  const auto chip = r.chip_id();
  if (all_zero(chip))
    return error{
        "report", "CHIP_ID", 0x1A0,
        "is all zero (the host set MASK_CHIP_ID): there is no chip id to fetch a VCEK for; ask the host for the VCEK"};
  const auto t = snp::decode_tcb(r.reported_tcb(), snp::layout_of(p));
  const std::string hwid = p == snp::product::turin ? hex::encode(chip.first(8)) : hex::encode(chip);
  if (p == snp::product::turin && !all_zero(chip.subspan(8)))
    return error{"report", "CHIP_ID", 0x1A8,
                 "has non-zero bytes after the 8-byte Turin chip id: is this really a Turin report?"};
  u.vcek = std::string(base_url) + "/vcek/v1/" + prod + "/" + hwid + "?";
  if (t.fmc) u.vcek += "fmcSPL=" + std::to_string(*t.fmc) + "&";
  u.vcek += "blSPL=" + std::to_string(t.bootloader) + "&teeSPL=" + std::to_string(t.tee) +
            "&snpSPL=" + std::to_string(t.snp) + "&ucodeSPL=" + std::to_string(t.microcode);
  return u;
}

}  // namespace sevproof::kds
