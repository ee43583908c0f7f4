// The VM definition file: reading (TOML, JSON, SNPGuard), errors naming key and line, pins, the
// expected digest from files held in memory (as the page supplies them), writing, launch arguments.
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "sevproof/workflows/vm.hpp"
#include "sevproof/workflows/vm_launch.hpp"
#include "sevproof/workflows/vm_write.hpp"

using namespace sevproof;
namespace vm = sevproof::workflows::vm;
using Catch::Matchers::ContainsSubstring;

namespace {

const std::string td = SEVPROOF_TESTDATA_DIR;

const char* const example = R"(# a VM
format = 1

[launch]
mode = "snp"
ovmf = "ovmf/OVMF.amdsev.fd"
kernel = { path = "measure/kernel-a.bin" }
initrd = "measure/initrd-a.bin"
append = "console=ttyS0 root=/dev/vda1"
vcpus = 2
vcpu_type = "EPYC-Genoa"
vmm_type = "QEMU"
guest_features = 0x21
policy = 0x30000
host_data = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

[id_block]
family_id = "00112233445566778899aabbccddeeff"
guest_svn = 2

[expect]
measurement = ["0f6c2e5d1e2ff1f3f72e8ea1b8ca5b8c5d0a4a7f4d2f6ae9bd1d3d6d8e1f7a3b4c5d6e7f8091a2b3c4d5e6f708192a3b"]
min-tcb = "bl=3,tee=0,snp=8,ucode=115"
vmpl = 0
require-author-key = false
)";

std::string error_of(std::string_view text, const std::string& base = "") {
  auto d = vm::parse(text, "vm.toml", base);
  REQUIRE_FALSE(d.ok());
  return d.err().to_string();
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

bytes slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The expected digest of one row of the shared measurement vectors.
std::string vector_digest(const std::string& id) {
  std::ifstream in(td + "/measure/vectors.tsv");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(id + "\t", 0) == 0) {
      const auto a = line.find('\t', id.size() + 1);
      return line.substr(a + 1, line.find('\t', a + 1) - a - 1);
    }
  return {};
}

bool have_testdata() { return std::filesystem::exists(td + "/measure/vectors.tsv"); }

}  // namespace

TEST_CASE("vm file: every key of the example is read, with its line", "[vm]") {
  auto d = vm::parse(example, "vm.toml", "/data");
  REQUIRE(d.ok());
  CHECK(d->mode == "snp");
  CHECK(d->ovmf.resolved == "/data/ovmf/OVMF.amdsev.fd");
  REQUIRE(d->kernel);
  CHECK(d->kernel->resolved == "/data/measure/kernel-a.bin");
  CHECK_FALSE(d->kernel->pin);
  CHECK(d->append == "console=ttyS0 root=/dev/vda1");
  CHECK(d->vcpus == 2);
  CHECK(d->guest_features == "0x21");
  CHECK(d->policy == 0x30000u);
  REQUIRE(d->host_data);
  CHECK((*d->host_data)[31] == 0x1f);
  REQUIRE(d->id_block);
  CHECK(d->id_block->guest_svn == 2);
  CHECK(d->id_block->family_id[15] == 0xff);
  CHECK(std::set<std::string>(d->expect_keys.begin(), d->expect_keys.end()) ==
        std::set<std::string>{"measurement", "min-tcb", "vmpl", "require-author-key"});
  REQUIRE(d->expect.measurements.size() == 1);
  CHECK(d->expect.vmpl == 0u);
  REQUIRE(d->expect.min_reported_tcb);
  CHECK(d->expect.min_reported_tcb->microcode == 115);
  CHECK(d->where("launch.vcpus") == "launch.vcpus (line 10)");
  CHECK(d->where("expect.vmpl") == "expect.vmpl (line 24)");
}

