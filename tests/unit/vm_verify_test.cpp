// `vm verify` as the library makes it: reports signed by the test authority, appraised against a VM
// definition; measurement, policy, HOST_DATA and key digests each broken once, and each failure
// traced to the file key behind it.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "sevproof/workflows/vm_verify.hpp"
#include "support/test_authority.hpp"

using namespace sevproof;
namespace vm = sevproof::workflows::vm;
using Catch::Matchers::ContainsSubstring;
using test_ca::year;

namespace {

// The test authority's report has MEASUREMENT 00 01 02 .. 2f and POLICY 0x30000.
std::string report_measurement() {
  bytes m(48);
  for (std::size_t i = 0; i < 48; ++i) m[i] = static_cast<byte>(i);
  return hex::encode(m);
}

const crypto::private_key& id_key() {
  static const auto k = crypto::private_key::generate_ecdsa_p384();
  return k;
}
const crypto::private_key& author_key() {
  static const auto k = crypto::private_key::generate_ecdsa_p384();
  return k;
}
crypto::sha384_digest digest_of(const crypto::private_key& k) {
  return idblock::key_digest(*idblock::key_structure_of(k));
}

const std::string host_data = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

std::string definition_text(bool recorded = true) {
  return std::string(
             "format = 1\n"
             "[launch]\n"
             "mode = \"snp\"\n"
             "ovmf = \"OVMF.fd\"\n"
             "vcpus = 1\n"
             "vcpu_type = \"EPYC-Milan\"\n"
             "policy = 0x30000\n"
             "host_data = \"") +
         host_data +
         "\"\n"
         "[id_block]\n"
         "id_key = \"id.pem\"\n"
         "author_key = \"author.pem\"\n"
         "family_id = \"0102030405060708090a0b0c0d0e0f10\"\n"
         "image_id = \"1112131415161718191a1b1c1d1e1f20\"\n"
         "[expect]\n" +
         (recorded ? "measurement = [\"" + report_measurement() + "\"]\n" : std::string()) + "vmpl = 0\n";
}

// The report the definition describes, after `edit`.
bytes launched_report(const std::function<void(bytes&)>& edit = {}) {
  return test_ca::get().report(false, [&](bytes& r) {
    const auto hd = *hex::decode(host_data);
    std::copy(hd.begin(), hd.end(), r.begin() + 0x0C0);
    const auto idd = digest_of(id_key()), ad = digest_of(author_key());
    std::copy(idd.begin(), idd.end(), r.begin() + 0x0E0);
    std::copy(ad.begin(), ad.end(), r.begin() + 0x110);
    r[0x048] |= 1;  // KEY_INFO.AUTHOR_KEY_EN
    for (byte i = 0; i < 16; ++i) r[0x010 + i] = static_cast<byte>(i + 1), r[0x020 + i] = static_cast<byte>(i + 0x11);
    if (edit) edit(r);
  });
}

struct outcome {
  verdict v;
  std::map<std::string, std::string> sources;
};

// The pipeline's steps with the test authority's trust anchors instead of AMD's (pipeline::appraise
// pins AMD's), then what `vm verify` adds: the definition's reference values and launch checks.
outcome appraise(const std::string& text, const bytes& report, const std::optional<bytes>& recomputed = std::nullopt) {
  auto d = vm::parse(text, "vm.toml");
  REQUIRE(d.ok());
  const auto& ca = test_ca::get();
  verify::evidence ev{test_ca::parse(report), ca.vcek, {ca.ark, ca.ask}, std::nullopt, {}, {}, {}};
  verify::verify_options vo;
  vo.now = year(2026);
  const vm::key_digests k{digest_of(id_key()), digest_of(author_key())};
  auto v = verify::verify_report(ev, ca.trust(), vo);
  verify::adopt_product(ev.report, verify::decided_product(ev, vo));
  validate::validate_report(ev.report, vm::reference_values(*d, recomputed, k), ev.report.layout, v);
  vm::check_launch(ev.report.report, *d, v);
  return {v, vm::check_sources(*d)};
}

// Exactly the given checks fail; the verdict is genuine but not verified.
void only_fails(const outcome& o, std::initializer_list<const checks::check_info*> failing) {
  for (const auto& c : o.v.checks) {
    bool expected = false;
    for (const auto* f : failing) expected |= c.code == f->code;
    INFO(c.code << " " << status_name(c.result) << ": " << c.sentence);
    CHECK((c.result == status::fail) == expected);
  }
  CHECK(o.v.genuine());
  CHECK(o.v.passed() == (failing.size() == 0));
}

std::string sentence(const outcome& o, const checks::check_info& c) { return o.v.find(c.code)->sentence; }

}  // namespace

TEST_CASE("vm verify: the launch the definition describes passes every check it implies", "[vm][verify][test-ca]") {
  const auto o = appraise(definition_text(), launched_report());
  only_fails(o, {});
  for (const auto* c : {&checks::measurement, &checks::launch_policy, &checks::host_data, &checks::family_id,
                        &checks::image_id, &checks::trusted_id_key, &checks::trusted_author_key, &checks::vmpl}) {
    INFO(c->code);
    CHECK(o.v.find(c->code)->result == status::pass);
    CHECK(o.v.find(c->code)->requested);
  }
}

