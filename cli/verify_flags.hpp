// The flags of `sevproof verify` shared by every command that appraises a report (verify, verify
// --batch, vm verify): the evidence flags, and one flag per entry of the library's option table
// (validate/option_text.hpp), so the CLI, the page and reference-value files cannot drift.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <filesystem>
#include <tuple>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/pipeline/evidence_inputs.hpp"
#include "sevproof/validate/reference_values.hpp"

namespace sevproof::cli {

struct evidence_flags {
  std::map<std::string, std::string, std::less<>> files;  // evidence slot name -> path given
  std::string certs_dir, product, now, offset;
  bool strict = false, no_builtin = false;

  void add(CLI::App& app) {
    auto* in = "Evidence";
    for (const auto& slot : pipeline::evidence_slots) {  // the library's table: --vcek, --cert-table, ...
      std::string names = "--" + std::string(slot.name);
      if (!slot.alias.empty()) names += ",--" + std::string(slot.alias);
      app.add_option(names, files[std::string(slot.name)], std::string(slot.help))->group(in);
    }
    app.add_option("--certs,-c", certs_dir,
                   "Directory of certificates (ark/ask/asvk/vcek/vlek .pem or .der, as snpguest writes them)")
        ->group(in);
    app.add_flag("--no-builtin-chain", no_builtin, "Do not use the AMD chain built into this binary")->group(in);
    app.add_option("--product", product, "milan, genoa or turin (v2 reports carry no CPUID)")->group(in);
    app.add_option("--now", now,
                   "Verification time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (or +HH:MM), or @UNIXSECONDS (default: now)")
        ->group(in);
    app.add_option("--offset", offset, "Read the report at this offset of the file")->group(in);
    app.add_flag("--strict", strict, "Non-zero reserved report bytes are an input error, not a warning")->group(in);
  }

  [[nodiscard]] const std::string& file(std::string_view slot) const {
    static const std::string none;
    const auto it = files.find(slot);
    return it == files.end() ? none : it->second;
  }

  // Reads the evidence files into `rq` and sets its options; prints the refusal and returns its exit code.
  int fill(pipeline::request& rq, const char* prog) const {
    auto fail = [&](int rc, const std::string& what) {
      std::cerr << prog << ": " << what << "\n";
      return rc;
    };
    if (!file("vcek").empty() && !file("vlek").empty()) return fail(usage, "give --vcek or --vlek, not both");
    for (const auto& [flag, text, set] :
         {std::tuple{"--now", &now, &pipeline::set_now}, std::tuple{"--product", &product, &pipeline::set_product},
          std::tuple{"--offset", &offset, &pipeline::set_offset}})
      if (!text->empty())
        if (auto problem = (*set)(rq, *text)) return fail(usage, std::string(flag) + " " + *problem);
    rq.strict = strict;
    rq.builtin_chain = !no_builtin;
    for (const auto& slot : pipeline::evidence_slots) {
      const std::string &path = file(slot.name), flag = "--" + std::string(slot.name);
      if (path.empty()) continue;
      auto f = read_file(path);
      if (!f.data) return fail(bad_input, flag + ": " + f.why);
      rq.evidence.push_back({slot.kind, {path, std::move(*f.data)}, flag});
    }
    return certs_dir.empty() ? ok : add_certs_dir(rq, prog);
  }

  // --certs DIR: the certificates snpguest writes, in name order, each in the slot its name gives.
  int add_certs_dir(pipeline::request& rq, const char* prog) const {
    std::error_code ec;
    if (!std::filesystem::is_directory(certs_dir, ec))
      return std::cerr << prog << ": --certs " << certs_dir << ": not a directory\n", static_cast<int>(usage);
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator(certs_dir, ec)) paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());
    for (const auto& path : paths) {
      const auto kind = pipeline::certs_dir_kind(path.filename().string());
      if (!kind) continue;
      auto f = read_file(path.string());
      if (!f.data) return std::cerr << prog << ": --certs: " << f.why << "\n", static_cast<int>(bad_input);
      rq.evidence.push_back({*kind, {path.string(), std::move(*f.data)}, "--certs"});
    }
    return ok;
  }
};

struct expectation_flags {
  std::string reference_values;
  std::map<std::string, std::vector<std::string>> values;  // option name -> texts given
  std::map<std::string, bool> flags;

  void add(CLI::App& app) {
    app.add_option("--reference-values,--expect-file", reference_values,
                   "Reference values file (TOML or JSON; keys are the option names below, without dashes); "
                   "flags given on the command line override its values")
        ->group("Expectations (validation)");
    for (const auto& spec : validate::option_table) {
      const std::string name(spec.name), flag = "--" + name, help(spec.help);
      const std::string group = spec.group == "evidence" ? "Evidence" : "Expectations (validation)";
      if (spec.kind == validate::value_kind::flag) {
        app.add_flag(flag, flags[name], help)->group(group);
      } else {
        const std::string names = name == "min-tcb" ? flag + ",--min-reported-tcb" : flag;
        auto* opt = app.add_option(names, values[name], help)->group(group);
        if (spec.kind != validate::value_kind::hex_list) opt->expected(1);
      }
    }
  }

  // File first, then the flags given here, each replacing the file's value for its key.
  int collect(validate::options& out, const char* prog) const {
    try {
      validate::options file;
      if (!reference_values.empty()) {
        auto f = read_file(reference_values);
        if (!f.data) {
          std::cerr << prog << ": --reference-values: " << f.why << "\n";
          return bad_input;
        }
        file = validate::read_reference_values(
            std::string_view(reinterpret_cast<const char*>(f.data->data()), f.data->size()), reference_values);
      }
      validate::options given;
      for (const auto& [name, list] : values)
        for (const auto& t : list) validate::apply_option(given, name, t);
      for (const auto& [name, set] : flags)
        if (set) validate::apply_option(given, name, "true");
      out = validate::merged(file, given);
      return ok;
    } catch (const validate::option_error& e) {
      std::cerr << prog << ": " << e.what() << "\n";
      return reference_values.empty() ? usage
                                      : (std::string(e.what()).rfind(reference_values, 0) == 0 ? bad_input : usage);
    }
  }
};

}  // namespace sevproof::cli
