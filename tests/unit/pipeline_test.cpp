// The library's two entry points: pipeline::appraise (reports) and pipeline::measure_launch (launch
// digests), on the real data, each with its failing twin.
#include <catch2/catch_test_macros.hpp>

#include <functional>

#include "sevproof/core/base64.hpp"
#include "sevproof/pipeline/appraise.hpp"
#include "sevproof/pipeline/evidence_inputs.hpp"
#include "sevproof/pipeline/measure_launch.hpp"
#include "sevproof/snp/cert_table.hpp"
#include "support/testdata.hpp"

using namespace sevproof;

namespace {
pipeline::request turin() {
  pipeline::request rq;
  rq.report = {"report.bin", testdata::read("reports/oak-turin-v5/report.bin")};
  rq.evidence.push_back(
      {pipeline::evidence_kind::vcek, {"vcek.der", testdata::read("reports/oak-turin-v5/vcek.der")}, "vcek"});
  return rq;
}
}  // namespace

TEST_CASE("appraise: a real Turin report verifies with the built-in chain; a flipped byte does not", "[pipeline]") {
  REQUIRE_TESTDATA();
  const auto good = pipeline::appraise(turin());
  CHECK(good.result == pipeline::outcome::verified);
  CHECK(pipeline::exit_code(good) == 0);
  CHECK(good.product == snp::product::turin);
  CHECK(good.signer_name == "VCEK");
  auto rq = turin();
  rq.report.data[0x90] ^= 1;
  const auto bad = pipeline::appraise(rq);
  CHECK(bad.result == pipeline::outcome::not_verified);
  CHECK(bad.checks.find("V016")->result == status::fail);
  CHECK(pipeline::exit_code(bad) == 1);
}

TEST_CASE("appraise: without the built-in chain nothing is trusted; a cache changes no verdict", "[pipeline]") {
  REQUIRE_TESTDATA();
  auto rq = turin();
  rq.builtin_chain = false;
  CHECK(pipeline::appraise(rq).checks.find("V001")->result == status::fail);
  verify::link_cache cache;
  auto same = turin();
  same.now = utc::now();  // one verification time for both: the JSON carries it (a slow run crossed a second)
  const auto first = pipeline::appraise(same, &cache);
  const auto second = pipeline::appraise(same, &cache);
  CHECK(cache.hits() >= 3);
  CHECK(pipeline::appraisal_json(first, "r") == pipeline::appraisal_json(second, "r"));
  auto tampered = turin();
  tampered.report.data[0x90] ^= 1;
  CHECK_FALSE(pipeline::appraise(tampered, &cache).checks.genuine());  // the cache holds links, never reports
}

TEST_CASE("appraise: reference values decide the P checks; unreadable input is an input error", "[pipeline]") {
  REQUIRE_TESTDATA();
  auto rq = turin();
  validate::apply_option(rq.expect, "measurement", std::string(96, '0'));
  const auto a = pipeline::appraise(rq);
  CHECK(a.result == pipeline::outcome::policy_failed);
  CHECK(a.checks.find("P018")->result == status::fail);
  auto junk = turin();
  junk.report.data.resize(100);
  const auto e = pipeline::appraise(junk);
  CHECK(e.result == pipeline::outcome::input_error);
  CHECK(pipeline::exit_code(e) == 3);
  CHECK(pipeline::appraisal_text(e, "junk").find("size") != std::string::npos);
}

TEST_CASE("measure_launch: the reference tool's vector m02; a changed input changes the digest",
          "[pipeline][measure]") {
  REQUIRE_TESTDATA();
  measure::request rq;
  rq.mode = "snp";
  rq.vcpus = 4;
  rq.vcpu_type = "EPYC-Milan";
  rq.guest_features = "0x1";
  pipeline::launch_files files;
  files.ovmf = testdata::read("ovmf/OVMF_CODE.fd");
  const auto m = pipeline::measure_launch(rq, files);
  REQUIRE(m.failure == pipeline::measure_failure::none);
  CHECK(hex::encode(m.digest) ==
        "cc2b38913550ecd41aadbcf2a5d309ae9d3cb0455c9e1f72892f6b18cfaea3f2e4f46a28b61ca0353724ee707c73177c");
  rq.vcpus = 3;
  CHECK(hex::encode(pipeline::measure_launch(rq, files).digest) != hex::encode(m.digest));
  rq.vcpu_type = "EPYC-Nope";
  CHECK(pipeline::measure_launch(rq, files).failure == pipeline::measure_failure::usage);
  rq.vcpu_type = "EPYC-Milan";
  files.ovmf.resize(1000);
  CHECK(pipeline::measure_launch(rq, files).failure == pipeline::measure_failure::input);
}

