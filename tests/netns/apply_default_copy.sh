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
shut=" $(shut_entries | tr '\n' ' ') "
E=
for e in rp_filter src_valid_mark arp_filter proxy_arp accept_local; do
  case $shut in *" $e "*) ;; *) E=$e; break ;; esac
done
[ -n "$E" ] || skip "every candidate entry is inherited as written from the host's conf.default"
[ "$E" = rp_filter ] || echo "note: rp_filter is inherited as written here; using $E"
ip link add veth0 type veth peer name veth1 2>/dev/null || skip "veth interfaces cannot be created here"
[ "$(proc net.ipv4.conf.veth0.$E)" = 0 ] || fail "fresh veth0.$E is not 0"

P=$T/p.toml
cat >"$P" <<TOML
[profile]
name = "p"
[sysctl]
net.ipv4.conf.default.$E = 1
net.ipv4.conf.veth0.$E = 0
net.ipv4.ip_forward = 1
net.ipv4.conf.veth0.forwarding = 0
TOML
run "$SYSKNOB" --root "$root" apply "$P" --format json
expect_rc 0 "apply"
expect_eq "$(proc net.ipv4.conf.default.$E)" "1" "default.$E applied"
expect_eq "$(proc net.ipv4.conf.veth0.$E)" "0" "veth0.$E (already 0) kept: written again after the default write"
expect_eq "$(proc net.ipv4.conf.veth1.$E)" "1" "veth1 (not in the profile) took the kernel's copy"
expect_eq "$(proc net.ipv4.conf.veth0.forwarding)" "0" "veth0.forwarding (already 0) kept after ip_forward switched every interface"
expect_eq "$(proc net.ipv4.conf.veth1.forwarding)" "1" "veth1.forwarding switched by ip_forward"
expect_contains "$out" "\"key\": \"net.ipv4.conf.veth0.$E\"" "the pinning write is in the report"

run "$SYSKNOB" --root "$root" apply "$P" --format json
expect_rc 0 "second apply"
expect_contains "$out" '"changed": false' "nothing changes: no write at all (no-op)"

# Pinned: the entry now counts as written, so a later default write by
# someone else no longer reaches veth0 (status would show it otherwise).
echo 0 >"/proc/sys/net/ipv4/conf/default/$E"
expect_eq "$(proc net.ipv4.conf.veth1.$E)" "0" "a later conf.default write reaches veth1, which nothing wrote"
echo 1 >"/proc/sys/net/ipv4/conf/default/$E"
expect_eq "$(proc net.ipv4.conf.veth1.$E)" "1" "and again"
expect_eq "$(proc net.ipv4.conf.veth0.$E)" "0" "it does not reach the pinned veth0"
done_testing
