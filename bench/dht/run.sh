#!/bin/sh
# Runs the DHT benchmark from an existing build directory (it builds nothing).
# usage: bench/dht/run.sh BUILD_DIR [--runs N] [--lookups N] [--swarm N]      (as root)
# Use a release build for meaningful figures, e.g.
#   cmake --preset release && cmake --build build/release --target dht_bench
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [--runs N] [--lookups N] [--swarm N]" >&2
  exit 2
fi
build=$1
shift
bin=$build/bench/dht/dht_bench
if [ ! -x "$bin" ]; then
  echo "$bin not found: build the dht_bench target in $build first" >&2
  exit 2
fi
exec "$bin" "$@"