TEST_CASE("measure_launch: snp:svsm takes the SVSM image and VARS size through the same entry point",
          "[pipeline][measure]") {
  REQUIRE_TESTDATA();
  measure::request rq;
  rq.mode = "snp:svsm";
  rq.vcpus = 2;
  rq.vcpu_type = "EPYC-v4";
  rq.svsm = true;
  rq.vars = true;
  pipeline::launch_files files;
  files.ovmf = testdata::read("ovmf/OVMF_CODE.fd");
  files.vars_size = 540672;
  // Asked for an SVSM launch without the image: the request and the files disagree.
  CHECK(pipeline::measure_launch(rq, files).failure == pipeline::measure_failure::usage);
  // An image that cannot be read as one (not whole pages): an input error naming it.
  files.svsm = bytes(1000, 0);
  files.svsm_name = "coconut-svsm.bin";
  const auto junk = pipeline::measure_launch(rq, files);
  REQUIRE(junk.failure == pipeline::measure_failure::input);
  CHECK(junk.why->to_string().find("coconut-svsm.bin") != std::string::npos);
  // One that reads but carries no SVSM metadata: no launch could measure it, refused.
  files.svsm = bytes(4096, 0);
  CHECK(pipeline::measure_launch(rq, files).failure == pipeline::measure_failure::refused);
  // An SVSM image passed to a launch that has none is refused the same way.
  rq.mode = "snp";
  rq.svsm = rq.vars = false;
  CHECK(pipeline::measure_launch(rq, files).failure == pipeline::measure_failure::usage);
}

TEST_CASE("evidence inputs: one table of slots and one reader per text, for the CLI, batch lines and the page",
          "[pipeline]") {
  CHECK(pipeline::evidence_slot_of("cert-table")->kind == pipeline::evidence_kind::cert_table);
  CHECK(pipeline::evidence_slot_of("cert_table") == pipeline::evidence_slot_of("cert-table"));
  CHECK(pipeline::evidence_slot_of("asvk") == pipeline::evidence_slot_of("ask"));
  CHECK(pipeline::evidence_slot_of("measurement") == nullptr);
  CHECK(pipeline::is_request_key("now"));
  CHECK_FALSE(pipeline::is_request_key("min-tcb"));
  pipeline::request rq;
  CHECK_FALSE(pipeline::set_now(rq, "2026-01-02T03:04:05Z"));
  CHECK(rq.now == 1767323045);
  CHECK(pipeline::set_now(rq, "2026-13-01").value().find("2026-13-01") == 0);
  CHECK_FALSE(pipeline::set_product(rq, "genoa"));
  CHECK(pipeline::set_product(rq, "naples").value() == "naples: use milan, genoa or turin");
  CHECK_FALSE(pipeline::set_offset(rq, "0x20"));
  CHECK(rq.offset == 0x20);
  CHECK(pipeline::set_offset(rq, "020"));  // a leading-zero decimal is refused, as everywhere
  // Past any file read, refused before it becomes a size_t (32 bits in the page: 0x100000000 would be 0).
  CHECK(pipeline::set_offset(rq, "0x100000000").value() ==
        "0x100000000: past the end of any report file (at most 64 MiB are read)");
  CHECK(pipeline::set_offset(rq, "0xffffffffffffffff"));
  CHECK(rq.offset == 0x20);                            // unchanged by a refusal
  CHECK_FALSE(pipeline::set_offset(rq, "0x3ffffff"));  // twin: inside the bound
  CHECK(pipeline::certs_dir_kind("vcek.pem") == pipeline::evidence_kind::vcek);
  CHECK(pipeline::certs_dir_kind("ark.der") == pipeline::evidence_kind::chain);
  CHECK_FALSE(pipeline::certs_dir_kind("README"));
  CHECK_FALSE(pipeline::certs_dir_kind("vcek.txt"));
}

TEST_CASE("built-in chain: parsed per product when first needed; all of it is the three products' certificates",
          "[pipeline]") {
  std::size_t total = 0;
  for (const auto p : pipeline::builtin_products) {
    const auto& certs = pipeline::builtin_chain_of(p);
    CHECK(certs.size() == 3);  // ARK, ASK, ASVK
    for (const auto& c : certs) CHECK(c.subject_cn().find(std::string(snp::product_name(p))) != std::string::npos);
    CHECK(&pipeline::builtin_chain_of(p) == &certs);  // parsed once
    total += certs.size();
  }
  CHECK(pipeline::builtin_chain().size() == total);
}

