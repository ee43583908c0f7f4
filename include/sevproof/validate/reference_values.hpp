// Reference values as data: what a guest owner expects of a report, read from and written to TOML
// or JSON. The keys are the option names of the one option table (validate/option_text.hpp):
// `sevproof verify`'s flags without dashes, the page's field names. Schema:
// schemas/reference-values.schema.json; example: docs/reference-values.md.
//
//   measurement = ["845f86...945b"]         # lists for repeatable options
//   min-tcb = "bl=3,tee=0,snp=8,ucode=115"
//   vmpl = 0                                 # numbers as integers or as text ("0x27")
//   require-crl = true
//
// Unknown keys, wrong types and bad values are errors naming the source, the line and the key.
// A VM file's [expect] table is read by the same function.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#ifndef TOML_HEADER_ONLY
#define TOML_HEADER_ONLY 1
#endif
#include "sevproof/core/json_text.hpp"
#include "sevproof/core/text.hpp"
#include "sevproof/core/toml.hpp"

#include "sevproof/core/toml_guard.hpp"
#include "sevproof/validate/option_text.hpp"

namespace sevproof::validate {

namespace detail {

inline std::string where(const std::string& source, std::optional<std::size_t> line, std::string_view key) {
  return source + (line ? ":" + std::to_string(*line) : std::string()) + ": " + std::string(key);
}

// One value's text as apply_option takes it; throws option_error for a type the kind cannot take.
inline std::string toml_text(const toml::node& n, const option_spec& spec, const std::string& at) {
  if (auto b = n.as_boolean()) {
    if (spec.kind != value_kind::flag) throw option_error(at + ": a boolean is not a value for this key");
    return b->get() ? "true" : "false";
  }
  if (auto i = n.as_integer()) {
    if (spec.kind != value_kind::number)
      throw option_error(at + ": an integer is not a value for this key (use a string)");
    if (i->get() < 0) throw option_error(at + ": negative numbers are not accepted");
    return std::to_string(i->get());
  }
  if (auto s = n.as_string()) return s->get();
  throw option_error(at + ": expected a string" + (spec.kind == value_kind::number ? " or an integer" : "") +
                     (spec.kind == value_kind::flag ? " or a boolean" : ""));
}

inline std::string json_text(const nlohmann::json& n, const option_spec& spec, const std::string& at) {
  if (n.is_boolean()) {
    if (spec.kind != value_kind::flag) throw option_error(at + ": a boolean is not a value for this key");
    return n.get<bool>() ? "true" : "false";
  }
  if (n.is_number_unsigned()) {
    if (spec.kind != value_kind::number)
      throw option_error(at + ": a number is not a value for this key (use a string)");
    return std::to_string(n.get<std::uint64_t>());
  }
  if (n.is_number()) throw option_error(at + ": only non-negative integers are accepted");
  if (n.is_string()) return n.get<std::string>();
  throw option_error(at + ": expected a string" + (spec.kind == value_kind::number ? " or an integer" : "") +
                     (spec.kind == value_kind::flag ? " or a boolean" : ""));
}

// JSON carries no positions: the line of the first `"key"` in the text, good enough to point at.
inline std::optional<std::size_t> json_line(std::string_view text, std::string_view key) {
  const auto pos = text.find("\"" + std::string(key) + "\"");
  if (pos == std::string_view::npos) return std::nullopt;
  std::size_t line = 1;
  for (std::size_t i = 0; i < pos; ++i) line += text[i] == '\n';
  return line;
}

inline const option_spec& spec_for(std::string_view key, const std::string& at) {
  const auto* spec = find_option(key);
  if (!spec)
    throw option_error(
        at + ": unknown key (reference values are `sevproof verify` option names, e.g. measurement, min-tcb, vmpl)");
  return *spec;
}

}  // namespace detail

// Applies every key of a TOML table (a whole reference-values file, or a VM file's [expect]).
namespace detail {
// One key per option in a file: "allow-debug" and "allow_debug", or "min-tcb" and its alias
// "min-reported-tcb", are one option; given twice, which one won would depend on how keys sort.
class once_per_option {
 public:
  void check(const option_spec& spec, std::string_view key, const std::string& at) {
    for (const auto& [seen, first] : seen_)
      if (seen == &spec) throw option_error(at + ": names the same option as \"" + first + "\" (give it once)");
    seen_.emplace_back(&spec, std::string(key));
  }

