// sevproof sev ...: the legacy SEV / SEV-ES guest owner's side, offline.
//   validate      drop-in for virt-qemu-sev-validate's offline mode (same options and exit codes)
//   verify-chain  the platform chain PDH <- PEK <- OCA / CEK <- ASK <- ARK (like `sevctl verify`)
//   secret        a launch secret packet for QMP sev-inject-launch-secret
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "file_hash.hpp"
#include "io.hpp"
#include "transport_keys.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/sev/launch_measure.hpp"
#include "sevproof/workflows/explain_mismatch.hpp"

namespace sevproof::cli {

void add_sev_chain(CLI::App& sev, std::vector<std::pair<CLI::App*, runner>>& subs);
void add_sev_secret(CLI::App& sev, std::vector<std::pair<CLI::App*, runner>>& subs);
void add_sev_session(CLI::App& sev, std::vector<std::pair<CLI::App*, runner>>& subs);

namespace {

// virt-qemu-sev-validate's exit codes.
enum validate_exit : int { v_ok = 0, v_mismatch = 1, v_usage = 2, v_other = 6 };

struct validate_options {
  std::string measurement, api_major, api_minor, build_id, policy, firmware, kernel, initrd, cmdline, vmsa_cpu0,
      vmsa_cpu1, tik, tek, tk, fpu = "zero";
  std::optional<long long> num_cpus, cpu_family, cpu_model, cpu_stepping;
  bool cmdline_given = false, debug = false, quiet = false;
};

int usage_err(const std::string& m) {
  std::cerr << "ERROR: " << m << "\n";
  return static_cast<int>(v_usage);
}
int other_err(const std::string& m) {
  std::cerr << "ERROR: " << m << "\n";
  return static_cast<int>(v_other);
}

// --api-major/--api-minor/--build-id and --policy: what the platform said at LAUNCH_MEASURE.
int read_platform_facts(const validate_options& o, sev::platform_version& pv, std::uint32_t& policy) {
  for (auto [text, out, flag] :
       {std::tuple{&o.api_major, &pv.api_major, "--api-major"}, std::tuple{&o.api_minor, &pv.api_minor, "--api-minor"},
        std::tuple{&o.build_id, &pv.build_id, "--build-id"}}) {
    if (text->empty()) return usage_err(std::string(flag) + " is required");
    auto v = parse_uint(*text);
    if (!v || *v > 255) return usage_err(std::string(flag) + " " + *text + ": expected 0-255");
    *out = static_cast<std::uint8_t>(*v);
  }
  if (o.policy.empty()) return usage_err("--policy is required");
  auto pol = parse_uint(o.policy);
  if (!pol || *pol > 0xFFFFFFFFu) return usage_err("--policy " + o.policy + ": expected a 32-bit number (e.g. 0x3)");
  policy = static_cast<std::uint32_t>(*pol);
  return v_ok;
}

// SEV-ES VMSAs: taken from files, or built from the CPU signature.
int read_vmsas(const validate_options& o, measure::launch_inputs& in) {
  if (!o.num_cpus) return usage_err("SEV-ES (policy bit 2) needs --num-cpus N");
  if (*o.num_cpus <= 0)
    return usage_err("--num-cpus " + std::to_string(*o.num_cpus) +
                     ": an SEV-ES guest has at least one vCPU (its VMSA is measured)");
  in.vcpus = static_cast<unsigned>(*o.num_cpus);
  auto vmsa = [&](const std::string& path, std::optional<std::array<byte, 0x1000>>& out) -> std::optional<int> {
    if (path.empty()) return std::nullopt;
    auto f = read_file(path);
    if (!f.data) return other_err(f.why);
    if (f.data->size() != 0x1000)
      return usage_err(path + ": " + std::to_string(f.data->size()) + " bytes; a VMSA is 4096");
    std::array<byte, 0x1000> a{};
    std::copy(f.data->begin(), f.data->end(), a.begin());
    out = a;
    return std::nullopt;
  };
  const bool signature_given = o.cpu_family || o.cpu_model || o.cpu_stepping;
  if ((!o.vmsa_cpu0.empty() || !o.vmsa_cpu1.empty()) && signature_given)
    return usage_err(
        "--vmsa-cpu0/--vmsa-cpu1 and --cpu-family/--cpu-model/--cpu-stepping: give the VMSA files or the CPU "
        "signature to build them, not both (the files already hold a signature)");
  if (auto e = vmsa(o.vmsa_cpu0, in.bsp_vmsa)) return *e;
  if (auto e = vmsa(o.vmsa_cpu1, in.ap_vmsa)) return *e;
  if (in.vcpus > 1 && in.bsp_vmsa && !in.ap_vmsa)
    return usage_err("--vmsa-cpu1 is needed with --vmsa-cpu0 for more than one vCPU");
  if (!in.bsp_vmsa) {
    if (!o.cpu_family || !o.cpu_model || !o.cpu_stepping)
      return usage_err(
          "SEV-ES needs --vmsa-cpu0/--vmsa-cpu1, or --cpu-family, --cpu-model and --cpu-stepping to build them");
    in.vcpu_signature =
        measure::cpu_signature(static_cast<std::uint32_t>(*o.cpu_family), static_cast<std::uint32_t>(*o.cpu_model),
                               static_cast<std::uint32_t>(*o.cpu_stepping));
  }
  return v_ok;
}

// --kernel/--initrd/--cmdline: the kernel hashes table's digests.
int read_boot_hashes(const validate_options& o, measure::launch_inputs& in) {
  if (o.kernel.empty()) return v_ok;
  measure::boot_hashes h;
  auto k = sha256_file(o.kernel, "kernel");
  if (!k.digest) return other_err(k.why);
  h.kernel = *k.digest;
  if (!o.initrd.empty()) {
    auto r = sha256_file(o.initrd, "initrd");
    if (!r.digest) return other_err(r.why);
    h.initrd = *r.digest;
  }
  h.cmdline = measure::boot_hashes::cmdline_hash(o.cmdline);
  in.kernel = h;
  if (o.debug)
    std::cerr << "DEBUG: kernel hash " << hex::encode(h.kernel) << ", initrd hash " << hex::encode(h.initrd)
              << ", cmdline hash " << hex::encode(h.cmdline) << "\n";
  return v_ok;
}

// Which launch input, changed, gives the measured MAC: explain's search, a candidate digest counting as found when
// its LAUNCH_MEASURE MAC (with this TIK, platform version, policy and MNONCE) is the measured one.
void explain_mismatch(const validate_options& o, const measure::launch_inputs& in, const measure::ovmf_image& fw,
                      const bytes& tik, const sev::platform_version& pv, std::uint32_t policy,
                      const sev::measurement& m) {
  workflows::believed_launch b{in,
                               &fw,
                               o.firmware,
                               in.kernel ? std::optional<std::string>(o.cmdline) : std::nullopt,
                               in.kernel && !o.initrd.empty(),
                               in.mode == measure::guest_mode::seves};
  workflows::explain_options eo;
  eo.max_vcpus = 64;
  eo.matches = [&](bytes_view d) {
    if (d.size() != 32) return false;
    crypto::sha256_digest digest{};
    std::copy(d.begin(), d.end(), digest.begin());
    return sev::same_mac(sev::launch_measure_mac(tik, pv, policy, digest, m.mnonce), m.mac);
  };
  const bytes placeholder(32, 0);  // 32 bytes: an SEV or SEV-ES launch; the MAC check decides
  auto r = workflows::explain(b, placeholder, eo);
  if (!r) return;
  if (!r->explained) {
    std::cerr
        << "NOTE: no single input change and no pair of changes (" << workflows::searched_text(*r)
        << ") gives this MAC: the firmware build, the kernel/initrd files, the TIK or the platform facts differ\n";
    return;
  }
  for (const auto& e : r->explanations)
    std::cerr << "NOTE: it matches when " << e.sentence << " (as measure flags:" << workflows::change_flags(e)
              << "; here --vcpus is --num-cpus)\n";
}

int run_validate(const validate_options& o) {
  auto dbg = [&](const std::string& m) {
    if (o.debug) std::cerr << "DEBUG: " << m << "\n";
  };
  // ---- keys (the TEK is not needed to validate, but is checked when given) ----
  auto keys = read_transport_keys(o.tek, o.tik, o.tk, false);
  if (!keys.keys) return keys.unreadable ? other_err(keys.why) : usage_err(keys.why);
  const bytes& tik = keys.keys->tik;
  // ---- measurement and platform facts ----
  if (o.measurement.empty())
    return usage_err("--measurement is required (base64 of the 48 bytes LAUNCH_MEASURE returned)");
  auto mbytes = base64::decode(o.measurement);
  if (!mbytes) return usage_err("--measurement: not base64");
  auto m = sev::split_measurement(*mbytes);
  if (!m) return usage_err("--measurement: " + m.err().to_string());
  sev::platform_version pv;
  std::uint32_t policy = 0;
  if (int rc = read_platform_facts(o, pv, policy); rc != v_ok) return rc;
  const bool es = (policy & sev::policy_es) != 0;

  // ---- expected launch digest ----
  if (o.firmware.empty()) return usage_err("--firmware is required");
  if ((!o.initrd.empty() || o.cmdline_given) && o.kernel.empty())
    return usage_err("--initrd and --cmdline need --kernel");
  auto fwf = read_file(o.firmware);
  if (!fwf.data) return other_err(fwf.why);
  auto fw = measure::parse_ovmf(std::move(*fwf.data));
  if (!fw) return other_err(o.firmware + ": " + fw.err().to_string());
  measure::launch_inputs in;
  in.mode = es ? measure::guest_mode::seves : measure::guest_mode::sev;
  if (o.fpu == "zero")
    in.fpu = measure::fpu_init::zero;
  else if (o.fpu == "modern")
    in.fpu = measure::fpu_init::modern;
  else
    return usage_err("--fpu-init " + o.fpu + ": use zero (libvirt, older hosts) or modern (newer hosts)");
  if (es)
    if (int rc = read_vmsas(o, in); rc != v_ok) return rc;
  if (int rc = read_boot_hashes(o, in); rc != v_ok) return rc;
  auto compute = [&](measure::fpu_init fpu) -> result<crypto::sha256_digest> {
    auto x = in;
    x.fpu = fpu;
    measure::trace t;
    auto d = measure::sev_launch_digest(*fw, x, o.debug ? &t : nullptr);
    for (const auto& line : t) dbg(line);
    return d;
  };
  auto ld = compute(in.fpu);
  if (!ld) return other_err(ld.err().message);
  dbg("firmware " + o.firmware + " sha256 " + hex::encode(crypto::sha256_of(fw->data)));
  dbg("launch digest " + hex::encode(*ld));
  dbg("mnonce " + hex::encode(m->mnonce) + ", api " + std::to_string(pv.api_major) + "." +
      std::to_string(pv.api_minor) + " build " + std::to_string(pv.build_id) + ", policy " + hex::number(policy));
  const auto mac = sev::launch_measure_mac(tik, pv, policy, *ld, m->mnonce);
  dbg("expected MAC " + hex::encode(mac) + ", measured MAC " + hex::encode(m->mac));
  if (sev::same_mac(mac, m->mac)) {
    if (!o.quiet) {
      std::cout << "OK: Looks good to me\n";
      if (es && !in.bsp_vmsa) {  // say which VMSA convention the platform used, and that the other fails
        const auto other = in.fpu == measure::fpu_init::zero ? measure::fpu_init::modern : measure::fpu_init::zero;
        auto ld2 = compute(other);
        const bool both = ld2 && sev::same_mac(sev::launch_measure_mac(tik, pv, policy, *ld2, m->mnonce), m->mac);
        std::cout << "note: SEV-ES VMSAs matched with FPU state "
                  << (in.fpu == measure::fpu_init::zero ? "zero" : "MXCSR 0x1f80 / FCW 0x037f")
                  << "; the other convention (--fpu-init " << (other == measure::fpu_init::modern ? "modern" : "zero")
                  << ") " << (both ? "matches too" : "does not match") << "\n";
      }
    }
    return v_ok;
  }
  std::cerr << "ERROR: Measurement does not match: expected MAC " << hex::encode(mac) << ", got " << hex::encode(m->mac)
            << "\n";
  if (es && !in.bsp_vmsa) {
    const auto other = in.fpu == measure::fpu_init::zero ? measure::fpu_init::modern : measure::fpu_init::zero;
    auto ld2 = compute(other);
    if (ld2 && sev::same_mac(sev::launch_measure_mac(tik, pv, policy, *ld2, m->mnonce), m->mac))
      std::cerr << "NOTE: it matches with the other SEV-ES VMSA convention: rerun with --fpu-init "
                << (other == measure::fpu_init::modern ? "modern (host initialised MXCSR 0x1f80 / FCW 0x037f)"
                                                       : "zero (MXCSR/FCW zero, older hosts)")
                << "\n";
    else
      std::cerr << "NOTE: the other SEV-ES VMSA convention (--fpu-init "
                << (other == measure::fpu_init::modern ? "modern" : "zero") << ") does not match either\n";
  }
  if (!in.bsp_vmsa) explain_mismatch(o, in, *fw, tik, pv, policy, *m);
  return v_mismatch;
}

}  // namespace

runner add_sev(CLI::App& app) {
  app.require_subcommand(1);
  auto subs = std::make_shared<std::vector<std::pair<CLI::App*, runner>>>();
  auto o = std::make_shared<validate_options>();
  auto* v =
      app.add_subcommand("validate", "Check a SEV/SEV-ES LAUNCH_MEASURE value offline (as virt-qemu-sev-validate)");
  v->footer(
      "Recomputes the launch digest (firmware [+ kernel hashes table] [+ VMSAs for SEV-ES]) and the LAUNCH_MEASURE "
      "MAC\n"
      "under the TIK, with the MNONCE taken from --measurement. SEV-ES VMSAs: --fpu-init zero (the default, as libvirt "
      "and\n"
      "older host kernels) or modern (MXCSR 0x1f80/FCW 0x037f, newer kernels); on a mismatch sevproof says whether "
      "the\n"
      "other convention would have matched.\n\n"
      "Example:\n"
      "  sevproof sev validate --measurement <base64> --api-major 1 --api-minor 55 --build-id 30 --policy 5 \\\n"
      "    --firmware OVMF_CODE.fd --num-cpus 3 --cpu-family 25 --cpu-model 1 --cpu-stepping 1 --tik tik.bin\n\n"
      "Exit codes (virt-qemu-sev-validate's): 0 valid, 1 did not validate, 2 unsupported usage, 6 other error.");
  v->add_option("--measurement", o->measurement, "LAUNCH_MEASURE result, base64 (48 bytes: MAC, MNONCE)");
  v->add_option("--api-major", o->api_major, "SEV API major version of the platform");
  v->add_option("--api-minor", o->api_minor, "SEV API minor version");
  v->add_option("--build-id", o->build_id, "SEV firmware build id");
  v->add_option("--policy", o->policy, "Guest policy (bit 2 = SEV-ES)");
  v->add_option("--firmware", o->firmware, "OVMF firmware image");
  v->add_option("--kernel", o->kernel, "Kernel (measured direct boot)");
  v->add_option("--initrd", o->initrd, "Initrd");
  v->add_option("--cmdline", o->cmdline, "Kernel command line")->each([o](const std::string&) {
    o->cmdline_given = true;
  });
  v->add_option("--num-cpus", o->num_cpus, "vCPU count (SEV-ES)");
  v->add_option("--vmsa-cpu0", o->vmsa_cpu0, "VMSA of the boot vCPU (4096 bytes)");
  v->add_option("--vmsa-cpu1", o->vmsa_cpu1, "VMSA of every other vCPU (4096 bytes)");
  v->add_option("--cpu-family", o->cpu_family, "vCPU family (to build SEV-ES VMSAs)");
  v->add_option("--cpu-model", o->cpu_model, "vCPU model");
  v->add_option("--cpu-stepping", o->cpu_stepping, "vCPU stepping");
  v->add_option("--fpu-init", o->fpu, "SEV-ES VMSA FPU state: zero (default) or modern");
  v->add_option("--tik", o->tik, "Transport integrity key, 16 bytes");
  v->add_option("--tek", o->tek, "Transport encryption key, 16 bytes (checked, not needed to validate)");
  v->add_option("--tk", o->tk, "TEK then TIK, 32 bytes (instead of --tik/--tek)");
  v->add_flag("--debug,-d", o->debug, "Print every intermediate hash");
  v->add_flag("--quiet,-q", o->quiet, "Print nothing on success");
  subs->emplace_back(v, [o] { return run_validate(*o); });
  add_sev_chain(app, *subs);
  add_sev_secret(app, *subs);
  add_sev_session(app, *subs);
  return [subs]() -> int {
    for (auto& [cmd, run] : *subs)
      if (cmd->parsed()) return run();
    return usage;
  };
}

}  // namespace sevproof::cli
