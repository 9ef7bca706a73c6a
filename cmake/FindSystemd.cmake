# Find libsystemd as Debian packages it (libsystemd-dev): a library plus a pkg-config file, no
# CMake config. Defines the imported target Systemd::libsystemd (sd_notify for `run`).
include(${CMAKE_CURRENT_LIST_DIR}/PkgConfigLibrary.cmake)
asset_host_find_pkg_config_library(Systemd MODULE libsystemd HEADER systemd/sd-daemon.h
  NAMES systemd TARGET Systemd::libsystemd)
