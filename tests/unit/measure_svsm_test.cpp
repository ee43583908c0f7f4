// snp:svsm on images built here (the reference's own fixtures are checked by running the reference
// tool: tests/cli/svsm_reference.cmake): placement below OVMF_VARS, the entry point, what the digest
// depends on, and refusals of inputs no SVSM launch could have.
#include <catch2/catch_test_macros.hpp>

#include "sevproof/core/hex.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/measure/vcpu.hpp"
#include "sevproof/pipeline/measure_launch.hpp"

using namespace sevproof;
using namespace sevproof::measure;

namespace {

void put_guid(bytes& b, std::size_t at, const guid& g) {
  const auto e = g.efi_bytes();
  std::copy(e.begin(), e.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
}

// An image of `pages` pages whose footer table holds the given u32 entries, and an 'ASEV' table
// with `sections` at file offset 0x100 (when `metadata`).
bytes image_with(std::size_t pages, const std::vector<std::pair<guid, std::uint32_t>>& entries, bool metadata,
                 const std::vector<metadata_section>& sections) {
  bytes b(pages * 0x1000, 0xCC);
  const std::size_t n = b.size();
  std::vector<std::pair<guid, std::uint32_t>> all = entries;
  if (metadata) all.emplace_back(ovmf_guid::sev_metadata, static_cast<std::uint32_t>(n - 0x100));
  const std::size_t body = all.size() * 22;
  std::size_t at = n - 50 - body;
  for (const auto& [g, v] : all) {
    store_le<std::uint32_t>(b, at, v);
    store_le<std::uint16_t>(b, at + 4, 22);
    put_guid(b, at + 6, g);
    at += 22;
  }
  store_le<std::uint16_t>(b, n - 50, static_cast<std::uint16_t>(body + 18));
  put_guid(b, n - 48, ovmf_guid::footer);
  if (metadata) {
    b[0x100] = 'A', b[0x101] = 'S', b[0x102] = 'E', b[0x103] = 'V';
    store_le<std::uint32_t>(b, 0x104, static_cast<std::uint32_t>(16 + 12 * sections.size()));
    store_le<std::uint32_t>(b, 0x108, 1);
    store_le<std::uint32_t>(b, 0x10C, static_cast<std::uint32_t>(sections.size()));
    for (std::size_t i = 0; i < sections.size(); ++i) {
      store_le<std::uint32_t>(b, 0x110 + 12 * i, sections[i].gpa);
      store_le<std::uint32_t>(b, 0x114 + 12 * i, sections[i].size);
      store_le<std::uint32_t>(b, 0x118 + 12 * i, static_cast<std::uint32_t>(sections[i].type));
    }
  }
  return b;
}

const std::vector<metadata_section> svsm_sections = {{0x800000, 0x2000, section_type::sec_mem},
                                                     {0x802000, 0x1000, section_type::secrets},
                                                     {0x803000, 0x1000, section_type::cpuid}};

ovmf_image parsed(bytes b) {
  auto r = parse_ovmf(std::move(b));
  REQUIRE(r.ok());
  return std::move(r).value();
}

struct svsm_launch {
  ovmf_image ovmf = parsed(image_with(16, {{ovmf_guid::sev_es_reset_block, 0x80B004}}, false, {}));
  ovmf_image svsm = parsed(image_with(4, {{ovmf_guid::svsm_info, 0x2010}}, true, svsm_sections));
  launch_inputs in;
  svsm_launch() {
    in.mode = guest_mode::snp_svsm;
    in.vcpus = 2;
    in.vcpu_signature = *vcpu_signature("EPYC-v4");
  }
};

}  // namespace

TEST_CASE("snp:svsm: placement, entry point and sequence", "[measure][svsm]") {
  svsm_launch l;
  const std::uint64_t vars = 0x84000;
  measure::trace t;
  auto d = svsm_launch_digest(l.ovmf, l.svsm, vars, l.in, &t);
  REQUIRE(d.ok());
  // The SVSM image ends where OVMF_VARS starts: 4 GiB - 64 KiB (OVMF) - vars - 16 KiB (SVSM).
  const std::uint64_t svsm_gpa = 0x1'0000'0000ull - 0x10000 - vars - 0x4000;
  REQUIRE_FALSE(t.empty());
  CHECK(t.front().find("SVSM: 4 pages NORMAL at " + hex::number(svsm_gpa)) != std::string::npos);
  CHECK(t[t.size() - 2].find("SVSM entry " + hex::number(svsm_gpa + 0x2010)) != std::string::npos);
  CHECK(t.back() ==
        "pages measured: " + std::to_string(16 + 4 + 2 + 1 + 1 + 2));  // OVMF, SVSM, 2 ZERO, SECRETS, CPUID, 2 VMSAs

  // The same digest, page by page: the spec's sequence (measure-spec §8).
  gctx g;
  g.update_normal_range(l.ovmf.gpa, l.ovmf.data);
  g.update_normal_range(svsm_gpa, l.svsm.data);
  g.update_range(page_type::zero, 0x800000, 0x2000);
  g.update_empty(page_type::secrets, 0x802000);
  g.update_empty(page_type::cpuid, 0x803000);
  const auto vmsa = build_svsm_vmsa(static_cast<std::uint32_t>(svsm_gpa + 0x2010), 0x800F12, fpu_init::modern);
  CHECK(load_le<std::uint64_t>(vmsa, 0x178) == svsm_gpa + 0x2010);  // RIP: the full entry point, CS base 0
  CHECK(load_le<std::uint64_t>(vmsa, 0x3B0) == 1);                  // SEV_FEATURES
  CHECK(load_le<std::uint64_t>(vmsa, 0x158) == 0x11);               // CR0.PE
  g.update_contents(page_type::vmsa, vmsa_gpa, vmsa);
  g.update_contents(page_type::vmsa, vmsa_gpa, vmsa);
  CHECK(g.digest() == *d);
}

TEST_CASE("snp:svsm: what the digest depends on", "[measure][svsm]") {
  svsm_launch l;
  const auto base = *svsm_launch_digest(l.ovmf, l.svsm, 0x84000, l.in);
  CHECK(*svsm_launch_digest(l.ovmf, l.svsm, 0x85000, l.in) != base);  // the SVSM moves down a page
  auto more = l.in;
  more.vcpus = 3;
  CHECK(*svsm_launch_digest(l.ovmf, l.svsm, 0x84000, more) != base);
  auto milan = l.in;
  milan.vcpu_signature = *vcpu_signature("EPYC-Milan");
  CHECK(*svsm_launch_digest(l.ovmf, l.svsm, 0x84000, milan) != base);
  auto features = l.in;
  features.guest_features = 0x21;  // not used: SVSM vCPUs start with 0x1
  CHECK(*svsm_launch_digest(l.ovmf, l.svsm, 0x84000, features) == base);
}

TEST_CASE("snp:svsm: inputs no SVSM launch could have are refused", "[measure][svsm]") {
  svsm_launch l;
  auto refused = [&](const ovmf_image& svsm, std::uint64_t vars, const launch_inputs& in, const char* words) {
    auto r = svsm_launch_digest(l.ovmf, svsm, vars, in);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().message.find(words) != std::string::npos);
  };
  refused(l.svsm, 1000, l.in, "not a positive multiple of 4096");
  refused(l.svsm, 0, l.in, "not a positive multiple of 4096");
  refused(l.svsm, 0x1'0000'0000ull, l.in, "do not fit below the firmware");
  refused(l.ovmf, 0x84000, l.in, "no SVSM info entry");
  refused(parsed(image_with(4, {{ovmf_guid::svsm_info, 0x10}}, false, {})), 0x84000, l.in, "no SEV metadata");
  auto x = l.in;
  x.vmm = vmm_type::ec2;
  refused(l.svsm, 0x84000, x, "only defined for QEMU");
  x = l.in;
  x.kernel = boot_hashes{};
  refused(l.svsm, 0x84000, x, "no kernel hashes");
  x = l.in;
  x.vcpus = 0;
  refused(l.svsm, 0x84000, x, "0 vCPUs");
  x = l.in;
  x.mode = guest_mode::snp;
  refused(l.svsm, 0x84000, x, "not snp:svsm mode");
  CHECK_FALSE(snp_launch_digest(l.ovmf, l.in).ok());  // the other entry points refuse snp:svsm inputs
  CHECK_FALSE(sev_launch_digest(l.ovmf, l.in).ok());
}

