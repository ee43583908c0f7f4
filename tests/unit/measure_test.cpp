// Launch measurement on the real Debian firmware: footer tables and SEV metadata as
// shared/testdata/ovmf/SOURCES.md lists them, the spec's hashes-table example, digest properties,
// and hostile firmware images.
#include <catch2/catch_test_macros.hpp>

#include <random>

#include "sevproof/core/hex.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "support/testdata.hpp"

using namespace sevproof;
using namespace sevproof::measure;

namespace {
ovmf_image fw(const std::string& name) {
  auto r = parse_ovmf(testdata::read("ovmf/" + name));
  INFO(name);
  REQUIRE(r.ok());
  return std::move(r).value();
}
std::string sections(const ovmf_image& f) {
  std::string s;
  for (const auto& x : *f.sev_metadata) {
    char b[64];
    std::snprintf(b, sizeof b, "(0x%X,0x%X,%u)", x.gpa, x.size, static_cast<unsigned>(x.type));
    s += b;
  }
  return s;
}
}  // namespace

TEST_CASE("the four Debian OVMF images parse as SOURCES.md describes", "[measure][real]") {
  REQUIRE_TESTDATA();
  auto a = fw("OVMF_CODE.fd");
  CHECK(a.gpa == 0xFFE20000u);
  CHECK(a.ap_reset_eip() == 0x0080B004u);
  CHECK(a.hash_table_gpa() == 0u);
  CHECK(sections(a) ==
        "(0x800000,0x9000,1)(0x80A000,0x3000,1)(0x80D000,0x1000,2)(0x80E000,0x1000,3)(0x80F000,0x11000,1)");

  auto b = fw("OVMF_CODE_4M.fd");
  CHECK(b.gpa == 0xFFC84000u);
  CHECK(b.has_footer);
  CHECK(b.ap_reset_eip() == 0x00808004u);
  CHECK_FALSE(b.sev_metadata);

  auto c = fw("OVMF-trixie.fd");
  CHECK(c.gpa == 0xFFC00000u);
  CHECK(sections(c) ==
        "(0x800000,0x9000,1)(0x80A000,0x3000,1)(0x80D000,0x1000,2)(0x80E000,0x1000,3)(0x80F000,0x1000,4)(0x810000,"
        "0x10000,1)");

  auto d = fw("OVMF.amdsev.fd");
  CHECK(d.hash_table_gpa() == 0x810C00u);
  CHECK(d.hash_table_size() == 0x400u);
  CHECK(d.u32_entry(ovmf_guid::sev_secret) == 0x810000u);
  CHECK(sections(d) ==
        "(0x800000,0x9000,1)(0x80A000,0x3000,1)(0x80D000,0x1000,2)(0x80E000,0x1000,3)(0x80F000,0x1000,4)(0x811000,"
        "0x1F000,1)(0x810000,0x1000,16)");
  CHECK(d.has_section(section_type::kernel_hashes));
}

