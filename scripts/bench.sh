#!/usr/bin/env bash
# The benchmarks (tests/bench/README.md): the Okta page -> OCSF micro-benchmark, then full
# syncs okta-sim -> asset-host run --once -> sekoia-sim (scaling with N, and overlap of fetching
# with delivery). Prints Markdown tables on stdout, progress on stderr.
#
#   scripts/bench.sh [--quick | --smoke | --fleet | --million] [-- extra e2e_sync_bench or
#                    fleet_bench options]
#
# The default (about a quarter of an hour) starts with the headline: 100,000 devices with
# isolation process and thread side by side — CPU us/device overall and per pipeline stage (a
# perf profile: needs perf, linux-perf), peak RSS, wall with no added latency and with 50 ms on
# every Okta page and Sekoia POST against the pure Okta wait.
# --quick:   small sizes, one run each (a minute or two).
# --smoke:   only the bench-smoke ctest entries (a tiny run of each benchmark, no numbers).
# --fleet:   only fleet_bench: 1,000 Okta connectors x 200 devices on one host (run --once, then
#            the idle daemon): peak RSS, threads, worker processes (a few minutes).
# --million: only the scaling of memory: 1,000, 100,000 and 1,000,000 devices, both isolation
#            modes, one run each (okta-sim needs a few GiB for a million devices; ~10 minutes).
# Builds what it needs into ./build (or $BUILD_DIR), configured with -DASSET_HOST_BUILD_BENCH=ON
# (the test command leaves the benchmarks out), then just the benchmark targets. Use an
# optimised build (the default RelWithDebInfo or Release): Debug or sanitizer timings mean nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"

quick=0
smoke=0
fleet=0
million=0
e2e_extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --smoke) smoke=1 ;;
    --fleet) fleet=1 ;;
    --million) million=1 ;;
    --) shift; e2e_extra=("$@"); break ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
  echo "bench.sh: no build in $BUILD_DIR; configuring one with the benchmarks" >&2
  cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
    -DASSET_HOST_BUILD_BENCH=ON >/dev/null
elif ! grep -q '^ASSET_HOST_BUILD_BENCH:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
  echo "bench.sh: turning the benchmarks on in $BUILD_DIR (-DASSET_HOST_BUILD_BENCH=ON)" >&2
  cmake -S . -B "$BUILD_DIR" -DASSET_HOST_BUILD_BENCH=ON >/dev/null
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")
case "$build_type" in
  Release|RelWithDebInfo) ;;
  *) echo "bench.sh: warning: $BUILD_DIR is a '$build_type' build; timings will not be representative" >&2 ;;
esac
if grep -q '^ASSET_HOST_SANITIZE:BOOL=ON' "$BUILD_DIR/CMakeCache.txt"; then
  echo "bench.sh: $BUILD_DIR is a sanitizer build: the benchmarks are not built there" >&2
  exit 2
fi

# Bring the benchmark and what it runs up to date (a no-op when nothing changed).
targets=(asset-host okta_device_plugin okta-sim sekoia-sim e2e_sync_bench fleet_bench)
if cmake --build "$BUILD_DIR" --target help | grep -q '\bokta_page_bench\b'; then
  targets+=(okta_page_bench)  # only when Google Benchmark was found at configure time
fi
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${targets[@]}" >&2

if [ $smoke -eq 1 ]; then
  exec ctest --test-dir "$BUILD_DIR" -L bench-smoke --output-on-failure
fi

bin="$BUILD_DIR/bin"
if [ $fleet -eq 1 ]; then
  exec "$bin/fleet_bench" --connectors 1000 --devices 200 --idle-seconds 5 "${e2e_extra[@]}"
fi
if [ $million -eq 1 ]; then
  exec "$bin/e2e_sync_bench" --sizes 1000,100000,1000000 --repeat 1 --no-overlap \
    --isolation process,thread "${e2e_extra[@]}"
fi
if [ -x "$bin/okta_page_bench" ]; then
  if [ $quick -eq 1 ]; then
    "$bin/okta_page_bench" --devices 1000 --benchmark_repetitions=3 --benchmark_min_time=0.1
  else
    "$bin/okta_page_bench" --devices 2000 --benchmark_repetitions=7 --benchmark_min_time=0.5
  fi
else
  echo "bench.sh: okta_page_bench not built (Google Benchmark, libbenchmark-dev, missing): skipped" >&2
fi

echo
if [ $quick -eq 1 ]; then
  "$bin/e2e_sync_bench" --headline 10000 --sizes 1000,5000 --repeat 1 --overlap-devices 1000 \
    --in-flight 1,4 "${e2e_extra[@]}"
else
  "$bin/e2e_sync_bench" --headline 100000 --sizes 1000,10000,50000 --repeat 3 \
    --overlap-devices 5000 --in-flight 1,2,4 "${e2e_extra[@]}"
fi
