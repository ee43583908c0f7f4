// Legacy SEV: LAUNCH_MEASURE MAC, the secret packet byte for byte (fixed IV) and its round trip,
// the AMD signing-key and platform-certificate formats on the real chains, and the pins.
#include <catch2/catch_test_macros.hpp>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/crypto/cipher.hpp"
#include "sevproof/embedded_amd_chain.hpp"
#include "sevproof/sev/chain.hpp"
#include "sevproof/sev/launch_measure.hpp"
#include "sevproof/sev/secret.hpp"
#include "support/testdata.hpp"

using namespace sevproof;

TEST_CASE("LAUNCH_MEASURE MAC of vector lv-01", "[sev][real]") {
  REQUIRE_TESTDATA();
  const auto tik = testdata::read("measure/tik.bin");
  const auto fw = testdata::read("ovmf/OVMF-trixie.fd");
  const auto mnonce = *hex::decode("db305d3a4d97675b98643c1dae03e43e");
  const auto mac = sev::launch_measure_mac(tik, {0, 22, 13}, 0x1, crypto::sha256_of(fw), mnonce);
  CHECK(hex::encode(mac) == "4093bcc05cbbdf2ceea4da23f1a2c5a4aa503fce8ff6a708e8d5e1ca00f5b5ec");
  // The measurement is MAC ‖ MNONCE.
  auto m = sev::split_measurement(*base64::decode("QJO8wFy73yzupNoj8aLFpKpQP86P9qcI6NXhygD1tezbMF06TZdnW5hkPB2uA+Q+"));
  REQUIRE(m.ok());
  CHECK(sev::same_mac(m->mac, mac));
  CHECK(hex::encode(m->mnonce) == hex::encode(mnonce));
  CHECK_FALSE(sev::split_measurement(bytes(47)).ok());
}

TEST_CASE("secret table and packet, byte for byte with a fixed IV", "[sev]") {
  const bytes secret{'h', 'u', 'n', 't', 'e', 'r', '2'};
  const auto table = sev::build_secret_table({{sev::luks_key_guid, secret}});
  // header GUID (EFI layout) ‖ u32 total 47 ‖ entry GUID ‖ u32 27 ‖ secret, padded to 48
  REQUIRE(table.size() == 48);
  CHECK(hex::encode(bytes_view(table).first(16)) == "42f5741edd71664d963eef4287ff173b");
  CHECK(load_le<std::uint32_t>(table, 16) == 20 + 20 + 7);
  CHECK(hex::encode(bytes_view(table).subspan(20, 16)) ==
        "e5696873f0847349"
        "92ec06879ce3da0b");
  CHECK(load_le<std::uint32_t>(table, 36) == 27);
  CHECK(equal_bytes(bytes_view(table).subspan(40, 7), secret));
  CHECK(all_zero(bytes_view(table).subspan(47)));
  // An already aligned table still gets 16 bytes of padding (as libvirt pads).
  CHECK(sev::build_secret_table({{sev::luks_key_guid, bytes(8, 1)}}).size() == 48 + 16);

  const bytes tek(16, 0x11), tik(16, 0x22), mac(32, 0x33), iv(16, 0x44);
  auto p = sev::build_secret_packet(table, tek, tik, mac, iv);
  REQUIRE(p.ok());
  CHECK(load_le<std::uint32_t>(p->header, 0) == 0);
  CHECK(equal_bytes(bytes_view(p->header).subspan(4, 16), iv));
  // Round trip: decrypting the payload gives the table back; the MAC covers what the spec lists.
  CHECK(equal_bytes(crypto::aes_ctr(tek, iv, p->payload), table));
  bytes msg{0x01, 0, 0, 0, 0};
  msg.insert(msg.end(), iv.begin(), iv.end());
  for (int k = 0; k < 2; ++k) msg.insert(msg.end(), {48, 0, 0, 0});
  msg.insert(msg.end(), p->payload.begin(), p->payload.end());
  msg.insert(msg.end(), mac.begin(), mac.end());
  CHECK(equal_bytes(bytes_view(p->header).subspan(20, 32), crypto::hmac_sha256(tik, msg)));
  // Wrong key sizes are refused.
  CHECK_FALSE(sev::build_secret_packet(table, bytes(15), tik, mac, iv).ok());
  CHECK_FALSE(sev::build_secret_packet(table, tek, bytes(32), mac, iv).ok());
}

