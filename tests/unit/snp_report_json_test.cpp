// Data-driven: every real report in ../shared/testdata/reports parses, and its JSON carries the
// values the independent checker listed in ../shared/spec/testdata-reports.md (read in place).
#include <catch2/catch_test_macros.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "sevproof/format/report_json.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "support/testdata.hpp"

using namespace sevproof;
using json = nlohmann::ordered_json;

namespace {

struct expected {
  std::string file;  // "<dir>/<file>"
  std::map<std::string, std::string> lines;
  std::vector<std::string> text;
};

std::vector<expected> read_expectations() {
  std::ifstream in(testdata::root() / ".." / "spec" / "testdata-reports.md");
  REQUIRE(in);
  std::vector<expected> out;
  std::string line;
  const std::regex head(R"(^### (\S+) / (\S+)$)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, head)) {
      out.push_back({m[1].str() + "/" + m[2].str(), {}, {}});
    } else if (!out.empty() && line.rfind("- ", 0) == 0) {
      out.back().text.push_back(line.substr(2));
    }
  }
  return out;
}

std::string find_line(const expected& e, const std::string& prefix) {
  for (const auto& l : e.text)
    if (l.rfind(prefix, 0) == 0) return l;
  FAIL("spec entry " << e.file << " has no line starting with '" << prefix << "'");
  return {};
}

std::uint64_t hexnum(const std::string& s) { return std::stoull(s, nullptr, 16); }

void check_tcb(const json& j, const std::string& key, const std::string& spec_line) {
  // "current_tcb 0x... = fmc=0, bootloader=1, tee=0, snp=2, microcode=71"
  std::smatch m;
  REQUIRE(std::regex_search(spec_line, m, std::regex(R"(^(\w+) (0x[0-9a-f]+) = (.*)$)")));
  CHECK(hexnum(j[key]["raw"].get<std::string>()) == hexnum(m[2].str()));
  const std::string parts = m[3].str();
  const std::regex kv(R"((\w+)=(\d+))");
  int n = 0;
  for (auto it = std::sregex_iterator(parts.begin(), parts.end(), kv); it != std::sregex_iterator(); ++it, ++n) {
    std::string name = (*it)[1].str() == "bootloader" ? "boot_loader" : (*it)[1].str();
    INFO(key << "." << name);
    CHECK(j[key][name].get<int>() == std::stoi((*it)[2].str()));
  }
  CHECK(n >= 4);
}

}  // namespace

