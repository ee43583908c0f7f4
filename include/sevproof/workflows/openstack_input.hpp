// What `openstack flavor show -f json` and `openstack image show -f json` print, read with hostile input in
// mind, and the facts only the compute node knows (`--node machine_type=pc-q35-9.0,virt_type=kvm,...`).
//
// `properties` is a JSON object in current clients and a string `key='value', key2='value2'` in older ones;
// both are read into one map. Only the keys Nova's memory-encryption decision reads are kept, and their
// values must be strings (or JSON booleans for the two boolean keys): anything else is refused, naming
// the document and the key. Duplicate keys (in the JSON or in the string) are refused: two values for one
// key would let a reader and Nova see different things.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sevproof/core/error.hpp"
#include "sevproof/core/json_text.hpp"
#include "sevproof/core/text.hpp"

namespace sevproof::workflows::openstack {

// A flavor or image show is a few kilobytes; anything near this is not one.
inline constexpr std::size_t max_document_size = 1u << 20;
inline constexpr std::size_t max_json_depth = json_text::max_depth;  // the one JSON reader's

// The keys Nova reads for the decision, as they appear in each document.
inline constexpr std::array<std::string_view, 2> flavor_keys{"hw:mem_encryption", "hw:mem_encryption_model"};
inline constexpr std::array<std::string_view, 11> image_keys{
    "hw_mem_encryption", "hw_mem_encryption_model", "hw_firmware_type",
    "hw_machine_type",   "hw_firmware_stateless",   "kernel_id",
    "ramdisk_id",        "os_command_line",         "hw_disk_bus",
    "hw_cdrom_bus",      "root_device_name"};
inline constexpr std::array<std::string_view, 3> boolean_keys{"hw:mem_encryption", "hw_mem_encryption",
                                                              "hw_firmware_stateless"};

using property_map = std::map<std::string, std::string>;

struct flavor {
  std::string name;
  unsigned vcpus = 0;
  property_map specs;  // hw:... extra specs Nova reads (only those)
  bool properties_as_string = false;
};

struct image {
  std::string name, id;     // empty when the document has none
  std::string disk_format;  // "iso": Nova's root disk is a CD-ROM
  property_map props;       // hw_... properties and kernel_id/ramdisk_id/os_command_line (only those)
  bool properties_as_string = false;
};

// What the compute node knows: [libvirt] hw_machine_type, cpu_mode, cpu_models, virt_type.
struct node_facts {
  std::optional<std::string> machine_type, cpu_mode, cpu_model, virt_type;
};

namespace detail {

// Fields and messages quote what the user gave: made printable (valid UTF-8, no control bytes) here,
// for the terminal and for JSON (found by the openstack fuzz target).
inline error input_error(const std::string& doc, const std::string& field, const std::string& msg) {
  return error{doc, utf8::printable(field), std::nullopt, utf8::printable(msg)};
}

inline bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == ':' ||
         c == '.' || c == '-';
}

// Length of the key starting at `at` (0 when none).
inline std::size_t key_length(std::string_view s, std::size_t at) {
  std::size_t n = 0;
  while (at + n < s.size() && is_key_char(s[at + n])) ++n;
  return n;
}

// Is `key=` at `at` a property without a value? osc-lib prints a None value so (`key=, next='v'`).
inline bool none_value_at(std::string_view s, std::size_t at) {
  const auto k = key_length(s, at);
  if (k == 0 || s.substr(at + k, 1) != "=") return false;
  return at + k + 1 == s.size() || s.substr(at + k + 1, 2) == ", ";
}

// Does `s` at `at` continue with ", key='" (or ", key=" of a None value)? Then the quote before `at` closed a
// value.
inline bool next_property_starts(std::string_view s, std::size_t at) {
  if (s.substr(at, 2) != ", ") return false;
  const auto k = key_length(s, at + 2);
  return k > 0 && (s.substr(at + 2 + k, 2) == "='" || none_value_at(s, at + 2));
}

// Printable ASCII without spaces, quotes or backslashes: node facts and device names are such words.
inline bool plain_word(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char c) { return c > ' ' && c < 0x7F && c != '\'' && c != '"' && c != '\\'; });
}

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace detail

// The older clients' form: `key='value', key2='value2'` (keys sorted, values unescaped; a None value is a bare
// `key=`, read as absent). A value ends at the first quote followed by the end or by `, key='`, so values may
// themselves hold quotes and commas. Refuses a missing `='`, an unterminated value, an empty or odd key, text
// between properties, duplicate keys.
inline result<property_map> parse_properties_string(std::string_view text) {
  using detail::input_error;
  const std::string_view s = detail::trim(text);
  property_map out;
  std::set<std::string> seen;
  std::size_t at = 0;
  while (at < s.size()) {
    const auto where = " at character " + std::to_string(at + 1);
    const auto k = detail::key_length(s, at);
    if (k == 0) return input_error("properties", "", "expected a key (letters, digits, _ : . -)" + where);
    std::string key(s.substr(at, k));
    if (detail::none_value_at(s, at)) {  // None: absent, as JSON null is; still counted once
      if (!seen.insert(key).second) return input_error("properties", key, "given twice");
      at = at + k + 1 == s.size() ? s.size() : at + k + 3;
      continue;
    }
    if (s.substr(at + k, 2) != "='") return input_error("properties", key, "expected =' after the key" + where);
    const std::size_t value_start = at + k + 2;
    std::size_t end = value_start;
    for (;; ++end) {
      end = s.find('\'', end);
      if (end == std::string_view::npos) return input_error("properties", key, "value has no closing quote" + where);
      if (end + 1 == s.size() || detail::next_property_starts(s, end + 1)) break;
    }
    if (!seen.insert(key).second) return input_error("properties", key, "given twice");
    out.emplace(key, std::string(s.substr(value_start, end - value_start)));
    at = end + 1 == s.size() ? s.size() : end + 3;
  }
  return out;
}

