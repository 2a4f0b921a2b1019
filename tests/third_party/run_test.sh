#!/bin/bash
# Third-party plugin proof: install wgmesh to a temporary prefix, build a plugin in a
# separate project that finds wgmesh only through the installed CMake package (and once
# more through pkg-config), then check the installed wgmeshd loads it and that the plugin
# uses the host table (config, timer, log, RPC registration).
# usage: run_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD=$1
SRC=$2
T=$(mktemp -d)
DAEMON_PID=
cleanup() {
  [ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

cmake --install "$BUILD" --prefix "$T/prefix" >/dev/null
test -f "$T/prefix/include/wgmesh/plugin.h"
test -x "$T/prefix/bin/wgmeshd"

# 1. CMake package route.
cmake -S "$SRC/plugin" -B "$T/plugin-build" -G Ninja -DCMAKE_PREFIX_PATH="$T/prefix" >/dev/null
cmake --build "$T/plugin-build" >/dev/null
mkdir -p "$T/plugins"
cp "$T/plugin-build/wgmesh-hello.so" "$T/plugins/"

# 2. pkg-config route: same source, plain compiler invocation.
PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig:$T/prefix/lib/x86_64-linux-gnu/pkgconfig" \
  cc -shared -fPIC -fvisibility=hidden -Wall -Werror \
  $(PKG_CONFIG_PATH="$T/prefix/lib/pkgconfig:$T/prefix/lib/x86_64-linux-gnu/pkgconfig" pkg-config --cflags wgmesh-plugin) \
  -o "$T/wgmesh-hello-pc.so" "$SRC/plugin/hello.c"
test -s "$T/wgmesh-hello-pc.so"

cat > "$T/wgmesh.toml" <<CFG
[node]
state_dir = "$T/state"
[plugins]
dir = "$T/plugins"
enable = ["hello"]
[plugins.hello]
greeting = "from a third party"
CFG
env -u WGMESH_SECRET -u WGMESH_SECRET_FILE "$T/prefix/bin/wgmeshd" --config "$T/wgmesh.toml" > "$T/log" 2>&1 &
DAEMON_PID=$!
for _ in $(seq 1 100); do
  grep -q "hello timer fired 3 times: from a third party" "$T/log" && break
  sleep 0.05
done
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" && rc=0 || rc=$?
DAEMON_PID=
cat "$T/log"
grep -q "started hello 0.1.0" "$T/log"
grep -q "\[hello\] hello timer fired 3 times: from a third party" "$T/log"
grep -q "stopped" "$T/log"
[ "$rc" -eq 0 ] || { echo "wgmeshd exited with $rc"; exit 1; }
echo "1 passed, 0 failed"