TEST_CASE("vm file: the same content as JSON reads the same, lines included", "[vm]") {
  const std::string json = R"({
  "format": 1,
  "launch": {
    "mode": "snp",
    "ovmf": {"path": "OVMF.fd", "sha256": "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
    "vcpus": 4,
    "vcpu_type": "EPYC-Milan",
    "guest_features": "0x1"
  },
  "expect": {"vmpl": 0, "measurement": ["0f6c2e5d1e2ff1f3f72e8ea1b8ca5b8c5d0a4a7f4d2f6ae9bd1d3d6d8e1f7a3b4c5d6e7f8091a2b3c4d5e6f708192a3b"]}
})";
  auto d = vm::parse(json, "vm.json");
  REQUIRE(d.ok());
  CHECK(d->vcpus == 4);
  CHECK(d->vcpu_type == "EPYC-Milan");
  REQUIRE(d->ovmf.pin);
  CHECK((*d->ovmf.pin)[1] == 0x11);
  CHECK(d->where("launch.vcpus") == "launch.vcpus (line 6)");
  CHECK(d->where("launch.guest_features") == "launch.guest_features (line 8)");
  CHECK(d->where("expect.vmpl") == "expect.vmpl (line 10)");
  CHECK_THAT(error_of(replace(json, "\"vcpus\": 4", "\"vcpus\": \"4\"")),
             ContainsSubstring("line 6: launch.vcpus: expected an integer, found a string"));
  CHECK_THAT(error_of(replace(json, "\"vcpus\": 4", "\"vcpus\": null")),
             ContainsSubstring("line 6: launch.vcpus: expected an integer, found null"));
  CHECK_THAT(error_of(replace(json, "\"vcpu_type\": \"EPYC-Milan\"", "\"vcpu_type\": {}")),
             ContainsSubstring("line 7: launch.vcpu_type: expected a string, found a table (a JSON object)"));
  CHECK_THAT(error_of(replace(json, "\"vcpus\": 4,", "\"vcpus\": 4, \"vcpus\": 5,")),
             ContainsSubstring("duplicate key \"vcpus\""));
  CHECK_THAT(error_of(replace(json, "\"vcpus\": 4,", "\"vcpus\": 4")), ContainsSubstring("line 7: invalid JSON"));
  // a leading UTF-8 BOM (as some editors save) is read past, [expect] included (the fuzz smoke run's
  // fuzz/regressions/vm/bom-before-json-expect-read-as-toml.json: its [expect] was read as TOML and threw)
  auto with_bom = vm::parse("\xEF\xBB\xBF" + json, "vm.json");
  REQUIRE(with_bom.ok());
  CHECK(with_bom->expect.measurements.size() == 1);
  CHECK(with_bom->where("expect.vmpl") == "expect.vmpl (line 10)");
}

