#!/usr/bin/env bash
# The installed product, as a user gets it (ctest entry `package`, labels package;integration):
#  1. `cmake --install` of this build into a staging prefix: the expected tree;
#  2. the installed binary: --version is the project's version, `plugins` with no flags lists
#     okta_device (found relative to the binary), the simulator demo runs through it;
#  3. the out-of-tree plugin built by the sdk_package test (find_package(AssetHostSDK)) loads;
#  4. the installed systemd unit: `systemd-analyze verify`, and `security --offline=true` <= 3.0;
#     every system call the demo's asset-host processes made (strace -f) passes the unit's
#     SystemCallFilter, and every /proc file they opened or executed is in ProcSubset=pid;
#  5. `cpack -G DEB`: the package's files, its unit's ExecStart, and Depends from shlibdeps.
#  6. the deploy files name this version (the Kubernetes image tag).
# Usage: package_test.sh BUILD_DIR SOURCE_DIR WORK_DIR LIBDIR VERSION SDK_PLUGINS_DIR SANITIZED
# SANITIZED (1 in an ASSET_HOST_SANITIZE build): the demo does not run under strace there, as
# LeakSanitizer's check at exit stops threads with ptrace, which fails in a traced process; the
# system calls are then not checked (and an instrumented binary's are not the product's anyway).
set -euo pipefail
build=$1 source=$2 work=$3 libdir=$4 version=$5 sdk_plugins=$6 sanitized=${7:-0}
prefix="$work/prefix"
rm -rf "$work" && mkdir -p "$work"
unset ASSET_HOST_PLUGINS_DIR ASSET_HOST_MANIFESTS_DIR ASSET_HOST_STATE_DIR ASSET_HOST_LOG_LEVEL \
      ASSET_HOST_LOG_FORMAT

fail() { echo "package_test: $*" >&2; exit 1; }
expect_in() {  # TEXT WHAT NEEDLE...
  local text=$1 what=$2; shift 2
  for needle in "$@"; do
    grep -qF -- "$needle" <<<"$text" || fail "$what: expected '$needle' in:"$'\n'"$text"
  done
}

# The system calls a systemd filter entry names: a call, or a group (@name, nested) expanded.
filter_calls() {
  case $1 in
    @*) systemd-analyze syscall-filter "$1" | tail -n +2 | grep -v '^ *#' | sed 's/^ *//' |
          while read -r entry; do [ -n "$entry" ] && filter_calls "$entry"; done ;;
    *) echo "$1" ;;
  esac
}

