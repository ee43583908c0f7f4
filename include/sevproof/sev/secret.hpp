// The legacy SEV launch secret (SEV API LAUNCH_SECRET; OVMF's secret table): a GUIDed table of
// secrets, padded, encrypted with the TEK (AES-128-CTR) and authenticated with the TIK over the
// header, the ciphertext and the launch measurement, ready for QMP sev-inject-launch-secret.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/guid.hpp"
#include "sevproof/crypto/cipher.hpp"
#include "sevproof/crypto/hash.hpp"

namespace sevproof::sev {

inline constexpr guid secret_table_guid = "1e74f542-71dd-4d66-963e-ef4287ff173b"_guid;
inline constexpr guid luks_key_guid = "736869e5-84f0-4973-92ec-06879ce3da0b"_guid;  // alias "luks-key"

struct secret_entry {
  guid id;
  bytes value;
};

// What no guest can use, refused before anything is encrypted: no entry, an empty secret (a failed redirect writes
// an empty file; an empty disk passphrase unlocks nothing), one GUID twice (OVMF and GRUB read the first: which
// was meant?), or the table's own GUID as an entry.
inline std::optional<error> check_secret_entries(const std::vector<secret_entry>& entries) {
  const auto refuse = [](std::size_t i, const guid& g, const std::string& why) {
    return error{"--secret",
                 "entry " + std::to_string(i + 1) + " (" + (g == luks_key_guid ? "luks-key" : g.to_string()) + ")",
                 std::nullopt, why};
  };
  if (entries.empty()) return error{"--secret", "", std::nullopt, "no entry: give at least one secret"};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    if (e.id == secret_table_guid) return refuse(i, e.id, "is the secret table's own GUID, which no entry may have");
    if (e.value.empty()) return refuse(i, e.id, "is empty: a secret of 0 bytes is a failed write, not a secret");
    for (std::size_t j = 0; j < i; ++j)
      if (entries[j].id == e.id)
        return refuse(i, e.id, "has the GUID of entry " + std::to_string(j + 1) + ": the guest reads only one of them");
  }
  return std::nullopt;
}

// GUID ‖ u32 total length ‖ entries (GUID ‖ u32 20+len ‖ value), then zero padding to a multiple of
// 16 that always adds at least one byte (16 when already aligned), as libvirt's tool pads.
inline bytes build_secret_table(const std::vector<secret_entry>& entries) {
  bytes t;
  auto put_guid = [&](const guid& g) {
    const auto e = g.efi_bytes();
    t.insert(t.end(), e.begin(), e.end());
  };
  auto put_u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) t.push_back(static_cast<byte>(v >> (8 * i)));
  };
  std::size_t total = 20;
  for (const auto& e : entries) total += 20 + e.value.size();
  put_guid(secret_table_guid);
  put_u32(static_cast<std::uint32_t>(total));
  for (const auto& e : entries) {
    put_guid(e.id);
    put_u32(static_cast<std::uint32_t>(20 + e.value.size()));
    t.insert(t.end(), e.value.begin(), e.value.end());
  }
  t.resize(t.size() + (16 - t.size() % 16), 0);
  return t;
}

struct secret_packet {
  std::array<byte, 52> header{};  // flags u32 ‖ IV ‖ HMAC
  bytes payload;                  // ciphertext
};

// `measurement_mac`: the 32-byte MAC part of the validated LAUNCH_MEASURE value.
inline result<secret_packet> build_secret_packet(bytes_view padded_table, bytes_view tek, bytes_view tik,
                                                 bytes_view measurement_mac, bytes_view iv16, std::uint32_t flags = 0) {
  if (tek.size() != 16)
    return error{"secret", "TEK", std::nullopt, "is " + std::to_string(tek.size()) + " bytes; expected 16"};
  if (tik.size() != 16)
    return error{"secret", "TIK", std::nullopt, "is " + std::to_string(tik.size()) + " bytes; expected 16"};
  if (iv16.size() != 16) return error{"secret", "IV", std::nullopt, "must be 16 bytes"};
  if (measurement_mac.size() != 32) return error{"secret", "measurement", std::nullopt, "MAC must be 32 bytes"};
  secret_packet p;
  p.payload = crypto::aes_ctr(tek, iv16, padded_table);
  bytes msg{0x01};
  auto put_u32 = [&](std::uint32_t v) {
    for (int i = 0; i < 4; ++i) msg.push_back(static_cast<byte>(v >> (8 * i)));
  };
  put_u32(flags);
  msg.insert(msg.end(), iv16.begin(), iv16.end());
  put_u32(static_cast<std::uint32_t>(padded_table.size()));  // guest length
  put_u32(static_cast<std::uint32_t>(padded_table.size()));  // transport length
  msg.insert(msg.end(), p.payload.begin(), p.payload.end());
  msg.insert(msg.end(), measurement_mac.begin(), measurement_mac.end());
  const auto mac = crypto::hmac_sha256(tik, msg);
  store_le<std::uint32_t>(p.header, 0, flags);
  std::copy(iv16.begin(), iv16.end(), p.header.begin() + 4);
  std::copy(mac.begin(), mac.end(), p.header.begin() + 20);
  return p;
}

}  // namespace sevproof::sev
