// Every verification check (V001-V017) driven to fail once on purpose, with an authority of our own.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "sevproof/validate/validate_report.hpp"
#include "support/test_authority.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/verify/evidence_builder.hpp"

using namespace sevproof;
using test_ca::year;

namespace {

struct run {
  verify::evidence ev;
  verify::trust_anchors trust;
  verify::verify_options opt;
};

run baseline(bool vlek = false) {
  const auto& ca = test_ca::get();
  run r{{test_ca::parse(ca.report(vlek)),
         vlek ? ca.vlek : ca.vcek,
         {ca.ark, vlek ? ca.asvk : ca.ask},
         std::nullopt,
         {},
         {},
         {}},
        ca.trust(),
        {}};
  r.opt.now = year(2026);
  return r;
}

verdict go(const run& r) { return verify::verify_report(r.ev, r.trust, r.opt); }

status of(const verdict& v, const checks::check_info& c) {
  const auto* x = v.find(c.code);
  REQUIRE(x != nullptr);
  return x->result;
}

std::string text(const verdict& v, const checks::check_info& c) { return v.find(c.code)->sentence; }

// Only the listed checks fail; every other verification check passes or is skipped as expected.
void expect_only(const verdict& v, std::initializer_list<const checks::check_info*> failing) {
  for (const auto& c : v.checks) {
    bool expected = false;
    for (const auto* f : failing) expected |= c.code == f->code;
    INFO(c.code << " " << status_name(c.result) << ": " << c.sentence);
    if (expected)
      CHECK(c.result == status::fail);
    else
      CHECK(c.result != status::fail);
  }
  CHECK_FALSE(v.genuine());
}

}  // namespace

TEST_CASE("test authority: a good VCEK report and a good VLEK report verify", "[verify][test-ca]") {
  for (bool vlek : {false, true}) {
    auto v = go(baseline(vlek));
    for (const auto& c : v.checks) {
      INFO(c.code << ": " << c.sentence);
      if (c.code[0] == 'V') CHECK((c.result == status::pass || c.result == status::skipped));
    }
    CHECK(v.genuine());
    CHECK(of(v, checks::chip_matches) == (vlek ? status::skipped : status::pass));
  }
}

TEST_CASE("V001/V003: keys that are not pinned are refused", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  SECTION("AMD's pins do not cover our ARK and ASK") {
    auto r = baseline();
    r.trust = verify::trust_anchors::amd();
    auto v = go(r);
    CHECK(of(v, checks::ark_pinned) == status::fail);
    CHECK(of(v, checks::ask_pinned) == status::fail);
    CHECK(text(v, checks::ark_pinned).find("ARK-Milan was given but its key") != std::string::npos);
    CHECK_FALSE(v.genuine());
  }
  SECTION("ASK pin missing") {
    auto r = baseline();
    r.trust.pins.erase(r.trust.pins.begin() + 1);
    expect_only(go(r), {&checks::ask_pinned});
  }
  SECTION("an impostor ASK with another key") {
    auto r = baseline();
    auto other = crypto::private_key::generate_rsa(2048);
    r.ev.offered = {ca.ark,
                    test_ca::authority::make_ca("SEV-Milan", "ARK-Milan", other, ca.ark_key, year(2021), year(2040))};
    auto v = go(r);
    CHECK(of(v, checks::ask_pinned) == status::fail);
    CHECK(text(v, checks::ask_pinned).find("is not the pinned ASK of Milan") != std::string::npos);
  }
  SECTION("an ASK with another key beside the pinned one is said not used (an older ASK in a user's chain)") {
    auto r = baseline();
    auto other = crypto::private_key::generate_rsa(2048);
    r.ev.offered = {ca.ark,
                    test_ca::authority::make_ca("SEV-Milan", "ARK-Milan", other, ca.ark_key, year(2021), year(2040)),
                    ca.ask};
    auto v = go(r);
    CHECK(of(v, checks::ask_pinned) == status::pass);
    CHECK(text(v, checks::ask_pinned).find("a SEV-Milan with another key") != std::string::npos);
    CHECK(text(v, checks::ask_pinned).find("was given and not used") != std::string::npos);
    r.ev.offered = {ca.ark, ca.ask};  // twin: nothing to say without it
    CHECK(text(go(r), checks::ask_pinned).find("not used") == std::string::npos);
  }
}

