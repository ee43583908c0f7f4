// sevproof explain: which launch input explains the digest a guest reported? Parses the measure
// flags (the launch the user believes happened) and the reported digest, runs
// workflows::explain, and renders the answer.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "launch_belief.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/workflows/explain_mismatch.hpp"

namespace sevproof::cli {
namespace {

struct explain_cli {
  std::string report, measurement, candidates_dir, vm, max_vcpus = "512";
  bool json = false;
};

// Every regular file in `dir` that parses as firmware; the others are counted as unusable.
bool read_candidates(const std::string& dir, workflows::explain_options& opt, std::string& why) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code kind;  // a symlink loop or a dangling link is unusable, counted, never an exception
    if (e.is_regular_file(kind))
      files.push_back(e.path());
    else if (kind)
      ++opt.ovmf_unusable;
  }
  if (ec) {
    why = "--ovmf-candidates " + dir + ": " + ec.message();
    return false;
  }
  std::sort(files.begin(), files.end());
  for (const auto& p : files) {
    auto f = read_file(p.string());
    if (!f.data) {
      ++opt.ovmf_unusable;
      continue;
    }
    auto img = measure::parse_ovmf(std::move(*f.data));
    if (!img) {
      ++opt.ovmf_unusable;
      continue;
    }
    opt.ovmf_candidates.push_back({p.string(), std::move(img).value()});
  }
  return true;
}

void print_text(const workflows::explanation_report& r, const std::string& reported) {
  std::cout << "reported digest  " << reported << "\n";
  if (!r.believed_digest.empty())
    std::cout << "believed launch  " << hex::encode(r.believed_digest) << "\n";
  else
    std::cout << "believed launch  cannot be measured: " << r.believed_error << "\n";
  std::cout << "\n" << workflows::headline(r) << "\n";  // the library's words, as the page shows them
  if (!r.note.empty()) std::cout << "  note: " << r.note << ".\n";
  if (r.explained && r.explanations.front().changes.empty()) return;
  if (r.explained) {
    for (std::size_t i = 0; i < r.explanations.size(); ++i) {
      const auto& e = r.explanations[i];
      std::cout << (i == 0 ? "  " : "  or: ") << e.sentence << ".\n";
      std::cout << "    measure with:" << workflows::change_flags(e) << "\n";
      for (const auto& s : e.same_digest) std::cout << "    (the same digest: " << s << ")\n";
    }
  } else {
    std::cout
        << "  The firmware build, a kernel/initrd file, or an input outside these axes differs (or the digest is\n"
        << "  not from this kind of launch). Offer more firmware with --ovmf-candidates DIR.\n";
  }
  std::cout << "searched (values per axis, tried alone and in pairs): " << workflows::searched_text(r) << "; "
            << r.candidates << " candidate launches compared\n";
}

// The launch the user believes happened: the measure flags or --vm FILE, not both.
std::optional<workflows::launch_belief> believed(const measure_cli& m, const measure_flag_set& flags,
                                                 const explain_cli& o, int& code) {
  auto refuse = [&](const std::string& msg) {
    std::cerr << "sevproof explain: " << msg << "\n";
    code = usage;
    return std::optional<workflows::launch_belief>{};
  };
  const auto given = flags.first_given();
  if (!o.vm.empty() && !given.empty())
    return refuse("give the believed launch as --vm FILE or as the measure flags, not both (--vm and " + given +
                  " given)");
  if (!o.vm.empty()) return belief_from_vm(o.vm, "sevproof explain", code);
  if (m.mode.empty() || m.ovmf.empty())
    return refuse("give the believed launch: --mode and --ovmf (the measure flags), or --vm FILE");
  return belief_from_flags(m, code);
}

// The reported digest: --measurement (hex or base64) or a report's MEASUREMENT.
std::optional<bytes> reported_digest(const explain_cli& o, int& code, std::optional<std::uint32_t>& host_signature) {
  auto fail = [&](const std::string& msg, int c) {
    std::cerr << "sevproof explain: " << msg << "\n";
    code = c;
    return std::optional<bytes>{};
  };
  if (!o.measurement.empty()) {
    try {
      return validate::parse_launch_digest(o.measurement, "--measurement");
    } catch (const validate::option_error& e) {
      return fail(e.what(), usage);
    }
  }
  auto f = read_file(o.report);
  if (!f.data) return fail("--report " + f.why, bad_input);
  auto r = snp::read_report(*f.data);
  if (!r) return fail(o.report + ": " + r.err().to_string(), bad_input);
  host_signature = workflows::report_cpu_signature(r->report);  // host CPU passthrough gives this one
  const auto mv = r->report.measurement();
  return bytes(mv.begin(), mv.end());
}

