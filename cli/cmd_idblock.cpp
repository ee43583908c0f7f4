// sevproof id-block (create, check) and sevproof key-digest: the SNP_LAUNCH_FINISH inputs QEMU's
// sev-snp-guest object takes, and the digests the attestation report will carry.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "io.hpp"
#include "idblock_create.hpp"
#include "launch_belief.hpp"
#include "measure_flags.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/idblock/id_block.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/workflows/explain.hpp"

namespace sevproof::cli {
namespace {

// 96 hex digits or base64 of 48 bytes (the reference tool takes base64), by the library's one rule.
std::optional<std::array<byte, 48>> parse_measurement(const std::string& s, std::string& why) {
  try {
    const auto d = validate::parse_hex_field(s, "--measurement", 48);
    std::array<byte, 48> out{};
    std::copy(d.begin(), d.end(), out.begin());
    return out;
  } catch (const validate::option_error& e) {
    why = e.what();
    return std::nullopt;
  }
}

// A binary structure from a file holding it raw or base64 (as QEMU takes it).
std::optional<bytes> read_structure(const std::string& path, std::size_t size, std::string& why) {
  auto f = read_file(path);
  if (!f.data) {
    why = f.why;
    return std::nullopt;
  }
  if (auto b = idblock::structure_from(*f.data, size)) return b;
  why = path + ": neither " + std::to_string(size) + " raw bytes nor base64 of them";
  return std::nullopt;
}

std::optional<crypto::private_key> load_key(const std::string& path, const char* role, std::string& why) {
  auto f = read_file(path);
  if (!f.data) {
    why = std::string(role) + " " + f.why;
    return std::nullopt;
  }
  auto k = crypto::private_key::load(*f.data);
  if (!k) {
    why = std::string(role) + " " + path + ": " + k.err().to_string();
    return std::nullopt;
  }
  if (!k->is_ecdsa_p384()) {
    why = std::string(role) + " " + path + ": is " + k->algorithm() +
          ", not an ECDSA P-384 key (SNP only supports the EC curve P-384)";
    return std::nullopt;
  }
  return k.value();
}

}  // namespace

int run_id_block_create(const create_options& o, const measure_cli& m) {
  std::string why;
  idblock::id_block_values v;
  if (!o.measurement.empty()) {
    auto ld = parse_measurement(o.measurement, why);
    if (!ld) return std::cerr << "sevproof id-block: " << why << "\n", static_cast<int>(usage);
    v.ld = *ld;
  } else {  // computed from the measure flags, as `sevproof measure` would
    if (m.mode != "snp")
      return std::cerr << "sevproof id-block: the ID block needs an SNP launch digest: --mode snp\n",
             static_cast<int>(usage);
    int code = ok;
    auto d = compute_measurement(m, nullptr, code);
    if (!d) return code;
    std::copy(d->begin(), d->end(), v.ld.begin());
  }
  for (auto [text, out, flag] :
       {std::tuple{&o.family_id, &v.family_id, "--family-id"}, std::tuple{&o.image_id, &v.image_id, "--image-id"}}) {
    if (text->empty()) continue;
    auto b = hex::decode(*text);
    if (!b || b->size() != 16)
      return std::cerr << "sevproof id-block: " << flag << ": expected 32 hex digits (16 bytes)\n",
             static_cast<int>(usage);
    std::copy(b->begin(), b->end(), out->begin());
  }
  auto svn = parse_uint(o.guest_svn);
  if (!svn || *svn > 0xFFFFFFFFu)
    return std::cerr << "sevproof id-block: --guest-svn: expected a 32-bit number\n", static_cast<int>(usage);
  v.guest_svn = static_cast<std::uint32_t>(*svn);
  auto pol = parse_uint(o.policy);
  if (!pol)
    return std::cerr << "sevproof id-block: --policy: " << number_syntax_problem(o.policy) << "\n",
           static_cast<int>(usage);
  if (!(*pol & bits::find(snp::guest_policy_bits, "RESERVED_MBO").mask()))
    return std::cerr << "sevproof id-block: --policy " << o.policy
                     << ": bit 17 is reserved and must be one (e.g. 0x30000)\n",
           static_cast<int>(usage);
  if (*pol & bits::find(snp::guest_policy_bits, "RESERVED").mask())
    return std::cerr << "sevproof id-block: --policy " << o.policy << ": bits 63:26 are reserved and must be zero\n",
           static_cast<int>(usage);
  v.policy = *pol;

  auto idk = load_key(o.id_key, "--id-key", why);
  if (!idk) return std::cerr << "sevproof id-block: " << why << "\n", static_cast<int>(bad_input);
  std::optional<crypto::private_key> ak;
  if (!o.author_key.empty()) {
    ak = load_key(o.author_key, "--author-key", why);
    if (!ak) return std::cerr << "sevproof id-block: " << why << "\n", static_cast<int>(bad_input);
  }
  const auto block = idblock::build_id_block(v);
  auto auth = idblock::build_id_auth(block, *idk, ak ? &*ak : nullptr);
  if (!auth) return std::cerr << "sevproof id-block: " << auth.err().to_string() << "\n", static_cast<int>(bad_input);
  const auto id_digest = idblock::key_digest(*idblock::key_structure_of(*idk));
  const std::string b_block = base64::encode(block), b_auth = base64::encode(*auth);
  const std::string qemu = "-object sev-snp-guest,id=sev0,policy=" + hex::number(v.policy) + ",id-block=" + b_block +
                           ",id-auth=" + b_auth + (ak ? ",author-key-enabled=on" : "");
  if (!o.out_dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    if (ec)
      return std::cerr << "sevproof id-block: --out-dir " << o.out_dir << ": " << ec.message() << "\n",
             static_cast<int>(bad_input);
    for (const auto& [name, text] : {std::pair{"/id-block.base64", b_block}, std::pair{"/id-auth.base64", b_auth},
                                     std::pair{"/qemu-object.txt", qemu}})
      if (auto failed = write_file(o.out_dir + name, text + "\n"); !failed.empty())
        return std::cerr << "sevproof id-block: " << failed << "\n", static_cast<int>(bad_input);
  }
  if (o.json) {
    nlohmann::ordered_json j{{"schema_version", 1},
                             {"id_block", b_block},
                             {"id_auth", b_auth},
                             {"id_key_digest", hex::encode(id_digest)},
                             {"qemu_object", qemu}};
    if (ak) j["author_key_digest"] = hex::encode(idblock::key_digest(*idblock::key_structure_of(*ak)));
    std::cout << json_out(j) << "\n";
    return ok;
  }
  // The reference tool's three lines, then the ready QEMU argument and the hex digests.
  std::cout << "id-block=" << b_block << ",id-auth=" << b_auth << "\n";
  std::cout << "id_key_hash: " << base64::encode(id_digest) << "\n";
  if (ak) std::cout << "author_key: " << base64::encode(idblock::key_digest(*idblock::key_structure_of(*ak))) << "\n";
  std::cout << "# QEMU (add cbitpos/reduced-phys-bits for your host):\n" << qemu << "\n";
  std::cout << "# the report will carry ID_KEY_DIGEST " << hex::encode(id_digest);
  if (ak) std::cout << " and AUTHOR_KEY_DIGEST " << hex::encode(idblock::key_digest(*idblock::key_structure_of(*ak)));
  std::cout << "\n";
  return ok;
}

namespace {

struct check_options {
  std::string id_block, id_auth, measurement, policy;
  bool json = false;
};

// When the launch inputs are given and the ID block's LD differs from their digest: which input,
// changed, gives the LD the ID block was made for.
std::vector<std::string> explain_ld(const measure_cli& m, bytes_view block_ld) {
  int code = ok;
  auto b = belief_from_flags(m, code);
  if (!b) return {};
  auto r = workflows::explain(b->view(), block_ld);
  if (!r) return {};
  if (!r->explained)
    return {
        "no single input change or pair of changes to the launch inputs gives the ID block's LD (try sevproof explain "
        "--measurement <LD> with --ovmf-candidates)"};
  std::vector<std::string> lines;
  for (const auto& e : r->explanations) lines.push_back("the ID block was made for a launch where " + e.sentence);
  return lines;
}

int run_check(const check_options& o, const measure_cli& m) {
  std::string why;
  auto block = read_structure(o.id_block, 0x60, why);
  if (!block) return std::cerr << "sevproof id-block check: --id-block " << why << "\n", static_cast<int>(bad_input);
  auto auth = read_structure(o.id_auth, 0x1000, why);
  if (!auth) return std::cerr << "sevproof id-block check: --id-auth " << why << "\n", static_cast<int>(bad_input);
  idblock::finish_expectations want;
  if (!o.measurement.empty() && !m.ovmf.empty())
    return std::cerr << "sevproof id-block check: give --measurement or the measure flags, not both\n",
           static_cast<int>(usage);
  if (!o.measurement.empty()) {
    want.ld = parse_measurement(o.measurement, why);
    if (!want.ld) return std::cerr << "sevproof id-block check: " << why << "\n", static_cast<int>(usage);
  } else if (!m.ovmf.empty()) {
    if (m.mode != "snp")
      return std::cerr << "sevproof id-block check: the ID block holds an SNP launch digest: --mode snp\n",
             static_cast<int>(usage);
    int code = ok;
    auto d = compute_measurement(m, nullptr, code);
    if (!d) return code;
    want.ld.emplace();
    std::copy(d->begin(), d->end(), want.ld->begin());
  }
  if (!o.policy.empty()) {
    want.policy = parse_uint(o.policy);
    if (!want.policy)
      return std::cerr << "sevproof id-block check: --policy: " << number_syntax_problem(o.policy) << "\n",
             static_cast<int>(usage);
  }
  auto r = idblock::check_for_launch_finish(*block, *auth, want);
  if (!r) return std::cerr << "sevproof id-block check: " << r.err().to_string() << "\n", static_cast<int>(bad_input);
  bool all = true;
  nlohmann::ordered_json j = nlohmann::ordered_json::array();
  for (const auto& c : *r) {
    all = all && c.ok;
    std::vector<std::string> why_lines;
    if (c.what == "LD" && !c.ok && !m.ovmf.empty()) why_lines = explain_ld(m, subview(*block, 0, 48));
    if (o.json) {
      nlohmann::ordered_json row{{"check", c.what}, {"ok", c.ok}, {"detail", c.detail}};
      if (!why_lines.empty()) row["explanation"] = why_lines;
      j.push_back(row);
      continue;
    }
    std::cout << (c.ok ? "  pass  " : "  FAIL  ") << c.what << ": " << c.detail << "\n";
    for (const auto& w : why_lines) std::cout << "        why: " << w << "\n";
  }
  if (o.json)
    std::cout << json_out(nlohmann::ordered_json{{"schema_version", 1},
                                                 {"accepted", all},
                                                 {"not_compared", idblock::not_compared(want)},
                                                 {"checks", j}})
              << "\n";
  else
    std::cout << idblock::finish_verdict(all, want) << "\n";
  return all ? ok : check_failed;
}

}  // namespace

runner add_id_block(CLI::App& app) {
  auto c = std::make_shared<create_options>();
  auto k = std::make_shared<check_options>();
  auto m = std::make_shared<measure_cli>();
  auto cm = std::make_shared<measure_cli>();
  cm->command = "id-block check";
  app.footer(
      "Creates the ID block and ID auth for QEMU's sev-snp-guest object (id-block=, id-auth=), signed with your\n"
      "ID key and optionally an author key (P-384, PEM: SEC1 or PKCS#8). `id-block check` says whether\n"
      "SNP_LAUNCH_FINISH would accept a pair, and if not, which of LD, policy or signature is wrong.\n\n"
      "Examples:\n"
      "  sevproof id-block --measurement $(sevproof measure --mode snp ...) --id-key id.pem --author-key author.pem\n"
      "  sevproof id-block --measurement <hex> --id-key id.pem --policy 0x30000 --out-dir ./launch\n"
      "  sevproof id-block --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.fd --id-key id.pem   # measure and "
      "sign\n"
      "  sevproof id-block check --id-block launch/id-block.base64 --id-auth launch/id-auth.base64 \\\n"
      "                          --measurement <hex> --policy 0x30000\n\n"
      "Exit codes: 0 done / accepted, 1 would be refused, 2 usage error, 3 unreadable key or file.");
  app.add_option("--measurement", c->measurement, "Expected launch digest (96 hex digits or base64)");
  app.add_option("--id-key,--idkey", c->id_key, "ID private key (P-384 PEM)");
  app.add_option("--author-key,--authorkey", c->author_key, "Author private key (P-384 PEM), optional");
  app.add_option("--family-id", c->family_id, "FAMILY_ID, 32 hex digits (default zero)");
  app.add_option("--image-id", c->image_id, "IMAGE_ID, 32 hex digits (default zero)");
  app.add_option("--guest-svn", c->guest_svn, "GUEST_SVN (default 0)");
  app.add_option("--policy", c->policy, "Guest policy, as given to QEMU (default 0x30000)");
  app.add_option("--out-dir", c->out_dir, "Also write id-block.base64, id-auth.base64 and qemu-object.txt there");
  app.add_flag("--json", c->json, "Print JSON");
  add_measure_flags(app, m, false);
  auto* check = app.add_subcommand("check", "Would SNP_LAUNCH_FINISH accept this ID block and ID auth?");
  check->add_option("--id-block", k->id_block, "ID block file (96 bytes raw, or base64)")->required();
  check->add_option("--id-auth", k->id_auth, "ID auth file (4096 bytes raw, or base64)")->required();
  check->add_option("--measurement", k->measurement,
                    "The launch digest the launch will have (or give the measure flags)");
  check->add_option("--policy", k->policy, "The policy the launch will use");
  check->add_flag("--json", k->json, "Print JSON");
  add_measure_flags(*check, cm, false);
  check->footer(
      "With the measure flags instead of --measurement, a differing LD is explained: the input that, changed,\n"
      "gives the LD the ID block was made for. A differing POLICY names the bits that differ.\n\n"
      "Examples:\n"
      "  sevproof id-block check --id-block id-block.base64 --id-auth id-auth.base64 --measurement <hex> --policy "
      "0x30000\n"
      "  sevproof id-block check --id-block id-block.base64 --id-auth id-auth.base64 --policy 0x30000 \\\n"
      "                          --mode snp --vcpus 4 --vcpu-type EPYC-Milan --ovmf OVMF.fd");
  return [c, k, m, cm, check]() -> int {
    if (check->parsed()) return run_check(*k, *cm);
    if ((c->measurement.empty() && m->ovmf.empty()) || c->id_key.empty()) {
      std::cerr << "sevproof id-block: give --id-key and either --measurement or the measure flags (--mode snp --ovmf "
                   "...; see --help)\n";
      return usage;
    }
    if (!c->measurement.empty() && !m->ovmf.empty()) {
      std::cerr << "sevproof id-block: give --measurement or the measure flags, not both\n";
      return usage;
    }
    return run_id_block_create(*c, *m);
  };
}

runner add_key_digest(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  auto b64 = std::make_shared<bool>(false);
  app.footer(
      "Prints SHA-384 of the AMD public-key structure (0x404 bytes) of a P-384 key: what the report's\n"
      "ID_KEY_DIGEST or AUTHOR_KEY_DIGEST holds and what `verify --id-key-digest` expects.\n\n"
      "Examples:\n  sevproof key-digest id.pem\n  sevproof key-digest --base64 author-public.pem");
  app.add_option("KEY", *path, "P-384 key, private (SEC1 or PKCS#8) or public (SubjectPublicKeyInfo), PEM or DER")
      ->required();
  app.add_flag("--base64", *b64, "Print base64 (as sev-snp-measure's id_key_hash) instead of hex");
  return [path, b64]() -> int {
    auto f = read_file(*path);
    if (!f.data) return std::cerr << "sevproof key-digest: " << f.why << "\n", static_cast<int>(bad_input);
    const auto ks = idblock::key_structure_from_file(*f.data);
    if (!ks)
      return std::cerr << "sevproof key-digest: " << *path << ": " << ks.err().to_string() << "\n",
             static_cast<int>(bad_input);
    const auto d = idblock::key_digest(*ks);
    std::cout << (*b64 ? base64::encode(d) : hex::encode(d)) << "\n";
    return static_cast<int>(ok);
  };
}

}  // namespace sevproof::cli
