# install() rules of the product (the SDK's are in sdk/CMakeLists.txt, component "sdk"):
#   bin/asset-host                                  component runtime
#   libexec/asset-host/asset-host-worker            its worker process (isolation: process)
#   <libdir>/asset-host/plugins/okta_device.so      component runtime
#   share/asset-host/manifests/                     example manifests and their README
#   share/doc/asset-host/                           README, LICENSE, the host/plugin/manifest docs
#   lib/systemd/system/asset-host.service           the systemd unit, ExecStart at this prefix
# Every destination is relative to the prefix, so `cmake --install --prefix /opt/x` and a
# DESTDIR staging work; the installed binary finds its plugins and its worker relative to itself.

install(TARGETS asset-host RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT runtime)
get_filename_component(worker_dir "${ASSET_HOST_INSTALL_WORKER}" DIRECTORY)
install(TARGETS asset-host-worker RUNTIME DESTINATION "${worker_dir}" COMPONENT runtime)
install(TARGETS okta_device_plugin
  LIBRARY DESTINATION "${ASSET_HOST_INSTALL_PLUGINS_DIR}" COMPONENT runtime)

install(FILES manifests/okta-devices.yaml manifests/README.md
  DESTINATION "${CMAKE_INSTALL_DATADIR}/asset-host/manifests" COMPONENT runtime)
install(FILES README.md LICENSE DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT runtime)
install(FILES host/README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}" RENAME host.md
  COMPONENT runtime)
install(FILES manifests/README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}" RENAME manifests.md
  COMPONENT runtime)
install(FILES plugins/okta_device/README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}"
  RENAME okta_device.md COMPONENT runtime)

# The unit names the binary by its absolute path, known only when installing (the prefix given
# to `cmake --install --prefix`, or CPack's /usr): written by an install-time step.
set(ASSET_HOST_UNIT_TEMPLATE "${PROJECT_SOURCE_DIR}/deploy/systemd/asset-host.service.in")
install(CODE "
  set(ASSET_HOST_BINARY \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/asset-host\")
  set(unit \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system/asset-host.service\")
  message(STATUS \"Installing: \${unit}\")
  configure_file(\"${ASSET_HOST_UNIT_TEMPLATE}\" \"\${unit}\" @ONLY)
" COMPONENT runtime)
