# Install rules and the CMake package (issue 7, "Library"): after
# `cmake --install <build> --prefix <p>`, a project with <p> in
# CMAKE_PREFIX_PATH does
#
#   find_package(frsim REQUIRED)
#   target_link_libraries(my_tests PRIVATE frsim::frsim)
#
# and includes headers as frsim's own sources do ("sim/world.hpp", ...).
# Every library is exported under the name of its alias (frsim::core,
# frsim::sim, ...); frsim::frsim links them all. The rules live here rather
# than in each library's CMakeLists.txt so that the libraries' build files
# stay about building.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(frsim_install_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/frsim)
set(frsim_install_includedir ${CMAKE_INSTALL_INCLUDEDIR}/frsim)

# Headers keep their folders: <prefix>/include/frsim/core/value.hpp, ...
target_include_directories(frsim_options INTERFACE $<INSTALL_INTERFACE:${frsim_install_includedir}>)
set_target_properties(frsim_options PROPERTIES EXPORT_NAME options)

foreach(folder core sim checker scenarios reports)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${folder}/ DESTINATION ${frsim_install_includedir}/${folder}
    FILES_MATCHING PATTERN "*.hpp" PATTERN "*.inc")
endforeach()
# The command line's one public header (frsim::cli::run); the rest is CLI11 glue.
install(FILES ${PROJECT_SOURCE_DIR}/cli/cli.hpp DESTINATION ${frsim_install_includedir}/cli)

# pbt (checker/pbt/, the RapidCheck generators of programs) brings RapidCheck.
set(frsim_installed_libraries)
foreach(library core sim checker pbt scenarios reports cli)
  if(TARGET frsim_${library})
    set_target_properties(frsim_${library} PROPERTIES EXPORT_NAME ${library})
    list(APPEND frsim_installed_libraries frsim_${library})
  endif()
endforeach()
if(TARGET frsim_pbt)
  set(FRSIM_PACKAGE_NEEDS_RAPIDCHECK ON)
else()
  set(FRSIM_PACKAGE_NEEDS_RAPIDCHECK OFF)
endif()

# The umbrella: everything a user's scenario, campaign and test needs.
add_library(frsim_package INTERFACE)
target_link_libraries(frsim_package INTERFACE ${frsim_installed_libraries})
set_target_properties(frsim_package PROPERTIES EXPORT_NAME frsim)
add_library(frsim::frsim ALIAS frsim_package)

install(TARGETS frsim_options frsim_package ${frsim_installed_libraries}
  EXPORT frsimTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
if(TARGET frsim)
  install(TARGETS frsim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT frsimTargets NAMESPACE frsim:: DESTINATION ${frsim_install_cmakedir})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/frsimConfig.cmake.in
  ${PROJECT_BINARY_DIR}/frsimConfig.cmake
  INSTALL_DESTINATION ${frsim_install_cmakedir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/frsimConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/frsimConfig.cmake ${PROJECT_BINARY_DIR}/frsimConfigVersion.cmake
  DESTINATION ${frsim_install_cmakedir})
