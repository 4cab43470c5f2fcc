#!/usr/bin/env bash
# Concurrent applies: 8 applies of two different profiles started at once in
# one namespace against one --root. The lock serialises them: all exit 0,
# the live state is exactly one profile's (keys only the other sets back at
# their originals), the fragment is whole and is one of the two renderings
# (and sysctl -p of it in a fresh namespace gives the same live values), no
# snapshot is pending and the last committed one is the final profile's.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
ip link add veth0 type veth peer name veth1
ROOT=$(make_root)
FRAG=$ROOT/etc/sysctl.d/90-sysknob.conf

cat >"$T/conc-x.toml" <<'EOF'
[profile]
name = "conc-x"
[sysctl]
net.core.somaxconn = 1111
net.ipv4.tcp_fin_timeout = 11
net.ipv4.tcp_rmem = [4096, 11111, 1111111]
net.ipv4.conf."*".rp_filter = 1
net.ipv4.tcp_keepalive_time = 1100
EOF
cat >"$T/conc-y.toml" <<'EOF'
[profile]
name = "conc-y"
[sysctl]
net.core.somaxconn = 2222
net.ipv4.tcp_fin_timeout = 22
net.ipv4.tcp_rmem = [4096, 22222, 2222222]
net.ipv4.ip_local_port_range = [22000, 52000]
net.ipv4.tcp_keepalive_intvl = 22
EOF
KEYS=(net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_rmem net.ipv4.tcp_keepalive_time
      net.ipv4.ip_local_port_range net.ipv4.tcp_keepalive_intvl
      net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter net.ipv4.conf.lo.rp_filter
      net.ipv4.conf.veth0.rp_filter net.ipv4.conf.veth1.rp_filter)
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
export -f live proc
export KEYS_STR="${KEYS[*]}"

# Reference results: each profile applied alone in its own fresh namespace
# (same interfaces), from the same originals.
ORIG=$(live)
for p in conc-x conc-y; do
  run unshare -n bash -c '
    set -e
    KEYS=($KEYS_STR)
    ip link set lo up; ip link add veth0 type veth peer name veth1
    "$1" --root "$2" apply -q "$3" >&2
    live' _ "$SYSKNOB" "$T/ref-$p" "$T/$p.toml"
  expect_rc 0 "reference apply of $p in its own namespace"
  printf '%s\n' "$out" >"$T/ref-$p.live"
done
[ "$(live)" = "$ORIG" ] && pass "the reference applies did not touch this namespace" || fail "reference applies leaked into this namespace"
[ "$(cat "$T/ref-conc-x.live")" != "$(cat "$T/ref-conc-y.live")" ] && pass "the two profiles give different states" || fail "the profiles are indistinguishable"

# --- 8 applies at once -----------------------------------------------------------
pids=()
for i in 1 2 3 4 5 6 7 8; do
  p=conc-x; [ $((i % 2)) = 0 ] && p=conc-y
  "$SYSKNOB" --root "$ROOT" apply --format json "$T/$p.toml" >"$T/out.$i" 2>"$T/err.$i" &
  pids+=($!)
done
for i in 1 2 3 4 5 6 7 8; do
  if wait "${pids[$((i - 1))]}"; then
    pass "apply $i exited 0"
  else
    fail "apply $i exited $?: $(cat "$T/err.$i")"
  fi
  if "$PY" -m json.tool <"$T/out.$i" >/dev/null 2>&1; then pass "apply $i printed one JSON document"; else fail "apply $i stdout is not JSON: $(cat "$T/out.$i")"; fi
done

# --- the final state is exactly one profile's ------------------------------------------
final=$(live)
if [ "$final" = "$(cat "$T/ref-conc-x.live")" ]; then
  winner=conc-x
elif [ "$final" = "$(cat "$T/ref-conc-y.live")" ]; then
  winner=conc-y
else
  winner=
  fail "live state is neither profile's: $final"
fi
[ -n "$winner" ] && pass "live state is exactly $winner's"

if [ -n "$winner" ]; then
  expect_eq "$(cat "$FRAG")" "$(cat "$T/ref-$winner/etc/sysctl.d/90-sysknob.conf")" "fragment is $winner's rendering, whole"
  expect_eq "$(/usr/bin/python3 -c 'import json,sys; print("+".join(json.load(open(sys.argv[1]))["profiles"]))' "$ROOT/var/lib/sysknob/state.json")" \
    "$winner" "state.json names $winner"
fi
run unshare -n bash -c '
  set -e
  KEYS=($KEYS_STR)
  ip link set lo up; ip link add veth0 type veth peer name veth1
  sysctl -q -p "$1" >&2
  live' _ "$FRAG"
expect_rc 0 "sysctl -p of the fragment in a fresh namespace"
expect_eq "$out" "$final" "the fragment, fed to sysctl -p, gives the live state"

leftovers=$(find "$ROOT" -name '*.sysknob-tmp')
expect_eq "$leftovers" "" "no write temporaries left"

run "$SYSKNOB" --root "$ROOT" snapshots --format json
expect_rc 0 "snapshots"
summary=$(printf '%s' "$out" | "$PY" -c '
import json,sys
s=json.load(sys.stdin)["snapshots"]
ids=[int(x["id"]) for x in s]
committed=[x for x in s if x["status"]=="committed"]
print(sum(1 for x in s if x["status"]=="pending"), ids==sorted(set(ids)), committed[-1]["profile"], committed[-1]["kind"], committed[-1]["undone"])')
expect_eq "$summary" "0 True $winner apply False" "no pending, unique ids, the last committed snapshot is $winner's apply"

run "$SYSKNOB" --root "$ROOT" status
expect_rc 0 "status in sync"
expect_contains "$out" "active: $winner" "status names $winner"
run "$SYSKNOB" --root "$ROOT" apply --check "$T/$winner.toml"
expect_rc 0 "--check of $winner: nothing to do"

# Undoing every apply, newest first, ends at the originals: the concurrent
# applies recorded a consistent chain of baselines.
n=0
while run "$SYSKNOB" --root "$ROOT" rollback -q && [ "$rc" = 0 ]; do n=$((n + 1)); [ $n -gt 20 ] && break; done
expect_contains "$err" "nothing to roll back" "rolled back every apply ($n rollbacks)"
expect_eq "$(live)" "$ORIG" "after undoing all applies the namespace is back at its originals"
[ -e "$FRAG" ] && fail "fragment left after undoing everything" || pass "no fragment after undoing everything"

done_testing
