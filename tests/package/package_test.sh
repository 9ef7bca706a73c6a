#!/usr/bin/env bash
# The installed product, as a user gets it (ctest entry `package`, labels package;integration):
#  1. `cmake --install` of this build into a staging prefix: the expected tree;
#  2. the installed binary: --version is the project's version, `plugins` with no flags lists
#     okta_device (found relative to the binary), the simulator demo runs through it;
#  3. the out-of-tree plugin built by the sdk_package test (find_package(AssetHostSDK)) loads;
#  4. the installed systemd unit: `systemd-analyze verify`, and `security --offline=true` <= 3.0;
#  5. `cpack -G DEB`: the package's files, its unit's ExecStart, and Depends from shlibdeps.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR WORK_DIR LIBDIR VERSION SDK_PLUGINS_DIR
set -euo pipefail
build=$1 source=$2 work=$3 libdir=$4 version=$5 sdk_plugins=$6
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

echo "== 1. cmake --install --prefix $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
tree=$(cd "$prefix" && find . -type f -o -type l | sort)
expect_in "$tree" "installed tree" ./bin/asset-host \
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
out=$(ASSET_HOST_BIN="$host" BUILD_DIR="$build" "$source/scripts/demo.sh" 300)
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

echo "== 5. the Debian package"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/cpack" >"$work/cpack.log" ||
  fail "cpack: $(cat "$work/cpack.log")"
deb="$work/cpack/asset-host_${version}_amd64.deb"
[ -f "$deb" ] || fail "no $deb: $(ls "$work/cpack")"
contents=$(dpkg-deb -c "$deb")
expect_in "$contents" "dpkg-deb -c" ./usr/bin/asset-host "/asset-host/plugins/okta_device.so" \
  ./usr/lib/systemd/system/asset-host.service ./usr/share/doc/asset-host/LICENSE \
  ./usr/share/asset-host/manifests/okta-devices.yaml ./usr/include/asset_host/plugin_abi.h \
  /cmake/AssetHostSDK/AssetHostSDKConfig.cmake
packaged_unit=$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/lib/systemd/system/asset-host.service)
expect_in "$packaged_unit" "the packaged unit" "ExecStart=/usr/bin/asset-host run"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
expect_in "$depends" "Depends" "libc6" "libstdc++6" "libcurl4" "libyaml-cpp0.7" "libspdlog" \
  "libcpp-httplib0.11" "libprometheus-cpp-core1.0" "libsystemd0"
echo "package_test: ok"
