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
#include <string_view>

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/file.hpp"
#include "sevproof/core/number.hpp"

namespace sevproof::cli {

// Documented exit codes (README "Exit codes").
enum exit_code : int { ok = 0, check_failed = 1, usage = 2, bad_input = 3 };

// Inputs larger than this are refused, counting the bytes actually read (devices and pipes too).
inline constexpr std::uintmax_t max_input_size = io::default_max_input;

using io::read_result;

// Reads a whole input file ("-" for standard input), bounded.
inline read_result read_file(const std::string& path) { return io::read_bounded(path, max_input_size); }

// Every file the CLI writes: the whole content or an error naming the file and why ("" when written). A
// "wrote ..." line is printed only after this said so, so a missing folder never loses a key silently.
inline std::string write_file(const std::string& path, std::string_view data) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return "cannot write " + path + " (" + std::strerror(errno) + ")";
  const bool written = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) return "cannot write " + path + " (" + std::strerror(errno) + ")";
  return {};
}

// Every JSON document the CLI prints: text that is not UTF-8 (a file name, a hostile value quoted in a
// message) comes out with U+FFFD in its place, never as an exception and never as invalid JSON.
template <class Json>
std::string json_out(const Json& j, int indent = 2) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sevproof::cli