TEST_CASE("vm file: unknown keys, wrong types, missing and bad values name key and line", "[vm][hostile]") {
  const std::string ex = example;
  CHECK_THAT(error_of(replace(ex, "vcpus = 2", "vcpu = 2")),
             ContainsSubstring("line 10: launch.vcpu: unknown key in [launch]"));
  CHECK_THAT(error_of(replace(ex, "vcpus = 2", "vcpus = \"2\"")),
             ContainsSubstring("line 10: launch.vcpus: expected an integer, found a string"));
  CHECK_THAT(error_of(replace(ex, "vcpus = 2", "vcpus = 0")),
             ContainsSubstring("line 10: launch.vcpus: 0 is out of range (1 to 4096)"));
  CHECK_THAT(error_of(replace(ex, "vcpus = 2", "vcpus = -1")),
             ContainsSubstring("line 10: launch.vcpus: -1 is out of range (1 to 4096)"));  // one range in every message
  CHECK_THAT(error_of(replace(ex, "vcpus = 2", "vcpus = 5000")),
             ContainsSubstring("line 10: launch.vcpus: 5000 is out of range"));
  CHECK_THAT(error_of(replace(ex, "vcpus = 2\n", "")), ContainsSubstring("missing launch.vcpus in guest mode 'snp'"));
  CHECK_THAT(error_of(replace(ex, "format = 1\n", "")), ContainsSubstring("format: missing"));
  CHECK_THAT(error_of(replace(ex, "format = 1", "format = 2")),
             ContainsSubstring("line 2: format: 2 is not supported"));
  CHECK_THAT(error_of(replace(ex, "mode = \"snp\"", "mode = \"snp:ovmf-hash\"")),
             ContainsSubstring("line 5: launch.mode: 'snp:ovmf-hash': use snp, seves or sev"));
  CHECK_THAT(error_of(replace(ex, "vcpu_type = \"EPYC-Genoa\"", "vcpu_type = \"EPYC-Mars\"")),
             ContainsSubstring("launch.vcpu_type (line 11): unknown launch.vcpu_type 'EPYC-Mars'"));
  CHECK_THAT(error_of(replace(ex, "vcpu_type = \"EPYC-Genoa\"", "vcpu_type = \"\"")),
             ContainsSubstring("line 11: launch.vcpu_type: empty value"));
  CHECK_THAT(error_of(replace(ex, "guest_features = 0x21", "guest_features = 0x801")),
             ContainsSubstring("launch.guest_features (line 13)"));
  CHECK_THAT(error_of(replace(ex, "guest_features = 0x21", "guest_features = 1.5")),
             ContainsSubstring("line 13: launch.guest_features: expected an integer (or a string such as \"0x1\"), "
                               "found a floating-point number"));
  CHECK_THAT(error_of(replace(ex, "policy = 0x30000", "policy = 0x10000")),
             ContainsSubstring("line 14: launch.policy: 0x10000: bit 17 is reserved"));
  CHECK_THAT(error_of(replace(ex, "policy = 0x30000", "policy = \"lots\"")),
             ContainsSubstring("line 14: launch.policy: expected a number"));
  CHECK_THAT(error_of(replace(ex, "host_data = \"00", "host_data = \"")),
             ContainsSubstring("line 15: launch.host_data: expected 64 hex digits"));
  CHECK_THAT(
      error_of(replace(ex, "kernel = { path = \"measure/kernel-a.bin\" }", "kernel = { path = \"k\", sha = \"00\" }")),
      ContainsSubstring("line 7: launch.kernel.sha: unknown key in [launch.kernel]"));
  CHECK_THAT(error_of(replace(ex, "kernel = { path = \"measure/kernel-a.bin\" }",
                              "kernel = { path = \"k\", sha256 = \"00\" }")),
             ContainsSubstring("launch.kernel.sha256: expected 64 hex digits"));
  CHECK_THAT(error_of(replace(ex, "kernel = { path = \"measure/kernel-a.bin\" }", "kernel = 7")),
             ContainsSubstring(
                 "line 7: launch.kernel: expected a path (string) or a table { path, sha256 }, found an integer"));
  CHECK_THAT(error_of(replace(ex, "kernel = { path = \"measure/kernel-a.bin\" }\n", "")),
             ContainsSubstring("launch.initrd without launch.kernel"));
  CHECK_THAT(error_of(replace(ex, "vmpl = 0", "vmpl = 5")), ContainsSubstring("line 24: expect.vmpl: 5: expected 0-3"));
  CHECK_THAT(error_of(replace(ex, "vmpl = 0", "vmpl = [0]")),
             ContainsSubstring("line 24: expect.vmpl: a list is only accepted for repeatable keys"));
  CHECK_THAT(error_of(replace(ex, "vmpl = 0", "vmpls = 0")), ContainsSubstring("line 24: expect.vmpls: unknown key"));
  CHECK_THAT(error_of(replace(ex, "vmpl = 0", "host-data = \"00\"")),
             ContainsSubstring("expect.host-data: already fixed by the launch"));
  CHECK_THAT(error_of(replace(ex, "guest_svn = 2", "guest_svn = -1")),
             ContainsSubstring("line 19: id_block.guest_svn: -1 is out of range"));
  CHECK_THAT(error_of(replace(ex, "[expect]", "[expected]")),
             ContainsSubstring("line 21: expected: unknown key (valid: format, launch, id_block, expect)"));
  CHECK_THAT(error_of(replace(ex, "vcpus = 2", "vcpus = ")), ContainsSubstring("vm.toml: line 10: invalid TOML"));
  CHECK_THAT(error_of(std::string(vm::max_text_size + 1, '#')), ContainsSubstring("larger than 1 MiB"));
  CHECK_THAT(error_of(""), ContainsSubstring("format: missing"));
  CHECK_THAT(error_of("[[x]]\n[[x]]\n"), ContainsSubstring("x: unknown key"));
  CHECK_THAT(error_of(std::string(5000, '[')), ContainsSubstring("line 1: invalid TOML"));
  // toml++ 3.3.0 asserts (aborts, or assumes under clang) on these table headers: refused first.
  for (const char* h : {"[[[", "[=", "[.", "[,", "[#", "[$]", "[[$]]", "[\n", "format = 1\n  [ \"a\" ]\n[=]"})
    CHECK_THAT(error_of(h), ContainsSubstring("invalid TOML"));
  CHECK_THAT(error_of("format = 1\n  [ \"a\" ]\n[=]"),
             ContainsSubstring("line 3: invalid TOML: a table header must start with a key"));
  // Brackets inside values, strings and comments are not headers: valid TOML still reads.
  CHECK_THAT(error_of("a = [\n  [1, 2],\n  [3],\n]\nb = \"\"\"\n[=\n\"\"\"\n# [=\nc = '[='\n"),
             ContainsSubstring("a: unknown key (valid: format"));
  CHECK_THAT(error_of(std::string(5000, '{')), ContainsSubstring("invalid JSON"));
}

