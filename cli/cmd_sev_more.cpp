// sevproof sev verify-chain and sevproof sev secret.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "commands.hpp"
#include "io.hpp"
#include "transport_keys.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/sev/chain.hpp"
#include "sevproof/sev/launch_measure.hpp"
#include "sevproof/sev/secret.hpp"
#include "sevproof/sev/session.hpp"

namespace sevproof::cli {

namespace {

std::vector<std::pair<sev::signing_key, sev::signing_key>> builtin_legacy_ca() {
  std::vector<std::pair<sev::signing_key, sev::signing_key>> out;
  for (const char* product : {"naples", "rome", "milan", "genoa", "turin"}) {
    std::optional<sev::signing_key> ask, ark;
    for (const auto& f : embedded::legacy_sev_keys) {
      if (f.product != product) continue;
      auto k = sev::parse_signing_key(bytes_view(f.data.data(), f.data.size()));
      if (!k) continue;
      (f.role == "ask" ? ask : ark) = k.value();
    }
    if (ask && ark) out.emplace_back(*ask, *ark);
  }
  return out;
}

struct chain_options {
  std::string file, ca;
  bool json = false;
};

int run_chain(const chain_options& o) {
  auto f = read_file(o.file);
  if (!f.data) return std::cerr << "sevproof sev verify-chain: " << f.why << "\n", static_cast<int>(bad_input);
  auto chain = sev::parse_chain_file(*f.data);
  if (!chain)
    return std::cerr << "sevproof sev verify-chain: " << o.file << ": " << chain.err().to_string() << "\n",
           static_cast<int>(bad_input);
  auto ca = builtin_legacy_ca();
  if (!o.ca.empty()) {  // a separate ASK ‖ ARK file, as sevctl verify --ca takes
    auto c = read_file(o.ca);
    if (!c.data) return std::cerr << "sevproof sev verify-chain: " << c.why << "\n", static_cast<int>(bad_input);
    auto pair = sev::parse_ask_ark(*c.data, 0, "--ca " + o.ca, "key #1", "key #2");
    if (!pair)
      return std::cerr << "sevproof sev verify-chain: " << pair.err().to_string() << "\n", static_cast<int>(bad_input);
    ca = {pair.value()};
  }
  const auto v = sev::verify_chain(*chain, ca);
  auto mark = [&](const std::string& subject, const std::string& signer) {
    for (const auto& l : v.links)
      if (l.subject == subject && l.signer.rfind(signer, 0) == 0)
        return l.valid ? std::string("✓ valid") : std::string("✗ INVALID");
    return std::string("?");
  };
  auto ec = [](const sev::platform_cert& c) {
    return std::string(c.algo & 0x100 ? "E384" : "E256") + " " + c.fingerprint();
  };
  const auto& ask = chain->ask ? *chain->ask : (ca.empty() ? sev::signing_key{} : ca.front().first);
  (void)ask;
  std::cout << "PDH " << ec(chain->pdh) << "\n"
            << " ⬑ PEK " << ec(chain->pek) << "   " << mark("PDH", "PEK") << "\n"
            << "    •¬ OCA " << ec(chain->oca) << "   " << mark("PEK", "OCA") << " (OCA signed the PEK; self-signature "
            << mark("OCA", "OCA") << ")\n"
            << "    ⬑ CEK " << ec(chain->cek) << "   " << mark("PEK", "CEK") << "\n"
            << "       ⬑ ASK   " << mark("CEK", "ASK") << "\n"
            << "          •¬ ARK   " << mark("ASK", "ARK") << " (self-signature " << mark("ARK", "ARK") << ")\n\n"
            << " • = self signed, ⬑ = signed by parent, ¬ = trusted anchor\n";
  for (const auto& l : v.links)
    if (!l.valid) std::cout << "FAIL: " << l.subject << " by " << l.signer << ": " << l.detail << "\n";
  if (v.valid())
    std::cout << "VERIFIED: platform chain of a genuine AMD " << *v.generation << " (ARK pinned)\n";
  else
    std::cout << "NOT VERIFIED: "
              << (v.generation ? "a signature in the chain is invalid" : "the chain does not end at a pinned AMD ARK")
              << "\n";
  return v.valid() ? ok : check_failed;
}

struct secret_options {
  std::string tek, tik, tk, measurement, out = "secret", iv;
  std::vector<std::string> secrets;  // GUID:FILE or luks-key:FILE
};

int run_secret(const secret_options& o) {
  auto fail = [](const std::string& m, int code) {
    std::cerr << "sevproof sev secret: " << m << "\n";
    return code;
  };
  auto keys = read_transport_keys(o.tek, o.tik, o.tk, true);
  if (!keys.keys) return fail(keys.why, keys.unreadable ? bad_input : usage);
  const bytes& tek = keys.keys->tek;
  const bytes& tik = keys.keys->tik;
  auto m = base64::decode(o.measurement);
  if (!m || m->size() != 48)
    return fail("--measurement: expected base64 of the 48-byte LAUNCH_MEASURE value (validate it first)", usage);
  if (o.secrets.empty()) return fail("give at least one --secret GUID:FILE (or luks-key:FILE)", usage);
  std::vector<sev::secret_entry> entries;
  for (const auto& s : o.secrets) {
    const auto colon = s.find(':');
    if (colon == std::string::npos) return fail("--secret " + s + ": expected GUID:FILE", usage);
    const auto name = s.substr(0, colon);
    std::optional<guid> g = name == "luks-key" ? std::optional<guid>(sev::luks_key_guid) : guid::parse(name);
    if (!g) return fail("--secret " + s + ": '" + name + "' is neither a GUID nor luks-key", usage);
    auto f = read_file(s.substr(colon + 1));
    if (!f.data) return fail(f.why, bad_input);
    entries.push_back({*g, *f.data});
  }
  if (auto e = sev::check_secret_entries(entries)) return fail(e->to_string(), usage);
  bytes iv = crypto::random_bytes(16);
  if (!o.iv.empty()) {  // for reproducible tests only
    auto b = hex::decode(o.iv);
    if (!b || b->size() != 16) return fail("--iv: expected 32 hex digits", usage);
    iv = *b;
  }
  const auto table = sev::build_secret_table(entries);
  auto packet = sev::build_secret_packet(table, tek, tik, bytes_view(*m).first(32), iv);
  if (!packet) return fail(packet.err().to_string(), usage);
  for (const auto& [suffix, data] : {std::pair{"_header.b64", base64::encode(packet->header) + "\n"},
                                     std::pair{"_payload.b64", base64::encode(packet->payload) + "\n"}})
    if (auto why = write_file(o.out + suffix, data); !why.empty()) return fail(why, bad_input);
  std::cout << "wrote " << o.out << "_header.b64 (52 bytes) and " << o.out << "_payload.b64 (" << packet->payload.size()
            << " bytes)\n"
            << "QMP: { \"execute\": \"sev-inject-launch-secret\", \"arguments\": { \"packet-header\": \""
            << base64::encode(packet->header) << "\", \"secret\": \"" << base64::encode(packet->payload) << "\" } }\n";
  return ok;
}

struct session_options {
  std::string input, policy, name = "vm";
  bool allow_unverified = false;
};

int run_session(const session_options& o) {
  auto fail = [](const std::string& m, int code) {
    std::cerr << "sevproof sev session: " << m << "\n";
    return code;
  };
  auto pol = parse_uint(o.policy);
  if (!pol || *pol > 0xFFFFFFFFu) return fail("POLICY " + o.policy + ": expected a 32-bit number (e.g. 0x1)", usage);
  auto f = read_file(o.input);
  if (!f.data) return fail(f.why, bad_input);
  std::optional<sev::platform_cert> pdh;
  if (f.data->size() == sev::platform_cert_size) {
    if (!o.allow_unverified)
      return fail(o.input +
                      " is a bare PDH: give the whole chain (`sevctl export --full`) so it can be verified first, "
                      "or --allow-unverified-pdh if you verified it another way",
                  usage);
    auto c = sev::parse_platform_cert(*f.data);
    if (!c) return fail(c.err().to_string(), bad_input);
    pdh = c.value();
  } else {
    auto chain = sev::parse_chain_file(*f.data);
    if (!chain) return fail(o.input + ": " + chain.err().to_string(), bad_input);
    const auto v = sev::verify_chain(*chain, builtin_legacy_ca());
    if (!v.valid())
      return fail("the platform chain in " + o.input +
                      " does not verify (run `sevproof sev verify-chain`); no session for an unverified PDH",
                  check_failed);
    pdh = chain->pdh;
  }
  if (pdh->usage != sev::usage_pdh) return fail("the certificate is the " + pdh->name() + ", not a PDH", bad_input);
  auto point = sev::cert_point(*pdh);
  if (!point) return fail(point.err().to_string(), bad_input);
  const auto godh = crypto::private_key::generate_ecdh_p384();
  auto z = godh.ecdh_p384(point->first, point->second);
  if (!z) return fail(z.err().to_string(), bad_input);
  const auto tek = crypto::random_bytes(16), tik = crypto::random_bytes(16), nonce = crypto::random_bytes(16),
             iv = crypto::random_bytes(16);
  const auto s = sev::make_session(*z, tek, tik, static_cast<std::uint32_t>(*pol), nonce, iv);
  const auto as_text = [](const bytes& b) { return std::string(b.begin(), b.end()); };
  for (const auto& [suffix, data] : {std::pair{"_godh.b64", base64::encode(sev::make_godh_cert(godh)) + "\n"},
                                     std::pair{"_session.b64", base64::encode(s.encode()) + "\n"},
                                     std::pair{"_tek.bin", as_text(tek)}, std::pair{"_tik.bin", as_text(tik)}})
    if (auto why = write_file(o.name + suffix, data); !why.empty()) return fail(why, bad_input);
  std::cout << "wrote " << o.name << "_godh.b64, " << o.name
            << "_session.b64 (for QEMU sev-guest dh-cert-file= and session-file=), " << o.name << "_tek.bin and "
            << o.name << "_tik.bin (keep these secret: they validate the launch and wrap secrets)\n";
  return ok;
}

}  // namespace

void add_sev_session(CLI::App& sev, std::vector<std::pair<CLI::App*, runner>>& subs) {
  auto o = std::make_shared<session_options>();
  auto* c = sev.add_subcommand("session", "Start a launch session with a verified platform (as `sevctl session`)");
  c->footer(
      "Verifies the platform chain, makes a GODH key, derives master secret, KEK and KIK from ECDH with the PDH\n"
      "(SP 800-108 counter-mode HMAC-SHA256), wraps fresh TEK and TIK, and writes NAME_godh.b64, NAME_session.b64,\n"
      "NAME_tek.bin, NAME_tik.bin.\n\n"
      "Example:\n  sevproof sev session full_chain.bin 0x1 --name vm1\n\n"
      "Exit codes: 0 written, 1 the chain does not verify, 2 usage error, 3 unreadable or malformed file.");
  c->add_option("CHAIN", o->input, "`sevctl export --full` chain file (or a bare PDH with --allow-unverified-pdh)")
      ->required();
  c->add_option("POLICY", o->policy, "Guest policy (e.g. 0x1; bit 2 for SEV-ES)")->required();
  c->add_option("--name", o->name, "Output prefix");
  c->add_flag("--allow-unverified-pdh", o->allow_unverified, "Accept a bare PDH you verified elsewhere");
  subs.emplace_back(c, [o] { return run_session(*o); });
}

void add_sev_chain(CLI::App& sev, std::vector<std::pair<CLI::App*, runner>>& subs) {
  auto o = std::make_shared<chain_options>();
  auto* c = sev.add_subcommand("verify-chain", "Verify a platform's SEV certificate chain (as `sevctl verify`)");
  c->footer(
      "Reads `sevctl export` output (PDH, PEK, OCA, CEK; with --full also ASK and ARK) and checks\n"
      "PDH <- PEK <- OCA and PEK <- CEK <- ASK <- ARK, the ARK pinned per generation (Naples ... Turin).\n\n"
      "Examples:\n  sevproof sev verify-chain full_chain.bin\n  sevproof sev verify-chain chain.bin --ca "
      "ask_ark.cert\n\n"
      "Exit codes: 0 verified, 1 a signature or the pin failed, 3 unreadable or malformed file.");
  c->add_option("FILE", o->file, "Chain file from `sevctl export [--full]`")->required();
  c->add_option("--ca", o->ca, "ASK then ARK in AMD format (default: the built-in ones of each generation)");
  subs.emplace_back(c, [o] { return run_chain(*o); });
}

void add_sev_secret(CLI::App& sev, std::vector<std::pair<CLI::App*, runner>>& subs) {
  auto o = std::make_shared<secret_options>();
  auto* c = sev.add_subcommand("secret", "Build a launch secret packet for QMP sev-inject-launch-secret");
  c->footer(
      "Encrypts a secret table with the TEK (AES-128-CTR, random IV) and authenticates it with the TIK over the\n"
      "header, the ciphertext and the validated launch measurement. Validate the measurement first\n"
      "(`sevproof sev validate`): a secret must only go to a guest whose launch you checked.\n\n"
      "Example:\n  sevproof sev secret --tik tik.bin --tek tek.bin --measurement <base64> --secret "
      "luks-key:passphrase.txt --out vm1\n\n"
      "Exit codes: 0 written, 2 usage error, 3 unreadable file.");
  c->add_option("--tek", o->tek, "Transport encryption key, 16 bytes");
  c->add_option("--tik", o->tik, "Transport integrity key, 16 bytes");
  c->add_option("--tk", o->tk, "TEK then TIK, 32 bytes");
  c->add_option("--measurement", o->measurement, "The validated LAUNCH_MEASURE value, base64")->required();
  c->add_option("--secret", o->secrets, "GUID:FILE, or luks-key:FILE for the disk passphrase; repeatable")->required();
  c->add_option("--out", o->out, "Output prefix (writes PREFIX_header.b64 and PREFIX_payload.b64)");
  c->add_option("--iv", o->iv, "Fixed IV, 32 hex digits (tests only; the default is random)");
  subs.emplace_back(c, [o] { return run_secret(*o); });
}

}  // namespace sevproof::cli
