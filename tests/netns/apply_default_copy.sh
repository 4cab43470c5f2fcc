#!/usr/bin/env bash
# sysknob's own live apply and the kernel's side effects, on the real kernel:
# a changed net.ipv4.conf.default.X is copied into every interface whose X was
# never written (net/ipv4/devinet.c devinet_copy_dflt_conf()), and ip_forward
# rewrites every interface's forwarding. A profile key that already holds its
# value is written again after such a change (pinned); when nothing changes,
# nothing is written.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
root=$(make_root)
ip link add veth0 type veth peer name veth1 2>/dev/null || skip "veth interfaces cannot be created here"
[ "$(proc net.ipv4.conf.veth0.rp_filter)" = 0 ] || fail "fresh veth0.rp_filter is not 0"

# The kernel behaviour itself, first: an untouched interface takes the copy.
echo 1 >/proc/sys/net/ipv4/conf/default/arp_ignore
expect_eq "$(proc net.ipv4.conf.veth1.arp_ignore)" "1" "kernel: a conf.default write reaches an interface never written"
echo 0 >/proc/sys/net/ipv4/conf/default/arp_ignore

P=$T/p.toml
cat >"$P" <<'TOML'
[profile]
name = "p"
[sysctl]
net.ipv4.conf.default.rp_filter = 2
net.ipv4.conf.veth0.rp_filter = 0
net.ipv4.ip_forward = 1
net.ipv4.conf.veth0.forwarding = 0
TOML
run "$SYSKNOB" --root "$root" apply "$P" --format json
expect_rc 0 "apply"
expect_eq "$(proc net.ipv4.conf.default.rp_filter)" "2" "default.rp_filter applied"
expect_eq "$(proc net.ipv4.conf.veth0.rp_filter)" "0" "veth0.rp_filter (already 0) kept: written again after the default write"
expect_eq "$(proc net.ipv4.conf.veth1.rp_filter)" "2" "veth1 (not in the profile) took the kernel's copy"
expect_eq "$(proc net.ipv4.conf.veth0.forwarding)" "0" "veth0.forwarding (already 0) kept after ip_forward switched every interface"
expect_eq "$(proc net.ipv4.conf.veth1.forwarding)" "1" "veth1.forwarding switched by ip_forward"
expect_contains "$out" '"key": "net.ipv4.conf.veth0.rp_filter"' "the pinning write is in the report"

run "$SYSKNOB" --root "$root" apply "$P" --format json
expect_rc 0 "second apply"
expect_contains "$out" '"changed": false' "nothing changes: no write at all (no-op)"

# Pinned: the entry now counts as written, so a later default write by
# someone else no longer reaches veth0 (status would show it otherwise).
echo 1 >/proc/sys/net/ipv4/conf/default/rp_filter
expect_eq "$(proc net.ipv4.conf.veth0.rp_filter)" "0" "a later conf.default write does not reach the pinned veth0"
expect_eq "$(proc net.ipv4.conf.veth1.rp_filter)" "1" "it does reach veth1, which nothing wrote"
done_testing
