// The one option-text parser: numbers (decimal or 0x, never octal), empty values, TCB lists, times,
// hex fields in the forms people paste, and reference-value files.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>

#include "sevproof/core/number.hpp"
#include "sevproof/core/time.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/validate/reference_values.hpp"

using namespace sevproof;

namespace {
// What read_reference_values says of a text read as "ref.toml": its refusal, or "accepted".
std::string refusal_of(const std::string& text) {
  try {
    (void)validate::read_reference_values(text, "ref.toml");
  } catch (const validate::option_error& e) {
    return std::string(e.what());
  }
  return std::string("accepted");
}
}  // namespace

TEST_CASE("numbers: decimal, 0x, 0b or 0o as Python's int(x, 0) reads them; a leading zero is refused",
          "[option][hardening]") {
  CHECK(parse_uint("10") == 10u);
  CHECK(parse_uint("0x10") == 16u);
  CHECK(parse_uint("0X1f") == 31u);
  CHECK(parse_uint("0") == 0u);
  CHECK(parse_uint("0b100001") == 0x21u);  // sev-snp-measure --guest-features 0b100001
  CHECK(parse_uint("0B1") == 1u);
  CHECK(parse_uint("0o777") == 511u);
  CHECK(parse_uint("0b" + std::string(64, '1')) == 18446744073709551615ull);
  for (const char* bad : {"010",
                          "00",
                          "021",
                          "030000",
                          "",
                          "-1",
                          "+1",
                          " 1",
                          "1 ",
                          "0x",
                          "0xg",
                          "1e3",
                          "0o8",
                          "0b2",
                          "0b",
                          "0o",
                          "0b1_0",
                          " 0x21",
                          "18446744073709551616",
                          "0x10000000000000000"})
    CHECK_FALSE(parse_uint(bad).has_value());
  CHECK_FALSE(parse_uint("0b1" + std::string(64, '0')).has_value());  // 65 bits
  CHECK(number_syntax_problem("010").find("leading zero") != std::string::npos);
  CHECK(number_syntax_problem(" 0x21") == "' 0x21' has spaces in it");
  CHECK(number_syntax_problem("0b12") == "'0b12' is not a 0b-binary number");
  CHECK(parse_uint("18446744073709551615") == 18446744073709551615ull);
  CHECK_FALSE(parse_uint("256", 255));
}

TEST_CASE("option text: empty values and empty items are errors naming the option", "[option][hardening]") {
  for (const char* name : {"measurement", "id-key-digest", "author-key-digest", "report-data", "host-data", "chip-id",
                           "min-tcb", "vmpl", "min-abi", "smt", "allow-debug", "platform-info-max"}) {
    validate::options o;
    try {
      validate::apply_option(o, name, "");
      FAIL("empty value accepted for " << name);
    } catch (const validate::option_error& e) {
      CHECK(std::string(e.what()).find(std::string("--") + name) != std::string::npos);
    }
  }
  validate::options o;
  CHECK_THROWS_AS(validate::apply_option(o, "min-tcb", "bl=3,,tee=0"), validate::option_error);
  CHECK_THROWS_AS(validate::apply_option(o, "min-tcb", "bl=3,"), validate::option_error);
  CHECK_THROWS_AS(validate::apply_option(o, "min-tcb", "snp=010"), validate::option_error);
  CHECK_THROWS_AS(validate::apply_option(o, "min-tcb", "snp=1,snp=2"), validate::option_error);
  CHECK_THROWS_AS(validate::apply_option(o, "vmpl", "4"), validate::option_error);
  CHECK_THROWS_AS(validate::apply_option(o, "no-such-option", "1"), validate::option_error);
}

TEST_CASE("option text: hex fields accept plain, 0x, spaced (snpguest) and base64", "[option]") {
  const std::string hex96(96, 'a');
  std::string spaced;
  for (std::size_t i = 0; i < 96; i += 2) spaced += hex96.substr(i, 2) + (i % 32 == 30 ? "\n" : " ");
  validate::options o;
  validate::apply_option(o, "measurement", hex96);
  validate::apply_option(o, "measurement", spaced);
  validate::apply_option(o, "measurement", "0x" + hex96);
  validate::apply_option(o, "measurement", base64::encode(bytes(48, 0xAA)));
  REQUIRE(o.measurements.size() == 4);
  CHECK(o.measurements[0] == o.measurements[1]);
  CHECK(o.measurements[0] == o.measurements[2]);
  CHECK(o.measurements[0] == o.measurements[3]);
  CHECK_THROWS_AS(validate::apply_option(o, "measurement", std::string(94, 'a')), validate::option_error);
}

