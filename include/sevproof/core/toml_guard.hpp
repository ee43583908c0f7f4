// A guard to run before toml++ (3.3.0, Debian bookworm) parses hostile text: a table header whose
// key starts with a character no key can start with ("[=", "[[$]]", "[" at the end of a line)
// reaches an internal assertion in its key parser (abort in debug builds; an assumption, so
// undefined behaviour, under clang's optimizer). This scan finds real table headers the way the
// TOML grammar does (outside strings, comments and values) and refuses those first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sevproof::toml_guard {

struct problem {
  std::size_t line;
  std::string what;
};

namespace detail {

constexpr bool key_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '"' || c == '\'' || c == ']';
}

// Skips a string starting at `i` (at its first quote); returns the index after it, counting lines.
inline std::size_t skip_string(std::string_view t, std::size_t i, std::size_t& line) {
  const char q = t[i];
  const bool multi = t.substr(i, 3) == std::string(3, q);
  i += multi ? 3 : 1;
  while (i < t.size()) {
    if (t[i] == '\n') {
      if (!multi) return i;  // unterminated: the parser reports it
      ++line;
    }
    if (q == '"' && t[i] == '\\') {
      i += 2;
      continue;
    }
    if (t[i] == q && (!multi || t.substr(i, 3) == std::string(3, q))) return i + (multi ? 3 : 1);
    ++i;
  }
  return i;
}

}  // namespace detail

// The first table header toml++ would crash on, if any.
inline std::optional<problem> check(std::string_view t) {
  std::size_t line = 1, depth = 0;
  bool line_start = true;
  for (std::size_t i = 0; i < t.size();) {
    const char c = t[i];
    if (c == '\n') {
      ++line;
      line_start = depth == 0;
      ++i;
    } else if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
    } else if (c == '#') {
      while (i < t.size() && t[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      i = detail::skip_string(t, i, line);
      line_start = false;
    } else if (c == '[' && line_start && depth == 0) {  // a table header
      std::size_t j = i + 1;
      if (j < t.size() && t[j] == '[') ++j;
      while (j < t.size() && (t[j] == ' ' || t[j] == '\t')) ++j;
      if (j >= t.size() || !detail::key_start(t[j]))
        return problem{line, "a table header must start with a key (a letter, digit, '_', '-' or a quote)"};
      i = j;
      line_start = false;
    } else {
      if (c == '[' || c == '{')
        ++depth;
      else if ((c == ']' || c == '}') && depth > 0)
        --depth;
      line_start = false;
      ++i;
    }
  }
  return std::nullopt;
}

}  // namespace sevproof::toml_guard
