// sevproof report show: every field of a report, named, with its offset and decoded meaning,
// rendered from the layout tables (text) or as JSON; and the extended-report certificate table.
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "io.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/format/report_json.hpp"
#include "sevproof/pipeline/evidence_inputs.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "sevproof/snp/describe.hpp"
#include "sevproof/snp/report_reader.hpp"

namespace sevproof::cli {
namespace {

struct show_options {
  std::string report;
  std::string cert_table;
  std::string product;
  std::string offset;
  bool json = false;
  bool strict = false;
};

std::string pad(std::string s, std::size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

void print_text(const snp::parsed_report& pr, std::ostream& os) {
  const auto& r = pr.report;
  os << "SEV-SNP attestation report, version " << r.version() << "\n";
  os << "  read as   " << snp::container_name(pr.source) << " (" << pr.encoding << ")\n";
  os << "  product   " << (pr.prod ? std::string(snp::product_name(*pr.prod)) : std::string("unknown"))
     << (pr.prod_source == snp::product_source::cpuid   ? " (from CPUID in the report)"
         : pr.prod_source == snp::product_source::given ? " (given with --product)"
                                                        : " (not in a v2 report; TCB read with the Milan/Genoa layout)")
     << "\n";
  os << "  firmware  current " << snp::firmware_version(r, "CURRENT") << ", committed "
     << snp::firmware_version(r, "COMMITTED") << "\n\n";
  os << "offset field               value\n";
  for (const auto& d : snp::describe(pr)) {
    char off[16];
    std::snprintf(off, sizeof off, "0x%03zx ", d.offset);
    os << off << pad(d.name, 21);
    const std::string indent(28, ' ');
    if (d.type == layout::kind::bytes) {
      // 32 bytes (64 hex digits) per line
      for (std::size_t i = 0; i < d.hex.size(); i += 64) os << (i ? indent : "") << d.hex.substr(i, 64) << "\n";
      if (!d.summary.empty()) os << indent << "(" << d.summary << ")\n";
    } else if (d.type == layout::kind::ecdsa_signature) {
      os << d.summary << "\n";
      for (const auto& p : d.parts) os << indent << p.name << " " << p.text << "\n";
    } else if (d.type == layout::kind::u8 || d.type == layout::kind::u16 || d.type == layout::kind::u32) {
      os << *d.number;
      if (d.name.rfind("CPUID", 0) == 0) os << " (" << hex::number(*d.number, 2) << ")";
      os << "\n";
    } else {
      os << hex::number(*d.number, static_cast<int>(d.size * 2)) << "  " << d.summary << "\n";
      if (d.type == layout::kind::guest_policy || d.type == layout::kind::platform_info ||
          d.type == layout::kind::key_info)
        for (const auto& p : d.parts) {
          if (p.kind == snp::described_part::type::flag)
            os << indent << (p.number ? "[x] " : "[ ] ") << pad(p.name, 22) << p.meaning << "\n";
          else
            os << indent << "    " << pad(p.name, 22) << p.number << (p.text.empty() ? "" : " (" + p.text + ")") << "  "
               << p.meaning << "\n";
        }
    }
  }
  os << "\nmeasurement (as sev-snp-measure prints it):\n" << hex::encode(r.measurement()) << "\n";
  for (const auto& n : pr.notes) os << "note: " << n << "\n";
  for (const auto& w : pr.warnings) os << "warning: " << w.to_string() << "\n";
}

nlohmann::ordered_json cert_table_json(const std::vector<snp::cert_table_entry>& entries) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& e : entries) {
    nlohmann::ordered_json j = {{"guid", e.id.to_string()},
                                {"role", std::string(snp::role_name(e.role))},
                                {"offset", e.offset},
                                {"length", e.length}};
    if (e.role != snp::cert_role::crl && e.role != snp::cert_role::unknown) {
      auto c = crypto::certificate::load(e.data);  // DER or PEM, as the verifier reads table entries
      if (c)
        j["subject"] = c->subject_cn(), j["issuer"] = c->issuer_cn();
      else
        j["error"] = c.err().to_string();
    }
    a.push_back(j);
  }
  return a;
}

int run_show(const show_options& o) {
  auto fail = [](const std::string& why) {
    std::cerr << "sevproof report show: " << why << "\n";
    return bad_input;
  };
  snp::read_options ro;
  {  // the same words as verify's --product and --offset (pipeline::set_product, set_offset)
    pipeline::request rq;
    for (const auto& [flag, text, set] : {std::tuple{"--product", &o.product, &pipeline::set_product},
                                          std::tuple{"--offset", &o.offset, &pipeline::set_offset}})
      if (!text->empty())
        if (auto problem = (*set)(rq, *text)) {
          std::cerr << "sevproof report show: " << flag << " " << *problem << "\n";
          return usage;
        }
    ro.given_product = rq.product;
    ro.offset = rq.offset;
  }
  ro.reserved = o.strict ? snp::mbz_policy::error : snp::mbz_policy::warn;

  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  std::optional<snp::parsed_report> pr;
  if (!o.report.empty()) {
    auto file = read_file(o.report);
    if (!file.data) return fail(file.why);
    auto parsed = snp::read_report(*file.data, ro);
    if (!parsed) return fail(o.report + ": " + parsed.err().to_string());
    pr = std::move(parsed).value();
  }
  std::optional<std::vector<snp::cert_table_entry>> table;
  if (!o.cert_table.empty()) {
    auto file = read_file(o.cert_table);
    if (!file.data) return fail(file.why);
    auto t = snp::parse_cert_table(*file.data);
    if (!t) return fail(o.cert_table + ": " + t.err().to_string());
    table = std::move(t).value();
  }

  if (o.json) {
    out["schema_version"] = 1;
    if (pr) {
      const auto fields = format::report_json(*pr);
      for (auto it = fields.begin(); it != fields.end(); ++it) out[it.key()] = it.value();
    }
    if (table) out["cert_table"] = cert_table_json(*table);
    std::cout << json_out(out) << "\n";
  } else {
    if (pr) print_text(*pr, std::cout);
    if (table) {
      std::cout << (pr ? "\n" : "") << "certificate table (" << table->size() << " entries)\n";
      for (const auto& e : cert_table_json(*table)) {
        std::cout << "  " << pad(e["role"].get<std::string>(), 8) << e["guid"].get<std::string>() << "  offset "
                  << e["offset"].get<std::uint32_t>() << ", " << e["length"].get<std::uint32_t>() << " bytes";
        if (e.contains("subject"))
          std::cout << "  " << e["subject"].get<std::string>() << " issued by " << e["issuer"].get<std::string>();
        if (e.contains("error")) std::cout << "  (" << e["error"].get<std::string>() << ")";
        std::cout << "\n";
      }
    }
  }
  return ok;
}

}  // namespace

