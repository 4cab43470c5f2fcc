#!/usr/bin/env bash
# The fragment apply writes means the same thing to `sysctl -p` and to
# systemd-sysctl: apply a profile in namespace A, feed the generated fragment
# to `sysctl -p FILE` in a fresh namespace B and to systemd-sysctl FILE in a
# fresh namespace C, and every key of the profile reads the same in A, B and
# C. The profile has a "*" glob and an interface with a dot in its name
# (eth0.100: "net.ipv4.conf.eth0/100.rp_filter" in sysctl.d syntax).
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
SYSTEMD_SYSCTL=
for c in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
  if [ -x "$c" ]; then SYSTEMD_SYSCTL=$c; break; fi
done
SYSCTL=$(command -v sysctl || true)
[ -n "$SYSCTL" ] || skip "sysctl (procps) not found"
[ -n "$SYSTEMD_SYSCTL" ] || skip "systemd-sysctl not found"

cat >"$T/peers.toml" <<'EOF'
[profile]
name = "peers"
description = "fragment compatibility across sysctl -p and systemd-sysctl"

[sysctl]
net.ipv4.conf."eth0.100".rp_filter = { value = 1, comment = "an interface name with a dot" }
net.ipv4.conf."*".log_martians = 1
net.core.somaxconn = 8192
net.ipv4.tcp_rmem = [4096, 131072, 8388608]
net.ipv4.ip_local_port_range = [20000, 60000]
net.ipv4.tcp_congestion_control = "reno"
net.ipv4.tcp_fin_timeout = 30
net.ipv4.tcp_tw_reuse = 1
EOF

# Interfaces every namespace gets before its tool runs.
setup_links() {
  ip link set lo up
  ip link add eth0.100 type veth peer name p100
}
# Every concrete key of the profile, in the form `proc` reads.
KEYS=(net.core.somaxconn net.ipv4.tcp_rmem net.ipv4.ip_local_port_range net.ipv4.tcp_congestion_control
      net.ipv4.tcp_fin_timeout net.ipv4.tcp_tw_reuse net.ipv4.conf.eth0/100.rp_filter
      net.ipv4.conf.all.log_martians net.ipv4.conf.default.log_martians net.ipv4.conf.lo.log_martians
      net.ipv4.conf.eth0/100.log_martians net.ipv4.conf.p100.log_martians)
dump() { local k; for k in "${KEYS[@]}"; do printf '%s = %s\n' "$k" "$(proc "$k")"; done; }
export -f dump proc setup_links
export KEYS_STR="${KEYS[*]}"

# --- namespace A: sysknob apply ------------------------------------------------
setup_links
[ -d /proc/sys/net/ipv4/conf/eth0.100 ] && pass "eth0.100 exists in A" || fail "no eth0.100 in A"
ROOT=$(make_root)
fresh=$(dump)
run "$SYSKNOB" --root "$ROOT" apply "$T/peers.toml"
expect_rc 0 "apply in A"
FRAG=$ROOT/etc/sysctl.d/90-sysknob.conf
cp "$FRAG" "$T/fragment.conf"
frag=$(cat "$T/fragment.conf")
expect_eq "$(grep -c '^net.ipv4.conf.eth0/100.rp_filter = 1$' "$T/fragment.conf")" 1 "fragment line is 'net.ipv4.conf.eth0/100.rp_filter = 1'"
expect_contains "$frag" "net.ipv4.conf.*.log_martians = 1" "fragment keeps the glob"
expect_not_contains "$frag" "eth0.100.rp_filter" "no dotted interface name in key syntax"
expect_eq "$(cat /proc/sys/net/ipv4/conf/eth0.100/rp_filter)" 1 "eth0.100 rp_filter = 1 live in A"
expect_eq "$(cat /proc/sys/net/ipv4/conf/p100/log_martians)" 1 "glob reached p100 in A"
expect_eq "$(cat /proc/sys/net/ipv4/conf/eth0.100/log_martians)" 1 "glob reached eth0.100 in A"
A=$(dump)
expect_eq "$(printf '%s\n' "$A" | grep -c . )" "${#KEYS[@]}" "A: every key read"
[ "$A" != "$fresh" ] && pass "apply changed the namespace" || fail "A equals a fresh namespace: nothing tested"

# --- namespace B: sysctl -p ----------------------------------------------------
run unshare -n bash -c '
  set -e
  KEYS=($KEYS_STR)
  setup_links
  '"$SYSCTL"' -p "$1" >/dev/null
  dump' _ "$T/fragment.conf"
expect_rc 0 "sysctl -p FILE in namespace B"
B=$out
[ -n "$err" ] && echo "sysctl -p stderr: $err"
expect_eq "$B" "$A" "sysctl -p gives A's values in B"

# --- namespace C: systemd-sysctl ---------------------------------------------
run unshare -n bash -c '
  set -e
  KEYS=($KEYS_STR)
  setup_links
  SYSTEMD_LOG_LEVEL=debug '"$SYSTEMD_SYSCTL"' "$1" 2>"$2"
  dump' _ "$T/fragment.conf" "$T/sd.err"
expect_rc 0 "systemd-sysctl FILE in namespace C"
C=$out
expect_eq "$C" "$A" "systemd-sysctl gives A's values in C"
if grep -q "Couldn't write" "$T/sd.err"; then fail "systemd-sysctl could not write a key: $(grep "Couldn't write" "$T/sd.err")"; else pass "systemd-sysctl wrote every key"; fi

# A fresh namespace differs, so equality above means something.
run unshare -n bash -c 'KEYS=($KEYS_STR); setup_links; dump'
expect_eq "$out" "$fresh" "a fresh namespace reads as A did before apply"

done_testing
