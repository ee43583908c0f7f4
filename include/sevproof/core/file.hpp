// Reading an input file with a bound on the bytes actually read (not on what stat says: devices,
// pipes and /proc files report sizes that mean nothing). "-" reads standard input, bounded too.
// Every refusal names the file and why.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

#include "sevproof/core/bytes.hpp"

namespace sevproof::io {

// No AMD structure, certificate, CRL, VM file or OpenStack document comes close to this.
inline constexpr std::uint64_t default_max_input = 64u << 20;

struct read_result {
  std::optional<bytes> data;
  std::string why;
};

inline std::string size_text(std::uint64_t n) {
  return n % (1u << 20) == 0 ? std::to_string(n >> 20) + " MiB" : std::to_string(n) + " bytes";
}

// Reads at most `max` bytes; one byte more and the file is refused, having read no further.
// Standard input can be read once: a second "-" in the same run would read nothing, and the input given there
// would silently be another's.
inline bool& stdin_taken() {
  static bool taken = false;
  return taken;
}

inline read_result read_bounded(const std::string& path, std::uint64_t max = default_max_input) {
  const bool stdin_input = path == "-";
  const std::string name = stdin_input ? std::string("standard input") : path;
  if (path.empty()) return {std::nullopt, "empty file name"};
  if (stdin_input && std::exchange(stdin_taken(), true))
    return {std::nullopt, "-: standard input is already read for another input; only one input can be -"};
  std::FILE* f = stdin;
  if (!stdin_input) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {std::nullopt, path + ": no such file"};
    if (std::filesystem::is_directory(path, ec)) return {std::nullopt, path + ": is a directory, expected a file"};
    f = std::fopen(path.c_str(), "rb");
    if (!f) return {std::nullopt, path + ": cannot open (" + std::strerror(errno) + ")"};
  }
  bytes out;
  byte buf[1u << 16];
  bool too_big = false, failed = false;
  for (;;) {
    const std::size_t got = std::fread(buf, 1, sizeof buf, f);
    if (got > 0) {
      if (out.size() + got > max) {
        too_big = true;
        break;
      }
      out.insert(out.end(), buf, buf + got);
    }
    if (got < sizeof buf) {
      failed = std::ferror(f) != 0;
      break;
    }
  }
  if (!stdin_input) std::fclose(f);
  if (too_big) return {std::nullopt, name + ": more than " + size_text(max) + ", refusing to read further"};
  if (failed) return {std::nullopt, name + ": read error"};
  return {std::move(out), {}};
}

}  // namespace sevproof::io
