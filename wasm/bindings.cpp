// WebAssembly bindings: the same header-only library the CLI uses, exposed to JavaScript through
// Embind. No logic lives here beyond turning bytes in and JSON out; nothing is re-implemented in JS.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/verify/chain.hpp"
#include "sevproof/verify/report_signature.hpp"
#include "sevproof/version.hpp"

namespace {

using sevproof::bytes;

bytes to_bytes(const emscripten::val& typed_array) {
  return emscripten::convertJSArrayToNumberVector<sevproof::byte>(typed_array);
}

nlohmann::json input_error(const std::string& input, const std::string& why) {
  return {{"verified", false}, {"error", {{"input", input}, {"message", why}}}};
}

// verifyReport(report, vcek, ark, ask) -> JSON text: {verified, checks: [{check, status, detail}], ...}
std::string verify_report(const emscripten::val& report_js, const emscripten::val& vcek_js, const emscripten::val& ark_js,
                          const emscripten::val& ask_js) {
  using namespace sevproof;
  auto rep = snp::parse_report(to_bytes(report_js));
  if (!rep) return input_error("report", rep.err().to_string()).dump();
  auto vcek = crypto::certificate::load(to_bytes(vcek_js));
  if (!vcek) return input_error("vcek", vcek.err().to_string()).dump();
  auto ark = crypto::certificate::load(to_bytes(ark_js));
  if (!ark) return input_error("ark", ark.err().to_string()).dump();
  auto ask = crypto::certificate::load(to_bytes(ask_js));
  if (!ask) return input_error("ask", ask.err().to_string()).dump();

  auto chain = verify::check_chain(*ark, *ask, *vcek);
  auto sig = verify::report_signed_by(*rep, *vcek);
  nlohmann::json j;
  j["report_version"] = rep->version();
  j["signer"] = vcek->subject_cn();
  j["signer_issuer"] = vcek->issuer_cn();
  for (const auto& l : chain.links)
    j["checks"].push_back({{"check", l.what}, {"status", l.result.valid ? "pass" : "fail"}, {"detail", l.result.detail}});
  j["checks"].push_back({{"check", "report signed by " + vcek->subject_cn()},
                         {"status", sig.valid ? "pass" : "fail"},
                         {"detail", sig.detail}});
  j["verified"] = chain.valid() && sig.valid;
  return j.dump();
}

std::string version() { return std::string("sevproof ") + sevproof::version_string + " (" + sevproof::crypto::backend_version() + ", WebAssembly)"; }

}  // namespace

EMSCRIPTEN_BINDINGS(sevproof) {
  emscripten::function("verifyReport", &verify_report);
  emscripten::function("version", &version);
}
