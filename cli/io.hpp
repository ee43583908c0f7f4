// File input for the CLI: every read either returns the bytes or says which file and why not.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/number.hpp"

namespace sevproof::cli {

// Documented exit codes (README "Exit codes").
enum exit_code : int { ok = 0, check_failed = 1, usage = 2, bad_input = 3 };

// Inputs larger than this are refused before reading: no AMD structure the CLI reads comes close.
inline constexpr std::uintmax_t max_input_size = 64u << 20;

struct read_result {
  std::optional<bytes> data;
  std::string why;
};

inline read_result read_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {std::nullopt, path + ": no such file"};
  if (std::filesystem::is_directory(path, ec)) return {std::nullopt, path + ": is a directory, expected a file"};
  auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > max_input_size) return {std::nullopt, path + ": larger than 64 MiB, refusing to read"};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {std::nullopt, path + ": cannot open (" + std::strerror(errno) + ")"};
  return {bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()), {}};
}

}  // namespace sevproof::cli
