// Building and checking the ID block and ID authentication information that QEMU's sev-snp-guest
// object passes to SNP_LAUNCH_FINISH, and the key digests the attestation report then carries.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/base64.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/crypto/keys.hpp"
#include "sevproof/crypto/public_key.hpp"
#include "sevproof/idblock/structures.hpp"
#include "sevproof/snp/policy.hpp"

namespace sevproof::idblock {

using key_structure = std::array<byte, 0x404>;
using signature_structure = std::array<byte, 0x200>;

// AMD public-key structure: curve 2 (P-384), QX and QY little-endian in 72-byte fields.
inline key_structure make_key_structure(std::span<const byte, 48> x_be, std::span<const byte, 48> y_be) {
  key_structure k{};
  store_le<std::uint32_t>(k, layout::offset_of(public_key_layout, "CURVE"), curve_p384);
  for (std::size_t i = 0; i < 48; ++i) {
    k[layout::offset_of(public_key_layout, "QX") + i] = x_be[47 - i];
    k[layout::offset_of(public_key_layout, "QY") + i] = y_be[47 - i];
  }
  return k;
}

inline result<key_structure> key_structure_of(const crypto::public_key& pk) {
  if (!pk.is_ecdsa_p384())
    return error{"key", "curve", std::nullopt,
                 "is " + pk.algorithm() + " " + pk.curve_name() + "; SNP only accepts ECDSA P-384 keys"};
  auto [x, y] = pk.p384_point();
  return make_key_structure(x, y);
}
inline result<key_structure> key_structure_of(const crypto::private_key& k) {
  if (!k.is_ecdsa_p384())
    return error{"key", "curve", std::nullopt, "is " + k.algorithm() + "; SNP only accepts ECDSA P-384 keys"};
  auto [x, y] = k.public_point();
  return make_key_structure(x, y);
}

// A key file as `key-digest` and the page's key tool take it: a P-384 private key (SEC1 or PKCS#8) or public key
// (SubjectPublicKeyInfo), PEM or DER. A refused private key gives its own reason, in the words `id-block` uses.
inline result<key_structure> key_structure_from_file(bytes_view data) {
  if (data.empty()) return error{"key", "", std::nullopt, "empty file"};
  auto priv = crypto::private_key::load(data);
  if (priv) return key_structure_of(*priv);
  auto pub = crypto::public_key::load(data);
  if (pub) return key_structure_of(*pub);
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("PRIVATE KEY-----") != std::string_view::npos) return priv.err();
  return error{"key", "", std::nullopt, "neither a private nor a public key: " + pub.err().to_string()};
}

// What ID_KEY_DIGEST / AUTHOR_KEY_DIGEST in the attestation report hold.
inline crypto::sha384_digest key_digest(const key_structure& k) { return crypto::sha384_of(k); }

// r and s (big-endian, 48 bytes each) into the 0x200 signature structure, little-endian, fixed width:
// leading zero bytes of r or s become trailing zeros, never a shorter field.
inline signature_structure make_signature(std::span<const byte, 96> rs_be) {
  signature_structure s{};
  for (std::size_t i = 0; i < 48; ++i) {
    s[layout::offset_of(signature_layout, "R") + i] = rs_be[47 - i];
    s[layout::offset_of(signature_layout, "S") + i] = rs_be[95 - i];
  }
  return s;
}

// `base`: where the signature structure sits in ID_AUTH (errors name offsets in ID_AUTH).
inline result<std::array<byte, 96>> read_signature(bytes_view sig, const char* field, std::size_t base = 0) {
  std::array<byte, 96> rs{};
  for (auto [name, off, out] :
       {std::tuple{"R", std::size_t{0x000}, std::size_t{0}}, std::tuple{"S", std::size_t{0x048}, std::size_t{48}}}) {
    if (!all_zero(subview(sig, off + 48, 24)))
      return error{"ID_AUTH", std::string(field) + "." + name, base + off + 48, "has bytes above bit 383"};
    for (std::size_t i = 0; i < 48; ++i) rs[out + i] = sig[off + 47 - i];
  }
  return rs;
}

struct id_block_values {
  std::array<byte, 48> ld{};
  std::array<byte, 16> family_id{}, image_id{};
  std::uint32_t version = 1;
  std::uint32_t guest_svn = 0;
  std::uint64_t policy = 0x30000;
};

inline std::array<byte, 0x60> build_id_block(const id_block_values& f) {
  std::array<byte, 0x60> b{};
  auto put = [&](const char* name, bytes_view v) {
    const auto at = layout::offset_of(id_block_layout, name);
    std::copy(v.begin(), v.end(), b.begin() + static_cast<std::ptrdiff_t>(at));
  };
  put("LD", f.ld);
  put("FAMILY_ID", f.family_id);
  put("IMAGE_ID", f.image_id);
  store_le<std::uint32_t>(b, layout::offset_of(id_block_layout, "VERSION"), f.version);
  store_le<std::uint32_t>(b, layout::offset_of(id_block_layout, "GUEST_SVN"), f.guest_svn);
  store_le<std::uint64_t>(b, layout::offset_of(id_block_layout, "POLICY"), f.policy);
  return b;
}

