// Streaming SHA-256 of a file in 1 MiB chunks: memory stays bounded whatever the file size
// (a 1 GB initrd is hashed in the same few megabytes), with progress on a terminal.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include "sevproof/core/file.hpp"
#include "sevproof/crypto/hash.hpp"

namespace sevproof::cli {

struct hashed_file {
  std::optional<crypto::sha256_digest> digest;
  std::uint64_t size = 0;
  std::string why;
};

// Kernels and initrds are hashed streaming; this bounds what a device or pipe given by mistake
// (/dev/zero) can make us read. QEMU loads neither a kernel nor an initrd of 4 GiB (the boot protocol's
// initrd_addr_max is below 4 GiB), so nothing real is refused.
inline constexpr std::uint64_t max_hashed_file = 4ull << 30;

// The file read as io::open_input opens it ("-" is standard input; a pipe without a writer is empty).
inline hashed_file sha256_file(const std::string& path, const char* what) {
  std::string why;
  std::FILE* f = io::open_input(path, why);
  if (!f) return {std::nullopt, 0, why};
  struct stat st {};
  const bool regular = ::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode);
  const auto total = regular ? static_cast<std::uint64_t>(st.st_size) : 0;
  const bool progress = total > (64u << 20) && isatty(STDERR_FILENO);
  crypto::sha256 h;
  std::vector<char> buf(1u << 20);
  std::uint64_t done = 0;
  bool failed = false, too_big = false;
  for (;;) {
    const std::size_t got = std::fread(buf.data(), 1, buf.size(), f);
    h.update(bytes_view(reinterpret_cast<const byte*>(buf.data()), got));
    done += got;
    if (done > max_hashed_file) {
      too_big = true;
      break;
    }
    if (progress)
      std::fprintf(stderr, "\rhashing %s: %3llu%%", what, static_cast<unsigned long long>(done * 100 / total));
    if (got < buf.size()) {
      failed = std::ferror(f) != 0;
      break;
    }
  }
  if (f != stdin) std::fclose(f);
  if (progress) std::fprintf(stderr, "\n");
  const std::string name = path == "-" ? std::string("standard input") : path;
  if (too_big)
    return {std::nullopt, done, name + ": more than 4 GiB, refusing to read further (no kernel or initrd is)"};
  if (failed) return {std::nullopt, done, name + ": read error"};
  return {h.finish(), done, {}};
}

}  // namespace sevproof::cli
