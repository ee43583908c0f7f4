// The result of a verification and validation: every check with its code, status and one sentence.
// All failures are reported at once, never only the first.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/check_codes.hpp"

namespace sevproof {

enum class status : std::uint8_t { pass, fail, warn, skipped };

constexpr std::string_view status_name(status s) {
  switch (s) {
    case status::pass:
      return "pass";
    case status::fail:
      return "fail";
    case status::warn:
      return "warn";
    case status::skipped:
      return "skipped";
  }
  return "?";
}

struct check_result {
  std::string code;   // "V016"
  std::string title;  // what is checked
  status result = status::skipped;
  std::string sentence;   // what was found, in one sentence (for skipped: why)
  bool requested = true;  // false for validation checks the caller did not ask for
};

struct verdict {
  std::vector<check_result> checks;

  void add(const checks::check_info& c, status s, std::string sentence, bool requested = true) {
    checks.push_back({std::string(c.code), std::string(c.title), s, std::move(sentence), requested});
  }
  [[nodiscard]] bool any(char family, status s) const {
    for (const auto& c : checks)
      if (c.code[0] == family && c.result == s) return true;
    return false;
  }
  [[nodiscard]] const check_result* find(std::string_view code) const {
    for (const auto& c : checks)
      if (c.code == code) return &c;
    return nullptr;
  }
  // Genuine: every verification check ran and none failed; the signature check passed.
  [[nodiscard]] bool genuine() const {
    const auto* sig = find(checks::report_signature.code);
    return sig != nullptr && sig->result == status::pass && !any('V', status::fail);
  }
  [[nodiscard]] bool policy_ok() const { return !any('P', status::fail); }
  [[nodiscard]] bool passed() const { return genuine() && policy_ok(); }
};

}  // namespace sevproof