TEST_CASE("snp:svsm requests: the flags that go with the mode", "[measure][svsm]") {
  request r;
  r.mode = "snp:svsm";
  r.vcpus = 2;
  r.vcpu_type = "EPYC-v4";
  auto words = [&](const char* w) {
    auto x = to_inputs(r);
    REQUIRE_FALSE(x.ok());
    CHECK(x.err().message.find(w) != std::string::npos);
  };
  words("needs --svsm FILE");
  r.svsm = true;
  words("needs --vars-size N or --vars-file FILE");
  r.vars = true;
  CHECK(to_inputs(r).ok());
  CHECK(to_inputs(r)->mode == guest_mode::snp_svsm);
  r.guest_features = "0x21";
  words("SEV_FEATURES 0x1");
  r.guest_features = "0x1";
  r.kernel = true;
  words("no kernel hashes");
  r.kernel = false;
  r.vmm_type = "gce";
  words("only defined for QEMU");
  r.vmm_type = "QEMU";
  r.vcpu_type.clear();
  words("missing --vcpu-type");
  r.vcpu_type = "EPYC-v4";
  r.mode = "snp";
  words("only used in --mode snp:svsm");
}

TEST_CASE("snp:svsm: the pipeline keeps the VMSA page it measured (measure --dump-vmsa)", "[measure][svsm]") {
  svsm_launch l;
  measure::request rq;
  rq.mode = "snp:svsm";
  rq.vcpus = 3;
  rq.vcpu_type = "EPYC-v4";
  rq.svsm = rq.vars = true;
  pipeline::launch_files files;
  files.ovmf = image_with(16, {{ovmf_guid::sev_es_reset_block, 0x80B004}}, false, {});
  files.svsm = image_with(4, {{ovmf_guid::svsm_info, 0x2010}}, true, svsm_sections);
  files.vars_size = 0x84000;
  const auto m = pipeline::measure_launch(rq, files);
  REQUIRE(m.failure == pipeline::measure_failure::none);
  REQUIRE(m.vmsa_pages.size() == 1);  // every vCPU starts from the same page
  const std::uint64_t entry = 0x1'0000'0000ull - 0x10000 - 0x84000 - 0x4000 + 0x2010;
  CHECK(m.vmsa_pages.front() == build_svsm_vmsa(static_cast<std::uint32_t>(entry), 0x800F12, fpu_init::modern));
  // and it is the page the digest measured: three of it after the sections
  auto d = svsm_launch_digest(parsed(files.ovmf), parsed(*files.svsm), 0x84000, m.inputs);
  REQUIRE(d.ok());
  CHECK(bytes(d->begin(), d->end()) == m.digest);
  // SNP keeps the BSP's and the APs' pages; SEV measures none
  rq.mode = "snp";
  rq.svsm = rq.vars = false;
  files.svsm.reset();
  files.vars_size = 0;
  rq.allow_missing_sev_metadata = true;  // the image built here has none
  const auto snp = pipeline::measure_launch(rq, files);
  REQUIRE(snp.failure == pipeline::measure_failure::none);
  REQUIRE(snp.vmsa_pages.size() == 2);
  CHECK(load_le<std::uint64_t>(snp.vmsa_pages[0], 0x178) == 0xFFF0);  // BSP RIP
  CHECK(snp.vmsa_pages[0] != snp.vmsa_pages[1]);
  rq.mode = "sev";
  CHECK(pipeline::measure_launch(rq, files).vmsa_pages.empty());
}
