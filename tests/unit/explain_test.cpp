// workflows::explain on the reference tool's vectors: for every pair of rows of
// shared/testdata/measure/vectors.tsv whose inputs differ in one or two inputs, explaining the
// second row's digest from the first row's inputs names exactly those inputs and values. Plus
// inputs made here (guest features and vCPU count changed together, command-line variants,
// SEV-ES/SEV modes), a random digest that is not explained, and refusals.
#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/snp/report_reader.hpp"
#include "sevproof/workflows/explain.hpp"
#include "support/testdata.hpp"

using namespace sevproof;
using namespace sevproof::measure;
using workflows::believed_launch;
using workflows::explain_options;

namespace {

ovmf_image fw(const std::string& rel) {
  auto r = parse_ovmf(testdata::read(rel));
  REQUIRE(r.ok());
  return std::move(r).value();
}

// One vectors.tsv row as the launch it describes: canonical inputs (what the digest depends on).
struct row {
  std::string id, ovmf;
  launch_inputs in;
  std::optional<std::string> kernel, initrd, append;
  bool signature_given = false;
  bytes digest;
  std::map<std::string, std::string> canon;  // flag -> canonical value, for comparing rows
  std::set<std::string> relevant;
};

std::optional<row> read_row(const std::string& line) {
  std::vector<std::string> cols;
  std::stringstream ss(line);
  for (std::string c; std::getline(ss, c, '\t');) cols.push_back(c);
  if (cols.size() < 4 || cols[3] != "0" || cols[0] == "m18")
    return std::nullopt;  // m18: no SNP launch can use its firmware
  row r{cols[0], {}, {}, {}, {}, {}, false, {}, {}, {}};
  const auto args = nlohmann::json::parse(cols[1]);
  request q;
  std::map<std::string, std::string> a;
  for (std::size_t i = 0; i + 1 < args.size(); i += 2) a[args[i].get<std::string>()] = args[i + 1].get<std::string>();
  if (a.count("--snp-ovmf-hash") || a["--mode"] == "snp:ovmf-hash") return std::nullopt;
  q.mode = a["--mode"];
  if (a.count("--vcpus")) q.vcpus = std::stoll(a["--vcpus"]);
  q.vcpu_type = a.count("--vcpu-type") ? a["--vcpu-type"] : "";
  if (a.count("--vcpu-family")) {
    q.vcpu_family = std::stoll(a["--vcpu-family"]);
    q.vcpu_model = std::stoll(a["--vcpu-model"]);
    q.vcpu_stepping = std::stoll(a["--vcpu-stepping"]);
  }
  r.signature_given = !q.vcpu_type.empty() || q.vcpu_family.has_value();
  if (a.count("--vmm-type")) q.vmm_type = a["--vmm-type"];
  if (a.count("--guest-features")) q.guest_features = a["--guest-features"];
  q.kernel = a.count("--kernel") > 0;
  q.initrd = a.count("--initrd") > 0;
  q.append = a.count("--append") > 0;
  auto in = to_inputs(q);
  REQUIRE(in.ok());
  r.in = *in;
  r.ovmf = a["--ovmf"];
  if (q.kernel) {
    boot_hashes h;
    h.kernel = crypto::sha256_of(testdata::read(a["--kernel"]));
    if (q.initrd) h.initrd = crypto::sha256_of(testdata::read(a["--initrd"]));
    if (q.append) r.append = a["--append"];
    h.cmdline = boot_hashes::cmdline_hash(r.append.value_or(""));
    r.in.kernel = h;
    r.kernel = a["--kernel"];
    if (q.initrd) r.initrd = a["--initrd"];
  }
  const std::string expected = cols[2];
  r.digest = a.count("--output-format") ? *base64::decode(expected) : *hex::decode(expected);
  const bool vmsas = r.in.mode != guest_mode::sev;
  const bool qemu = r.in.vmm == vmm_type::qemu;
  r.canon["mode"] = q.mode;
  r.canon["ovmf"] = r.ovmf;
  r.canon["vmm-type"] = q.vmm_type;
  r.canon["vcpus"] = std::to_string(r.in.vcpus);
  r.canon["vcpu-type"] = r.signature_given ? hex::number(r.in.vcpu_signature) : "none";
  r.canon["guest-features"] = hex::number(r.in.guest_features);
  r.canon["kernel"] = r.kernel.value_or("-");
  r.canon["initrd"] = r.initrd.value_or("-");
  r.canon["append"] = r.append.value_or("");
  // What this row's digest depends on (the others are irrelevant to it).
  r.relevant = {"mode", "ovmf", "kernel"};
  if (vmsas) r.relevant.insert({"vmm-type", "vcpus"});
  if (vmsas && qemu) r.relevant.insert("vcpu-type");
  if (r.in.mode == guest_mode::snp) r.relevant.insert("guest-features");
  if (r.kernel) r.relevant.insert({"initrd", "append"});
  return r;
}

std::vector<row> vector_rows() {
  std::ifstream in(testdata::path("measure/vectors.tsv"));
  REQUIRE(in);
  std::vector<row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line))
    if (auto r = read_row(line)) rows.push_back(std::move(*r));
  return rows;
}

