# toml++ (Debian's libtomlplusplus-dev) for the VM definition reader in include/sevproof/workflows/,
# used header-only (TOML_HEADER_ONLY=1, its default) natively and under Emscripten alike: Debian's
# CMake package would link its shared library instead. Under Emscripten only its own folder is
# exposed, as for nlohmann/json (adding /usr/include would shadow the Emscripten sysroot).
function(sevproof_add_toml target)
  find_path(SEVPROOF_TOML_INCLUDE toml++/toml.h PATHS /usr/include NO_CMAKE_FIND_ROOT_PATH)
  if(NOT SEVPROOF_TOML_INCLUDE)
    message(FATAL_ERROR "toml++ not found (Debian package libtomlplusplus-dev)")
  endif()
  if(EMSCRIPTEN)
    set(dir "${CMAKE_BINARY_DIR}/third_party_include")
    file(MAKE_DIRECTORY "${dir}")
    file(CREATE_LINK "${SEVPROOF_TOML_INCLUDE}/toml++" "${dir}/toml++" SYMBOLIC)
    target_include_directories(${target} SYSTEM INTERFACE "$<BUILD_INTERFACE:${dir}>")
  elseif(NOT SEVPROOF_TOML_INCLUDE STREQUAL "/usr/include")
    target_include_directories(${target} SYSTEM INTERFACE "$<BUILD_INTERFACE:${SEVPROOF_TOML_INCLUDE}>")
  endif()
  target_compile_definitions(${target} INTERFACE TOML_HEADER_ONLY=1)
endfunction()
