# The Debian package (scripts/package.sh, or `cpack -G DEB` in a build directory):
# build/asset-host_<version>_amd64.deb with everything `cmake --install` installs (the daemon,
# the Okta plugin, examples, docs, the systemd unit, and the SDK for plugins built elsewhere),
# installed under /usr. Depends is computed from the shared libraries the binary and the plugins
# link (dpkg-shlibdeps).

set(CPACK_PACKAGE_NAME "asset-host")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "asset-host")
set(CPACK_PACKAGE_CONTACT "asset-host maintainers <root@localhost>" CACHE STRING
  "The Debian package's Maintainer field")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Host for security asset connectors (plugins), with the Okta Device connector")
set(CPACK_PACKAGE_DESCRIPTION
  "asset-host loads asset connectors as shared-library plugins through a stable C ABI, runs\n"
  "them on a schedule and delivers their OCSF records to Sekoia.io. Includes the Okta Device\n"
  "connector, a hardened systemd unit, and the SDK (headers, static library, CMake package\n"
  "AssetHostSDK) to build plugins outside this package.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Install into a staging DESTDIR with CMAKE_INSTALL_PREFIX=/usr, so the install-time step that
# writes the systemd unit sees the real prefix (cmake/AssetHostInstall.cmake).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX "/usr")  # with CPACK_SET_DESTDIR, the prefix CPack installs to
set(CPACK_GENERATOR "DEB")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # asset-host_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_STRIP_FILES ON)
include(CPack)
