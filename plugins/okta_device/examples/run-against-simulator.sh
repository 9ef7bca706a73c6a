#!/bin/sh
# Runs the Okta Device connector against the local Okta simulator, no Okta account needed:
# Test connector, then one fetch cycle printing the records as NDJSON.
#   plugins/okta_device/examples/run-against-simulator.sh [BUILD_DIR] [DEVICES]
# BUILD_DIR defaults to ./build and must hold bin/asset-host, bin/okta-sim, plugins/okta_device.so.
set -eu
build=${1:-build}
devices=${2:-25}
here=$(cd "$(dirname "$0")" && pwd)
for f in "$build/bin/asset-host" "$build/bin/okta-sim" "$build/plugins/okta_device.so"; do
  [ -e "$f" ] || { echo "missing $f: build asset-host, okta_device_plugin and okta-sim first" >&2; exit 2; }
done

work=$(mktemp -d)
sim_pid=
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

export OKTA_API_TOKEN="demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
"$build/bin/okta-sim" --port 0 --devices "$devices" --token "$OKTA_API_TOKEN" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!
port=
for _ in $(seq 1 100); do
  port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$work/sim.out")
  [ -n "$port" ] && break
  sleep 0.05
done
[ -n "$port" ] || { echo "okta-sim did not start: $(cat "$work/sim.err")" >&2; exit 1; }

mkdir -p "$work/manifests" "$work/state"
sed "s/@PORT@/$port/" "$here/okta-devices-sim.yaml" >"$work/manifests/okta-devices-sim.yaml"
host() {
  "$build/bin/asset-host" --plugins-dir "$build/plugins" --manifests-dir "$work/manifests" \
    --state-dir "$work/state" "$@"
}

echo "== Test connector (okta-sim on 127.0.0.1:$port, $devices devices)" >&2
host test okta-devices-sim
echo "== One fetch cycle: records as NDJSON on stdout" >&2
host fetch okta-devices-sim --output -
