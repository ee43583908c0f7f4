// sevproof vm: one VM definition file from launch to verdict (init, measure, id-block, launch-args,
// verify). The file is read and checked by the library (workflows/vm.hpp); this file reads the
// files it names from disk, checks their pins and renders.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "file_hash.hpp"
#include "idblock_create.hpp"
#include "io.hpp"
#include "measure_flags.hpp"
#include "vm_cli.hpp"
#include "sevproof/idblock/id_block.hpp"
#include "sevproof/workflows/vm_launch.hpp"
#include "sevproof/workflows/vm_write.hpp"

namespace sevproof::cli {

namespace fs = std::filesystem;
namespace vmw = workflows::vm;

std::optional<vmw::definition> load_vm(const std::string& path, int& code, const std::string& prog) {
  auto f = read_file(path);
  if (!f.data) {
    std::cerr << prog << ": " << f.why << "\n";
    code = bad_input;
    return std::nullopt;
  }
  const std::string text(f.data->begin(), f.data->end());
  auto d = vmw::parse(text, path, fs::path(path).parent_path().string());
  if (!d) {
    std::cerr << prog << ": " << d.err().to_string() << "\n";
    code = bad_input;
    return std::nullopt;
  }
  for (const auto* ref : d->files()) {
    std::error_code ec;
    if (!fs::is_regular_file(ref->resolved, ec)) {
      std::cerr << prog << ": " << path << ": " << d->where(ref->key) << ": " << ref->resolved
                << (fs::exists(ref->resolved, ec) ? ": not a regular file" : ": no such file") << "\n";
      code = bad_input;
      return std::nullopt;
    }
  }
  return std::move(d).value();
}

namespace {

// The firmware's bytes and the kernel's and initrd's SHA-256, each checked against its pin; the
// refusal, or an empty string.
std::string read_launch_files(const vmw::definition& d, vmw::launch_files& out) {
  auto fw = read_file(d.ovmf.resolved);
  if (!fw.data) return d.where(d.ovmf.key) + ": " + fw.why;
  if (auto e = vmw::check_pin(d, d.ovmf, crypto::sha256_of(*fw.data))) return e->to_string();
  out.ovmf = std::move(*fw.data);
  for (auto [ref, digest] : {std::pair{&d.kernel, &out.kernel}, std::pair{&d.initrd, &out.initrd}}) {
    if (!*ref) continue;
    auto h = sha256_file((*ref)->resolved, (*ref)->key.c_str());
    if (!h.digest) return d.where((*ref)->key) + ": " + h.why;
    if (auto e = vmw::check_pin(d, **ref, *h.digest)) return e->to_string();
    *digest = *h.digest;
  }
  return {};
}

}  // namespace

std::optional<vm_files> read_vm_files(const vmw::definition& d, int& code, bool launch, const std::string& prog) {
  auto fail = [&](const std::string& why) {
    std::cerr << prog << ": " << why << "\n";
    code = bad_input;
    return std::optional<vm_files>{};
  };
  vm_files out;
  if (launch)
    if (auto why = read_launch_files(d, out.launch); !why.empty()) return fail(why);
  if (d.id_block)
    for (auto [ref, bytes_out] :
         {std::pair{&d.id_block->id_key, &out.id_key}, std::pair{&d.id_block->author_key, &out.author_key}}) {
      if (!*ref) continue;
      auto k = read_file((*ref)->resolved);
      if (!k.data) return fail(d.where((*ref)->key) + ": " + k.why);
      if (auto e = vmw::check_pin(d, **ref, crypto::sha256_of(*k.data))) return fail(e->to_string());
      *bytes_out = std::move(*k.data);
    }
  return out;
}

namespace {

// ---- vm init ----

struct init_cli {
  std::string out, from_snpguard, policy, host_data, id_key, author_key, family_id, image_id, guest_svn;
};

// Paths as the written file must hold them: relative to its folder, or absolute on stdout.
void place_paths(vmw::definition& d, const std::string& out) {
  const fs::path dir = out.empty() ? fs::path() : fs::absolute(fs::path(out)).parent_path();
  auto fix = [&](vmw::file_ref& f) {
    const fs::path abs = fs::absolute(f.resolved.empty() ? f.path : f.resolved).lexically_normal();
    const fs::path rel = dir.empty() ? fs::path() : abs.lexically_relative(dir);
    f.path = rel.empty() ? abs.string() : rel.string();
  };
  fix(d.ovmf);
  for (auto* o : {&d.kernel, &d.initrd})
    if (*o) fix(**o);
  if (d.id_block)
    for (auto* o : {&d.id_block->id_key, &d.id_block->author_key})
      if (*o) fix(**o);
}

// Every named file hashed into its pin (a file the definition names is then the one it was made for).
bool pin_all(vmw::definition& d, int& code) {
  std::vector<vmw::file_ref*> refs{&d.ovmf};
  for (auto* o : {&d.kernel, &d.initrd})
    if (*o) refs.push_back(&**o);
  if (d.id_block)
    for (auto* o : {&d.id_block->id_key, &d.id_block->author_key})
      if (*o) refs.push_back(&**o);
  for (auto* f : refs) {
    const std::string path = f->resolved.empty() ? f->path : f->resolved;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      std::cerr << "sevproof vm init: " << f->key << " " << path << ": no such file\n";
      code = bad_input;
      return false;
    }
    auto h = sha256_file(path, f->key.c_str());
    if (!h.digest) {
      std::cerr << "sevproof vm init: " << f->key << " " << h.why << "\n";
      code = bad_input;
      return false;
    }
    f->pin = *h.digest;
  }
  return true;
}

std::optional<vmw::definition> definition_from_flags(const measure_cli& m, const init_cli& o, int& code) {
  auto usage_error = [&](const std::string& why) {
    std::cerr << "sevproof vm init: " << why << "\n";
    code = usage;
    return std::optional<vmw::definition>{};
  };
  if (m.mode == "snp:ovmf-hash")
    return usage_error(
        "--mode snp:ovmf-hash is not a launch: use snp (with --snp-ovmf-hash for a precomputed firmware digest)");
  if (m.mode == "snp:svsm")
    return usage_error(
        "--mode snp:svsm: a VM file describes snp, seves or sev launches (docs/vm-file.md); measure an SVSM launch "
        "with `sevproof measure --mode snp:svsm`");
  vmw::definition d;
  d.mode = m.mode;
  auto ref = [](const std::string& key, const std::string& path) { return vmw::file_ref{key, 0, path, path, {}}; };
  d.ovmf = ref("--ovmf", m.ovmf);
  if (!m.kernel.empty()) d.kernel = ref("--kernel", m.kernel);
  if (!m.initrd.empty()) d.initrd = ref("--initrd", m.initrd);
  if (m.append_given()) d.append = m.append;
  d.vcpus = m.vcpus;
  d.vcpu_type = m.vcpu_type;
  if (!m.vcpu_sig.empty()) d.vcpu_sig = hex::number(parse_uint(m.vcpu_sig).value_or(0));
  d.vcpu_family = m.vcpu_family;
  d.vcpu_model = m.vcpu_model;
  d.vcpu_stepping = m.vcpu_stepping;
  d.vmm_type = m.vmm_type;
  d.guest_features = m.guest_features;
  d.fpu_init = m.fpu;
  d.snp_ovmf_hash = m.snp_ovmf_hash;
  if (auto in = measure::to_inputs(vmw::to_request(d)); !in) return usage_error(in.err().message);
  if (auto f = parse_uint(m.guest_features)) d.guest_features = hex::number(*f);
  d.policy = d.mode == "snp" ? 0x30000 : d.mode == "seves" ? 0x5 : 0x1;  // QEMU's defaults (with ES for SEV-ES)
  if (!o.policy.empty()) {
    d.policy = parse_uint(o.policy);
    if (!d.policy) return usage_error("--policy " + o.policy + ": not a number");
  }
  if (!o.host_data.empty()) {
    auto b = hex::decode(o.host_data);
    if (!b || b->size() != 32) return usage_error("--host-data: expected 64 hex digits (32 bytes)");
    d.host_data.emplace();
    std::copy(b->begin(), b->end(), d.host_data->begin());
  }
  if (!o.id_key.empty() || !o.family_id.empty() || !o.image_id.empty() || !o.author_key.empty() ||
      !o.guest_svn.empty()) {
    vmw::id_block_def b;
    if (!o.id_key.empty()) b.id_key = ref("--id-key", o.id_key);
    if (!o.author_key.empty()) b.author_key = ref("--author-key", o.author_key);
    for (auto [text, out, flag] :
         {std::tuple{&o.family_id, &b.family_id, "--family-id"}, std::tuple{&o.image_id, &b.image_id, "--image-id"}}) {
      if (text->empty()) continue;
      auto v = hex::decode(*text);
      if (!v || v->size() != 16) return usage_error(std::string(flag) + ": expected 32 hex digits (16 bytes)");
      std::copy(v->begin(), v->end(), out->begin());
    }
    if (!o.guest_svn.empty()) {
      auto s = parse_uint(o.guest_svn, 0xFFFFFFFFu);
      if (!s) return usage_error("--guest-svn " + o.guest_svn + ": expected a 32-bit number");
      b.guest_svn = static_cast<std::uint32_t>(*s);
    }
    d.id_block = b;
  }
  return d;
}

int run_init(const measure_cli& m, const init_cli& o) {
  int code = ok;
  std::optional<vmw::definition> d;
  std::string header;
  if (!o.from_snpguard.empty()) {
    if (!m.mode.empty() || !m.ovmf.empty())
      return std::cerr << "sevproof vm init: give the measure flags or --from-snpguard, not both\n",
             static_cast<int>(usage);
    d = load_vm(o.from_snpguard, code);
    if (!d) return code;
    if (d->from != vmw::origin::snpguard)
      return std::cerr << "sevproof vm init: " << o.from_snpguard << " is not a SNPGuard file\n",
             static_cast<int>(usage);
    header = "converted by `sevproof vm init --from-snpguard` from " + fs::path(o.from_snpguard).filename().string() +
             " (SNPGuard's fixed choices: vCPU type EPYC-v4, VMM QEMU)";
  } else {
    if (m.mode.empty() || m.ovmf.empty())
      return std::cerr << "sevproof vm init: give --mode and --ovmf (the measure flags), or --from-snpguard FILE\n",
             static_cast<int>(usage);
    d = definition_from_flags(m, o, code);
    if (!d) return code;
    header = "written by `sevproof vm init`";
  }
  if (!pin_all(*d, code)) return code;
  place_paths(*d, o.out);
  const std::string text = vmw::to_toml(*d, header);
  // The written text must read back: the same refusals as any VM file (policy bits, ...).
  const std::string out_dir = o.out.empty() ? std::string() : fs::path(o.out).parent_path().string();
  if (auto back = vmw::parse(text, o.out.empty() ? "<stdout>" : o.out, out_dir); !back) {
    std::cerr << "sevproof vm init: " << back.err().message << "\n";
    return usage;
  }
  if (o.out.empty()) {
    std::cout << text;
    return ok;
  }
  std::ofstream f(o.out, std::ios::binary);
  if (!(f << text) || !f.flush())
    return std::cerr << "sevproof vm init: cannot write " << o.out << "\n", static_cast<int>(bad_input);
  std::cerr << "wrote " << o.out << "\n";
  return ok;
}

// ---- vm measure ----

struct measure_vm_cli {
  std::string vm, output_format = "hex";
  bool json = false, verbose = false;
};

int run_measure(const measure_vm_cli& o) {
  int code = ok;
  auto d = load_vm(o.vm, code);
  if (!d) return code;
  auto files = read_vm_files(*d, code);
  if (!files) return code;
  measure_cli m;
  m.mode = d->mode;
  m.vcpus = d->vcpus;
  m.vcpu_type = d->vcpu_type;
  m.vcpu_sig = d->vcpu_sig;
  m.vcpu_family = d->vcpu_family;
  m.vcpu_model = d->vcpu_model;
  m.vcpu_stepping = d->vcpu_stepping;
  m.vmm_type = d->vmm_type;
  m.guest_features = d->guest_features;
  m.snp_ovmf_hash = d->snp_ovmf_hash;
  m.fpu = d->fpu_init;
  m.ovmf = d->ovmf.resolved;
  if (d->kernel) m.kernel = d->kernel->resolved;
  if (d->initrd) m.initrd = d->initrd->resolved;
  m.append_set = d->append.has_value();
  m.append = d->append.value_or("");
  m.output_format = o.output_format;
  m.json = o.json;
  m.verbose = o.verbose;
  m.ovmf_data = std::move(files->launch.ovmf);
  m.kernel_sha256 = files->launch.kernel;
  m.initrd_sha256 = files->launch.initrd;
  return print_measurement(m);
}

// ---- vm id-block ----

struct id_block_vm_cli {
  std::string vm, id_key, author_key, out_dir;
  bool json = false;
};

int run_id_block(const id_block_vm_cli& o) {
  int code = ok;
  auto d = load_vm(o.vm, code);
  if (!d) return code;
  if (d->mode != "snp")
    return std::cerr << "sevproof vm id-block: an ID block exists only for SNP guests (launch.mode is " << d->mode
                     << ")\n",
           static_cast<int>(usage);
  if (o.id_key.empty() && !(d->id_block && d->id_block->id_key))
    return std::cerr << "sevproof vm id-block: " << o.vm << " names no ID key ([id_block] id_key): give --id-key\n",
           static_cast<int>(usage);
  auto files = read_vm_files(*d, code);
  if (!files) return code;
  auto ld = vmw::expected_measurement(*d, files->launch);
  if (!ld) return std::cerr << "Error: " << ld.err().message << "\n", static_cast<int>(check_failed);
  create_options c;
  c.measurement = hex::encode(*ld);
  c.policy = hex::number(d->policy.value_or(0x30000));
  const vmw::id_block_def b = d->id_block.value_or(vmw::id_block_def{});
  c.family_id = hex::encode(b.family_id);
  c.image_id = hex::encode(b.image_id);
  c.guest_svn = std::to_string(b.guest_svn);
  c.id_key = !o.id_key.empty() ? o.id_key : b.id_key ? b.id_key->resolved : "";
  c.author_key = !o.author_key.empty() ? o.author_key : b.author_key ? b.author_key->resolved : "";
  c.out_dir = o.out_dir;
  c.json = o.json;
  return run_id_block_create(c, measure_cli{});
}

// ---- vm launch-args ----

struct launch_cli {
  std::string vm, target, name, id_block, id_auth;
  unsigned memory = 2048;
  bool json = false;
};

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=,./:+@%") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The ID block and ID auth: from files (`vm id-block --out-dir`), else made now with the file's key.
std::optional<vmw::id_material> id_material_for(const vmw::definition& d, const launch_cli& o, const vm_files& files,
                                                int& code) {
  auto fail = [&](const std::string& why, int c) {
    std::cerr << "sevproof vm launch-args: " << why << "\n";
    code = c;
    return std::optional<vmw::id_material>{};
  };
  if (o.id_block.empty() != o.id_auth.empty()) return fail("give --id-block and --id-auth together", usage);
  if (!o.id_block.empty()) {
    vmw::id_material m;
    for (auto [path, out, size] :
         {std::tuple{&o.id_block, &m.id_block, 0x60u}, std::tuple{&o.id_auth, &m.id_auth, 0x1000u}}) {
      auto f = read_file(*path);
      if (!f.data) return fail(f.why, bad_input);
      std::string t(f.data->begin(), f.data->end());
      while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
      auto raw = base64::decode(t);
      if (!raw || raw->size() != size)
        return fail(
            *path + ": expected base64 of " + std::to_string(size) + " bytes (as `vm id-block --out-dir` writes)",
            bad_input);
      *out = t;
    }
    m.author_key = d.id_block && d.id_block->author_key;
    return m;
  }
  if (!d.id_block || !d.id_block->id_key || d.mode != "snp") return vmw::id_material{};  // none: the caller drops it
  auto ld = vmw::expected_measurement(d, files.launch);
  if (!ld) return fail(ld.err().message, check_failed);
  auto made = make_id_material(d, *ld, files);
  if (!made) return fail(made.err().to_string(), bad_input);
  return made.value();
}

int run_launch_args(const launch_cli& o) {
  int code = ok;
  auto d = load_vm(o.vm, code);
  if (!d) return code;
  auto files = read_vm_files(*d, code);  // the pins: launch exactly the files the definition names
  if (!files) return code;
  auto idm = id_material_for(*d, o, *files, code);
  if (!idm) return code;
  const std::optional<vmw::id_material> id = idm->id_block.empty() ? std::nullopt : idm;
  if (o.target == "libvirt") {
    const auto name = o.name.empty() ? fs::path(o.vm).stem().string() : o.name;
    auto x = vmw::libvirt_domain(*d, name, o.memory, {}, id);
    if (!x) return std::cerr << "sevproof vm launch-args: " << x.err().to_string() << "\n", static_cast<int>(usage);
    if (o.json)
      std::cout << json_out(nlohmann::ordered_json{{"domain_xml", *x}}) << "\n";
    else
      std::cout << "<!-- from " << o.vm << " by sevproof vm launch-args; name and memory are placeholders -->\n" << *x;
    return ok;
  }
  auto a = vmw::qemu_args(*d, {}, id);
  if (!a) return std::cerr << "sevproof vm launch-args: " << a.err().to_string() << "\n", static_cast<int>(usage);
  if (o.json) {
    std::cout << json_out(nlohmann::ordered_json{{"argv", a->argv}, {"notes", a->notes}}) << "\n";
    return ok;
  }
  for (const auto& n : a->notes) std::cout << "# " << n << "\n";
  std::cout << "qemu-system-x86_64";
  for (std::size_t i = 0; i < a->argv.size(); ++i)
    std::cout << (a->argv[i].rfind('-', 0) == 0 ? " \\\n  " : " ") << shell_quote(a->argv[i]);
  std::cout << "\n";
  return ok;
}

}  // namespace

