// Reading an input file with a bound on the bytes actually read (not on what stat says: devices,
// pipes and /proc files report sizes that mean nothing). "-" reads standard input, bounded too.
// Every refusal names the file and why.
#pragma once

#include <fcntl.h>
#include <unistd.h>

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

// Opens an input to read it once: "-" is standard input; a named pipe with no writer reads as empty
// rather than blocking in open() for ever (opened non-blocking, then read blocking); a directory, a
// missing file or a symlink loop is refused naming it. On failure returns nullptr and says why.
inline std::FILE* open_input(const std::string& path, std::string& why) {
  if (path.empty()) {
    why = "empty file name";
    return nullptr;
  }
  if (path == "-") {
    if (std::exchange(stdin_taken(), true)) {
      why = "-: standard input is already read for another input; only one input can be -";
      return nullptr;
    }
    return stdin;
  }
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) {
    why =
        path + (ec && ec != std::errc::no_such_file_or_directory ? ": " + ec.message() : std::string(": no such file"));
    return nullptr;
  }
  if (std::filesystem::is_directory(st)) {
    why = path + ": is a directory, expected a file";
    return nullptr;
  }
  std::FILE* f = nullptr;
  if (std::filesystem::is_fifo(st)) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd >= 0 && ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0) f = ::fdopen(fd, "rb");
    if (!f && fd >= 0) ::close(fd);
  } else {
    f = std::fopen(path.c_str(), "rb");
  }
  if (!f) why = path + ": cannot open (" + std::strerror(errno) + ")";
  return f;
}

inline read_result read_bounded(const std::string& path, std::uint64_t max = default_max_input) {
  const bool stdin_input = path == "-";
  const std::string name = stdin_input ? std::string("standard input") : path;
  std::string why;
  std::FILE* f = open_input(path, why);
  if (!f) return {std::nullopt, why};
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
