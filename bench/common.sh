# shellcheck shell=sh
# Shared by the bench/*/run.sh wrappers (sourced, not run): each one only names its bench.
# POSIX sh.

# bench_exec NAME ARGS_HELP "$@": runs BUILD_DIR/bench/NAME/NAME_bench from an existing
# build directory (the first of "$@"; it builds nothing) with the rest of "$@", or explains
# how to get it. ARGS_HELP is the bench's own options, for the usage line.
bench_exec() {
  name=$1
  args_help=$2
  shift 2
  if [ $# -lt 1 ]; then
    echo "usage: $0 BUILD_DIR $args_help" >&2
    exit 2
  fi
  build=$1
  shift
  bin=$build/bench/$name/${name}_bench
  if [ ! -x "$bin" ]; then
    echo "$bin not found: build the ${name}_bench target in $build first" >&2
    exit 2
  fi
  exec "$bin" "$@"
}
