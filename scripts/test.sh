#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test (unit +
# integration), then the fuzz smoke (scripts/fuzz-smoke.sh: a clang build in build-fuzz, 20 s
# per fuzz target; ASSET_HOST_FUZZ_SMOKE=0 leaves it out of a local run).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh "$@"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)" --timeout 600
if [ "${ASSET_HOST_FUZZ_SMOKE:-1}" != "0" ]; then
  scripts/fuzz-smoke.sh
fi
