# Find libdeflate as Debian 12 packages it (libdeflate-dev 1.14): a library plus a pkg-config
# file, no CMake config (that came with 1.15). Defines the imported target Libdeflate::libdeflate.
include(${CMAKE_CURRENT_LIST_DIR}/PkgConfigLibrary.cmake)
asset_host_find_pkg_config_library(Libdeflate MODULE libdeflate HEADER libdeflate.h NAMES deflate
  TARGET Libdeflate::libdeflate)
