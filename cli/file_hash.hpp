// Streaming SHA-256 of a file in 1 MiB chunks: memory stays bounded whatever the file size
// (a 1 GB initrd is hashed in the same few megabytes), with progress on a terminal.
#pragma once

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "sevproof/crypto/hash.hpp"

namespace sevproof::cli {

struct hashed_file {
  std::optional<crypto::sha256_digest> digest;
  std::uint64_t size = 0;
  std::string why;
};

// Kernels and initrds are hashed streaming; this bounds what a device or pipe given by mistake
// (/dev/zero) can make us read.
inline constexpr std::uint64_t max_hashed_file = 16ull << 30;

inline hashed_file sha256_file(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, 0, path + ": cannot open"};
  in.seekg(0, std::ios::end);
  const auto total = static_cast<std::uint64_t>(in.tellg());
  in.seekg(0);
  const bool progress = total > (64u << 20) && isatty(STDERR_FILENO);
  crypto::sha256 h;
  std::vector<char> buf(1u << 20);
  std::uint64_t done = 0;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    h.update(bytes_view(reinterpret_cast<const byte*>(buf.data()), got));
    done += got;
    if (done > max_hashed_file) return {std::nullopt, done, path + ": more than 16 GiB, refusing to read further"};
    if (progress)
      std::fprintf(stderr, "\rhashing %s: %3llu%%", what, static_cast<unsigned long long>(done * 100 / total));
  }
  if (progress) std::fprintf(stderr, "\n");
  if (in.bad()) return {std::nullopt, done, path + ": read error"};
  return {h.finish(), done, {}};
}

}  // namespace sevproof::cli
