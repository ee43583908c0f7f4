// Parse errors that name what was wrong and where, and a small result<T> (C++20 has no std::expected).
//
// Every refusal of hostile input says which structure, which field, at which offset, and what was
// expected, e.g. "report: VERSION at 0x000 is 7; supported: 2, 3, 5".
#pragma once

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace sevproof {

struct error {
  std::string structure;              // "report", "certificate", "cert-table", ...
  std::string field;                  // "VERSION", "hwID extension", ... (may be empty)
  std::optional<std::size_t> offset;  // byte offset inside the structure, when one applies
  std::string message;                // what was found and what was expected

  [[nodiscard]] std::string to_string() const {
    std::string s = structure;
    if (!field.empty() || offset) s += ":";
    if (!field.empty()) s += " " + field;
    if (offset) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " at 0x%03zx", *offset);
      s += buf;
    }
    if (!message.empty()) s += (field.empty() && !offset) ? ": " + message : " " + message;
    return s;
  }
};

// Holds either a value or an error. Accessing the wrong side is a programming error and throws.
template <class T>
class [[nodiscard]] result {
 public:
  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  result(error e) : v_(std::in_place_index<1>, std::move(e)) {}

  [[nodiscard]] bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  [[nodiscard]] const error& err() const& { return std::get<1>(v_); }

 private:
  std::variant<T, error> v_;
};

}  // namespace sevproof
