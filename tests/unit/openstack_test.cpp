// OpenStack: Nova's memory-encryption decision replayed over hand-written flavor/image pairs
// (tests/data/openstack/cases.json: every rule of shared/spec/workflows.md §1, each case with its expected
// model, refusal, finding codes in order and launch shape), the two `properties` forms, hostile documents,
// the JSON schema, the code table in docs/openstack.md, and the VM file read back with toml++.
#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sevproof/core/toml.hpp"
#include "sevproof/workflows/openstack.hpp"
#include "support/json_schema.hpp"

namespace os = sevproof::workflows::openstack;
using json = nlohmann::json;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string data(const std::string& name) { return read_text(SEVPROOF_SOURCE_DIR "/tests/data/openstack/" + name); }

os::check_options options_of(const json& c) {
  os::check_options o;
  if (c.contains("node")) {
    auto n = os::parse_node_facts(c["node"].get<std::string>());
    REQUIRE(n.ok());
    o.node = *n;
  }
  if (c.contains("root_device")) o.root_device = c["root_device"].get<std::string>();
  if (c.contains("require")) o.require = os::model_from_short_name(c["require"].get<std::string>());
  return o;
}

std::vector<std::string> codes_of(const os::check_result& r) {
  std::vector<std::string> out;
  for (const auto& f : r.findings) out.push_back(f.code);
  return out;
}

// The check for one case of cases.json, from the two files.
json case_named(const json& cases, const std::string& name) {
  for (const auto& c : cases)
    if (c["name"] == name) return c;
  FAIL("no case named " << name);
  return {};
}

os::check_result run_case(const json& c) {
  auto r =
      os::check_documents(data(c["flavor"].get<std::string>()), data(c["image"].get<std::string>()), options_of(c));
  INFO((r.ok() ? std::string() : r.err().to_string()));
  REQUIRE(r.ok());
  return *r;
}

json schema() { return json::parse(read_text(SEVPROOF_SOURCE_DIR "/schemas/openstack-check.schema.json")); }

}  // namespace

TEST_CASE("openstack: every hand-written flavor/image pair resolves as Nova would", "[openstack]") {
  const auto cases = json::parse(data("cases.json"));
  REQUIRE(cases.size() >= 30);
  const auto s = schema();
  for (const auto& c : cases) {
    INFO(c["name"].get<std::string>() << ": " << c["flavor"].get<std::string>() << " + "
                                      << c["image"].get<std::string>());
    const auto r = run_case(c);
    const auto j = json::parse(os::to_json(r).dump());
    CHECK(j["model"] == c["model"]);
    CHECK(j["refused"] == c["refused"]);
    CHECK((r.launchable() ? 0 : 1) == c["exit"].get<int>());
    CHECK(json(codes_of(r)) == c["codes"]);
    if (c["launch"].is_null()) {
      CHECK(j["launch"].is_null());
    } else {
      REQUIRE(j["launch"].is_object());
      for (const auto& [key, value] : c["launch"].items()) {
        INFO("launch." << key);
        CHECK(j["launch"][key] == value);
      }
    }
    CHECK(schema_check::check(j, s) == "");
    for (const auto& f : r.findings) CHECK(!f.message.empty());
  }
}

TEST_CASE("openstack: one changed input changes the answer", "[openstack]") {
  auto image = json::parse(data("image-snp-kernel.json"));
  auto flavor = json::parse(data("flavor-snp.json"));
  auto run = [&](const os::check_options& o = {}) {
    auto r = os::check_documents(flavor.dump(), image.dump(), o);
    REQUIRE(r.ok());
    return *r;
  };
  REQUIRE_FALSE(run().refused);
  CHECK(run().launch->vcpus == 4);
  flavor["vcpus"] = 7;
  CHECK(run().launch->vcpus == 7);
  os::check_options o;
  o.root_device = "/dev/sdb";
  CHECK(*run(o).launch->cmdline == "root=/dev/sdb console=tty0 console=ttyS0 console=hvc0");
  image["properties"]["hw_firmware_stateless"] = "no";
  CHECK(run().refused);
  image["properties"]["hw_firmware_stateless"] = true;  // a JSON boolean reads as the string would
  CHECK_FALSE(run().refused);
  image["properties"]["hw_machine_type"] = "pc-i440fx-9.0";
  CHECK(run().refused);
  image["properties"]["hw_machine_type"] = "pc-q35-9.0";
  image["properties"]["hw_mem_encryption_model"] = "amd-sev-es";
  CHECK(run().refused);  // the flavor says amd-sev-snp
  flavor["properties"].erase("hw:mem_encryption_model");
  CHECK(run().resolved == os::model::amd_sev_es);
  CHECK_FALSE(run().launch->kernel_hashes);
}