TEST_CASE("hashes table: the spec's example bytes", "[measure]") {
  boot_hashes h;
  h.kernel = crypto::sha256_of({});
  h.cmdline = boot_hashes::cmdline_hash("console=ttyS0 loglevel=7");
  CHECK(hex::encode(build_hashes_table(h)) ==
        "06d63894224fc94cb479a793d411fd21a800d82dd09720bd944caa78e7714d36ab2a3200321c8eec6a77bad179511397f913a083067ad8"
        "cb737b"
        "b260aacbfe8df70fc50a31f7ba442f3ad74b9af141e29169781d3200e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49599"
        "1b7852"
        "b8553794e74dd2ab7f42b835d5b172d2045b3200e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855000000"
        "0000000000");
  CHECK(hex::encode(boot_hashes::cmdline_hash("")) ==
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

TEST_CASE("digest properties the reference vectors imply", "[measure][real]") {
  REQUIRE_TESTDATA();
  const auto trixie = fw("OVMF-trixie.fd");
  launch_inputs in;
  in.vcpus = 2;
  in.vcpu_signature = *vcpu_signature("EPYC-Milan");
  in.guest_features = 0x21;
  const auto full = snp_launch_digest(trixie, in);
  REQUIRE(full.ok());
  CHECK(hex::encode(*full) ==
        "7e996af8e2ea5fc179b61993b0f37f419d9f8826dac2e2aa2919799b621e3078e8d66769a80397af82051f0ab18a45bb");  // m12

  SECTION("seeding with the firmware-only digest gives the same result (m15 = m12)") {
    launch_inputs only_fw = in;
    only_fw.mode = guest_mode::snp_ovmf_hash;
    auto seed = snp_launch_digest(trixie, only_fw);
    REQUIRE(seed.ok());
    launch_inputs seeded = in;
    seeded.ovmf_seed = *seed;
    CHECK(*snp_launch_digest(trixie, seeded) == *full);
  }
  SECTION("SEV without a kernel is the SHA-256 of the firmware (m21)") {
    launch_inputs sev;
    sev.mode = guest_mode::sev;
    CHECK(*sev_launch_digest(trixie, sev) == crypto::sha256_of(testdata::read("ovmf/OVMF-trixie.fd")));
  }
  SECTION("family/model/stepping 25/17/0 is EPYC-Genoa") {
    CHECK(cpu_signature(25, 17, 0) == *vcpu_signature("EPYC-Genoa"));
  }
  SECTION("every vCPU and every input changes the digest") {
    launch_inputs more = in;
    more.vcpus = 3;
    CHECK(*snp_launch_digest(trixie, more) != *full);
    launch_inputs features = in;
    features.guest_features = 0x1;
    CHECK(*snp_launch_digest(trixie, features) != *full);
    launch_inputs gce = in;
    gce.vmm = vmm_type::gce;
    CHECK(*snp_launch_digest(trixie, gce) != *full);
  }
}

TEST_CASE("streamed kernel hashing equals one-shot hashing", "[measure][real]") {
  REQUIRE_TESTDATA();
  const auto k = testdata::read("measure/kernel-a.bin");
  crypto::sha256 h;
  for (std::size_t at = 0; at < k.size(); at += 4099)
    h.update(bytes_view(k).subspan(at, std::min<std::size_t>(4099, k.size() - at)));
  CHECK(h.finish() == crypto::sha256_of(k));
  CHECK(hex::encode(crypto::sha256_of(k)) == "987ab1b5b3b71c1d1053a817cffc3695c96e78c2b068d558c6b340a8255c3ed8");
}

TEST_CASE("inconsistent inputs are refused with the reason", "[measure][real]") {
  REQUIRE_TESTDATA();
  launch_inputs in;
  in.vcpu_signature = *vcpu_signature("EPYC-Milan");
  SECTION("SNP with firmware lacking SEV metadata") {
    auto r = snp_launch_digest(fw("OVMF_CODE_4M.fd"), in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().message.find("no SEV metadata") != std::string::npos);
  }
  SECTION("kernel with a firmware that cannot measure one, SNP and SEV-ES") {
    in.kernel = boot_hashes{};
    auto r = snp_launch_digest(fw("OVMF_CODE.fd"), in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().message.find("OVMF.amdsev.fd") != std::string::npos);
    in.mode = guest_mode::seves;
    CHECK_FALSE(sev_launch_digest(fw("OVMF_CODE.fd"), in).ok());
  }
  SECTION("a kernel hashes table entry QEMU refuses: missing, GPA 0, or an area too small, in every mode") {
    in.kernel = boot_hashes{};
    const auto good = fw("OVMF.amdsev.fd");
    const auto set_entry = [](ovmf_image& f, std::uint32_t gpa, std::uint32_t size) {
      for (auto& e : f.entries)
        if (e.id == ovmf_guid::sev_hash_table) {
          store_le<std::uint32_t>(e.data, 0, gpa);
          store_le<std::uint32_t>(e.data, 4, size);
        }
    };
    auto missing = good, gpa0 = good, small = good, just = good;
    std::erase_if(missing.entries, [](const auto& e) { return e.id == ovmf_guid::sev_hash_table; });
    set_entry(gpa0, 0, 0x400);
    set_entry(small, 0x810C00, 16);
    set_entry(just, 0x810C00, 176);  // twin: exactly the padded table
    for (auto mode : {guest_mode::snp, guest_mode::seves, guest_mode::sev}) {
      in.mode = mode;
      const auto digest = [&](const ovmf_image& f) {
        return mode == guest_mode::snp ? snp_launch_digest(f, in).ok() : sev_launch_digest(f, in).ok();
      };
      const auto why = [&](const ovmf_image& f) {
        return mode == guest_mode::snp ? snp_launch_digest(f, in).err().message
                                       : sev_launch_digest(f, in).err().message;
      };
      INFO(static_cast<int>(mode));
      CHECK(digest(good));
      CHECK(digest(just));
      REQUIRE_FALSE(digest(missing));
      CHECK(why(missing).find("no kernel hashes table entry") != std::string::npos);
      REQUIRE_FALSE(digest(gpa0));
      CHECK(why(gpa0).find("GPA 0") != std::string::npos);
      REQUIRE_FALSE(digest(small));
      CHECK(why(small).find("is 16 bytes, smaller than the 176-byte table") != std::string::npos);
      in.kernel.reset();  // twin: firmware-only boots do not need the table
      CHECK(digest(missing));
      CHECK(digest(gpa0));
      in.kernel = boot_hashes{};
    }
  }
  SECTION("SEV metadata no launch can have: past 4 GiB, over the firmware, two sections on one page") {
    const auto good = fw("OVMF.amdsev.fd");
    REQUIRE(snp_launch_digest(good, in).ok());  // twin
    const auto why = [&](auto change) {
      auto f = good;
      change(*f.sev_metadata);
      const auto r = snp_launch_digest(f, in);
      return r.ok() ? std::string("measured") : r.err().message;
    };
    CHECK(why([](auto& m) {
            m.push_back({0xFFFFF000u, 0x2000u, section_type::sec_mem});
          }).find("runs past 4 GiB") != std::string::npos);
    CHECK(why([](auto& m) {
            m.push_back({0xFFFFF000u, 0x1000u, section_type::sec_mem});
          }).find("the firmware image and section SNP_SEC_MEM at 0xfffff000") != std::string::npos);
    CHECK(why([](auto& m) { m[3].gpa = m[2].gpa; }).find("overlap: no launch adds a page twice") != std::string::npos);
    CHECK(why([](auto& m) { m.push_back({0x900000u, 0x1000u, section_type::sec_mem}); }) == "measured");  // apart
  }
  SECTION("zero vCPUs") {
    in.vcpus = 0;
    CHECK_FALSE(snp_launch_digest(fw("OVMF-trixie.fd"), in).ok());
  }
}

TEST_CASE("hostile firmware images are refused, never crash", "[measure][hostile]") {
  REQUIRE_TESTDATA();
  const auto good = testdata::read("ovmf/OVMF.amdsev.fd");
  const std::size_t n = good.size();
  SECTION("not page-sized") { CHECK(parse_ovmf(bytes(good.begin(), good.end() - 1)).err().field == "size"); }
  SECTION("empty") { CHECK_FALSE(parse_ovmf({}).ok()); }
  SECTION("an IGVM file is named, not measured as firmware") {
    auto igvm = good;
    const std::string magic = "IGVM";
    std::copy(magic.begin(), magic.end(), igvm.begin());
    const auto r = parse_ovmf(igvm);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().field == "magic");
    CHECK(r.err().to_string().find("IGVM file, not an OVMF firmware image") != std::string::npos);
    igvm[0] = 'X';  // twin: the same bytes without the magic are read as firmware
    CHECK(parse_ovmf(igvm).ok());
  }
  SECTION("footer table length beyond the image") {
    auto b = good;
    // A table claimed larger than what precedes the footer in a small image.
    bytes small(b.end() - 0x1000, b.end());
    store_le<std::uint16_t>(small, small.size() - 50, 0xFFFF);
    auto r = parse_ovmf(small);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().field == "footer table length");
    // In the full image the same length makes the walker read firmware code as entries: refused too.
    store_le<std::uint16_t>(b, n - 50, 0xFFFF);
    auto whole = parse_ovmf(b);
    REQUIRE_FALSE(whole.ok());
    CHECK(whole.err().field.rfind("footer table", 0) == 0);
  }
  SECTION("an entry length below 18") {
    auto b = good;
    store_le<std::uint16_t>(b, n - 50 - 18, 3);
    auto r = parse_ovmf(b);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().field == "footer table entry length");
  }
  SECTION("SEV metadata signature and version") {
    auto img = parse_ovmf(good).value();
    const auto off = *img.u32_entry(ovmf_guid::sev_metadata);
    auto b = good;
    b[n - off] = 'X';
    CHECK(parse_ovmf(b).err().field == "SEV metadata signature");
    auto c = good;
    store_le<std::uint32_t>(c, n - off + 8, 2);
    CHECK(parse_ovmf(c).err().field == "SEV metadata version");
    auto d = good;
    store_le<std::uint32_t>(d, n - off + 16 + 8, 9);
    CHECK(parse_ovmf(d).err().field == "SEV metadata section #1 type");
  }
  SECTION("random pages") {
    std::mt19937_64 rng(42);
    for (int round = 0; round < 50; ++round) {
      bytes b(0x2000 * (1 + round % 3));
      for (auto& x : b) x = static_cast<byte>(rng());
      if (round % 2 == 0) {  // give it a plausible footer so the table walker runs on garbage
        const auto e = ovmf_guid::footer.efi_bytes();
        std::copy(e.begin(), e.end(), b.end() - 48);
      }
      auto r = parse_ovmf(b);
      if (r.ok()) {
        launch_inputs in;
        (void)snp_launch_digest(*r, in);
      }
    }
    SUCCEED("no crash on random images");
  }
}

