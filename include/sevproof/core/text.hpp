// Text taken from hostile input (certificate names), made safe to print and to put in JSON: valid
// UTF-8 without control characters stays as it is; every other byte becomes "\xNN". Invalid UTF-8
// made nlohmann::json's dump() throw (the page's verify trapped on a VCEK whose CN was not UTF-8;
// found by replaying the x509 fuzz corpus through the bindings), and control characters would
// reach the terminal.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "sevproof/core/hex.hpp"

namespace sevproof::utf8 {

// The valid UTF-8 sequence at s[i]: its length (1-4) and code point, or length 0 if there is none (overlong
// forms, surrogates and code points above U+10FFFF are invalid).
struct sequence {
  std::size_t length = 0;
  char32_t code_point = 0;
};

inline sequence decode(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned c = b(i);
  std::size_t n = 0;
  char32_t cp = 0;
  if (c < 0x80) return {1, c};
  if (c >= 0xC2 && c <= 0xDF)
    n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, cp = c & 0x07;
  else
    return {};
  if (i + n > s.size()) return {};
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return {};
  return {n, cp};
}

inline std::size_t sequence_length(std::string_view s, std::size_t i) { return decode(s, i).length; }

// The text without a leading UTF-8 byte-order mark, which editors on some systems write first: a file read as
// text is the same file with it or without it (browsers' File.text() drops it too).
inline std::string_view without_bom(std::string_view s) {
  return s.size() >= 3 && s.substr(0, 3) == "\xEF\xBB\xBF" ? s.substr(3) : s;
}

inline std::string printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const std::size_t n = sequence_length(s, i);
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7F)) ||
        (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0)) {
      const byte raw[1] = {static_cast<byte>(c)};
      out += "\\x" + hex::encode(raw);
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace sevproof::utf8
