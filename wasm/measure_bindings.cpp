// WebAssembly bindings of the measurement module: the launch-digest engine of the library (OVMF,
// VMSA, GCTX) and an incremental SHA-256, run by the page in a Web Worker. A module of its own so
// the verifier module stays small: the page compiles this one only when a measurement is asked for.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>

#include "sevproof/core/base64.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/pipeline/measure_launch.hpp"
#include "sevproof/version.hpp"
#include "sevproof/workflows/explain.hpp"
#include "sevproof/workflows/vm.hpp"
#include "js_values.hpp"

namespace {

using namespace sevproof;
using emscripten::val;
using json = nlohmann::ordered_json;
using wasm::input_error;
using wasm::present;
using wasm::text_of;
using wasm::to_bytes;

// The form's fields as the library's measure::request (the CLI fills the same structure).
measure::request request_of(const val& in) {
  auto num = [&](const char* k) -> std::optional<long long> {
    if (text_of(in, k).empty()) return std::nullopt;
    const auto v = parse_uint(text_of(in, k), static_cast<std::uint64_t>(std::numeric_limits<long long>::max()));
    return v ? std::optional<long long>(static_cast<long long>(*v))
             : std::optional<long long>(-1);  // -1: refused as out of range
  };
  measure::request r;
  r.mode = text_of(in, "mode", "snp");
  r.vcpus = num("vcpus");
  r.vcpu_type = text_of(in, "vcpuType");
  r.vcpu_sig = text_of(in, "vcpuSig");
  r.vcpu_family = num("vcpuFamily");
  r.vcpu_model = num("vcpuModel");
  r.vcpu_stepping = num("vcpuStepping");
  r.vmm_type = text_of(in, "vmmType", "QEMU");
  r.guest_features = text_of(in, "guestFeatures", "0x1");
  r.snp_ovmf_hash = text_of(in, "snpOvmfHash");
  r.fpu_init = text_of(in, "fpuInit", "modern");
  r.kernel = present(in, "kernelSha256");
  r.initrd = present(in, "initrdSha256");
  r.append = present(in, "cmdline") && !text_of(in, "cmdline").empty();
  return r;
}

std::optional<crypto::sha256_digest> digest_of(const val& in, const char* key) {
  auto b = hex::decode(text_of(in, key));
  if (!b || b->size() != crypto::sha256_digest{}.size()) return std::nullopt;
  crypto::sha256_digest out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

// The launch a request describes, as the library's explain takes it (and measure computes it): from
// the form's fields, or from a VM definition file ({vm: {text, name}}) with its pins checked.
struct launch {
  measure::launch_inputs inputs;
  measure::ovmf_image fw;
  std::string ovmf_name = "OVMF";
  std::optional<std::string> append;
  bool initrd = false, signature_given = true;
  std::optional<workflows::vm::definition> vm;
};

// The form's launch through the library's one measurement pipeline (pipeline::measure_launch, as
// `sevproof measure`): the digest in `m`, and the inputs and firmware explain searches around (a
// launch whose digest is refused still has them).
std::optional<std::string> form_launch(const val& in, launch& l, pipeline::measurement& m) {
  // a number the form holds is refused in the library's words, naming the field (as the CLI's flags are)
  for (auto [key, name] : {std::pair{"vcpus", "vcpus"}, std::pair{"vcpuFamily", "vcpu-family"},
                           std::pair{"vcpuModel", "vcpu-model"}, std::pair{"vcpuStepping", "vcpu-stepping"}}) {
    const auto text = text_of(in, key);
    if (auto problem = number_problem(text, static_cast<std::uint64_t>(std::numeric_limits<long long>::max()));
        !text.empty() && !problem.empty())
      return input_error(name, "--" + std::string(name) + ": " + problem);
  }
  const auto r = request_of(in);
  if (auto checked = pipeline::check_request(r); !checked) return input_error("options", checked.err().message);
  if (!present(in, "ovmf")) return input_error("ovmf", "no OVMF firmware image was given");
  pipeline::launch_files f;
  f.ovmf = to_bytes(in["ovmf"]);
  f.ovmf_name = text_of(in, "ovmfName", "OVMF");
  if (present(in, "cmdline")) f.append = text_of(in, "cmdline");
  for (auto [key, slot, out] :
       {std::tuple{"kernelSha256", "kernel", &f.kernel}, std::tuple{"initrdSha256", "initrd", &f.initrd}}) {
    if (!present(in, key)) continue;
    *out = digest_of(in, key);
    if (!*out) return input_error(slot, std::string(slot) + " digest is not 64 hex digits");
  }
  m = pipeline::measure_launch(r, f);
  if (m.failure == pipeline::measure_failure::usage) return input_error("options", m.why->message);
  if (m.failure == pipeline::measure_failure::input) return input_error("ovmf", m.why->to_string());
  l.inputs = m.inputs;
  l.fw = *m.firmware;
  l.ovmf_name = f.ovmf_name;
  l.append = f.append;
  l.initrd = r.initrd;
  l.signature_given = !r.vcpu_type.empty() || !r.vcpu_sig.empty() || r.vcpu_family.has_value();
  return std::nullopt;
}

// The VM definition the verifier module parsed (its readVm's `definition`): the file is read once, there,
// by the library's reader (this module stays without the TOML and JSON readers); here the launch and the
// files' pins are taken back into a vm::definition for vm::expected_measurement and explain.
std::optional<workflows::vm::file_ref> file_of(const val& v, const char* key) {
  if (!present(v, key)) return std::nullopt;
  const val f = v[key];
  workflows::vm::file_ref r{text_of(f, "key"), present(f, "line") ? f["line"].as<int>() : 0, text_of(f, "path"),
                            text_of(f, "resolved"), std::nullopt};
  if (const auto pin = hex::decode(text_of(f, "sha256")); pin && pin->size() == 32) {
    r.pin.emplace();
    std::copy(pin->begin(), pin->end(), r.pin->begin());
  }
  return r;
}

workflows::vm::definition definition_of(const val& v) {
  auto num = [&](const char* k) -> std::optional<long long> {
    if (!present(v, k)) return std::nullopt;
    // readVm's numbers come back; anything else (NaN, 1e300) must not reach a float-to-integer conversion,
    // which traps in WebAssembly: -1 is refused by the library's range checks.
    const double x = v[k].as<double>();
    return x >= 0 && x <= 1e9 ? static_cast<long long>(x) : -1;
  };
  workflows::vm::definition d;
  d.source = text_of(v, "source", "VM file");
  d.from = text_of(v, "origin") == "SNPGuard" ? workflows::vm::origin::snpguard : workflows::vm::origin::native;
  d.mode = text_of(v, "mode", "snp");
  d.ovmf = file_of(v, "ovmf").value_or(workflows::vm::file_ref{});
  d.kernel = file_of(v, "kernel");
  d.initrd = file_of(v, "initrd");
  if (present(v, "append")) d.append = text_of(v, "append");
  d.vcpus = num("vcpus");
  d.vcpu_family = num("vcpu_family");
  d.vcpu_model = num("vcpu_model");
  d.vcpu_stepping = num("vcpu_stepping");
  d.vcpu_type = text_of(v, "vcpu_type");
  d.vcpu_sig = text_of(v, "vcpu_sig");
  d.vmm_type = text_of(v, "vmm_type", "QEMU");
  d.guest_features = text_of(v, "guest_features", "0x1");
  d.fpu_init = text_of(v, "fpu_init", "modern");
  d.snp_ovmf_hash = text_of(v, "snp_ovmf_hash");
  if (present(v, "lines")) {
    const val keys = val::global("Object").call<val>("keys", v["lines"]);
    for (unsigned i = 0, n = keys["length"].as<unsigned>(); i < n; ++i) {
      const auto k = keys[i].as<std::string>();
      d.lines[k] = v["lines"][k].as<int>();
    }
  }
  return d;
}

// A VM definition's launch: the files' pins checked against what the user supplied (firmware bytes,
// kernel and initrd digests), as `sevproof vm measure` checks them; a missing or mismatched file is
// put on its field.
std::optional<std::string> vm_launch(const val& in, launch& l) {
  namespace vm = workflows::vm;
  vm::definition d = definition_of(in["vm"]);
  if (!present(in, "ovmf"))
    return input_error("ovmf", d.where(d.ovmf.key) + ": " + d.ovmf.path + ": file not supplied");
  vm::launch_files files{to_bytes(in["ovmf"]), digest_of(in, "kernelSha256"), digest_of(in, "initrdSha256")};
  if (auto e = vm::check_pin(d, d.ovmf, crypto::sha256_of(files.ovmf))) return input_error("ovmf", e->to_string());
  for (auto [ref, digest, slot] :
       {std::tuple{&d.kernel, &files.kernel, "kernel"}, std::tuple{&d.initrd, &files.initrd, "initrd"}}) {
    if (ref->has_value() && !digest->has_value())
      return input_error(slot, d.where((*ref)->key) + ": " + (*ref)->path + ": file not supplied");
    if (!ref->has_value() && digest->has_value())
      return input_error(slot, d.source + " names no " + slot + ": remove this file");
    if (*ref)
      if (auto e = vm::check_pin(d, **ref, **digest)) return input_error(slot, e->to_string());
  }
  auto launch = vm::launch_of(d, std::move(files));  // through pipeline::measure_launch
  if (!launch) return input_error("vm", launch.err().to_string());
  l.inputs = std::move(launch->inputs);
  l.fw = std::move(launch->fw);
  l.ovmf_name = d.ovmf.path;
  l.append = d.append;
  l.initrd = d.initrd.has_value();
  l.signature_given = !d.vcpu_type.empty() || !d.vcpu_sig.empty() || d.vcpu_family.has_value();
  l.vm = std::move(d);
  return std::nullopt;
}

std::optional<std::string> launch_of(const val& in, launch& l, pipeline::measurement& m) {
  return present(in, "vm") ? vm_launch(in, l) : form_launch(in, l, m);
}

// measure({ovmf, mode, vcpus, vcpuType | vcpuSig | vcpuFamily+vcpuModel+vcpuStepping, vmmType,
//          guestFeatures, snpOvmfHash, fpuInit, kernelSha256?, initrdSha256?, cmdline?} or {vm: readVm's
//          definition, ovmf, kernelSha256?, initrdSha256?}) -> {measurement, measurement_base64, inputs[]} or
// {error: {input, message}}. Kernel and initrd arrive as SHA-256 digests: the worker hashes the files
// (Sha256 below, or WebCrypto).
std::string measure_js(const val& in) {
  launch l;
  pipeline::measurement m;
  if (auto err = launch_of(in, l, m)) return *err;
  // Both ways end in pipeline::measure_launch: the form's above, a VM file's through the library's
  // vm::expected_measurement (as `sevproof vm measure`; the checks above only put a missing or
  // mismatched file on its field first).
  if (l.vm) {
    m.trace.clear();
    auto d = workflows::vm::expected_measurement(
        *l.vm, {to_bytes(in["ovmf"]), digest_of(in, "kernelSha256"), digest_of(in, "initrdSha256")}, &m.trace);
    if (!d) return input_error("vm", d.err().to_string());
    m.digest = *d;
  } else if (m.failure == pipeline::measure_failure::refused) {
    return input_error("measurement", m.why->message);
  }
  return json{
      {"measurement", hex::encode(m.digest)}, {"measurement_base64", base64::encode(m.digest)}, {"inputs", m.trace}}
      .dump();
}

// explain(same request as measure, plus reported: the digest the report carries, hex) -> the library's
// explanation (`sevproof explain --json` and the sentences its text prints), or {error}.
std::string explain_js(const val& in) {
  launch l;
  pipeline::measurement m;
  if (auto err = launch_of(in, l, m)) return *err;
  const auto reported = hex::decode(text_of(in, "reported"));
  if (!reported) return input_error("reported", "the reported digest is not hex");
  workflows::believed_launch b{l.inputs, &l.fw, l.ovmf_name, l.append, l.initrd, l.signature_given};
  workflows::explain_options opt;
  if (present(in, "reportCpuid")) {  // the verified report's CPUID (v3+): host CPU passthrough, as the CLI tries it
    const val c = in["reportCpuid"];
    if (present(c, "family") && present(c, "model") && present(c, "stepping"))
      opt.host_signature = measure::cpu_signature(c["family"].as<std::uint32_t>(), c["model"].as<std::uint32_t>(),
                                                  c["stepping"].as<std::uint32_t>());
  }
  auto r = workflows::explain(b, *reported, opt);
  if (!r) return input_error("reported", r.err().message);
  json list = json::array();
  for (const auto& e : r->explanations) {
    json changes = json::object();
    for (const auto& c : e.changes) changes[c.flag] = c.value ? json(*c.value) : json(nullptr);
    list.push_back({{"changes", changes},
                    {"digest", hex::encode(e.digest)},
                    {"sentence", e.sentence},
                    {"same_digest", e.same_digest}});
  }
  json searched = json::object();
  for (const auto& [axis, n] : r->searched) searched[axis] = n;
  return json{{"explained", r->explained},
              {"headline", workflows::headline(*r)},
              {"note", r->note},
              {"explanations", list},
              {"searched", searched},
              {"candidates", r->candidates},
              {"reported", hex::encode(*reported)},
              {"believed_digest", hex::encode(r->believed_digest)},
              {"believed_error", r->believed_error}}
      .dump();
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

// warmUp() -> the digest of 64 zero pages: runs the launch digest's page step (and its SHA-384) in the worker
// while the user still chooses files, so the engine has run its hot code by the time it is asked for a digest
// (a browser compiles a WebAssembly function fast first and optimized only once it has run). The answer is a
// real digest, compared by the tests with the engine's, so the work cannot be optimized away.
std::string warm_up() {
  measure::gctx g;
  const bytes zero(64 * measure::page_size, 0);
  g.update_normal_range(0, zero);
  return hex::encode(g.digest());
}

}  // namespace

EMSCRIPTEN_BINDINGS(sevproof_measure) {
  emscripten::function("measure", &measure_js);
  emscripten::function("explain", &explain_js);
  emscripten::function("vcpuTypes", &vcpu_types_js);
  emscripten::function("version", &version);
  emscripten::function("warmUp", &warm_up);
  emscripten::class_<sha256_js>("Sha256")
      .constructor<>()
      .function("update", &sha256_js::update)
      .function("finish", &sha256_js::finish);
}
