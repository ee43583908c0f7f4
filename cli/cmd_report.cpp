// sevproof report show: every field of a report, named, with its offset, from the layout table.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/snp/report.hpp"

namespace sevproof::cli {
namespace {

struct show_options {
  std::string report;
  bool json = false;
};

int run_show(const show_options& o) {
  auto file = read_file(o.report);
  if (!file.data) {
    std::cerr << "sevproof report show: " << file.why << "\n";
    return bad_input;
  }
  auto rep = snp::parse_report(*file.data);
  if (!rep) {
    std::cerr << "sevproof report show: " << o.report << ": " << rep.err().to_string() << "\n";
    return bad_input;
  }
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : snp::report_fields.fields) {
    if (!f.in(rep->version()) || f.must_be_zero()) continue;
    const bool integer = f.size <= 8 && f.type != layout::kind::bytes;
    const auto raw = subview(rep->raw(), f.offset, f.size);
    if (o.json) {
      if (integer) j[f.name] = rep->uint_of(f.name);
      else j[f.name] = hex::encode(raw);
    } else {
      char head[64];
      std::snprintf(head, sizeof head, "0x%03zx %-20s ", f.offset, std::string(f.name).c_str());
      std::cout << head;
      if (integer) {
        char v[32];
        std::snprintf(v, sizeof v, "0x%llx", static_cast<unsigned long long>(rep->uint_of(f.name)));
        std::cout << v;
      } else {
        std::cout << hex::encode(raw);
      }
      std::cout << "\n";
    }
  }
  if (o.json) std::cout << j.dump(2) << "\n";
  return ok;
}

}  // namespace

runner add_report(CLI::App& app) {
  app.require_subcommand(1);
  auto* show = app.add_subcommand("show", "Print every field of an attestation report");
  auto o = std::make_shared<show_options>();
  show->add_option("REPORT", o->report, "Attestation report file")->required();
  show->add_flag("--json", o->json, "Print as JSON");
  return [o, show]() -> int { return show->parsed() ? run_show(*o) : usage; };
}

}  // namespace sevproof::cli
