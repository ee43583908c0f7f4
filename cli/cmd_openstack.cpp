// sevproof openstack check: would Nova boot this flavor and image as an SEV / SEV-ES / SEV-SNP guest, and with
// which launch? Optionally writes the VM definition for that launch (--emit-vm).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_hash.hpp"
#include "io.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/workflows/openstack.hpp"

namespace sevproof::cli {
namespace {

namespace os = workflows::openstack;
constexpr const char* me = "sevproof openstack check: ";

struct openstack_options {
  std::string flavor, image, root_device, require, emit_vm, ovmf, kernel, initrd;
  std::vector<std::string> node;
  bool json = false;
};

template <class T>
std::optional<T> read_document(const char* option, const std::string& path, result<T> (*parse)(std::string_view),
                               int& code) {
  auto f = read_file(path);
  if (!f.data) {
    std::cerr << me << option << " " << f.why << "\n";
    code = bad_input;
    return std::nullopt;
  }
  auto parsed = parse(std::string_view(reinterpret_cast<const char*>(f.data->data()), f.data->size()));
  if (!parsed) {
    std::cerr << me << path << ": " << parsed.err().to_string() << "\n";
    code = bad_input;
    return std::nullopt;
  }
  return std::move(parsed).value();
}

// The options as library inputs; prints the problem and returns nullopt on a usage error.
std::optional<os::check_options> to_check_options(const openstack_options& o) {
  auto c = os::make_options(o.node, o.require, o.root_device);
  if (!c) {
    std::cerr << me << c.err().message << "\n";
    return std::nullopt;
  }
  if (o.emit_vm.empty() && (!o.ovmf.empty() || !o.kernel.empty() || !o.initrd.empty())) {
    std::cerr << me << "--ovmf, --kernel and --initrd describe the files of --emit-vm FILE; give it too\n";
    return std::nullopt;
  }
  if (!o.emit_vm.empty() && o.ovmf.empty()) {
    std::cerr << me << "--emit-vm needs --ovmf (the firmware the compute node boots the guest with)\n";
    return std::nullopt;
  }
  return *c;
}

void print_text(const openstack_options& o, const os::check_result& r) {
  std::cout << "sevproof openstack check " << o.flavor << " + " << o.image << "\n";
  for (const auto& f : r.findings) {
    std::string level(os::severity_name(f.level));
    level.resize(8, ' ');
    std::cout << "  " << f.code << " " << level << f.message << "\n";
  }
  if (r.launch) {
    const auto& l = *r.launch;
    const bool snp = l.resolved == os::model::amd_sev_snp;
    std::cout << "\n  launch: " << os::model_name(l.resolved) << ", <launchSecurity type='" << (snp ? "sev-snp" : "sev")
              << "'> policy " << hex::number(l.policy, snp ? 8 : 4) << ", kernel hashes "
              << (l.kernel_hashes ? "yes" : "no") << ", " << l.vcpus << " vCPUs, vCPU type "
              << l.vcpu_type.value_or("(the node decides)") << "\n";
    if (l.cmdline) std::cout << "          command line \"" << *l.cmdline << "\"\n";
  }
  std::cout << "\n" << os::verdict_line(r) << "\n";  // the library's words, as the page shows them
}

// A path as the VM file should hold it: relative to the file's folder.
std::string path_for(const std::string& file, const std::string& vm_file) {
  std::error_code ec;
  const auto dir = std::filesystem::absolute(vm_file, ec).parent_path();
  auto rel = std::filesystem::proximate(std::filesystem::absolute(file, ec), dir, ec);
  return ec ? std::filesystem::absolute(file).string() : rel.generic_string();
}

std::optional<os::pinned_file> pin(const std::string& file, const std::string& option, const std::string& vm_file,
                                   int& code) {
  auto h = sha256_file(file, option.c_str() + 2);
  if (!h.digest) {
    std::cerr << me << option << " " << h.why << "\n";
    code = bad_input;
    return std::nullopt;
  }
  return os::pinned_file{path_for(file, vm_file), hex::encode(*h.digest)};
}

int emit_vm(const openstack_options& o, const os::check_result& r) {
  if (!r.launch) {
    std::cerr << me << "--emit-vm " << o.emit_vm << " not written: "
              << (r.refused ? "Nova would refuse this flavor and image" : "the pair asks for no memory encryption")
              << "\n";
    return check_failed;
  }
  int code = ok;
  os::vm_file_inputs in;
  auto fw = read_file(o.ovmf);  // read once: its pin, then the launch measured from it
  if (!fw.data) {
    std::cerr << me << "--ovmf " << fw.why << "\n";
    return bad_input;
  }
  bytes firmware = std::move(*fw.data);
  in.ovmf = {path_for(o.ovmf, o.emit_vm), hex::encode(crypto::sha256_of(firmware))};
  if (!o.kernel.empty() && !(in.kernel = pin(o.kernel, "--kernel", o.emit_vm, code))) return code;
  if (!o.initrd.empty() && !(in.initrd = pin(o.initrd, "--initrd", o.emit_vm, code))) return code;
  auto text = os::vm_file_text(r, in);
  if (!text) {
    std::cerr << me << text.err().message << "\n";
    return usage;
  }
  // The file must measure as written (`vm measure` would refuse it later): a usage error here.
  if (auto m = os::measure_vm_files(*r.launch, in, std::move(firmware)); m.failure != pipeline::measure_failure::none) {
    std::cerr << me << "--emit-vm " << o.emit_vm
              << " not written: the files given cannot make this launch: " << m.why->message << "\n";
    return m.failure == pipeline::measure_failure::input ? bad_input : usage;
  }
  std::ofstream out(o.emit_vm, std::ios::binary | std::ios::trunc);
  out << *text;
  out.close();
  if (!out) {
    std::cerr << me << "--emit-vm " << o.emit_vm << ": cannot write\n";
    return bad_input;
  }
  std::cerr << "wrote " << o.emit_vm << " (measure it with: sevproof vm measure " << o.emit_vm << ")\n";
  return ok;
}

int run(const openstack_options& o) {
  auto options = to_check_options(o);
  if (!options) return usage;
  int code = ok;
  auto f = read_document<os::flavor>("--flavor", o.flavor, &os::parse_flavor, code);
  if (!f) return code;
  auto im = read_document<os::image>("--image", o.image, &os::parse_image, code);
  if (!im) return code;
  const auto r = os::check(*f, *im, *options);
  if (o.json)
    std::cout << json_out(os::to_json(r)) << "\n";
  else
    print_text(o, r);
  if (!o.emit_vm.empty()) {
    const int emitted = emit_vm(o, r);
    if (emitted != ok) return emitted;
  }
  return r.launchable() ? ok : check_failed;
}

}  // namespace

runner add_openstack(CLI::App& app) {
  app.require_subcommand(1);
  auto o = std::make_shared<openstack_options>();
  auto* c =
      app.add_subcommand("check", "Would Nova boot this flavor + image as SEV/SEV-ES/SEV-SNP, and with which launch?");
  c->footer(
      "Reads what `openstack flavor show -f json` and `openstack image show -f json` print (`properties` as an object\n"
      "or as the older key='value' string), replays Nova's memory-encryption decision in Nova's order "
      "(mem_encryption,\n"
      "model, uefi, q35, stateless firmware) and prints the launch Nova asks libvirt for: policy, kernel hashes,\n"
      "command line, vCPUs. YAOOK's stricter recommendations come as warnings. Codes: docs/openstack.md.\n\n"
      "Examples:\n"
      "  openstack flavor show -f json m1.snp > flavor.json; openstack image show -f json ubuntu-snp > image.json\n"
      "  sevproof openstack check --flavor flavor.json --image image.json --require sev-snp\n"
      "  sevproof openstack check --flavor flavor.json --image image.json --node "
      "machine_type=pc-q35-9.0,cpu_mode=custom,cpu_model=EPYC-Milan \\\n"
      "      --emit-vm vm.toml --ovmf OVMF.amdsev.fd --kernel vmlinuz --initrd initrd.img\n"
      "  sevproof vm measure vm.toml\n\n"
      "Exit codes: 0 Nova boots it as resolved (and as --require says), 1 Nova refuses it or it resolves to another "
      "model,\n"
      "2 usage error, 3 a file unreadable or not a flavor/image show.");
  c->add_option("--flavor", o->flavor, "`openstack flavor show -f json` output")->type_name("FILE")->required();
  c->add_option("--image", o->image, "`openstack image show -f json` output")->type_name("FILE")->required();
  c->add_option(
       "--node", o->node,
       "What the compute node knows: machine_type=pc-q35-9.0,cpu_mode=custom,cpu_model=EPYC-Milan,virt_type=kvm")
      ->type_name("KEY=VALUE,...");
  c->add_option("--root-device", o->root_device,
                "Root device in Nova's default kernel command line (default: Nova's choice from the image: "
                "root_device_name, hw_disk_bus, an ISO's CD-ROM bus; /dev/vda for a virtio disk)")
      ->type_name("DEV");
  c->add_option("--require", o->require, "Exit 1 unless Nova resolves exactly this model: sev, sev-es or sev-snp")
      ->type_name("MODEL");
  c->add_flag("--json", o->json, "Print JSON (schemas/openstack-check.schema.json)");
  c->add_option("--emit-vm", o->emit_vm, "Write the VM definition (TOML) for the launch to FILE")
      ->type_name("FILE")
      ->group("VM definition");
  c->add_option("--ovmf", o->ovmf, "Firmware the compute node boots the guest with (with --emit-vm)")
      ->type_name("FILE")
      ->group("VM definition");
  c->add_option("--kernel", o->kernel, "The image's kernel_id file (`openstack image save`)")
      ->type_name("FILE")
      ->group("VM definition");
  c->add_option("--initrd", o->initrd, "The image's ramdisk_id file")->type_name("FILE")->group("VM definition");
  return [c, o] { return c->parsed() ? run(*o) : static_cast<int>(usage); };
}

}  // namespace sevproof::cli
