#!/usr/bin/env bash
# The commit protocol on disk (ARCHITECTURE.md, "Commit protocol"): a
# change's snapshot is N.pending.json until one rename (not fsynced) makes
# it N.json. What a power cut or an older sysknob can leave is read right:
# - a pending snapshot written as N.json with "status": "pending" by a
#   sysknob before the pending name (tests/data/state/) is pending;
# - a commit's rename lost to a power cut (N.pending.json back) is pending,
#   and rollback restores the state before the change exactly;
# - both names at once: the pending one wins; --discard keeps the state and
#   leaves N.json alone;
# - a change killed after its pending record leaves N.pending.json only,
#   with mode 0600 (SYSKNOB_FAULT, builds with SYSKNOB_TEST_HOOKS).
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
PY=/usr/bin/python3
KEYS=(net.core.somaxconn net.ipv4.tcp_fin_timeout)
declare -A ORIG
for k in "${KEYS[@]}"; do ORIG[$k]=$(proc "$k"); done
set_live() { echo "$2" >"/proc/sys/$(echo "$1" | tr './' '/.')"; }
reset_live() { local k; for k in "${KEYS[@]}"; do set_live "$k" "${ORIG[$k]}"; done; }
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
files() {
  (cd "$ROOT" && find . \( -path ./var/lib/sysknob/snapshots -o -path ./run/lock \) -prune -o -type f \
      ! -name '*.sysknob-tmp' -printf '%p %m ' -exec sh -c 'sha256sum <"$1" | cut -c1-16' _ {} \; | sort)
}
world() { live; files; }
sk() { run "$SYSKNOB" --root "$ROOT" "$@"; }
names() { (cd "$ROOT/var/lib/sysknob/snapshots" && ls | tr '\n' ' '); }
status_of() { # status_of ID: its status as `snapshots` reports it
  "$SYSKNOB" --root "$ROOT" snapshots --format json | "$PY" -c '
import json,sys; print([s["status"] for s in json.load(sys.stdin)["snapshots"] if s["id"] == sys.argv[1]][0])' "$1"
}
cat >"$T/two.toml" <<'EOF'
[profile]
name = "two"
[sysctl]
net.core.somaxconn = 2222
net.ipv4.tcp_fin_timeout = 22
EOF
cat >"$T/other.toml" <<'EOF'
[profile]
name = "other"
[sysctl]
net.ipv4.tcp_tw_reuse = 0
EOF
# pending_rules ID what: status reports ID pending, apply is refused naming it.
pending_rules() {
  sk status
  expect_rc 2 "$2: status exits 2"
  expect_contains "$out" "pending" "$2: status says pending"
  expect_eq "$(status_of "$1")" pending "$2: snapshots lists $1 as pending"
  sk apply "$T/other.toml"
  expect_rc 1 "$2: another apply is refused"
  expect_contains "$err$out" "sysknob rollback $1" "$2: the refusal names the rollback"
}

# --- a pending N.json of an older sysknob ------------------------------------------
reset_live
ROOT=$(make_root "$T/root1")
before=$(world)
mkdir -p -m 0700 "$ROOT/var/lib/sysknob/snapshots"
chmod 0700 "$ROOT/var/lib/sysknob"
install -m 0600 "$SYSKNOB_SRC/tests/data/state/pending-before-pending-name.json" "$ROOT/var/lib/sysknob/snapshots/1.json"
# The fixture's before-values are 4096 and 60; the killed apply had set 2222 and 22.
if [ "${ORIG[net.core.somaxconn]}" = 4096 ] && [ "${ORIG[net.ipv4.tcp_fin_timeout]}" = 60 ]; then
  pass "this kernel's defaults are the fixture's before-values"
else fail "defaults here are ${ORIG[net.core.somaxconn]} and ${ORIG[net.ipv4.tcp_fin_timeout]}, the fixture records 4096 and 60"; fi
set_live net.core.somaxconn 2222; set_live net.ipv4.tcp_fin_timeout 22
pending_rules 1 "old pending N.json"
sk rollback
expect_rc 0 "old pending N.json: rollback"
expect_eq "$(world)" "$before" "old pending N.json: every value and file as before"
expect_eq "$(status_of 1)" failed "old pending N.json: marked failed (interrupted, rolled back)"
expect_eq "$(names)" "1.json 2.json " "old pending N.json: no pending name left"
sk status
expect_rc 0 "old pending N.json: status in sync after the rollback"

# --- the commit's rename lost to a power cut -------------------------------------------
reset_live
ROOT=$(make_root "$T/root2")
before=$(world)
sk apply "$T/two.toml"
expect_rc 0 "apply"
expect_eq "$(names)" "1.json " "a finished apply leaves N.json only"
expect_eq "$(stat -c %a "$ROOT/var/lib/sysknob/snapshots/1.json")" 600 "its mode is 0600"
expect_contains "$(cat "$ROOT/var/lib/sysknob/snapshots/1.json")" '"status": "committed"' "its text says committed"
mv "$ROOT/var/lib/sysknob/snapshots/1.json" "$ROOT/var/lib/sysknob/snapshots/1.pending.json"
pending_rules 1 "rename lost"
sk rollback
expect_rc 0 "rename lost: rollback"
expect_eq "$(world)" "$before" "rename lost: rollback restores every value and file exactly"
expect_eq "$(names)" "1.json 2.json " "rename lost: the pending name is gone"
sk status
expect_rc 0 "rename lost: status in sync after the rollback"

# --- both names: the pending one wins ----------------------------------------------
reset_live
ROOT=$(make_root "$T/root3")
sk apply "$T/two.toml"
expect_rc 0 "apply"
applied=$(world)
cp -p "$ROOT/var/lib/sysknob/snapshots/1.json" "$ROOT/var/lib/sysknob/snapshots/1.pending.json"
sk snapshots --format json
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["snapshots"]))')" 1 \
  "both names: one snapshot listed"
pending_rules 1 "both names"
sk rollback --discard 1
expect_rc 0 "both names: rollback --discard"
expect_eq "$(world)" "$applied" "both names: --discard keeps the state"
expect_eq "$(names)" "1.json " "both names: only N.json is left"
expect_eq "$(status_of 1)" failed "both names: discarded is failed"

# --- killed after the pending record ------------------------------------------------
reset_live
ROOT=$(make_root "$T/root4")
before=$(world)
run env SYSKNOB_FAULT=snapshot-written:1 "$SYSKNOB" --root "$ROOT" apply -q "$T/two.toml"
[ "$rc" = 0 ] && skip "binary built without SYSKNOB_TEST_HOOKS (SYSKNOB_FAULT ignored: apply succeeded)"
expect_rc 137 "killed at snapshot-written"
expect_eq "$(names)" "1.pending.json " "the pending record has its own name"
expect_eq "$(stat -c %a "$ROOT/var/lib/sysknob/snapshots/1.pending.json")" 600 "its mode is 0600"
pending_rules 1 "killed after the pending record"
sk rollback
expect_rc 0 "killed after the pending record: rollback"
expect_eq "$(world)" "$before" "killed after the pending record: every value and file as before"
reset_live
done_testing