# The demo's system calls (step 2, strace -f) against the unit's SystemCallFilter= lines (allowed
# entries, then ~denied ones), and its /proc files against ProcSubset=pid.
check_traced_calls() {
  local unit=$1 allowed="" denied="" line entry
  if [ "$sanitized" = 1 ]; then
    echo "SKIPPED: sanitizer build, not traced: system calls not checked"
    return
  fi
  if ! ls "$traces"/trace.* >/dev/null 2>&1; then
    echo "SKIPPED: strace cannot trace here (ptrace denied): system calls not checked"
    return
  fi
  while read -r line; do
    line=${line#SystemCallFilter=}
    if [ "${line#\~}" != "$line" ]; then
      for entry in ${line#\~}; do denied+=$(filter_calls "$entry")$'\n'; done
    else
      for entry in $line; do allowed+=$(filter_calls "$entry")$'\n'; done
    fi
  done < <(grep '^SystemCallFilter=' "$unit")
  local used bad
  used=$(cat "$traces"/trace.* | sed -nE 's/^[0-9]+ +([a-z0-9_]+)\(.*/\1/p' | sort -u)
  bad=$(comm -23 <(echo "$used") <(echo "$allowed" | sort -u | grep .))
  bad+=$(comm -12 <(echo "$used") <(echo "$denied" | sort -u | grep .))
  [ -z "$bad" ] || fail "system calls the unit's SystemCallFilter refuses: $bad"
  # glibc's malloc reads overcommit_memory and assumes the default when it is hidden.
  local proc
  proc=$(grep -ohE '(openat|execve)\((AT_FDCWD, )?"/proc/[^"]*"' "$traces"/trace.* |
         sed -E 's/.*"(.*)"/\1/' | sort -u |
         grep -vE '^/proc/(self|thread-self|[0-9]+)(/|$)|^/proc/sys/vm/overcommit_memory$' || true)
  [ -z "$proc" ] || fail "/proc files outside ProcSubset=pid: $proc"
  echo "system calls: $(echo "$used" | wc -l) distinct, all allowed by the unit"
}

echo "== 1. cmake --install --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
tree=$(cd "$prefix" && find . -type f -o -type l | sort)
expect_in "$tree" "installed tree" ./bin/asset-host ./libexec/asset-host/asset-host-worker \
  "./$libdir/asset-host/plugins/okta_device.so" \
  ./share/asset-host/manifests/okta-devices.yaml ./share/asset-host/manifests/README.md \
  ./share/doc/asset-host/README.md ./share/doc/asset-host/LICENSE \
  ./lib/systemd/system/asset-host.service \
  ./include/asset_host/plugin_abi.h "./$libdir/cmake/AssetHostSDK/AssetHostSDKConfig.cmake"
grep -q "example.so" <<<"$tree" && fail "the example plugin is not part of the product"
grep -qF "set(AssetHostSDK_HOST_VERSION \"$version\")" \
  "$prefix/$libdir/cmake/AssetHostSDK/AssetHostSDKConfig.cmake" ||
  fail "the SDK package does not name the asset-host version $version"

echo "== 2. the installed binary"
host="$prefix/bin/asset-host"
expect_in "$("$host" --version)" "--version" "asset-host $version "
out=$(cd "$work" && "$host" plugins)
expect_in "$out" "installed 'asset-host plugins'" "okta_device"
# Under strace (when this machine allows ptrace): step 4 checks the calls against the unit.
traces="$work/traces" && mkdir -p "$traces"
demo_host=$host
if [ "$sanitized" != 1 ] && strace -f -qq -o /dev/null true 2>/dev/null; then
  demo_host="$work/traced-asset-host"
  printf '#!/bin/sh\nexec strace -f -qq -o "%s/trace.$$" "%s" "$@"\n' "$traces" "$host" >"$demo_host"
  chmod +x "$demo_host"
fi
out=$(ASSET_HOST_BIN="$demo_host" BUILD_DIR="$build" "$source/scripts/demo.sh" 300)
expect_in "$out" "the demo through the installed binary" \
  "records received:                  300" "unique devices received:           300"

echo "== 3. an out-of-tree plugin (sdk_package) loaded by the installed host"
out=$("$host" --plugins-dir "$sdk_plugins" plugins)
expect_in "$out" "installed host, out-of-tree plugins" "sdk_example " "sdk_example_c "

echo "== 4. the systemd unit"
unit="$prefix/lib/systemd/system/asset-host.service"
expect_in "$(cat "$unit")" "installed unit" "ExecStart=$host run" "Type=notify"
systemd-analyze verify "$unit" || fail "systemd-analyze verify $unit"
security=$(systemd-analyze security --offline=true "$unit" 2>&1 || true)
score=$(sed -n 's/.*Overall exposure level for asset-host.service: \([0-9.]*\) .*/\1/p' <<<"$security")
[ -n "$score" ] || fail "no exposure level in:"$'\n'"$security"
awk -v s="$score" 'BEGIN { exit !(s <= 3.0) }' || fail "exposure level $score > 3.0"
echo "exposure level $score"
check_traced_calls "$unit"

echo "== 5. the Debian package"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/cpack" >"$work/cpack.log" ||
  fail "cpack: $(cat "$work/cpack.log")"
deb="$work/cpack/asset-host_${version}_amd64.deb"
[ -f "$deb" ] || fail "no $deb: $(ls "$work/cpack")"
contents=$(dpkg-deb -c "$deb")
expect_in "$contents" "dpkg-deb -c" ./usr/bin/asset-host ./usr/libexec/asset-host/asset-host-worker \
  "/asset-host/plugins/okta_device.so" \
  ./usr/lib/systemd/system/asset-host.service ./usr/share/doc/asset-host/LICENSE \
  ./usr/share/asset-host/manifests/okta-devices.yaml ./usr/include/asset_host/plugin_abi.h \
  /cmake/AssetHostSDK/AssetHostSDKConfig.cmake
packaged_unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/asset-host.service)
expect_in "$packaged_unit" "the packaged unit" "ExecStart=/usr/bin/asset-host run"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
expect_in "$depends" "Depends" "libc6" "libstdc++6" "libcurl4" "libyaml-cpp0.7" "libspdlog" \
  "libcpp-httplib0.11" "libprometheus-cpp-core1.0" "libsystemd0" "libdeflate0"

echo "== 6. the deploy files"
image=$(sed -n 's/^ *image: *//p' "$source/deploy/kubernetes/statefulset.yaml")
[ "$image" = "asset-host:$version" ] ||
  fail "deploy/kubernetes/statefulset.yaml runs image '$image', not asset-host:$version"
grep -qF "docker build -t asset-host:$version ." "$source/deploy/kubernetes/README.md" ||
  fail "deploy/kubernetes/README.md does not build the image asset-host:$version"
echo "package_test: ok"
