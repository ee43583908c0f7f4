// WebAssembly bindings of the verifier module: the same header-only library the CLI uses, exposed to
// JavaScript through Embind. Bytes and plain strings go in, JSON text comes out. Nothing is
// re-implemented in JS. The measurement engine is a second module (measure_bindings.cpp), compiled
// by the page only when a measurement is first asked for, so this one stays small and starts fast.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <cctype>
#include <string>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/crypto/crl.hpp"
#include "sevproof/crypto/keys.hpp"
#include "sevproof/crypto/public_key.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/format/verdict_json.hpp"
#include "sevproof/idblock/id_block.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/kds/urls.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/validate/validate_report.hpp"
#include "sevproof/verify/evidence_builder.hpp"
#include "sevproof/version.hpp"

namespace {

using namespace sevproof;
using emscripten::val;
using json = nlohmann::ordered_json;

bytes to_bytes(const val& typed_array) { return emscripten::convertJSArrayToNumberVector<byte>(typed_array); }
bool present(const val& obj, const char* key) { return obj.hasOwnProperty(key) && !obj[key].isNull() && !obj[key].isUndefined(); }
std::string text_of(const val& obj, const char* key) { return present(obj, key) ? obj[key].as<std::string>() : std::string(); }

std::string input_error(const std::string& input, const std::string& message) {
  return json{{"error", {{"input", input}, {"message", message}}}}.dump();
}

// The built-in AMD chain, parsed once per page load (not once per verification). Which of these
// certificates is trusted is still decided by the pins in every verification.
const std::vector<crypto::certificate>& builtin_certificates() {
  static const std::vector<crypto::certificate> certs = [] {
    std::vector<crypto::certificate> out;
    for (const auto& f : embedded::amd_chain)
      if (auto cs = crypto::certificate::load_all(bytes_view(reinterpret_cast<const byte*>(f.pem.data()), f.pem.size())))
        for (auto& c : *cs) out.push_back(c);
    return out;
  }();
  return certs;
}

// showReport(bytes, product) -> the report as `sevproof report show --json` prints it, or {error}
std::string show_report(const val& report_js, const std::string& product) {
  snp::read_options ro;
  if (!product.empty()) ro.given_product = snp::product_from_name(product);
  auto pr = snp::read_report(to_bytes(report_js), ro);
  if (!pr) return input_error("report", pr.err().to_string());
  return format::report_json(*pr).dump();
}

// How the report is read: product hint, offset and strictness, as `sevproof verify` reads it.
struct read_request {
  snp::read_options ro;
  verify::verify_options vo;
};

std::optional<std::string> read_request_of(const val& in, read_request& r) {
  if (const auto now = text_of(in, "now"); !now.empty()) {
    auto t = utc::parse(now);
    if (!t) return input_error("now", "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or @UNIXSECONDS");
    r.vo.now = *t;
  }
  if (const auto p = text_of(in, "product"); !p.empty()) {
    r.vo.product = snp::product_from_name(p);
    if (!r.vo.product) return input_error("product", p + ": use milan, genoa or turin");
  }
  if (const auto off = text_of(in, "offset"); !off.empty()) {
    r.ro.offset = parse_uint(off);
    if (!r.ro.offset) return input_error("offset", off + ": not a number (decimal or 0x hex)");
  }
  r.ro.given_product = r.vo.product;
  r.ro.product_is_hint = true;  // a contradiction with the CPUID is judged by check V013
  r.ro.reserved = present(in, "strict") && in["strict"].as<bool>() ? snp::mbz_policy::error : snp::mbz_policy::warn;
  return std::nullopt;
}

// Hands each evidence file to the builder; a refusal names the page's input.
std::optional<std::string> add_evidence(const val& in, verify::evidence_builder& eb) {
  struct source {
    const char* key;
    std::optional<error> (verify::evidence_builder::*add)(bytes_view, std::string_view);
  };
  for (const source& s : {source{"vcek", &verify::evidence_builder::signer}, source{"certTable", &verify::evidence_builder::cert_table},
                          source{"ark", &verify::evidence_builder::chain}, source{"ask", &verify::evidence_builder::chain},
                          source{"chain", &verify::evidence_builder::chain}, source{"crl", &verify::evidence_builder::crl}})
    if (present(in, s.key))
      if (auto err = (eb.*s.add)(to_bytes(in[s.key]), s.key)) return input_error(s.key, err->to_string());
  return std::nullopt;
}

// Expectations by their option names, through the library's option text parser (as the CLI).
std::optional<std::string> expectations_of(const val& in, validate::options& out) {
  if (!present(in, "expect")) return std::nullopt;
  const val expect = in["expect"];
  const val keys = val::global("Object").call<val>("keys", expect);
  for (unsigned i = 0, n = keys["length"].as<unsigned>(); i < n; ++i) {
    const auto name = keys[i].as<std::string>();
    const val v = expect[name];
    try {
      if (v.isArray()) {
        for (unsigned k = 0, m = v["length"].as<unsigned>(); k < m; ++k) validate::apply_option(out, name, v[k].as<std::string>());
      } else if (v.isTrue() || v.isFalse()) {
        validate::apply_option(out, name, v.isTrue() ? "true" : "false");
      } else if (!v.isNull() && !v.isUndefined() && !v.as<std::string>().empty()) {
        validate::apply_option(out, name, v.as<std::string>());
      }
    } catch (const validate::option_error& e) {
      return input_error("expectation " + name, e.what());
    }
  }
  return std::nullopt;
}

// The verdict in the CLI's words: VERIFIED, GENUINE, BUT POLICY FAILED, or NOT VERIFIED, decided by
// verdict::passed() and verdict::genuine() exactly as `sevproof verify` decides them.
json headline(const verdict& v) {
  bool expectations = false;
  for (const auto& c : v.checks)
    expectations |= c.requested && c.code[0] == 'P' && c.code != checks::policy_debug.code && c.code != checks::provisional_firmware.code;
  if (v.passed())
    return {{"state", "verified"},
            {"text", std::string("VERIFIED: genuine AMD SEV-SNP report") +
                         (expectations ? ", and it meets every expectation given"
                                       : " (no expectations given: fill in Measurement, Report data, Minimum TCB, ... to check what it runs)")}};
  if (v.genuine())
    return {{"state", "policy"}, {"text", "GENUINE, BUT POLICY FAILED: signed by AMD hardware, yet not what you expect (see the failed P checks)"}};
  return {{"state", "not_verified"}, {"text", "NOT VERIFIED: see the failed or skipped V checks"}};
}

json signer_certificate_json(const crypto::certificate& signer) {
  json c = json::object();
  auto e = kds::read_amd_extensions(signer);
  if (!e) return c;
  auto put = [&](const char* k, const std::optional<std::uint8_t>& v) { if (v) c[k] = *v; };
  put("fmc", e->fmc);
  put("boot_loader", e->bl);
  put("tee", e->tee);
  put("snp", e->snp);
  put("microcode", e->ucode);
  if (e->product_name) c["product_name"] = *e->product_name;
  if (e->hwid) c["hwid"] = hex::encode(*e->hwid);
  if (e->csp_id) c["csp_id"] = *e->csp_id;
  c["subject"] = signer.subject_cn();
  c["issuer"] = signer.issuer_cn();
  c["not_after"] = utc::format(signer.not_after());
  return c;
}

// verify({report, vcek?, certTable?, ark?, ask?, chain?, crl?, now?, product?, offset?, strict?, builtin?, expect?})
// -> the CLI's verdict JSON (+ summary, signer_certificate) or {error: {input, message}}
std::string verify_js(const val& in) {
  if (!present(in, "report")) return input_error("report", "no attestation report was given");
  read_request rq;
  if (auto err = read_request_of(in, rq)) return *err;
  auto pr = snp::read_report(to_bytes(in["report"]), rq.ro);
  if (!pr) return input_error("report", pr.err().to_string());
  verify::evidence_builder eb(std::move(pr).value());
  if (auto err = add_evidence(in, eb)) return *err;
  validate::options val_opts;
  if (auto err = expectations_of(in, val_opts)) return *err;
  auto ev = eb.take();
  if (!present(in, "builtin") || in["builtin"].as<bool>())
    ev.offered.insert(ev.offered.end(), builtin_certificates().begin(), builtin_certificates().end());

  auto verdict = verify::verify_report(ev, verify::trust_anchors::amd(), rq.vo);
  const auto prod = verify::decided_product(ev, rq.vo);
  verify::adopt_product(ev.report, prod);
  validate::validate_report(ev.report, val_opts, ev.report.layout, verdict);

  json j = format::verdict_json(verdict);
  j["verification_time"] = utc::format(rq.vo.now);
  j["product"] = prod ? json(std::string(snp::product_name(*prod))) : json(nullptr);
  j["signer"] = verify::signer_name(ev);
  j["summary"] = headline(verdict);
  j["report"] = format::report_json(ev.report);
  if (ev.signer) j["signer_certificate"] = signer_certificate_json(*ev.signer);  // for the side-by-side TCB table
  return j.dump();
}

// What a dropped file is, judged by its content (never its name):
// report | vcek | vlek | ark | ask | asvk | chain | crl | cert_table | json | unknown.
std::string certificate_kind(const crypto::certificate& c) {
  if (auto e = kds::read_amd_extensions(c)) {
    if (e->hwid) return "vcek";
    if (e->csp_id) return "vlek";
  }
  const auto cn = c.subject_cn();
  if (cn == "SEV-VCEK") return "vcek";
  if (cn == "SEV-VLEK") return "vlek";
  if (cn.rfind("ARK-", 0) == 0) return "ark";
  if (cn.rfind("SEV-VLEK-", 0) == 0) return "asvk";
  if (cn.rfind("SEV-", 0) == 0) return "ask";
  return "certificate";
}

json classify(const bytes& d) {
  const bool pem = crypto::detail::looks_like_pem(d);
  const std::string_view text(reinterpret_cast<const char*>(d.data()), d.size());
  if ((pem && text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) || (!pem && !d.empty() && d[0] == 0x30)) {
    if (auto cs = crypto::certificate::load_all(d)) {
      if (cs->size() > 1) return {{"kind", "chain"}, {"detail", std::to_string(cs->size()) + " certificates"}};
      return {{"kind", certificate_kind(cs->front())}, {"detail", cs->front().subject_cn()}};
    }
  }
  if (auto c = crypto::crl::load(d)) return {{"kind", "crl"}, {"detail", c->issuer_cn()}};
  snp::read_options ro;
  ro.product_is_hint = true;
  if (auto r = snp::read_report(d, ro)) return {{"kind", "report"}, {"detail", std::string(snp::container_name(r->source)) + ", " + r->encoding}};
  if (auto t = snp::parse_cert_table(d))
    if (std::any_of(t->begin(), t->end(), [](const auto& e) { return e.role != snp::cert_role::unknown; }))
      return {{"kind", "cert_table"}, {"detail", std::to_string(t->size()) + " entries"}};
  if (!d.empty() && (d[0] == '{' || d[0] == '[')) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_discarded()) return {{"kind", "json"}, {"detail", j.is_object() && j.contains("properties") ? "OpenStack" : "JSON"}};
  }
  return {{"kind", "unknown"}, {"detail", std::to_string(d.size()) + " bytes"}};
}

