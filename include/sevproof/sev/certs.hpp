// Legacy SEV certificate formats (SEV API spec, appendix C): AMD's signing-key format for the ARK
// and ASK, and the 0x824-byte platform certificate (PDH, PEK, OCA, CEK); parsing, the chain
// PDH <- PEK <- OCA and PEK <- CEK <- ASK <- ARK, and the `sevctl export --full` file.
#pragma once

#include <array>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/layout.hpp"
#include "sevproof/crypto/public_key.hpp"
#include "sevproof/crypto/rsa.hpp"

namespace sevproof::sev {

using layout::kind;

// ---- usage and algorithm codes ----
inline constexpr std::uint32_t usage_ark = 0x0000, usage_ask = 0x0013, usage_invalid = 0x1000, usage_oca = 0x1001,
                               usage_pek = 0x1002, usage_pdh = 0x1003, usage_cek = 0x1004;
inline constexpr std::uint32_t algo_rsa_sha256 = 0x001, algo_ecdsa_sha256 = 0x002, algo_ecdh_sha256 = 0x003,
                               algo_rsa_sha384 = 0x101, algo_ecdsa_sha384 = 0x102, algo_ecdh_sha384 = 0x103;

inline std::string usage_name(std::uint32_t u) {
  switch (u) {
    case usage_ark:
      return "ARK";
    case usage_ask:
      return "ASK";
    case usage_oca:
      return "OCA";
    case usage_pek:
      return "PEK";
    case usage_pdh:
      return "PDH";
    case usage_cek:
      return "CEK";
    case usage_invalid:
      return "none";
  }
  return "usage 0x" + hex::encode(std::array<byte, 2>{static_cast<byte>(u >> 8), static_cast<byte>(u)});
}
inline const char* algo_hash(std::uint32_t a) { return (a & 0x100) ? "SHA-384" : "SHA-256"; }

// ---- the 0x824-byte platform certificate ----
inline constexpr layout::field platform_cert_fields[] = {
    {"VERSION", 0x000, 4, kind::u32},      {"API_MAJOR", 0x004, 1, kind::u8},
    {"API_MINOR", 0x005, 1, kind::u8},     {"RESERVED_006", 0x006, 2, kind::reserved},
    {"PUBKEY_USAGE", 0x008, 4, kind::u32}, {"PUBKEY_ALGO", 0x00C, 4, kind::u32},
    {"PUBKEY", 0x010, 0x404, kind::bytes}, {"SIG1_USAGE", 0x414, 4, kind::u32},
    {"SIG1_ALGO", 0x418, 4, kind::u32},    {"SIG1", 0x41C, 0x200, kind::bytes},
    {"SIG2_USAGE", 0x61C, 4, kind::u32},   {"SIG2_ALGO", 0x620, 4, kind::u32},
    {"SIG2", 0x624, 0x200, kind::bytes},
};
inline constexpr auto platform_cert_layout = layout::make_table("SEV certificate", 0x824, platform_cert_fields);
static_assert(layout::tiles(platform_cert_layout));
static_assert(layout::offset_of(platform_cert_layout, "SIG1") == 0x41C &&
              layout::offset_of(platform_cert_layout, "SIG2") == 0x624);
inline constexpr std::size_t platform_cert_size = 0x824;
inline constexpr std::size_t platform_cert_signed = 0x414;

struct signature_slot {
  std::uint32_t usage = usage_invalid, algo = 0;
  bytes data;  // 0x200 bytes as stored (little-endian)
};

struct platform_cert {
  bytes raw;  // 0x824 bytes
  std::uint32_t version = 0, usage = 0, algo = 0;
  std::uint8_t api_major = 0, api_minor = 0;
  std::array<signature_slot, 2> sigs;

  [[nodiscard]] bytes_view signed_region() const { return bytes_view(raw).first(platform_cert_signed); }
  [[nodiscard]] std::string name() const { return usage_name(usage); }

