# The body of a Find module for a library that Debian ships with a pkg-config file and no CMake
# config (libsystemd, libdeflate 1.14): header and library found (pkg-config's directories as
# hints), version from pkg-config, the standard FOUND/REQUIRED handling, an imported target.
#   asset_host_find_pkg_config_library(<Package> MODULE <pc-name> HEADER <file> NAMES <lib>...
#                                      TARGET <Namespace::target>)
# A macro, not a function: <Package>_FOUND and the cache entries must reach the Find module's
# caller, as find_package() promises.
include(FindPackageHandleStandardArgs)

macro(asset_host_find_pkg_config_library package)
  cmake_parse_arguments(_ahpc "" "MODULE;HEADER;TARGET" "NAMES" ${ARGN})
  find_package(PkgConfig QUIET)
  if(PkgConfig_FOUND)
    pkg_check_modules(PC_${package} QUIET ${_ahpc_MODULE})
  endif()
  find_path(${package}_INCLUDE_DIR ${_ahpc_HEADER} HINTS ${PC_${package}_INCLUDE_DIRS})
  find_library(${package}_LIBRARY NAMES ${_ahpc_NAMES} HINTS ${PC_${package}_LIBRARY_DIRS})
  set(${package}_VERSION "${PC_${package}_VERSION}")
  find_package_handle_standard_args(${package}
    REQUIRED_VARS ${package}_LIBRARY ${package}_INCLUDE_DIR
    VERSION_VAR ${package}_VERSION)
  if(${package}_FOUND AND NOT TARGET ${_ahpc_TARGET})
    add_library(${_ahpc_TARGET} UNKNOWN IMPORTED)
    set_target_properties(${_ahpc_TARGET} PROPERTIES
      IMPORTED_LOCATION "${${package}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${${package}_INCLUDE_DIR}")
  endif()
  mark_as_advanced(${package}_INCLUDE_DIR ${package}_LIBRARY)
endmacro()
