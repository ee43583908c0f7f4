// Verification on the real AMD data: pins against the published certificates, AMD's quirks, and
// every single-bit flip of the signed region of a Milan, a Genoa and a Turin report.
#include <catch2/catch_test_macros.hpp>

#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/kds/extensions.hpp"
#include "sevproof/verify/verify_report.hpp"
#include "support/testdata.hpp"

using namespace sevproof;

namespace {
crypto::certificate cert(const std::string& rel) { return crypto::certificate::load(testdata::read(rel)).value(); }
}  // namespace

TEST_CASE("pinned keys match AMD's published certificates", "[verify][real]") {
  REQUIRE_TESTDATA();
  // Certificate fingerprints from shared/spec/amd-certs.md (three independent public copies agree).
  const std::pair<const char*, const char*> published[] = {
      {"amd/milan/ark.pem", "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"},
      {"amd/milan/ask.pem", "67d303bd3905fd38db8b20e0793699870e7fa612eaad5dec358293fd8c0bac1b"},
      {"amd/milan/asvk.pem", "c5e081f59b7efab1fe2f8b505e159704e72f29cab7ef7cf628a05a42439082f5"},
      {"amd/genoa/ark.pem", "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1"},
      {"amd/genoa/ask.pem", "5464738c1546aed5f2cecf1dc98c5c960a92e8913238a61711bc90ec6e828521"},
      {"amd/genoa/asvk.pem", "197e610743a917d6b9bb982a5a9226ccc0a15b611be0619e626aca9151457372"},
      {"amd/turin/ark.pem", "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a"},
      {"amd/turin/ask.pem", "5b77ef5fe7a7a004fd9032668fba9d0fda22f88c4442069a479636a6ae3b3185"},
      {"amd/turin/asvk.pem", "104e10a8bd060a3c20a434261a57d0588fd65a88915b4f65b08bdecaf8df1a3c"},
  };
  const auto trust = verify::trust_anchors::amd();
  for (const auto& [file, fp] : published) {
    INFO(file);
    const auto c = cert(file);
    CHECK(hex::encode(crypto::sha256_of(c.der())) == fp);
    auto id = trust.identify(c);
    REQUIRE(id);
    const std::string path(file);
    CHECK(path.find(std::string(verify::ca_role_name(id->role)) == "ARK"
                        ? "ark"
                        : (id->role == verify::ca_role::ask ? "ask" : "asvk")) != std::string::npos);
  }
}

TEST_CASE("AMD certificate quirks are accepted on purpose", "[verify][real]") {
  REQUIRE_TESTDATA();
  const auto ark = cert("amd/milan/ark.pem"), ask = cert("amd/milan/ask.pem");
  const auto vcek = cert("reports/automata-milan-v2/vcek.der");
  SECTION("explicit PSS trailerField in the signature algorithm") {
    // [3] INTEGER 1 encoded although it is the DEFAULT: a3 03 02 01 01
    const auto der = ask.der();
    const bytes trailer{0xa3, 0x03, 0x02, 0x01, 0x01};
    CHECK(std::search(der.begin(), der.end(), trailer.begin(), trailer.end()) != der.end());
    CHECK(ask.signed_by(ark).valid);
  }
  SECTION("serial number 0 on the VCEK") {
    CHECK(hex::encode(vcek.serial()) == "");
    CHECK(vcek.signed_by(ask).valid);
  }
  SECTION("no key identifiers on the VCEK") {
    CHECK_FALSE(vcek.extension_value("2.5.29.14"));  // subjectKeyIdentifier
    CHECK_FALSE(vcek.extension_value("2.5.29.35"));  // authorityKeyIdentifier
  }
  SECTION("raw-bytes hwID extension (no inner OCTET STRING)") {
    auto e = kds::read_amd_extensions(vcek);
    REQUIRE(e.ok());
    REQUIRE(e->hwid);
    CHECK(e->hwid->size() == 64);
    CHECK(e->hwid_form == kds::hwid_encoding::raw);
  }
  SECTION("both hwID encodings of the deliberately broken VCEKs") {
    auto raw = kds::read_amd_extensions(cert("certs-misc/milan-vcek-INVALID-legacy-hwid-raw.der"));
    auto wrapped = kds::read_amd_extensions(cert("certs-misc/milan-vcek-INVALID-new-hwid-octetstring.der"));
    REQUIRE(raw.ok());
    REQUIRE(wrapped.ok());
    CHECK(raw->hwid_form == kds::hwid_encoding::raw);
    CHECK(wrapped->hwid_form == kds::hwid_encoding::octet_string);
    CHECK(*raw->hwid == *wrapped->hwid);
    CHECK(hex::encode(*raw->hwid).substr(0, 8) == "00010203");
  }
  SECTION("ucodeSPL >= 0x80 is a two-byte DER INTEGER") {
    auto e = kds::read_amd_extensions(cert("reports/automata-milan-v2/vcek.der"));
    REQUIRE(e.ok());
    CHECK(e->ucode == 209);
  }
  SECTION("Turin: structVersion 1, fmcSPL, 8-byte hwID") {
    auto e = kds::read_amd_extensions(cert("reports/oak-turin-v5/vcek.der"));
    REQUIRE(e.ok());
    CHECK(e->struct_version == 1u);
    CHECK(e->fmc == 0);
    CHECK(e->hwid->size() == 8);
    CHECK(e->product_name == "Turin");
  }
}

TEST_CASE("every single-bit flip of the signed region fails the signature", "[verify][real][bitflip]") {
  REQUIRE_TESTDATA();
  for (const char* dir : {"automata-milan-v2", "oak-genoa-v5", "oak-turin-v5"}) {
    DYNAMIC_SECTION(dir) {
      const auto signer = cert(std::string("reports/") + dir + "/vcek.der");
      const auto original = testdata::read(std::string("reports/") + dir + "/report.bin");
      REQUIRE(verify::report_signed_by(snp::parse_report(original).value(), signer).valid);
      std::size_t flips = 0, rejected = 0;
      for (std::size_t i = 0; i < 0x2A0; ++i)
        for (int b = 0; b < 8; ++b) {
          auto bytes = original;
          bytes[i] ^= static_cast<byte>(1u << b);
          ++flips;
          auto rep = snp::parse_report(bytes);  // flips in VERSION or SIGNATURE_ALGO fail already here
          if (!rep || !verify::report_signed_by(*rep, signer).valid) ++rejected;
        }
      CHECK(flips == 0x2A0 * 8);
      CHECK(rejected == flips);
    }
  }
}