TEST_CASE("link cache: a certificate file seen before is parsed once; what cannot be parsed is refused each time",
          "[pipeline]") {
  REQUIRE_TESTDATA();
  verify::link_cache cache;
  const auto vcek = testdata::read("reports/oak-genoa-v5/vcek.der");
  const auto a = cache.parsed(vcek), b = cache.parsed(vcek);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(&a->der() == &b->der());  // the same parsed certificate
  auto changed = vcek;
  changed[changed.size() / 2] ^= 1;  // other bytes: parsed on their own, never the cached one
  const auto c = cache.parsed(changed);
  CHECK((!c.ok() || c->fingerprint() != a->fingerprint()));
  CHECK_FALSE(cache.parsed(bytes{0x30, 0x03, 1, 2, 3}).ok());
  CHECK_FALSE(cache.parsed(bytes{0x30, 0x03, 1, 2, 3}).ok());
}

TEST_CASE("a certificate table without a VCEK/VLEK entry says so, naming the GUIDs it did not know", "[pipeline]") {
  REQUIRE_TESTDATA();
  const std::string dir = "reports/constellation-aws-milan-v2-vlek-certtable/";
  pipeline::request rq;
  rq.report = {"report.bin", testdata::read(dir + "report.bin")};
  rq.now = utc::parse("2023-10-01T00:00:00Z").value();
  auto table = testdata::read(dir + "certs.bin");
  rq.evidence.push_back({pipeline::evidence_kind::cert_table, {"certs.bin", table}, "cert-table"});
  const auto good = pipeline::appraise(rq);
  REQUIRE(good.checks.find("V016")->result == status::pass);  // the real table carries the VLEK
  // the same table with every GUID written in the other (little-endian) byte order: nothing is AMD's
  for (std::size_t at = 0; at + 24 <= table.size() && !all_zero(subview(table, at, 24)); at += 24) {
    std::reverse(table.begin() + static_cast<std::ptrdiff_t>(at), table.begin() + static_cast<std::ptrdiff_t>(at + 4));
    std::reverse(table.begin() + static_cast<std::ptrdiff_t>(at + 4),
                 table.begin() + static_cast<std::ptrdiff_t>(at + 6));
    std::reverse(table.begin() + static_cast<std::ptrdiff_t>(at + 6),
                 table.begin() + static_cast<std::ptrdiff_t>(at + 8));
  }
  rq.evidence.back().file.data = table;
  const auto bad = pipeline::appraise(rq);
  const auto* v016 = bad.checks.find("V016");
  CHECK(v016->result == status::skipped);
  CHECK(v016->sentence.find("certs.bin has no VCEK or VLEK entry") != std::string::npos);
  CHECK(v016->sentence.find("GUIDs not AMD's: c24b07a8-5aa2-3e48-aae6-39c045a0b8a1") != std::string::npos);
  CHECK(bad.result == pipeline::outcome::not_verified);
}

// A certificate table whose entries are PEM text, as Veraison's TSM evidence carries it: the entries are read like
// any certificate file. `entry_text` turns one entry's DER into what the table holds.
static bytes table_with_entries(const std::vector<snp::cert_table_entry>& entries,
                                const std::function<std::string(const bytes&)>& entry_text) {
  bytes head, body;
  const std::size_t header = (entries.size() + 1) * snp::cert_table_entry_size;
  for (const auto& e : entries) {
    const std::string text = entry_text(e.data);
    bytes row(snp::cert_table_entry_size, 0);
    const auto& raw = e.id.b;  // the table writes GUIDs as read (snp::parse_cert_table)
    std::copy(raw.begin(), raw.end(), row.begin());
    store_le<std::uint32_t>(row, 16, static_cast<std::uint32_t>(header + body.size()));
    store_le<std::uint32_t>(row, 20, static_cast<std::uint32_t>(text.size()));
    head.insert(head.end(), row.begin(), row.end());
    body.insert(body.end(), text.begin(), text.end());
  }
  head.resize(header, 0);
  head.insert(head.end(), body.begin(), body.end());
  return head;
}

