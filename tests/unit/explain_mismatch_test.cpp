// A failed MEASUREMENT check explained (workflows/explain_mismatch.hpp): a genuine report (signed by
// the test authority) whose MEASUREMENT is vector m03's digest, appraised against m02's digest, is
// explained by m02's launch (read from a VM definition) as guest features 0x21; the same launch on
// other firmware explains nothing; a passing check has nothing to explain. Plus the policy
// difference by field name and the rendering helpers.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "sevproof/snp/policy.hpp"
#include "sevproof/workflows/explain_mismatch.hpp"
#include "support/test_authority.hpp"
#include "support/testdata.hpp"

using namespace sevproof;
using Catch::Matchers::ContainsSubstring;

namespace {

// vectors.tsv rows m02 and m03: 4 vCPUs EPYC-Milan on OVMF_CODE.fd, guest features 0x1 and 0x21.
const std::string m02 =
    "cc2b38913550ecd41aadbcf2a5d309ae9d3cb0455c9e1f72892f6b18cfaea3f2e4f46a28b61ca0353724ee707c73177c";
const std::string m03 =
    "d44124322592a3390e2d258d4ad7df5897c9dd3958f906aa223588e327f97935802f9130b9009cf3dd60f9734cdc72f3";

// The pipeline's steps with the test authority's anchors: a report of MEASUREMENT `reported`
// against the expected digest `expected`.
pipeline::appraisal appraised(const std::string& reported, const std::string& expected) {
  const auto& ca = test_ca::get();
  const auto digest = *hex::decode(reported);
  const bytes report = ca.report(false, [&](bytes& r) { std::copy(digest.begin(), digest.end(), r.begin() + 0x090); });
  verify::evidence ev{test_ca::parse(report), ca.vcek, {ca.ark, ca.ask}, std::nullopt, {}, {}, {}};
  verify::verify_options vo;
  vo.now = test_ca::year(2026);
  pipeline::appraisal a;
  a.checks = verify::verify_report(ev, ca.trust(), vo);
  a.expect.measurements.push_back(*hex::decode(expected));
  validate::validate_report(ev.report, a.expect, ev.report.layout, a.checks);
  a.report = std::move(ev.report);
  a.result = a.checks.passed() ? pipeline::outcome::verified : pipeline::outcome::policy_failed;
  return a;
}

std::string vm_text(const std::string& ovmf) {
  return "format = 1\n[launch]\nmode = \"snp\"\novmf = \"" + ovmf +
         "\"\nvcpus = 4\nvcpu_type = \"EPYC-Milan\"\nguest_features = \"0x1\"\n";
}

workflows::launch_belief belief(const std::string& ovmf) {
  auto d = workflows::vm::parse(vm_text(ovmf), "vm.toml");
  REQUIRE(d.ok());
  auto b = workflows::belief_of(*d, {testdata::read("ovmf/" + ovmf), std::nullopt, std::nullopt});
  REQUIRE(b.ok());
  return std::move(b).value();
}

workflows::explain_options small() {
  workflows::explain_options o;
  o.max_vcpus = 8;
  return o;
}

}  // namespace

TEST_CASE("explain_measurement: a failed P018 is explained by the VM file's launch", "[explain][vm][test-ca]") {
  REQUIRE_TESTDATA();
  const auto a = appraised(m03, m02);
  REQUIRE(a.checks.genuine());
  REQUIRE(workflows::measurement_failed(a));
  const auto b = belief("OVMF_CODE.fd");
  const auto why = workflows::explain_measurement(a, b.view(), small());
  REQUIRE(why.has_value());
  REQUIRE(why->ok());
  REQUIRE((*why)->explained);
  const auto& e = (*why)->explanations.front();
  REQUIRE(e.changes.size() == 1);
  CHECK(e.changes[0].flag == "guest-features");
  CHECK(e.changes[0].value == "0x21");
  CHECK(hex::encode((*why)->believed_digest) == m02);
  const auto lines = workflows::explanation_lines(*why);
  REQUIRE(lines.size() >= 2);
  CHECK_THAT(lines[0], ContainsSubstring("guest features 0x21"));
  CHECK(lines[1] == "  measure with: --guest-features=0x21");
  // JSON: on the P018 check only, in the schema's shape.
  auto j = pipeline::appraisal_json(a, "report.bin");
  workflows::attach_explanation(j, *why);
  for (const auto& c : j["checks"]) {
    INFO(c["code"]);
    CHECK(c.contains("explanation") == (c["code"] == "P018"));
  }
  const auto& x = *std::find_if(j["checks"].begin(), j["checks"].end(), [](auto& c) { return c["code"] == "P018"; });
  CHECK(x["explanation"]["explained"] == true);
  CHECK(x["explanation"]["explanations"][0]["changes"]["guest-features"] == "0x21");
  CHECK(x["explanation"]["explanations"][0]["digest"] == m03);
}

