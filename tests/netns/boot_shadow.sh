#!/usr/bin/env bash
# What boot will give. Shadowing by later sysctl.d files (with
# file and line), masking by an earlier directory and by /dev/null, and the
# modules-load.d entry for net.netfilter.* keys.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
root=$(make_root)
P=$T/ct.toml
cat >"$P" <<'TOML'
[profile]
name = "ct"
[sysctl]
net.core.somaxconn = { value = 8192, comment = "listen backlog" }
net.ipv4.tcp_fin_timeout = 30
net.netfilter.nf_conntrack_tcp_timeout_established = 7200
TOML

# A later file in /etc/sysctl.d overrides our fragment at boot.
printf '# local\nnet.core.somaxconn = 1024\n' >"$root/etc/sysctl.d/99-local.conf"
# A vendor file of the same name in /usr/lib is masked by /etc: not reported.
printf 'net.ipv4.tcp_fin_timeout = 5\n' >"$root/usr/lib/sysctl.d/99-vendor.conf"
printf 'net.ipv4.tcp_keepalive_time = 7000\n' >"$root/etc/sysctl.d/99-vendor.conf"
# A vendor file masked by a /dev/null link: not reported.
printf 'net.netfilter.nf_conntrack_tcp_timeout_established = 60\n' >"$root/usr/lib/sysctl.d/99-conntrack.conf"
ln -s /dev/null "$root/etc/sysctl.d/99-conntrack.conf"

run "$SYSKNOB" --root "$root" diff "$P" --format json
expect_rc 2 "diff with a shadowed key is drift"
shadowed=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join("%s@%s:%s=%s" % (s["key"], s["file"], s["line"], s["value"]) for s in d["shadowed"]))')
expect_eq "$shadowed" "net.core.somaxconn@/etc/sysctl.d/99-local.conf:2=1024" "only the 99-local.conf override is reported, with file, line and value"

run "$SYSKNOB" --root "$root" apply "$P"
expect_rc 0 "apply applies anyway"
expect_contains "$err" "99-local.conf:2" "apply warns naming the overriding file and line"
expect_eq "$(proc net.core.somaxconn)" "8192" "live value applied despite the shadow"
expect_eq "$(cat "$root/etc/modules-load.d/sysknob.conf" | grep -v '^#')" "nf_conntrack" "net.netfilter.* keys put nf_conntrack in modules-load.d"

run "$SYSKNOB" --root "$root" status --format json
expect_rc 2 "status counts the shadowed key"
expect_contains "$out" "99-local.conf" "status names the overriding file"

rm "$root/etc/sysctl.d/99-local.conf"
run "$SYSKNOB" --root "$root" diff "$P"
expect_rc 0 "without the override diff is in sync"
run "$SYSKNOB" --root "$root" status
expect_rc 0 "status in sync after apply"

# Removing the module from modules-load.d by hand makes diff warn.
sed -i '/^nf_conntrack$/d' "$root/etc/modules-load.d/sysknob.conf"
run "$SYSKNOB" --root "$root" diff "$P"
expect_contains "$err" "nf_conntrack" "diff warns that nf_conntrack is not listed for boot"
expect_contains "$err" "modules-load.d" "the warning says where it belongs"

# Shadowing is judged against the fragment's real position: the priority
# the last apply recorded.
printf 'net.core.somaxconn = 1024\n' >"$root/etc/sysctl.d/50-early.conf"
run "$SYSKNOB" --root "$root" diff "$P" --format json
expect_not_contains "$out" "50-early.conf" "a file sorting before our 90- fragment does not shadow it"
run "$SYSKNOB" --root "$root" apply "$P" --priority 40
expect_rc 0 "apply at priority 40"
[ -e "$root/etc/sysctl.d/90-sysknob.conf" ] && fail "old 90- fragment left behind" || pass "old fragment removed when the priority changes"
run "$SYSKNOB" --root "$root" diff "$P" --format json
expect_contains "$out" "50-early.conf" "at priority 40, 50-early.conf shadows the fragment"
done_testing