TEST_CASE("openstack: the output follows schemas/openstack-check.schema.json, which can fail", "[openstack][schema]") {
  const auto s = schema();
  const auto r = run_case(case_named(json::parse(data("cases.json")), "YAOOK example: SNP booting from disk"));
  auto j = json::parse(os::to_json(r).dump());
  REQUIRE(schema_check::check(j, s) == "");
  CHECK(j["schema_version"] == 1);
  auto broken = j;
  broken["launch"]["policy"] = 0x30000;
  CHECK_FALSE(schema_check::check(broken, s).empty());
  broken = j;
  broken["model"] = "sev-snp";
  CHECK_FALSE(schema_check::check(broken, s).empty());
  broken = j;
  broken["findings"][0]["code"] = "X1";
  CHECK_FALSE(schema_check::check(broken, s).empty());
  broken = j;
  broken.erase("launch");
  CHECK_FALSE(schema_check::check(broken, s).empty());
}

TEST_CASE("openstack: the older properties string", "[openstack][properties]") {
  auto p = os::parse_properties_string("hw_firmware_type='uefi', os_command_line='a=b, c='d' it's', x.y:z-1=''");
  REQUIRE(p.ok());
  CHECK(p->size() == 3);
  CHECK(p->at("hw_firmware_type") == "uefi");
  CHECK(p->at("os_command_line") == "a=b, c='d' it's");
  CHECK(p->at("x.y:z-1").empty());
  CHECK(os::parse_properties_string("")->empty());
  CHECK(os::parse_properties_string("  ")->empty());
  CHECK(os::parse_properties_string(" a='1' ")->at("a") == "1");
  // Values are not escaped by the clients, so only ", key='" ends one: without the space this is one value.
  CHECK(os::parse_properties_string("a='1',b='2'")->at("a") == "1',b='2");
  CHECK(os::parse_properties_string("a='1' b='2'")->at("a") == "1' b='2");

  struct bad {
    const char* text;
    const char* says;
  };
  for (const auto& b : {bad{"a='1", "a value has no closing quote"}, bad{"a=1", "a expected ='"},
                        bad{"a='1'junk", "a value has no closing quote"}, bad{"='1'", "expected a key"},
                        bad{"a='1', a='2'", "a given twice"}, bad{"a='1', ", "a value has no closing quote"},
                        bad{"a='1', b", "a value has no closing quote"}, bad{"a b='1'", "a expected ='"},
                        bad{"{'a': '1'}", "expected a key"}}) {
    INFO(b.text);
    auto r = os::parse_properties_string(b.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.err().to_string().find(b.says) != std::string::npos);
  }
}

