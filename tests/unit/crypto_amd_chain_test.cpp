// The first vertical slice on real AMD data: Milan ARK self-signature (RSA-PSS SHA-384), ASK by
// ARK, VCEK by ASK, and a real report's ECDSA P-384 signature — each also with a one-bit-tampered
// input that must fail.
#include <catch2/catch_test_macros.hpp>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/verify/report_signature.hpp"
#include "support/testdata.hpp"

using namespace sevproof;

namespace {
crypto::certificate load_cert(const std::string& rel) {
  auto c = crypto::certificate::load(testdata::read(rel));
  INFO(rel);
  REQUIRE(c.ok());
  return c.value();
}
}  // namespace

TEST_CASE("Milan ARK is self-signed and signs the ASK (RSA-PSS SHA-384)", "[crypto][real]") {
  REQUIRE_TESTDATA();
  auto ark = load_cert("amd/milan/ark.pem");
  auto ask = load_cert("amd/milan/ask.pem");
  CHECK(ark.subject_cn() == "ARK-Milan");
  CHECK(ask.subject_cn() == "SEV-Milan");
  CHECK(ask.issuer_cn() == "ARK-Milan");

  auto self = ark.signed_by(ark);
  INFO(self.detail);
  CHECK(self.valid);
  auto link = ask.signed_by(ark);
  INFO(link.detail);
  CHECK(link.valid);

  // The ASK does not sign the ARK.
  CHECK_FALSE(ark.signed_by(ask).valid);
}

TEST_CASE("A one-bit change in the ASK breaks its ARK signature", "[crypto][real][tamper]") {
  REQUIRE_TESTDATA();
  auto ark = load_cert("amd/milan/ark.pem");
  auto der = load_cert("amd/milan/ask.pem").der();
  // Flip one bit inside the to-be-signed part (the subject key's modulus, well inside the TBS).
  der[300] ^= 0x01;
  auto tampered = crypto::certificate::from_der(der);
  REQUIRE(tampered.ok());
  auto check = tampered->signed_by(ark);
  INFO(check.detail);
  CHECK_FALSE(check.valid);

  // And one bit of the signature itself.
  auto der2 = load_cert("amd/milan/ask.pem").der();
  der2[der2.size() - 1] ^= 0x80;
  auto tampered2 = crypto::certificate::from_der(der2);
  REQUIRE(tampered2.ok());
  CHECK_FALSE(tampered2->signed_by(ark).valid);
}

TEST_CASE("Real Milan report verifies with its VCEK, chained to the ARK", "[crypto][real]") {
  REQUIRE_TESTDATA();
  auto ark = load_cert("amd/milan/ark.pem");
  auto ask = load_cert("amd/milan/ask.pem");
  auto vcek = load_cert("reports/automata-milan-v2/vcek.der");
  // Each link of the chain (the full verification, with pins, is verify::verify_report).
  for (const auto& [what, check] :
       {std::pair{"ARK self-signature", ark.signed_by(ark)}, std::pair{"ASK by ARK", ask.signed_by(ark)},
        std::pair{"VCEK by ASK", vcek.signed_by(ask)}}) {
    INFO(what << ": " << check.detail);
    CHECK(check.valid);
  }

  auto rep = snp::parse_report(testdata::read("reports/automata-milan-v2/report.bin"));
  REQUIRE(rep.ok());
  auto sig = verify::report_signed_by(*rep, vcek);
  INFO(sig.detail);
  CHECK(sig.valid);
}

TEST_CASE("A one-bit change in the report breaks its signature", "[crypto][real][tamper]") {
  REQUIRE_TESTDATA();
  auto vcek = load_cert("reports/automata-milan-v2/vcek.der");
  const auto original = testdata::read("reports/automata-milan-v2/report.bin");

  for (std::size_t offset : {std::size_t{0x050}, std::size_t{0x090}, std::size_t{0x29F}, std::size_t{0x2A0}}) {
    auto bytes = original;
    bytes[offset] ^= 0x01;
    auto rep = snp::parse_report(bytes);
    REQUIRE(rep.ok());
    auto sig = verify::report_signed_by(*rep, vcek);
    INFO("bit flipped at 0x" << std::hex << offset << ": " << sig.detail);
    CHECK_FALSE(sig.valid);
  }
}

TEST_CASE("A report is not verified by another chip's VCEK", "[crypto][real][tamper]") {
  REQUIRE_TESTDATA();
  auto other = load_cert("reports/virtee-sev-milan-v2/vcek.der");
  auto rep = snp::parse_report(testdata::read("reports/automata-milan-v2/report.bin"));
  REQUIRE(rep.ok());
  CHECK_FALSE(verify::report_signed_by(*rep, other).valid);
}