namespace {
// An OVMF image with only what an SNP digest seeded with the firmware's own digest reads: the footer
// table (SEV metadata offset, SEV-ES reset block) and the SEV metadata sections.
bytes firmware_with(std::uint32_t ap_reset_eip, const std::vector<metadata_section>& sections) {
  bytes img(4u << 20, 0);
  const std::size_t meta = img.size() - 0x1000;
  const byte asev[4] = {'A', 'S', 'E', 'V'};
  std::copy(asev, asev + 4, img.begin() + static_cast<std::ptrdiff_t>(meta));
  store_le<std::uint32_t>(img, meta + 4, static_cast<std::uint32_t>(16 + 12 * sections.size()));
  store_le<std::uint32_t>(img, meta + 8, 1);
  store_le<std::uint32_t>(img, meta + 12, static_cast<std::uint32_t>(sections.size()));
  for (std::size_t i = 0; i < sections.size(); ++i) {
    store_le<std::uint32_t>(img, meta + 16 + 12 * i, sections[i].gpa);
    store_le<std::uint32_t>(img, meta + 20 + 12 * i, sections[i].size);
    store_le<std::uint32_t>(img, meta + 24 + 12 * i, static_cast<std::uint32_t>(sections[i].type));
  }
  // footer table, read backwards from 32 bytes before the end: [metadata entry][reset entry][footer]
  std::size_t end = img.size() - 32;
  auto entry = [&](const guid& id, std::uint32_t value) {
    end -= 22;
    store_le<std::uint32_t>(img, end, value);
    store_le<std::uint16_t>(img, end + 4, 22);
    const auto g = id.efi_bytes();
    std::copy(g.begin(), g.end(), img.begin() + static_cast<std::ptrdiff_t>(end + 6));
  };
  const std::size_t footer = end - 18;
  store_le<std::uint16_t>(img, footer, 18 + 2 * 22);
  const auto f = ovmf_guid::footer.efi_bytes();
  std::copy(f.begin(), f.end(), img.begin() + static_cast<std::ptrdiff_t>(footer + 2));
  end = footer;
  entry(ovmf_guid::sev_es_reset_block, ap_reset_eip);
  entry(ovmf_guid::sev_metadata, 0x1000);
  return img;
}
}  // namespace

