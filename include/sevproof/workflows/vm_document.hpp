// A VM definition file as a tree of keys with their line numbers, read from TOML (toml++) or from
// JSON (nlohmann's SAX parser), so the reader above it says "launch.vcpus (line 7)" whichever
// syntax the file uses. Syntax errors name the line too. Bounded: texts over 1 MiB are refused.
#pragma once

#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sevproof/core/error.hpp"
#include "sevproof/core/text.hpp"
#include "sevproof/core/toml.hpp"
#include "sevproof/core/toml_guard.hpp"

namespace sevproof::workflows::vm {

inline constexpr std::size_t max_text_size = 1u << 20;

struct node_member;

struct node {
  enum class kind : std::uint8_t { string, integer, floating, boolean, table, array, null, other };  // null: JSON's
  kind type = kind::other;
  std::string text;                  // string
  std::int64_t integer = 0;          // integer
  bool boolean = false;              // boolean
  std::vector<node_member> members;  // table, in file order (a vector of a type completed below:
                                     // a pair<string, node> here is an incomplete type to clang)
  std::vector<node> items;           // array
  int line = 0;                      // 1-based; 0 when unknown

  [[nodiscard]] const node* find(std::string_view key) const;
};

struct node_member {
  std::string first;  // the key
  node second;        // its value
};

inline const node* node::find(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

inline const char* kind_name(node::kind k) {
  switch (k) {
    case node::kind::string:
      return "a string";
    case node::kind::integer:
      return "an integer";
    case node::kind::floating:
      return "a floating-point number";
    case node::kind::boolean:
      return "a boolean";
    case node::kind::table:
      return "a table (a JSON object)";
    case node::kind::array:
      return "an array";
    case node::kind::null:
      return "null";
    case node::kind::other:
      return "a date or time";
  }
  return "?";
}

namespace detail {

inline node of_kind(node::kind k) {
  node n;
  n.type = k;
  return n;
}

inline error syntax(const std::string& source, int line, const std::string& what) {
  return error{source, "", std::nullopt, (line > 0 ? "line " + std::to_string(line) + ": " : std::string()) + what};
}

inline node from_toml(const toml::node& n) {
  node out;
  out.line = static_cast<int>(n.source().begin.line);
  if (const auto* t = n.as_table()) {
    out.type = node::kind::table;
    for (const auto& [k, v] : *t) {
      out.members.emplace_back(std::string(k.str()), from_toml(v));
      if (out.members.back().second.line == 0) out.members.back().second.line = static_cast<int>(k.source().begin.line);
    }
  } else if (const auto* a = n.as_array()) {
    out.type = node::kind::array;
    for (const auto& v : *a) out.items.push_back(from_toml(v));
  } else if (const auto* s = n.as_string()) {
    out.type = node::kind::string;
    out.text = s->get();
  } else if (const auto* i = n.as_integer()) {
    out.type = node::kind::integer;
    out.integer = i->get();
  } else if (const auto* b = n.as_boolean()) {
    out.type = node::kind::boolean;
    out.boolean = b->get();
  } else if (n.is_floating_point()) {
    out.type = node::kind::floating;
  }
  return out;
}

// An input iterator over the text that counts the newlines it has passed, so the SAX callbacks
// know the line of the token just read.
struct counting_iterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  int* line = nullptr;
  reference operator*() const { return *p; }
  counting_iterator& operator++() {
    if (*p == '\n') ++*line;
    ++p;
    return *this;
  }
  counting_iterator operator++(int) {
    auto c = *this;
    ++*this;
    return c;
  }
  bool operator==(const counting_iterator& o) const { return p == o.p; }
  bool operator!=(const counting_iterator& o) const { return p != o.p; }
};

struct json_builder : nlohmann::json_sax<nlohmann::json> {
  const int* line;
  std::vector<node*> stack;
  node root;
  std::string pending_key, problem;
  int pending_line = 0;  // the key's line: a number's value is only known after reading past it
  bool has_root = false;

  explicit json_builder(const int* l) : line(l) {}

  node* place(node n) {
    n.line = *line;
    if (stack.empty()) {
      root = std::move(n);
      has_root = true;
      return &root;
    }
    node* parent = stack.back();
    if (parent->type == node::kind::array) {
      parent->items.push_back(std::move(n));
      return &parent->items.back();
    }
    if (parent->find(pending_key)) {
      problem = "duplicate key \"" + pending_key + "\"";
      return nullptr;
    }
    n.line = pending_line;
    parent->members.emplace_back(pending_key, std::move(n));
    return &parent->members.back().second;
  }
  bool scalar(node n) { return place(std::move(n)) != nullptr; }
  bool null() override { return scalar(of_kind(node::kind::null)); }
  bool boolean(bool v) override {
    node n = of_kind(node::kind::boolean);
    n.boolean = v;
    return scalar(std::move(n));
  }
  bool number_integer(number_integer_t v) override {
    node n = of_kind(node::kind::integer);
    n.integer = v;
    return scalar(std::move(n));
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return scalar(of_kind(node::kind::other));
    node n = of_kind(node::kind::integer);
    n.integer = static_cast<std::int64_t>(v);
    return scalar(std::move(n));
  }
  bool number_float(number_float_t, const string_t&) override { return scalar(of_kind(node::kind::floating)); }
  bool string(string_t& v) override {
    node n = of_kind(node::kind::string);
    n.text = v;
    return scalar(std::move(n));
  }
  bool binary(binary_t&) override { return scalar(node{}); }
  bool open(node::kind k) {
    if (stack.size() > 32) {
      problem = "nested too deeply";
      return false;
    }
    node* n = place(of_kind(k));
    if (!n) return false;
    stack.push_back(n);
    return true;
  }
  bool start_object(std::size_t) override { return open(node::kind::table); }
  bool key(string_t& k) override {
    pending_key = k;
    pending_line = *line;
    return true;
  }
  bool end_object() override {
    stack.pop_back();
    return true;
  }
  bool start_array(std::size_t) override { return open(node::kind::array); }
  bool end_array() override {
    stack.pop_back();
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    problem = utf8::printable(e.what());  // nlohmann quotes the bytes it read, valid UTF-8 or not
    return false;
  }
};

}  // namespace detail

// Reads `text` as JSON when its first non-blank character is '{', else as TOML. `source` names
// the file in errors. The result is a table (the document root).
inline result<node> read_document(std::string_view text, const std::string& source) {
  text = utf8::without_bom(text);
  if (text.size() > max_text_size)
    return error{source, "", std::nullopt, "larger than 1 MiB: not a VM definition file"};
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    int line = 1;
    detail::json_builder b(&line);
    detail::counting_iterator begin{text.data(), &line}, end{text.data() + text.size(), &line};
    const bool ok = nlohmann::json::sax_parse(begin, end, &b);
    if (!ok || !b.has_root)
      return detail::syntax(source, line, "invalid JSON: " + (b.problem.empty() ? "empty document" : b.problem));
    if (b.root.type != node::kind::table) return detail::syntax(source, 1, "the JSON document must be an object");
    return std::move(b.root);
  }
  if (const auto line = toml_non_ascii_line(text))  // core/toml.hpp: toml++ 3.3 is unsafe on such text
    return detail::syntax(source, static_cast<int>(*line),
                          "a non-ASCII character (VM files are ASCII, comments included)");
  if (auto p = toml_guard::check(text))
    return detail::syntax(source, static_cast<int>(p->line), "invalid TOML: " + p->what);
  try {
    const toml::table t = toml::parse(text, source);
    node root = detail::from_toml(t);
    root.type = node::kind::table;
    return root;
  } catch (const toml::parse_error& e) {
    return detail::syntax(source, static_cast<int>(e.source().begin.line),
                          "invalid TOML: " + std::string(e.description()));
  }
}

}  // namespace sevproof::workflows::vm