TEST_CASE("a certificate table with PEM entries verifies like its DER twin; a broken PEM entry is named",
          "[pipeline]") {
  REQUIRE_TESTDATA();
  const std::string dir = "reports/constellation-aws-milan-v2-vlek-certtable/";
  const auto entries = snp::parse_cert_table(testdata::read(dir + "certs.bin"));
  REQUIRE(entries.ok());
  const auto pem = [](const bytes& der) {
    std::string b64 = base64::encode(der), out = "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t at = 0; at < b64.size(); at += 64) out += b64.substr(at, 64) + "\n";
    return out + "-----END CERTIFICATE-----\n";
  };
  auto appraise = [&](const bytes& table) {
    pipeline::request rq;
    rq.report = {"report.bin", testdata::read(dir + "report.bin")};
    rq.now = utc::parse("2023-10-01T00:00:00Z").value();
    rq.evidence.push_back({pipeline::evidence_kind::cert_table, {"auxblob.bin", table}, "cert-table"});
    return pipeline::appraise(rq);
  };
  const auto good = appraise(table_with_entries(*entries, pem));
  REQUIRE_FALSE(good.input_error.has_value());
  CHECK(good.checks.find("V016")->result == status::pass);
  // twin: one base64 character of the VLEK entry's PEM changed into one that is not base64
  const auto broken = appraise(table_with_entries(*entries, [&](const bytes& der) {
    std::string text = pem(der);
    text[40] = '*';
    return text;
  }));
  REQUIRE(broken.input_error.has_value());
  CHECK(broken.result == pipeline::outcome::input_error);
  CHECK(broken.input_error->to_string().find("auxblob.bin VLEK entry") != std::string::npos);
}

TEST_CASE("a VLEK listed under the VCEK GUID verifies as the VLEK it is, and V012 says where it was listed",
          "[pipeline]") {
  REQUIRE_TESTDATA();
  const std::string dir = "reports/constellation-aws-milan-v2-vlek-certtable/";
  auto entries = snp::parse_cert_table(testdata::read(dir + "certs.bin"));
  REQUIRE(entries.ok());
  const auto v012_of = [&](const std::vector<snp::cert_table_entry>& es) {
    pipeline::request rq;
    rq.report = {"report.bin", testdata::read(dir + "report.bin")};
    rq.now = utc::parse("2023-10-01T00:00:00Z").value();
    rq.evidence.push_back(
        {pipeline::evidence_kind::cert_table,
         {"certs.bin", table_with_entries(es, [](const bytes& d) { return std::string(d.begin(), d.end()); })},
         "cert-table"});
    const auto r = pipeline::appraise(rq);
    REQUIRE_FALSE(r.input_error.has_value());
    return *r.checks.find("V012");
  };
  const auto as_given = v012_of(*entries);
  CHECK(as_given.result == status::pass);
  CHECK(as_given.sentence.find("GUID") == std::string::npos);  // twin: listed where it belongs, nothing to say
  for (auto& e : *entries)
    if (e.role == snp::cert_role::vlek) e.id = snp::guid_vcek;
  const auto mislabeled = v012_of(*entries);
  CHECK(mislabeled.result == status::pass);
  CHECK(mislabeled.sentence.find("(certs.bin lists a VLEK (SEV-VLEK) under the VCEK GUID; the certificate's own kind "
                                 "counts)") != std::string::npos);
}

TEST_CASE("a configfs-tsm report as JSON (outblob, auxblob) verifies with its own certificate table", "[pipeline]") {
  REQUIRE_TESTDATA();
  const std::string dir = "reports/constellation-aws-milan-v2-vlek-certtable/";
  const auto report = testdata::read(dir + "report.bin"), table = testdata::read(dir + "certs.bin");
  const auto url = [](bytes_view b) {  // Veraison writes the blobs URL-safe
    std::string t = base64::encode(b);
    for (auto& c : t) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!t.empty() && t.back() == '=') t.pop_back();
    return t;
  };
  const auto tsm = [&](bytes_view r, const std::string& extra) {
    const std::string text = "{\"auxblob\": \"" + url(table) + "\", \"outblob\": \"" + url(r) + "\"" + extra + "}";
    return bytes(text.begin(), text.end());
  };
  const auto appraise = [&](const bytes& doc) {
    pipeline::request rq;
    rq.report = {"tsm.json", doc};
    rq.now = utc::parse("2023-10-01T00:00:00Z").value();
    return pipeline::appraise(rq);
  };
  const auto good = appraise(tsm(report, ", \"provider\": \"sev_guest\\n\""));
  REQUIRE_FALSE(good.input_error.has_value());
  CHECK(good.checks.genuine());
  CHECK(good.checks.find("V016")->result == status::pass);
  // twin: one MEASUREMENT byte changed inside the outblob
  auto tampered = report;
  tampered[0x90] ^= 1;
  const auto bad = appraise(tsm(tampered, ""));
  REQUIRE_FALSE(bad.input_error.has_value());
  CHECK(bad.checks.find("V016")->result == status::fail);
  CHECK_FALSE(bad.checks.genuine());
  // a TDX guest's report, and JSON that is no report, are refused in words
  const auto tdx = appraise(tsm(report, ", \"provider\": \"tdx_guest\""));
  REQUIRE(tdx.input_error.has_value());
  CHECK(tdx.input_error->to_string() ==
        "configfs-tsm report: provider is 'tdx_guest': an SEV-SNP guest's is sev_guest (tdx_guest is Intel TDX)");
  const std::string other = "{\"report\": \"AAAA\"}";
  const auto not_tsm = appraise(bytes(other.begin(), other.end()));
  REQUIRE(not_tsm.input_error.has_value());
  CHECK(not_tsm.input_error->to_string().find("a JSON document without \"outblob\"") != std::string::npos);
}