std::string classify_js(const val& data) { return classify(to_bytes(data)).dump(); }

// builtinRoots() -> [{product, role, subject, spki_sha256, pinned, not_after}]
std::string builtin_roots() {
  json out = json::array();
  const auto trust = verify::trust_anchors::amd();
  for (const auto& c : builtin_certificates()) {
    const auto pin = trust.identify(c);
    auto lower = [](std::string_view s) {
      std::string out(s);
      for (auto& ch : out) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return out;
    };
    out.push_back({{"product", pin ? lower(snp::product_name(pin->product)) : std::string("?")},
                   {"role", pin ? lower(verify::ca_role_name(pin->role)) : std::string("?")}, {"subject", c.subject_cn()},
                   {"spki_sha256", verify::spki_fingerprint(c)}, {"pinned", pin.has_value()}, {"not_after", utc::format(c.not_after())}});
  }
  return out.dump();
}

// kdsUrls(report, product) -> {product, vcek, cert_chain, crl} or {error}: what to fetch on a connected machine.
std::string kds_urls_js(const val& report_js, const std::string& product) {
  snp::read_options ro;
  if (!product.empty()) {
    ro.given_product = snp::product_from_name(product);
    if (!ro.given_product) return input_error("product", product + ": use milan, genoa or turin");
  }
  auto pr = snp::read_report(to_bytes(report_js), ro);
  if (!pr) return input_error("report", pr.err().to_string());
  if (!pr->prod)
    return input_error("product", "a version " + std::to_string(pr->report.version()) +
                                      " report carries no CPUID, so the product (and the URL) is unknown: choose the product");
  auto u = kds::vcek_urls(pr->report, *pr->prod);
  if (!u) return input_error("report", u.err().to_string());
  return json{{"product", std::string(snp::product_name(*pr->prod))}, {"vcek", u->vcek}, {"cert_chain", u->cert_chain}, {"crl", u->crl}}.dump();
}