TEST_CASE("V002/V004/V005: broken signatures in the chain", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  auto rogue = crypto::private_key::generate_rsa(2048);
  SECTION("ARK not self-signed (signed by another key)") {
    auto r = baseline();
    auto bad_ark = test_ca::authority::make_ca("ARK-Milan", "ARK-Milan", ca.ark_key, rogue, year(2020), year(2045));
    r.ev.offered = {bad_ark, ca.ask};
    expect_only(go(r), {&checks::ark_self_signed});
  }
  SECTION("ASK signed by another key") {
    auto r = baseline();
    r.ev.offered = {ca.ark,
                    test_ca::authority::make_ca("SEV-Milan", "ARK-Milan", ca.ask_key, rogue, year(2021), year(2040))};
    expect_only(go(r), {&checks::ask_signed});
  }
  SECTION("VCEK signed by another key") {
    auto r = baseline();
    r.ev.signer = test_ca::authority::make_vcek(ca.vcek_key, rogue, ca.tcb, ca.chip, year(2025), year(2030));
    expect_only(go(r), {&checks::leaf_signed});
  }
}

TEST_CASE("V006/V007/V008: validity windows at the verification time", "[verify][test-ca]") {
  auto r = baseline();
  r.opt.now = year(2031);
  expect_only(go(r), {&checks::leaf_validity});
  r.opt.now = year(2041);
  expect_only(go(r), {&checks::ask_validity, &checks::leaf_validity});
  r.opt.now = year(2046);
  expect_only(go(r), {&checks::ark_validity, &checks::ask_validity, &checks::leaf_validity});
  r.opt.now = year(2019);
  auto v = go(r);
  expect_only(v, {&checks::ark_validity, &checks::ask_validity, &checks::leaf_validity});
  CHECK(text(v, checks::leaf_validity).find("not yet valid") != std::string::npos);
}

TEST_CASE("V009/V010/V011: CRL signature, freshness and revocation", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  SECTION("a good CRL passes all three") {
    auto r = baseline();
    r.ev.crl = crypto::issue_crl(ca.ark, ca.ark_key, {}, year(2026) - 86400, 30 * 86400);
    auto v = go(r);
    CHECK(of(v, checks::crl_signed) == status::pass);
    CHECK(of(v, checks::crl_current) == status::pass);
    CHECK(of(v, checks::ask_not_revoked) == status::pass);
    CHECK(v.genuine());
  }
  SECTION("CRL issued by the ASK, not the ARK") {
    auto r = baseline();
    r.ev.crl = crypto::issue_crl(ca.ask, ca.ask_key, {}, year(2026) - 86400, 30 * 86400);
    expect_only(go(r), {&checks::crl_signed});
  }
  SECTION("stale CRL") {
    auto r = baseline();
    r.ev.crl = crypto::issue_crl(ca.ark, ca.ark_key, {}, year(2025), 30 * 86400);
    expect_only(go(r), {&checks::crl_current});
  }
  SECTION("revoked ASK") {
    auto r = baseline();
    r.ev.crl = crypto::issue_crl(ca.ark, ca.ark_key, {ca.ask}, year(2026) - 86400, 30 * 86400);
    auto v = go(r);
    expect_only(v, {&checks::ask_not_revoked});
    CHECK(text(v, checks::ask_not_revoked) == "SEV-Milan is revoked by the CRL");
  }
}

TEST_CASE("V012: KEY_INFO must match the certificate type", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  SECTION("report says VLEK, certificate is a VCEK") {
    auto r = baseline();
    r.ev.report = test_ca::parse(ca.report(false, [](bytes& b) { store_le<std::uint32_t>(b, 0x48, 0x4); }));
    expect_only(go(r), {&checks::signer_type});
  }
  SECTION("MASK_CHIP_KEY set") {
    auto r = baseline();
    r.ev.report = test_ca::parse(ca.report(false, [](bytes& b) { store_le<std::uint32_t>(b, 0x48, 0x2); }));
    expect_only(go(r), {&checks::signer_type});
  }
}

TEST_CASE("V013: product disagreement", "[verify][test-ca]") {
  auto r = baseline();
  r.opt.product = snp::product::genoa;
  auto v = go(r);
  CHECK(of(v, checks::product_consistent) == status::fail);
  CHECK_FALSE(v.genuine());
}

