#!/usr/bin/env bash
# Crash safety of import --take-over and of its rollback. The take-over is
# SIGKILLed at every fault point in turn (SYSKNOB_FAULT=any:N, N = 1, 2, ...
# until a run finishes), which includes the take-over's own steps
# (entry-write-profile, entry-backup, entry-move-aside, entry-mask and the
# renames inside each); then the rollback of a finished take-over is killed
# at every point in turn. Each time a plain `rollback` must bring back
# every file (byte for byte, mode, owner, links) and live value, with
# nothing pending, and the take-over must work again afterwards. Each run
# has its own empty TMPDIR, which must still be empty after the kill: the
# take-over keeps nothing outside the change (the profile it would write
# is linted from memory).
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
PY=/usr/bin/python3

KEYS=(net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl net.core.somaxconn)
declare -A ORIG
for k in "${KEYS[@]}"; do ORIG[$k]=$(proc "$k"); done
reset_live() { local k; for k in "${KEYS[@]}"; do echo "${ORIG[$k]}" >"/proc/sys/$(echo "$k" | tr './' '/.')"; done; }
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
tree() {
  (cd "$ROOT" && find . \( -path ./var/lib/sysknob/snapshots -o -path ./run/lock \) -prune -o \
      \( -type f -o -type l \) ! -name '*.sysknob-tmp' -printf '%p %y %m %U:%G %l ' -exec sh -c \
      'if [ -L "$1" ]; then echo; else sha256sum <"$1" | cut -d" " -f1; fi' _ {} \; | sort)
}
world() { live; tree; }
host() {
  ROOT=$(make_root "$1")
  take_over_fixture "$ROOT"
}
take_over() { "$@" TMPDIR="$SCRATCH" "$SYSKNOB" --root "$ROOT" import -q --boot --take-over --name host; }
# The run's TMPDIR: empty before, and after whatever happened to the run.
fresh_tmpdir() { SCRATCH="$T/tmp-$1"; rm -rf "$SCRATCH"; mkdir -p "$SCRATCH"; }
tmpdir_empty() {
  local left; left=$(find "$SCRATCH" -mindepth 1 -print)
  [ -z "$left" ] && pass "$1: nothing left in TMPDIR" || fail "$1: left in TMPDIR: $left"
}

# One run of the crash loop (crash_each_point, tests/support/lib.sh): a
# fresh host, then the take-over (or the rollback of a finished one) killed
# at fault point N.
run_one() {
  local n=$1
  what="$phase killed at any:$n"
  reset_live
  host "$T/root-$phase-$n"
  fresh_tmpdir "$phase-$n"
  before=$(world)
  if [ $phase = take-over ]; then
    run take_over env SYSKNOB_FAULT=any:$n
  else
    run take_over env
    expect_rc 0 "$what: take-over"
    run env SYSKNOB_FAULT=any:$n "$SYSKNOB" --root "$ROOT" rollback -q
  fi
}
finished() {
  if [ $phase = rollback ]; then expect_eq "$(world)" "$before" "an uninterrupted rollback restores the start"; fi
  rm -rf "$ROOT"
}
after_kill() {
  tmpdir_empty "$what"
  local finished=no
  [ "$(world)" = "$before" ] && [ "$(pending_count)" = 0 ] && finished=yes
  run "$SYSKNOB" --root "$ROOT" rollback
  if [ $finished = yes ] && [ "$rc" = 1 ]; then
    expect_contains "$err" "nothing to roll back" "$what: killed before its snapshot, or after its last step; nothing to undo"
  else
    expect_rc 0 "$what: a plain rollback recovers"
  fi
  expect_eq "$(world)" "$before" "$what: every file and live value as before"
  expect_eq "$(pending_count)" 0 "$what: nothing pending"
  # (a snapshot's own temporary is the snapshot store's business)
  [ -n "$(find "$ROOT" -path "$ROOT/var/lib/sysknob/snapshots" -prune -o -name '*.sysknob-tmp' -print)" ] &&
    fail "$what: a temporary file left behind: $(find "$ROOT" -name '*.sysknob-tmp')"
  run take_over env
  expect_rc 0 "$what: the take-over works again"
  rm -rf "$ROOT"
}
for phase in take-over rollback; do
  crash_each_point "$phase" 80 run_one after_kill finished
  [ "$crash_points" -gt 9 ] || fail "$phase: only $crash_points fault points; the take-over's own steps are missing"
done

# Each new fault point by name: the run is killed right after that step.
for step in entry-write-profile entry-backup entry-move-aside entry-mask; do
  reset_live
  host "$T/root-$step"
  fresh_tmpdir "$step"
  before=$(world)
  run take_over env SYSKNOB_FAULT=$step:1
  expect_rc 137 "killed after $step"
  tmpdir_empty "$step"
  expect_eq "$(pending_count)" 1 "$step: the snapshot is pending"
  run "$SYSKNOB" --root "$ROOT" import -q --boot --take-over --name host
  expect_rc 1 "$step: a new take-over is refused while it is pending"
  run "$SYSKNOB" --root "$ROOT" rollback
  expect_rc 0 "$step: rollback"
  expect_eq "$(world)" "$before" "$step: restored"
  rm -rf "$ROOT"
done
reset_live
done_testing