TEST_CASE("EC2 before sev-snp-measure 0.0.13 (VMSA RDX 0): a real 2023 EC2 report's MEASUREMENT", "[measure][real]") {
  REQUIRE_TESTDATA();
  // The AWS firmware's SEV metadata and AP reset address and its digest (`snp:ovmf-hash`), as published with
  // sev-snp-measure-go's EC2 test; the launch: 2 vCPUs, guest features 0x1. The report is a real EC2 guest's.
  const auto report = testdata::read("reports/constellation-aws-milan-v2-vlek-b/report.bin");
  const bytes reported(report.begin() + 0x90, report.begin() + 0x90 + 48);
  auto img = parse_ovmf(firmware_with(0x80b004, {{0x800000, 0x9000, section_type::sec_mem},
                                                 {0x80a000, 0x3000, section_type::sec_mem},
                                                 {0x80d000, 0x1000, section_type::secrets},
                                                 {0x80e000, 0x1000, section_type::cpuid},
                                                 {0x80f000, 0x11000, section_type::sec_mem}}));
  REQUIRE(img.ok());
  REQUIRE(img->ap_reset_eip() == 0x80b004u);
  launch_inputs in;
  in.mode = guest_mode::snp;
  in.vcpus = 2;
  in.guest_features = 0x1;
  const auto seed =
      *hex::decode("2027a27bb9f7acfd280e4c7bd68a73973b94bf0756e5b282e004b9395f597b8d0eb4defa7d8f6549375aa4d2b146f0f3");
  in.ovmf_seed.emplace();
  std::copy(seed.begin(), seed.end(), in.ovmf_seed->begin());
  in.vmm = vmm_type::ec2_legacy;
  const auto legacy = snp_launch_digest(*img, in);
  REQUIRE(legacy.ok());
  CHECK(hex::encode(*legacy) == hex::encode(reported));
  // twin: today's EC2 VMSA (RDX 0x600, sev-snp-measure 0.0.13) cannot give this report's digest
  in.vmm = vmm_type::ec2;
  const auto current = snp_launch_digest(*img, in);
  REQUIRE(current.ok());
  CHECK(hex::encode(*current) != hex::encode(reported));
  // and the two EC2 VMSAs differ in RDX only
  const auto a = build_vmsa({0xFFFFFFF0u, 0, 1, vmm_type::ec2, fpu_init::modern});
  const auto b = build_vmsa({0xFFFFFFF0u, 0, 1, vmm_type::ec2_legacy, fpu_init::modern});
  std::size_t differing = 0;
  for (std::size_t i = 0; i < a.size(); ++i) differing += a[i] != b[i];
  CHECK(differing == 1);  // RDX 0x600 little-endian: 00 06
}