runner add_report(CLI::App& app) {
  app.require_subcommand(1);
  auto* show = app.add_subcommand("show", "Print every field of an attestation report, named and decoded");
  show->footer(
      "Accepted report forms (detected): the raw 1184-byte ATTESTATION_REPORT, the Linux MSG_REPORT_RSP\n"
      "(32-byte header), an Azure HCL report, or any of these as hex or base64 text, or base64 inside PEM armour\n"
      "(-----BEGIN REPORT-----). In an Azure HCL report, verify also checks the runtime data against REPORT_DATA "
      "(V019).\n\n"
      "Examples:\n"
      "  sevproof report show report.bin\n"
      "  sevproof report show --json report.bin | jq -r .measurement\n"
      "  sevproof report show --product turin report-v2.bin        # v2 reports carry no CPUID\n"
      "  sevproof report show --offset 0x20 container.bin          # cut the report out of another wrapper\n"
      "  sevproof report show --cert-table certs.bin report.bin     # plus the extended-report certificates\n"
      "  sevproof report show --strict report.bin                  # non-zero reserved bytes are errors\n\n"
      "Exit codes: 0 shown, 2 usage error, 3 input unreadable or malformed (the message names field and offset).");
  auto o = std::make_shared<show_options>();
  show->add_option("REPORT", o->report, "Attestation report file (e.g. report.bin)");
  show->add_option("--cert-table", o->cert_table,
                   "Extended-report certificate table (GHCB / configfs-tsm auxblob, e.g. certs.bin): list its entries");
  show->add_option("--product", o->product,
                   "milan, genoa or turin: decides the TCB layout of v2 reports (e.g. --product turin)");
  show->add_option("--offset", o->offset,
                   "Take the 1184-byte report at this byte offset of the file (e.g. --offset 0x20)");
  show->add_flag("--json", o->json, "Print JSON (schema: schemas/report.schema.json), e.g. for jq");
  show->add_flag("--strict", o->strict,
                 "Treat non-zero reserved (must-be-zero) bytes and bits as errors instead of warnings");
  return [o, show]() -> int {
    if (!show->parsed()) return usage;
    if (o->report.empty() && o->cert_table.empty()) {
      std::cerr << "sevproof report show: give a REPORT file, --cert-table FILE, or both (see --help)\n";
      return usage;
    }
    return run_show(*o);
  };
}

}  // namespace sevproof::cli