TEST_CASE("appraise: an Azure HCL report's runtime data must be what REPORT_DATA vouches for (V019)",
          "[pipeline][hcl]") {
  REQUIRE_TESTDATA();
  const auto dir = std::string("reports/trustee-azure-milan-v2-hcl/");
  auto hcl = [&](const std::function<void(bytes&)>& edit) {
    pipeline::request rq;
    rq.report = {"hcl-report.bin", testdata::read(dir + "hcl-report.bin")};
    if (edit) edit(rq.report.data);
    rq.evidence.push_back({pipeline::evidence_kind::vcek, {"vcek.der", testdata::read(dir + "vcek.der")}, "vcek"});
    return pipeline::appraise(rq);
  };
  const auto good = hcl({});
  REQUIRE(good.checks.find("V019") != nullptr);
  CHECK(good.checks.find("V019")->result == status::pass);
  CHECK(good.checks.find("V019")->sentence.find("SHA-256 of the 1110 bytes") != std::string::npos);
  CHECK(good.result == pipeline::outcome::verified);
  // the runtime data lies outside the signed report: one changed byte there leaves V016 passing, V019 does not
  const auto flipped = hcl([](bytes& b) { b[0x4D4 + 100] ^= 1; });
  CHECK(flipped.checks.find("V016")->result == status::pass);
  CHECK(flipped.checks.find("V019")->result == status::fail);
  CHECK(flipped.checks.find("V019")->sentence.find("not the data the report vouches for") != std::string::npos);
  CHECK(flipped.result == pipeline::outcome::not_verified);
  // an unknown hash type, and a size running past the file, cannot bind anything
  const auto type9 = hcl([](bytes& b) { store_le<std::uint32_t>(b, 0x4CC, 9); });
  CHECK(type9.checks.find("V019")->result == status::fail);
  CHECK(type9.checks.find("V019")->sentence.find("0x4CC is 9") != std::string::npos);
  const auto oversize = hcl([](bytes& b) { store_le<std::uint32_t>(b, 0x4D0, static_cast<std::uint32_t>(b.size())); });
  CHECK(oversize.checks.find("V019")->result == status::fail);
  CHECK(oversize.checks.find("V019")->sentence.find("VARIABLE_DATA_SIZE") != std::string::npos);
  // a file cut after the hardware report shows no runtime data: a warning, the report itself still verifies
  const auto cut = hcl([](bytes& b) { b.resize(0x20 + 1184); });
  CHECK(cut.checks.find("V019")->result == status::warn);
  CHECK(cut.checks.genuine());
  // the bare report has no runtime data: no V019 at all
  pipeline::request raw;
  raw.report = {"report.bin", testdata::read(dir + "report.bin")};
  raw.evidence.push_back({pipeline::evidence_kind::vcek, {"vcek.der", testdata::read(dir + "vcek.der")}, "vcek"});
  CHECK(pipeline::appraise(raw).checks.find("V019") == nullptr);
}

TEST_CASE("appraise: a given product that contradicts the CPUID is judged with that product's built-in chain",
          "[pipeline]") {
  REQUIRE_TESTDATA();
  auto rq = turin();
  rq.product = snp::product::genoa;
  const auto a = pipeline::appraise(rq);
  CHECK(a.result == pipeline::outcome::not_verified);
  CHECK(a.checks.find("V013")->result == status::fail);
  CHECK(a.checks.find("V013")->sentence.find("given product Genoa, report CPUID Turin") != std::string::npos);
  // Genoa's built-in ARK is at hand (not "missing among the inputs"); the Turin VCEK is not signed by Genoa's ASK
  CHECK(a.checks.find("V001")->result == status::pass);
  CHECK(a.checks.find("V005")->result == status::fail);
  CHECK(pipeline::appraise(turin()).result == pipeline::outcome::verified);  // twin: no product given
}