TEST_CASE("secret entries no guest can use are refused before anything is encrypted", "[sev][hardening]") {
  const auto other = "e6f5a162-d67f-4750-a67c-5d065f2a9910"_guid;
  const auto why = [](const std::vector<sev::secret_entry>& entries) {
    const auto e = sev::check_secret_entries(entries);
    return e ? e->to_string() : std::string("accepted");
  };
  CHECK(why({{sev::luks_key_guid, bytes{'p', 'w'}}, {other, bytes{1}}}) == "accepted");
  CHECK(why({}) == "--secret: no entry: give at least one secret");
  CHECK(why({{sev::luks_key_guid, {}}}) ==
        "--secret: entry 1 (luks-key) is empty: a secret of 0 bytes is a failed write, not a secret");
  CHECK(why({{other, bytes{1}}, {sev::luks_key_guid, bytes{2}}, {other, bytes{3}}}) ==
        "--secret: entry 3 (e6f5a162-d67f-4750-a67c-5d065f2a9910) has the GUID of entry 1: the guest reads only one "
        "of them");
  CHECK(why({{sev::secret_table_guid, bytes{1}}}).find("the secret table's own GUID") != std::string::npos);
}

TEST_CASE("legacy AMD keys: Milan, Genoa and Turin share the SNP ARK pins; Naples and Rome are pinned", "[sev][real]") {
  REQUIRE_TESTDATA();
  const std::pair<const char*, const char*> gens[] = {
      {"naples", "Naples"}, {"rome", "Rome"}, {"milan", "Milan"}, {"genoa", "Genoa"}, {"turin", "Turin"}};
  for (const auto& [dir, name] : gens) {
    INFO(dir);
    auto ark = sev::parse_signing_key(testdata::read(std::string("amd/sev/") + dir + "/ark.cert"));
    auto ask = sev::parse_signing_key(testdata::read(std::string("amd/sev/") + dir + "/ask.cert"));
    REQUIRE(ark.ok());
    REQUIRE(ask.ok());
    CHECK(sev::pinned_generation(*ark) == std::string(name));
    CHECK_FALSE(sev::pinned_generation(*ask));
    CHECK(sev::signed_by(*ark, *ark));
    CHECK(sev::signed_by(*ask, *ark));
    CHECK_FALSE(sev::signed_by(*ark, *ask));
    CHECK(std::string(ark->hash()) == (std::string(dir) == "naples" ? "SHA-256" : "SHA-384"));
    CHECK(ask->certifying_id == ark->key_id);
  }
}

