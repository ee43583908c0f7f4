// The VM definition file: one file that fixes a confidential VM's launch (mode, firmware, kernel,
// initrd, command line, vCPUs, VMM, guest features, policy, HOST_DATA, ID block) and what its
// reports must show ([expect]: `sevproof verify`'s options). The launch arguments, the expected
// digest and the verification are all derived from it, so they cannot drift apart.
// Also reads SNPGuard's VM description file unchanged (docs/vm-file.md, spec workflows.md §2).
//
// Layering: only parsing and derivation here; files are read by the caller (CLI: from disk,
// page: bytes the user dropped), and pins are checked against the digests the caller computed.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sevproof/core/hex.hpp"
#include "sevproof/core/number.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/pipeline/measure_launch.hpp"
#include "sevproof/snp/policy.hpp"
#include "sevproof/validate/reference_values.hpp"
#include "sevproof/workflows/vm_document.hpp"

namespace sevproof::workflows::vm {

inline constexpr std::int64_t format_version = 1;

// A file the definition names. `key` is where (e.g. "launch.kernel"), `path` as written,
// `resolved` against the definition's folder, `pin` the SHA-256 the file must have.
struct file_ref {
  std::string key;
  int line = 0;
  std::string path, resolved;
  std::optional<crypto::sha256_digest> pin;
};

struct id_block_def {
  std::optional<file_ref> id_key, author_key;  // private keys (PEM); verify also takes public ones
  std::array<byte, 16> family_id{}, image_id{};
  std::uint32_t guest_svn = 0;
};

enum class origin : std::uint8_t { native, snpguard };

struct definition {
  origin from = origin::native;
  std::string source;  // the file's name, in messages
  std::string mode = "snp";
  file_ref ovmf;
  std::optional<file_ref> kernel, initrd;
  std::optional<std::string> append;
  std::optional<long long> vcpus, vcpu_family, vcpu_model, vcpu_stepping;
  std::string vcpu_type, vcpu_sig, vmm_type = "QEMU", guest_features = "0x1", fpu_init = "modern", snp_ovmf_hash;
  std::optional<std::uint64_t> policy;  // the launch policy; the report's POLICY equals it
  std::optional<std::array<byte, 32>> host_data;
  std::optional<id_block_def> id_block;
  validate::options expect;                    // [expect], read by validate/reference_values.hpp
  std::vector<std::string> expect_keys;        // its keys (their lines are in `lines`)
  std::optional<std::uint64_t> platform_info;  // exact PLATFORM_INFO (SNPGuard semantics)
  std::string product;                         // SNPGuard host_cpu_family: Milan, Genoa
  std::map<std::string, int> lines;            // every key read -> its line

  // "launch.policy (line 12)": where a value came from, for messages.
  [[nodiscard]] std::string where(const std::string& key) const {
    const auto it = lines.find(key);
    return it == lines.end() || it->second == 0 ? key : key + " (line " + std::to_string(it->second) + ")";
  }
  [[nodiscard]] std::vector<const file_ref*> files() const {
    std::vector<const file_ref*> out{&ovmf};
    for (const auto* f : {&kernel, &initrd})
      if (*f) out.push_back(&**f);
    if (id_block)
      for (const auto* f : {&id_block->id_key, &id_block->author_key})
        if (*f) out.push_back(&**f);
    return out;
  }
};

namespace detail {

struct file_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Reads one table of the document into `def`, throwing file_error("line N: key: what").
struct reader {
  definition& def;
  std::string base;

  [[noreturn]] void fail(const std::string& key, int line, const std::string& what) const {
    throw file_error((line > 0 ? "line " + std::to_string(line) + ": " : std::string()) + key + ": " + what);
  }
  static std::string join(const std::string& table, const std::string& key) {
    return table.empty() ? key : table + "." + key;
  }

