#!/usr/bin/env bash
# Rollback as a stack: apply A, apply B, rollback -> A (live and files, byte
# for byte); rollback again -> the state before A, the files the first apply
# created removed; `rollback ID` of a rollback snapshot redoes what it undid;
# `snapshots --format json` tells the same story at every step. A truncated
# snapshot makes rollback fail with the file named and nothing changed.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
ip link add veth0 type veth peer name veth1
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
FRAG=$ROOT/etc/sysctl.d/90-sysknob.conf
STATE=$ROOT/var/lib/sysknob/state.json
SNAPS=$ROOT/var/lib/sysknob/snapshots

cat >"$T/stack-a.toml" <<'EOF'
[profile]
name = "stack-a"
[sysctl]
net.core.somaxconn = 2222
net.ipv4.tcp_fin_timeout = 22
net.ipv4.tcp_rmem = [4096, 65536, 4194304]
net.ipv4.conf."*".rp_filter = 2
EOF
cat >"$T/stack-b.toml" <<'EOF'
[profile]
name = "stack-b"
[sysctl]
net.ipv4.tcp_fin_timeout = 33
net.ipv4.tcp_keepalive_time = 3333
net.ipv4.ip_local_port_range = [20000, 60000]
EOF
KEYS=(net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_rmem net.ipv4.tcp_keepalive_time
      net.ipv4.ip_local_port_range net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter
      net.ipv4.conf.lo.rp_filter net.ipv4.conf.veth0.rp_filter net.ipv4.conf.veth1.rp_filter)
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
# Files sysknob manages, with content hash and mode (absent ones say so).
files() {
  local f
  for f in "$FRAG" "$STATE" "$ROOT/etc/modprobe.d/sysknob.conf" "$ROOT/etc/modules-load.d/sysknob.conf"; do
    if [ -e "$f" ]; then echo "${f#$ROOT} $(stat -c %a "$f") $(sha256sum <"$f" | cut -c1-16)"; else echo "${f#$ROOT} absent"; fi
  done
}
world() { live; files; }
# id:kind:status:undone for every snapshot, oldest first.
story() {
  sk snapshots --format json | "$PY" -c '
import json,sys
print(" ".join("%s:%s:%s:%s" % (s["id"], s["kind"], s["status"], "undone" if s["undone"] else "-") for s in json.load(sys.stdin)["snapshots"]))'
}
last_snapshot() { printf '%s' "$1" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["snapshot"])'; }

W0=$(world)
expect_contains "$W0" "/etc/sysctl.d/90-sysknob.conf absent" "no fragment at the start"

run sk apply "$T/stack-a.toml" --format json
expect_rc 0 "apply A"
expect_eq "$(last_snapshot "$out")" 1 "apply A is snapshot 1"
WA=$(world)
FRAG_A=$(cat "$FRAG")
[ "$WA" != "$W0" ] && pass "A changed the world" || fail "A changed nothing"

run sk apply "$T/stack-b.toml" --format json
expect_rc 0 "apply B"
expect_eq "$(last_snapshot "$out")" 2 "apply B is snapshot 2"
WB=$(world)
[ "$WB" != "$WA" ] && pass "B changed the world" || fail "B changed nothing"
expect_eq "$(story)" "1:apply:committed:- 2:apply:committed:-" "story after two applies"

# --- rollback: B undone ----------------------------------------------------------
run sk rollback --format json
expect_rc 0 "rollback of B"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], d["restored"], d["snapshot"])')" "True 2 3" "rollback json: restored 2, recorded as 3"
expect_eq "$(world)" "$WA" "live values and files are A's"
expect_eq "$(cat "$FRAG")" "$FRAG_A" "fragment is A's, byte for byte"
expect_eq "$(story)" "1:apply:committed:- 2:apply:committed:undone 3:rollback:committed:-" "story after the first rollback"
run sk status
expect_rc 0 "status after rolling back to A"
expect_contains "$out" "active: stack-a" "status names A again"

# --- rollback again: A undone, its files removed -----------------------------------
run sk rollback
expect_rc 0 "rollback of A"
expect_eq "$(world)" "$W0" "live values as before A, no managed file left"
[ -e "$FRAG" ] && fail "fragment still there" || pass "fragment removed"
[ -e "$STATE" ] && fail "state.json still there" || pass "state.json removed"
expect_eq "$(story)" "1:apply:committed:undone 2:apply:committed:undone 3:rollback:committed:- 4:rollback:committed:-" "story after the second rollback"
run sk status
expect_rc 0 "status with nothing applied"
expect_contains "$out" "active: none" "status: no active profile"
run sk rollback
expect_rc 1 "a third rollback has nothing to undo"
expect_contains "$err" "nothing to roll back" "and says so"
expect_eq "$(world)" "$W0" "the refused rollback changed nothing"

# --- rollback ID of a rollback snapshot redoes ---------------------------------------
run sk rollback 4
expect_rc 0 "rollback 4 (the undo of A) redoes A"
expect_eq "$(world)" "$WA" "A is back, live and on disk"
expect_eq "$(story)" "1:apply:committed:- 2:apply:committed:undone 3:rollback:committed:- 4:rollback:committed:undone 5:rollback:committed:-" "story: A redone, its undo undone"
run sk rollback 3
expect_rc 0 "rollback 3 (the undo of B) redoes B"
expect_eq "$(world)" "$WB" "B is back, live and on disk"
expect_eq "$(story)" "1:apply:committed:- 2:apply:committed:- 3:rollback:committed:undone 4:rollback:committed:undone 5:rollback:committed:- 6:rollback:committed:-" "story: B redone"
run sk apply "$T/stack-b.toml" --format json
expect_rc 0 "B again after the redo"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["changed"])')" False "the redo left exactly B's state"
run sk rollback
expect_rc 0 "plain rollback after the redo undoes B"
expect_eq "$(world)" "$WA" "A's state again"

# --- a truncated snapshot: refuse, name it, change nothing ------------------------------
run sk apply "$T/stack-b.toml"
expect_rc 0 "apply B once more"
WB2=$(world)
newest=$(ls "$SNAPS" | sort -n | tail -n 1)
size=$(stat -c %s "$SNAPS/$newest")
truncate -s $((size / 2)) "$SNAPS/$newest"
run sk rollback
expect_rc 1 "rollback with a truncated snapshot"
expect_contains "$err" "$SNAPS/$newest" "the damaged file is named"
expect_eq "$(world)" "$WB2" "nothing changed"
expect_eq "$(ls "$SNAPS" | sort -n | tail -n 1)" "$newest" "no new snapshot written"
run sk rollback --format json
expect_rc 1 "rollback --format json with a truncated snapshot"
if printf '%s' "$out" | "$PY" -m json.tool >/dev/null 2>&1; then pass "error json parses"; else fail "error json does not parse: $out"; fi
expect_eq "$(world)" "$WB2" "still nothing changed"

done_testing
