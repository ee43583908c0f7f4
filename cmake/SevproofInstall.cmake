# `find_package(sevproof)` gives one target: sevproof::sevproof (header-only, brings Botan along).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)
install(TARGETS sevproof EXPORT sevproofTargets)
install(DIRECTORY include/sevproof DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES "${CMAKE_BINARY_DIR}/generated/sevproof/embedded_amd_chain.hpp" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sevproof)
install(EXPORT sevproofTargets NAMESPACE sevproof:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sevproof)
configure_package_config_file(cmake/sevproofConfig.cmake.in
  "${PROJECT_BINARY_DIR}/sevproofConfig.cmake"
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sevproof)
write_basic_package_version_file("${PROJECT_BINARY_DIR}/sevproofConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)
install(FILES "${PROJECT_BINARY_DIR}/sevproofConfig.cmake" "${PROJECT_BINARY_DIR}/sevproofConfigVersion.cmake"
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sevproof)