// The ID auth: the ID key signs the ID block; an optional author key signs the ID key structure.
inline result<std::array<byte, 0x1000>> build_id_auth(const std::array<byte, 0x60>& id_block,
                                                      const crypto::private_key& id_key,
                                                      const crypto::private_key* author_key) {
  auto idk = key_structure_of(id_key);
  if (!idk) return error{"ID key", idk.err().field, std::nullopt, idk.err().message};
  std::array<byte, 0x1000> a{};
  store_le<std::uint32_t>(a, layout::offset_of(id_auth_layout, "ID_KEY_ALGO"), algo_ecdsa_p384_sha384);
  const auto put = [&](const char* name, bytes_view v) {
    std::copy(v.begin(), v.end(), a.begin() + static_cast<std::ptrdiff_t>(layout::offset_of(id_auth_layout, name)));
  };
  put("ID_BLOCK_SIG", make_signature(id_key.sign_ecdsa_p384(id_block)));
  put("ID_KEY", *idk);
  if (author_key != nullptr) {
    auto ak = key_structure_of(*author_key);
    if (!ak) return error{"author key", ak.err().field, std::nullopt, ak.err().message};
    store_le<std::uint32_t>(a, layout::offset_of(id_auth_layout, "AUTH_KEY_ALGO"), algo_ecdsa_p384_sha384);
    put("ID_KEY_SIG", make_signature(author_key->sign_ecdsa_p384(*idk)));
    put("AUTHOR_KEY", *ak);
  }
  return a;
}

// ---- would SNP_LAUNCH_FINISH accept it? ----

