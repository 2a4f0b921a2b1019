#!/bin/sh
# Runs the wg_apply benchmark from an existing build directory (it builds nothing).
# usage: bench/wg_apply/run.sh BUILD_DIR [--peers N] [--reps R]      (as root)
# Use a release build for meaningful figures, e.g.
#   cmake --preset release && cmake --build build/release --target wg_apply_bench
set -eu
if [ $# -lt 1 ]; then
  echo "usage: $0 BUILD_DIR [--peers N] [--reps R]" >&2
  exit 2
fi
build=$1
shift
bin=$build/bench/wg_apply/wg_apply_bench
if [ ! -x "$bin" ]; then
  echo "$bin not found: build the wg_apply_bench target in $build first" >&2
  exit 2
fi
exec "$bin" "$@"
