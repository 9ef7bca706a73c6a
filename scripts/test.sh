#!/usr/bin/env bash
# The README's test command (and CI's, .ci/run): install what is missing, build, run every test
# (unit + integration), then the 20-second fuzz smoke of every parser (a separate clang build in
# build-fuzz; set ASSET_HOST_FUZZ_SMOKE=0 to leave it out, e.g. for a second, sanitizer build of
# the suite).
# The build (scripts/build.sh) is Release, what users and the Debian package get (-O3: the
# optimisation level where GCC 12 once raised a false -Wrestrict), with warnings as errors and
# line tables. BUILD_TYPE chooses another configuration (scripts/build-matrix.sh builds all).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh -DASSET_HOST_WERROR=ON "$@"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" --timeout 600
if [ "${ASSET_HOST_FUZZ_SMOKE:-1}" != 0 ]; then
  scripts/fuzz-smoke.sh
fi