TEST_CASE("V014/V015: the certificate's TCB and hwID against the report", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  SECTION("REPORTED_TCB newer than the certificate") {
    auto r = baseline();
    r.ev.report = test_ca::parse(ca.report(false, [](bytes& b) { b[0x186] = 9; }));  // snp 8 -> 9
    auto v = go(r);
    expect_only(v, {&checks::tcb_matches, &checks::tcb_not_above_current});  // CURRENT_TCB still has snp 8
    CHECK(text(v, checks::tcb_matches) ==
          "TCB differs: certificate bootloader 3, tee 0, snp 8, microcode 115; report REPORTED_TCB bootloader 3, tee "
          "0, snp 9, microcode 115");
  }
  SECTION("another chip") {
    auto r = baseline();
    r.ev.report = test_ca::parse(ca.report(false, [](bytes& b) { b[0x1A0] ^= 1; }));
    expect_only(go(r), {&checks::chip_matches});
  }
  SECTION("masked CHIP_ID is a warning, not a pass") {
    auto r = baseline();
    r.ev.report =
        test_ca::parse(ca.report(false, [](bytes& b) { std::fill(b.begin() + 0x1A0, b.begin() + 0x1E0, 0); }));
    auto v = go(r);
    CHECK(of(v, checks::chip_matches) == status::warn);
  }
  SECTION("a VCEK whose hwID is DER-wrapped is read the same") {
    auto r = baseline();
    bytes wrapped{0x04, 0x40};
    wrapped.insert(wrapped.end(), ca.chip.begin(), ca.chip.end());
    auto c = crypto::issue_certificate({"SEV-VCEK",
                                        "SEV-Milan",
                                        0,
                                        year(2025),
                                        year(2030),
                                        {{kds::oid::bl_spl, test_ca::der_uint(3)},
                                         {kds::oid::tee_spl, test_ca::der_uint(0)},
                                         {kds::oid::snp_spl, test_ca::der_uint(8)},
                                         {kds::oid::ucode_spl, test_ca::der_uint(0x73)},
                                         {kds::oid::hw_id, wrapped}}},
                                       ca.vcek_key.spki_der(), ca.ask_key);
    r.ev.signer = c;
    auto v = go(r);
    CHECK(of(v, checks::chip_matches) == status::pass);
    CHECK(v.genuine());
  }
}

TEST_CASE("V016: signature over the received bytes; V017 reserved bytes", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  SECTION("one flipped bit") {
    auto r = baseline();
    auto b = ca.report();
    b[0x50] ^= 0x80;
    r.ev.report = test_ca::parse(b);
    expect_only(go(r), {&checks::report_signature});
  }
  SECTION("signed by the VLEK key, checked with the VCEK") {
    auto r = baseline();
    auto b = ca.report();
    test_ca::authority::sign(b, ca.vlek_key);
    r.ev.report = test_ca::parse(b);
    expect_only(go(r), {&checks::report_signature});
  }
  SECTION("no signer: never genuine") {
    auto r = baseline();
    r.ev.signer.reset();
    auto v = go(r);
    CHECK(of(v, checks::report_signature) == status::skipped);
    CHECK_FALSE(v.genuine());
  }
  SECTION("non-zero reserved byte, correctly signed: a warning") {
    auto r = baseline();
    r.ev.report = test_ca::parse(ca.report(false, [](bytes& b) { b[0x4C] = 1; }));
    auto v = go(r);
    CHECK(of(v, checks::reserved_zero) == status::warn);
    CHECK(v.genuine());
  }
}

