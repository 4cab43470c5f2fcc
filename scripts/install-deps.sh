#!/usr/bin/env bash
# Installs everything sysknob needs to build, test, benchmark and package,
# from Debian's packages only. Safe to run again: apt-get skips what is there.
set -euo pipefail

build_pkgs=(
  g++ cmake make pkg-config
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libsystemd-dev
  doctest-dev libexpected-dev nlohmann-json3-dev
)
test_pkgs=(
  procps systemd iproute2 util-linux strace python3 python3-jsonschema
  clang libclang-rt-14-dev clang-format clang-tidy mandoc groff-base
  prometheus prometheus-node-exporter
)
extra_pkgs=(
  hyperfine lintian rpm dpkg-dev ansible-core fakeroot file rpm2cpio
  strace time
)

# The kernel lab (tests/vm): qemu, a Debian 12 image made with mmdebstrap,
# a busybox initramfs, Debian's kernel packages (apt-get download) and the
# project's own .deb (CPack, dpkg-dev).
vm_pkgs=(
  qemu-system-x86 mmdebstrap busybox-static cpio kmod e2fsprogs xz-utils
  dpkg-dev file python3 systemd mount util-linux ccache
)

want=("${build_pkgs[@]}")
case "${1:-}" in
  --build) ;;
  --test) want+=("${test_pkgs[@]}") ;;
  --vm) want+=("${vm_pkgs[@]}") ;;
  *) want+=("${test_pkgs[@]}" "${extra_pkgs[@]}" "${vm_pkgs[@]}") ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all ${#want[@]} packages present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}; run this script as root" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: installed ${missing[*]}"
