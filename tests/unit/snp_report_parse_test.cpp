// Parsing real and hostile report bytes.
#include <catch2/catch_test_macros.hpp>

#include "sevproof/core/hex.hpp"
#include "sevproof/snp/report.hpp"
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
