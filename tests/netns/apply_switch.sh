#!/usr/bin/env bash
# Switching profiles: apply A (sets k1, k2 and a glob), then apply B (sets k2,
# k3 only). Keys A changed that B does not set (k1 and every interface the
# glob reached) go back to the value they had before sysknob first changed
# them, as a reboot with B's fragment alone would leave them; k2 and k3 take
# B's values; status is in sync; switching back to A and on to B again keeps
# the original baseline (not A's values).
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
ip link add veth0 type veth peer name veth1
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }

K1=net.core.somaxconn K2=net.ipv4.tcp_fin_timeout K3=net.ipv4.tcp_keepalive_time
IFACES=(all default lo veth0 veth1)
# Originals chosen by the test so none is accidentally equal to a profile value.
echo 1111 >/proc/sys/net/core/somaxconn
echo 44 >/proc/sys/net/ipv4/tcp_fin_timeout
echo 5555 >/proc/sys/net/ipv4/tcp_keepalive_time
for i in "${IFACES[@]}"; do echo 0 >"/proc/sys/net/ipv4/conf/$i/rp_filter"; done

cat >"$T/switch-a.toml" <<'EOF'
[profile]
name = "switch-a"
[sysctl]
net.core.somaxconn = 2222
net.ipv4.tcp_fin_timeout = 22
net.ipv4.conf."*".rp_filter = 2
EOF
cat >"$T/switch-b.toml" <<'EOF'
[profile]
name = "switch-b"
[sysctl]
net.ipv4.tcp_fin_timeout = 33
net.ipv4.tcp_keepalive_time = 3333
EOF
rp() { local i s=; for i in "${IFACES[@]}"; do s+="$i=$(proc "net.ipv4.conf.$i.rp_filter") "; done; echo "$s"; }
rp0="all=0 default=0 lo=0 veth0=0 veth1=0 "
rp2="all=2 default=2 lo=2 veth0=2 veth1=2 "

run sk apply "$T/switch-a.toml"
expect_rc 0 "apply A"
expect_eq "$(proc $K1) $(proc $K2) $(proc $K3)" "2222 22 5555" "A's values live"
expect_eq "$(rp)" "$rp2" "A's glob live"

run sk apply "$T/switch-b.toml" --format json
expect_rc 0 "apply B"
expect_eq "$(proc $K1)" 1111 "k1 back to its value before sysknob"
expect_eq "$(proc $K2)" 33 "k2 takes B's value"
expect_eq "$(proc $K3)" 3333 "k3 takes B's value"
expect_eq "$(rp)" "$rp0" "every interface A's glob reached is back to 0"
report=$(printf '%s' "$out" | "$PY" -c '
import json,sys
d=json.load(sys.stdin)
print(d["changed"], " ".join(sorted("%s:%s>%s" % (c["key"], c["from"], c["to"]) for c in d["changes"] if not c["key"].startswith("net.ipv4.conf."))))')
expect_eq "$report" "True net.core.somaxconn:2222>1111 net.ipv4.tcp_fin_timeout:22>33 net.ipv4.tcp_keepalive_time:5555>3333" "B's json reports the restore and the changes"
frag=$(cat "$ROOT/etc/sysctl.d/90-sysknob.conf")
expect_not_contains "$frag" "somaxconn" "B's fragment no longer sets k1"
expect_not_contains "$frag" "rp_filter" "B's fragment no longer sets the glob"
expect_contains "$frag" "net.ipv4.tcp_keepalive_time = 3333" "B's fragment sets k3"

run sk status
expect_rc 0 "status after the switch"
expect_contains "$out" "active: switch-b" "status names B"
run sk status --format json
expect_rc 0 "status json after the switch"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(d["active"], d["in_sync"], d["drift"], d["pending"])')" "switch-b True [] []" "status json: B active, in sync"
run sk diff "$T/switch-b.toml"
expect_rc 0 "diff B after the switch"
run sk apply "$T/switch-b.toml" --format json
expect_rc 0 "B again"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["changed"])')" False "B again changes nothing"

# Back to A and on to B: the baseline stays the pre-sysknob value.
run sk apply "$T/switch-a.toml"
expect_rc 0 "apply A again"
expect_eq "$(proc $K1) $(proc $K2) $(proc $K3)" "2222 22 5555" "A again: k3 back to its original"
expect_eq "$(rp)" "$rp2" "A again: glob live"
run sk apply "$T/switch-b.toml"
expect_rc 0 "apply B again"
expect_eq "$(proc $K1) $(proc $K2) $(proc $K3)" "1111 33 3333" "B again: k1 original, k2/k3 B's"
expect_eq "$(rp)" "$rp0" "B again: interfaces original"
run sk status
expect_rc 0 "status after switching twice"

done_testing
