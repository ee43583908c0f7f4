// sevproof measure: the expected launch digest, a drop-in for sev-snp-measure (same flags, same
// stdout), refusing inconsistent inputs instead of printing a digest no real launch could have.
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
#include "sevproof/measure/vcpu.hpp"

namespace sevproof::cli {
std::optional<prepared_launch> prepare_launch(const measure_cli& o, measure::trace* tr, int& exit_code) {
  auto fail = [&](int code) {
    exit_code = code;
    return std::optional<prepared_launch>{};
  };
  auto usage_error = [&](const std::string& msg) {
    std::cerr << "sevproof " << o.command << ": " << msg << "\n";
    return fail(usage);
  };
  measure::request req;
  req.mode = o.mode;
  if (o.vcpus) req.vcpus = *o.vcpus;
  req.vcpu_type = o.vcpu_type;
  req.vcpu_sig = o.vcpu_sig;
  if (o.vcpu_family) req.vcpu_family = *o.vcpu_family;
  if (o.vcpu_model) req.vcpu_model = *o.vcpu_model;
  if (o.vcpu_stepping) req.vcpu_stepping = *o.vcpu_stepping;
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
  auto parsed = measure::to_inputs(req);
  if (!parsed) return usage_error(parsed.err().message);
  measure::launch_inputs in = parsed.value();
  const bool snp = in.mode == measure::guest_mode::snp;

  auto fw_file = o.ovmf_data ? read_result{o.ovmf_data, {}} : read_file(o.ovmf);
  if (!fw_file.data) {
    std::cerr << "sevproof " << o.command << ": --ovmf " << fw_file.why << "\n";
    return fail(bad_input);
  }
  auto fw = measure::parse_ovmf(std::move(*fw_file.data));
  if (!fw) {
    std::cerr << "sevproof " << o.command << ": " << o.ovmf << ": " << fw.err().to_string() << "\n";
    return fail(bad_input);
  }
  measure::trace local;
  measure::trace& t = tr ? *tr : local;
  if (o.verbose) {
    std::string sections;
    if (fw->sev_metadata)
      for (const auto& s : *fw->sev_metadata)
        sections += std::string(sections.empty() ? "" : ", ") + measure::section_name(s.type);
    t.push_back("OVMF " + o.ovmf + ": " + std::to_string(fw->data.size()) + " bytes at GPA " + hex::number(fw->gpa) +
                ", footer table " +
                (fw->has_footer ? std::to_string(fw->entries.size()) + " entries" : std::string("absent")) +
                ", SEV metadata " + (fw->sev_metadata ? "[" + sections + "]" : std::string("absent")) +
                (fw->hash_table_gpa().value_or(0) ? ", kernel hashes table at " + hex::number(*fw->hash_table_gpa())
                                                  : ", no kernel hashes table"));
  }

  if (!o.kernel.empty()) {
    measure::boot_hashes bh;
    auto k = o.kernel_sha256 ? hashed_file{o.kernel_sha256, 0, {}} : sha256_file(o.kernel, "kernel");
    if (!k.digest) {
      std::cerr << "sevproof " << o.command << ": --kernel " << k.why << "\n";
      return fail(bad_input);
    }
    bh.kernel = *k.digest;
    if (!o.initrd.empty()) {
      auto r = o.initrd_sha256 ? hashed_file{o.initrd_sha256, 0, {}} : sha256_file(o.initrd, "initrd");
      if (!r.digest) {
        std::cerr << "sevproof " << o.command << ": --initrd " << r.why << "\n";
        return fail(bad_input);
      }
      bh.initrd = *r.digest;
    }
    bh.cmdline = measure::boot_hashes::cmdline_hash(o.append);
    in.kernel = bh;
    if (o.verbose)
      t.push_back("kernel " + o.kernel + " sha256 " + hex::encode(bh.kernel) + "; initrd " +
                  (o.initrd.empty() ? "(none)" : o.initrd) + " sha256 " + hex::encode(bh.initrd) + "; cmdline \"" +
                  o.append + "\" + NUL sha256 " + hex::encode(bh.cmdline));
  }
  if (o.verbose && snp)
    t.push_back("guest features " + hex::number(in.guest_features) + " = " + measure::feature_names(in.guest_features));

  return prepared_launch{in, std::move(*fw)};
}

std::optional<bytes> compute_measurement(const measure_cli& o, measure::trace* tr, int& exit_code) {
  auto fail = [&](int code) {
    exit_code = code;
    return std::optional<bytes>{};
  };
  auto usage_error = [&](const std::string& msg) {
    std::cerr << "sevproof " << o.command << ": " << msg << "\n";
    return fail(usage);
  };
  auto refused = [&](const std::string& msg) {  // exit 1, as sev-snp-measure on a measurement error
    std::cerr << "Error: " << msg << "\n";
    return fail(check_failed);
  };
  measure::trace local;
  measure::trace& t = tr ? *tr : local;
  auto launch = prepare_launch(o, &t, exit_code);
  if (!launch) return std::nullopt;
  const auto& in = launch->inputs;
  const auto* fw = &launch->fw;
  const bool snp = in.mode == measure::guest_mode::snp;
  const bool svsm = in.mode == measure::guest_mode::snp_svsm;
  const bool needs_vcpus = snp || svsm || in.mode == measure::guest_mode::seves;
  bytes digest;
  if (svsm) {
    std::uint64_t vars_size = 0;
    if (!o.vars_size.empty()) {
      const auto v = parse_uint(o.vars_size);
      if (!v) return usage_error("--vars-size " + o.vars_size + ": not a number (bytes, e.g. 540672)");
      vars_size = *v;
    } else {
      std::error_code ec;
      vars_size = std::filesystem::file_size(o.vars_file, ec);
      if (ec) {
        std::cerr << "sevproof " << o.command << ": --vars-file " << o.vars_file << ": " << ec.message() << "\n";
        return fail(bad_input);
      }
    }
    auto svsm_file = read_file(o.svsm);
    if (!svsm_file.data) {
      std::cerr << "sevproof " << o.command << ": --svsm " << svsm_file.why << "\n";
      return fail(bad_input);
    }
    auto image = measure::parse_ovmf(std::move(*svsm_file.data));
    if (!image) {
      std::cerr << "sevproof " << o.command << ": --svsm " << o.svsm << ": " << image.err().to_string() << "\n";
      return fail(bad_input);
    }
    auto d = measure::svsm_launch_digest(*fw, *image, vars_size, in, &t);
    if (!d) return refused(d.err().message);
    digest.assign(d->begin(), d->end());
  } else if (snp || in.mode == measure::guest_mode::snp_ovmf_hash) {
    auto d = measure::snp_launch_digest(*fw, in, &t);
    if (!d) return refused(d.err().message);
    digest.assign(d->begin(), d->end());
  } else {
    auto d = measure::sev_launch_digest(*fw, in, &t);
    if (!d) return refused(d.err().message);
    digest.assign(d->begin(), d->end());
  }
  if (o.dump_vmsa && needs_vcpus && !svsm) {
    const auto ap = fw->ap_reset_eip().value_or(0);
    for (unsigned i = 0; i < in.vcpus; ++i) {
      const auto page = measure::build_vmsa(
          {i == 0 ? 0xFFFFFFF0u : ap, in.vcpu_signature, snp ? in.guest_features : 0, in.vmm, in.fpu});
      std::ofstream("vmsa" + std::to_string(i) + ".bin", std::ios::binary)
          .write(reinterpret_cast<const char*>(page.data()), page.size());
    }
  }
  return digest;
}

int print_measurement(const measure_cli& o) {
  measure::trace t;
  int code = ok;
  const auto d = compute_measurement(o, &t, code);
  if (!d) return code;
  const bytes& digest = *d;
  const bool snp = o.mode == "snp" || o.mode == "snp:ovmf-hash" || o.mode == "snp:svsm";

  const std::string text = o.output_format == "base64" ? base64::encode(digest) : hex::encode(digest);
  if (o.json) {
    nlohmann::ordered_json j{{"schema_version", 1},
                             {"mode", o.mode},
                             {"measurement", hex::encode(digest)},
                             {"measurement_base64", base64::encode(digest)},
                             {"inputs", t}};
    std::cout << j.dump(2) << "\n";
  } else if (o.verbose) {
    for (const auto& line : t) std::cout << "  " << line << "\n";
    const char* name = snp ? "SEV_SNP" : o.mode == "seves" ? "SEV_ES" : "SEV";
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
  app.add_option("--vmm-type", o->vmm_type, "VMM: QEMU (default), ec2, gce")->capture_default_str()->group(g);
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
  app.add_option("--output-format", o->output_format, "hex (default) or base64")
      ->capture_default_str()
      ->check(CLI::IsMember({"hex", "base64"}));
  app.add_flag("--dump-vmsa", o->dump_vmsa, "Write the measured VMSAs to vmsa<N>.bin");
  app.add_flag("-v,--verbose", o->verbose,
               "Name every input that went into the digest, then print the digest as sev-snp-measure -v does");
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