  void only(const node& t, const std::string& table, std::initializer_list<const char*> allowed) const {
    for (const auto& [k, v] : t.members) {
      bool known = false;
      for (const char* a : allowed) known |= k == a;
      if (known) continue;
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(join(table, k), v.line,
           "unknown key" + std::string(table.empty() ? "" : " in [" + table + "]") + " (valid: " + list + ")");
    }
  }
  const node* get(const node& t, const std::string& table, const char* key, node::kind want) {
    const node* n = t.find(key);
    if (!n) return nullptr;
    def.lines[join(table, key)] = n->line;
    if (n->type != want)
      fail(join(table, key), n->line, std::string("expected ") + kind_name(want) + ", found " + kind_name(n->type));
    return n;
  }
  const node& need(const node& t, const std::string& table, const char* key, node::kind want) {
    const node* n = get(t, table, key, want);
    // A missing key has no line of its own: a table's header line is named, the document's first line is not.
    if (!n)
      fail(join(table, key), table.empty() ? 0 : t.line,
           "missing (required" + std::string(table.empty() ? "" : " in [" + table + "]") + ")");
    return *n;
  }
  std::optional<std::string> text(const node& t, const std::string& table, const char* key) {
    const node* n = get(t, table, key, node::kind::string);
    if (n && n->text.empty() && std::string(key) != "append" && std::string(key) != "kernel_cmdline")
      fail(join(table, key), n->line, "empty value");
    return n ? std::optional<std::string>(n->text) : std::nullopt;
  }
  std::optional<std::int64_t> integer(const node& t, const std::string& table, const char* key, std::int64_t max,
                                      std::int64_t min = 0) {
    const node* n = get(t, table, key, node::kind::integer);
    if (!n) return std::nullopt;
    if (n->integer < min || n->integer > max)
      fail(
          join(table, key), n->line,
          std::to_string(n->integer) + " is out of range (" + std::to_string(min) + " to " + std::to_string(max) + ")");
    return n->integer;
  }
  // An integer, or a string holding one ("0x1"): for bit masks people write in hex.
  std::optional<std::uint64_t> number(const node& t, const std::string& table, const char* key, std::uint64_t max) {
    const node* n = t.find(key);
    if (!n) return std::nullopt;
    def.lines[join(table, key)] = n->line;
    std::optional<std::uint64_t> v;
    if (n->type == node::kind::integer && n->integer >= 0)
      v = static_cast<std::uint64_t>(n->integer);
    else if (n->type == node::kind::string)
      v = parse_uint(n->text);
    else if (n->type != node::kind::integer)
      fail(join(table, key), n->line,
           std::string("expected an integer (or a string such as \"0x1\"), found ") + kind_name(n->type));
    if (!v || *v > max)
      fail(join(table, key), n->line, "expected a number from 0 to " + hex::number(max) + " (decimal, 0x, 0b or 0o)");
    return v;
  }
  template <std::size_t N>
  std::optional<std::array<byte, N>> hex_field(const node& t, const std::string& table, const char* key) {
    const auto s = text(t, table, key);
    if (!s) return std::nullopt;
    const auto b = hex::decode(*s);
    if (!b || b->size() != N)
      fail(join(table, key), def.lines[join(table, key)],
           "expected " + std::to_string(2 * N) + " hex digits (" + std::to_string(N) + " bytes)");
    std::array<byte, N> out{};
    std::copy(b->begin(), b->end(), out.begin());
    return out;
  }
  // A path, or { path = "...", sha256 = "64 hex digits" }.
  std::optional<file_ref> file(const node& t, const std::string& table, const char* key) {
    const node* n = t.find(key);
    if (!n) return std::nullopt;
    const auto k = join(table, key);
    def.lines[k] = n->line;
    file_ref f{k, n->line, {}, {}, {}};
    if (n->type == node::kind::string) {
      f.path = n->text;
    } else if (n->type == node::kind::table) {
      only(*n, k, {"path", "sha256"});
      f.path = need(*n, k, "path", node::kind::string).text;
      if (auto pin = hex_field<32>(*n, k, "sha256")) f.pin = *pin;
    } else {
      fail(k, n->line,
           std::string("expected a path (string) or a table { path, sha256 }, found ") + kind_name(n->type));
    }
    if (f.path.empty()) fail(k, n->line, "empty path");
    if (f.path.find('\0') != std::string::npos) fail(k, n->line, "the path holds a NUL character");
    const std::filesystem::path p(f.path);
    f.resolved = (p.is_absolute() || base.empty() ? p : std::filesystem::path(base) / p).lexically_normal().string();
    return f;
  }
};

// The measure request's flag names, as the file's keys: to_inputs speaks in flags.
inline std::string flag_to_key(const definition& d, std::string msg) {
  static const std::pair<const char*, const char*> native[] = {
      {"--vcpu-family/--vcpu-model/--vcpu-stepping", "launch.vcpu_family/vcpu_model/vcpu_stepping"},
      {"--vcpu-family, --vcpu-model and --vcpu-stepping", "launch.vcpu_family, vcpu_model and vcpu_stepping"},
      {"--vcpu-type or --vcpu-sig or --vcpu-family", "launch.vcpu_type or vcpu_sig or vcpu_family"},
      {"--guest-features", "launch.guest_features"},
      {"--snp-ovmf-hash", "launch.snp_ovmf_hash"},
      {"--vcpu-type", "launch.vcpu_type"},
      {"--vcpu-sig", "launch.vcpu_sig"},
      {"--vcpus N", "launch.vcpus"},
      {"--vcpus", "launch.vcpus"},
      {"--vmm-type", "launch.vmm_type"},
      {"--fpu-init", "launch.fpu_init"},
      {"--initrd", "launch.initrd"},
      {"--append", "launch.append"},
      {"--kernel", "launch.kernel"},
      {"--mode", "launch.mode"}};
  static const std::pair<const char*, const char*> snpguard[] = {{"--guest-features", "guest_features"},
                                                                 {"--vcpus", "vcpu_count"}};
  const bool sg = d.from == origin::snpguard;
  std::string first_key;
  for (const auto& [flag, key] : native) {
    std::string k = key;
    if (sg)
      for (const auto& [f2, k2] : snpguard)
        if (std::string(flag).rfind(f2, 0) == 0) k = k2;
    for (auto pos = msg.find(flag); pos != std::string::npos; pos = msg.find(flag, pos + k.size())) {
      msg.replace(pos, std::string(flag).size(), k);
      if (first_key.empty()) first_key = k;
    }
  }
  return first_key.empty() ? msg : d.where(first_key.substr(0, first_key.find_first_of("/, "))) + ": " + msg;
}

inline std::string snp_policy_problem(std::uint64_t p) {
  if (!(p & bits::find(snp::guest_policy_bits, "RESERVED_MBO").mask()))
    return "bit 17 is reserved and must be one (e.g. 0x30000)";
  if (p & bits::find(snp::guest_policy_bits, "RESERVED").mask()) return "bits 63:26 are reserved and must be zero";
  return {};
}

}  // namespace detail

// The launch as a measurement request (the same refusals as `sevproof measure`).
inline measure::request to_request(const definition& d) {
  measure::request r;
  r.mode = d.mode;
  r.vcpus = d.vcpus;
  r.vcpu_type = d.vcpu_type;
  r.vcpu_sig = d.vcpu_sig;
  r.vcpu_family = d.vcpu_family;
  r.vcpu_model = d.vcpu_model;
  r.vcpu_stepping = d.vcpu_stepping;
  r.vmm_type = d.vmm_type;
  r.guest_features = d.guest_features;
  r.snp_ovmf_hash = d.snp_ovmf_hash;
  r.fpu_init = d.fpu_init;
  r.kernel = d.kernel.has_value();
  r.initrd = d.initrd.has_value();
  r.append = d.append.has_value();
  return r;
}

// The launch inputs without the file digests (the caller adds ovmf and kernel hashes); errors name
// the file key behind them.
inline result<measure::launch_inputs> launch_inputs_of(const definition& d) {
  auto in = measure::to_inputs(to_request(d));
  if (!in) return error{d.source, "", std::nullopt, detail::flag_to_key(d, in.err().message)};
  return in;
}

namespace detail {

inline void read_launch(reader& rd, const node& root) {
  definition& d = rd.def;
  const node& l = rd.need(root, "", "launch", node::kind::table);
  rd.only(l, "launch",
          {"mode", "ovmf", "kernel", "initrd", "append", "vcpus", "vcpu_type", "vcpu_sig", "vcpu_family", "vcpu_model",
           "vcpu_stepping", "vmm_type", "guest_features", "policy", "host_data", "fpu_init", "snp_ovmf_hash"});
  d.mode = rd.need(l, "launch", "mode", node::kind::string).text;
  if (d.mode != "snp" && d.mode != "seves" && d.mode != "sev")
    rd.fail("launch.mode", l.find("mode")->line, "'" + d.mode + "': use snp, seves or sev");
  if (!l.find("ovmf")) rd.need(l, "launch", "ovmf", node::kind::string);  // names the missing key
  d.ovmf = *rd.file(l, "launch", "ovmf");
  d.kernel = rd.file(l, "launch", "kernel");
  d.initrd = rd.file(l, "launch", "initrd");
  d.append = rd.text(l, "launch", "append");
  d.vcpus = rd.integer(l, "launch", "vcpus", 4096, 1);
  d.vcpu_type = rd.text(l, "launch", "vcpu_type").value_or("");
  if (auto s = rd.number(l, "launch", "vcpu_sig", 0xFFFFFFFFu)) d.vcpu_sig = hex::number(*s);
  d.vcpu_family = rd.integer(l, "launch", "vcpu_family", 0xFF + 0xF);
  d.vcpu_model = rd.integer(l, "launch", "vcpu_model", 0xFF);
  d.vcpu_stepping = rd.integer(l, "launch", "vcpu_stepping", 0xF);
  d.vmm_type = rd.text(l, "launch", "vmm_type").value_or("QEMU");
  if (auto f = rd.number(l, "launch", "guest_features", ~0ull)) d.guest_features = hex::number(*f);
  d.fpu_init = rd.text(l, "launch", "fpu_init").value_or("modern");
  d.snp_ovmf_hash = rd.text(l, "launch", "snp_ovmf_hash").value_or("");
  d.policy = rd.number(l, "launch", "policy", d.mode == "snp" ? ~0ull : 0xFFFFFFFFull);
  if (d.policy && d.mode == "snp")
    if (auto p = snp_policy_problem(*d.policy); !p.empty())
      rd.fail("launch.policy", d.lines["launch.policy"], hex::number(*d.policy) + ": " + p);
  if (d.mode != "snp") {  // SEV policy: bit 2 (ES) set exactly for SEV-ES; QEMU's default is 0x1
    if (!d.policy) d.policy = d.mode == "seves" ? 0x5 : 0x1;
    if (((*d.policy & 0x4) != 0) != (d.mode == "seves"))
      rd.fail("launch.policy", d.lines["launch.policy"],
              hex::number(*d.policy) + ": bit 2 (ES) must be " +
                  (d.mode == "seves" ? "set for mode seves" : "clear for mode sev"));
  }
  d.host_data = rd.hex_field<32>(l, "launch", "host_data");
  if (d.host_data && d.mode != "snp")
    rd.fail("launch.host_data", d.lines["launch.host_data"], "HOST_DATA exists only for SNP guests");
}

inline void read_id_block(reader& rd, const node& root) {
  const node* t = rd.get(root, "", "id_block", node::kind::table);
  if (!t) return;
  if (rd.def.mode != "snp") rd.fail("id_block", t->line, "an ID block exists only for SNP guests");
  rd.only(*t, "id_block", {"id_key", "author_key", "family_id", "image_id", "guest_svn"});
  id_block_def b;
  b.id_key = rd.file(*t, "id_block", "id_key");
  b.author_key = rd.file(*t, "id_block", "author_key");
  if (b.author_key && !b.id_key)
    rd.fail("id_block.author_key", b.author_key->line, "an author key signs the ID key: give id_key too");
  if (auto f = rd.hex_field<16>(*t, "id_block", "family_id")) b.family_id = *f;
  if (auto f = rd.hex_field<16>(*t, "id_block", "image_id")) b.image_id = *f;
  b.guest_svn = static_cast<std::uint32_t>(rd.integer(*t, "id_block", "guest_svn", 0xFFFFFFFF).value_or(0));
  rd.def.id_block = b;
}

// [expect]: `sevproof verify`'s option names, read by the library's reference-values reader (the
// same function as a reference-values file); its errors are re-worded to name "expect.KEY" and line.
inline void read_expect(reader& rd, const node& root, std::string_view text) {
  const node* t = rd.get(root, "", "expect", node::kind::table);
  if (!t) return;
  const std::pair<const char*, bool> twice[] = {{"host-data", rd.def.host_data.has_value()},
                                                {"family-id", rd.def.id_block.has_value()},
                                                {"image-id", rd.def.id_block.has_value()}};
  for (const auto& [name, from_launch] : twice)
    if (from_launch && t->find(name))
      rd.fail(std::string("expect.") + name, t->find(name)->line,
              std::string("already fixed by the launch (") +
                  (std::string(name) == "host-data" ? "launch.host_data" : "[id_block]") +
                  "); the report must show that value, so give it once");
  for (const auto& [k, v] : t->members) {
    rd.def.lines["expect." + k] = v.line;
    rd.def.expect_keys.push_back(k);
  }
  const std::string& src = rd.def.source;
  try {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && text[first] == '{') {
      const auto j = nlohmann::json::parse(text);
      validate::apply_json(j.at("expect"), text, src, rd.def.expect);
    } else {
      const toml::table doc = toml::parse(text, src);
      validate::apply_table(*doc["expect"].as_table(), src, rd.def.expect);
    }
  } catch (const toml::parse_error& e) {  // read_document parsed this text already; kept as a refusal, never a throw
    rd.fail("expect", t->line, std::string("not valid TOML: ") + utf8::printable(e.description()));
  } catch (const nlohmann::json::exception& e) {
    rd.fail("expect", t->line, std::string("not valid JSON: ") + utf8::printable(e.what()));
  } catch (const validate::option_error& e) {
    std::string msg = e.what();
    for (const auto& [k, v] : t->members)
      for (const std::string& at : {validate::detail::where(src, static_cast<std::size_t>(v.line), k),
                                    validate::detail::where(src, std::nullopt, k)})
        if (msg.rfind(at, 0) == 0) {
          std::string rest = msg.substr(at.size());
          rest.erase(0, rest.find_first_not_of(": "));
          rd.fail("expect." + k, v.line, rest);
        }
    rd.fail("expect", t->line, msg);
  }
}

inline void read_native(reader& rd, const node& root, std::string_view text) {
  rd.only(root, "", {"format", "launch", "id_block", "expect"});
  const auto f = rd.integer(root, "", "format", 1000);
  if (!f) rd.fail("format", 0, "missing: a sevproof VM file starts with format = 1 (and is not a SNPGuard file)");
  if (*f != format_version)
    rd.fail("format", root.find("format")->line,
            std::to_string(*f) + " is not supported (this sevproof reads format 1)");
  read_launch(rd, root);
  read_id_block(rd, root);
  read_expect(rd, root, text);
}

// SNPGuard's VMDescription: every key required (its serde struct has no defaults); EPYC-v4, QEMU.
inline void read_snpguard(reader& rd, const node& root) {
  definition& d = rd.def;
  d.from = origin::snpguard;
  rd.only(root, "",
          {"host_cpu_family", "vcpu_count", "ovmf_file", "guest_features", "kernel_file", "initrd_file",
           "kernel_cmdline", "platform_info", "guest_policy", "family_id", "image_id", "min_commited_tcb"});
  d.product = rd.need(root, "", "host_cpu_family", node::kind::string).text;
  if (d.product != "Milan" && d.product != "Genoa")
    rd.fail("host_cpu_family", d.lines["host_cpu_family"], "'" + d.product + "': SNPGuard knows Milan and Genoa");
  d.mode = "snp";
  d.vcpu_type = "EPYC-v4";
  d.vmm_type = "QEMU";
  rd.need(root, "", "vcpu_count", node::kind::integer);
  d.vcpus = rd.integer(root, "", "vcpu_count", 4096, 1);
  for (const char* k : {"ovmf_file", "kernel_file", "initrd_file", "kernel_cmdline"})
    rd.need(root, "", k, node::kind::string);
  d.ovmf = *rd.file(root, "", "ovmf_file");
  d.kernel = rd.file(root, "", "kernel_file");
  d.initrd = rd.file(root, "", "initrd_file");
  const auto cmdline = *rd.text(root, "", "kernel_cmdline");
  if (!cmdline.empty()) d.append = cmdline;  // SNPGuard: "" means no command line
  for (const char* k : {"guest_features", "platform_info", "guest_policy"}) rd.need(root, "", k, node::kind::integer);
  d.guest_features = hex::number(*rd.number(root, "", "guest_features", ~0ull));
  d.platform_info = rd.number(root, "", "platform_info", ~0ull);
  d.policy = rd.number(root, "", "guest_policy", ~0ull);
  if (auto p = snp_policy_problem(*d.policy); !p.empty())
    rd.fail("guest_policy", d.lines["guest_policy"], hex::number(*d.policy) + ": " + p);
  id_block_def b;
  for (auto [k, out] : {std::pair{"family_id", &b.family_id}, std::pair{"image_id", &b.image_id}}) {
    rd.need(root, "", k, node::kind::string);
    *out = *rd.hex_field<16>(root, "", k);
  }
  d.id_block = b;
  const node& tcb = rd.need(root, "", "min_commited_tcb", node::kind::table);
  rd.only(tcb, "min_commited_tcb", {"bootloader", "tee", "snp", "microcode", "_reserved"});
  std::string text;
  for (auto [k, abbrev] : {std::pair{"bootloader", "bl"}, std::pair{"tee", "tee"}, std::pair{"snp", "snp"},
                           std::pair{"microcode", "ucode"}}) {
    rd.need(tcb, "min_commited_tcb", k, node::kind::integer);
    text += (text.empty() ? "" : ",") + std::string(abbrev) + "=" +
            std::to_string(*rd.integer(tcb, "min_commited_tcb", k, 255));
  }
  if (const node* r = rd.get(tcb, "min_commited_tcb", "_reserved", node::kind::array))
    if (r->items.size() != 4) rd.fail("min_commited_tcb._reserved", r->line, "expected 4 integers");
  validate::apply_option(d.expect, "min-committed-tcb", text);
}

}  // namespace detail

