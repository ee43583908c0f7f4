// sevproof verify: chain (ARK -> ASK -> VCEK) and report signature.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/verify/chain.hpp"
#include "sevproof/verify/report_signature.hpp"

namespace sevproof::cli {
namespace {

struct verify_options {
  std::string report;
  std::string vcek;
  std::string certs_dir;
  std::string ark;
  std::string ask;
  bool json = false;
};

// "SEV-Milan" / "SEV-VLEK-Milan" -> "milan"
std::string product_from_issuer(const std::string& issuer_cn) {
  std::string p = issuer_cn;
  for (const char* prefix : {"SEV-VLEK-", "SEV-"})
    if (p.rfind(prefix, 0) == 0) {
      p = p.substr(std::string(prefix).size());
      break;
    }
  std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return p;
}

std::optional<crypto::certificate> load_cert(const std::string& path, const char* role, std::string& why) {
  auto file = read_file(path);
  if (!file.data) {
    why = std::string(role) + ": " + file.why;
    return std::nullopt;
  }
  auto c = crypto::certificate::load(*file.data);
  if (!c) {
    why = std::string(role) + " (" + path + "): " + c.err().to_string();
    return std::nullopt;
  }
  return c.value();
}

int run_verify(const verify_options& o) {
  auto fail_input = [&](const std::string& why) {
    std::cerr << "sevproof verify: " << why << "\n";
    return bad_input;
  };
  auto report_file = read_file(o.report);
  if (!report_file.data) return fail_input(report_file.why);
  auto rep = snp::parse_report(*report_file.data);
  if (!rep) return fail_input(o.report + ": " + rep.err().to_string());

  std::string why;
  auto vcek = load_cert(o.vcek, "VCEK", why);
  if (!vcek) return fail_input(why);

  const bool vlek = vcek->issuer_cn().rfind("SEV-VLEK-", 0) == 0;
  const std::string product = product_from_issuer(vcek->issuer_cn());
  std::string dir = o.certs_dir.empty() ? std::string(SEVPROOF_DEFAULT_AMD_DIR) + "/" + product : o.certs_dir;
  std::string ark_path = o.ark.empty() ? dir + "/ark.pem" : o.ark;
  std::string ask_path = o.ask.empty() ? dir + (vlek ? "/asvk.pem" : "/ask.pem") : o.ask;
  auto ark = load_cert(ark_path, "ARK", why);
  if (!ark) return fail_input(why);
  auto ask = load_cert(ask_path, vlek ? "ASVK" : "ASK", why);
  if (!ask) return fail_input(why);

  auto chain = verify::check_chain(*ark, *ask, *vcek);
  auto sig = verify::report_signed_by(*rep, *vcek);
  const bool verified = chain.valid() && sig.valid;

  if (o.json) {
    nlohmann::json j;
    j["report"] = o.report;
    j["report_version"] = rep->version();
    j["product"] = product;
    j["signer"] = vlek ? "VLEK" : "VCEK";
    for (const auto& l : chain.links)
      j["checks"].push_back({{"check", l.what}, {"status", l.result.valid ? "pass" : "fail"}, {"detail", l.result.detail}});
    j["checks"].push_back({{"check", "report signature"}, {"status", sig.valid ? "pass" : "fail"}, {"detail", sig.detail}});
    j["verified"] = verified;
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "report  " << o.report << " (version " << rep->version() << ")\n"
              << "signer  " << vcek->subject_cn() << " issued by " << vcek->issuer_cn() << "\n";
    for (const auto& l : chain.links)
      std::cout << (l.result.valid ? "  [pass] " : "  [FAIL] ") << l.what << (l.result.valid ? "" : ": " + l.result.detail) << "\n";
    std::cout << (sig.valid ? "  [pass] " : "  [FAIL] ") << "report signed by " << vcek->subject_cn()
              << " (ECDSA P-384 SHA-384 over bytes 0x000-0x29f)" << (sig.valid ? "" : ": " + sig.detail) << "\n";
    std::cout << (verified ? "VERIFIED: signed by genuine AMD hardware (chain and signature)\n"
                           : "NOT VERIFIED: see the failed checks above\n");
  }
  return verified ? ok : check_failed;
}

}  // namespace

runner add_verify(CLI::App& app) {
  auto o = std::make_shared<verify_options>();
  app.add_option("--report,-r", o->report, "Attestation report (raw 1184 bytes)")->required()->check(CLI::ExistingFile);
  app.add_option("--vcek", o->vcek, "Signer certificate: VCEK or VLEK, DER or PEM")->required()->check(CLI::ExistingFile);
  app.add_option("--certs,-c", o->certs_dir,
                 "Directory with ark.pem and ask.pem (asvk.pem for a VLEK), as `snpguest fetch ca` writes it; "
                 "default: the AMD chain for the signer's product");
  app.add_option("--ark", o->ark, "ARK certificate file (overrides --certs)");
  app.add_option("--ask", o->ask, "ASK or ASVK certificate file (overrides --certs)");
  app.add_flag("--json", o->json, "Print the result as JSON");
  return [o] { return run_verify(*o); };
}

}  // namespace sevproof::cli
