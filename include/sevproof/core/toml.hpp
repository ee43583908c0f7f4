// toml++ (Debian's libtomlplusplus-dev 3.3), included the one way sevproof includes it.
//
// toml++ asserts its own parser state with TOML_ASSERT_ASSUME before it checks it: on hostile text
// (e.g. "[ = 1e]") a debug build aborts in parser.inl, and a release build compiled by clang (the
// WebAssembly page) tells the optimizer the impossible holds (__builtin_assume), which is undefined
// behaviour. The checks that follow those assertions report a proper parse_error, so the assertions
// are switched off here, in every build: TOML_ASSERT is a no-op and NDEBUG is hidden while toml++
// is read (with NDEBUG set, toml++ turns every assertion into an assumption). Found by the
// reference_values fuzz target; fuzz/regressions/reference_values holds the input.
//
// toml++ 3.3 also reaches __builtin_unreachable (undefined behaviour in every build) on non-ASCII
// characters where it looks for whitespace (impl::is_non_ascii_horizontal_whitespace, e.g. U+00E9 or
// U+FEFB at the start of a line). sevproof's TOML files are ASCII, so toml_non_ascii_line() finds the
// first non-ASCII byte and the reader refuses the file before toml++ sees it (also found by the
// reference_values fuzz target). Comments are not exempt: telling a comment from a '#' inside a string
// takes a TOML lexer (triple quotes, escapes, multi-line strings), and a guess let `"""":"S#\` followed
// by U+FEFE through to the same undefined behaviour (the third campaign's reference_values run).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#ifdef TOML_ASSERT
#error "include sevproof/core/toml.hpp before any other inclusion of toml++"
#endif
#ifdef NDEBUG
#define SEVPROOF_TOML_NDEBUG
#undef NDEBUG
#endif
#define TOML_ASSERT(expr) static_cast<void>(0)
#include <toml++/toml.h>
#ifdef SEVPROOF_TOML_NDEBUG
#define NDEBUG
#undef SEVPROOF_TOML_NDEBUG
#include <cassert>  // assert() as NDEBUG says again, should anything after use it
#endif

namespace sevproof {

// The line (1-based) of the first byte above 0x7F, or nullopt when there is none.
inline std::optional<std::size_t> toml_non_ascii_line(std::string_view text) {
  std::size_t line = 1;
  for (const char ch : text) {
    if (ch == '\n') ++line;
    if (static_cast<unsigned char>(ch) >= 0x80) return line;
  }
  return std::nullopt;
}

}  // namespace sevproof
