# Warnings for the project's own targets (not for Botan or Catch2).
add_library(sevproof_warnings INTERFACE)
target_compile_options(sevproof_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # g++ 12 warns inside libstdc++ <variant>/<optional> with -O2 (known false positives).
  target_compile_options(sevproof_warnings INTERFACE -Wno-maybe-uninitialized)
endif()