TEST_CASE("every validation option fails once on purpose", "[validate][test-ca]") {
  const auto& ca = test_ca::get();
  const auto pr = test_ca::parse(ca.report(false, [](bytes& b) {
    store_le<std::uint64_t>(b, 0x1F0, 0x7308000000000003ull);
    store_le<std::uint64_t>(b, 0x1E0, 0x7307000000000003ull);  // committed older than current: provisional
  }));
  struct c {
    const checks::check_info* check;
    std::function<void(validate::options&)> set;
  };
  const bytes wrong48(48, 0xEE);
  const std::vector<c> cases = {
      {&checks::policy_smt, [](auto& o) { o.allow_smt = false; }},
      {&checks::policy_single_socket, [](auto& o) { o.require_single_socket = true; }},
      {&checks::policy_aes_256_xts, [](auto& o) { o.require_aes_256_xts = true; }},
      {&checks::policy_rapl_dis, [](auto& o) { o.require_rapl_dis = true; }},
      {&checks::policy_ciphertext_hiding, [](auto& o) { o.require_ciphertext_hiding = true; }},
      {&checks::policy_page_swap, [](auto& o) { o.require_page_swap_disable = true; }},
      {&checks::policy_abi,
       [](auto& o) {
         o.min_abi = std::pair<std::uint8_t, std::uint8_t>{1, 0};
       }},
      {&checks::min_guest_svn, [](auto& o) { o.min_guest_svn = 1; }},
      {&checks::report_data, [](auto& o) { o.report_data = bytes(64, 1); }},
      {&checks::host_data, [](auto& o) { o.host_data = bytes(32, 1); }},
      {&checks::image_id, [](auto& o) { o.image_id = bytes(16, 1); }},
      {&checks::family_id, [](auto& o) { o.family_id = bytes(16, 1); }},
      {&checks::report_id, [](auto& o) { o.report_id = bytes(32, 1); }},
      {&checks::report_id_ma, [](auto& o) { o.report_id_ma = bytes(32, 1); }},
      {&checks::measurement, [&](auto& o) { o.measurements = {wrong48}; }},
      {&checks::chip_id, [](auto& o) { o.chip_id = bytes(64, 1); }},
      {&checks::min_firmware,
       [](auto& o) {
         o.min_firmware = std::pair<std::uint8_t, std::uint8_t>{1, 56};
       }},
      {&checks::min_current_tcb,
       [](auto& o) {
         o.min_current_tcb = validate::tcb_minimum{std::nullopt, 4, std::nullopt, std::nullopt, std::nullopt};
       }},
      {&checks::min_committed_tcb,
       [](auto& o) {
         o.min_committed_tcb = validate::tcb_minimum{std::nullopt, std::nullopt, std::nullopt, 8, std::nullopt};
       }},
      {&checks::min_reported_tcb,
       [](auto& o) {
         o.min_reported_tcb = validate::tcb_minimum{std::nullopt, std::nullopt, std::nullopt, std::nullopt, 0x74};
       }},
      {&checks::min_launch_tcb,
       [](auto& o) {
         o.min_launch_tcb = validate::tcb_minimum{std::nullopt, std::nullopt, 1, std::nullopt, std::nullopt};
       }},
      {&checks::provisional_firmware, [](auto& o) { o.allow_provisional_firmware = false; }},
      {&checks::platform_info, [](auto& o) { o.platform_info_max = 0; }},
      {&checks::platform_info_required, [](auto& o) { o.platform_info_min = std::uint64_t{1} << 63; }},
      {&checks::vmpl, [](auto& o) { o.vmpl = 2; }},
      {&checks::id_block, [](auto& o) { o.require_id_block = true; }},
      {&checks::author_key, [](auto& o) { o.require_author_key = true; }},
      {&checks::trusted_id_key, [&](auto& o) { o.trusted_id_keys = {wrong48}; }},
      {&checks::trusted_author_key, [&](auto& o) { o.trusted_author_keys = {wrong48}; }},
      {&checks::min_launch_mit, [](auto& o) { o.min_launch_mit_vector = 1; }},  // v3 report: no mitigation vector
      {&checks::min_current_mit, [](auto& o) { o.min_current_mit_vector = 1; }},
  };
  // Baseline: nothing requested fails.
  {
    verdict v;
    validate::options o;
    validate::validate_report(pr, o, snp::tcb_layout::milan_genoa, v);
    CHECK(v.policy_ok());
    CHECK(v.find(checks::provisional_firmware.code)->result == status::warn);
  }
  for (const auto& k : cases) {
    DYNAMIC_SECTION(k.check->code) {
      verdict v;
      validate::options o;
      k.set(o);
      validate::validate_report(pr, o, snp::tcb_layout::milan_genoa, v);
      for (const auto& c : v.checks) {
        INFO(c.code << ": " << c.sentence);
        CHECK((c.result == status::fail) == (c.code == k.check->code));
      }
      CHECK_FALSE(v.policy_ok());
    }
  }
  SECTION("the permissive policy bits and debug") {
    const auto permissive = test_ca::parse(ca.report(
        false, [](bytes& b) { store_le<std::uint64_t>(b, 0x08, 0x30000 | (1u << 18) | (1u << 19) | (1u << 21)); }));
    verdict v;
    validate::options o;
    o.allow_migrate_ma = false;
    o.allow_cxl = false;
    validate::validate_report(permissive, o, snp::tcb_layout::milan_genoa, v);
    CHECK(v.find(checks::policy_debug.code)->result == status::fail);
    CHECK(v.find(checks::policy_migrate_ma.code)->result == status::fail);
    CHECK(v.find(checks::policy_cxl.code)->result == status::fail);
    verdict v2;
    o.allow_debug = true;
    o.allow_migrate_ma = true;
    o.allow_cxl = true;
    validate::validate_report(permissive, o, snp::tcb_layout::milan_genoa, v2);
    CHECK(v2.policy_ok());
  }
}

