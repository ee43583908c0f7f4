// What both WebAssembly modules read from JavaScript and answer to it: bytes of a typed array, the
// optional members of a request object, and an input error as JSON ({error: {input, message}}).
// Shared by bindings.cpp (the verifier module) and measure_bindings.cpp (the measurement module).
#pragma once

#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sevproof/core/bytes.hpp"

namespace sevproof::wasm {

using emscripten::val;

inline bytes to_bytes(const val& typed_array) { return emscripten::convertJSArrayToNumberVector<byte>(typed_array); }

// A member that is there and neither null nor undefined.
inline bool present(const val& obj, const char* key) {
  return obj.hasOwnProperty(key) && !obj[key].isNull() && !obj[key].isUndefined();
}

inline std::string text_of(const val& obj, const char* key, const char* fallback = "") {
  return present(obj, key) ? obj[key].as<std::string>() : std::string(fallback);
}

// The answer when an input cannot be used: which input (the page marks that field) and why.
inline std::string input_error(const std::string& input, const std::string& message) {
  return nlohmann::ordered_json{{"error", {{"input", input}, {"message", message}}}}.dump();
}

}  // namespace sevproof::wasm
