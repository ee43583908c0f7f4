// toml++ (Debian's libtomlplusplus-dev 3.3), included the one way sevproof includes it.
//
// toml++ asserts its own parser state with TOML_ASSERT_ASSUME before it checks it: on hostile text
// (e.g. "[ = 1e]") a debug build aborts in parser.inl, and a release build compiled by clang (the
// WebAssembly page) tells the optimizer the impossible holds (__builtin_assume), which is undefined
// behaviour. The checks that follow those assertions report a proper parse_error, so the assertions
// are switched off here, in every build: TOML_ASSERT is a no-op and NDEBUG is hidden while toml++
// is read (with NDEBUG set, toml++ turns every assertion into an assumption). Found by the
// reference_values fuzz target; fuzz/regressions/reference_values holds the input.
#pragma once

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
