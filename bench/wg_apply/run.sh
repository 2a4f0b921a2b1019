#!/bin/sh
# Runs the wg_apply benchmark from an existing build directory (it builds nothing).
# usage: bench/wg_apply/run.sh BUILD_DIR [--peers N] [--reps R]      (as root)
# Use a release build for meaningful figures, e.g.
#   cmake --preset release && cmake --build build/release --target wg_apply_bench
set -eu
# shellcheck source=bench/common.sh
. "$(dirname "$0")/../common.sh"
bench_exec wg_apply "[--peers N] [--reps R]" "$@"