TEST_CASE("vm verify: measurement, policy, HOST_DATA and key digests each broken once", "[vm][verify][test-ca]") {
  SECTION("measurement (recorded in [expect])") {
    const auto o = appraise(definition_text(), launched_report([](bytes& r) { r[0x090] ^= 0xFF; }));
    only_fails(o, {&checks::measurement});
    CHECK(o.sources.at("P018") == "expect.measurement (line 15)");
  }
  SECTION("measurement (recomputed from [launch])") {
    const auto text = definition_text(false);
    auto good = *hex::decode(report_measurement());
    only_fails(appraise(text, launched_report(), good), {});
    good[47] ^= 1;
    const auto o = appraise(text, launched_report(), good);
    only_fails(o, {&checks::measurement});
    CHECK_THAT(o.sources.at("P018"), ContainsSubstring("recomputed from [launch] (launch.ovmf (line 4)"));
  }
  SECTION("policy: a report of another launch policy") {
    const auto o = appraise(definition_text(),
                            launched_report([](bytes& r) { r[0x008 + 2] = 0x13; }));  // 0x130000: single socket too
    only_fails(o, {&checks::launch_policy});
    CHECK_THAT(sentence(o, checks::launch_policy),
               ContainsSubstring("POLICY is 0x0000000000130000, the launch policy is 0x0000000000030000"));
    CHECK(o.sources.at("P035") == "launch.policy (line 7)");
  }
  SECTION("HOST_DATA") {
    const auto o = appraise(definition_text(), launched_report([](bytes& r) { r[0x0C0 + 31] ^= 1; }));
    only_fails(o, {&checks::host_data});
    CHECK(o.sources.at("P013") == "launch.host_data (line 8)");
  }
  SECTION("ID key digest") {
    const auto o = appraise(definition_text(), launched_report([](bytes& r) { r[0x0E0] ^= 1; }));
    only_fails(o, {&checks::trusted_id_key});
    CHECK(o.sources.at("P030") == "id_block.id_key (line 10)");
  }
  SECTION("author key digest") {
    const auto o = appraise(definition_text(), launched_report([](bytes& r) { r[0x110] ^= 1; }));
    only_fails(o, {&checks::trusted_author_key});
    CHECK(o.sources.at("P031") == "id_block.author_key (line 11)");
  }
  SECTION("image ID and an [expect] value") {
    const auto o = appraise(definition_text(), launched_report([](bytes& r) {
                              r[0x020] ^= 1;
                              r[0x030] = 2;  // VMPL 2
                            }));
    only_fails(o, {&checks::image_id, &checks::vmpl});
    CHECK(o.sources.at("P014") == "id_block.image_id (line 13)");
    CHECK(o.sources.at("P027") == "expect.vmpl (line 16)");
  }
}

TEST_CASE("vm verify: SNPGuard's exact POLICY and PLATFORM_INFO and its committed TCB minimum",
          "[vm][verify][snpguard][test-ca]") {
  const std::string sg =
      "host_cpu_family = \"Milan\"\nvcpu_count = 1\novmf_file = \"OVMF.fd\"\nguest_features = 0x1\n"
      "kernel_file = \"k\"\ninitrd_file = \"i\"\nkernel_cmdline = \"\"\nplatform_info = 0x1\nguest_policy = 0x30000\n"
      "family_id = \"0102030405060708090a0b0c0d0e0f10\"\nimage_id = \"1112131415161718191a1b1c1d1e1f20\"\n"
      "[min_commited_tcb]\nbootloader = 0\ntee = 0\nsnp = 0\nmicrocode = 0\n_reserved = [0, 0, 0, 0]\n";
  const auto m = *hex::decode(report_measurement());
  auto set = [&](const std::string& from, const std::string& to) {
    auto t = sg;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  only_fails(appraise(sg, launched_report(), m), {});
  auto o = appraise(set("platform_info = 0x1", "platform_info = 0x3"), launched_report(), m);
  only_fails(o, {&checks::platform_info_exact});
  CHECK(o.sources.at("P036") == "platform_info (line 8)");
  o = appraise(sg, launched_report([](bytes& r) { r[0x008 + 2] = 0x13; }), m);
  only_fails(o, {&checks::launch_policy});
  CHECK(o.sources.at("P035") == "guest_policy (line 9)");
  o = appraise(set("snp = 0", "snp = 255"), launched_report(), m);
  only_fails(o, {&checks::min_committed_tcb});
  CHECK(o.sources.at("P022") == "min_commited_tcb (line 12)");
  // No ID key in a SNPGuard file: no key digest is checked, whatever the caller computed.
  CHECK(o.v.find(checks::trusted_id_key.code)->result == status::skipped);
}
