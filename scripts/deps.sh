#!/usr/bin/env bash
# Install the Debian packages tapstack needs to build and test, only those that are missing.
# Called by `make run` and `make test`; safe to run by hand. Not root and something missing:
# prints the exact apt-get command and exits 1.
set -euo pipefail

# Package -> why. Keep in step with README.md ("Dependencies").
PKGS=(
  build-essential
  clang
  libclang-rt-dev
  llvm
  pkg-config
  check
  libpcap-dev
  python3
  python3-scapy
  iproute2
  iputils-ping
  arping
  curl
  netcat-openbsd
  socat
  tcpdump
  tshark
  nmap
  telnet
  wrk
  wget
  apache2-utils
  hping3
  valgrind
  procps
  psmisc
  gdb
  strace
  traceroute
  clang-format
  iptables
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "deps.sh: as root, run: $cmd" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}"
# tshark asks whether non-root users may capture; answer it ahead of time.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