// The flags (and canonical values) in which `to` differs from `from`, among those `to` depends on;
// with a kernel on one side only, its initrd and command line go with it.
std::map<std::string, std::string> differences(const row& from, const row& to) {
  std::map<std::string, std::string> d;
  for (const auto& k : to.relevant) {
    if ((k == "initrd" || k == "append") && !from.kernel) continue;
    if (from.canon.at(k) != to.canon.at(k)) d[k] = to.canon.at(k);
  }
  if (from.kernel && !to.kernel) d["kernel"] = "-";
  return d;
}

// An explanation's value for `flag`, in the canonical form of the rows.
std::string canonical(const std::string& flag, const std::optional<std::string>& v) {
  if (!v) return "-";
  if (flag == "vcpu-type") return hex::number(*vcpu_signature(*v));
  if (flag == "ovmf") return "ovmf/" + std::filesystem::path(*v).filename().string();
  return *v;
}

}  // namespace

TEST_CASE("explain names the input (or two) that differ between vector rows", "[explain][real]") {
  REQUIRE_TESTDATA();
  const auto rows = vector_rows();
  REQUIRE(rows.size() >= 15);
  std::map<std::string, ovmf_image> images;
  // The rows have at most 8 vCPUs and guest features 0x1 or 0x21; the full search (512 vCPUs, every
  // combination of 13 feature bits) runs in the CLI tests, here it would only multiply the time.
  explain_options opt;
  opt.max_vcpus = 16;
  opt.feature_bits = 0x220;
  for (const char* name : {"OVMF_CODE.fd", "OVMF_CODE_4M.fd", "OVMF-trixie.fd", "OVMF.amdsev.fd"})
    opt.ovmf_candidates.push_back(
        {testdata::path(std::string("ovmf/") + name).string(), fw(std::string("ovmf/") + name)});
  for (const auto& c : opt.ovmf_candidates)
    images.emplace("ovmf/" + std::filesystem::path(c.path).filename().string(), c.image);
  unsigned one = 0, two = 0, unexplainable = 0;
  for (const auto& from : rows)
    for (const auto& to : rows) {
      if (&from == &to || from.digest == to.digest) continue;
      const auto want = differences(from, to);
      if (want.empty() || want.size() > 2) continue;
      INFO(from.id << " inputs, " << to.id << " digest");
      believed_launch b{from.in,     &images.at(from.ovmf),   from.ovmf,
                        from.append, from.initrd.has_value(), from.signature_given};
      auto r = workflows::explain(b, to.digest, opt);
      REQUIRE(r.ok());
      if (want.count("kernel") && want.at("kernel") != "-") {  // a kernel was added: its file is unknown
        CHECK_FALSE(r->explained);
        ++unexplainable;
        continue;
      }
      REQUIRE(r->explained);
      const auto& e = r->explanations.front();
      std::map<std::string, std::string> got;
      for (const auto& c : e.changes) got[c.flag] = canonical(c.flag, c.value);
      CHECK(got == want);
      CHECK(e.digest == to.digest);
      (want.size() == 1 ? one : two)++;
    }
  CHECK(one >= 4);   // m02/m03 features, m02/m04 vCPUs (both ways), ...
  CHECK(two >= 20);  // features + vCPUs, type + vCPUs, firmware + features, firmware + kernel removed, ...
  CHECK(unexplainable >= 1);
}

