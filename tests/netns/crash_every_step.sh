#!/usr/bin/env bash
# Crash safety: apply of a 6-key profile (2 files: fragment + state.json) is
# SIGKILLed at every fault point (SYSKNOB_FAULT, builds with
# SYSKNOB_TEST_HOOKS). After a kill that left a pending snapshot, another
# apply is refused (pending, rollback named), status reports pending (exit
# 2), and `rollback` with no id restores every key's live value and every
# file exactly. Two starting points: a fresh --root (the fragment must end
# absent) and a --root where a first apply already wrote a fragment and
# state (their previous content must come back).
#
# Rename points also count the snapshot's own saves (write_file_atomic):
#   before/after-rename:1  the pending snapshot      (before:1 = nothing done)
#   before/after-rename:2  the fragment
#   before/after-rename:3  state.json
#   before/after-rename:4  the commit: N.pending.json renamed to N.json, no
#                          fsync (after:4 = apply finished; a power cut may
#                          still lose the rename: tests/netns/snapshot_names.sh)
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
KEYS=(net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl
      net.ipv4.tcp_rmem net.ipv4.ip_local_port_range net.ipv4.tcp_tw_reuse)
declare -A ORIG
for k in "${KEYS[@]}"; do ORIG[$k]=$(proc "$k"); done
reset_live() { local k; for k in "${KEYS[@]}"; do echo "${ORIG[$k]}" >"/proc/sys/$(echo "$k" | tr './' '/.')"; done; }

cat >"$T/crash-prev.toml" <<'EOF'
[profile]
name = "crash-prev"
[sysctl]
net.core.somaxconn = 1111
net.ipv4.tcp_fin_timeout = 11
net.ipv4.tcp_keepalive_time = 1100
net.ipv4.tcp_keepalive_intvl = 11
net.ipv4.tcp_rmem = [4096, 11111, 1111111]
net.ipv4.ip_local_port_range = [11000, 51000]
EOF
cat >"$T/crash-six.toml" <<'EOF'
[profile]
name = "crash-six"
[sysctl]
net.core.somaxconn = 2222
net.ipv4.tcp_fin_timeout = 22
net.ipv4.tcp_keepalive_time = 2200
net.ipv4.tcp_keepalive_intvl = 22
net.ipv4.tcp_rmem = [4096, 22222, 2222222]
net.ipv4.ip_local_port_range = [22000, 52000]
EOF
cat >"$T/crash-other.toml" <<'EOF'
[profile]
name = "crash-other"
[sysctl]
net.ipv4.tcp_tw_reuse = 0
EOF

live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
# Every file under --root but the snapshots, the lock and write temporaries,
# with mode and content hash: what rollback must put back exactly.
files() {
  (cd "$ROOT" && find . \( -path ./var/lib/sysknob/snapshots -o -path ./run/lock \) -prune -o -type f \
      ! -name '*.sysknob-tmp' -printf '%p %m ' -exec sh -c 'sha256sum <"$1" | cut -c1-16' _ {} \; | sort)
}
world() { live; files; }
moved() { # number of keys whose live value differs from the world $1
  diff <(printf '%s\n' "$1" | grep '^net\.') <(live) | grep -c '^>' || true
}