TEST_CASE("vm file: SEV and SEV-ES policies must agree with the mode", "[vm]") {
  const std::string sev =
      "format = 1\n[launch]\nmode = \"seves\"\novmf = \"OVMF.fd\"\nvcpus = 1\nvcpu_type = \"EPYC-Rome\"\n";
  auto d = vm::parse(sev, "vm.toml");
  REQUIRE(d.ok());
  CHECK(d->policy == 0x5u);
  CHECK_THAT(error_of(sev + "policy = 0x1\n"),
             ContainsSubstring("launch.policy: 0x1: bit 2 (ES) must be set for mode seves"));
  CHECK_THAT(error_of(sev + "host_data = \"" + std::string(64, 'a') + "\"\n"),
             ContainsSubstring("line 7: launch.host_data: HOST_DATA exists only for SNP guests"));
}

TEST_CASE("vm file: SNPGuard's file is read unchanged, with its fixed choices", "[vm][snpguard]") {
  const std::string sg = R"(host_cpu_family = "Milan"
vcpu_count = 1
ovmf_file = "OVMF.amdsev.fd"
guest_features = 0x21
kernel_file = "vmlinuz"
initrd_file = "initrd.img"
kernel_cmdline = ""
platform_info = 0x3
guest_policy = 0x30000
family_id = "00000000000000000000000000000000"
image_id = "00000000000000000000000000000001"

[min_commited_tcb]
bootloader = 3
tee = 0
snp = 8
microcode = 115
_reserved = [0, 0, 0, 0]
)";
  auto d = vm::parse(sg, "vm-config.toml", "/vm");
  REQUIRE(d.ok());
  CHECK(d->from == vm::origin::snpguard);
  CHECK(d->vcpu_type == "EPYC-v4");
  CHECK(d->vmm_type == "QEMU");
  CHECK(d->product == "Milan");
  CHECK_FALSE(d->append);  // "" means no command line
  CHECK(d->initrd->resolved == "/vm/initrd.img");
  CHECK(d->platform_info == 0x3u);
  CHECK(d->policy == 0x30000u);
  REQUIRE(d->id_block);
  CHECK(d->id_block->image_id[15] == 1);
  REQUIRE(d->expect.min_committed_tcb);
  CHECK(d->expect.min_committed_tcb->snp == 8);
  CHECK(d->expect.min_committed_tcb->microcode == 115);
  CHECK_THAT(error_of(replace(sg, "initrd_file = \"initrd.img\"\n", "")),
             ContainsSubstring("initrd_file: missing (required)"));
  CHECK_THAT(error_of(replace(sg, "initrd_file = \"initrd.img\"\n", "")), !ContainsSubstring("line"));
  CHECK_THAT(error_of(replace(sg, "tee = 0\n", "")),  // twin: in a table, the table's header line is named
             ContainsSubstring("line 13: min_commited_tcb.tee: missing (required in [min_commited_tcb])"));
  CHECK_THAT(error_of(replace(sg, "vcpu_count = 1", "vcpu_count = \"1\"")),
             ContainsSubstring("line 2: vcpu_count: expected an integer, found a string"));
  CHECK_THAT(error_of(replace(sg, "\"Milan\"", "\"Rome\"")),
             ContainsSubstring("host_cpu_family: 'Rome': SNPGuard knows Milan and Genoa"));
  CHECK_THAT(error_of(replace(sg, "tee = 0", "tea = 0")),
             ContainsSubstring("line 15: min_commited_tcb.tea: unknown key"));
  CHECK_THAT(error_of(replace(sg, "vcpu_count = 1", "vcpu_count = 0")),
             ContainsSubstring("line 2: vcpu_count: 0 is out of range (1 to 4096)"));
  // Converted to the native form and read back: the same launch.
  auto back = vm::parse(vm::to_toml(*d), "vm.toml", "/vm");
  REQUIRE(back.ok());
  CHECK(back->from == vm::origin::native);
  CHECK(back->vcpu_type == "EPYC-v4");
  CHECK(back->policy == 0x30000u);
  CHECK(back->id_block->image_id == d->id_block->image_id);
  CHECK(back->initrd->resolved == "/vm/initrd.img");
}