TEST_CASE("every real report's JSON matches the independently decoded values", "[snp][real][json]") {
  REQUIRE_TESTDATA();
  const auto all = read_expectations();
  REQUIRE(all.size() >= 25);

  // Every report*.bin in the folder is covered by the spec (no report goes unchecked).
  std::size_t files = 0;
  for (const auto& dir : std::filesystem::directory_iterator(testdata::path("reports")))
    for (const auto& f : std::filesystem::directory_iterator(dir))
      if (f.path().filename().string().rfind("report", 0) == 0 && f.path().extension() == ".bin") {
        ++files;
        const std::string rel = dir.path().filename().string() + "/" + f.path().filename().string();
        bool listed = false;
        for (const auto& e : all) listed |= e.file == rel;
        INFO(rel);
        CHECK(listed);
      }
  CHECK(files == all.size());

  for (const auto& e : all) {
    DYNAMIC_SECTION(e.file) {
      auto pr = snp::read_report(testdata::read("reports/" + e.file));
      REQUIRE(pr.ok());
      const json j = format::report_json(*pr);
      std::smatch m;

      const auto head = find_line(e, "version ");
      REQUIRE(std::regex_search(
          head, m,
          std::regex(R"(version (\d+), guest_svn (\d+), policy (0x[0-9a-f]+).*vmpl (\d+), signature_algo (\d+))")));
      CHECK(j["version"] == std::stoi(m[1].str()));
      CHECK(j["guest_svn"] == std::stoi(m[2].str()));
      CHECK(hexnum(j["policy"]["raw"].get<std::string>()) == hexnum(m[3].str()));
      CHECK(j["vmpl"] == std::stoi(m[4].str()));
      CHECK(j["signature_algo"] == std::stoi(m[5].str()));
      CHECK(j["policy"]["debug"].get<bool>() == ((hexnum(m[3].str()) >> 19) & 1));
      CHECK(j["policy"]["smt"].get<bool>() == ((hexnum(m[3].str()) >> 16) & 1));

      const auto ki = find_line(e, "key_info ");
      REQUIRE(std::regex_search(
          ki, m, std::regex(R"(key_info (0x[0-9a-f]+) -> signing_key=(\w+), mask_chip_key=(\d), author_key_en=(\d))")));
      CHECK(hexnum(j["key_info"]["raw"].get<std::string>()) == hexnum(m[1].str()));
      CHECK(j["key_info"]["signing_key"] == m[2].str());
      CHECK(j["key_info"]["mask_chip_key"].get<bool>() == (m[3].str() == "1"));
      CHECK(j["key_info"]["author_key_en"].get<bool>() == (m[4].str() == "1"));

      const auto pi = find_line(e, "platform_info ");
      REQUIRE(std::regex_search(pi, m, std::regex(R"(platform_info (0x[0-9a-f]+))")));
      const auto pinfo = hexnum(m[1].str());
      CHECK(hexnum(j["platform_info"]["raw"].get<std::string>()) == pinfo);
      CHECK(j["platform_info"]["smt_en"].get<bool>() == (pinfo & 1));
      CHECK(j["platform_info"]["alias_check_complete"].get<bool>() == ((pinfo >> 5) & 1));

      const auto cp = find_line(e, "cpuid ");
      REQUIRE(std::regex_search(cp, m, std::regex(R"(firmware current ([\d.]+) committed ([\d.]+); layout=(\S+))")));
      CHECK(j["current_firmware"] == m[1].str());
      CHECK(j["committed_firmware"] == m[2].str());
      CHECK(j["product"]["tcb_layout"] == (m[3].str() == "Turin(FMC)" ? "turin" : "milan_genoa"));
      if (std::regex_search(cp, m, std::regex(R"(\['(0x[0-9a-f]+)', '(0x[0-9a-f]+)', '(0x[0-9a-f]+)'\])"))) {
        CHECK(j["cpuid_fam_id"] == hexnum(m[1].str()));
        CHECK(j["cpuid_mod_id"] == hexnum(m[2].str()));
        CHECK(j["cpuid_step"] == hexnum(m[3].str()));
        CHECK(j["product"]["source"] == "cpuid");
      } else {
        CHECK_FALSE(j.contains("cpuid_fam_id"));
        CHECK(j["product"]["source"] == "assumed");
      }

      for (const char* tcb : {"current_tcb", "reported_tcb", "committed_tcb", "launch_tcb"})
        check_tcb(j, tcb, find_line(e, std::string(tcb) + " "));

      if (j["version"] == 5) {
        const auto mv = find_line(e, "launch_mit_vector ");
        REQUIRE(std::regex_search(mv, m,
                                  std::regex(R"(launch_mit_vector (0x[0-9a-f]+), current_mit_vector (0x[0-9a-f]+))")));
        CHECK(hexnum(j["launch_mit_vector"]["raw"].get<std::string>()) == hexnum(m[1].str()));
        CHECK(hexnum(j["current_mit_vector"]["raw"].get<std::string>()) == hexnum(m[2].str()));
      } else {
        CHECK_FALSE(j.contains("launch_mit_vector"));
      }

      const auto chip = find_line(e, "chip_id ");
      REQUIRE(std::regex_search(chip, m, std::regex(R"(chip_id ([0-9a-f]+)…( \(rest zero\))?)")));
      const std::string chip_hex = j["chip_id"];
      CHECK(chip_hex.rfind(m[1].str(), 0) == 0);
      if (m[2].matched) CHECK(chip_hex.find_first_not_of('0', m[1].str().size()) == std::string::npos);

      CHECK(j["measurement"] == find_line(e, "measurement ").substr(12));
      CHECK(j["report_data"] == find_line(e, "report_data ").substr(12));
      CHECK(j["warnings"].empty());
      CHECK(j["notes"].empty() == (j["version"] != 2));
    }
  }
}

