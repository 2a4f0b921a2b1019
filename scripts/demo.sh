#!/bin/bash
# The README's main command: installs what is needed, builds, and runs a small demo mesh of
# test hosts on this machine — network namespaces on a private bridge (TEST-NET addresses,
# no route out), each running wgmeshd with the userspace WireGuard backend and LAN
# discovery. It shows each node's peers, pings across the mesh, and removes everything.
# Needs root. Options: DEMO_NODES (default 4), DEMO_KEEP=1 (leave the mesh up until Enter).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${DEMO_NODES:-4}

./scripts/install-deps.sh
echo "=== building (release)"
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target wgmeshd wgmesh wgmeshctl \
  wgmesh-lan-multicast wgmesh-rpc wgmesh-testbed
B=$ROOT/build/release
TESTBED=$(find "$B" -name wgmesh-testbed -type f -perm -u+x | head -1)
PLUGINS=$B/plugins-out

D=$(mktemp -d /tmp/wgmesh-demo.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do while kill -0 "$p" 2>/dev/null; do sleep 0.05; done; done
  "$TESTBED" down "$D/bed" >/dev/null 2>&1 || true
  rm -rf "$D"
}
trap cleanup EXIT

echo "=== a bed of $N test hosts (network namespaces on one bridge)"
"$TESTBED" up "$N" --dir "$D/bed" --prefix wgmdemo$$ >/dev/null
SECRET=$("$B/cli/wgmesh/wgmesh" init --secret | grep '^wgmesh://')
echo "mesh secret: $SECRET"
"$B/cli/wgmesh/wgmesh" status --secret "$SECRET" | sed -n '3,8p'

for i in $(seq 1 "$N"); do
  mkdir -p "$D/h$i"
  cat > "$D/h$i/wgmesh.toml" <<CFG
# The embedded demo configuration: one file per test host.
[node]
secret_file = "$D/secret"
interface = "wg0"
state_dir = "$D/h$i/state"
backend = "userspace"
hostname = "demo-$i"
[plugins]
dir = "$PLUGINS"
enable = ["lan-multicast", "rpc"]
[plugins.rpc]
socket_path = "$D/h$i/rpc.sock"
CFG
done
(umask 077; echo "$SECRET" > "$D/secret")

echo "=== starting wgmeshd on every host"
T0=$(date +%s%N)
for i in $(seq 1 "$N"); do
  "$TESTBED" exec "$D/bed" "$i" --private-run "$B/host/daemon/wgmeshd" --config "$D/h$i/wgmesh.toml" \
    > "$D/h$i/wgmeshd.log" 2>&1 &
  PIDS+=($!)
done

ctl() { "$B/cli/wgmeshctl/wgmeshctl" --socket "$D/h$1/rpc.sock" "${@:2}"; }
# Wait until every node lists every other one.
for _ in $(seq 1 300); do
  done_nodes=0
  for i in $(seq 1 "$N"); do
    c=$(ctl "$i" --json peers count 2>/dev/null | sed -n 's/.*"active":\([0-9]*\).*/\1/p' || true)
    [ "${c:-0}" -ge $((N - 1)) ] && done_nodes=$((done_nodes + 1))
  done
  [ "$done_nodes" -eq "$N" ] && break
  sleep 0.1
done
T1=$(date +%s%N)
echo "every node knows every other after $(( (T1 - T0) / 1000000 )) ms"

for i in $(seq 1 "$N"); do
  echo
  echo "--- peers of demo-$i ($(ctl "$i" --json status | sed -n 's/.*"mesh_ip":"\([^"]*\)".*/\1/p'))"
  ctl "$i" peers list
done

echo
LAST_IP=$(ctl "$N" --json status | sed -n 's/.*"mesh_ip":"\([^"]*\)".*/\1/p')
echo "=== ping from demo-1 to demo-$N ($LAST_IP) through the mesh"
"$TESTBED" exec "$D/bed" 1 -- ping -c 3 -W 5 "$LAST_IP"

if [ "${DEMO_KEEP:-0}" = 1 ]; then
  echo "mesh is up in $D; press Enter to tear it down"
  read -r _
fi
echo "=== cleaning up"