namespace {
struct milan_launch {
  ovmf_image image = fw("ovmf/OVMF.amdsev.fd");
  launch_inputs in;
  milan_launch() {
    in.vcpus = 4;
    in.vcpu_signature = *vcpu_signature("EPYC-Milan");
    in.guest_features = 0x1;
    boot_hashes h;
    h.kernel = crypto::sha256_of(testdata::read("measure/kernel-a.bin"));
    h.initrd = crypto::sha256_of(testdata::read("measure/initrd-a.bin"));
    h.cmdline = boot_hashes::cmdline_hash("console=ttyS0 root=/dev/vda1");
    in.kernel = h;
  }
  believed_launch belief() const {
    return {in, &image, "OVMF.amdsev.fd", std::string("console=ttyS0 root=/dev/vda1"), true, true};
  }
};
// A smaller search than the default, so that these cases take a second (the CLI tests run the full one).
explain_options quick() {
  explain_options o;
  o.max_vcpus = 32;
  o.feature_bits = 0x220;  // DebugSwap, SecureTSC
  return o;
}
bytes digest_of(const ovmf_image& f, const launch_inputs& x) {
  if (x.mode == guest_mode::snp) {
    auto d = snp_launch_digest(f, x);
    REQUIRE(d.ok());
    return {d->begin(), d->end()};
  }
  auto d = sev_launch_digest(f, x);
  REQUIRE(d.ok());
  return {d->begin(), d->end()};
}
std::map<std::string, std::optional<std::string>> first_changes(const workflows::explanation_report& r) {
  REQUIRE(r.explained);
  std::map<std::string, std::optional<std::string>> m;
  for (const auto& c : r.explanations.front().changes) m[c.flag] = c.value;
  return m;
}
}  // namespace