result<vmw::id_material> make_id_material(const vmw::definition& d, const bytes& ld, const vm_files& files) {
  idblock::id_block_values v;
  std::copy(ld.begin(), ld.end(), v.ld.begin());
  v.family_id = d.id_block->family_id;
  v.image_id = d.id_block->image_id;
  v.guest_svn = d.id_block->guest_svn;
  v.policy = d.policy.value_or(0x30000);
  auto idk = crypto::private_key::load(*files.id_key);
  if (!idk) return error{d.source, "", std::nullopt, d.where("id_block.id_key") + ": " + idk.err().to_string()};
  std::optional<crypto::private_key> ak;
  if (files.author_key) {
    auto k = crypto::private_key::load(*files.author_key);
    if (!k) return error{d.source, "", std::nullopt, d.where("id_block.author_key") + ": " + k.err().to_string()};
    ak = std::move(k).value();
  }
  const auto block = idblock::build_id_block(v);
  auto auth = idblock::build_id_auth(block, *idk, ak ? &*ak : nullptr);
  if (!auth) return auth.err();
  return vmw::id_material{base64::encode(block), base64::encode(*auth), ak.has_value()};
}

runner add_vm(CLI::App& app) {
  app.require_subcommand(1);
  app.footer(
      "One file describes the VM: its launch (mode, firmware, kernel, initrd, command line, vCPUs, VMM,\n"
      "guest features, policy, HOST_DATA, ID block) and what its reports must show ([expect]). The\n"
      "launch arguments, the expected digest and the verdict all come from it, so they cannot drift.\n"
      "SNPGuard VM description files are accepted unchanged. Format: docs/vm-file.md\n\n"
      "Examples:\n"
      "  sevproof vm init --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.amdsev.fd \\\n"
      "                   --kernel vmlinuz --initrd initrd.img --append 'console=ttyS0' -o vm.toml\n"
      "  sevproof vm measure vm.toml\n"
      "  sevproof vm launch-args vm.toml --for qemu\n"
      "  sevproof vm verify vm.toml --report report.bin --vcek vcek.der\n"
      "  sevproof vm init --from-snpguard vm-config.toml -o vm.toml\n\n"
      "Exit codes: 0 ok, 1 a check failed (or the launch is refused), 2 usage error, 3 a file unreadable,\n"
      "malformed, missing or not matching its pin.");
  std::vector<std::pair<CLI::App*, runner>> subs;

  auto* init =
      app.add_subcommand("init", "Write a VM definition for a launch (the measure flags), or convert a SNPGuard file");
  auto m = std::make_shared<measure_cli>();
  auto io = std::make_shared<init_cli>();
  add_measure_flags(*init, m, false);
  init->add_option("-o,--output", io->out,
                   "Write the file there (paths relative to its folder); default stdout (absolute paths)");
  init->add_option("--from-snpguard", io->from_snpguard, "Convert this SNPGuard VM description file instead");
  init->add_option("--policy", io->policy, "Guest policy given at launch (default 0x30000 for SNP)");
  init->add_option("--host-data", io->host_data, "HOST_DATA given at launch (64 hex digits)");
  init->add_option("--id-key", io->id_key, "ID key (P-384 PEM) for [id_block]");
  init->add_option("--author-key", io->author_key, "Author key (P-384 PEM) for [id_block]");
  init->add_option("--family-id", io->family_id, "FAMILY_ID for [id_block] (32 hex digits)");
  init->add_option("--image-id", io->image_id, "IMAGE_ID for [id_block] (32 hex digits)");
  init->add_option("--guest-svn", io->guest_svn, "GUEST_SVN for [id_block]");
  init->footer(
      "Every file named is pinned by its SHA-256. Example:\n"
      "  sevproof vm init --mode snp --vcpus 2 --vcpu-type EPYC-Genoa --ovmf OVMF.amdsev.fd --kernel vmlinuz -o "
      "vm.toml");
  subs.emplace_back(init, [m, io] { return run_init(*m, *io); });

  auto* meas = app.add_subcommand("measure", "Print the expected launch digest exactly as `sevproof measure` would");
  auto mo = std::make_shared<measure_vm_cli>();
  meas->add_option("VM", mo->vm, "VM definition file (TOML or JSON; or a SNPGuard file)")->required();
  meas->add_option("--output-format", mo->output_format, "hex (default) or base64")
      ->check(CLI::IsMember({"hex", "base64"}));
  meas->add_flag("-v,--verbose", mo->verbose, "Name every input that went into the digest");
  meas->add_flag("--json", mo->json, "Print JSON: measurement (hex and base64) and the inputs");
  meas->footer("Example:\n  sevproof vm measure vm.toml --output-format base64");
  subs.emplace_back(meas, [mo] { return run_measure(*mo); });

  auto* idb =
      app.add_subcommand("id-block", "Make the ID block and ID auth for the definition (as `sevproof id-block`)");
  auto ib = std::make_shared<id_block_vm_cli>();
  idb->add_option("VM", ib->vm, "VM definition file")->required();
  idb->add_option("--id-key", ib->id_key, "ID private key, when [id_block] names none (SNPGuard files)");
  idb->add_option("--author-key", ib->author_key, "Author private key, when [id_block] names none");
  idb->add_option("--out-dir", ib->out_dir, "Also write id-block.base64, id-auth.base64 and qemu-object.txt there");
  idb->add_flag("--json", ib->json, "Print JSON");
  idb->footer("Example:\n  sevproof vm id-block vm.toml --out-dir launch/");
  subs.emplace_back(idb, [ib] { return run_id_block(*ib); });

  auto* la = app.add_subcommand("launch-args", "Print the QEMU arguments or the libvirt domain for the definition");
  auto lo = std::make_shared<launch_cli>();
  la->add_option("VM", lo->vm, "VM definition file")->required();
  la->add_option("--for", lo->target, "qemu or libvirt")->required()->check(CLI::IsMember({"qemu", "libvirt"}));
  la->add_option("--id-block", lo->id_block,
                 "ID block file (base64, from `vm id-block --out-dir`); default: made now with [id_block] id_key");
  la->add_option("--id-auth", lo->id_auth, "ID auth file (base64)");
  la->add_option("--name", lo->name, "libvirt domain name (default: the file's name)");
  la->add_option("--memory", lo->memory, "libvirt memory in MiB (default 2048)");
  la->add_flag("--json", lo->json, "Print JSON: argv (one element per argument) and notes, or domain_xml");
  la->footer(
      "Examples:\n  sevproof vm launch-args vm.toml --for qemu\n  sevproof vm launch-args vm.toml --for libvirt --name "
      "guest1 --memory 4096 > guest1.xml");
  subs.emplace_back(la, [lo] { return run_launch_args(*lo); });

  add_vm_verify(app, subs);

  return [subs] {
    for (const auto& [cmd, run] : subs)
      if (cmd->parsed()) return run();
    return static_cast<int>(usage);
  };
}

}  // namespace sevproof::cli
