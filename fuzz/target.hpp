// One fuzz target = one entry point fed the way real input reaches it. Each targets/NAME.cpp defines
// its body with SEVPROOF_FUZZ_TARGET(NAME); the same file is linked into the libFuzzer binary
// fuzz_NAME (libfuzzer_main.cpp) and into fuzz_replay (replay_main.cpp), which ctest runs in every
// preset on the seeds, the regression inputs and deterministic mutations of the real test data.
//
// A target returns 0, or -1 for an input it does not want kept in the corpus. It fails (fail():
// libFuzzer and the replay driver both report it) when a property is broken: an exception the
// library promised not to throw, or an appraisal that calls mutated bytes genuine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/bytes.hpp"
#include "sevproof/snp/report_reader.hpp"
#include <nlohmann/json.hpp>

namespace sevproof::fuzz {

using target_fn = int (*)(const std::uint8_t*, std::size_t);

struct target {
  const char* name;
  target_fn fn;
};

inline std::vector<target>& registry() {
  static std::vector<target> r;
  return r;
}

struct registrar {
  registrar(const char* name, target_fn fn) { registry().push_back({name, fn}); }
};

// libFuzzer reports an abort as a crash and keeps the input; the replay driver exits 70 instead,
// so ctest shows a plain failure.
[[noreturn]] inline void fail(const char* target, const std::string& why) {
  std::fprintf(stderr, "fuzz target %s: PROPERTY BROKEN: %s\n", target, why.c_str());
#ifdef SEVPROOF_FUZZ_LIBFUZZER
  std::abort();
#else
  std::_Exit(70);
#endif
}

// Splits the input into fields: take(n) hands out the next n bytes (fewer at the end).
class reader {
 public:
  reader(const std::uint8_t* d, std::size_t n) : data_(d, n) {}
  bytes_view take(std::size_t n) {
    const auto k = n < data_.size() ? n : data_.size();
    auto out = data_.first(k);
    data_ = data_.subspan(k);
    return out;
  }
  std::uint8_t u8() { return data_.empty() ? 0 : take(1)[0]; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  bytes_view rest() { return take(data_.size()); }
  [[nodiscard]] std::size_t left() const { return data_.size(); }

 private:
  bytes_view data_;
};

// An all-zero report, for evidence that only the certificate inputs fill.
inline snp::parsed_report blank_report() {
  return {snp::report(snp::report::storage{}), snp::container::raw,          "binary", std::nullopt,
          snp::product_source::assumed,        snp::tcb_layout::milan_genoa, {},       {}};
}

// Text made from hostile input ends up in JSON (the CLI's --json, every answer of the page): it
// must be valid UTF-8, or dump() throws.
inline void json_safe(const char* target, const std::string& s) {
  try {
    (void)nlohmann::json(s).dump();
  } catch (const nlohmann::json::exception&) {
    fail(target, "text that JSON cannot carry (invalid UTF-8): " +
                     nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

inline std::string text_of(bytes_view b) { return {reinterpret_cast<const char*>(b.data()), b.size()}; }

// Real data some targets hold fixed (a genuine VCEK and its report). Taken from the shared test data
// at run time, never from the repository: $SEVPROOF_TESTDATA_DIR, else the directory configured.
inline std::optional<bytes> testdata_file(const std::string& rel) {
  const char* env = std::getenv("SEVPROOF_TESTDATA_DIR");
#ifdef SEVPROOF_TESTDATA_DIR
  const std::string root = env != nullptr ? env : SEVPROOF_TESTDATA_DIR;
#else
  const std::string root = env != nullptr ? env : "";
#endif
  std::ifstream in(root + "/" + rel, std::ios::binary);
  if (!in) return std::nullopt;
  return bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace sevproof::fuzz

#define SEVPROOF_FUZZ_TARGET(NAME)                                                       \
  static int fuzz_##NAME(const std::uint8_t* data, std::size_t size);                    \
  static const ::sevproof::fuzz::registrar fuzz_##NAME##_registrar(#NAME, &fuzz_##NAME); \
  static int fuzz_##NAME(const std::uint8_t* data, std::size_t size)