TEST_CASE("vm file: written and read back, every value survives (quotes and control characters too)", "[vm]") {
  auto d = vm::parse(example, "vm.toml");
  REQUIRE(d.ok());
  d->append = "a \"quoted\" \\ line\twith\ncontrol \x01 bytes";
  d->kernel->pin = crypto::sha256_of(bytes{1, 2, 3});
  const auto text = vm::to_toml(*d);
  auto back = vm::parse(text, "vm.toml");
  REQUIRE(back.ok());
  CHECK(back->append == d->append);
  CHECK(back->kernel->pin == d->kernel->pin);
  CHECK(back->host_data == d->host_data);
  CHECK(back->guest_features == d->guest_features);
  CHECK(validate::to_json(back->expect) == validate::to_json(d->expect));
  CHECK(back->id_block->family_id == d->id_block->family_id);
  CHECK(vm::to_toml(*back) == text);
}

TEST_CASE("vm file: a JSON file's UTF-8 paths survive the TOML `vm init` writes", "[vm]") {
  // JSON may carry any UTF-8; the TOML we write is ASCII, so such characters go out as \u/\U escapes. The path
  // holds a 2-byte, a 3-byte (the BOM) and a 4-byte character (U+1F512, a surrogate pair in JSON).
  const std::string json =
      "{\"format\": 1, \"launch\": {\"mode\": \"snp\", \"ovmf\": \"/home/jos\\u00e9/\\ufeff\\ud83d\\udd12OVMF.fd\","
      " \"vcpus\": 2, \"vcpu_type\": \"EPYC-Milan\"}}";
  auto d = vm::parse(json, "vm.json");
  REQUIRE(d.ok());
  CHECK(d->ovmf.path == "/home/jos\xC3\xA9/\xEF\xBB\xBF\xF0\x9F\x94\x92OVMF.fd");
  const auto text = vm::to_toml(*d);
  CHECK(text.find("jos\\u00E9/\\uFEFF\\U0001F512OVMF.fd") != std::string::npos);
  for (const char c : text) CHECK(static_cast<unsigned char>(c) < 0x80);
  auto back = vm::parse(text, "vm.toml");
  REQUIRE(back.ok());
  CHECK(back->ovmf.path == d->ovmf.path);
  CHECK(vm::to_toml(*back) == text);
}

TEST_CASE("vm file: the expected digest from files held in memory; pins refuse a changed file", "[vm][real]") {
  if (!have_testdata()) SKIP("no shared test data");
  // Row m07 of the shared vectors: SNP, AmdSev firmware, kernel + initrd + command line, 2 x EPYC-Genoa.
  std::map<std::string, bytes> files{{"ovmf/OVMF.amdsev.fd", slurp(td + "/ovmf/OVMF.amdsev.fd")},
                                     {"kernel-a.bin", slurp(td + "/measure/kernel-a.bin")},
                                     {"measure/initrd-a.bin", slurp(td + "/measure/initrd-a.bin")}};
  auto d = vm::parse(example, "vm.toml");
  REQUIRE(d.ok());
  auto ld = vm::expected_measurement(*d, files);
  REQUIRE(ld.ok());
  CHECK(hex::encode(*ld) == vector_digest("m07"));

  d->kernel->pin = crypto::sha256_of(files["kernel-a.bin"]);
  CHECK(vm::expected_measurement(*d, files).ok());
  const auto good = hex::encode(*d->kernel->pin);
  files["kernel-a.bin"][1000] ^= 1;  // one changed kernel byte
  const auto bad = hex::encode(crypto::sha256_of(files["kernel-a.bin"]));
  auto refused = vm::expected_measurement(*d, files);
  REQUIRE_FALSE(refused.ok());
  CHECK_THAT(refused.err().to_string(),
             ContainsSubstring("launch.kernel (line 7): measure/kernel-a.bin has SHA-256 " + bad));
  CHECK_THAT(refused.err().to_string(), ContainsSubstring("pins " + good));

  files.erase("measure/initrd-a.bin");
  CHECK_THAT(vm::expected_measurement(*d, files).err().to_string(),
             ContainsSubstring("launch.initrd (line 8): measure/initrd-a.bin: file not supplied"));
}

