#!/usr/bin/env bash
# The fuzz smoke (tests/fuzz/README.md): installs clang and libFuzzer if missing, configures a
# clang build with -DASSET_HOST_FUZZ=ON in ./build-fuzz, builds only the fuzz targets (and what
# they link), and runs every target for ASSET_HOST_FUZZ_SMOKE_SECONDS (default 20) over its
# checked-in corpus through ctest (label fuzz-smoke). scripts/test.sh runs it after the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh --fuzz
FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$FUZZ_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DASSET_HOST_FUZZ=ON -DASSET_HOST_BUILD_TESTS=OFF \
  -DASSET_HOST_FUZZ_SMOKE_SECONDS="${ASSET_HOST_FUZZ_SMOKE_SECONDS:-20}" >/dev/null
cmake --build "$FUZZ_BUILD_DIR" -j "$(nproc)" --target asset_host_fuzzers
ctest --test-dir "$FUZZ_BUILD_DIR" -L fuzz-smoke --output-on-failure -j "$(nproc)"
