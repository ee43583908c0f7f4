// WebAssembly bindings: the same header-only library the CLI uses, exposed to JavaScript through
// Embind. Bytes and plain strings go in, JSON text comes out. Nothing is re-implemented in JS.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/format/verdict_json.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/measure/request.hpp"
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

std::string input_error(const std::string& input, const std::string& message) {
  return json{{"error", {{"input", input}, {"message", message}}}}.dump();
}

std::optional<snp::product> product_of(const val& in) {
  if (!present(in, "product")) return std::nullopt;
  const auto name = in["product"].as<std::string>();
  return name.empty() ? std::nullopt : snp::product_from_name(name);
}

// showReport(bytes, product) -> the report as `sevproof report show --json` prints it, or {error}
std::string show_report(const val& report_js, const std::string& product) {
  snp::read_options ro;
  if (!product.empty()) ro.given_product = snp::product_from_name(product);
  auto pr = snp::read_report(to_bytes(report_js), ro);
  if (!pr) return input_error("report", pr.err().to_string());
  return format::report_json(*pr).dump();
}

// verify({report, vcek?, certTable?, ark?, ask?, chain?, crl?, now?, product?, builtin?, expect?})
// -> {verification_time, product, verdict..., report} or {error: {input, message}}
std::string verify_js(const val& in) {
  if (!present(in, "report")) return input_error("report", "no attestation report was given");
  const bytes report = to_bytes(in["report"]);
  verify::verify_options vo;
  if (present(in, "now") && !in["now"].as<std::string>().empty()) {
    auto t = utc::parse(in["now"].as<std::string>());
    if (!t) return input_error("now", "verification time: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
    vo.now = *t;
  }
  vo.product = product_of(in);
  if (present(in, "product") && !in["product"].as<std::string>().empty() && !vo.product)
    return input_error("product", "use milan, genoa or turin");

  snp::read_options ro;
  ro.given_product = vo.product;
  ro.product_is_hint = true;  // a contradiction with the CPUID is judged by check V013
  auto pr = snp::read_report(report, ro);
  if (!pr) return input_error("report", pr.err().to_string());

  verify::evidence_builder eb(std::move(pr).value());
  struct source {
    const char* key;
    std::optional<error> (verify::evidence_builder::*add)(bytes_view, std::string_view);
  };
  for (const source& s : {source{"vcek", &verify::evidence_builder::signer}, source{"certTable", &verify::evidence_builder::cert_table},
                          source{"ark", &verify::evidence_builder::chain}, source{"ask", &verify::evidence_builder::chain},
                          source{"chain", &verify::evidence_builder::chain}, source{"crl", &verify::evidence_builder::crl}})
    if (present(in, s.key))
      if (auto err = (eb.*s.add)(to_bytes(in[s.key]), s.key)) return input_error(s.key, err->to_string());
  if (!present(in, "builtin") || in["builtin"].as<bool>())
    for (const auto& f : embedded::amd_chain) eb.builtin(f.pem);
  auto ev = eb.take();

  validate::options val_opts;
  if (present(in, "expect")) {
    const val expect = in["expect"];
    const val keys = val::global("Object").call<val>("keys", expect);
    for (unsigned i = 0, n = keys["length"].as<unsigned>(); i < n; ++i) {
      const auto name = keys[i].as<std::string>();
      const val v = expect[name];
      try {
        if (v.isArray()) {
          for (unsigned k = 0, m = v["length"].as<unsigned>(); k < m; ++k) validate::apply_option(val_opts, name, v[k].as<std::string>());
        } else if (v.isTrue() || v.isFalse()) {
          validate::apply_option(val_opts, name, v.isTrue() ? "true" : "false");
        } else if (!v.isNull() && !v.isUndefined() && !v.as<std::string>().empty()) {
          validate::apply_option(val_opts, name, v.as<std::string>());
        }
      } catch (const validate::option_error& e) {
        return input_error("expectation " + name, e.what());
      }
    }
  }

  auto verdict = verify::verify_report(ev, verify::trust_anchors::amd(), vo);
  const auto prod = verify::decided_product(ev, vo);
  verify::adopt_product(ev.report, prod);
  validate::validate_report(ev.report, val_opts, ev.report.layout, verdict);

  json j = format::verdict_json(verdict);
  j["verification_time"] = utc::format(vo.now);
  j["product"] = prod ? json(std::string(snp::product_name(*prod))) : json(nullptr);
  j["signer"] = verify::signer_name(ev);
  j["report"] = format::report_json(ev.report);
  if (ev.signer) {  // what the certificate encodes, for the side-by-side TCB table
    if (auto e = kds::read_amd_extensions(*ev.signer)) {
      json c = json::object();
      auto put = [&](const char* k, const std::optional<std::uint8_t>& v) { if (v) c[k] = *v; };
      put("fmc", e->fmc);
      put("boot_loader", e->bl);
      put("tee", e->tee);
      put("snp", e->snp);
      put("microcode", e->ucode);
      if (e->product_name) c["product_name"] = *e->product_name;
      if (e->hwid) c["hwid"] = hex::encode(*e->hwid);
      if (e->csp_id) c["csp_id"] = *e->csp_id;
      c["subject"] = ev.signer->subject_cn();
      c["issuer"] = ev.signer->issuer_cn();
      c["not_after"] = utc::format(ev.signer->not_after());
      j["signer_certificate"] = c;
    }
  }
  return j.dump();
}

// builtinRoots() -> [{product, role, subject, spki_sha256, pinned, not_after}]
std::string builtin_roots() {
  json out = json::array();
  const auto trust = verify::trust_anchors::amd();
  for (const auto& f : embedded::amd_chain) {
    if (f.pem.empty()) continue;
    auto c = crypto::certificate::load(bytes_view(reinterpret_cast<const byte*>(f.pem.data()), f.pem.size()));
    if (!c) continue;
    out.push_back({{"product", std::string(f.product)}, {"role", std::string(f.role)}, {"subject", c->subject_cn()},
                   {"spki_sha256", verify::spki_fingerprint(*c)}, {"pinned", trust.identify(*c).has_value()},
                   {"not_after", utc::format(c->not_after())}});
  }
  return out.dump();
}

// measure({ovmf, mode, vcpus, vcpuType | vcpuSig | vcpuFamily+vcpuModel+vcpuStepping, vmmType,
//          guestFeatures, snpOvmfHash, fpuInit, kernelSha256?, initrdSha256?, cmdline?})
// -> {measurement, measurement_base64, inputs[]} or {error: {input, message}}. Kernel and initrd
// arrive as SHA-256 digests: the page hashes the files in a worker with the Sha256 binding.
std::string measure_js(const val& in) {
  auto str = [&](const char* k, const char* fallback = "") { return present(in, k) ? in[k].as<std::string>() : std::string(fallback); };
  auto num = [&](const char* k) -> std::optional<long long> {
    if (!present(in, k) || str(k).empty()) return std::nullopt;
    try {
      return std::stoll(str(k), nullptr, 0);
    } catch (const std::exception&) {
      return -1;  // refused below as out of range
    }
  };
  measure::request r;
  r.mode = str("mode", "snp");
  r.vcpus = num("vcpus");
  r.vcpu_type = str("vcpuType");
  r.vcpu_sig = str("vcpuSig");
  r.vcpu_family = num("vcpuFamily");
  r.vcpu_model = num("vcpuModel");
  r.vcpu_stepping = num("vcpuStepping");
  r.vmm_type = str("vmmType", "QEMU");
  r.guest_features = str("guestFeatures", "0x1");
  r.snp_ovmf_hash = str("snpOvmfHash");
  r.fpu_init = str("fpuInit", "modern");
  r.kernel = present(in, "kernelSha256");
  r.initrd = present(in, "initrdSha256");
  r.append = present(in, "cmdline") && !str("cmdline").empty();
  auto inputs = measure::to_inputs(r);
  if (!inputs) return input_error("options", inputs.err().message);
  if (!present(in, "ovmf")) return input_error("ovmf", "no OVMF firmware image was given");
  auto fw = measure::parse_ovmf(to_bytes(in["ovmf"]));
  if (!fw) return input_error("ovmf", fw.err().to_string());
  if (r.kernel) {
    measure::boot_hashes h;
    auto digest = [&](const char* k, crypto::sha256_digest& out) {
      auto b = hex::decode(str(k));
      if (!b || b->size() != 32) return false;
      std::copy(b->begin(), b->end(), out.begin());
      return true;
    };
    if (!digest("kernelSha256", h.kernel)) return input_error("kernel", "kernel digest is not 64 hex digits");
    if (r.initrd && !digest("initrdSha256", h.initrd)) return input_error("initrd", "initrd digest is not 64 hex digits");
    h.cmdline = measure::boot_hashes::cmdline_hash(str("cmdline"));
    inputs->kernel = h;
  }
  measure::trace t;
  bytes d;
  if (inputs->mode == measure::guest_mode::snp || inputs->mode == measure::guest_mode::snp_ovmf_hash) {
    auto x = measure::snp_launch_digest(*fw, *inputs, &t);
    if (!x) return input_error("measurement", x.err().message);
    d.assign(x->begin(), x->end());
  } else {
    auto x = measure::sev_launch_digest(*fw, *inputs, &t);
    if (!x) return input_error("measurement", x.err().message);
    d.assign(x->begin(), x->end());
  }
  if (inputs->mode == measure::guest_mode::snp) t.insert(t.begin(), "guest features " + hex::number(inputs->guest_features) + " = " + measure::feature_names(inputs->guest_features));
  return json{{"measurement", hex::encode(d)}, {"measurement_base64", base64::encode(d)}, {"inputs", t}}.dump();
}

std::string vcpu_types_js() {
  json out = json::array();
  for (const auto& t : measure::vcpu_types) out.push_back(std::string(t.name));
  return out.dump();
}

// Incremental SHA-256 for large files, fed chunk by chunk from a Web Worker.
class sha256_js {
 public:
  void update(const val& chunk) {
    const auto b = to_bytes(chunk);
    h_.update(b);
  }
  std::string finish() { return hex::encode(h_.finish()); }

 private:
  crypto::sha256 h_;
};

std::string version() {
  return std::string("sevproof ") + version_string + " (" + crypto::backend_version() + ", WebAssembly)";
}

}  // namespace

EMSCRIPTEN_BINDINGS(sevproof) {
  emscripten::function("verify", &verify_js);
  emscripten::function("showReport", &show_report);
  emscripten::function("builtinRoots", &builtin_roots);
  emscripten::function("version", &version);
  emscripten::function("measure", &measure_js);
  emscripten::function("vcpuTypes", &vcpu_types_js);
  emscripten::class_<sha256_js>("Sha256").constructor<>().function("update", &sha256_js::update).function("finish", &sha256_js::finish);
}