TEST_CASE(
    "P025, P031, P032: what go-sev-guest also holds (committed never ahead, author key only with its bit, "
    "a zero mitigation mask); P037 required PLATFORM_INFO bits",
    "[validate][test-ca][hardening]") {
  const auto& ca = test_ca::get();
  auto run = [](const snp::parsed_report& pr, const std::function<void(validate::options&)>& set) {
    verdict v;
    validate::options o;
    set(o);
    validate::validate_report(pr, o, snp::tcb_layout::milan_genoa, v);
    return v;
  };
  // COMMITTED_TCB (0x1E0) ahead of CURRENT_TCB (0x1F0): no firmware commits what it does not run.
  const auto ahead = test_ca::parse(ca.report(false, [](bytes& b) {
    store_le<std::uint64_t>(b, 0x1F0, 0x7308000000000003ull);
    store_le<std::uint64_t>(b, 0x1E0, 0x7309000000000003ull);
  }));
  const auto behind = test_ca::parse(ca.report(false, [](bytes& b) {
    store_le<std::uint64_t>(b, 0x1F0, 0x7308000000000003ull);
    store_le<std::uint64_t>(b, 0x1E0, 0x7307000000000003ull);
  }));
  const auto allow = [](validate::options& o) { o.allow_provisional_firmware = true; };
  const auto ahead_v = run(ahead, allow), behind_v = run(behind, allow);  // kept: find() points into them
  const auto* p025 = ahead_v.find(checks::provisional_firmware.code);
  CHECK(p025->result == status::fail);
  CHECK_THAT(p025->sentence, Catch::Matchers::ContainsSubstring("snp 9 > 8"));
  CHECK(behind_v.find(checks::provisional_firmware.code)->result == status::pass);  // twin: newer firmware runs
  // A trusted author key needs KEY_INFO.AUTHOR_KEY_EN: a zero pin against a report without one is not met.
  const auto no_author = test_ca::parse(ca.report(false, [](bytes&) {}));
  const auto zero_pin = [](validate::options& o) { o.trusted_author_keys = {bytes(48, 0)}; };
  const auto zero_pinned = run(no_author, zero_pin);
  CHECK(zero_pinned.find(checks::trusted_author_key.code)->result == status::fail);
  const auto with_author = test_ca::parse(ca.report(false, [](bytes& b) {
    b[0x48] |= 1;  // KEY_INFO.AUTHOR_KEY_EN
    std::fill_n(b.begin() + 0x110, 48, byte{0xAB});
  }));
  const auto pinned = run(with_author, [](validate::options& o) { o.trusted_author_keys = {bytes(48, 0xAB)}; });
  CHECK(pinned.find(checks::trusted_author_key.code)->result == status::pass);
  // A mitigation mask of 0 requires nothing, of a report without the field too; 1 is not met by it (twin).
  const auto mask0 = run(no_author, [](validate::options& o) { o.min_launch_mit_vector = 0; });
  const auto mask1 = run(no_author, [](validate::options& o) { o.min_launch_mit_vector = 1; });
  CHECK(mask0.find(checks::min_launch_mit.code)->result == status::pass);
  CHECK(mask1.find(checks::min_launch_mit.code)->result == status::fail);
  // PLATFORM_INFO (0x40) bounded from below: the missing bits are named; 0 requires nothing (twins).
  const auto ecc_alias_smt = test_ca::parse(ca.report(false, [](bytes& b) { store_le<std::uint64_t>(b, 0x40, 0x25); }));
  const auto has = run(ecc_alias_smt, [](validate::options& o) { o.platform_info_min = 0x24; });
  const auto lacks = run(ecc_alias_smt, [](validate::options& o) { o.platform_info_min = 0x1C; });
  const auto none = run(ecc_alias_smt, [](validate::options& o) { o.platform_info_min = 0; });
  const auto both = run(ecc_alias_smt, [](validate::options& o) {
    o.platform_info_min = 0x4;
    o.platform_info_max = 0x24;  // SMT_EN is set and not allowed
  });
  CHECK(has.find(checks::platform_info_required.code)->result == status::pass);
  CHECK(lacks.find(checks::platform_info_required.code)->result == status::fail);
  CHECK_THAT(lacks.find(checks::platform_info_required.code)->sentence,
             Catch::Matchers::ContainsSubstring("lacks 0x0000000000000018 (RAPL_DIS, CIPHERTEXT_HIDING_EN)"));
  CHECK(none.find(checks::platform_info_required.code)->result == status::pass);
  CHECK(both.find(checks::platform_info_required.code)->result == status::pass);
  CHECK(both.find(checks::platform_info.code)->result == status::fail);
  CHECK_THAT(both.find(checks::platform_info.code)->sentence,
             Catch::Matchers::ContainsSubstring("bits 0x0000000000000001 (SMT_EN) outside"));
  CHECK(run(ecc_alias_smt, [](validate::options&) {}).find(checks::platform_info_required.code)->result ==
        status::skipped);
  const auto reserved = run(ecc_alias_smt, [](validate::options& o) { o.platform_info_min = 0x104; });
  CHECK_THAT(reserved.find(checks::platform_info_required.code)->sentence,
             Catch::Matchers::ContainsSubstring("lacks 0x0000000000000100 (bit mask 0x100)"));
}

