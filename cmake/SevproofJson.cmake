# nlohmann/json (header-only, Debian's nlohmann-json3-dev) for the JSON renderers in
# include/sevproof/format/, and toml++ (header-only) for reference-value and VM files. Under Emscripten only its own folder is exposed: adding /usr/include
# itself would shadow the Emscripten sysroot.
function(sevproof_add_json target)
  if(EMSCRIPTEN)
    set(dir "${CMAKE_BINARY_DIR}/third_party_include")
    file(MAKE_DIRECTORY "${dir}")
    if(NOT EXISTS "/usr/include/nlohmann/json.hpp")
      message(FATAL_ERROR "nlohmann/json not found in /usr/include/nlohmann (Debian package nlohmann-json3-dev)")
    endif()
    file(CREATE_LINK /usr/include/nlohmann "${dir}/nlohmann" SYMBOLIC)
    if(EXISTS "/usr/include/toml++/toml.h")
      file(CREATE_LINK /usr/include/toml++ "${dir}/toml++" SYMBOLIC)
    endif()
    target_include_directories(${target} SYSTEM INTERFACE "$<BUILD_INTERFACE:${dir}>")
  else()
    find_package(nlohmann_json 3 REQUIRED)
    target_link_libraries(${target} INTERFACE nlohmann_json::nlohmann_json)
    # toml++ (Debian's libtomlplusplus-dev), used header-only: reference-value and VM files.
    if(NOT EXISTS "/usr/include/toml++/toml.h")
      message(FATAL_ERROR "toml++ not found in /usr/include/toml++ (Debian package libtomlplusplus-dev)")
    endif()
  endif()
endfunction()