TEST_CASE("time: impossible dates refused, RFC 3339 offsets and fractions accepted", "[option][hardening]") {
  CHECK_FALSE(utc::parse("2026-02-30"));
  CHECK_FALSE(utc::parse("2026-02-29"));
  CHECK(utc::parse("2024-02-29"));
  CHECK_FALSE(utc::parse("2026-04-31"));
  CHECK_FALSE(utc::parse("2026-07-01T00:00:00"));  // no zone: ambiguous
  CHECK_FALSE(utc::parse("2026-07-01T24:00:00Z"));
  CHECK(utc::parse("2026-07-01T00:00:00+02:00") == utc::parse("2026-06-30T22:00:00Z"));
  CHECK(utc::parse("2026-07-01T00:00:00-01:30") == utc::parse("2026-07-01T01:30:00Z"));
  CHECK(utc::parse("2026-07-01T00:00:00.123456Z") == utc::parse("2026-07-01T00:00:00Z"));
  CHECK_FALSE(utc::parse("2026-07-01T00:00:00.Z"));
  CHECK_FALSE(utc::parse("2026-07-01T00:00:00+2:00"));
  CHECK(utc::parse_explained("2026-02-30").problem.find("does not exist") != std::string::npos);
}

TEST_CASE("reference values: TOML and JSON read to the same options, and write back", "[option][reference]") {
  const std::string toml = "measurement = [\"" + std::string(96, 'b') +
                           "\"]\nmin-tcb = \"bl=3,tee=0,snp=8,ucode=115\"\n"
                           "vmpl = 0\nplatform-info-max = \"0x27\"\nrequire-crl = true\nsmt = \"deny\"\n";
  const auto a = validate::read_reference_values(toml, "ref.toml");
  CHECK(a.measurements.size() == 1);
  CHECK(a.min_reported_tcb->microcode == 115);
  CHECK(a.vmpl == 0u);
  CHECK(a.platform_info_max == 0x27u);
  CHECK(a.require_crl);
  CHECK(a.allow_smt == false);
  const auto b = validate::read_reference_values(validate::to_json(a).dump(), "ref.json");
  const auto c = validate::read_reference_values(validate::to_toml(a), "ref2.toml");
  CHECK(validate::to_json(b) == validate::to_json(a));
  CHECK(validate::to_json(c) == validate::to_json(a));
}

TEST_CASE("reference values: unknown keys, wrong types and bad values name the key and line", "[option][reference]") {
  const auto message = refusal_of;
  CHECK(message("vmpl = 0\nmeasurment = \"ab\"\n").find("ref.toml:2: measurment: unknown key") != std::string::npos);
  CHECK(message("vmpl = true\n").find("ref.toml:1: vmpl") != std::string::npos);
  CHECK(message("vmpl = \"010\"\n").find("leading zero") != std::string::npos);
  CHECK(message("measurement = []\n").find("empty list") != std::string::npos);
  CHECK(message("report-data = \"\"\n").find("empty value") != std::string::npos);
  CHECK(message("vmpl = [0]\n").find("list") != std::string::npos);
  CHECK(message("vmpl = \n").find("not valid TOML") != std::string::npos);
  CHECK(message("{\"vmpl\": 0,\n \"bogus\": 1}").find("ref.toml:2: bogus") != std::string::npos);
}

TEST_CASE("reference values: a key may be spelt with underscores, as the evidence keys may", "[option][reference]") {
  const std::string host_data(64, 'a');
  const auto dashed =
      validate::read_reference_values("host-data = \"" + host_data + "\"\nmin-tcb = \"snp=8\"\n", "a.toml");
  const auto underscored =
      validate::read_reference_values("host_data = \"" + host_data + "\"\nmin_reported_tcb = \"snp=8\"\n", "b.toml");
  CHECK(validate::to_json(underscored) == validate::to_json(dashed));
  CHECK(validate::find_option("host_data") == validate::find_option("host-data"));
  CHECK(validate::find_option("host_dat") == nullptr);  // twin: still an unknown key
  CHECK_THROWS_WITH(validate::read_reference_values("host__data = \"" + host_data + "\"\n", "c.toml"),
                    Catch::Matchers::ContainsSubstring("c.toml:1: host__data: unknown key"));
}