TEST_CASE("openstack: hostile and wrong documents are refused, naming the document and the problem",
          "[openstack][hostile]") {
  struct bad {
    const char* file;
    bool as_flavor;
    const char* says;
  };
  for (const auto& b : {
           bad{"bad/truncated.json", true, "flavor: not valid JSON"},
           bad{"bad/table-output.txt", true, "flavor: not valid JSON"},
           bad{"bad/server-show.json", true, "it looks like `openstack server show`"},
           bad{"bad/server-show.json", false, "not the output of `openstack image show -f json`"},
           bad{"flavor-snp.json", false, "it looks like `openstack flavor show`"},
           bad{"image-snp-yaook.json", true, "it looks like `openstack image show`"},
           bad{"bad/image-list.json", false, "a JSON list, not one object"},
           bad{"bad/image-bad-properties.json", false, "image: properties string does not parse"},
           bad{"bad/image-bad-properties.json", false, "hw_mem_encryption value has no closing quote at character 26"},
           bad{"bad/image-properties-no-equals.json", false, "properties string does not parse"},
           bad{"bad/image-encryption-number.json", false, "image: hw_mem_encryption expected a string or a boolean"},
           bad{"bad/flavor-vcpus-string.json", true, "flavor: vcpus expected an integer"},
           bad{"bad/flavor-vcpus-zero.json", true, "a guest has 1 to 4096 vCPUs"},
           bad{"bad/flavor-duplicate-key.json", true, "flavor: hw:mem_encryption given twice"},
           bad{"bad/flavor-properties-list.json", true, "flavor: properties expected an object or a string"},
           bad{"bad/flavor-deep.json", true, "nested deeper than 32"},
       }) {
    INFO(b.file);
    const auto text = data(b.file);
    auto r = b.as_flavor ? os::check_documents(text, data("image-snp-yaook.json"))
                         : os::check_documents(data("flavor-snp.json"), text);
    REQUIRE_FALSE(r.ok());
    INFO(r.err().to_string());
    CHECK(r.err().to_string().find(b.says) != std::string::npos);
  }
  // Sizes, types and empties.
  CHECK_FALSE(os::parse_flavor(std::string(os::max_document_size + 1, ' ')).ok());
  CHECK_FALSE(os::parse_flavor("").ok());
  CHECK_FALSE(os::parse_flavor("null").ok());
  CHECK_FALSE(os::parse_flavor(R"({"name": 4, "vcpus": 1, "ram": 1})").ok());
  CHECK_FALSE(os::parse_flavor(R"({"vcpus": 1, "ram": 1})").ok());
  CHECK_FALSE(os::parse_flavor(R"({"name": "x", "vcpus": 4097, "ram": 1})").ok());
  CHECK_FALSE(os::parse_flavor(R"({"name": "x", "vcpus": 1.5, "ram": 1})").ok());
  CHECK_FALSE(os::parse_image(R"({"disk_format": "raw", "kernel_id": "k", "properties": {"kernel_id": "j"}})").ok());
  CHECK_FALSE(os::parse_image(R"({"disk_format": "raw", "properties": {"kernel_id": true}})").ok());
  CHECK(os::parse_image(R"({"disk_format": "raw", "kernel_id": "k", "properties": {"kernel_id": "k"}})").ok());
  CHECK(os::parse_image(R"({"disk_format": "raw", "properties": {"hw_mem_encryption": false, "other": [1, {"a": 2}]}})")
            .ok());
  // Properties Nova does not read may hold anything; the ones it reads may not.
  CHECK(os::parse_flavor(R"({"name": "x", "vcpus": 1, "properties": {"quota:cpu": 5}})").ok());
}

TEST_CASE("openstack: --node facts", "[openstack][node]") {
  auto n = os::parse_node_facts("machine_type=pc-q35-9.0,cpu_mode=custom,cpu_model=EPYC-Milan,virt_type=kvm");
  REQUIRE(n.ok());
  CHECK(n->machine_type == "pc-q35-9.0");
  CHECK(n->cpu_mode == "custom");
  CHECK(n->cpu_model == "EPYC-Milan");
  CHECK(n->virt_type == "kvm");
  auto merged = os::parse_node_facts("virt_type=qemu", *os::parse_node_facts("cpu_model=EPYC-Genoa"));
  REQUIRE(merged.ok());
  CHECK(merged->cpu_model == "EPYC-Genoa");
  CHECK(merged->virt_type == "qemu");
  CHECK(os::parse_node_facts("machine_type=x86_64=q35")->machine_type == "x86_64=q35");
  for (const char* bad :
       {"", "cpu_model", "cpu_model=", "cpu_mode=fast", "virt_type=xen", "gpu=none",
        "cpu_model=EPYC,cpu_model=EPYC-Milan", "cpu_model=EPYC,", ",cpu_model=EPYC", "cpu_model=EPYC Milan",
        "cpu_model=EPYC\x1b[0m", "machine_type=q35'", "cpu_model=caf\xc3\xa9"}) {
    INFO(bad);
    CHECK_FALSE(os::parse_node_facts(bad).ok());
  }
  CHECK_FALSE(os::parse_node_facts("cpu_model=EPYC", *os::parse_node_facts("cpu_model=EPYC")).ok());
  CHECK(os::model_from_short_name("sev-snp") == os::model::amd_sev_snp);
  CHECK(os::model_from_short_name("amd-sev-es") == os::model::amd_sev_es);
  CHECK_FALSE(os::model_from_short_name("snp").has_value());
}