  // The P-384 public key (curve 2) in the PUBKEY area.
  [[nodiscard]] result<crypto::public_key> ec_key() const {
    const auto k = subview(raw, 0x10, 0x404);
    const auto curve = load_le<std::uint32_t>(k, 0);
    if (curve != 2)
      return error{"SEV certificate", name() + " PUBKEY.CURVE", 0x10,
                   "is " + std::to_string(curve) + "; only 2 (P-384) is used"};
    std::array<byte, 48> x{}, y{};
    for (std::size_t i = 0; i < 48; ++i) x[i] = k[4 + 47 - i], y[i] = k[0x4C + 47 - i];
    return crypto::public_key::from_p384_point(x, y);
  }
  // SHA-256 of the public key area: a short fingerprint to print.
  [[nodiscard]] std::string fingerprint() const {
    return hex::encode(crypto::sha256_of(subview(raw, 0x10, 0x404))).substr(0, 16);
  }
};

inline result<platform_cert> parse_platform_cert(bytes_view b, std::size_t at_offset = 0) {
  if (b.size() != platform_cert_size)
    return error{"SEV certificate", "size", at_offset,
                 "is " + std::to_string(b.size()) + " bytes; a platform certificate is 2084 (0x824)"};
  platform_cert c;
  c.raw.assign(b.begin(), b.end());
  c.version = load_le<std::uint32_t>(b, 0);
  if (c.version != 1)
    return error{"SEV certificate", "VERSION", at_offset, "is " + std::to_string(c.version) + "; only 1 is defined"};
  c.api_major = b[4];
  c.api_minor = b[5];
  c.usage = load_le<std::uint32_t>(b, 8);
  c.algo = load_le<std::uint32_t>(b, 0xC);
  for (std::size_t i = 0; i < 2; ++i) {
    const std::size_t base = i == 0 ? 0x414 : 0x61C;
    c.sigs[i].usage = load_le<std::uint32_t>(b, base);
    c.sigs[i].algo = load_le<std::uint32_t>(b, base + 4);
    const auto s = subview(b, base + 8, 0x200);
    c.sigs[i].data.assign(s.begin(), s.end());
  }
  return c;
}

// ---- AMD signing-key format (ARK, ASK) ----
struct signing_key {
  bytes raw;
  std::uint32_t version = 0, usage = 0;
  std::array<byte, 16> key_id{}, certifying_id{};
  bytes exponent_be, modulus_be, signature_be;
  std::size_t signed_size = 0;

