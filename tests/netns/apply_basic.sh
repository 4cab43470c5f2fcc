#!/usr/bin/env bash
# apply of the 12-key netns-web profile in a fresh network namespace: diff
# before apply reports drift, apply makes every value read back from
# /proc/sys (vector, string, and the "*" glob over every interface, veth pair
# and bridge included), and a second apply is a no-op: changed=false, no file
# rewritten (mtimes untouched), no new snapshot; then diff and --check agree.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PROFILE=$SRC/tests/data/profiles/netns-web.toml
PY=/usr/bin/python3
ip link add veth0 type veth peer name veth1
ip link add br0 type bridge
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }

# The expected live value of every concrete key (normalised like proc()).
declare -A want=(
  [net.core.somaxconn]=8192
  [net.ipv4.tcp_max_syn_backlog]=8192
  [net.ipv4.tcp_rmem]="4096 131072 8388608"
  [net.ipv4.tcp_congestion_control]=reno
  [net.ipv4.ip_local_port_range]="20000 60000"
  [net.ipv4.tcp_fin_timeout]=30
  [net.ipv4.tcp_keepalive_time]=600
  [net.ipv4.tcp_keepalive_intvl]=30
  [net.ipv4.tcp_slow_start_after_idle]=0
  [net.ipv4.tcp_tw_reuse]=1
  [net.ipv4.tcp_max_tw_buckets]=100000
)
ifaces=(all default lo veth0 veth1 br0)
for i in "${ifaces[@]}"; do want[net.ipv4.conf.$i.rp_filter]=2; done

# Make sure the namespace does not already hold the profile's values, so the
# first apply really changes something we can observe.
echo 0 >/proc/sys/net/ipv4/conf/all/rp_filter
for i in "${ifaces[@]}"; do echo 0 >"/proc/sys/net/ipv4/conf/$i/rp_filter"; done
expect_eq "$(proc net.ipv4.conf.br0.rp_filter)" 0 "bridge rp_filter starts at 0"

# --- diff before apply --------------------------------------------------------
run sk diff "$PROFILE"
expect_rc 2 "diff before apply"
expect_contains "$out" "net.core.somaxconn" "diff names a changing key"
expect_contains "$out" "net.ipv4.conf.br0.rp_filter" "diff expands the glob over the bridge"

run sk diff "$PROFILE" --format json
expect_rc 2 "diff --format json before apply"
if printf '%s' "$out" | "$PY" -m json.tool >/dev/null 2>&1; then pass "diff json parses"; else fail "diff json does not parse: $out"; fi
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["in_sync"])')" False "diff json in_sync=false"

run sk apply --check "$PROFILE"
expect_rc 2 "apply --check before apply"
[ -e "$ROOT/etc/sysctl.d/90-sysknob.conf" ] && fail "--check wrote the fragment" || pass "--check wrote no fragment"
[ -e "$ROOT/var/lib/sysknob/state.json" ] && fail "--check wrote state" || pass "--check wrote no state"

# --- first apply ----------------------------------------------------------------
run sk apply "$PROFILE" --format json
expect_rc 0 "first apply"
if printf '%s' "$out" | "$PY" -m json.tool >/dev/null 2>&1; then pass "first apply: stdout is one JSON document"; else fail "first apply json does not parse: $out"; fi
first=$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], d["snapshot"], len(d["changes"]), sorted(f["path"] for f in d["files"]))')
expect_eq "$first" "True 1 17 ['/etc/sysctl.d/90-sysknob.conf', '/var/lib/sysknob/state.json']" "first apply json: changed, snapshot 1, 17 keys, 2 files"

for k in "${!want[@]}"; do
  expect_eq "$(proc "$k")" "${want[$k]}" "live $k"
done
FRAG=$ROOT/etc/sysctl.d/90-sysknob.conf
STATE=$ROOT/var/lib/sysknob/state.json
[ -f "$FRAG" ] && pass "fragment written" || fail "no fragment at $FRAG"
[ -f "$STATE" ] && pass "state written" || fail "no state at $STATE"
expect_contains "$(cat "$FRAG")" "net.ipv4.tcp_rmem = 4096 131072 8388608" "fragment holds the vector"
expect_contains "$(cat "$FRAG")" "net.ipv4.tcp_congestion_control = reno" "fragment holds the string"
expect_contains "$(cat "$FRAG")" "net.ipv4.conf.*.rp_filter = 2" "fragment keeps the glob"
expect_eq "$(stat -c %a "$STATE")" 600 "state.json mode 0600"
expect_eq "$(stat -c %a "$ROOT/var/lib/sysknob")" 700 "state directory mode 0700"

# --- second apply: nothing to do ------------------------------------------------
stamps() { find "$ROOT" -type f -printf '%p ' -exec stat -c '%Y %y %i' {} \; | sort; }
before=$(stamps)
snaps_before=$(ls "$ROOT/var/lib/sysknob/snapshots")
sleep 1.1
run sk apply "$PROFILE" --format json
expect_rc 0 "second apply"
if printf '%s' "$out" | "$PY" -m json.tool >/dev/null 2>&1; then pass "second apply: stdout is one JSON document"; else fail "second apply json does not parse: $out"; fi
second=$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["changed"], d["snapshot"], len(d["changes"]), len(d["files"]))')
expect_eq "$second" "False None 0 0" "second apply json: changed=false, no snapshot, no changes, no files"
expect_eq "$(stamps)" "$before" "second apply left every file's mtime and inode alone"
expect_eq "$(ls "$ROOT/var/lib/sysknob/snapshots")" "$snaps_before" "second apply created no snapshot"

run sk apply "$PROFILE"
expect_rc 0 "second apply (text)"
expect_contains "$out" "nothing to change" "text says nothing to change"
expect_eq "$(stamps)" "$before" "text apply left every file alone"

# --- diff and --check after apply ---------------------------------------------
run sk diff "$PROFILE"
expect_rc 0 "diff after apply"
run sk diff "$PROFILE" --format json
expect_rc 0 "diff json after apply"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["in_sync"], sorted({c["status"] for c in d["changes"]}))')" "True ['same']" "diff json: in sync, every key same"
run sk apply --check "$PROFILE"
expect_rc 0 "apply --check after apply"
run sk apply --check "$PROFILE" --format json
expect_rc 0 "apply --check --format json after apply"
if printf '%s' "$out" | "$PY" -m json.tool >/dev/null 2>&1; then pass "--check json parses"; else fail "--check json does not parse: $out"; fi
run sk status
expect_rc 0 "status after apply"
expect_eq "$(stamps)" "$before" "diff/check/status changed no file"

done_testing