TEST_CASE("openstack: Nova's boolean spellings", "[openstack][boolean]") {
  const auto image = data("image-uefi-q35.json");
  for (const char* t : {"true", "True", "TRUE", "1", "yes", "Y", "on", "t", " On "}) {
    INFO(t);
    json f{{"name", "f"}, {"vcpus", 1}, {"ram", 1}, {"properties", {{"hw:mem_encryption", t}}}};
    auto r = os::check_documents(f.dump(), image);
    REQUIRE(r.ok());
    CHECK(r->resolved == os::model::amd_sev);
  }
  for (const char* t : {"false", "0", "no", "off", "F", "n", "enabled", "", "2", "truee"}) {
    INFO(t);
    json f{{"name", "f"}, {"vcpus", 1}, {"ram", 1}, {"properties", {{"hw:mem_encryption", t}}}};
    auto r = os::check_documents(f.dump(), image);
    REQUIRE(r.ok());
    CHECK_FALSE(r->resolved.has_value());
    const bool odd =
        std::string(t) == "enabled" || std::string(t).empty() || std::string(t) == "2" || std::string(t) == "truee";
    CHECK((r->findings.front().code == "O003") == odd);
  }
}

TEST_CASE("docs/openstack.md documents exactly the finding codes", "[openstack][docs]") {
  const auto doc = read_text(SEVPROOF_SOURCE_DIR "/docs/openstack.md");
  std::size_t rows = 0;
  for (std::size_t pos = 0; (pos = doc.find("\n| O", pos)) != std::string::npos; ++pos) ++rows;
  CHECK(rows == std::size(os::all_codes));
  for (const auto* c : os::all_codes) {
    INFO(c->code);
    CHECK(doc.find("| " + std::string(c->code) + " | " + std::string(os::severity_name(c->level)) + " | " +
                   std::string(c->title) + " |") != std::string::npos);
  }
}

namespace {

const std::string pin_a(64, 'a'), pin_b(64, 'b'), pin_c(64, 'c');

toml::table parse_vm(const std::string& text) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& e) {
    FAIL("the VM file is not TOML: " << e.description() << "\n" << text);
  }
  return {};
}

}  // namespace

