#!/usr/bin/env bash
# Build asset-host in every build type with GCC 12 and Clang 14, warnings as errors, and report
# (issue 13: "Release, Debug, RelWithDebInfo and MinSizeRel build with GCC 12 and Clang 14").
# Each cell is a build directory of its own, build-matrix/<compiler>-<type>, configured with
# CMake's own flags for that type (not scripts/build.sh's line tables: this is what a user gets).
#   scripts/build-matrix.sh [--tests] [--compilers "gcc clang"] [--types "Release Debug ..."]
#     --tests  also build the tests and simulators and run ctest in each cell (much longer);
#              without it, the product alone (sdk, host, plugins: -DASSET_HOST_BUILD_TESTS=OFF).
# Prints one line per cell: result, warnings seen, wall and CPU (user+sys) seconds of the build
# and of ctest; exits 1 if any cell failed (a warning fails it too). Logs: build-matrix/<cell>.log
# (configure, build) and <cell>.ctest.log. Set JOBS (default nproc) to share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
compilers="gcc clang"
types="Release Debug RelWithDebInfo MinSizeRel"
tests=OFF
while [ $# -gt 0 ]; do
  case $1 in
    --tests) tests=ON ;;
    --compilers) compilers=$2; shift ;;
    --types) types=$2; shift ;;
    *) echo "usage: $0 [--tests] [--compilers LIST] [--types LIST]" >&2; exit 2 ;;
  esac
  shift
done
jobs=${JOBS:-$(nproc)}
root=build-matrix
mkdir -p "$root"

# cpu= the CPU seconds (user+sys) of the children this shell waited for: bash's `times` reports
# them cumulatively, so the difference around a command. `times` must run in this shell (into a
# file, not a pipe or $(...): a subshell would report its own children, none).
children_cpu() {
  times >"$root/.times"
  cpu=$(tail -1 "$root/.times" | awk '{ split($1, u, "m"); split($2, s, "m");
    printf "%.1f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
}

failed=0
summary="compiler type tests result warnings build_wall_s build_cpu_s ctest_wall_s"
for compiler in $compilers; do
  case $compiler in
    gcc) cc=gcc-12 cxx=g++-12 ;;
    clang) cc=clang-14 cxx=clang++-14 ;;
    *) echo "unknown compiler $compiler (gcc or clang)" >&2; exit 2 ;;
  esac
  for type in $types; do
    cell="$compiler-$type"
    dir="$root/$cell" log="$root/$cell.log"
    echo "== $cell (tests $tests)"
    children_cpu
    cpu0=$cpu start=$SECONDS result=ok ctest_wall=-
    if ! CC=$cc CXX=$cxx cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE="$type" \
        -DASSET_HOST_WERROR=ON -DASSET_HOST_BUILD_TESTS=$tests >"$log" 2>&1 ||
       ! cmake --build "$dir" -j "$jobs" >>"$log" 2>&1; then
      result=build-failed
    fi
    build_wall=$((SECONDS - start))
    children_cpu
    build_cpu=$(awk -v a="$cpu0" -v b="$cpu" 'BEGIN { printf "%.0f", b - a }')
    if [ $result = ok ] && [ $tests = ON ]; then
      start=$SECONDS
      ctest --test-dir "$dir" -j "$jobs" --timeout 600 --output-on-failure \
        >"$root/$cell.ctest.log" 2>&1 || result=tests-failed
      ctest_wall=$((SECONDS - start))
    fi
    # Warnings-clean means no warning printed at all: GCC 12's -Wrestrict and
    # -Wstringop-overflow are not errors at -O3/-Os (cmake/AssetHostBuild.cmake), so count them.
    warnings=$(grep -c 'warning:' "$log" || true)
    [ "$warnings" = 0 ] || [ $result != ok ] || result=warnings
    [ $result = ok ] || { failed=1; grep -m 5 -A 3 'warning:\|error' "$log" || tail -20 "$log"; }
    line="$compiler $type $tests $result $warnings $build_wall $build_cpu $ctest_wall"
    echo "$line"
    summary+=$'\n'"$line"
  done
done
echo
column -t <<<"$summary"
exit $failed