int run(const measure_cli& m, const measure_flag_set& flags, const explain_cli& o) {
  auto say = [](const std::string& msg, int code) {
    std::cerr << "sevproof explain: " << msg << "\n";
    return code;
  };
  if (o.report.empty() == o.measurement.empty())
    return say("give the reported digest: --report FILE or --measurement HEX (one of them)", usage);
  const auto max_vcpus = parse_uint(o.max_vcpus, 4096);
  if (!max_vcpus || *max_vcpus == 0) return say("--max-vcpus " + o.max_vcpus + ": expected 1..4096", usage);
  int code = ok;
  workflows::explain_options opt;
  const auto reported = reported_digest(o, code, opt.host_signature);
  if (!reported) return code;
  opt.max_vcpus = static_cast<unsigned>(*max_vcpus);
  std::string why;
  if (!o.candidates_dir.empty() && !read_candidates(o.candidates_dir, opt, why)) return say(why, bad_input);
  const auto b = believed(m, flags, o, code);
  if (!b) return code;
  auto r = workflows::explain(b->view(), *reported, opt);
  if (!r) return say(r.err().message, usage);
  if (o.json) {
    nlohmann::ordered_json j{{"schema_version", 1}};
    j.update(workflows::explanation_json(*r));
    std::cout << json_out(j) << "\n";
  } else {
    print_text(*r, hex::encode(*reported));
  }
  return r->explained ? ok : check_failed;
}

}  // namespace

runner add_explain(CLI::App& app) {
  auto m = std::make_shared<measure_cli>();
  auto o = std::make_shared<explain_cli>();
  m->command = "explain";
  app.footer(
      "Give the launch you believe happened (the `sevproof measure` flags) and the digest the guest reported;\n"
      "explain searches the inputs that change real digests, each alone and in pairs: guest features (every\n"
      "combination of known bits), vCPU count (1..--max-vcpus), vCPU type (one name per signature, and with\n"
      "--report of version 3 or later the report's own CPU, as host CPU passthrough gives it), VMM type,\n"
      "VMSA FPU init, the kernel command line (whitespace, trailing newline, Nova's default line), initrd\n"
      "removed, kernel hashes off, the mode (a 32-byte digest is SEV or SEV-ES), and every firmware image in\n"
      "--ovmf-candidates DIR. It prints the smallest set of changes that reproduces the reported digest.\n"
      "The believed launch is given by the measure flags or by --vm FILE (a VM definition, its pins checked).\n\n"
      "Examples:\n"
      "  sevproof explain --report report.bin --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.fd\n"
      "  sevproof explain --measurement 6d1b...e2a4 --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --ovmf OVMF.amdsev.fd "
      "\\\n"
      "                   --kernel vmlinuz --initrd initrd.img --append 'console=ttyS0' --ovmf-candidates "
      "/usr/share/ovmf\n"
      "  sevproof explain --json --measurement <hex> --mode sev --ovmf OVMF.fd\n"
      "  sevproof explain --report report.bin --vm vm.toml          # the launch a VM definition file describes\n\n"
      "Exit codes: 0 explained (or already matching), 1 not explained (what was searched is listed),\n"
      "2 usage error, 3 a file unreadable or malformed.");
  app.add_option("--report,-r", o->report,
                 "Attestation report whose MEASUREMENT to explain (raw, MSG_REPORT_RSP, Azure HCL, hex, base64)");
  app.add_option("--measurement", o->measurement,
                 "The reported digest instead: 96 hex digits (SNP) or 64 (SEV/SEV-ES), or base64");
  app.add_option("--ovmf-candidates", o->candidates_dir,
                 "Folder of other firmware images to try (unusable ones are skipped and counted)");
  app.add_option("--max-vcpus", o->max_vcpus, "Largest vCPU count tried (default 512)")->capture_default_str();
  app.add_option("--vm", o->vm,
                 "The believed launch from a VM definition file (as `sevproof vm` reads it) instead of the measure "
                 "flags");
  app.add_flag("--json", o->json, "Print JSON (schemas/explain.schema.json)");
  auto flags = std::make_shared<measure_flag_set>(
      add_launch_flags(app, m, "Believed launch (the sevproof measure flags; or --vm FILE)"));
  return [m, o, flags] { return run(*m, *flags, *o); };
}

}  // namespace sevproof::cli
