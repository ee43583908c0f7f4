#pragma once

namespace sevproof {
inline constexpr const char* version_string = "0.1.0";
}  // namespace sevproof