TEST_CASE("An RSA key cannot verify a report signature", "[crypto][real]") {
  REQUIRE_TESTDATA();
  auto ask = load_cert("amd/milan/ask.pem");
  auto rep = snp::parse_report(testdata::read("reports/automata-milan-v2/report.bin"));
  REQUIRE(rep.ok());
  auto sig = verify::report_signed_by(*rep, ask);
  CHECK_FALSE(sig.valid);
  CHECK(sig.detail.find("expected ECDSA P-384") != std::string::npos);
}

TEST_CASE("certificates pasted as text: JSON-escaped PEM, bare base64 and hex DER; a broken one stays refused",
          "[crypto][real]") {
  REQUIRE_TESTDATA();
  const auto vcek_der = testdata::read("reports/trustee-milan-v2/vcek.der");
  const auto ask_ark_pem = testdata::read("amd/milan/ask.pem");
  const auto text_of = [](const bytes& b) { return std::string(b.begin(), b.end()); };
  const auto as_bytes = [](const std::string& s) { return bytes(s.begin(), s.end()); };
  // Azure's THIM/IMDS answer: PEM inside JSON strings, newlines as \n and slashes as \/.
  std::string pem = "-----BEGIN CERTIFICATE-----\n";
  const std::string b64 = base64::encode(vcek_der);
  for (std::size_t at = 0; at < b64.size(); at += 64) pem += b64.substr(at, 64) + "\n";
  pem += "-----END CERTIFICATE-----\n";
  const auto json_escaped = [](std::string s) {
    std::string out;
    for (char c : s) out += c == '\n' ? std::string("\\n") : c == '/' ? std::string("\\/") : std::string(1, c);
    return out;
  };
  const std::string thim = "{\"vcekCert\": \"" + json_escaped(pem) + "\", \"certificateChain\": \"" +
                           json_escaped(text_of(ask_ark_pem)) + "\", \"tcbm\": \"DB18000000000004\"}";
  const auto all = crypto::certificate::load_all(as_bytes(thim));
  REQUIRE(all.ok());
  REQUIRE(all->size() == 2);
  CHECK(all->front().der() == vcek_der);
  CHECK((*all)[1].subject_cn() == "SEV-Milan");

  const auto from_b64 = crypto::certificate::load(as_bytes(b64));
  REQUIRE(from_b64.ok());
  CHECK(from_b64->der() == vcek_der);
  const auto from_hex = crypto::certificate::load(as_bytes("0x" + hex::encode(vcek_der)));
  REQUIRE(from_hex.ok());
  CHECK(from_hex->der() == vcek_der);

  // twins: a character that is not base64 in the text, and in the JSON-escaped PEM, is still refused
  std::string bad = b64;
  bad[100] = '*';
  CHECK_FALSE(crypto::certificate::load(as_bytes(bad)).ok());
  std::string bad_thim = thim;
  bad_thim[thim.find("MII") + 10] = '*';
  const auto refused = crypto::certificate::load_all(as_bytes(bad_thim));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.err().to_string().find("not valid base64") != std::string::npos);
}

#include "sevproof/crypto/crl.hpp"

TEST_CASE("bytes after a certificate's or CRL's DER are refused; zero padding (GHCB table entries) is not",
          "[crypto][real][hardening]") {
  REQUIRE_TESTDATA();
  for (const char* path : {"reports/automata-milan-v2/vcek.der", "crl/milan-vcek-crl.der"}) {
    INFO(path);
    const bool is_crl = std::string(path).find("crl") != std::string::npos;
    auto load = [&](const bytes& b) { return is_crl ? crypto::crl::load(b).ok() : crypto::certificate::load(b).ok(); };
    const bytes der = testdata::read(path);
    REQUIRE(load(der));
    bytes junk = der;
    for (char c : std::string("junk\n")) junk.push_back(static_cast<byte>(c));
    CHECK_FALSE(load(junk));  // `cat vcek.der; echo junk` is not the VCEK it was
    bytes padded = der;
    padded.resize(der.size() + 300, 0);
    CHECK(load(padded));  // twin: a table entry padded with zeros
  }
  const bytes der = testdata::read("reports/automata-milan-v2/vcek.der");
  bytes junk = der;
  junk.push_back(0x01);
  CHECK(crypto::certificate::load(junk).err().to_string().find("followed by 1 more bytes") != std::string::npos);
}
