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

}  // namespace sevproof::cli
