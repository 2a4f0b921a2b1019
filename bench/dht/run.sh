#!/bin/sh
# Runs the DHT benchmark from an existing build directory (it builds nothing).
# usage: bench/dht/run.sh BUILD_DIR [--runs N] [--lookups N] [--swarm N]      (as root)
# Use a release build for meaningful figures, e.g.
#   cmake --preset release && cmake --build build/release --target dht_bench
set -eu
# shellcheck source=bench/common.sh
. "$(dirname "$0")/../common.sh"
bench_exec dht "[--runs N] [--lookups N] [--swarm N]" "$@"