# One kill point in one starting state. $1 = fault spec, $2 = fresh|prev.
crash_case() {
  local spec=$1 start=$2 what="$1 ($2)"
  reset_live
  ROOT=$(make_root "$T/root-${spec/:/-}-$start")
  if [ "$start" = prev ]; then
    run "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-prev.toml"
    expect_rc 0 "$what: first apply"
  fi
  local before after_ok
  before=$(world)

  run env SYSKNOB_FAULT="$spec" "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-six.toml"
  if [ "$rc" = 0 ]; then
    skip "binary built without SYSKNOB_TEST_HOOKS (SYSKNOB_FAULT=$spec ignored: apply succeeded)"
  fi
  expect_rc 137 "$what: apply killed"

  case $spec in
  before-rename:1)
    # Killed before the pending snapshot reached its name: nothing changed.
    expect_eq "$(world)" "$before" "$what: nothing changed"
    expect_eq "$(pending_count)" 0 "$what: no pending snapshot"
    run "$SYSKNOB" --root "$ROOT" status
    expect_rc 0 "$what: status in sync"
    run "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-six.toml"
    expect_rc 0 "$what: the apply can simply be run again"
    run "$SYSKNOB" --root "$ROOT" rollback -q
    expect_rc 0 "$what: and rolled back"
    expect_eq "$(world)" "$before" "$what: rollback after the retry restores the start"
    return
    ;;
  after-rename:4)
    # Killed after the committed snapshot was renamed: the apply finished.
    expect_eq "$(pending_count)" 0 "$what: no pending snapshot"
    run "$SYSKNOB" --root "$ROOT" status
    expect_rc 0 "$what: status in sync"
    expect_contains "$out" "active: crash-six" "$what: the new profile is active"
    run "$SYSKNOB" --root "$ROOT" rollback -q
    expect_rc 0 "$what: rollback"
    expect_eq "$(world)" "$before" "$what: rollback restores the start exactly"
    return
    ;;
  live-write:*)
    expect_eq "$(moved "$before")" "${spec#*:}" "$what: killed after exactly ${spec#*:} live write(s)"
    ;;
  snapshot-written:1 | after-rename:1)
    expect_eq "$(moved "$before")" 0 "$what: no live value written yet"
    ;;
  esac
  expect_eq "$(pending_count)" 1 "$what: one pending snapshot"

  local mid
  mid=$(world)
  run "$SYSKNOB" --root "$ROOT" apply "$T/crash-other.toml"
  expect_rc 1 "$what: another apply is refused"
  expect_contains "$err" "did not finish" "$what: refusal says the change is pending"
  expect_contains "$err" "sysknob rollback" "$what: refusal names rollback"
  expect_eq "$(world)" "$mid" "$what: the refused apply changed nothing"

  run "$SYSKNOB" --root "$ROOT" status
  expect_rc 2 "$what: status reports pending"
  expect_contains "$out" "pending" "$what: status says pending"
  run "$SYSKNOB" --root "$ROOT" status --format json
  expect_rc 2 "$what: status json"
  expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["in_sync"], len(d["pending"]))')" "False 1" "$what: status json lists the pending snapshot"

  run "$SYSKNOB" --root "$ROOT" rollback
  expect_rc 0 "$what: rollback"
  expect_eq "$(world)" "$before" "$what: every live value and file restored exactly"
  if [ "$start" = fresh ]; then
    [ -e "$ROOT/etc/sysctl.d/90-sysknob.conf" ] && fail "$what: fragment left behind" || pass "$what: fragment absent"
    [ -e "$ROOT/var/lib/sysknob/state.json" ] && fail "$what: state.json left behind" || pass "$what: state.json absent"
  fi
  expect_eq "$(pending_count)" 0 "$what: nothing pending after rollback"
  run "$SYSKNOB" --root "$ROOT" status
  expect_rc 0 "$what: status in sync after rollback"
  run "$SYSKNOB" --root "$ROOT" snapshots --format json
  expect_eq "$(printf '%s' "$out" | "$PY" -c '
import json,sys
s=[x for x in json.load(sys.stdin)["snapshots"] if x["profile"]=="crash-six"]
print(len(s), s[0]["status"], s[0]["undone"])')" "1 failed True" "$what: the interrupted snapshot is marked failed and undone"
  run "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-other.toml"
  expect_rc 0 "$what: apply works again after rollback"
  rm -rf "$ROOT"
}

POINTS=(live-write:1 live-write:2 live-write:3 live-write:4 live-write:5 live-write:6
        before-rename:1 before-rename:2 before-rename:3 before-rename:4
        after-rename:1 after-rename:2 after-rename:3 after-rename:4 snapshot-written:1)
for start in fresh prev; do
  for p in "${POINTS[@]}"; do crash_case "$p" "$start"; done
done
# live-write:7 never fires with 6 keys: the apply must complete.
reset_live
ROOT=$(make_root "$T/root-beyond")
run env SYSKNOB_FAULT=live-write:7 "$SYSKNOB" --root "$ROOT" apply -q "$T/crash-six.toml"
expect_rc 0 "a fault point past the last write does not fire"
reset_live

done_testing
