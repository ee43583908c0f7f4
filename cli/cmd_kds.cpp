// sevproof kds-urls: the AMD KDS URLs to fetch, on a connected machine, for an offline check.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/kds/urls.hpp"
#include "sevproof/snp/report_reader.hpp"

namespace sevproof::cli {
namespace {

struct kds_options {
  std::string report, product;
  bool json = false;
};

int run_kds(const kds_options& o) {
  snp::read_options ro;
  if (!o.product.empty()) {
    ro.given_product = snp::product_from_name(o.product);
    if (!ro.given_product) {
      std::cerr << "sevproof kds-urls: --product " << o.product << ": use milan, genoa or turin\n";
      return usage;
    }
  }
  auto f = read_file(o.report);
  if (!f.data) {
    std::cerr << "sevproof kds-urls: " << f.why << "\n";
    return bad_input;
  }
  auto pr = snp::read_report(*f.data, ro);
  if (!pr) {
    std::cerr << "sevproof kds-urls: " << o.report << ": " << pr.err().to_string() << "\n";
    return bad_input;
  }
  if (!pr->prod) {
    std::cerr << "sevproof kds-urls: a version " << pr->report.version()
              << " report carries no CPUID, so the product (and the URL) is unknown: give --product milan|genoa|turin\n";
    return usage;
  }
  auto u = kds::vcek_urls(pr->report, *pr->prod);
  if (!u) {
    std::cerr << "sevproof kds-urls: cannot name a VCEK URL: " << u.err().to_string() << "\n";
    return check_failed;
  }
  if (o.json) {
    std::cout << nlohmann::ordered_json{{"product", std::string(snp::product_name(*pr->prod))}, {"vcek", u->vcek}, {"cert_chain", u->cert_chain}, {"crl", u->crl}}.dump(2)
              << "\n";
  } else {
    std::cout << "# Fetch these on a connected machine, then verify offline:\n"
              << "#   sevproof verify --report " << o.report << " --vcek vcek.der --chain cert_chain.pem --crl crl.der\n"
              << "vcek        " << u->vcek << "\n"
              << "cert_chain  " << u->cert_chain << "   (PEM: ASK then ARK)\n"
              << "crl         " << u->crl << "\n";
  }
  return ok;
}

}  // namespace

runner add_kds_urls(CLI::App& app) {
  auto o = std::make_shared<kds_options>();
  app.footer(
      "The VCEK URL uses CHIP_ID and REPORTED_TCB (the TCB the VCEK is issued for, not the current one);\n"
      "Turin uses the 8-byte chip id and adds fmcSPL. sevproof never fetches anything itself.\n\n"
      "Examples:\n"
      "  sevproof kds-urls report.bin\n"
      "  sevproof kds-urls --product turin report-v2.bin     # v2 reports carry no CPUID\n"
      "  curl -o vcek.der \"$(sevproof kds-urls --json report.bin | jq -r .vcek)\"\n\n"
      "Exit codes: 0 printed, 1 no VCEK URL exists (masked CHIP_ID, or a VLEK-signed report), 2 usage, 3 malformed input.");
  app.add_option("REPORT", o->report, "Attestation report")->required();
  app.add_option("--product", o->product, "milan, genoa or turin (needed for v2 reports)");
  app.add_flag("--json", o->json, "Print JSON {product, vcek, cert_chain, crl}");
  return [o] { return run_kds(*o); };
}

}  // namespace sevproof::cli
