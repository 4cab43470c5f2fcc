#!/usr/bin/env bash
# Installs everything sysknob needs to build, test, benchmark and package,
# from Debian's packages only. Safe to run again: apt-get skips what is there.
#
#   install-deps.sh            every set (what scripts/test.sh runs needs all)
#   install-deps.sh --build    only what the build needs
#   install-deps.sh --test     build + the ctest suite's basic tools
#   install-deps.sh --vm       build + the kernel lab (tests/vm)
#
# Every tool a test in tests/ calls must be in one of these sets: CI starts
# from a bare Debian 12 and under CI=true a missing tool fails its test.
set -euo pipefail

build_pkgs=(
  g++ cmake make pkg-config
  libtomlplusplus-dev libcli11-dev libspdlog-dev libfmt-dev libsystemd-dev libkmod-dev
  doctest-dev libexpected-dev nlohmann-json3-dev
)
# tests/cli, tests/netns, tests/unit, scripts/fuzz.sh.
test_pkgs=(
  procps systemd iproute2 util-linux strace python3 python3-jsonschema
  clang libclang-rt-14-dev clang-format clang-tidy mandoc groff-base zsh
  tuned prometheus prometheus-node-exporter
)
# tests/cli/package_deb.sh (cpack, lintian), package_rpm.sh (rpmbuild,
# rpm2archive), tests/netns/ansible_playbook.sh, bench/run.sh (hyperfine,
# time, valgrind), tests/cleanroot/run.sh (mmdebstrap, git).
extra_pkgs=(
  hyperfine lintian rpm dpkg-dev ansible-core fakeroot file rpm2cpio
  time valgrind mmdebstrap git
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
  ""|--all) want+=("${test_pkgs[@]}" "${extra_pkgs[@]}" "${vm_pkgs[@]}") ;;
  *) echo "usage: install-deps.sh [--build | --test | --vm | --all]" >&2; exit 64 ;;
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
# Wait for another apt (unattended-upgrades on a fresh machine) instead of failing.
lock=(-o DPkg::Lock::Timeout=600)
apt-get "${lock[@]}" update -qq
# tuned is installed for its shipped profiles only (tests/cli/import_tuned.sh):
# its daemon must not start and retune the machine, so service starts are
# refused while installing (policy-rc.d(8), honoured by deb-systemd-invoke)
# and the unit is left disabled.
policy=/usr/sbin/policy-rc.d
own_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && own_policy=1
fi
set +e
apt-get "${lock[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
status=$?
set -e
[ -z "$own_policy" ] || rm -f "$policy"
[ "$status" -eq 0 ] || exit "$status"
if [[ " ${missing[*]} " == *" tuned "* ]] && command -v systemctl >/dev/null; then
  systemctl disable --now tuned.service >/dev/null 2>&1 || true
fi
echo "install-deps: installed ${missing[*]}"
