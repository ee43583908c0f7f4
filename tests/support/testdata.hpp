// Access to the shared real test data (../shared/testdata), used in place.
//
// When the directory is absent the test is reported as SKIPPED with the reason, never as passed.
#pragma once

#include <catch2/catch_test_macros.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "sevproof/core/bytes.hpp"

namespace testdata {

inline std::filesystem::path root() { return SEVPROOF_TESTDATA_DIR; }
inline bool available() { return std::filesystem::is_directory(root() / "reports"); }
inline std::filesystem::path path(const std::string& rel) { return root() / rel; }

inline sevproof::bytes read(const std::string& rel) {
  std::ifstream in(path(rel), std::ios::binary);
  if (!in) FAIL("cannot open test data file " << path(rel).string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace testdata

// Skips the current test (visibly, with the reason) when ../shared/testdata is not there.
#define REQUIRE_TESTDATA()                                                                                         \
  do {                                                                                                             \
    if (!testdata::available())                                                                                    \
      SKIP("shared test data not found at " << testdata::root().string() << " (set -DSEVPROOF_TESTDATA_DIR=...)"); \
  } while (false)