TEST_CASE("vm file: a SNPGuard file for vector m10 (EPYC-v4, QEMU, kernel) reproduces its digest",
          "[vm][snpguard][real]") {
  if (!have_testdata()) SKIP("no shared test data");
  // m10: kernel only; SNPGuard always names an initrd: an empty one hashes as an absent one.
  const std::string sg =
      "host_cpu_family = \"Genoa\"\nvcpu_count = 1\novmf_file = \"OVMF.amdsev.fd\"\nguest_features = 0x21\n"
      "kernel_file = \"kernel-a.bin\"\ninitrd_file = \"empty\"\nkernel_cmdline = \"\"\nplatform_info = 0x3\n"
      "guest_policy = 0x30000\nfamily_id = \"00000000000000000000000000000000\"\n"
      "image_id = \"00000000000000000000000000000000\"\n"
      "[min_commited_tcb]\nbootloader = 0\ntee = 0\nsnp = 0\nmicrocode = 0\n_reserved = [0, 0, 0, 0]\n";
  auto d = vm::parse(sg, "vm-config.toml");
  REQUIRE(d.ok());
  std::map<std::string, bytes> files{{"OVMF.amdsev.fd", slurp(td + "/ovmf/OVMF.amdsev.fd")},
                                     {"kernel-a.bin", slurp(td + "/measure/kernel-a.bin")},
                                     {"empty", {}}};
  auto ld = vm::expected_measurement(*d, files);
  REQUIRE(ld.ok());
  CHECK(hex::encode(*ld) == vector_digest("m10"));
  files["empty"] = {0};  // a one-byte initrd is another launch
  CHECK(hex::encode(*vm::expected_measurement(*d, files)) != vector_digest("m10"));
}

