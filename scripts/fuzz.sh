#!/usr/bin/env bash
# Long fuzzing runs (tests/fuzz/README.md): scripts/fuzz.sh [SECONDS] [TARGET...]
# Builds the fuzz targets like scripts/fuzz-smoke.sh, then runs each TARGET (default: all) for
# SECONDS (default 600), one after the other, growing a scratch corpus in
# build-fuzz/fuzz-corpus/<target> from the checked-in seeds. Crashes land in
# build-fuzz/fuzz-findings/; the last libFuzzer stats line of each run is printed.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
shift || true
FUZZ_BUILD_DIR="${FUZZ_BUILD_DIR:-build-fuzz}"
scripts/setup-deps.sh --fuzz
CC=clang-14 CXX=clang++-14 cmake -S . -B "$FUZZ_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DASSET_HOST_FUZZ=ON -DASSET_HOST_BUILD_TESTS=OFF >/dev/null
cmake --build "$FUZZ_BUILD_DIR" -j "$(nproc)" --target asset_host_fuzzers
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
mkdir -p "$FUZZ_BUILD_DIR/fuzz-findings"
for t in "${targets[@]}"; do
  corpus="$FUZZ_BUILD_DIR/fuzz-corpus/$t"
  mkdir -p "$corpus"
  log="$FUZZ_BUILD_DIR/fuzz-findings/$t.log"
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s (log $log)"
  status=0
  "$FUZZ_BUILD_DIR/fuzz/${t}_fuzz" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$FUZZ_BUILD_DIR/fuzz-findings/$t-" "$corpus" "tests/fuzz/corpus/$t" \
    >"$log" 2>&1 || status=$?
  grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1 || true
  echo "fuzz: $t corpus $(find "$corpus" -type f | wc -l) files; exit $status"
  [ "$status" -eq 0 ] || exit "$status"
done