 private:
  std::vector<std::pair<const option_spec*, std::string>> seen_;
};
}  // namespace detail

inline void apply_table(const toml::table& t, const std::string& source, options& o) {
  detail::once_per_option once;
  for (const auto& [key, node] : t) {
    const std::optional<std::size_t> line =
        node.source().begin.line ? std::optional<std::size_t>(node.source().begin.line) : std::nullopt;
    const std::string at = detail::where(source, line, key.str());
    const auto& spec = detail::spec_for(key.str(), at);
    once.check(spec, key.str(), at);
    if (const auto* arr = node.as_array()) {
      if (spec.kind != value_kind::hex_list) throw option_error(at + ": a list is only accepted for repeatable keys");
      if (arr->empty()) throw option_error(at + ": empty list (leave the key out to skip the check)");
      for (const auto& item : *arr) {
        try {
          spec.set(o, detail::toml_text(item, spec, at), at);
        } catch (const option_error& e) {
          throw option_error(std::string(e.what()).rfind(at, 0) == 0 ? e.what() : at + ": " + e.what());
        }
      }
      continue;
    }
    try {
      spec.set(o, detail::toml_text(node, spec, at), at);
    } catch (const option_error& e) {
      throw option_error(std::string(e.what()).rfind(at, 0) == 0 ? e.what() : at + ": " + e.what());
    }
  }
}

// Applies every key of a JSON object; `text` (the document) is used to point at lines.
inline void apply_json(const nlohmann::json& j, std::string_view text, const std::string& source, options& o) {
  if (!j.is_object()) throw option_error(source + ": expected a JSON object of reference values");
  detail::once_per_option once;
  for (const auto& [key, node] : j.items()) {
    const std::string at = detail::where(source, detail::json_line(text, key), key);
    const auto& spec = detail::spec_for(key, at);
    once.check(spec, key, at);
    if (node.is_array()) {
      if (spec.kind != value_kind::hex_list) throw option_error(at + ": a list is only accepted for repeatable keys");
      if (node.empty()) throw option_error(at + ": empty list (leave the key out to skip the check)");
      for (const auto& item : node) spec.set(o, detail::json_text(item, spec, at), at);
      continue;
    }
    spec.set(o, detail::json_text(node, spec, at), at);
  }
}

// A file that names no reference value is refused: an empty file (or /dev/null, or an unset variable's
// path) must not verify as if it were a policy that asks for nothing.
inline constexpr std::string_view no_values =
    "names no reference value (an empty file cannot stand for a policy: give at least one key, e.g. measurement)";

// A reference-values file, TOML or JSON (told apart by its first non-blank character).
inline options read_reference_values(std::string_view text, const std::string& source, options o = {}) {
  text = utf8::without_bom(text);
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '{') {
    auto parsed = json_text::parse(text);
    if (const auto* p = std::get_if<json_text::problem>(&parsed)) throw option_error(source + ": " + p->what);
    const auto& j = std::get<nlohmann::json>(parsed);
    if (j.is_object() && j.empty()) throw option_error(source + ": " + std::string(no_values));
    apply_json(j, text, source, o);
    return o;
  }
  if (const auto line = toml_non_ascii_line(text))  // core/toml.hpp: toml++ 3.3 is unsafe on such text
    throw option_error(source + ":" + std::to_string(*line) +
                       ": a non-ASCII character (reference-values files are ASCII, comments included)");
  if (auto p = toml_guard::check(text))  // toml++ 3.3.0 asserts on such headers (core/toml_guard.hpp)
    throw option_error(source + ":" + std::to_string(p->line) + ": not valid TOML (" + p->what + ")");
  try {
    const toml::table t = toml::parse(text, source);
    if (t.empty()) throw option_error(source + ": " + std::string(no_values));
    apply_table(t, source, o);
  } catch (const toml::parse_error& e) {
    throw option_error(source + ":" + std::to_string(e.source().begin.line) + ": not valid TOML (" +
                       std::string(e.description()) + ")");
  }
  return o;
}

// `over`'s reference values replace `base`'s, key by key (a repeatable key's list is replaced whole):
// a file under command-line flags, defaults under a batch line's own values.
inline options merged(const options& base, const options& over) {
  options out;
  for (const auto& spec : option_table) {
    auto texts = spec.get(over);
    if (texts.empty()) texts = spec.get(base);
    for (const auto& t : texts) spec.set(out, t, "--" + std::string(spec.name));
  }
  return out;
}

// The options as a JSON object (only what is set; lists for repeatable keys; flags as booleans).
inline nlohmann::ordered_json to_json(const options& o) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& spec : option_table) {
    const auto texts = spec.get(o);
    if (texts.empty()) continue;
    if (spec.kind == value_kind::hex_list)
      j[std::string(spec.name)] = texts;
    else if (spec.kind == value_kind::flag)
      j[std::string(spec.name)] = texts.front() == "true";
    else
      j[std::string(spec.name)] = texts.front();
  }
  return j;
}

// The options as TOML text that read_reference_values reads back to the same options.
inline std::string to_toml(const options& o) {
  toml::table t;
  for (const auto& spec : option_table) {
    const auto texts = spec.get(o);
    if (texts.empty()) continue;
    if (spec.kind == value_kind::hex_list) {
      toml::array a;
      for (const auto& s : texts) a.push_back(s);
      t.insert(spec.name, std::move(a));
    } else if (spec.kind == value_kind::flag) {
      t.insert(spec.name, texts.front() == "true");
    } else {
      t.insert(spec.name, texts.front());
    }
  }
  std::ostringstream os;
  os << t << "\n";
  return os.str();
}

}  // namespace sevproof::validate
