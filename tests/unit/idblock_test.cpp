// ID block and ID auth: byte-for-byte against the reference tool's output for the same keys and
// fields, signatures (including r or s with leading zero bytes), wrong keys, tampering.
#include <catch2/catch_test_macros.hpp>

#include <fstream>
#include <iterator>

#include "sevproof/core/base64.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/idblock/id_block.hpp"

using namespace sevproof;

namespace {
bytes file(const std::string& name) {
  std::ifstream in(std::string(SEVPROOF_SOURCE_DIR) + "/tests/data/idblock/" + name, std::ios::binary);
  REQUIRE(in);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
crypto::private_key key(const std::string& name) { return crypto::private_key::load(file(name)).value(); }

struct reference {
  bytes id_block, id_auth;
  std::string id_key_hash, author_key;
};
reference read_reference() {
  const auto raw = file("reference-output.txt");
  std::string text(raw.begin(), raw.end());
  reference r;
  const auto block_at = text.find("id-block=") + 9, comma = text.find(",id-auth=");
  r.id_block = *base64::decode(text.substr(block_at, comma - block_at));
  const auto auth_at = comma + 9, nl = text.find('\n', auth_at);
  r.id_auth = *base64::decode(text.substr(auth_at, nl - auth_at));
  const auto h = text.find("id_key_hash: ") + 13;
  r.id_key_hash = text.substr(h, text.find('\n', h) - h);
  const auto a = text.find("author_key: ") + 12;
  r.author_key =
      text.substr(a, text.find_first_of("\n", a) == std::string::npos ? std::string::npos : text.find('\n', a) - a);
  return r;
}
const std::array<byte, 48> m12 = [] {
  std::array<byte, 48> a{};
  auto b =
      *hex::decode("7e996af8e2ea5fc179b61993b0f37f419d9f8826dac2e2aa2919799b621e3078e8d66769a80397af82051f0ab18a45bb");
  std::copy(b.begin(), b.end(), a.begin());
  return a;
}();
}  // namespace

TEST_CASE("ID block, key structures and digests equal the reference tool's", "[idblock]") {
  const auto ref = read_reference();
  const auto id_key = key("id-key-sec1.pem");       // SEC1 PEM
  const auto author = key("author-key-pkcs8.pem");  // PKCS#8 PEM
  idblock::id_block_values v;
  v.ld = m12;
  const auto block = idblock::build_id_block(v);
  CHECK(equal_bytes(block, ref.id_block));

  const auto auth = idblock::build_id_auth(block, id_key, &author);
  REQUIRE(auth.ok());
  REQUIRE(ref.id_auth.size() == 0x1000);
  // Signatures are randomized; everything else in ID_AUTH is deterministic.
  CHECK(equal_bytes(bytes_view(*auth).first(0x40), bytes_view(ref.id_auth).first(0x40)));
  CHECK(equal_bytes(bytes_view(*auth).subspan(0x240, 0x440), bytes_view(ref.id_auth).subspan(0x240, 0x440)));
  CHECK(equal_bytes(bytes_view(*auth).subspan(0x880), bytes_view(ref.id_auth).subspan(0x880)));

  CHECK(base64::encode(idblock::key_digest(*idblock::key_structure_of(id_key))) == ref.id_key_hash);
  CHECK(base64::encode(idblock::key_digest(*idblock::key_structure_of(author))) == ref.author_key);
  // The public half gives the same digest.
  const auto pub = crypto::public_key::load(file("id-key-public.pem"));
  REQUIRE(pub.ok());
  CHECK(base64::encode(idblock::key_digest(*idblock::key_structure_of(*pub))) == ref.id_key_hash);

  SECTION("the reference's signatures verify with sevproof's checker, and ours do too") {
    idblock::finish_expectations want{m12, 0x30000};
    for (const auto* a : {&ref.id_auth, static_cast<const bytes*>(nullptr)}) {
      const bytes ours(auth->begin(), auth->end());
      auto r = idblock::check_for_launch_finish(ref.id_block, a ? *a : ours, want);
      REQUIRE(r.ok());
      for (const auto& c : *r) {
        INFO(c.what << ": " << c.detail);
        CHECK(c.ok);
      }
    }
  }
}

TEST_CASE("SNP_LAUNCH_FINISH check names what is wrong", "[idblock]") {
  const auto id_key = key("id-key-sec1.pem");
  const auto author = key("author-key-pkcs8.pem");
  idblock::id_block_values v;
  v.ld = m12;
  const auto block = idblock::build_id_block(v);
  const auto auth = *idblock::build_id_auth(block, id_key, &author);
  const auto failing = [&](bytes_view b, bytes_view a, idblock::finish_expectations w) {
    std::vector<std::string> out;
    const auto checks = idblock::check_for_launch_finish(b, a, w);  // keep the result alive while iterating
    for (const auto& c : *checks)
      if (!c.ok) out.push_back(c.what);
    return out;
  };
  CHECK(failing(block, auth, {m12, 0x30000}).empty());
  auto other_ld = m12;
  other_ld[0] ^= 1;
  CHECK(failing(block, auth, {other_ld, 0x30000}) == std::vector<std::string>{"LD"});
  CHECK(failing(block, auth, {m12, 0xb0000}) == std::vector<std::string>{"POLICY"});
  auto bad_sig = auth;
  bad_sig[0x40] ^= 1;
  CHECK(failing(block, bad_sig, {m12, 0x30000}) == std::vector<std::string>{"ID block signature"});
  auto bad_author = auth;
  bad_author[0x680] ^= 1;
  CHECK(failing(block, bad_author, {m12, 0x30000}) == std::vector<std::string>{"author signature"});
  auto tampered_block = block;
  tampered_block[0x54] = 1;  // GUEST_SVN changed after signing
  CHECK(failing(tampered_block, auth, {m12, 0x30000}) == std::vector<std::string>{"ID block signature"});
  CHECK_FALSE(idblock::check_for_launch_finish(bytes_view(block).first(95), auth, {}).ok());
}

TEST_CASE("an ID key structure that is not its key's canonical form is refused, naming the byte", "[idblock]") {
  // Without an author key the ID key is signed by nothing else: a byte above bit 383 of QX or QY (no P-384
  // point), or a reserved byte set (the report's ID_KEY_DIGEST would not be the key's digest), passed unseen.
  idblock::id_block_values v;
  v.ld = m12;
  const auto block = idblock::build_id_block(v);
  const auto auth = *idblock::build_id_auth(block, key("id-key-sec1.pem"), nullptr);
  const auto detail_of = [&](bytes_view a, const char* what) {
    const auto checks = idblock::check_for_launch_finish(block, a, {m12, 0x30000});
    for (const auto& c : *checks)
      if (c.what == what) return std::string(c.ok ? "ok: " : "FAIL: ") + c.detail;
    return std::string("absent");
  };
  CHECK(detail_of(auth, "ID key") == "absent");  // twin: the canonical structure passes
  CHECK(detail_of(auth, "ID block signature") == "ok: the ID key signed this ID block");
  for (auto [at, words] : {std::pair{0x240 + 0x004 + 48, "ID_AUTH: ID_KEY.QX at 0x274 has bytes above bit 383"},
                           std::pair{0x240 + 0x04C + 71, "ID_AUTH: ID_KEY.QY at 0x2bc has bytes above bit 383"},
                           std::pair{0x240 + 0x300, "ID_AUTH: ID_KEY.RESERVED_094 at 0x2d4 is not zero"}}) {
    auto odd = auth;
    odd[static_cast<std::size_t>(at)] = 1;
    INFO(words);
    CHECK(detail_of(odd, "ID key").rfind(std::string("FAIL: ") + words, 0) == 0);
  }
  // A signature's padding is named at its offset in ID_AUTH (it was the offset in the signature structure).
  auto padded = auth;
  padded[0x040 + 0x048 + 50] = 1;
  CHECK(detail_of(padded, "ID block signature") == "FAIL: ID_AUTH: ID_BLOCK_SIG.S at 0x0b8 has bytes above bit 383");
}

TEST_CASE("signatures whose r or s has leading zero bytes keep their fixed width", "[idblock]") {
  const auto k = key("id-key-sec1.pem");
  const auto pub = crypto::public_key::load(file("id-key-public.pem")).value();
  const bytes msg{'s', 'e', 'v'};
  bool seen_r = false, seen_s = false;
  for (int i = 0; i < 4000 && !(seen_r && seen_s); ++i) {
    const auto rs = k.sign_ecdsa_p384(msg);
    const bool r0 = rs[0] == 0, s0 = rs[48] == 0;
    if (!r0 && !s0) continue;
    seen_r |= r0;
    seen_s |= s0;
    const auto st = idblock::make_signature(rs);
    // The most significant byte sits at the top of the 48-byte little-endian field: zero, not dropped.
    if (r0) CHECK(st[47] == 0);
    if (s0) CHECK(st[0x48 + 47] == 0);
    auto back = idblock::read_signature(st, "SIG");
    REQUIRE(back.ok());
    CHECK(*back == rs);
    CHECK(pub.verify_ecdsa_p384_sha384(msg, std::span<const byte, 48>(back->data(), 48),
                                       std::span<const byte, 48>(back->data() + 48, 48)));
  }
  CHECK(seen_r);
  CHECK(seen_s);
}

TEST_CASE("a key file whose public key is not its scalar's is refused", "[idblock][hardening]") {
  // It signed, and the ID auth it wrote failed sevproof's own check (and the firmware's).
  const auto k = crypto::private_key::load(file("id-key-mismatched-public.pem"));
  REQUIRE_FALSE(k.ok());
  CHECK(k.err().to_string() ==
        "private key: public key is not the one its private scalar makes: the file's two halves are of different keys");
  CHECK_FALSE(idblock::key_structure_from_file(file("id-key-mismatched-public.pem")).ok());
  // twin: the same scalar with its own public key (the file it was made from) loads, in SEC1 PEM and DER
  CHECK(crypto::private_key::load(file("id-key-sec1.pem")).ok());
  CHECK(crypto::private_key::load(file("id-key-sec1.der")).ok());
}

TEST_CASE("keys on other curves or of other types are refused", "[idblock]") {
  for (const char* name : {"p256-key.pem", "rsa-key.pem"}) {
    INFO(name);
    // Refused either when loading (a curve this build does not carry) or when building the structure.
    auto k = crypto::private_key::load(file(name));
    const std::string why = k.ok() ? idblock::key_structure_of(*k).err().message : k.err().message;
    CHECK(why.find("P-384") != std::string::npos);
    if (k.ok()) CHECK_FALSE(idblock::key_structure_of(*k).ok());
  }
  CHECK_FALSE(crypto::private_key::load(bytes{1, 2, 3}).ok());
}

TEST_CASE("a SEC1 key whose element lengths run past the end is refused, not walked forever", "[idblock]") {
  // What the fuzzer found: a long-form length of 0x74 bytes inside the SEQUENCE wrapped the
  // offset around and the walk never ended.
  std::ifstream in(std::string(SEVPROOF_SOURCE_DIR) + "/fuzz/regressions/keys/sec1-length-wraps-around",
                   std::ios::binary);
  REQUIRE(in);
  const bytes hostile{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  const auto k = crypto::private_key::load(hostile);
  REQUIRE_FALSE(k.ok());
  CHECK(k.err().to_string().find("SEC1") != std::string::npos);
  // A real SEC1 key still loads, and cutting it short anywhere is refused.
  const auto good = file("id-key-sec1.der");
  CHECK(crypto::private_key::load(good).ok());
  for (std::size_t n = 0; n < good.size(); ++n) CHECK_FALSE(crypto::private_key::load(bytes_view(good).first(n)).ok());
}