TEST_CASE("vm launch-args: QEMU arguments and libvirt domain carry every launch setting", "[vm][launch]") {
  auto d = vm::parse(example, "vm.toml", "/vm");
  REQUIRE(d.ok());
  auto a = vm::qemu_args(*d, {}, vm::id_material{"BLOCK", "AUTH", true});
  REQUIRE(a.ok());
  const auto& v = a->argv;
  auto after = [&](const std::string& flag) {
    for (std::size_t i = 0; i + 1 < v.size(); ++i)
      if (v[i] == flag) return v[i + 1];
    return std::string("(absent)");
  };
  CHECK(after("-machine") == "q35,confidential-guest-support=sev0");
  CHECK(after("-object") ==
        "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000,kernel-hashes=on,id-block=BLOCK,id-auth="
        "AUTH,"
        "author-key-enabled=on,host-data=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  CHECK(after("-cpu") == "EPYC-Genoa");
  CHECK(after("-smp") == "2");
  CHECK(after("-bios") == "/vm/ovmf/OVMF.amdsev.fd");
  CHECK(after("-kernel") == "/vm/measure/kernel-a.bin");
  CHECK(after("-initrd") == "/vm/measure/initrd-a.bin");
  CHECK(after("-append") == "console=ttyS0 root=/dev/vda1");
  CHECK_THAT(a->notes[0], ContainsSubstring("DebugSwap (0x20) needs kvm_amd debug_swap=1"));

  auto x = vm::libvirt_domain(*d, "guest<1>", 4096);
  REQUIRE(x.ok());
  CHECK_THAT(*x, ContainsSubstring("<name>guest&lt;1&gt;</name>"));
  CHECK_THAT(*x, ContainsSubstring("<launchSecurity type='sev-snp' authorKey='no' vcek='yes' kernelHashes='yes'>"));
  CHECK_THAT(*x, ContainsSubstring("<policy>0x00030000</policy>"));
  CHECK_THAT(*x, ContainsSubstring("<cmdline>console=ttyS0 root=/dev/vda1</cmdline>"));
  CHECK_THAT(*x, ContainsSubstring("<loader type='rom' stateless='yes'>/vm/ovmf/OVMF.amdsev.fd</loader>"));
  CHECK_THAT(*x, ContainsSubstring("<hostData>AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=</hostData>"));
  CHECK_THAT(*x, ContainsSubstring("<memory unit='MiB'>4096</memory>"));
  CHECK(vm::libvirt_domain(*d, "g", 0).err().to_string() ==
        "--memory: 0 MiB: a guest needs memory (libvirt refuses a domain without it)");

  // libvirt reads the XML back with libxml2, which turns a literal CR (or CR LF) into LF: the command line
  // measured would not be the one booted. CR and tab go as character references; what XML 1.0 cannot hold
  // (other control characters, bytes that are not UTF-8) is refused, naming the key.
  auto crlf = *d;
  crlf.append = "console=ttyS0\tquiet\r\n";
  CHECK_THAT(*vm::libvirt_domain(crlf, "g"), ContainsSubstring("<cmdline>console=ttyS0&#9;quiet&#13;\n</cmdline>"));
  crlf.append = "console=ttyS0\x1b[0m";
  CHECK_THAT(
      vm::libvirt_domain(crlf, "g").err().to_string(),
      ContainsSubstring("launch.append: has character U+001B at byte 13, which libvirt's domain XML cannot hold"));
  CHECK(vm::qemu_args(crlf).ok());  // QEMU's -append takes it as it is
  crlf.append = "console=\xff";
  CHECK_THAT(vm::libvirt_domain(crlf, "g").err().to_string(),
             ContainsSubstring("has a byte that is not UTF-8 at byte 8"));
  CHECK_THAT(vm::libvirt_domain(*d,
                                "a\x01"
                                "b")
                 .err()
                 .to_string(),
             ContainsSubstring("the domain name: has character U+0001"));

  // File names given relative to a relative VM file become absolute: libvirt's schema takes no relative
  // <loader>/<kernel>, and QEMU would resolve them from wherever it starts.
  auto rel = vm::parse(example, "vm.toml");
  REQUIRE(rel.ok());
  const auto cwd = std::filesystem::current_path().lexically_normal().string();
  CHECK_THAT(*vm::libvirt_domain(*rel, "g"), ContainsSubstring("<loader type='rom' stateless='yes'>" + cwd));
  auto joined = [](const std::vector<std::string>& args) {
    std::string j;
    for (const auto& arg : args) j += arg + " ";
    return j;
  };
  CHECK_THAT(joined(vm::qemu_args(*rel)->argv), ContainsSubstring("-bios " + cwd));
  // SEV-ES with the zeroed FPU state: QEMU's legacy-vm-type=on, which libvirt's XML cannot say: the XML says so
  std::string es =
      replace(replace(replace(example, "mode = \"snp\"", "mode = \"seves\""), "policy = 0x30000", "policy = 0x5"),
              "guest_features = 0x21\n", "fpu_init = \"zero\"\n");
  es = es.substr(0, es.find("host_data")) + es.substr(es.find("[expect]"));  // no HOST_DATA or ID block for SEV-ES
  auto legacy = vm::parse(es, "vm.toml", "/vm");
  INFO((legacy.ok() ? std::string() : legacy.err().to_string()));
  REQUIRE(legacy.ok());
  const auto lx = vm::libvirt_domain(*legacy, "g");
  REQUIRE(lx.ok());
  CHECK_THAT(*lx, ContainsSubstring("legacy-vm-type=on"));
  const auto open = lx->find("<!--"), close = lx->find("-->");
  REQUIRE((open != std::string::npos && close != std::string::npos));
  CHECK(lx->substr(open + 4, close - open - 4).find("--") == std::string::npos);  // what an XML comment may hold
  CHECK_THAT(joined(vm::qemu_args(*legacy)->argv), ContainsSubstring(",legacy-vm-type=on"));
  CHECK(vm::libvirt_domain(*d, "g")->find("legacy-vm-type") == std::string::npos);  // twin: the modern state

  // A signature instead of a model name: QEMU takes the numbers, libvirt cannot.
  auto sig = vm::parse(replace(example, "vcpu_type = \"EPYC-Genoa\"", "vcpu_sig = 0xA10F11"), "vm.toml");
  REQUIRE(sig.ok());
  CHECK(vm::qemu_args(*sig)->argv[7] == "EPYC-v4,family=25,model=17,stepping=1");
  CHECK_THAT(vm::libvirt_domain(*sig, "g").err().to_string(), ContainsSubstring("libvirt needs a CPU model name"));
  auto ec2 = vm::parse(replace(example, "vmm_type = \"QEMU\"", "vmm_type = \"ec2\""), "vm.toml");
  REQUIRE(ec2.ok());
  CHECK_THAT(vm::qemu_args(*ec2).err().to_string(), ContainsSubstring("ec2 guests are launched by their cloud"));
}
