# Shared helpers for black-box tests (tests/cli, tests/netns). Source it:
#   . "$SYSKNOB_SRC/tests/support/lib.sh"
# Gives: $SYSKNOB (the binary), $SRC, $T (a scratch directory removed at exit),
# skip, need_root, enter_netns, and assertions that print what they saw.
set -euo pipefail
: "${SYSKNOB:?run through ctest (SYSKNOB unset)}"
SRC=${SYSKNOB_SRC:?}
T=$(mktemp -d "${TMPDIR:-/tmp}/sysknob-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

# A skip is exit 77 (ctest SKIP_RETURN_CODE); under CI a skip is a failure.
skip() {
  if [ "${CI:-}" = true ]; then echo "FAIL: would skip under CI: $*" >&2; exit 1; fi
  echo "SKIP: $*"; exit 77
}
need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }

# Re-executes the calling script inside a fresh network namespace (and, with
# --mount, a private mount namespace), then checks that it really is not the
# host's namespace before anything is written.
enter_netns() {
  need_root
  if [ -z "${SYSKNOB_IN_NETNS:-}" ]; then
    local flags=(-n)
    [ "${1:-}" = --mount ] && flags+=(-m --propagation private)
    command -v unshare >/dev/null || skip "unshare not found"
    unshare "${flags[@]}" true 2>/dev/null || skip "cannot create namespaces here"
    rm -rf "$T"
    exec unshare "${flags[@]}" env SYSKNOB_IN_NETNS=1 bash "$0"
  fi
  if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
    echo "FAIL: refusing to run: still in the host's network namespace" >&2; exit 1
  fi
  ip link set lo up 2>/dev/null || true
}

# A scratch --root with the directories a host has.
make_root() {
  local r=${1:-$T/root}
  mkdir -p "$r/etc/sysctl.d" "$r/etc/sysknob/profiles" "$r/usr/lib/sysctl.d" "$r/run" "$r/var/lib"
  echo "$r"
}

# IPv4 conf entries that a new network namespace starts with marked written:
# it copies init_net's conf.default, written-bits included
# (devinet_init_net(), net.core.devconf_inherit_init_net = 0), so after any
# write to the host's conf.default.X its devices take no copies of X. Probed
# in a throwaway namespace: a default write that does not reach lo.
shut_entries() {
  unshare -n bash -c '
    p=/proc/sys/net/ipv4/conf
    for f in "$p"/default/*; do
      e=${f##*/}
      [ -w "$f" ] && [ -f "$p/lo/$e" ] || continue
      o=$(cat "$f"); n=$(( o == 0 ? 1 : 0 ))
      echo "$n" >"$f" 2>/dev/null || continue
      [ "$(cat "$p/lo/$e")" = "$n" ] || echo "$e"
      echo "$o" >"$f"
    done'
}

pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# run CMD...: runs it, keeps stdout in $out, stderr in $err, exit code in $rc.
run() {
  set +e
  "$@" >"$T/.out" 2>"$T/.err"
  rc=$?
  set -e
  out=$(cat "$T/.out"); err=$(cat "$T/.err")
}
expect_rc() { # expect_rc N what
  if [ "$rc" = "$1" ]; then pass "$2 (exit $rc)"; else fail "$2: exit $rc, expected $1"; echo "stdout: $out" >&2; echo "stderr: $err" >&2; fi
}
expect_eq() { # expect_eq ACTUAL EXPECTED what
  if [ "$1" = "$2" ]; then pass "$3"; else fail "$3: got '$1', expected '$2'"; fi
}
# Plain substring tests in bash: a `printf | grep -q` pipeline can fail
# with SIGPIPE under pipefail when grep exits early on long output.
expect_contains() { # expect_contains HAYSTACK NEEDLE what
  case "$1" in *"$2"*) pass "$3" ;; *) fail "$3: '$2' not in: $1" ;; esac
}
expect_not_contains() {
  case "$1" in *"$2"*) fail "$3: '$2' found in: $1" ;; *) pass "$3" ;; esac
}
proc() { cat "/proc/sys/$(echo "$1" | tr './' '/.')" | tr -s '\t ' '  '; }

# pending_count: how many snapshots under --root $ROOT are pending, by
# sysknob's own listing (not by file names: N.json / N.pending.json).
pending_count() {
  "$SYSKNOB" --root "$ROOT" snapshots --format json | /usr/bin/python3 -c '
import json,sys; print(sum(1 for s in json.load(sys.stdin)["snapshots"] if s["status"] == "pending"))'
}

# take_over_fixture ROOT: the host the take-over tests adopt: a package
# file, an /etc file hiding a package file of the same name, an /etc file
# with its own mode and owner, /etc/sysctl.conf with its 99-sysctl.conf link.
take_over_fixture() {
  printf '# pkg\nnet.ipv4.tcp_fin_timeout = 51\n' >"$1/usr/lib/sysctl.d/50-pkg.conf"
  printf 'net.ipv4.tcp_keepalive_time = 111\n' >"$1/usr/lib/sysctl.d/60-hidden.conf"
  printf 'net.ipv4.tcp_keepalive_time = 222\n' >"$1/etc/sysctl.d/60-hidden.conf"
  printf 'net.ipv4.tcp_keepalive_intvl = 21\n' >"$1/etc/sysctl.d/10-early.conf"
  chmod 0640 "$1/etc/sysctl.d/10-early.conf"; chown 1:2 "$1/etc/sysctl.d/10-early.conf"
  printf 'net.core.somaxconn = 1234\n' >"$1/etc/sysctl.conf"
  ln -s ../sysctl.conf "$1/etc/sysctl.d/99-sysctl.conf"
}

# crash_each_point LABEL MAX RUN AFTER_KILL [FINISHED]: the crash loop of
# the fault-injection tests. For N = 1, 2, ... it calls `RUN N`, which runs
# the command under test with SYSKNOB_FAULT=any:N through `run` (so $rc is
# its exit code), until a run finishes (exit 0): then `FINISHED N` (if
# given) checks the uninterrupted run. Every other run must have been
# SIGKILLed at its fault point (exit 137), and `AFTER_KILL N` checks the
# recovery. A first run that finishes means a binary without
# SYSKNOB_TEST_HOOKS: a skip (a failure under CI=true). More than MAX runs
# is a failure. Leaves the number of points killed at in $crash_points.
crash_each_point() {
  local label=$1 max=$2 run_one=$3 after_kill=$4 finished=${5:-} n=0
  while :; do
    n=$((n + 1))
    if [ "$n" -gt "$max" ]; then fail "$label never finished under SYSKNOB_FAULT=any:N"; break; fi
    "$run_one" "$n"
    if [ "$rc" = 0 ]; then
      [ "$n" = 1 ] && skip "binary built without SYSKNOB_TEST_HOOKS"
      [ -n "$finished" ] && "$finished" "$n"
      break
    fi
    expect_rc 137 "$label killed at any:$n: killed"
    "$after_kill" "$n"
  done
  crash_points=$((n - 1))
  echo "$label: killed at $crash_points points"
}
done_testing() {
  if [ "$fails" -ne 0 ]; then echo "$fails assertion(s) failed" >&2; exit 1; fi
  echo "all assertions passed"
}
