// UTC times as Unix seconds: formatting as RFC 3339 and strict parsing of what users type for
// --now ("2023-10-01", "2023-10-01T12:00:00Z", or Unix seconds "@1696118400").
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sevproof::utc {

// Days since 1970-01-01 for a proleptic Gregorian date (era-based, valid for all int years).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}
static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);

inline std::string format(std::int64_t t) {
  std::int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
  std::int64_t secs = t - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(secs / 3600), static_cast<long long>(secs / 60 % 60),
                static_cast<long long>(secs % 60));
  return buf;
}

inline std::int64_t now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

constexpr bool leap_year(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

constexpr unsigned days_in_month(std::int64_t y, unsigned m) {
  constexpr unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap_year(y) ? 29 : days[m - 1];
}

// What a time text means, or why not. Accepted: @UNIXSECONDS; YYYY-MM-DD (midnight UTC);
// YYYY-MM-DDTHH:MM:SS with optional fractional seconds (dropped) and a zone that must be given:
// Z or +HH:MM / -HH:MM (RFC 3339; 'T' may be a space or lowercase). Impossible dates (2026-02-30)
// and times without a zone (local time is ambiguous) are refused.
struct parsed_time {
  std::optional<std::int64_t> seconds;
  std::string problem;
};

inline parsed_time parse_explained(std::string_view s) {
  auto fail = [](std::string why) { return parsed_time{std::nullopt, std::move(why)}; };
  if (s.empty()) return fail("empty value");
  if (s[0] == '@') {
    if (s.size() == 1 || s.size() > 13) return fail("@ must be followed by 1-12 digits of Unix seconds");
    std::int64_t v = 0;
    for (char c : s.substr(1)) {
      if (c < '0' || c > '9') return fail("@ must be followed by digits of Unix seconds");
      v = v * 10 + (c - '0');
    }
    return {v, {}};
  }
  auto num = [&](std::size_t pos, std::size_t len) -> std::optional<unsigned> {
    if (pos + len > s.size()) return std::nullopt;
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  const char* form = "expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ (or +HH:MM), or @UNIXSECONDS";
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2);
  if (!y || !mo || !d || s.size() < 10 || s[4] != '-' || s[7] != '-') return fail(form);
  if (*mo < 1 || *mo > 12) return fail("month " + std::to_string(*mo) + " does not exist");
  if (*d < 1 || *d > days_in_month(*y, *mo))
    return fail(std::string(s.substr(0, 10)) + " does not exist (that month has " +
                std::to_string(days_in_month(*y, *mo)) + " days)");
  std::int64_t t = days_from_civil(*y, *mo, *d) * 86400;
  if (s.size() == 10) return {t, {}};
  if (s.size() < 19 || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
    return fail(form);
  auto h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!h || !mi || !se || *h > 23 || *mi > 59 || *se > 59)
    return fail("the time of day is not HH:MM:SS within 00:00:00-23:59:59");
  t += *h * 3600 + *mi * 60 + *se;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    const std::size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    if (pos == start) return fail("a '.' must be followed by digits of fractional seconds");
  }
  const std::string_view zone = s.substr(pos);
  if (zone == "Z" || zone == "z") return {t, {}};
  if (zone.empty()) return fail("no time zone: add Z for UTC or an offset such as +02:00 (local time is ambiguous)");
  auto zh = num(pos + 1, 2), zm = num(pos + 4, 2);
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !zh || !zm || *zh > 23 || *zm > 59)
    return fail("time zone '" + std::string(zone) + "': use Z or +HH:MM / -HH:MM");
  const std::int64_t offset = *zh * 3600 + *zm * 60;
  return {zone[0] == '+' ? t - offset : t + offset, {}};
}

inline std::optional<std::int64_t> parse(std::string_view s) { return parse_explained(s).seconds; }

}  // namespace sevproof::utc
