#!/usr/bin/env bash
# The clean-root stage: proves that the README's test command needs nothing
# this machine happens to have. Builds a bare Debian 12 root
# (`mmdebstrap --variant=minbase bookworm`: apt, dpkg, bash, coreutils, no
# compiler, no systemd, an empty /etc/machine-id), copies a clean clone of
# the current commit into /root/sysknob, and runs there, as a new user would:
#
#   CI=true SYSKNOB_STAGES="deps build tests" SYSKNOB_CTEST_EXCLUDE=package_ \
#     bash scripts/test.sh
#
# that is the install step (every package set, from deb.debian.org), the
# -Werror build and the ctest suite (unit, cli, netns) with no skip, but for
# cli/package_deb and cli/package_rpm, which build two more trees from
# scratch. Those, the sanitizer rebuild and the fuzzers are left to the
# host's run of the same script: they need no package the deps stage does
# not install here, and would double the time.
#
# The root looks like a booted system: /proc (of a new PID namespace), /sys
# with the cgroup2 hierarchy on /sys/fs/cgroup, a fresh /dev (tmpfs with the usual nodes, its own devpts, /dev/shm), /run
# and /tmp on tmpfs. All of it lives in a private mount namespace, so the
# host never sees these mounts, even if this script is killed; the host's
# /etc is only read (resolv.conf is copied in for apt). Network namespaces
# work inside: the tests create their own with unshare(1).
#
# Environment: CLEANROOT_DIR (default build-cleanroot/ in the source tree)
# holds the cached bootstrap tarball (keyed by its inputs and the ISO week,
# so security updates arrive weekly) and the .deb cache; the root itself is
# deleted afterwards unless CLEANROOT_KEEP=1. CLEANROOT_MIRROR overrides
# the Debian mirror.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)

need() { # a missing prerequisite: a skip, and under CI=true a failure
  if [ "${CI:-}" = true ]; then echo "FAIL: would skip under CI: $*" >&2; exit 1; fi
  echo "SKIP: $*"; exit 77
}

if [ "${1:-}" = --inside-namespace ]; then
  # Second half: PID 1 of a new PID namespace with a private mount
  # namespace. Every mount below dies with this namespace.
  root=$2
  mount --make-rprivate /
  # The root must be a mount point, as / is on a real system: unshare(1)
  # --propagation (which the namespace tests use) changes the propagation
  # of "/", and mount(2) refuses that with EINVAL on a plain directory.
  mount --bind "$root" "$root"
  mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
  mount -t sysfs -o nosuid,nodev,noexec sysfs "$root/sys"
  # As PID 1 does on every boot: journald, for one, will not start without it.
  mount -t cgroup2 -o nosuid,nodev,noexec cgroup2 "$root/sys/fs/cgroup"
  mount -t tmpfs -o nosuid,mode=0755,size=64m tmpfs "$root/dev"
  for node in "null c 1 3" "zero c 1 5" "full c 1 7" "random c 1 8" "urandom c 1 9" "tty c 5 0"; do
    set -- $node
    mknod -m 0666 "$root/dev/$1" "$2" "$3" "$4"
  done
  mkdir -p "$root/dev/pts" "$root/dev/shm"
  mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"
  ln -s pts/ptmx "$root/dev/ptmx"
  ln -s /proc/self/fd "$root/dev/fd"
  ln -s /proc/self/fd/0 "$root/dev/stdin"
  ln -s /proc/self/fd/1 "$root/dev/stdout"
  ln -s /proc/self/fd/2 "$root/dev/stderr"
  mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/dev/shm"
  mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs "$root/run"
  mkdir -p "$root/run/lock"
  # A tmpfs /tmp as on a fresh system (tmpfs lists directory entries in
  # another order than ext4 does; that once broke a test).
  mount -t tmpfs -o nosuid,nodev,mode=1777 tmpfs "$root/tmp"
  # Downloaded .debs survive between runs; packages are the same bytes.
  mount --bind "$CLEANROOT_APT_CACHE" "$root/var/cache/apt/archives"
  exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 TERM=dumb CI=true SYSKNOB_STAGES="deps build tests" \
    SYSKNOB_CTEST_EXCLUDE="$CLEANROOT_CTEST_EXCLUDE" \
    bash -c 'cd /root/sysknob && exec bash scripts/test.sh'
fi

[ "$(id -u)" = 0 ] || need "the clean-root stage needs root (chroot, mounts)"
command -v mmdebstrap >/dev/null || need "mmdebstrap is not installed (scripts/install-deps.sh)"
command -v git >/dev/null || need "git is not installed"
unshare --mount --pid --fork true 2>/dev/null || need "cannot create mount and PID namespaces here"

work=${CLEANROOT_DIR:-$src/build-cleanroot}
mirror=${CLEANROOT_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$work/apt-archives/partial"
export CLEANROOT_APT_CACHE=$work/apt-archives
# The package tests build two more trees from scratch (a .deb and an .rpm):
# they run in the host's stages; here the deps stage proves that their
# tools install. CLEANROOT_CTEST_EXCLUDE= (empty) runs them here too.
export CLEANROOT_CTEST_EXCLUDE=${CLEANROOT_CTEST_EXCLUDE-package_}

# The bootstrap, cached: the same inputs in the same ISO week give the
# same root.
args=(--variant=minbase --format=tar bookworm - "$mirror")
key=$(printf '%s\n' "${args[@]}" "$(date -u +%G-W%V)" | sha256sum | cut -c1-16)
tarball=$work/bookworm-minbase-$key.tar
if [ ! -s "$tarball" ]; then
  echo "cleanroot: mmdebstrap ${args[*]}"
  t0=$SECONDS
  mmdebstrap --quiet "${args[@]}" >"$tarball.part"
  mv "$tarball.part" "$tarball"
  find "$work" -maxdepth 1 -name 'bookworm-minbase-*.tar' ! -name "${tarball##*/}" -delete
  echo "cleanroot: bootstrap took $((SECONDS - t0)) s"
else
  echo "cleanroot: cached bootstrap $tarball"
fi

root=$(mktemp -d "$work/root.XXXXXX")
cleanup() {
  local rc=$?
  # The mounts existed only in the child's namespace; check anyway before
  # deleting, and never cross into another file system.
  if grep -qF " ${root}/" /proc/self/mounts || grep -qF " ${root} " /proc/self/mounts; then
    echo "cleanroot: something is still mounted under $root; not deleting it" >&2
    exit 1
  fi
  if [ "${CLEANROOT_KEEP:-}" = 1 ]; then echo "cleanroot: root kept in $root"; else rm -rf --one-file-system "$root"; fi
  exit "$rc"
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No package's maintainer script may start a daemon from inside the root.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"

# A clean clone of the current commit; tracked changes not yet committed
# are applied on top, so a developer tests what they see (untracked files
# are not part of it: commit or add them first).
git clone --quiet --no-hardlinks "$src" "$root/root/sysknob"
if ! git -C "$src" diff --quiet HEAD; then
  echo "cleanroot: applying the uncommitted changes to tracked files"
  git -C "$src" diff --binary HEAD | git -C "$root/root/sysknob" apply
fi
echo "cleanroot: running the test command in $root (commit $(git -C "$src" rev-parse --short HEAD))"

t0=$SECONDS
set +e
unshare --mount --pid --fork --kill-child --propagation private bash "$0" --inside-namespace "$root"
rc=$?
set -e
echo "cleanroot: the test command took $((SECONDS - t0)) s and exited $rc"
exit "$rc"
