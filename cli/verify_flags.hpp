// The flags of `sevproof verify` shared by every command that appraises a report (verify, verify
// --batch, vm verify): the evidence flags, and one flag per entry of the library's option table
// (validate/option_text.hpp), so the CLI, the page and reference-value files cannot drift.
#pragma once

#include <CLI/CLI.hpp>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "io.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/validate/reference_values.hpp"

namespace sevproof::cli {

struct evidence_flags {
  std::string vcek, vlek, cert_table, certs_dir, ark, ask, chain, crl, product, now, offset;
  bool strict = false, no_builtin = false;

  void add(CLI::App& app) {
    auto* in = "Evidence";
    app.add_option("--vcek", vcek, "VCEK certificate (DER or PEM)")->group(in);
    app.add_option("--vlek", vlek, "VLEK certificate (DER or PEM)")->group(in);
    app.add_option("--cert-table", cert_table, "Extended-report certificate table (VCEK/VLEK and possibly ASK/ARK/CRL)")
        ->group(in);
    app.add_option("--certs,-c", certs_dir,
                   "Directory of certificates (ark/ask/asvk/vcek/vlek .pem or .der, as snpguest writes them)")
        ->group(in);
    app.add_option("--ark", ark, "ARK certificate")->group(in);
    app.add_option("--ask,--asvk", ask, "ASK or ASVK certificate")->group(in);
    app.add_option("--chain", chain,
                   "PEM bundle of certificates (KDS cert_chain ASK+ARK, or VCEK+ASK+ARK: the VCEK is taken from it)")
        ->group(in);
    app.add_option(
           "--crl", crl,
           "AMD CRL (DER or PEM): /vcek/v1/{product}/crl for VCEK chains, /vlek/v1/{product}/crl for VLEK chains")
        ->group(in);
    app.add_flag("--no-builtin-chain", no_builtin, "Do not use the AMD chain built into this binary")->group(in);
    app.add_option("--product", product, "milan, genoa or turin (v2 reports carry no CPUID)")->group(in);
    app.add_option("--now", now,
                   "Verification time: YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (or +HH:MM), or @UNIXSECONDS (default: now)")
        ->group(in);
    app.add_option("--offset", offset, "Read the report at this offset of the file")->group(in);
    app.add_flag("--strict", strict, "Non-zero reserved report bytes are an input error, not a warning")->group(in);
  }

  // Reads the evidence files into `rq` and sets its options; prints the refusal and returns its exit code.
  int fill(pipeline::request& rq, const char* prog) const {
    auto fail = [&](int rc, const std::string& what) {
      std::cerr << prog << ": " << what << "\n";
      return rc;
    };
    if (!vcek.empty() && !vlek.empty()) return fail(usage, "give --vcek or --vlek, not both");
    if (!now.empty()) {
      auto t = utc::parse_explained(now);
      if (!t.seconds) return fail(usage, "--now " + now + ": " + t.problem);
      rq.now = t.seconds;
    }
    if (!product.empty()) {
      rq.product = snp::product_from_name(product);
      if (!rq.product) return fail(usage, "--product " + product + ": use milan, genoa or turin");
    }
    if (!offset.empty()) {
      auto v = parse_uint(offset);
      if (!v) return fail(usage, "--offset: " + number_syntax_problem(offset));
      rq.offset = static_cast<std::size_t>(*v);
    }
    rq.strict = strict;
    rq.builtin_chain = !no_builtin;
    using k = pipeline::evidence_kind;
    const std::tuple<const std::string*, k, const char*> files[] = {
        {&vcek, k::vcek, "--vcek"},    {&vlek, k::vlek, "--vlek"}, {&cert_table, k::cert_table, "--cert-table"},
        {&chain, k::chain, "--chain"}, {&ark, k::chain, "--ark"},  {&ask, k::chain, "--ask"},
        {&crl, k::crl, "--crl"}};
    for (const auto& [path, kind, flag] : files) {
      if (path->empty()) continue;
      auto f = read_file(*path);
      if (!f.data) return fail(bad_input, std::string(flag) + ": " + f.why);
      rq.evidence.push_back({kind, {*path, std::move(*f.data)}, flag});
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