// keyDigest(bytes) -> {sha384, base64} of a P-384 key's AMD public-key structure, or {error}.
std::string key_digest_js(const val& key_js) {
  const bytes data = to_bytes(key_js);
  result<idblock::key_structure> ks = error{"key", "", std::nullopt, "neither a P-384 private nor public key"};
  if (auto priv = crypto::private_key::load(data)) ks = idblock::key_structure_of(*priv);
  else if (auto pub = crypto::public_key::load(data)) ks = idblock::key_structure_of(*pub);
  else ks = error{"key", "", std::nullopt, "neither a private nor a public key: " + pub.err().to_string()};
  if (!ks) return input_error("key", ks.err().to_string());
  const auto d = idblock::key_digest(*ks);
  return json{{"sha384", hex::encode(d)}, {"base64", base64::encode(d)}}.dump();
}

// A structure given raw or as base64 text (as QEMU takes ID block and ID auth).
std::optional<bytes> structure_of(const bytes& data, std::size_t size) {
  if (data.size() == size) return data;
  if (auto b = base64::decode(std::string_view(reinterpret_cast<const char*>(data.data()), data.size())); b && b->size() == size) return b;
  return std::nullopt;
}

// idBlockCheck({idBlock, idAuth, measurement?, policy?}) -> {accepted, checks[{check, ok, detail}]} or {error}:
// would SNP_LAUNCH_FINISH accept them (as `sevproof id-block check`)?
std::string id_block_check_js(const val& in) {
  if (!present(in, "idBlock")) return input_error("idBlock", "no ID block was given");
  if (!present(in, "idAuth")) return input_error("idAuth", "no ID auth was given");
  const auto block = structure_of(to_bytes(in["idBlock"]), 0x60);
  if (!block) return input_error("idBlock", "neither 96 raw bytes nor base64 of them");
  const auto auth = structure_of(to_bytes(in["idAuth"]), 0x1000);
  if (!auth) return input_error("idAuth", "neither 4096 raw bytes nor base64 of them");
  idblock::finish_expectations want;
  try {
    if (auto m = validate::parse_hex_field(text_of(in, "measurement"), "measurement", 48)) {
      want.ld.emplace();
      std::copy(m->begin(), m->end(), want.ld->begin());
    }
  } catch (const validate::option_error& e) {
    return input_error("idMeasurement", e.what());
  }
  if (const auto p = text_of(in, "policy"); !p.empty()) {
    want.policy = parse_uint(p);
    if (!want.policy) return input_error("idPolicy", p + ": not a number (decimal or 0x hex)");
  }
  auto r = idblock::check_for_launch_finish(*block, *auth, want);
  if (!r) return input_error("idBlock", r.err().to_string());
  json checks = json::array();
  bool all = true;
  for (const auto& c : *r) {
    all = all && c.ok;
    checks.push_back({{"check", c.what}, {"ok", c.ok}, {"detail", c.detail}});
  }
  return json{{"accepted", all}, {"checks", checks}}.dump();
}

// sha256(bytes) -> hex: the input hashes recorded in the exported verdict.
std::string sha256_js(const val& data) { return hex::encode(crypto::sha256_of(to_bytes(data))); }

// vcpuTypes() -> the names the measurement form offers (the table only; the engine is the other module).
std::string vcpu_types_js() {
  json out = json::array();
  for (const auto& t : measure::vcpu_types) out.push_back(std::string(t.name));
  return out.dump();
}

std::string version() {
  return std::string("sevproof ") + version_string + " (" + crypto::backend_version() + ", WebAssembly)";
}

}  // namespace

EMSCRIPTEN_BINDINGS(sevproof) {
  emscripten::function("verify", &verify_js);
  emscripten::function("showReport", &show_report);
  emscripten::function("classify", &classify_js);
  emscripten::function("builtinRoots", &builtin_roots);
  emscripten::function("kdsUrls", &kds_urls_js);
  emscripten::function("keyDigest", &key_digest_js);
  emscripten::function("idBlockCheck", &id_block_check_js);
  emscripten::function("sha256", &sha256_js);
  emscripten::function("vcpuTypes", &vcpu_types_js);
  emscripten::function("version", &version);
}
