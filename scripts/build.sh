#!/usr/bin/env bash
# Configure and build asset-host, its plugins, tests and simulators into ./build.
# Extra arguments go to the CMake configure step (e.g. -DASSET_HOST_SANITIZE=ON).
# Release by default, as scripts/test.sh (CI) and scripts/demo.sh use it, so running one after
# the other reuses the build instead of recompiling it for another configuration. Release and
# RelWithDebInfo get line tables only (-g1) instead of CMake's none or full -g: stack traces and
# sanitizer reports keep file:line, and -g1 changes no code and no warning (tests/README.md,
# "Build time"). Set BUILD_TYPE (e.g. Debug) or pass your own -DCMAKE_CXX_FLAGS_<TYPE>=...
# (scripts/package.sh does, for the package's plain Release) for anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
release="-O3 -DNDEBUG -g1"
relwithdebinfo="-O2 -g1 -DNDEBUG"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" \
  -DCMAKE_C_FLAGS_RELEASE="$release" -DCMAKE_CXX_FLAGS_RELEASE="$release" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="$relwithdebinfo" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$relwithdebinfo" \
  "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
