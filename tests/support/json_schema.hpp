// A minimal JSON Schema checker for the keywords our schemas use (type, enum, const, pattern,
// minimum, properties, required, additionalProperties: false, items). Returns the first problem.
#pragma once

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

namespace schema_check {

inline bool type_matches(const nlohmann::json& v, const std::string& t) {
  if (t == "object") return v.is_object();
  if (t == "array") return v.is_array();
  if (t == "string") return v.is_string();
  if (t == "integer") return v.is_number_integer();
  if (t == "number") return v.is_number();
  if (t == "boolean") return v.is_boolean();
  if (t == "null") return v.is_null();
  return false;
}

inline std::string check(const nlohmann::json& v, const nlohmann::json& s, const std::string& at = "$") {
  if (s.contains("type")) {
    bool ok = false;
    if (s["type"].is_array()) {
      for (const auto& t : s["type"]) ok |= type_matches(v, t.get<std::string>());
    } else {
      ok = type_matches(v, s["type"].get<std::string>());
    }
    if (!ok) return at + ": type is not " + s["type"].dump();
  }
  if (s.contains("enum")) {
    bool ok = false;
    for (const auto& e : s["enum"]) ok |= (e == v);
    if (!ok) return at + ": " + v.dump() + " not in " + s["enum"].dump();
  }
  if (s.contains("const") && s["const"] != v) return at + ": is not " + s["const"].dump();
  if (s.contains("pattern") && v.is_string() &&
      !std::regex_search(v.get<std::string>(), std::regex(s["pattern"].get<std::string>())))
    return at + ": '" + v.get<std::string>() + "' does not match " + s["pattern"].get<std::string>();
  if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>())
    return at + ": below minimum";
  if (v.is_object()) {
    if (s.contains("required"))
      for (const auto& r : s["required"])
        if (!v.contains(r.get<std::string>())) return at + ": missing required key " + r.get<std::string>();
    for (const auto& [k, sub] : v.items()) {
      if (s.contains("properties") && s["properties"].contains(k)) {
        auto p = check(sub, s["properties"][k], at + "." + k);
        if (!p.empty()) return p;
      } else if (s.contains("additionalProperties") && s["additionalProperties"] == false) {
        return at + ": key '" + k + "' is not in the schema";
      }
    }
  }
  if (v.is_array() && s.contains("items"))
    for (std::size_t i = 0; i < v.size(); ++i) {
      auto p = check(v[i], s["items"], at + "[" + std::to_string(i) + "]");
      if (!p.empty()) return p;
    }
  return {};
}

}  // namespace schema_check