  [[nodiscard]] std::string name() const { return usage_name(usage); }
  [[nodiscard]] std::size_t modulus_bits() const { return modulus_be.size() * 8; }
  [[nodiscard]] std::string spki_sha256() const { return crypto::rsa_spki_sha256(modulus_be, exponent_be); }
  // RSA-2048 keys (Naples) sign with SHA-256, RSA-4096 keys with SHA-384.
  [[nodiscard]] const char* hash() const { return modulus_bits() <= 2048 ? "SHA-256" : "SHA-384"; }
};

// Parses one signing key at the start of `b` (which may continue); `signer_bits` is the signer's
// modulus size (equal to its own for the self-signed ARK). Returns the key and its length.
inline result<signing_key> parse_signing_key(bytes_view b, std::size_t at_offset = 0, std::size_t signer_bits = 0) {
  const std::string s = "AMD signing key";
  if (b.size() < 0x40)
    return error{s, "size", at_offset, "is " + std::to_string(b.size()) + " bytes; the header alone is 64"};
  signing_key k;
  k.version = load_le<std::uint32_t>(b, 0);
  if (k.version != 1) return error{s, "VERSION", at_offset, "is " + std::to_string(k.version) + "; only 1 is defined"};
  k.key_id = copy_array<16>(b, 4);
  k.certifying_id = copy_array<16>(b, 0x14);
  k.usage = load_le<std::uint32_t>(b, 0x24);
  const auto exp_bits = load_le<std::uint32_t>(b, 0x38), mod_bits = load_le<std::uint32_t>(b, 0x3C);
  for (auto [bits, field] : {std::pair{exp_bits, "PUBEXP_SIZE"}, std::pair{mod_bits, "MODULUS_SIZE"}})
    if (bits != 2048 && bits != 4096)
      return error{s, field, at_offset + (field[0] == 'P' ? 0x38 : 0x3C),
                   "is " + std::to_string(bits) + " bits; AMD keys are 2048 or 4096"};
  const std::size_t sig_bits = signer_bits ? signer_bits : mod_bits;
  const std::size_t total = 0x40 + exp_bits / 8 + mod_bits / 8 + sig_bits / 8;
  if (b.size() < total)
    return error{
        s, "size", at_offset,
        "is " + std::to_string(b.size()) + " bytes; this " + usage_name(k.usage) + " needs " + std::to_string(total)};
  auto be = [&](std::size_t off, std::size_t n) {
    bytes out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = b[off + n - 1 - i];
    return out;
  };
  k.exponent_be = be(0x40, exp_bits / 8);
  k.modulus_be = be(0x40 + exp_bits / 8, mod_bits / 8);
  k.signed_size = 0x40 + exp_bits / 8 + mod_bits / 8;
  k.signature_be = be(k.signed_size, sig_bits / 8);
  if (!crypto::rsa_public_key_valid(k.modulus_be, k.exponent_be))
    return error{s, "MODULUS/PUBEXP", at_offset + 0x40,
                 "are not an RSA public key (both must be odd, the modulus at least 5 bits)"};
  k.raw.assign(b.begin(), b.begin() + static_cast<std::ptrdiff_t>(total));
  return k;
}

// ---- signature checks ----
inline bool signed_by(const signing_key& subject, const signing_key& issuer) {
  return crypto::rsa_pss_verify(issuer.modulus_be, issuer.exponent_be,
                                bytes_view(subject.raw).first(subject.signed_size), subject.signature_be,
                                issuer.hash());
}

// Which signature slot of `c` carries `signer_usage` (nullopt: none).
inline std::optional<std::size_t> slot_for(const platform_cert& c, std::uint32_t signer_usage) {
  for (std::size_t i = 0; i < 2; ++i)
    if (c.sigs[i].usage == signer_usage) return i;
  return std::nullopt;
}

// An ECDSA signature of `c` by another platform certificate (R, S little-endian 72-byte fields).
inline bool signed_by(const platform_cert& c, const platform_cert& signer) {
  const auto slot = slot_for(c, signer.usage);
  if (!slot) return false;
  const auto& s = c.sigs[*slot];
  if (s.algo != algo_ecdsa_sha256 && s.algo != algo_ecdsa_sha384) return false;
  auto key = signer.ec_key();
  if (!key) return false;
  std::array<byte, 48> r{}, sv{};
  for (std::size_t i = 0; i < 48; ++i) r[i] = s.data[47 - i], sv[i] = s.data[0x48 + 47 - i];
  if (!all_zero(bytes_view(s.data).subspan(48, 24)) || !all_zero(bytes_view(s.data).subspan(0x48 + 48, 24)))
    return false;
  return key->verify_ecdsa(c.signed_region(), r, sv, algo_hash(s.algo));
}

// The CEK's RSA signature by the ASK (little-endian, the ASK's modulus length).
inline bool signed_by(const platform_cert& cek, const signing_key& ask) {
  const auto slot = slot_for(cek, usage_ask);
  if (!slot) return false;
  const auto& s = cek.sigs[*slot];
  if (s.algo != algo_rsa_sha256 && s.algo != algo_rsa_sha384) return false;
  const std::size_t n = ask.modulus_be.size();
  if (n > s.data.size() || !all_zero(bytes_view(s.data).subspan(n))) return false;
  bytes sig_be(n);
  for (std::size_t i = 0; i < n; ++i) sig_be[i] = s.data[n - 1 - i];
  return crypto::rsa_pss_verify(ask.modulus_be, ask.exponent_be, cek.signed_region(), sig_be, algo_hash(s.algo));
}

// ---- AMD's ASK then ARK, as `sevctl export --full` appends them and `sevctl verify --ca` takes them ----
// `at` is where they start in the file, `first` names the ASK's place in messages ("certificate #5", "key #1").
inline result<std::pair<signing_key, signing_key>> parse_ask_ark(bytes_view b, std::size_t at,
                                                                 const std::string& structure, const std::string& first,
                                                                 const std::string& second) {
  auto ask = parse_signing_key(b.subspan(at), at);
  if (!ask) return ask.err();
  if (ask->usage != usage_ask)
    return error{structure, first, at, "is the " + ask->name() + "; expected the ASK (then the ARK)"};
  at += ask->raw.size();
  if (at == b.size())
    return error{structure, second, at, "is missing: the file ends after the ASK; the ARK must follow it"};
  auto ark = parse_signing_key(b.subspan(at), at, ask->modulus_bits());
  if (!ark) return ark.err();
  if (ark->usage != usage_ark) return error{structure, second, at, "is the " + ark->name() + "; expected the ARK"};
  at += ark->raw.size();
  if (at != b.size()) return error{structure, "size", at, std::to_string(b.size() - at) + " bytes follow the ARK"};
  return std::pair{std::move(ask).value(), std::move(ark).value()};
}

// ---- `sevctl export [--full]` files ----
struct chain_file {
  platform_cert pdh, pek, oca, cek;
  std::optional<signing_key> ask, ark;
};

inline result<chain_file> parse_chain_file(bytes_view b) {
  const std::string s = "SEV chain file";
  if (b.size() < 4 * platform_cert_size)
    return error{s, "size", std::nullopt,
                 "is " + std::to_string(b.size()) +
                     " bytes; `sevctl export` writes 4 x 2084 (PDH, PEK, OCA, CEK), --full adds ASK and ARK"};
  chain_file f;
  const std::uint32_t want[4] = {usage_pdh, usage_pek, usage_oca, usage_cek};
  platform_cert* slots[4] = {&f.pdh, &f.pek, &f.oca, &f.cek};
  for (std::size_t i = 0; i < 4; ++i) {
    auto c = parse_platform_cert(b.subspan(i * platform_cert_size, platform_cert_size), i * platform_cert_size);
    if (!c) return c.err();
    if (c->usage != want[i])
      return error{s, "certificate #" + std::to_string(i + 1), i * platform_cert_size,
                   "is the " + c->name() + "; expected the " + usage_name(want[i]) +
                       " (order: PDH, PEK, OCA, CEK, then ASK, ARK)"};
    *slots[i] = std::move(c).value();
  }
  std::size_t at = 4 * platform_cert_size;
  if (at == b.size()) return f;
  auto pair = parse_ask_ark(b, at, s, "certificate #5", "certificate #6");
  if (!pair) return pair.err();
  f.ask = std::move(pair.value().first);
  f.ark = std::move(pair.value().second);
  return f;
}

}  // namespace sevproof::sev
