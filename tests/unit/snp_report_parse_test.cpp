// Parsing real and hostile report bytes.
#include <catch2/catch_test_macros.hpp>

#include "sevproof/core/hex.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/snp/signature.hpp"
#include "support/testdata.hpp"

using namespace sevproof;

TEST_CASE("real Milan v2 report: fields read through the layout table", "[snp][real]") {
  REQUIRE_TESTDATA();
  auto rep = snp::parse_report(testdata::read("reports/automata-milan-v2/report.bin"));
  REQUIRE(rep.ok());
  CHECK(rep->version() == 2);
  CHECK(rep->signature_algo() == 1);
  CHECK(rep->measurement().size() == 48);
  CHECK(rep->signed_bytes().size() == 0x2A0);
}

TEST_CASE("hostile report bytes are refused with field and offset", "[snp][hostile]") {
  REQUIRE_TESTDATA();
  const auto good = testdata::read("reports/automata-milan-v2/report.bin");

  SECTION("truncated") {
    auto r = snp::parse_report(bytes_view(good).first(1183));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().to_string().find("1183 bytes") != std::string::npos);
  }
  SECTION("one byte too long (LIT's 1185-byte file)") {
    auto r = snp::parse_report(testdata::read("reports/lit-milan-v2-novcek/guest_report_bad_sig-1185.bin"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().to_string().find("1185") != std::string::npos);
  }
  SECTION("empty") { CHECK_FALSE(snp::parse_report({}).ok()); }
  for (std::uint32_t v : {0u, 1u, 6u, 0xFFFFFFFFu}) {
    DYNAMIC_SECTION("unsupported version " << v) {
      auto b = good;
      store_le<std::uint32_t>(b, 0, v);
      auto r = snp::parse_report(b);
      REQUIRE_FALSE(r.ok());
      CHECK(r.err().field == "VERSION");
      CHECK(r.err().offset == 0u);
      CHECK(r.err().to_string().find("supported: 2, 3, 4, 5") != std::string::npos);
    }
  }
  SECTION("unknown signature algorithm") {
    auto b = good;
    store_le<std::uint32_t>(b, 0x34, 2);
    auto r = snp::parse_report(b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().field == "SIGNATURE_ALGO");
    CHECK(r.err().offset == 0x34u);
  }
  SECTION("signature component wider than P-384") {
    auto b = good;
    b[0x2A0 + 60] = 1;
    auto r = snp::parse_report(b);
    REQUIRE(r.ok());
    auto s = snp::read_signature(*r);
    REQUIRE_FALSE(s.ok());
    CHECK(s.err().field == "SIGNATURE.R");
  }
  SECTION("zero signature (unsigned report)") {
    auto b = good;
    for (std::size_t i = 0x2A0; i < 0x4A0; ++i) b[i] = 0;
    auto r = snp::parse_report(b);
    REQUIRE(r.ok());
    CHECK_FALSE(snp::read_signature(*r).ok());
  }
}