namespace detail {

// Parses JSON refusing duplicate keys and nesting deeper than max_json_depth.
inline result<nlohmann::json> parse_json(std::string_view text, const std::string& doc) {
  if (text.size() > max_document_size)
    return input_error(doc, "", "larger than 1 MiB: not the output of `openstack " + doc + " show -f json`");
  auto parsed = json_text::parse(text, max_json_depth);
  if (const auto* p = std::get_if<json_text::problem>(&parsed)) {
    if (!p->key.empty()) return input_error(doc, p->key, "given twice in one JSON object");
    return input_error(doc, "",
                       p->what.rfind("nested", 0) == 0 ? "JSON " + p->what : p->what);  // the one reader's words
  }
  return std::get<nlohmann::json>(std::move(parsed));
}

// Which `openstack ... show` printed this object, by the keys only that command prints.
inline std::string guess_command(const nlohmann::json& j) {
  if (j.contains("addresses") || j.contains("OS-EXT-STS:vm_state") || j.contains("flavor"))
    return "`openstack server show`";
  if (j.contains("vcpus") && j.contains("ram")) return "`openstack flavor show`";
  if (j.contains("disk_format") || j.contains("container_format")) return "`openstack image show`";
  return "";
}

inline error wrong_command(const nlohmann::json& j, const std::string& doc, const std::string& missing) {
  auto guess = guess_command(j);
  return input_error(doc, "",
                     "not the output of `openstack " + doc + " show -f json` (no \"" + missing + "\")" +
                         (guess.empty() ? "" : "; it looks like " + guess));
}

// One property value: a string, a JSON boolean for boolean keys, null as absent; anything else refused.
inline result<std::optional<std::string>> property_value(const nlohmann::json& v, const std::string& doc,
                                                         std::string_view key) {
  if (v.is_null()) return std::optional<std::string>{};
  if (v.is_string()) return std::optional<std::string>{v.get<std::string>()};
  const bool boolean = std::find(boolean_keys.begin(), boolean_keys.end(), key) != boolean_keys.end();
  if (v.is_boolean() && boolean) return std::optional<std::string>{v.get<bool>() ? "true" : "false"};
  return input_error(
      doc, std::string(key),
      std::string("expected a string") + (boolean ? " or a boolean" : "") + ", found JSON " + v.type_name());
}

// The keys Nova reads from `properties` (object or string); `also_top` lets image keys such as kernel_id
// appear at the top level too (Glance's own fields).
template <std::size_t N>
inline result<property_map> read_properties(const nlohmann::json& j, const std::string& doc,
                                            const std::array<std::string_view, N>& keys, bool also_top,
                                            bool& as_string) {
  nlohmann::json props = nlohmann::json::object();
  as_string = false;
  if (j.contains("properties")) {
    const auto& p = j["properties"];
    if (p.is_string()) {
      auto parsed = parse_properties_string(p.get<std::string>());
      if (!parsed) return input_error(doc, "properties", "string does not parse: " + parsed.err().to_string());
      for (const auto& [k, v] : *parsed) props[k] = v;
      as_string = true;
    } else if (p.is_object()) {
      props = p;
    } else if (!p.is_null()) {
      return input_error(doc, "properties", std::string("expected an object or a string, found JSON ") + p.type_name());
    }
  }
  property_map out;
  for (auto key : keys) {
    const std::string k(key);
    auto inner = property_value(props.contains(k) ? props[k] : nlohmann::json(), doc, key);
    if (!inner) return inner.err();
    auto top = property_value(also_top && j.contains(k) ? j[k] : nlohmann::json(), doc, key);
    if (!top) return top.err();
    if (inner->has_value() && top->has_value() && **inner != **top)
      return input_error(doc, k, "given at the top level and in properties with different values");
    if (inner->has_value())
      out.emplace(k, **inner);
    else if (top->has_value())
      out.emplace(k, **top);
  }
  return out;
}

inline result<std::string> optional_string(const nlohmann::json& j, const std::string& doc, const char* key) {
  if (!j.contains(key) || j[key].is_null()) return std::string();
  if (!j[key].is_string())
    return input_error(doc, key, std::string("expected a string, found JSON ") + j[key].type_name());
  return j[key].get<std::string>();
}

inline result<nlohmann::json> show_object(std::string_view text, const std::string& doc) {
  auto j = parse_json(text, doc);
  if (!j) return j.err();
  if (j->is_array())
    return input_error(
        doc, "", "a JSON list, not one object: give `openstack " + doc + " show -f json`, not `" + doc + " list`");
  if (!j->is_object()) return input_error(doc, "", std::string("expected a JSON object, found JSON ") + j->type_name());
  return j;
}

}  // namespace detail