TEST_CASE("openstack --emit-vm: the VM file reads back with toml++ and carries the launch", "[openstack][vm]") {
  const auto cases = json::parse(data("cases.json"));
  SECTION("SNP direct boot with kernel hashes") {
    auto c = case_named(cases, "SNP direct boot: kernel hashes, Nova's default command line");
    c["node"] = "cpu_mode=custom,cpu_model=EPYC-Milan";
    const auto r = run_case(c);
    auto text = os::vm_file_text(
        r,
        {{"OVMF.amdsev.fd", pin_a}, os::pinned_file{"../boot/vmlinuz", pin_b}, os::pinned_file{"initrd.img", pin_c}});
    REQUIRE(text.ok());
    const auto t = parse_vm(*text);
    CHECK(t["format"].value<int64_t>() == 1);
    const auto l = t["launch"];
    CHECK(l["mode"].value<std::string>() == "snp");
    CHECK(l["ovmf"]["path"].value<std::string>() == "OVMF.amdsev.fd");
    CHECK(l["ovmf"]["sha256"].value<std::string>() == pin_a);
    CHECK(l["kernel"]["path"].value<std::string>() == "../boot/vmlinuz");
    CHECK(l["kernel"]["sha256"].value<std::string>() == pin_b);
    CHECK(l["initrd"]["sha256"].value<std::string>() == pin_c);
    CHECK(l["append"].value<std::string>() == "root=/dev/vda console=tty0 console=ttyS0 console=hvc0");
    CHECK(l["vcpus"].value<int64_t>() == 4);
    CHECK(l["vcpu_type"].value<std::string>() == "EPYC-Milan");
    CHECK(l["vmm_type"].value<std::string>() == "QEMU");
    CHECK(l["guest_features"].value<int64_t>() == 1);
    CHECK(l["policy"].value<int64_t>() == 0x30000);
    CHECK(text->find("only the firmware is measured") == std::string::npos);
    // The launch needs the files behind kernel_id and ramdisk_id, and nothing else.
    CHECK_FALSE(os::vm_file_text(r, {{"OVMF.fd", pin_a}, std::nullopt, std::nullopt}).ok());
    CHECK_FALSE(os::vm_file_text(r, {{"OVMF.fd", pin_a}, os::pinned_file{"k", pin_b}, std::nullopt}).ok());
    CHECK_FALSE(os::vm_file_text(
                    r, {{"OVMF.fd", "0x" + pin_a.substr(2)}, os::pinned_file{"k", pin_b}, os::pinned_file{"i", pin_c}})
                    .ok());
    CHECK_FALSE(
        os::vm_file_text(r, {{"OVMF.fd", pin_a.substr(1)}, os::pinned_file{"k", pin_b}, os::pinned_file{"i", pin_c}})
            .ok());
  }
  SECTION("SNP from disk: only the firmware, the node decides the vCPU type") {
    const auto r = run_case(case_named(cases, "YAOOK example: SNP booting from disk"));  // cpu_model given
    auto with_model = os::vm_file_text(r, {{"OVMF.fd", pin_a}, std::nullopt, std::nullopt});
    REQUIRE(with_model.ok());
    auto t = parse_vm(*with_model);
    CHECK_FALSE(t["launch"]["kernel"]);
    CHECK_FALSE(t["launch"]["append"]);
    CHECK(t["launch"]["vcpu_type"].value<std::string>() == "EPYC-Milan");
    CHECK(with_model->find("only the firmware is measured") != std::string::npos);
    CHECK_FALSE(os::vm_file_text(r, {{"OVMF.fd", pin_a}, os::pinned_file{"k", pin_b}, std::nullopt}).ok());

    auto c = case_named(cases, "YAOOK example: SNP booting from disk");
    c.erase("node");
    auto no_model = os::vm_file_text(run_case(c), {{"OVMF.fd", pin_a}, std::nullopt, std::nullopt});
    REQUIRE(no_model.ok());
    t = parse_vm(*no_model);
    CHECK_FALSE(t["launch"]["vcpu_type"]);
    CHECK(no_model->find("the compute node decides") != std::string::npos);
  }
  SECTION("SEV-ES direct boot: no kernel hashes, so no kernel in the file") {
    const auto r = run_case(case_named(cases, "SEV-ES direct boot: command line verbatim, no kernel hashes"));
    REQUIRE(r.launch->kernel_id);
    auto text = os::vm_file_text(r, {{"OVMF.fd", pin_a}, std::nullopt, std::nullopt});
    REQUIRE(text.ok());
    const auto t = parse_vm(*text);
    CHECK(t["launch"]["mode"].value<std::string>() == "seves");
    CHECK(t["launch"]["policy"].value<int64_t>() == 0x37);
    CHECK_FALSE(t["launch"]["kernel"]);
    CHECK_FALSE(t["launch"]["guest_features"]);
    CHECK(text->find("only the firmware is measured") != std::string::npos);
    CHECK_FALSE(os::vm_file_text(r, {{"OVMF.fd", pin_a}, os::pinned_file{"k", pin_b}, std::nullopt}).ok());
  }
  SECTION("no launch, no file") {
    for (const char* name : {"rule 1: nobody asks for encryption", "rule 7: SNP without hw_firmware_stateless"}) {
      INFO(name);
      CHECK_FALSE(
          os::vm_file_text(run_case(case_named(cases, name)), {{"OVMF.fd", pin_a}, std::nullopt, std::nullopt}).ok());
    }
  }
  SECTION("hostile names and command lines stay inside their TOML strings") {
    auto image = json::parse(data("image-snp-kernel.json"));
    image["name"] = "evil\"\nformat = 2\n# \x01\x7f";
    image["properties"]["os_command_line"] = "root=/dev/vda1 \"quoted\" back\\slash\ttab caf\xc3\xa9 \x1b[0m";
    image["properties"].erase("ramdisk_id");
    auto r = os::check_documents(data("flavor-snp.json"), image.dump());
    REQUIRE(r.ok());
    auto text =
        os::vm_file_text(*r, {{"dir with \"quote\"/OVMF.fd", pin_a}, os::pinned_file{"k", pin_b}, std::nullopt});
    REQUIRE(text.ok());
    const auto t = parse_vm(*text);
    CHECK(t["format"].value<int64_t>() == 1);
    CHECK(t["launch"]["append"].value<std::string>() == image["properties"]["os_command_line"].get<std::string>());
    CHECK(t["launch"]["ovmf"]["path"].value<std::string>() == "dir with \"quote\"/OVMF.fd");
    CHECK_FALSE(os::vm_file_text(*r, {{"bad\xff.fd", pin_a}, os::pinned_file{"k", pin_b}, std::nullopt}).ok());
  }
}