TEST_CASE("explain: changes made here are found and named", "[explain][real]") {
  REQUIRE_TESTDATA();
  milan_launch l;
  auto changed = l.in;
  using M = std::map<std::string, std::optional<std::string>>;
  SECTION("guest features and vCPU count together") {
    changed.guest_features = 0x21;
    changed.vcpus = 16;
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"guest-features", "0x21"}, {"vcpus", "16"}});
    CHECK(r->explanations.front().sentence.find("debug_swap") != std::string::npos);
  }
  SECTION("a trailing newline on the command line") {
    changed.kernel->cmdline = boot_hashes::cmdline_hash("console=ttyS0 root=/dev/vda1\n");
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"append", "console=ttyS0 root=/dev/vda1\n"}});
    CHECK(r->explanations.front().sentence.find("trailing newline") != std::string::npos);
  }
  SECTION("Nova's default command line and a vCPU type alias") {
    changed.kernel->cmdline = boot_hashes::cmdline_hash("root=/dev/vda console=tty0 console=ttyS0 console=hvc0");
    changed.vcpu_signature = *vcpu_signature("EPYC-v2");
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) ==
          M{{"append", "root=/dev/vda console=tty0 console=ttyS0 console=hvc0"}, {"vcpu-type", "EPYC"}});
    const auto& same = r->explanations.front().same_digest;
    CHECK(std::any_of(same.begin(), same.end(),
                      [](const std::string& s) { return s.find("EPYC-v4") != std::string::npos; }));
  }
  SECTION("a trailing carriage return, and runs of whitespace, on the command line") {
    changed.kernel->cmdline = boot_hashes::cmdline_hash("console=ttyS0 root=/dev/vda1\r");
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"append", "console=ttyS0 root=/dev/vda1\r"}});
    CHECK(r->explanations.front().sentence.find("carriage return") != std::string::npos);
    auto spaced = l.belief();  // the user believes a doubled space and a tab the guest did not have
    spaced.append = "console=ttyS0  \troot=/dev/vda1";
    spaced.inputs.kernel->cmdline = boot_hashes::cmdline_hash(*spaced.append);
    r = workflows::explain(spaced, digest_of(l.image, l.in), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"append", "console=ttyS0 root=/dev/vda1"}});
  }
  SECTION("host CPU passthrough: the report's own CPU signature, which no QEMU model has") {
    const auto rep = snp::read_report(testdata::read("reports/routex-genoa-v5/report.bin"));
    REQUIRE(rep.ok());
    const auto host = workflows::report_cpu_signature(rep->report);
    REQUIRE(host == 0x00A10F11u);  // Genoa B1 (family 25, model 17, stepping 1); EPYC-Genoa is stepping 0
    changed.vcpu_signature = *host;
    auto with_host = quick();
    with_host.host_signature = host;
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), with_host);
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"vcpu-sig", "0xa10f11"}});
    CHECK(r->explanations.front().sentence.find("host CPU passed through") != std::string::npos);
    auto without = workflows::explain(l.belief(), digest_of(l.image, changed), quick());  // twin: not tried
    REQUIRE(without.ok());
    CHECK_FALSE(without->explained);
  }
  SECTION("initrd removed: merged with an empty initrd") {
    changed.kernel->initrd = crypto::sha256_of({});
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"initrd", std::nullopt}});
    CHECK(r->explanations.front().same_digest.front().find("empty initrd") != std::string::npos);
  }
  SECTION("FPU init zero and VMM type gce") {
    auto z = l.in;
    z.fpu = fpu_init::zero;
    auto r = workflows::explain(l.belief(), digest_of(l.image, z), quick());
    CHECK(first_changes(*r) == M{{"fpu-init", "zero"}});
    auto g = l.in;
    g.vmm = vmm_type::gce;
    g.guest_features = 0x221;
    r = workflows::explain(l.belief(), digest_of(l.image, g), quick());
    CHECK(first_changes(*r) == M{{"guest-features", "0x221"}, {"vmm-type", "gce"}});
  }
  SECTION("EC2's two VMSA generations: believed ec2, launched by an older EC2 host (RDX 0), and back") {
    l.in.vmm = vmm_type::ec2;
    auto old = l.in;
    old.vmm = vmm_type::ec2_legacy;
    auto r = workflows::explain(l.belief(), digest_of(l.image, old), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"vmm-type", "ec2-legacy"}});
    CHECK(r->explanations.front().sentence.find("RDX 0, not 0x600") != std::string::npos);
    auto back = l;
    back.in.vmm = vmm_type::ec2_legacy;
    r = workflows::explain(back.belief(), digest_of(l.image, l.in), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"vmm-type", "ec2"}});
    // a QEMU belief tries the old EC2 generation too (sev-snp-measure-go's vectors are ec2-legacy digests
    // asserted with QEMU-like flags); its twin, the current generation, is still found as ec2
    milan_launch q;
    r = workflows::explain(q.belief(), digest_of(l.image, old), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"vmm-type", "ec2-legacy"}});
    r = workflows::explain(q.belief(), digest_of(l.image, l.in), quick());
    REQUIRE(r.ok());
    CHECK(first_changes(*r) == M{{"vmm-type", "ec2"}});
  }
  SECTION("the mode: a 32-byte digest of an SEV-ES launch with 2 vCPUs") {
    changed.mode = guest_mode::seves;
    changed.vcpus = 2;
    auto r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    CHECK(first_changes(*r) == M{{"mode", "seves"}, {"vcpus", "2"}});
    changed.mode = guest_mode::sev;
    r = workflows::explain(l.belief(), digest_of(l.image, changed), quick());
    CHECK(first_changes(*r) == M{{"mode", "sev"}});
  }
  SECTION("the believed launch itself: explained with no change") {
    auto r = workflows::explain(l.belief(), digest_of(l.image, l.in));
    REQUIRE(r.ok());
    CHECK(r->explained);
    CHECK(r->explanations.front().changes.empty());
  }
}

TEST_CASE("explain: a random digest is not explained, and every axis is listed", "[explain][real]") {
  REQUIRE_TESTDATA();
  milan_launch l;
  std::mt19937_64 rng(14);
  bytes random(48);
  for (auto& b : random) b = static_cast<byte>(rng());
  explain_options opt = quick();
  opt.ovmf_candidates.push_back(
      {"OVMF_CODE_4M.fd", fw("ovmf/OVMF_CODE_4M.fd")});  // no SEV metadata: never measured, counted
  opt.ovmf_candidates.push_back(
      {"OVMF-trixie.fd", fw("ovmf/OVMF-trixie.fd")});  // no kernel hashes: measured without the kernel
  auto r = workflows::explain(l.belief(), random, opt);
  REQUIRE(r.ok());
  CHECK_FALSE(r->explained);
  CHECK(r->explanations.empty());
  std::map<std::string, std::uint64_t> s(r->searched.begin(), r->searched.end());
  CHECK(s.at("guest-features") == 3);
  CHECK(s.at("vcpus") == 31);
  CHECK(s.at("vcpu-type") == 4);
  CHECK(s.at("vmm-type") == 3);
  CHECK(s.at("fpu-init") == 1);
  CHECK(s.at("initrd") == 1);
  CHECK(s.at("kernel") == 1);
  CHECK(s.at("append") >= 6);
  CHECK(s.at("ovmf") == 2);
  CHECK(s.at("ovmf-skipped") == 1);
  CHECK(r->candidates > 500);
}