// `openstack flavor show -f json`: name, vcpus (1..4096) and the hw: extra specs in `properties`.
inline result<flavor> parse_flavor(std::string_view text) {
  using detail::input_error;
  const std::string doc = "flavor";
  auto j = detail::show_object(text, doc);
  if (!j) return j.err();
  if (!j->contains("vcpus")) return detail::wrong_command(*j, doc, "vcpus");
  const auto& v = (*j)["vcpus"];
  if (!v.is_number_integer())
    return input_error(doc, "vcpus", std::string("expected an integer, found JSON ") + v.type_name());
  const auto n = v.get<long long>();
  if (n < 1 || n > 4096) return input_error(doc, "vcpus", std::to_string(n) + ": a guest has 1 to 4096 vCPUs");
  flavor f;
  f.vcpus = static_cast<unsigned>(n);
  if (!j->contains("name")) return detail::wrong_command(*j, doc, "name");
  auto name = detail::optional_string(*j, doc, "name");
  if (!name) return name.err();
  f.name = *name;
  // Nova's API (and `openstack flavor show` of some clients) calls them extra_specs: read them as properties.
  if (j->contains("extra_specs")) {
    if (j->contains("properties") && !(*j)["properties"].is_null())
      return input_error(doc, "extra_specs", "given beside properties: which of them holds the extra specs?");
    (*j)["properties"] = (*j)["extra_specs"];
  }
  auto specs = detail::read_properties(*j, doc, flavor_keys, false, f.properties_as_string);
  if (!specs) return specs.err();
  f.specs = std::move(*specs);
  return f;
}

// `openstack image show -f json`: name, id and the properties Nova reads (in `properties` or at the top).
inline result<image> parse_image(std::string_view text) {
  const std::string doc = "image";
  auto j = detail::show_object(text, doc);
  if (!j) return j.err();
  if (!j->contains("disk_format") && !j->contains("container_format"))
    return detail::wrong_command(*j, doc, "disk_format");
  if (j->contains("vcpus")) return detail::wrong_command(*j, doc, "disk_format");
  image im;
  auto name = detail::optional_string(*j, doc, "name");
  if (!name) return name.err();
  auto id = detail::optional_string(*j, doc, "id");
  if (!id) return id.err();
  im.name = *name;
  im.id = *id;
  auto format = detail::optional_string(*j, doc, "disk_format");
  if (!format) return format.err();
  im.disk_format = *format;
  auto props = detail::read_properties(*j, doc, image_keys, true, im.properties_as_string);
  if (!props) return props.err();
  im.props = std::move(*props);
  return im;
}

// `machine_type=pc-q35-9.0,cpu_mode=custom,cpu_model=EPYC-Milan,virt_type=kvm` (any subset, each once),
// merged into `base` (so the option can be repeated). Unknown keys, empty values, odd modes are refused.
inline result<node_facts> parse_node_facts(std::string_view text, node_facts base = {}) {
  using detail::input_error;
  std::size_t at = 0;
  while (at <= text.size()) {
    auto comma = text.find(',', at);
    if (comma == std::string_view::npos) comma = text.size();
    const auto item = text.substr(at, comma - at);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos)
      return input_error("--node", std::string(item),
                         "expected KEY=VALUE (machine_type, cpu_mode, cpu_model, virt_type)");
    const std::string key(item.substr(0, eq)), value(item.substr(eq + 1));
    std::optional<std::string>* slot = key == "machine_type" ? &base.machine_type
                                       : key == "cpu_mode"   ? &base.cpu_mode
                                       : key == "cpu_model"  ? &base.cpu_model
                                       : key == "virt_type"  ? &base.virt_type
                                                             : nullptr;
    if (!slot) return input_error("--node", key, "unknown key; use machine_type, cpu_mode, cpu_model or virt_type");
    if (value.empty()) return input_error("--node", key, "empty value");
    if (!detail::plain_word(value))
      return input_error("--node", key, "expected printable ASCII without spaces or quotes");
    if (slot->has_value()) return input_error("--node", key, "given twice");
    static constexpr std::array<std::string_view, 5> modes{"host-model", "host-passthrough", "custom", "maximum",
                                                           "none"};
    if (key == "cpu_mode" && std::find(modes.begin(), modes.end(), value) == modes.end())
      return input_error("--node", key, value + ": use host-model, host-passthrough, custom, maximum or none");
    if (key == "virt_type" && value != "kvm" && value != "qemu")
      return input_error("--node", key, value + ": use kvm or qemu (SEV guests run under QEMU/KVM)");
    *slot = value;
    at = comma + 1;
  }
  return base;
}

}  // namespace sevproof::workflows::openstack
