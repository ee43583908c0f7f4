// AMD Key Distribution Service URLs for a report: what an auditor fetches on a connected machine
// (sevproof itself never goes to the network).
#pragma once

#include <optional>
#include <string>

#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/snp/platform_info.hpp"
#include "sevproof/snp/product.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/report_reader.hpp"
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

// `sevproof kds-urls` and the page's KDS tool: a report file and the product as typed (empty: from the report's
// CPUID) to the URLs, or a refusal that says whose fault it is (the CLI's exit codes: 2, 3, 1). A product refusal
// is said by its message alone (it names --product itself).
struct report_urls {
  enum class fault { none, product, report, kds };  // the product given (or needed), the file, no URL for it
  fault by = fault::none;
  std::optional<error> refused;
  snp::product product = snp::product::milan;
  urls u;
};
inline report_urls urls_for_report(bytes_view file, const std::string& product) {
  const auto refuse = [](report_urls::fault f, error e) {
    report_urls out;
    out.by = f;
    out.refused = std::move(e);
    return out;
  };
  snp::read_options ro;
  if (!product.empty()) {
    if (auto problem = snp::product_name_problem(product))
      return refuse(report_urls::fault::product, error{"--product", "", std::nullopt, "--product " + *problem});
    ro.given_product = snp::product_from_name(product);
  }
  auto pr = snp::read_report(file, ro);
  if (!pr) return refuse(report_urls::fault::report, pr.err());
  if (!pr->prod)
    return refuse(report_urls::fault::product,
                  error{"--product", "", std::nullopt,
                        "a version " + std::to_string(pr->report.version()) +
                            " report carries no CPUID, so the product (and the URL) is unknown: give --product "
                            "milan, genoa or turin"});
  auto u = vcek_urls(pr->report, *pr->prod);
  if (!u) {
    auto e = u.err();
    e.message += " (no VCEK URL can be named)";
    return refuse(report_urls::fault::kds, e);
  }
  report_urls out;
  out.product = *pr->prod;
  out.u = std::move(u).value();
  return out;
}

}  // namespace sevproof::kds