TEST_CASE("explain: the guest-features axis is every combination of the searched bits", "[explain]") {
  const auto all = workflows::detail_explain::feature_values(0x21, searched_guest_features);
  CHECK(all.size() == 8192);
  CHECK(all.front() == 0x21);
  CHECK(std::set<std::uint64_t>(all.begin(), all.end()).size() == all.size());
  CHECK(
      std::all_of(all.begin(), all.end(), [](std::uint64_t f) { return (f & 1) && !(f & ~searched_guest_features); }));
  // a bit accepted but not searched (Secure AVIC) stays as the belief has it
  const auto avic = workflows::detail_explain::feature_values(0x10021, searched_guest_features);
  CHECK(std::all_of(avic.begin(), avic.end(), [](std::uint64_t f) { return (f & 0x10000) != 0; }));
  CHECK(workflows::explain_options{}.feature_bits == searched_guest_features);
  CHECK(workflows::detail_explain::feature_values(0x1, 0x220) == std::vector<std::uint64_t>{0x1, 0x21, 0x201, 0x221});
}

TEST_CASE("explain refuses what it cannot search", "[explain]") {
  ovmf_image empty;
  launch_inputs in;
  CHECK_FALSE(workflows::explain({in, nullptr, "", {}, false, true}, bytes(48)).ok());
  auto r = workflows::explain({in, &empty, "x", {}, false, true}, bytes(47));
  REQUIRE_FALSE(r.ok());
  CHECK(r.err().message.find("48 bytes (SNP) or 32 bytes") != std::string::npos);
  in.mode = guest_mode::snp_ovmf_hash;
  CHECK_FALSE(workflows::explain({in, &empty, "x", {}, false, true}, bytes(48)).ok());
  in.mode = guest_mode::snp;
  explain_options o;
  o.max_vcpus = 0;
  CHECK_FALSE(workflows::explain({in, &empty, "x", {}, false, true}, bytes(48), o).ok());
}

TEST_CASE("a believed launch that cannot be measured is still searched", "[explain][real]") {
  REQUIRE_TESTDATA();
  // Believed: a kernel with firmware that cannot measure one; reported: the same launch without it.
  const auto f = fw("ovmf/OVMF-trixie.fd");
  launch_inputs in;
  in.vcpus = 2;
  in.vcpu_signature = *vcpu_signature("EPYC-Milan");
  in.guest_features = 0x21;
  auto reported = digest_of(f, in);
  in.kernel = boot_hashes{};
  auto r = workflows::explain({in, &f, "OVMF-trixie.fd", {}, false, true}, reported, quick());
  REQUIRE(r.ok());
  CHECK(r->believed_digest.empty());
  CHECK(r->believed_error.find("SNP_KERNEL_HASHES") != std::string::npos);
  CHECK(first_changes(*r) == std::map<std::string, std::optional<std::string>>{{"kernel", std::nullopt}});
}

TEST_CASE("explain: a 48-byte value with an SEV belief may be QEMU's LAUNCH_MEASURE, and says so", "[explain][real]") {
  REQUIRE_TESTDATA();
  milan_launch l;
  auto b = l.belief();
  b.inputs.mode = guest_mode::sev;
  const bytes hmac_and_nonce(48, 0x5a), digest32(32, 0x5a);
  const auto r = workflows::explain(b, hmac_and_nonce, quick());
  REQUIRE(r.ok());
  CHECK_FALSE(r->explained);
  CHECK(r->note.find("LAUNCH_MEASURE HMAC (32 bytes) and MNONCE (16 bytes)") != std::string::npos);
  const auto sev_digest = workflows::explain(b, digest32, quick());  // twin: a 32-byte value is an SEV digest
  REQUIRE(sev_digest.ok());
  CHECK(sev_digest->note.empty());
}
