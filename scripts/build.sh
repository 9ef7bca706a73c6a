#!/usr/bin/env bash
# Configure and build asset-host, its plugins, tests and simulators into ./build.
# Extra arguments go to the CMake configure step (e.g. -DASSET_HOST_SANITIZE=ON).
# RelWithDebInfo here is -O2 with line tables only (-g1) instead of CMake's full -g: stack traces
# and sanitizer reports keep file:line, and the build takes much less time (tests/README.md,
# "Build time"). Asserts are as in CMake's RelWithDebInfo (-DNDEBUG). Set BUILD_TYPE (e.g.
# Debug) or pass your own -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=... for anything else.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
line_tables="-O2 -g1 -DNDEBUG"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="$line_tables" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$line_tables" \
  "$@" >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)"