TEST_CASE("Azure HCL reports: base64url text is read; a TDX guest's HCL report is named as such", "[snp][real]") {
  REQUIRE_TESTDATA();
  using namespace sevproof;
  const auto hcl = testdata::read("reports/trustee-azure-milan-v2-hcl/hcl-report.bin");
  const auto raw = testdata::read("reports/trustee-azure-milan-v2-hcl/report.bin");
  // Azure's attestation JSON carries the HCL report in the URL-safe alphabet
  auto url = base64::encode(hcl);
  for (auto& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  REQUIRE(url.find_first_of("-_") != std::string::npos);  // this report needs the alphabet's difference
  const bytes text(url.begin(), url.end());
  auto r = snp::read_report(text);
  REQUIRE(r.ok());
  CHECK(r->encoding == "base64url");
  CHECK(r->source == snp::container::azure_hcl);
  CHECK(equal_bytes(r->report.raw(), raw));
  // twin: both alphabets mixed in one text is neither
  auto mixed = text;
  const auto dash = url.find('-'), under = url.find('_');
  if (dash != std::string::npos) mixed[dash] = '+';
  if (under != std::string::npos) mixed[under] = '/';
  if (dash != std::string::npos && under != std::string::npos) {
    auto m = snp::read_report(mixed);
    REQUIRE_FALSE(m.ok());
    CHECK(m.err().message.find("neither valid hex nor valid base64") != std::string::npos);
  }
  // the runtime data header after the hardware report says which TEE made it: 4 is TDX
  auto tdx = hcl;
  REQUIRE(load_le<std::uint32_t>(tdx, 0x4C8) == 2);
  store_le<std::uint32_t>(tdx, 0x4C8, 4);
  auto t = snp::read_report(tdx);
  REQUIRE_FALSE(t.ok());
  CHECK(t.err().field == "REPORT_TYPE");
  CHECK(t.err().offset == 0x4C8u);
  CHECK(t.err().message.find("TDX") != std::string::npos);
  CHECK(snp::read_report(hcl).ok());  // twin: type 2, the SNP report itself
}

TEST_CASE("PEM-armoured report text is read; other PEM blocks and broken armour are named", "[snp][hostile]") {
  REQUIRE_TESTDATA();
  const auto raw = testdata::read("reports/automata-milan-v2/report.bin");
  const auto b64 = base64::encode(raw);
  auto armour = [&](const std::string& label, const std::string& body, const std::string& end) {
    std::string t = "-----BEGIN " + label + "-----\n";
    for (std::size_t i = 0; i < body.size(); i += 64) t += body.substr(i, 64) + "\n";
    t += end;
    return bytes(t.begin(), t.end());
  };
  auto r = snp::read_report(armour("REPORT", b64, "-----END REPORT-----\n"));
  REQUIRE(r.ok());
  CHECK(r->encoding == "pem");
  CHECK(equal_bytes(r->report.raw(), raw));
  auto cert = snp::read_report(armour("CERTIFICATE", b64, "-----END CERTIFICATE-----\n"));
  REQUIRE_FALSE(cert.ok());
  CHECK(cert.err().message.find("not an attestation report") != std::string::npos);
  auto no_end = snp::read_report(armour("REPORT", b64, ""));
  REQUIRE_FALSE(no_end.ok());
  CHECK(no_end.err().message.find("no matching END line") != std::string::npos);
  auto wrong_end = snp::read_report(armour("REPORT", b64, "-----END OTHER-----\n"));
  REQUIRE_FALSE(wrong_end.ok());
  auto bad_body = snp::read_report(armour("REPORT", "!!" + b64.substr(2), "-----END REPORT-----\n"));
  REQUIRE_FALSE(bad_body.ok());
  CHECK(bad_body.err().message.find("not valid base64") != std::string::npos);
  auto two = armour("REPORT", b64, "-----END REPORT-----\n");
  const auto again = armour("REPORT", b64, "-----END REPORT-----\n");
  two.insert(two.end(), again.begin(), again.end());
  auto t = snp::read_report(two);
  REQUIRE_FALSE(t.ok());
  CHECK(t.err().message.find("one report per file") != std::string::npos);
}

TEST_CASE("the signature's must-be-zero bytes are reserved fields: a warning, an error under --strict",
          "[snp][hostile]") {
  REQUIRE_TESTDATA();
  const auto good = testdata::read("reports/automata-milan-v2/report.bin");
  snp::read_options strict;
  strict.reserved = snp::mbz_policy::error;
  REQUIRE(snp::read_report(good, strict).ok());  // twin: the genuine report has none set
  for (const auto& [offset, field] : {std::pair<std::size_t, const char*>{0x400, "SIGNATURE reserved tail"},
                                      {0x2E7, "SIGNATURE.R"},
                                      {0x32F, "SIGNATURE.S"}}) {
    INFO(field);
    auto b = good;
    b[offset] = 1;
    auto r = snp::read_report(b);
    REQUIRE(r.ok());
    REQUIRE(r->warnings.size() == 1);
    CHECK(r->warnings.front().field == field);
    CHECK(r->warnings.front().offset == offset);  // the byte set, not where the field starts
    auto s = snp::read_report(b, strict);
    REQUIRE_FALSE(s.ok());
    CHECK(s.err().field == field);
    CHECK_FALSE(snp::read_signature(r->report).ok());
  }
}
