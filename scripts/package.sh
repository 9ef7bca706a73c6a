#!/usr/bin/env bash
# Build the Debian package build/asset-host_<version>_amd64.deb: a Release build without tests in
# build/package (BUILD_DIR to change it), packaged by CPack (cmake/AssetHostPackage.cmake).
#   scripts/package.sh [CMAKE_ARGS...]
# Install it with: sudo apt install ./build/asset-host_<version>_amd64.deb
set -euo pipefail
cd "$(dirname "$0")/.."
export BUILD_DIR="${BUILD_DIR:-build/package}"
scripts/setup-deps.sh
# CMake's own Release flags: the package carries no line tables (build.sh adds them otherwise).
BUILD_TYPE=Release scripts/build.sh -DASSET_HOST_BUILD_TESTS=OFF \
  -DCMAKE_C_FLAGS_RELEASE="-O3 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELEASE="-O3 -DNDEBUG" "$@"
cpack --config "$BUILD_DIR/CPackConfig.cmake" -G DEB -B build >/dev/null
ls -1 build/asset-host_*_*.deb
