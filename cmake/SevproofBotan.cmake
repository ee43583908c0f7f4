# Botan 3.7.1, built by scripts/bootstrap as a minimized static amalgamation: one for the host
# compiler, one for Emscripten. The same version on both targets.
if(NOT Botan_DIR)
  if(EMSCRIPTEN)
    set(_botan_prefix "${SEVPROOF_TOOLCHAIN}/botan-wasm")
  else()
    set(_botan_prefix "${SEVPROOF_TOOLCHAIN}/botan-native")
  endif()
  set(Botan_DIR "${_botan_prefix}/lib/cmake/Botan-3.7.1" CACHE PATH "Botan 3 CMake package directory")
endif()
find_package(Botan 3.7 CONFIG COMPONENTS x509 ecdsa ecdh rsa emsa_pssr sha2_64 hmac aes ctr)
if(NOT Botan_FOUND)
  message(FATAL_ERROR "Botan 3.7 not found (looked in Botan_DIR=${Botan_DIR}). "
                      "Run scripts/bootstrap (or scripts/bootstrap native) first.")
endif()
