// sevproof kds-urls: the AMD KDS URLs to fetch, on a connected machine, for an offline check.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/kds/urls.hpp"

namespace sevproof::cli {
namespace {

struct kds_options {
  std::string report, product;
  bool json = false;
};

int run_kds(const kds_options& o) {
  auto f = read_file(o.report);
  if (!f.data) {
    std::cerr << "sevproof kds-urls: " << f.why << "\n";
    return bad_input;
  }
  const auto answer = kds::urls_for_report(*f.data, o.product);
  if (answer.refused) {
    using fault = kds::report_urls::fault;
    std::cerr << "sevproof kds-urls: "
              << (answer.by == fault::product  ? answer.refused->message
                  : answer.by == fault::report ? o.report + ": " + answer.refused->to_string()
                                               : answer.refused->to_string())
              << "\n";
    return answer.by == fault::product ? usage : answer.by == fault::report ? bad_input : check_failed;
  }
  const auto* u = &answer.u;
  if (o.json) {
    nlohmann::ordered_json j{
        {"schema_version", 1}, {"product", std::string(snp::product_name(answer.product))}, {"signer", u->signer}};
    j["vcek"] = u->vcek.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(u->vcek);
    j["cert_chain"] = u->cert_chain;
    j["crl"] = u->crl;
    std::cout << json_out(j) << "\n";
  } else if (u->signer == "VLEK") {
    std::cout
        << "# A VLEK signed this report: the VLEK comes from the cloud provider (the extended report's certificate\n"
        << "# table, e.g. `snpguest report --certs`), not from the KDS by chip id. Fetch the chain and CRL, then:\n"
        << "#   sevproof verify --report " << o.report << " --vlek vlek.der --chain cert_chain.pem --crl crl.der\n"
        << "cert_chain  " << u->cert_chain << "   (PEM: ASVK then ARK)\n"
        << "crl         " << u->crl << "   (covers the ASVK)\n";
  } else {
    std::cout << "# Fetch these on a connected machine, then verify offline:\n"
              << "#   sevproof verify --report " << o.report
              << " --vcek vcek.der --chain cert_chain.pem --crl crl.der\n"
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
      "A VLEK-signed report gets the VLEK chain and CRL (/vlek/v1/{product}/...): the VLEK itself comes from the\n"
      "cloud provider, not the KDS.\n\n"
      "Exit codes: 0 printed, 1 no VCEK URL exists (masked CHIP_ID), 2 usage, 3 malformed input.");
  app.add_option("REPORT", o->report, "Attestation report")->required();
  app.add_option("--product", o->product, "milan, genoa or turin (needed for v2 reports)");
  app.add_flag("--json", o->json,
               "Print JSON {schema_version, product, signer, vcek (null for VLEK), cert_chain, crl}");
  return [o] { return run_kds(*o); };
}

}  // namespace sevproof::cli