#include <fstream>
#include <sstream>

TEST_CASE("docs/checks.md documents exactly the library's check codes", "[verify][docs]") {
  std::ifstream in(SEVPROOF_SOURCE_DIR "/docs/checks.md");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  std::size_t rows = 0;
  for (std::size_t pos = 0; (pos = doc.find("\n| ", pos)) != std::string::npos; ++pos)
    if (doc[pos + 3] == 'V' || doc[pos + 3] == 'P') ++rows;
  CHECK(rows == std::size(checks::all));
  for (const auto* c : checks::all) {
    INFO(c->code);
    CHECK(doc.find("| " + std::string(c->code) + " | " + std::string(c->title) + " |") != std::string::npos);
  }
}

// ---- verification hardening ----

TEST_CASE("V018: a REPORTED_TCB above CURRENT_TCB contradicts itself", "[verify][test-ca][hardening]") {
  const auto& ca = test_ca::get();
  auto r = baseline();
  r.ev.report = test_ca::parse(ca.report(false, [](bytes& b) { b[0x03E] = 7; }));  // CURRENT_TCB snp 8 -> 7
  auto v = go(r);
  CHECK(of(v, checks::tcb_not_above_current) == status::fail);
  CHECK(text(v, checks::tcb_not_above_current).find("snp 8 > 7") != std::string::npos);
  CHECK_FALSE(v.genuine());
  CHECK(of(go(baseline()), checks::tcb_not_above_current) == status::pass);
}

TEST_CASE("min-tcb is a floor on the certified REPORTED_TCB, not on CURRENT_TCB", "[validate][test-ca][hardening]") {
  const auto& ca = test_ca::get();
  // CURRENT_TCB claims microcode 0xFF, but the key certifies (REPORTED_TCB) microcode 115.
  const auto pr = test_ca::parse(ca.report(false, [](bytes& b) { b[0x03F] = 0xFF; }));
  validate::options o;
  validate::apply_option(o, "min-tcb", "ucode=200");
  verdict v;
  validate::validate_report(pr, o, pr.layout, v);
  CHECK(v.find("P023")->result == status::fail);
  CHECK(v.find("P021")->result == status::skipped);
  validate::options cur;
  validate::apply_option(cur, "min-current-tcb", "ucode=200");
  verdict w;
  validate::validate_report(pr, cur, pr.layout, w);
  CHECK(w.find("P021")->result == status::pass);
}

