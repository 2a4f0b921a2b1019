#!/bin/bash
# The README's test command: installs dependencies, builds, and runs every test
# (unit, integration in network namespaces, fuzz replays) in the release build and again
# in the ASan+UBSan debug build. Needs root (namespaces, WireGuard, apt).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
status=0
for preset in ${WGMESH_TEST_PRESETS:-release debug}; do
  echo "=== build ($preset)"
  ./scripts/build.sh "$preset"
  echo "=== test ($preset)"
  # Integration tests share machine-wide resources (/run/wireguard, neighbour tables):
  # they run one at a time; unit tests run in parallel.
  ctest --preset "$preset" -LE integration -j"$(nproc)" || status=1
  ctest --preset "$preset" -L integration -j1 || status=1
done
exit $status
