// sevproof: prove offline that an AMD SEV / SEV-SNP guest is genuine and runs what you meant.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/crypto/botan.hpp"
#include "sevproof/version.hpp"

namespace {

// One rule for every option of every command: an empty value is refused (an unset shell variable
// must never turn a check off), and an integer option takes decimal, 0x, 0b or 0o (never a bare leading zero).
// Options that may legitimately be empty say so by name here.
void harden(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (opt->get_type_size() == 0) continue;  // flags
    // A kernel command line may be explicitly empty: sev-snp-measure (--append) and virt-qemu-sev-validate
    // (--cmdline) measure it as a lone NUL, as QEMU passes it.
    if (opt->get_name() == "--append" || opt->get_name() == "--cmdline") continue;
    const std::string type = opt->get_type_name();
    const bool integer = type == "INT" || type == "UINT" || type == "NUMBER";
    // CLI11 reads neither 0b nor 0o, and saturates a signed value past 2^63 - 1 (0x8000000000000000 became
    // 9223372036854775807): the value is read here by the one number parser and handed on in decimal.
    const std::uint64_t max = type == "UINT" ? std::numeric_limits<std::uint64_t>::max()
                                             : static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    opt->transform(CLI::Validator(
        [integer, max](std::string& v) -> std::string {
          if (v.empty()) return "empty value (leave the option out instead)";
          if (!integer) return {};
          if (auto problem = sevproof::number_problem(v, max); !problem.empty()) return problem;
          v = std::to_string(*sevproof::parse_uint(v));
          return {};
        },
        "", "non-empty"));
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) harden(*sub);
}

// "--name=" is "--name" with an empty value. CLI11 would instead take the next argument as the value
// (`--host-data= --vcek v.der` read "--vcek" as HOST_DATA), so the empty value is made explicit here and
// harden() refuses it by the one rule (or, for a command line, measures it).
std::vector<std::string> explicit_empty_values(int argc, char** argv) {
  std::vector<std::string> out(argv, argv + argc);
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i] == "--") break;
    if (out[i].size() > 3 && out[i].rfind("--", 0) == 0 && out[i].back() == '=' &&
        out[i].find('=') == out[i].size() - 1) {
      out[i].pop_back();
      out.insert(out.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::string());
      ++i;
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sevproof " + std::string(sevproof::version_string) +
               " — offline verification of AMD SEV-SNP attestation reports and launch measurements.\n"
               "Nothing is fetched from the network: pass the certificates, or use the AMD roots built in.\n\n"
               "Exit codes: 0 all checks passed, 1 a check failed, 2 usage error, 3 input unreadable or malformed."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("sevproof ") + sevproof::version_string + " (" +
                                        sevproof::crypto::backend_version() + ")");
  app.get_formatter()->column_width(34);

  std::vector<std::pair<CLI::App*, sevproof::cli::runner>> commands;
  auto* verify =
      app.add_subcommand("verify", "Is the report genuinely signed by AMD hardware, and is it what you expect?");
  commands.emplace_back(verify, sevproof::cli::add_verify(*verify));
  auto* report = app.add_subcommand("report", "Read attestation reports: every field named and decoded");
  commands.emplace_back(report, sevproof::cli::add_report(*report));
  auto* kds =
      app.add_subcommand("kds-urls", "Print the AMD KDS URLs (VCEK, chain, CRL) to fetch for a report elsewhere");
  commands.emplace_back(kds, sevproof::cli::add_kds_urls(*kds));
  auto* measure =
      app.add_subcommand("measure", "Compute the expected launch digest (sev-snp-measure's flags and output)");
  commands.emplace_back(measure, sevproof::cli::add_measure(*measure));
  auto* explain = app.add_subcommand("explain", "Which launch input explains a measurement that does not match?");
  commands.emplace_back(explain, sevproof::cli::add_explain(*explain));
  auto* idb = app.add_subcommand("id-block", "Create (or check) the ID block and ID auth for SNP_LAUNCH_FINISH");
  commands.emplace_back(idb, sevproof::cli::add_id_block(*idb));
  auto* kd =
      app.add_subcommand("key-digest", "SHA-384 of a P-384 key's AMD public-key structure (ID/author key digest)");
  commands.emplace_back(kd, sevproof::cli::add_key_digest(*kd));
  auto* sev = app.add_subcommand("sev", "Legacy SEV / SEV-ES guest owner: validate, verify-chain, secret");
  commands.emplace_back(sev, sevproof::cli::add_sev(*sev));
  auto* ostack = app.add_subcommand("openstack", "OpenStack: would Nova boot this flavor + image encrypted, and how?");
  commands.emplace_back(ostack, sevproof::cli::add_openstack(*ostack));
  auto* vm = app.add_subcommand("vm", "One VM definition file: init, measure, id-block, launch-args, verify");
  commands.emplace_back(vm, sevproof::cli::add_vm(*vm));

  harden(app);
  try {
    auto args = explicit_empty_values(argc, argv);
    std::vector<char*> ptrs;
    for (auto& a : args) ptrs.push_back(a.data());
    app.parse(static_cast<int>(ptrs.size()), ptrs.data());
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : sevproof::cli::usage;
  }
  for (auto& [cmd, run] : commands)
    if (cmd->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::cerr << "sevproof: internal error: " << e.what() << "\n";
        return sevproof::cli::bad_input;
      }
    }
  return sevproof::cli::usage;
}