TEST_CASE("P034: a report the host requested is refused unless allowed", "[validate][test-ca][hardening]") {
  const auto& ca = test_ca::get();
  const auto host = test_ca::parse(ca.report(false, [](bytes& b) { store_le<std::uint32_t>(b, 0x030, 0xFFFFFFFFu); }));
  verdict v;
  validate::validate_report(host, {}, host.layout, v);
  CHECK(v.find("P034")->result == status::fail);
  CHECK_FALSE(v.policy_ok());
  validate::options allow;
  validate::apply_option(allow, "allow-host-report", "true");
  verdict w;
  validate::validate_report(host, allow, host.layout, w);
  CHECK(w.find("P034")->result == status::pass);
  const auto guest = test_ca::parse(ca.report());
  verdict g;
  validate::validate_report(guest, {}, guest.layout, g);
  CHECK(g.find("P034")->result == status::pass);
  // Any other VMPL above 3 is malformed.
  auto bad = ca.report(false, [](bytes& b) { store_le<std::uint32_t>(b, 0x030, 4); });
  auto r = snp::read_report(bad);
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().field == "VMPL");
}

TEST_CASE("require-crl: a missing CRL fails verification", "[verify][test-ca][hardening]") {
  auto r = baseline();
  r.opt.require_crl = true;
  auto v = go(r);
  CHECK(of(v, checks::crl_signed) == status::fail);
  CHECK_FALSE(v.genuine());
  r.opt.require_crl = false;
  CHECK(go(r).genuine());
}

TEST_CASE("a chain file holding the VCEK gives the signer; a CA as the signer is named",
          "[verify][test-ca][hardening]") {
  const auto& ca = test_ca::get();
  verify::evidence_builder eb(test_ca::parse(ca.report()));
  const auto pem = ca.vcek.der();
  REQUIRE_FALSE(eb.chain(pem, "chain"));
  CHECK(eb.peek().signer.has_value());
  verify::evidence_builder eb2(test_ca::parse(ca.report()));
  auto err = eb2.signer(ca.ark.der(), "--vcek");
  REQUIRE(err);
  CHECK(err->message.find("the ARK of Milan") != std::string::npos);
}

TEST_CASE("one rule for a certificate's kind: evidence refusals and the page's routing", "[verify][test-ca]") {
  const auto& ca = test_ca::get();
  using kds::cert_kind;
  CHECK(kds::kind_of(ca.ark) == cert_kind::ark);
  CHECK(kds::kind_of(ca.ask) == cert_kind::ask);
  CHECK(kds::kind_of(ca.asvk) == cert_kind::asvk);
  CHECK(kds::kind_of(ca.vcek) == cert_kind::vcek);
  CHECK(kds::kind_of(ca.vlek) == cert_kind::vlek);
  CHECK(kds::describe(ca.asvk) == "the ASVK of Milan (SEV-VLEK-Milan)");
  // A leaf under another name is a VCEK by its hwID extension (a host that renamed it), and is refused as --ark.
  const auto chip = test_ca::authority::chip_id_bytes();
  const auto renamed = crypto::issue_certificate({"guest-signing-key",
                                                  "SEV-Milan",
                                                  0,
                                                  year(2025),
                                                  year(2030),
                                                  {{kds::oid::hw_id, bytes(chip.begin(), chip.end())}}},
                                                 ca.vcek_key.spki_der(), ca.ask_key);
  CHECK(kds::kind_of(renamed) == cert_kind::vcek);
  verify::evidence_builder eb(test_ca::parse(ca.report()));
  const auto err = eb.chain_as(renamed.der(), "--ark", verify::ca_slot::ark);
  REQUIRE(err);
  CHECK(err->message == "is a VCEK (guest-signing-key), not an ARK: give it with --vcek");
  // twin: the same key without the extension is a certificate of unknown kind, which the signatures judge
  const auto plain = crypto::issue_certificate({"guest-signing-key", "SEV-Milan", 0, year(2025), year(2030), {}},
                                               ca.vcek_key.spki_der(), ca.ask_key);
  CHECK(kds::kind_of(plain) == cert_kind::other);
  CHECK(kds::is_leaf(kds::kind_of(plain)));
  CHECK_FALSE(kds::is_leaf(kds::kind_of(ca.ark)));
}
