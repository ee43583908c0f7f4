// JSON text from users (reference values, batch lines, OpenStack documents): one reader that refuses
// what nlohmann::json would silently accept or could not survive. A key given twice in one object
// (nlohmann keeps the last: `"allow-debug": false, "allow-debug": true` would turn a check off) and
// nesting deeper than a limit (a 60 KB line of brackets overflowed the stack) are errors, as malformed
// text is, each in words that name the problem.
#pragma once

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sevproof/core/text.hpp"

namespace sevproof::json_text {

inline constexpr std::size_t max_depth = 32;

struct problem {
  std::string what;  // "not valid JSON (...)", "nested deeper than 32 levels", "\"k\" is given twice in one object"
  std::string key;   // the duplicated key, when that is the problem
};

// The document, or why it is refused. Deep values are dropped while parsing (never built).
inline std::variant<nlohmann::json, problem> parse(std::string_view text, std::size_t depth_limit = max_depth) {
  std::vector<std::set<std::string>> seen;
  std::string duplicate;
  std::size_t deepest = 0;
  auto cb = [&](int depth, nlohmann::json::parse_event_t ev, nlohmann::json& parsed) {
    deepest = std::max(deepest, static_cast<std::size_t>(depth));
    if (deepest > depth_limit) return false;
    if (ev == nlohmann::json::parse_event_t::object_start)
      seen.emplace_back();
    else if (ev == nlohmann::json::parse_event_t::object_end && !seen.empty())
      seen.pop_back();
    else if (ev == nlohmann::json::parse_event_t::key && !seen.empty() && duplicate.empty() &&
             !seen.back().insert(parsed.get<std::string>()).second)
      duplicate = parsed.get<std::string>();
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.begin(), text.end(), cb);
  } catch (const nlohmann::json::exception& e) {
    return problem{"not valid JSON (" + utf8::printable(e.what()) + ")", ""};
  }
  if (deepest > depth_limit) return problem{"nested deeper than " + std::to_string(depth_limit) + " levels", ""};
  if (!duplicate.empty())
    return problem{"\"" + utf8::printable(duplicate) + "\" is given twice in one object", duplicate};
  return j;
}

}  // namespace sevproof::json_text