TEST_CASE("legacy platform chains parse and verify; hostile chain files are refused", "[sev][real]") {
  REQUIRE_TESTDATA();
  for (const char* gen : {"naples", "rome"}) {
    INFO(gen);
    const auto file = testdata::read(std::string("sev-legacy/") + gen + "/full_chain_assembled.bin");
    auto chain = sev::parse_chain_file(file);
    REQUIRE(chain.ok());
    CHECK(chain->pdh.usage == sev::usage_pdh);
    CHECK(chain->cek.sigs[0].usage == sev::usage_ask);
    auto v = sev::verify_chain(*chain, {});
    CHECK(v.valid());
    // Truncations and wrong sizes at every structure boundary are errors, never crashes.
    for (std::size_t cut :
         {std::size_t{0}, std::size_t{100}, std::size_t{0x824 * 4 - 1}, std::size_t{0x824 * 4 + 10}, file.size() - 1})
      CHECK_FALSE(sev::parse_chain_file(bytes_view(file).first(cut)).ok());
  }
  SECTION("a chain whose ARK is not AMD's is not verified") {
    auto chain = sev::parse_chain_file(testdata::read("sev-legacy/rome/full_chain_assembled.bin")).value();
    chain.ark->modulus_be[5] ^= 1;  // another key: self-signature and pin both fail
    auto v = sev::verify_chain(chain, {});
    CHECK_FALSE(v.valid());
    CHECK_FALSE(v.generation);
  }
  SECTION("a link verified before is remembered by every byte it depends on, never by the key's name") {
    auto chain = sev::parse_chain_file(testdata::read("sev-legacy/rome/full_chain_assembled.bin")).value();
    REQUIRE(sev::verify_chain(chain, {}).valid());  // the ASK <- ARK and ARK <- ARK links are now remembered
    auto ask_sig = chain;
    ask_sig.ask->signature_be[10] ^= 1;
    CHECK_FALSE(sev::verify_chain(ask_sig, {}).valid());
    auto ark_exp = chain;
    ark_exp.ark->exponent_be.back() ^= 2;
    CHECK_FALSE(sev::verify_chain(ark_exp, {}).valid());
    auto cek_sig = chain;
    cek_sig.cek.sigs[0].data[3] ^= 1;
    CHECK_FALSE(sev::verify_chain(cek_sig, {}).valid());
    auto cek_usage = chain;
    cek_usage.cek.sigs[0].usage = sev::usage_oca;  // the ASK's signature no longer found
    CHECK_FALSE(sev::verify_chain(cek_usage, {}).valid());
    CHECK(sev::verify_chain(chain, {}).valid());
  }
  SECTION("a CEK that carries no ASK signature is said to be not signed by AMD; a bad one names what was tried") {
    auto chain = sev::parse_chain_file(testdata::read("sev-legacy/rome/full_chain_assembled.bin")).value();
    const auto cek_link = [](const sev::chain_verdict& v) {
      for (const auto& l : v.links)
        if (l.subject == "CEK" && l.signer == "ASK") return l.detail;
      return std::string("none");
    };
    auto unsigned_cek = chain;
    unsigned_cek.cek.sigs[0].usage = sev::usage_invalid;
    unsigned_cek.cek.sigs[1].usage = sev::usage_invalid;
    CHECK(cek_link(sev::verify_chain(unsigned_cek, {})).find("not signed by AMD: the CEK carries no ASK signature") ==
          0);
    auto bad_sig = chain;
    bad_sig.cek.sigs[0].data[3] ^= 1;
    CHECK(cek_link(sev::verify_chain(bad_sig, {})) == "signature INVALID: no ASK tried (Rome) signed this CEK");
    CHECK(cek_link(sev::verify_chain(chain, {})) == "signature valid");  // twin
  }
}