TEST_CASE("openstack: the page's entry point takes texts and gives the --json object", "[openstack][page]") {
  auto j = os::check_texts(data("flavor-snp.json"), data("image-snp-kernel.json"),
                           "cpu_mode=custom,cpu_model=EPYC-Genoa", "sev-snp", "/dev/sda");
  REQUIRE(j.ok());
  CHECK((*j)["model"] == "amd-sev-snp");
  CHECK((*j)["launch"]["vcpu_type"] == "EPYC-Genoa");
  CHECK((*j)["launch"]["cmdline"] == "root=/dev/sda console=tty0 console=ttyS0 console=hvc0");
  CHECK(schema_check::check(json::parse(j->dump()), schema()) == "");
  auto bad_node = os::check_texts(data("flavor-snp.json"), data("image-snp-kernel.json"), "cpu_model=");
  REQUIRE_FALSE(bad_node.ok());
  CHECK(bad_node.err().message.find("--node: cpu_model empty value") != std::string::npos);
  auto bad_require = os::check_texts(data("flavor-snp.json"), data("image-snp-kernel.json"), "", "snp");
  REQUIRE_FALSE(bad_require.ok());
  CHECK(bad_require.err().message == "--require snp: use sev, sev-es or sev-snp");
  for (const char* dev : {"/dev/vda console=evil", "/dev/'vda'", " /dev/vda"}) {
    INFO(dev);
    CHECK_FALSE(os::check_texts(data("flavor-snp.json"), data("image-snp-kernel.json"), "", "", dev).ok());
  }
  // twin: no root device given is Nova's own choice (the image's disk bus: virtio here, /dev/vda)
  CHECK((*os::check_texts(data("flavor-snp.json"), data("image-snp-kernel.json"), "", "", ""))["launch"]["cmdline"] ==
        "root=/dev/vda console=tty0 console=ttyS0 console=hvc0");
  // Names reach terminals: control characters are shown, not sent.
  auto image = json::parse(data("image-snp-not-stateless.json"));
  image["name"] = "x\x1b]0;owned\x07";
  auto shown = os::check_documents(data("flavor-snp.json"), image.dump());
  REQUIRE(shown.ok());
  CHECK(shown->findings.front().message.find("image 'x\\x1b]0;owned\\x07'") == 0);
  auto bad_image = os::check_texts(data("flavor-snp.json"), "{}");
  REQUIRE_FALSE(bad_image.ok());
  CHECK(bad_image.err().to_string().rfind("image: ", 0) == 0);
}
