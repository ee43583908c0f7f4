// A verdict as JSON: every check with code, status, title and sentence, plus the summary flags.
#pragma once

#include <nlohmann/json.hpp>

#include "sevproof/core/verdict.hpp"

namespace sevproof::format {

inline nlohmann::ordered_json verdict_json(const verdict& v, bool include_unrequested = true) {
  nlohmann::ordered_json checks = nlohmann::ordered_json::array();
  for (const auto& c : v.checks) {
    if (!c.requested && !include_unrequested) continue;
    checks.push_back({{"code", c.code},
                      {"status", std::string(status_name(c.result))},
                      {"title", c.title},
                      {"message", c.sentence},
                      {"requested", c.requested}});
  }
  return {{"genuine", v.genuine()}, {"policy_ok", v.policy_ok()}, {"verified", v.passed()}, {"checks", checks}};
}

}  // namespace sevproof::format
