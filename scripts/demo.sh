#!/usr/bin/env bash
# The main job, safely: installs what is needed, builds, then, inside a
# throwaway network namespace with a scratch --root, shows how a shipped
# profile differs from the live kernel, applies it, shows the fragment and
# snapshot written, and rolls it back. The host's own values and files are
# never touched (net.* keys are per network namespace).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (it creates a network namespace)" >&2; exit 1; }

bash scripts/install-deps.sh --build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)"

root=$(mktemp -d /tmp/sysknob-demo.XXXXXX)
profile=${1:-high-conn-web}
echo
echo "== scratch root: $root; profile: $profile (inside a new network namespace)"
unshare -n bash -euo pipefail -c '
  sk() { echo; echo "\$ sysknob $*"; build/sysknob --root "'"$root"'" "$@"; }
  ip link set lo up
  sk list
  sk lint "'"$profile"'"
  sk diff "'"$profile"'" || true          # exit 2: drift
  sk apply "'"$profile"'"
  sk apply "'"$profile"'"                 # idempotent: nothing to change
  sk diff "'"$profile"'"
  echo; echo "== the fragment that survives a reboot:"; cat "'"$root"'"/etc/sysctl.d/90-sysknob.conf
  sk snapshots
  sk status
  sk rollback
  sk diff "'"$profile"'" || true
'
echo
echo "== files left under $root (remove with: rm -rf $root)"
find "$root" -type f | sort
