#!/usr/bin/env bash
# Install the Debian 12 packages asset-host builds and tests with (--fuzz: and fuzzes with).
# Idempotent: silent and quick when everything is present; otherwise one apt-get install of
# what is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake make pkg-config
  # dependencies (find_package'd by CMakeLists.txt)
  libcurl4-openssl-dev libssl-dev libsimdjson-dev libyaml-cpp-dev libboost-dev
  nlohmann-json3-dev libvalijson-dev libcli11-dev libspdlog-dev libfmt-dev libdeflate-dev
  # run --listen: HTTP endpoint, Prometheus metrics; systemd notify (READY, WATCHDOG, ...)
  libcpp-httplib-dev prometheus-cpp-dev libsystemd-dev
  # tests: doctest, TLS test certificates (the simulators use cpp-httplib too)
  doctest-dev openssl
  # benchmarks (tests/bench): Google Benchmark for the micro-benchmark
  libbenchmark-dev
  # demo: print what the simulated Sekoia received
  curl
  # packaging (scripts/package.sh, the package test): CPack's Depends (file, dpkg-shlibdeps),
  # systemd-analyze to check the unit (installs without running systemd), strace to check the
  # daemon's system calls against the unit's filter
  file dpkg-dev systemd strace
)

# --fuzz: also the fuzz build's toolchain (scripts/fuzz-smoke.sh, tests/fuzz/README.md):
# clang 14 with libFuzzer and the sanitizer runtimes.
if [ "${1:-}" = "--fuzz" ]; then
  PACKAGES+=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup-deps: missing packages: ${missing[*]}; run as root or install sudo" >&2
    exit 1
  fi
fi
echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