TEST_CASE("explain_measurement: the same launch on other firmware explains nothing (twin)", "[explain][vm][test-ca]") {
  REQUIRE_TESTDATA();
  const auto a = appraised(m03, m02);
  const auto b = belief("OVMF.amdsev.fd");
  const auto why = workflows::explain_measurement(a, b.view(), small());
  REQUIRE(why.has_value());
  REQUIRE(why->ok());
  CHECK_FALSE((*why)->explained);
  const auto lines = workflows::explanation_lines(*why);
  CHECK_THAT(lines[0], ContainsSubstring("no single change and no pair of changes"));
  CHECK_THAT(lines[0], ContainsSubstring("guest-features 8191, vcpus 7"));
  CHECK(workflows::explanation_json(*why)["explanations"].empty());
}

TEST_CASE("explain_measurement: nothing to explain when MEASUREMENT matches", "[explain][test-ca]") {
  REQUIRE_TESTDATA();
  const auto a = appraised(m03, m03);
  CHECK_FALSE(workflows::measurement_failed(a));
  CHECK_FALSE(workflows::explain_measurement(a, belief("OVMF_CODE.fd").view(), small()).has_value());
  pipeline::appraisal unread;  // an input error: no report, nothing checked
  CHECK_FALSE(workflows::measurement_failed(unread));
}

TEST_CASE("belief_of: a firmware that does not match its pin is refused, naming the key", "[explain][vm]") {
  REQUIRE_TESTDATA();
  auto d = workflows::vm::parse("format = 1\n[launch]\nmode = \"snp\"\novmf = { path = \"OVMF_CODE.fd\", sha256 = \"" +
                                    std::string(64, '0') + "\" }\nvcpus = 4\nvcpu_type = \"EPYC-Milan\"\n",
                                "vm.toml");
  REQUIRE(d.ok());
  auto b = workflows::belief_of(*d, {testdata::read("ovmf/OVMF_CODE.fd"), std::nullopt, std::nullopt});
  REQUIRE_FALSE(b.ok());
  CHECK_THAT(b.err().to_string(), ContainsSubstring("launch.ovmf"));
  CHECK_THAT(b.err().to_string(), ContainsSubstring("pins"));
}

TEST_CASE("policy_difference names every differing field with both values", "[policy]") {
  CHECK(snp::policy_difference(0x30000, 0x30000, "report", "launch").empty());
  CHECK(snp::policy_difference(0x30000, 0x70000, "report", "launch") == "MIGRATE_MA (report 0, launch 1)");
  CHECK(snp::policy_difference(0xB0000, 0x30001, "ID block", "launch") ==
        "ABI_MINOR (ID block 0x0, launch 0x1), DEBUG (ID block 1, launch 0)");
}

TEST_CASE("shell_word quotes what a shell would split or expand", "[explain]") {
  CHECK(workflows::shell_word("0x21") == "0x21");
  CHECK(workflows::shell_word("root=/dev/vda1") == "root=/dev/vda1");
  CHECK(workflows::shell_word("") == "''");
  CHECK(workflows::shell_word("console=ttyS0 quiet") == "'console=ttyS0 quiet'");
  CHECK(workflows::shell_word("it's") == "'it'\\''s'");
  CHECK(workflows::shell_word("quiet\n") == "$'quiet\\n'");
}
