#!/bin/bash
# Configures and builds one CMake preset (release by default; "debug" = ASan+UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
PRESET=${1:-release}
cmake --preset "$PRESET" >/dev/null
cmake --build --preset "$PRESET" -j"$(nproc)"