// Parses a VM definition (native TOML/JSON, or a SNPGuard file). `base_dir` is the folder relative
// paths resolve against ("" leaves them as written, e.g. for files a browser supplies by name).
inline result<definition> parse(std::string_view text, const std::string& source, const std::string& base_dir = "") {
  text = utf8::without_bom(text);  // one text for the document and for its [expect], read twice below
  auto doc = read_document(text, source);
  if (!doc) return doc.err();
  definition d;
  d.source = source;
  detail::reader rd{d, base_dir};
  try {
    const node& root = *doc;
    const bool snpguard =
        !root.find("format") && (root.find("vcpu_count") || root.find("ovmf_file") || root.find("host_cpu_family"));
    if (snpguard)
      detail::read_snpguard(rd, root);
    else
      detail::read_native(rd, root, text);
  } catch (const detail::file_error& e) {
    return error{source, "", std::nullopt, e.what()};
  }
  if (d.mode == "snp" && !d.policy) d.policy = 0x30000;  // QEMU's sev-snp-guest default
  auto in = launch_inputs_of(d);
  if (!in) return in.err();
  return d;
}

// A file that does not have its pinned SHA-256 is refused, naming it and both digests.
inline std::optional<error> check_pin(const definition& d, const file_ref& f, const crypto::sha256_digest& actual) {
  if (!f.pin || *f.pin == actual) return std::nullopt;
  return error{d.source, "", std::nullopt,
               d.where(f.key) + ": " + f.path + " has SHA-256 " + hex::encode(actual) + ", but the file pins " +
                   hex::encode(*f.pin) + ": refusing a file that is not the one the definition names"};
}

}  // namespace sevproof::workflows::vm

