// The SEV hashes table QEMU places in guest memory for measured direct boot (kernel, initrd,
// command line): a GUIDed table of SHA-256 digests, padded to 176 bytes. Shared by SEV, SEV-ES, SNP.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/guid.hpp"
#include "sevproof/crypto/hash.hpp"

namespace sevproof::measure {

namespace hashes_guid {
inline constexpr guid table = "9438d606-4f22-4cc9-b479-a793d411fd21"_guid;
inline constexpr guid cmdline = "97d02dd8-bd20-4c94-aa78-e7714d36ab2a"_guid;
inline constexpr guid initrd = "44baf731-3a2f-4bd7-9af1-41e29169781d"_guid;
inline constexpr guid kernel = "4de79437-abd2-427f-b835-d5b172d2045b"_guid;
}  // namespace hashes_guid

inline constexpr std::size_t hashes_table_size = 168;         // GUID + u16 + 3 entries of 50 bytes
inline constexpr std::size_t hashes_table_padded_size = 176;  // padded to a multiple of 16

// What goes into the table. The kernel and initrd digests are streamed by the caller (files can be
// gigabytes); no initrd hashes as the empty input, and the command line is hashed with a NUL.
struct boot_hashes {
  crypto::sha256_digest kernel{};
  crypto::sha256_digest initrd = crypto::sha256_of({});
  crypto::sha256_digest cmdline = cmdline_hash("");

  static crypto::sha256_digest cmdline_hash(std::string_view cmdline) {
    crypto::sha256 h;
    h.update(bytes_view(reinterpret_cast<const byte*>(cmdline.data()), cmdline.size()));
    const byte nul = 0;
    h.update(bytes_view(&nul, 1));
    return h.finish();
  }
};

inline std::array<byte, hashes_table_padded_size> build_hashes_table(const boot_hashes& h) {
  std::array<byte, hashes_table_padded_size> t{};
  std::size_t at = 0;
  auto put_guid = [&](const guid& g) {
    const auto e = g.efi_bytes();
    for (byte b : e) t[at++] = b;
  };
  put_guid(hashes_guid::table);
  store_le<std::uint16_t>(t, at, static_cast<std::uint16_t>(hashes_table_size));
  at += 2;
  for (const auto& [g, digest] : {std::pair{hashes_guid::cmdline, h.cmdline}, std::pair{hashes_guid::initrd, h.initrd},
                                  std::pair{hashes_guid::kernel, h.kernel}}) {
    put_guid(g);
    store_le<std::uint16_t>(t, at, 50);
    at += 2;
    for (byte b : digest) t[at++] = b;
  }
  return t;  // bytes 168..175 stay zero
}

}  // namespace sevproof::measure