TEST_CASE("reference values: a leading UTF-8 byte-order mark is read past; one elsewhere is refused",
          "[option][reference]") {
  const auto plain = validate::read_reference_values("vmpl = 0\n", "a.toml");
  const auto bom = validate::read_reference_values("\xEF\xBB\xBFvmpl = 0\n", "b.toml");
  CHECK(validate::to_json(bom) == validate::to_json(plain));
  CHECK_THROWS_WITH(validate::read_reference_values("vmpl = 0\n\xEF\xBB\xBF", "c.toml"),  // twin: not at the start
                    Catch::Matchers::ContainsSubstring("c.toml:2: a non-ASCII character"));
}

TEST_CASE("reference values: a file that names nothing, a key given twice or JSON nested deep is refused",
          "[option][reference][hardening]") {
  const auto message = refusal_of;
  // An empty file (or /dev/null) is not a policy that asks for nothing: the verdict would read VERIFIED.
  for (const char* empty : {"", "\n\n", "# only a comment\n", "{}", " { } \n"})
    CHECK_THAT(message(empty), Catch::Matchers::ContainsSubstring("names no reference value"));
  CHECK(message("vmpl = 0\n") == "accepted");  // twin: one key is a policy
  // nlohmann keeps the last of two equal keys: the second allow-debug would turn the check off.
  CHECK_THAT(message(R"({"allow-debug": false, "allow-debug": true})"),
             Catch::Matchers::ContainsSubstring("\"allow-debug\" is given twice in one object"));
  CHECK(message(R"({"allow-debug": false})") == "accepted");
  CHECK_THAT(message("{\"x\": " + std::string(40, '[') + std::string(40, ']') + "}"),
             Catch::Matchers::ContainsSubstring("nested deeper than 32 levels"));
  CHECK_THAT(message("{\"x\": " + std::string(100000, '[') + std::string(100000, ']') + "}"),
             Catch::Matchers::ContainsSubstring("nested deeper than 32 levels"));  // never built, never recursed
}

TEST_CASE("a fixed-size field: text that reads as hex is hex, even when it would also decode as base64",
          "[option][hardening]") {
  // 64 hex digits are 32 bytes; read as base64 they are 48 bytes, a MEASUREMENT nobody typed.
  const std::string hex64(64, 'a');
  try {
    (void)validate::parse_hex_field(hex64, "--measurement", 48);
    FAIL("64 hex digits accepted as a 48-byte value");
  } catch (const validate::option_error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Matchers::ContainsSubstring("32 bytes given, the field is 48 bytes"));
  }
  // twin: base64 that is not hex is still read (48 bytes as 64 base64 characters)
  CHECK(validate::parse_hex_field(std::string(63, 'A') + "+", "--measurement", 48).size() == 48);
}

TEST_CASE("a launch digest to explain: 48 or 32 bytes, by the fixed-size field's rule", "[option][hardening]") {
  CHECK(validate::parse_launch_digest(std::string(96, 'a'), "--measurement").size() == 48);
  CHECK(validate::parse_launch_digest(std::string(64, 'b'), "--measurement").size() == 32);  // SEV: hex, not base64
  CHECK(validate::parse_launch_digest(std::string(43, 'A') + "=", "--measurement").size() == 32);  // base64 of 32
  const auto refusal = [](const std::string& text) {
    try {
      (void)validate::parse_launch_digest(text, "--measurement");
    } catch (const validate::option_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(refusal(std::string(92, 'a')), Catch::Matchers::StartsWith("--measurement: 46 bytes given, the field is "
                                                                        "a launch digest: 48 bytes"));
  CHECK_THAT(refusal(std::string(63, 'A') + "+" + "AAAA"),
             Catch::Matchers::ContainsSubstring("neither hex nor base64"));
  CHECK_THAT(refusal(""), Catch::Matchers::ContainsSubstring("--measurement: empty value"));
}

TEST_CASE("reference values: one key per option, whatever its spelling or alias", "[option][reference][hardening]") {
  const auto message = refusal_of;
  // Which of two spellings won depended on how the keys sort: allow_debug = true came after allow-debug = false.
  CHECK_THAT(message(R"({"allow-debug": false, "allow_debug": true})"),
             Catch::Matchers::ContainsSubstring("names the same option as \"allow-debug\""));
  CHECK_THAT(message("allow-debug = false\nallow_debug = true\n"),
             Catch::Matchers::ContainsSubstring("names the same option as"));
  CHECK_THAT(message(R"({"min-reported-tcb": "snp=9", "min-tcb": "snp=8"})"),
             Catch::Matchers::ContainsSubstring("names the same option as"));
  CHECK(message(R"({"allow_debug": false, "min-reported-tcb": "snp=9"})") == "accepted");  // twin: each once
}