namespace sevproof::workflows::vm {

// What the caller read for the launch digest: the firmware's bytes and the SHA-256 of kernel and
// initrd (hashed streaming by the CLI; from memory by the page).
struct launch_files {
  bytes ovmf;
  std::optional<crypto::sha256_digest> kernel, initrd;
};

namespace detail {

// Pins checked, then the launch measured by the pipeline (`sevproof measure`'s); errors name the
// file key. A launch whose digest is refused is returned with its failure (its inputs are known).
inline result<pipeline::measurement> measured(const definition& d, launch_files f) {
  if (auto e = check_pin(d, d.ovmf, crypto::sha256_of(f.ovmf))) return *e;
  for (auto [ref, digest] : {std::pair{&d.kernel, &f.kernel}, std::pair{&d.initrd, &f.initrd}}) {
    if (ref->has_value() != digest->has_value())
      return error{d.source, "", std::nullopt,
                   std::string(ref->has_value() ? (*ref)->key : "launch") + ": digest not supplied"};
    if (*ref)
      if (auto e = check_pin(d, **ref, **digest)) return *e;
  }
  pipeline::launch_files lf;
  lf.ovmf_name = d.ovmf.path;
  lf.ovmf = std::move(f.ovmf);
  lf.kernel = f.kernel;
  lf.initrd = f.initrd;
  lf.append = d.append;
  auto m = pipeline::measure_launch(to_request(d), lf);
  switch (m.failure) {
    case pipeline::measure_failure::none:
    case pipeline::measure_failure::refused:
      break;
    case pipeline::measure_failure::usage:  // the same words as launch_inputs_of: the key, not the flag
      return error{d.source, "", std::nullopt, detail::flag_to_key(d, m.why->message)};
    case pipeline::measure_failure::input:
      return error{d.source, "", std::nullopt, d.where(d.ovmf.key) + ": " + m.why->to_string()};
  }
  return m;
}

}  // namespace detail

// Pins checked, then the expected launch digest (48 bytes for SNP, 32 for SEV and SEV-ES).
inline result<bytes> expected_measurement(const definition& d, launch_files f, measure::trace* t = nullptr) {
  auto m = detail::measured(d, std::move(f));
  if (!m) return m.err();
  if (m->failure == pipeline::measure_failure::refused) return error{d.source, "", std::nullopt, m->why->message};
  if (t) t->insert(t->end(), m->trace.begin(), m->trace.end());
  return m->digest;
}

// The launch inputs (kernel hashes included) and the parsed firmware, every file checked against
// its pin; errors name the file key. A launch no real guest could have (its digest refused) is
// returned too: explaining a digest searches around it.
struct measured_launch {
  measure::launch_inputs inputs;
  measure::ovmf_image fw;
};
inline result<measured_launch> launch_of(const definition& d, launch_files f) {
  auto m = detail::measured(d, std::move(f));
  if (!m) return m.err();
  return measured_launch{m->inputs, std::move(*m->firmware)};
}

// The same from files a caller holds in memory (the page: files the user dropped), looked up by
// the path as written, then as resolved, then by its last component.
inline const bytes* find_supplied(const std::map<std::string, bytes>& files, const file_ref& f) {
  for (const auto& name : {f.path, f.resolved, std::filesystem::path(f.path).filename().string()}) {
    const auto it = files.find(name);
    if (it != files.end()) return &it->second;
  }
  return nullptr;
}

inline result<bytes> expected_measurement(const definition& d, const std::map<std::string, bytes>& files,
                                          measure::trace* t = nullptr) {
  launch_files lf;
  for (const file_ref* f : {&d.ovmf, d.kernel ? &*d.kernel : nullptr, d.initrd ? &*d.initrd : nullptr}) {
    if (!f) continue;
    const bytes* b = find_supplied(files, *f);
    if (!b) return error{d.source, "", std::nullopt, d.where(f->key) + ": " + f->path + ": file not supplied"};
    if (f == &d.ovmf)
      lf.ovmf = *b;
    else
      (d.kernel && f == &*d.kernel ? lf.kernel : lf.initrd) = crypto::sha256_of(*b);
  }
  return expected_measurement(d, std::move(lf), t);
}

}  // namespace sevproof::workflows::vm
