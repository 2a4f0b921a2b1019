#!/bin/bash
# Installs every Debian 12 package wgmesh needs to build, test and run its demo.
# Safe to run repeatedly. Needs root (apt-get).
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root (apt-get needs it)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config make git ca-certificates clang-format python3
  # libraries
  libsodium-dev libuv1-dev rapidjson-dev libssh2-1-dev libssl-dev
  libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libtomlplusplus-dev libcxxopts-dev
  libqrencode-dev libgtest-dev libgmock-dev
  # test bed: namespaces, WireGuard userspace, NAT, STUN, SSH, Redis
  iproute2 iputils-ping procps kmod nftables conntrack util-linux
  wireguard-go wireguard-tools openssh-server openssh-client coturn redis-server
)
# The independent DHT implementation used by interop tests runs on Node.js. Machines that
# already have node+npm (e.g. from another repository) keep theirs: Debian's npm package
# conflicts with third-party nodejs builds.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PACKAGES+=(nodejs npm)
fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps.sh: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi
echo "install-deps.sh: installing ${missing[*]}"
apt-get update -qq
apt-get install -y --no-install-recommends "${missing[@]}"
