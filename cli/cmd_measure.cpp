// sevproof measure: the expected launch digest, a drop-in for sev-snp-measure (same flags, same
// stdout), refusing inconsistent inputs instead of printing a digest no real launch could have.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_hash.hpp"
#include "measure_flags.hpp"
#include "io.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/pipeline/measure_launch.hpp"
#include "sevproof/measure/vcpu.hpp"

namespace sevproof::cli {
namespace {

// The flags as the library's measurement request (the same refusals everywhere).
measure::request request_of(const measure_cli& o) {
  measure::request req;
  req.mode = o.mode;
  req.vcpus = o.vcpus;
  req.vcpu_type = o.vcpu_type;
  req.vcpu_sig = o.vcpu_sig;
  req.vcpu_family = o.vcpu_family;
  req.vcpu_model = o.vcpu_model;
  req.vcpu_stepping = o.vcpu_stepping;
  req.vmm_type = o.vmm_type;
  req.guest_features = o.guest_features;
  req.snp_ovmf_hash = o.snp_ovmf_hash;
  req.fpu_init = o.fpu;
  req.kernel = !o.kernel.empty();
  req.initrd = !o.initrd.empty();
  req.append = o.append_given();
  req.svsm = !o.svsm.empty();
  req.vars = !o.vars_size.empty() || !o.vars_file.empty();
  req.allow_missing_sev_metadata = o.allow_no_metadata;
  return req;
}

// Reads what the flags name: the firmware, the kernel and initrd (hashed streaming, never held in
// memory), the SVSM image and the OVMF_VARS size. Prints the reason and sets `exit_code` on failure.
std::optional<pipeline::launch_files> read_launch_files(const measure_cli& o, int& exit_code) {
  auto fail = [&](int code, const std::string& msg) {
    std::cerr << "sevproof " << o.command << ": " << msg << "\n";
    exit_code = code;
    return std::optional<pipeline::launch_files>{};
  };
  pipeline::launch_files f;
  f.ovmf_name = o.ovmf;
  auto fw = o.ovmf_data ? read_result{o.ovmf_data, {}} : read_file(o.ovmf);
  if (!fw.data) return fail(bad_input, "--ovmf " + fw.why);
  f.ovmf = std::move(*fw.data);
  for (auto [flag, path, given, out] : {std::tuple{"--kernel", &o.kernel, &o.kernel_sha256, &f.kernel},
                                        std::tuple{"--initrd", &o.initrd, &o.initrd_sha256, &f.initrd}}) {
    if (path->empty()) continue;
    auto h = *given ? hashed_file{*given, 0, {}} : sha256_file(*path, flag + 2);
    if (!h.digest) return fail(bad_input, std::string(flag) + " " + h.why);
    *out = *h.digest;
  }
  f.kernel_name = o.kernel;
  f.initrd_name = o.initrd;
  if (o.append_given()) f.append = o.append;
  if (!o.svsm.empty()) {
    auto image = read_file(o.svsm);
    if (!image.data) return fail(bad_input, "--svsm " + image.why);
    f.svsm = std::move(*image.data);
    f.svsm_name = o.svsm;
  }
  if (!o.vars_size.empty()) {
    const auto v = parse_uint(o.vars_size);
    if (!v) return fail(usage, "--vars-size " + o.vars_size + ": not a number (bytes, e.g. 540672)");
    f.vars_size = *v;
  } else if (!o.vars_file.empty()) {
    std::error_code ec;
    f.vars_size = std::filesystem::file_size(o.vars_file, ec);
    if (ec) return fail(bad_input, "--vars-file " + o.vars_file + ": " + ec.message());
  }
  return f;
}

// vmsa<N>.bin for every vCPU, in the working directory (sev-snp-measure's names), from the pages the digest measured.
std::optional<std::string> dump_vmsas(const pipeline::measurement& m) {
  const auto& pages = m.vmsa_pages;
  for (unsigned i = 0; i < m.inputs.vcpus && !pages.empty(); ++i) {
    const auto& page = pages[std::min<std::size_t>(i, pages.size() - 1)];
    const std::string name = "vmsa" + std::to_string(i) + ".bin";
    std::ofstream f(name, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(page.data()), static_cast<std::streamsize>(page.size()));
    if (!f) return "--dump-vmsa: cannot write " + name;
  }
  return std::nullopt;
}

}  // namespace

// The flags through the library's one measurement pipeline. The request is checked before any
// file is read. Usage and input failures are printed here; a refused launch (`refused`) is left
// to the caller, which prints it in its own words.
std::optional<pipeline::measurement> run_measurement(const measure_cli& o, int& exit_code) {
  const auto rq = request_of(o);
  if (auto in = pipeline::check_request(rq); !in) {
    std::cerr << "sevproof " << o.command << ": " << in.err().message << "\n";
    exit_code = usage;
    return std::nullopt;
  }
  auto files = read_launch_files(o, exit_code);
  if (!files) return std::nullopt;
  auto m = pipeline::measure_launch(rq, *files);
  switch (m.failure) {
    case pipeline::measure_failure::none:
    case pipeline::measure_failure::refused:
      return m;
    case pipeline::measure_failure::usage:
      std::cerr << "sevproof " << o.command << ": " << m.why->message << "\n";
      exit_code = usage;
      return std::nullopt;
    case pipeline::measure_failure::input:
      std::cerr << "sevproof " << o.command << ": " << m.why->to_string() << "\n";
      exit_code = bad_input;
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<prepared_launch> prepare_launch(const measure_cli& o, measure::trace* tr, int& exit_code) {
  auto m = run_measurement(o, exit_code);
  if (!m) return std::nullopt;
  if (tr) tr->insert(tr->end(), m->trace.begin(), m->trace.end());
  // A refused launch is still a believed launch (explain searches around it).
  return prepared_launch{m->inputs, std::move(*m->firmware)};
}

std::optional<bytes> compute_measurement(const measure_cli& o, measure::trace* tr, int& exit_code) {
  auto m = run_measurement(o, exit_code);
  if (!m) return std::nullopt;
  if (m->failure == pipeline::measure_failure::refused) {  // exit 1, as sev-snp-measure on a measurement error
    std::cerr << "Error: " << m->why->message << "\n";
    exit_code = check_failed;
    return std::nullopt;
  }
  if (tr) tr->insert(tr->end(), m->trace.begin(), m->trace.end());
  if (o.dump_vmsa)
    if (auto e = dump_vmsas(*m)) {
      std::cerr << "sevproof " << o.command << ": " << *e << "\n";
      exit_code = bad_input;
      return std::nullopt;
    }
  return m->digest;
}

int print_measurement(const measure_cli& o) {
  if (o.dump_vmsa && o.mode != "snp" && o.mode != "seves" && o.mode != "snp:svsm") {
    std::cerr << "sevproof " << o.command << ": --dump-vmsa: a " << o.mode
              << " launch measures no VMSA (only seves, snp and snp:svsm do)\n";
    return usage;
  }
  measure::trace t;
  int code = ok;
  const auto d = compute_measurement(o, &t, code);
  if (!d) return code;
  const bytes& digest = *d;
  // stdout as sev-snp-measure prints it: the firmware digest of snp:ovmf-hash always bare hex (what
  // --snp-ovmf-hash takes back); -v's input lines go to stderr, so stdout stays one line.
  const bool ovmf_hash = o.mode == "snp:ovmf-hash";
  const std::string text = o.output_format == "base64" && !ovmf_hash ? base64::encode(digest) : hex::encode(digest);
  if (o.json) {
    nlohmann::ordered_json j{{"schema_version", 1},
                             {"mode", o.mode},
                             {"measurement", hex::encode(digest)},
                             {"measurement_base64", base64::encode(digest)},
                             {"inputs", t}};
    std::cout << json_out(j) << "\n";
  } else if (o.verbose && !ovmf_hash) {
    for (const auto& line : t) std::cerr << "  " << line << "\n";
    const char* name = o.mode == "snp"        ? "SEV_SNP"
                       : o.mode == "snp:svsm" ? "SEV_SNP_SVSM"
                       : o.mode == "seves"    ? "SEV_ES"
                                              : "SEV";
    std::cout << "Calculated " << name << " guest measurement: " << text << "\n";
  } else {
    std::cout << text << "\n";
  }
  return ok;
}

void add_measure_flags(CLI::App& app, const std::shared_ptr<measure_cli>& o, bool required) {
  const char* g = required ? "Options" : "Measurement (instead of --measurement: the sevproof measure flags)";
  auto* mode = app.add_option("--mode", o->mode, "Guest mode: snp, seves, sev, snp:ovmf-hash, snp:svsm")->group(g);
  app.add_option("--vcpus", o->vcpus, "Number of guest vCPUs (SNP, SEV-ES)")->group(g);
  app.add_option("--vcpu-type", o->vcpu_type,
                 "vCPU model as QEMU names it, e.g. EPYC-Milan (`--vcpu-type list` lists them)")
      ->group(g);
  app.add_option("--vcpu-sig", o->vcpu_sig, "vCPU signature (CPUID 1 EAX), e.g. 0xA00F11")->group(g);
  app.add_option("--vcpu-family", o->vcpu_family, "vCPU family (with --vcpu-model and --vcpu-stepping)")->group(g);
  app.add_option("--vcpu-model", o->vcpu_model, "vCPU model")->group(g);
  app.add_option("--vcpu-stepping", o->vcpu_stepping, "vCPU stepping")->group(g);
  app.add_option("--vmm-type", o->vmm_type,
                 "VMM: QEMU (default), ec2, gce; ec2-legacy for EC2 guests launched before sev-snp-measure 0.0.13's "
                 "EC2 update (VMSA RDX 0)")
      ->capture_default_str()
      ->group(g);
  auto* ovmf = app.add_option("--ovmf", o->ovmf, "OVMF firmware image")->group(g);
  app.add_option("--kernel", o->kernel, "Kernel for measured direct boot (hashed streaming)")->group(g);
  app.add_option("--initrd", o->initrd, "Initrd (with --kernel)")->group(g);
  // --append= (or --append "") is an explicitly empty command line: measured as "" + NUL, as
  // sev-snp-measure does, and distinct from no --append only in that it was given.
  o->append_option =
      app.add_option("--append", o->append, "Kernel command line (with --kernel); --append= gives an empty one")
          ->expected(0, 1)
          ->group(g);
  app.add_option("--guest-features", o->guest_features, "SEV_FEATURES of SNP vCPUs (default 0x1; 0x21 with DebugSwap)")
      ->capture_default_str()
      ->group(g);
  app.add_option("--snp-ovmf-hash", o->snp_ovmf_hash,
                 "Precomputed firmware digest (96 hex digits) from --mode snp:ovmf-hash")
      ->group(g);
  app.add_option("--fpu-init", o->fpu,
                 "VMSA x87/SSE init: modern (MXCSR 0x1f80, FCW 0x37f; default) or zero (older host kernels)")
      ->capture_default_str()
      ->group(g);
  app.add_option("--svsm", o->svsm, "snp:svsm: the Coconut-SVSM image")->group(g);
  auto* vsize =
      app.add_option("--vars-size", o->vars_size, "snp:svsm: size of the OVMF_VARS file in bytes (e.g. 540672)")
          ->group(g);
  app.add_option("--vars-file", o->vars_file, "snp:svsm: the OVMF_VARS file (only its size is used)")
      ->excludes(vsize)
      ->group(g);
  app.add_flag("--allow-firmware-without-sev-metadata", o->allow_no_metadata,
               "Compute an SNP digest for firmware without SEV metadata anyway (as sev-snp-measure does; no real SNP "
               "launch can match it)")
      ->group(g);
  if (required) {
    mode->required();
    ovmf->required();
  }
}

runner add_measure(CLI::App& app) {
  auto o = std::make_shared<measure_cli>();
  app.footer(
      "Same flags, defaults and stdout as sev-snp-measure, so scripts switch by changing the program name.\n"
      "Unlike it, sevproof refuses inputs that no real launch could have: --initrd/--append without --kernel,\n"
      "a kernel with firmware that cannot measure one, SNP with firmware lacking SEV metadata, 0 vCPUs, unknown\n"
      "vCPU types, reserved guest-feature bits.\n\n"
      "Examples:\n"
      "  sevproof measure --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.fd\n"
      "  sevproof measure --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --guest-features 0x21 --ovmf OVMF.amdsev.fd \\\n"
      "                   --kernel vmlinuz --initrd initrd.img --append 'console=ttyS0 root=/dev/vda1'\n"
      "  sevproof measure --mode snp:ovmf-hash --ovmf OVMF.fd           # precompute the firmware part once\n"
      "  sevproof measure --mode seves --vcpus 2 --vcpu-type EPYC-Rome --ovmf OVMF.fd --fpu-init zero\n"
      "  sevproof measure --mode snp:svsm --vcpus 4 --vcpu-type EPYC-v4 --ovmf svsm_ovmf.fd --svsm svsm.bin "
      "--vars-size 540672\n\n"
      "Exit codes: 0 printed, 1 inputs refused (the message says why), 2 usage error, 3 a file unreadable or "
      "malformed.");
  add_measure_flags(app, o, true);
  app.add_option("--output-format", o->output_format, "hex (default) or base64 (snp:ovmf-hash prints hex always)")
      ->capture_default_str()
      ->check(CLI::IsMember({"hex", "base64"}));
  app.add_flag("--dump-vmsa", o->dump_vmsa,
               "Write the measured VMSAs to vmsa<N>.bin in the working directory (seves, snp, snp:svsm)");
  app.add_flag("-v,--verbose", o->verbose,
               "Name every input that went into the digest (on stderr), then print the digest as sev-snp-measure -v "
               "does");
  app.add_flag("--json", o->json, "Print JSON: measurement (hex and base64) and the inputs");
  return [o] {
    if (o->vcpu_type == "list") {
      for (const auto& t : measure::vcpu_types)
        std::cout << t.name << "  family " << t.family << " model " << t.model << " stepping " << t.stepping
                  << "  sig 0x" << std::hex << measure::cpu_signature(t.family, t.model, t.stepping) << std::dec
                  << "\n";
      return static_cast<int>(ok);
    }
    return print_measurement(*o);
  };
}

}  // namespace sevproof::cli