TEST_CASE("wrapped forms give the same report as the raw bytes", "[snp][real]") {
  REQUIRE_TESTDATA();
  SECTION("Linux MSG_REPORT_RSP (LIT, 4000 bytes)") {
    auto pr = snp::read_report(testdata::read("reports/lit-milan-v2-novcek/msg_report_rsp.bin"));
    REQUIRE(pr.ok());
    CHECK(pr->source == snp::container::msg_report_rsp);
    CHECK(pr->report.version() == 2);
    // A different report of the same chip: same CHIP_ID as report.bin, another measurement.
    auto raw = snp::read_report(testdata::read("reports/lit-milan-v2-novcek/report.bin"));
    REQUIRE(raw.ok());
    CHECK(hex::encode(pr->report.chip_id()) == hex::encode(raw->report.chip_id()));
    CHECK(hex::encode(pr->report.measurement()) != hex::encode(raw->report.measurement()));
  }
  SECTION("Azure HCL report") {
    auto pr = snp::read_report(testdata::read("reports/trustee-azure-milan-v2-hcl/hcl-report.bin"));
    REQUIRE(pr.ok());
    CHECK(pr->source == snp::container::azure_hcl);
    auto raw = snp::read_report(testdata::read("reports/trustee-azure-milan-v2-hcl/report.bin"));
    REQUIRE(raw.ok());
    CHECK(equal_bytes(pr->report.raw(), raw->report.raw()));
  }
  SECTION("hex and base64 text") {
    const auto raw = testdata::read("reports/oak-genoa-v5/report.bin");
    for (const std::string& text :
         {hex::encode(raw), base64::encode(raw), hex::encode(raw) + "\n", base64::encode(raw) + "\n"}) {
      auto pr = snp::read_report(as_bytes_view(text));
      REQUIRE(pr.ok());
      CHECK(equal_bytes(pr->report.raw(), raw));
    }
  }
  SECTION("report + 20-byte trailer needs --offset") {
    const auto data = testdata::read("reports/constellation-azure-milan-v2/attestation-1204.bin");
    auto bad = snp::read_report(data);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.err().to_string().find("1204 bytes") != std::string::npos);
    snp::read_options o;
    o.offset = 0;
    auto pr = snp::read_report(data, o);
    REQUIRE(pr.ok());
    CHECK(equal_bytes(pr->report.raw(), testdata::read("reports/constellation-azure-milan-v2/report.bin")));
  }
}

#include "support/json_schema.hpp"

TEST_CASE("report JSON follows schemas/report.schema.json for every real report", "[snp][real][json][schema]") {
  REQUIRE_TESTDATA();
  std::ifstream in(SEVPROOF_SOURCE_DIR "/schemas/report.schema.json");
  REQUIRE(in);
  const nlohmann::json schema = nlohmann::json::parse(in);
  // The checker itself must be able to fail.
  CHECK_FALSE(schema_check::check(nlohmann::json{{"version", "two"}}, schema).empty());

  for (const auto& e : read_expectations()) {
    auto pr = snp::read_report(testdata::read("reports/" + e.file));
    REQUIRE(pr.ok());
    auto j = nlohmann::json::parse(format::report_json(*pr).dump());
    INFO(e.file);
    CHECK(schema_check::check(j, schema) == "");
    j["unexpected_key"] = 1;
    CHECK_FALSE(schema_check::check(j, schema).empty());
  }
}
