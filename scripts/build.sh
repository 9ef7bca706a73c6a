#!/usr/bin/env bash
# Configure and build asset-host, its plugins, tests and simulators into ./build.
# Extra arguments go to the CMake configure step (e.g. -DASSET_HOST_SANITIZE=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
