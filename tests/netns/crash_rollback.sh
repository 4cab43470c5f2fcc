#!/usr/bin/env bash
# Crash safety of rollback itself: the rollback is SIGKILLed at every fault
# point in turn (SYSKNOB_FAULT=any:N, N = 1, 2, ... until one run finishes),
# both when it undoes a committed apply and when it undoes an apply that was
# itself killed halfway. Afterwards a plain `rollback` must finish the job:
# exit 0, every live value and file as before the apply, nothing pending,
# status in sync. (An interrupted rollback of an interrupted apply used to
# leave two pending snapshots, each refusing to roll back before the other.)
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
KEYS=(net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl)
declare -A ORIG
for k in "${KEYS[@]}"; do ORIG[$k]=$(proc "$k"); done
reset_live() { local k; for k in "${KEYS[@]}"; do echo "${ORIG[$k]}" >"/proc/sys/$(echo "$k" | tr './' '/.')"; done; }
cat >"$T/crash-rb.toml" <<'EOF'
[profile]
name = "crash-rb"
[sysctl]
net.core.somaxconn = 2222
net.ipv4.tcp_fin_timeout = 22
net.ipv4.tcp_keepalive_time = 2200
net.ipv4.tcp_keepalive_intvl = 22
EOF
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
files() {
  (cd "$ROOT" && find . \( -path ./var/lib/sysknob/snapshots -o -path ./run/lock \) -prune -o -type f \
      ! -name '*.sysknob-tmp' -printf '%p %m ' -exec sh -c 'sha256sum <"$1" | cut -c1-16' _ {} \; | sort)
}
world() { live; files; }

# One run of the crash loop (crash_each_point, tests/support/lib.sh): a
# fresh root, the apply (committed, or itself killed halfway), then its
# rollback killed at fault point N.
run_one() {
  local n=$1
  what="$how apply, rollback killed at any:$n"
  reset_live
  ROOT=$(make_root "$T/root-$how-$n")
  before=$(world)
  if [ $how = committed ]; then
    run "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-rb.toml"
    expect_rc 0 "$what: apply"
  else
    run env SYSKNOB_FAULT=live-write:2 "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-rb.toml"
    [ "$rc" = 0 ] && skip "binary built without SYSKNOB_TEST_HOOKS"
    expect_rc 137 "$what: apply killed"
  fi
  run env SYSKNOB_FAULT=any:$n "$SYSKNOB" --root "$ROOT" rollback -q
}
finished() {
  expect_eq "$(world)" "$before" "$how apply: an uninterrupted rollback restores the start"
  rm -rf "$ROOT"
}
after_kill() {
  local finished=no
  [ "$(world)" = "$before" ] && [ "$(pending_count)" = 0 ] && finished=yes
  run "$SYSKNOB" --root "$ROOT" rollback
  if [ $finished = yes ] && [ "$rc" = 1 ]; then
    # Killed after its last change: there is nothing left to undo.
    expect_contains "$err" "nothing to roll back" "$what: the killed rollback had finished; nothing left"
  else
    expect_rc 0 "$what: a second plain rollback finishes"
  fi
  expect_eq "$(world)" "$before" "$what: every live value and file restored"
  expect_eq "$(pending_count)" 0 "$what: nothing pending"
  run "$SYSKNOB" --root "$ROOT" status
  expect_rc 0 "$what: status in sync"
  run "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-rb.toml"
  expect_rc 0 "$what: apply works again"
  rm -rf "$ROOT"
}
for how in committed killed; do
  crash_each_point "$how apply, rollback" 40 run_one after_kill finished
done
reset_live

done_testing