// An ID block (96 bytes) or ID auth (4096) as given: raw, or base64 text as QEMU's id-block= and id-auth= take it.
inline std::optional<bytes> structure_from(bytes_view data, std::size_t size) {
  if (data.size() == size) return bytes(data.begin(), data.end());
  if (auto b = base64::decode(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
      b && b->size() == size)
    return b;
  return std::nullopt;
}

struct finish_check {
  std::string what;  // "LD", "POLICY", "ID block signature", "author signature", ...
  bool ok = false;
  std::string detail;
};

struct finish_expectations {
  std::optional<std::array<byte, 48>> ld;  // the launch digest the launch will produce
  std::optional<std::uint64_t> policy;     // the guest policy given to SNP_LAUNCH_START
};

// What was not compared with a launch because it was not given ("LD", "POLICY").
inline std::vector<std::string> not_compared(const finish_expectations& want) {
  std::vector<std::string> out;
  if (!want.ld) out.emplace_back("LD");
  if (!want.policy) out.emplace_back("POLICY");
  return out;
}

// The verdict in one sentence, as the CLI prints it and the page shows it. Accepting signatures alone is
// said as such: the LD and POLICY the block names were then not compared with any launch.
inline std::string finish_verdict(bool accepted, const finish_expectations& want) {
  if (!accepted) return "SNP_LAUNCH_FINISH would REFUSE this ID block and ID auth (see the failed checks)";
  const auto missing = not_compared(want);
  if (missing.empty()) return "SNP_LAUNCH_FINISH would accept this ID block and ID auth";
  const std::string what = missing.size() == 2 ? "LD and POLICY" : missing[0];
  return "SNP_LAUNCH_FINISH would accept this ID block and ID auth for a launch with the " + what +
         " the block names; " + what + (missing.size() == 2 ? " were" : " was") + " not compared with a launch (give " +
         (want.ld ? std::string() : "the launch digest") + (missing.size() == 2 ? " and " : "") +
         (want.policy ? std::string() : "the policy") + ")";
}

inline result<std::vector<finish_check>> check_for_launch_finish(bytes_view id_block, bytes_view id_auth,
                                                                 const finish_expectations& want) {
  if (id_block.size() != 0x60)
    return error{"ID_BLOCK", "size", std::nullopt,
                 "is " + std::to_string(id_block.size()) + " bytes; expected 96 (0x60)"};
  if (id_auth.size() != 0x1000)
    return error{"ID_AUTH", "size", std::nullopt,
                 "is " + std::to_string(id_auth.size()) + " bytes; expected 4096 (0x1000)"};
  std::vector<finish_check> out;
  const auto field = [&](const auto& table, bytes_view b, const char* name) {
    const auto& f = layout::find(table, name);
    return subview(b, f.offset, f.size);
  };
  const auto version = load_le<std::uint32_t>(id_block, 0x50);
  out.push_back({"VERSION", version == 1,
                 "ID block version " + std::to_string(version) + (version == 1 ? "" : "; the firmware accepts 1")});
  if (want.ld) {
    const bool same = equal_bytes(field(id_block_layout, id_block, "LD"), *want.ld);
    out.push_back({"LD", same,
                   same ? "ID block LD equals the expected launch digest"
                        : "ID block LD " + hex::encode(field(id_block_layout, id_block, "LD")) +
                              " differs from the launch digest " + hex::encode(*want.ld)});
  }
  if (want.policy) {
    const auto p = load_le<std::uint64_t>(id_block, 0x58);
    out.push_back({"POLICY", p == *want.policy,
                   "ID block policy " + hex::number(p) +
                       (p == *want.policy ? " equals the launch policy"
                                          : " differs from the launch policy: " +
                                                snp::policy_difference(p, *want.policy, "ID block", "launch"))});
  }
  const auto algo = load_le<std::uint32_t>(id_auth, 0);
  if (algo != algo_ecdsa_p384_sha384) {
    out.push_back(
        {"ID_KEY_ALGO", false, "is " + std::to_string(algo) + "; the firmware accepts 1 (ECDSA P-384 SHA-384)"});
    return out;
  }
  const auto key_from = [&](const char* name) -> result<crypto::public_key> {
    const auto k = field(id_auth_layout, id_auth, name);
    const auto at = layout::offset_of(id_auth_layout, name);
    if (load_le<std::uint32_t>(k, 0) != curve_p384)
      return error{"ID_AUTH", std::string(name) + ".CURVE", at, "is not 2 (P-384)"};
    // The report's digest is SHA-384 of all 0x404 bytes: a structure that is not the canonical form of its key (a
    // byte above bit 383 of QX or QY, a reserved byte set) is no P-384 point, or has another digest than the key's.
    for (const char* part : {"QX", "QY"}) {
      const auto off = layout::offset_of(public_key_layout, part);
      if (!all_zero(subview(k, off + 48, 24)))
        return error{"ID_AUTH", std::string(name) + "." + part, at + off + 48,
                     "has bytes above bit 383 (not a P-384 coordinate)"};
    }
    if (const auto& r = layout::find(public_key_layout, "RESERVED_094"); !all_zero(subview(k, r.offset, r.size)))
      return error{"ID_AUTH", std::string(name) + ".RESERVED_094", at + r.offset,
                   "is not zero: the report's " + std::string(name) +
                       "_DIGEST (SHA-384 of the whole structure) would not be the key's digest"};
    std::array<byte, 48> x{}, y{};
    for (std::size_t i = 0; i < 48; ++i) x[i] = k[4 + 47 - i], y[i] = k[0x4C + 47 - i];
    return crypto::public_key::from_p384_point(x, y);
  };
  auto id_key = key_from("ID_KEY");
  if (!id_key) {
    out.push_back({"ID key", false, id_key.err().to_string()});
  } else {
    auto rs = read_signature(field(id_auth_layout, id_auth, "ID_BLOCK_SIG"), "ID_BLOCK_SIG",
                             layout::offset_of(id_auth_layout, "ID_BLOCK_SIG"));
    const bool ok = rs && id_key->verify_ecdsa_p384_sha384(id_block, std::span<const byte, 48>(rs->data(), 48),
                                                           std::span<const byte, 48>(rs->data() + 48, 48));
    out.push_back(
        {"ID block signature", ok,
         ok ? "the ID key signed this ID block"
            : (rs ? "the ID block signature does not verify with the ID key in ID_AUTH" : rs.err().to_string())});
  }
  const auto auth_algo = load_le<std::uint32_t>(id_auth, 4);
  if (all_zero(field(id_auth_layout, id_auth, "AUTHOR_KEY"))) {
    out.push_back({"author key", true, "no author key (the report's KEY_INFO.AUTHOR_KEY_EN will be 0)"});
  } else if (auth_algo != algo_ecdsa_p384_sha384) {
    out.push_back({"AUTH_KEY_ALGO", false, "is " + std::to_string(auth_algo) + " though an author key is present"});
  } else if (auto ak = key_from("AUTHOR_KEY"); !ak) {
    out.push_back({"author key", false, ak.err().to_string()});
  } else {
    auto rs = read_signature(field(id_auth_layout, id_auth, "ID_KEY_SIG"), "ID_KEY_SIG",
                             layout::offset_of(id_auth_layout, "ID_KEY_SIG"));
    const bool ok = rs && ak->verify_ecdsa_p384_sha384(field(id_auth_layout, id_auth, "ID_KEY"),
                                                       std::span<const byte, 48>(rs->data(), 48),
                                                       std::span<const byte, 48>(rs->data() + 48, 48));
    out.push_back({"author signature", ok,
                   ok ? "the author key signed the ID key"
                      : (rs ? "the ID key signature does not verify with the author key" : rs.err().to_string())});
  }
  return out;
}

}  // namespace sevproof::idblock