TEST_CASE("an ASK then ARK file (sevctl verify --ca): one key, the wrong order, extra bytes", "[sev][real]") {
  REQUIRE_TESTDATA();
  const auto ask = testdata::read("amd/sev/milan/ask.cert"), ark = testdata::read("amd/sev/milan/ark.cert");
  const auto cat = [](bytes a, const bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  const auto read = [](const bytes& b) { return sev::parse_ask_ark(b, 0, "--ca f", "key #1", "key #2"); };
  REQUIRE(read(cat(ask, ark)).ok());
  CHECK(read(cat(ask, ark)).value().second.usage == sev::usage_ark);
  CHECK(read(ask).err().to_string() ==
        "--ca f: key #2 at 0x640 is missing: the file ends after the ASK; the ARK must follow it");
  CHECK(read(cat(ark, ask)).err().to_string() == "--ca f: key #1 at 0x000 is the ARK; expected the ASK (then the ARK)");
  CHECK(read(cat(cat(ask, ark), bytes(3, 0))).err().message == "3 bytes follow the ARK");
}

#include "sevproof/sev/session.hpp"

TEST_CASE("session KDF and MAC match the reference implementation's vectors", "[sev][session]") {
  // virtee/sev's own unit-test values for its SP 800-108 KDF and HMAC.
  CHECK(hex::encode(sev::kdf(bytes(16, 0), 16, bytes(16, 0), "sev-master-secret")) ==
        "ab4d269fcc62bedb4511d56c386ce706");
  CHECK(hex::encode(crypto::hmac_sha256(bytes(16, 0), bytes(4, 0))) ==
        "aa7855e13839dd767cd5da7c1ff5036540c9264b7a803029315e55375287b4af");
}

TEST_CASE("session round trip: the platform side unwraps TEK and TIK", "[sev][session]") {
  // Our own stand-in for the platform's PDH key pair.
  const auto platform = crypto::private_key::generate_ecdh_p384();
  const auto godh = crypto::private_key::generate_ecdh_p384();
  const auto [px, py] = platform.public_point();
  const auto [gx, gy] = godh.public_point();
  const auto z_owner = godh.ecdh_p384(px, py);
  const auto z_platform = platform.ecdh_p384(gx, gy);
  REQUIRE(z_owner.ok());
  REQUIRE(z_platform.ok());
  CHECK(*z_owner == *z_platform);

  const bytes tek(16, 0xA1), tik(16, 0xB2), nonce(16, 0xC3), iv(16, 0xD4);
  const auto s = sev::make_session(*z_owner, tek, tik, 0x3, nonce, iv);
  CHECK(s.encode().size() == 128);
  // Platform side: derive from its own view of the secret and unwrap.
  const auto keys = sev::derive_session_keys(*z_platform, s.nonce);
  const auto unwrapped = crypto::aes_ctr(keys.kek, s.wrap_iv, s.wrap_tk);
  CHECK(equal_bytes(bytes_view(unwrapped).first(16), tek));
  CHECK(equal_bytes(bytes_view(unwrapped).subspan(16), tik));
  CHECK(equal_bytes(crypto::hmac_sha256(keys.kik, s.wrap_tk), s.wrap_mac));
  CHECK(equal_bytes(crypto::hmac_sha256(tik, bytes{3, 0, 0, 0}), s.policy_mac));
  // The GODH certificate carries the owner's public key and parses as a PDH-usage certificate.
  auto c = sev::parse_platform_cert(sev::make_godh_cert(godh));
  REQUIRE(c.ok());
  CHECK(c->usage == sev::usage_pdh);
  auto pt = sev::cert_point(*c);
  REQUIRE(pt.ok());
  CHECK(pt->first == gx);
  CHECK(pt->second == gy);
}

TEST_CASE("an RSA key's integers are judged as Botan judges them, without building the key", "[sev][crypto]") {
  // Every modulus and exponent around the edges of Botan's rule (n odd, of at least 5 bits; e odd),
  // with and without leading zero bytes: our byte check and Botan's constructor agree on each.
  const std::vector<bytes> moduli = {{},           {0x00},       {0x01},       {0x0f},       {0x10},
                                     {0x11},       {0x00, 0x11}, {0x00, 0x0f}, {0x01, 0x00}, {0x01, 0x01},
                                     {0xff, 0xfe}, {0xff, 0xff}, {0x00, 0x00}, {0x13}};
  const std::vector<bytes> exponents = {{},     {0x00},       {0x01},       {0x02},
                                        {0x03}, {0x00, 0x03}, {0x01, 0x00}, {0x01, 0x00, 0x01}};
  std::size_t valid = 0;
  for (const auto& n : moduli)
    for (const auto& e : exponents) {
      INFO("n " << hex::encode(n) << " e " << hex::encode(e));
      bool botan = true;
      try {
        Botan::RSA_PublicKey key(Botan::BigInt(n.data(), n.size()), Botan::BigInt(e.data(), e.size()));
      } catch (const std::exception&) {
        botan = false;
      }
      CHECK(crypto::rsa_public_key_valid(n, e) == botan);
      valid += botan ? 1 : 0;
    }
  CHECK(valid > 0);
  CHECK(valid < moduli.size() * exponents.size());
}

TEST_CASE("an RSA key's SPKI fingerprint is the one Botan's key object writes", "[sev][crypto]") {
  for (const auto& f : embedded::legacy_sev_keys) {
    INFO(f.product << " " << f.role);
    auto k = sev::parse_signing_key(bytes_view(f.data.data(), f.data.size()));
    REQUIRE(k.ok());
    Botan::RSA_PublicKey key(Botan::BigInt(k->modulus_be.data(), k->modulus_be.size()),
                             Botan::BigInt(k->exponent_be.data(), k->exponent_be.size()));
    CHECK(k->spki_sha256() == hex::encode(crypto::sha256_of(key.subject_public_key())));
    auto other = k->modulus_be;
    other[other.size() / 2] ^= 4;
    CHECK(crypto::rsa_spki_sha256(other, k->exponent_be) != k->spki_sha256());
  }
}
