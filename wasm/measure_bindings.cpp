// WebAssembly bindings of the measurement module: the launch-digest engine of the library (OVMF,
// VMSA, GCTX) and an incremental SHA-256, run by the page in a Web Worker. A module of its own so
// the verifier module stays small: the page compiles this one only when a measurement is asked for.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>

#include "sevproof/core/base64.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/version.hpp"

namespace {

using namespace sevproof;
using emscripten::val;
using json = nlohmann::ordered_json;

bytes to_bytes(const val& typed_array) { return emscripten::convertJSArrayToNumberVector<byte>(typed_array); }
bool present(const val& obj, const char* key) {
  return obj.hasOwnProperty(key) && !obj[key].isNull() && !obj[key].isUndefined();
}

std::string input_error(const std::string& input, const std::string& message) {
  return json{{"error", {{"input", input}, {"message", message}}}}.dump();
}

// The form's fields as the library's measure::request (the CLI fills the same structure).
measure::request request_of(const val& in) {
  auto str = [&](const char* k, const char* fallback = "") {
    return present(in, k) ? in[k].as<std::string>() : std::string(fallback);
  };
  auto num = [&](const char* k) -> std::optional<long long> {
    if (!present(in, k) || str(k).empty()) return std::nullopt;
    const auto v = parse_uint(str(k), static_cast<std::uint64_t>(std::numeric_limits<long long>::max()));
    return v ? std::optional<long long>(static_cast<long long>(*v))
             : std::optional<long long>(-1);  // -1: refused as out of range
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
  return r;
}

bool digest_of(const val& in, const char* key, crypto::sha256_digest& out) {
  auto b = hex::decode(present(in, key) ? in[key].as<std::string>() : std::string());
  if (!b || b->size() != out.size()) return false;
  std::copy(b->begin(), b->end(), out.begin());
  return true;
}

// measure({ovmf, mode, vcpus, vcpuType | vcpuSig | vcpuFamily+vcpuModel+vcpuStepping, vmmType,
//          guestFeatures, snpOvmfHash, fpuInit, kernelSha256?, initrdSha256?, cmdline?})
// -> {measurement, measurement_base64, inputs[]} or {error: {input, message}}. Kernel and initrd
// arrive as SHA-256 digests: the worker hashes the files (Sha256 below, or WebCrypto).
std::string measure_js(const val& in) {
  const auto r = request_of(in);
  auto inputs = measure::to_inputs(r);
  if (!inputs) return input_error("options", inputs.err().message);
  if (!present(in, "ovmf")) return input_error("ovmf", "no OVMF firmware image was given");
  auto fw = measure::parse_ovmf(to_bytes(in["ovmf"]));
  if (!fw) return input_error("ovmf", fw.err().to_string());
  if (r.kernel) {
    measure::boot_hashes h;
    if (!digest_of(in, "kernelSha256", h.kernel)) return input_error("kernel", "kernel digest is not 64 hex digits");
    if (r.initrd && !digest_of(in, "initrdSha256", h.initrd))
      return input_error("initrd", "initrd digest is not 64 hex digits");
    h.cmdline =
        measure::boot_hashes::cmdline_hash(present(in, "cmdline") ? in["cmdline"].as<std::string>() : std::string());
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
  if (inputs->mode == measure::guest_mode::snp)
    t.insert(t.begin(), "guest features " + hex::number(inputs->guest_features) + " = " +
                            measure::feature_names(inputs->guest_features));
  return json{{"measurement", hex::encode(d)}, {"measurement_base64", base64::encode(d)}, {"inputs", t}}.dump();
}

std::string vcpu_types_js() {
  json out = json::array();
  for (const auto& t : measure::vcpu_types) out.push_back(std::string(t.name));
  return out.dump();
}

// Incremental SHA-256 for large files, fed chunk by chunk from the Web Worker (the reference path;
// the page may use WebCrypto instead, and its tests require both to agree).
class sha256_js {
 public:
  void update(const val& chunk) { h_.update(to_bytes(chunk)); }
  std::string finish() { return hex::encode(h_.finish()); }

 private:
  crypto::sha256 h_;
};

std::string version() {
  return std::string("sevproof ") + version_string + " (" + crypto::backend_version() + ", WebAssembly)";
}

}  // namespace

EMSCRIPTEN_BINDINGS(sevproof_measure) {
  emscripten::function("measure", &measure_js);
  emscripten::function("vcpuTypes", &vcpu_types_js);
  emscripten::function("version", &version);
  emscripten::class_<sha256_js>("Sha256")
      .constructor<>()
      .function("update", &sha256_js::update)
      .function("finish", &sha256_js::finish);
}
