#!/usr/bin/env bash
# status after apply is in sync (exit 0); a key of the profile changed behind
# sysknob's back is drift: exit 2, the key, the expected and the live value
# named (text and JSON); a key outside the profile is not drift; putting the
# value back (or re-applying) makes status exit 0 again.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
ip link add veth0 type veth peer name veth1
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
PROFILE=$SRC/tests/data/profiles/netns-web.toml

run sk status
expect_rc 0 "status before any apply"
expect_contains "$out" "active: none" "no active profile yet"

run sk apply -q "$PROFILE"
expect_rc 0 "apply netns-web"
run sk status
expect_rc 0 "status right after apply"
expect_contains "$out" "active: netns-web" "status names the profile"
expect_contains "$out" "drifted: 0" "no drift"
run sk status --format json
expect_rc 0 "status json right after apply"
if printf '%s' "$out" | "$PY" -m json.tool >/dev/null 2>&1; then pass "status json parses"; else fail "status json does not parse: $out"; fi
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["active"], d["in_sync"], d["drift"], d["pending"])')" \
  "netns-web True [] []" "status json: active, in sync"

# A key outside the profile changes: not drift.
echo 1 >/proc/sys/net/ipv4/tcp_syncookies
run sk status
expect_rc 0 "a key outside the profile is not drift"

# A key of the profile changes behind sysknob's back.
echo 777 >/proc/sys/net/core/somaxconn
run sk status
expect_rc 2 "status after somaxconn was changed by hand"
expect_contains "$out" "net.core.somaxconn" "drift names the key"
expect_contains "$out" "expected 8192" "drift gives the expected value"
expect_contains "$out" "live 777" "drift gives the live value"
expect_contains "$out" "drifted: 1" "exactly one key drifted"
expect_not_contains "$out" "tcp_rmem" "keys in sync are not listed"
run sk status --format json
expect_rc 2 "status json with drift"
expect_eq "$(printf '%s' "$out" | "$PY" -c '
import json,sys
d=json.load(sys.stdin)
print(d["in_sync"], [(x["key"], x["expected"], x["live"]) for x in d["drift"]])')" \
  "False [('net.core.somaxconn', '8192', '777')]" "status json: the drifted key, expected and live"

# A vector key and a glob-expanded interface key drift too.
echo "4096 65536 4194304" >/proc/sys/net/ipv4/tcp_rmem
echo 0 >/proc/sys/net/ipv4/conf/veth1/rp_filter
run sk status --format json
expect_rc 2 "status json with three drifted keys"
expect_eq "$(printf '%s' "$out" | "$PY" -c '
import json,sys
d=json.load(sys.stdin)
print(sorted((x["key"], x["expected"], x["live"]) for x in d["drift"]))')" \
  "[('net.core.somaxconn', '8192', '777'), ('net.ipv4.conf.veth1.rp_filter', '2', '0'), ('net.ipv4.tcp_rmem', '4096 131072 8388608', '4096 65536 4194304')]" \
  "status json: vector and glob keys drift, values normalised"

# diff agrees, and apply repairs the drift.
run sk diff "$PROFILE"
expect_rc 2 "diff sees the drift"
run sk apply --check "$PROFILE"
expect_rc 2 "--check sees the drift"
run sk apply -q "$PROFILE"
expect_rc 0 "re-apply"
expect_eq "$(proc net.core.somaxconn)" 8192 "somaxconn back to the profile's value"
run sk status
expect_rc 0 "status in sync after re-apply"

# Changed by hand to the profile's value again: not drift.
echo 777 >/proc/sys/net/core/somaxconn
run sk status
expect_rc 2 "drift again"
echo 8192 >/proc/sys/net/core/somaxconn
run sk status
expect_rc 0 "put back by hand: in sync"

done_testing
