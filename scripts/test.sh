#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test (unit + integration),
# then the 20-second fuzz smoke of every parser (a separate clang build in build-fuzz; set
# ASSET_HOST_FUZZ_SMOKE=0 to leave it out, e.g. for a second, sanitizer build of the suite).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh -DASSET_HOST_WERROR=ON "$@"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" --timeout 600
if [ "${ASSET_HOST_FUZZ_SMOKE:-1}" != 0 ]; then
  scripts/fuzz-smoke.sh
fi
