#!/usr/bin/env bash
# The README's main command: the whole path on an embedded default, no Okta or Sekoia account.
#   simulated Okta org (okta-sim) -> asset-host test, then run --once -> simulated Sekoia (sekoia-sim)
# then prints what arrived (counts and a sample record). Everything stays on 127.0.0.1.
#   scripts/demo.sh [DEVICES]     (default 2000)
# ASSET_HOST_BIN runs another asset-host (e.g. an installed one, which finds its own plugins)
# instead of building this tree's; the simulators still come from $BUILD_DIR/bin.
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES="${1:-2000}"
BUILD_DIR="${BUILD_DIR:-build}"

if [ -z "${ASSET_HOST_BIN:-}" ]; then
  scripts/setup-deps.sh
  scripts/build.sh >/dev/null
  ASSET_HOST_BIN="$BUILD_DIR/bin/asset-host"
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

random_secret() { od -An -N12 -tx1 /dev/urandom | tr -d ' \n'; }

# Start a simulator on a free loopback port and set the variable VAR to that port once it is
# listening. Not called inside $(...): a subshell's `pids+=` would be lost and cleanup would leave
# the simulator running.
start_sim() {
  local var=$1 name=$2; shift 2
  "$BUILD_DIR/bin/$name" --port 0 "$@" >"$work/$name.out" 2>"$work/$name.err" &
  pids+=($!)
  for _ in $(seq 1 200); do
    local port
    port=$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$work/$name.out")
    if [ -n "$port" ]; then printf -v "$var" '%s' "$port"; return; fi
    sleep 0.05
  done
  echo "demo: $name did not start: $(cat "$work/$name.err")" >&2
  exit 1
}

# Secrets are fresh random values, handed to asset-host through the environment only.
export DEMO_OKTA_TOKEN DEMO_SEKOIA_KEY DEMO_OKTA_URL DEMO_SEKOIA_URL
DEMO_OKTA_TOKEN=$(random_secret)
DEMO_SEKOIA_KEY=$(random_secret)
start_sim okta_port okta-sim --devices "$DEVICES" --token "$DEMO_OKTA_TOKEN"
start_sim sekoia_port sekoia-sim --api-key "$DEMO_SEKOIA_KEY"
DEMO_OKTA_URL="http://127.0.0.1:$okta_port"
DEMO_SEKOIA_URL="http://127.0.0.1:$sekoia_port"

host() {
  "$ASSET_HOST_BIN" --manifests-dir manifests/demo --state-dir "$work/state" "$@"
}

echo "== asset-host plugins"
host plugins
echo
echo "== asset-host test okta-devices-demo   (simulated Okta org with $DEVICES devices on :$okta_port, simulated Sekoia on :$sekoia_port)"
host test okta-devices-demo
echo
echo "== asset-host run --once   (one full sync: Okta -> OCSF -> Sekoia; the summary line is the last log line)"
host run --once
echo
echo "== asset-host state show okta-devices-demo   (the persisted checkpoint: the next cycle is incremental)"
host state show okta-devices-demo
echo
echo "== What the simulated Sekoia received"
stats=$(curl -sf "$DEMO_SEKOIA_URL/_sim/stats")
count() { echo "$stats" | grep -o "\"$1\":[0-9]*" | head -1 | cut -d: -f2; }
echo "devices in the simulated Okta org: $DEVICES"
echo "POSTs accepted by Sekoia:          $(count accepted_posts) of $(count posts)"
echo "records received:                  $(count items_received)"
echo "unique devices received:           $(count unique_uids)   (duplicates: $(count duplicates))"
echo
echo "== A sample record (the first device Sekoia accepted, as sent)"
curl -sf "$DEMO_SEKOIA_URL/_sim/items?offset=0&limit=1" | sed -E 's/^\{"items":\[(.*)\],"offset".*$/\1/'
echo
