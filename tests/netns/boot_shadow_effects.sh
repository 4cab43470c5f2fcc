#!/usr/bin/env bash
# Keys overridden at boot by a side effect of the kernel, not by a later line
# naming them: diff, apply and status report them with the write that wins
# (file and line), the mechanism and the fix, in one JSON shape.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
root=$(make_root)
ip link add veth0 type veth peer name veth1 2>/dev/null || skip "veth interfaces cannot be created here"
P=$T/p.toml
cat >"$P" <<'TOML'
[profile]
name = "p"
[sysctl]
net.ipv4.conf.lo.rp_filter = 0
net.ipv4.conf.veth0.rp_filter = 0
net.ipv4.conf.veth1.forwarding = 0
net.ipv4.conf.veth1.rp_filter = 1
TOML
# Later globs: systemd skips veth0 (explicit setting) and writes default,
# which the kernel copies into veth0 because our write of 0 (its value at
# boot) is skipped as equal. veth1.rp_filter = 1 is a real write: pinned.
printf '# vendor\nnet.ipv4.conf.*.rp_filter = 2\nnet.ipv4.ip_forward = 1\n' >"$root/etc/sysctl.d/95-x.conf"

run "$SYSKNOB" --root "$root" diff "$P" --format json
expect_rc 2 "diff: keys overridden at boot are drift"
got=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys
d=json.load(sys.stdin)
for s in d["shadowed"]: print("%s@%s:%s=%s|%s" % (s["key"], s["file"], s["line"], s["value"], s["mechanism"]))')
expect_contains "$got" "net.ipv4.conf.veth0.rp_filter@/etc/sysctl.d/95-x.conf:2=2|a later write of net.ipv4.conf.default.rp_filter in /etc/sysctl.d/95-x.conf:2 reaches veth0 because its own value was never written" "veth0.rp_filter: file, line, value and mechanism"
expect_contains "$got" "skips our write of net.ipv4.conf.veth0.rp_filter" "the skipped equal write is named"
expect_contains "$got" "net.ipv4.conf.veth1.forwarding@/etc/sysctl.d/95-x.conf:3=1|a write of net.ipv4.ip_forward switches forwarding on every interface" "ip_forward switches veth1.forwarding"
expect_not_contains "$got" "net.ipv4.conf.lo." "lo has its address at boot: no copy reaches it"
expect_not_contains "$got" "veth1.rp_filter" "a real write pins veth1.rp_filter"

run "$SYSKNOB" --root "$root" diff "$P"
expect_contains "$out" "fix: apply with a --priority that sorts after /etc/sysctl.d/95-x.conf" "diff gives the fix"

run "$SYSKNOB" --root "$root" apply "$P"
expect_rc 0 "apply applies anyway"
expect_contains "$err" "'net.ipv4.conf.veth0.rp_filter' will be overridden at boot ('2')" "apply warns"
expect_contains "$err" "reaches veth0 because its own value was never written" "apply names the mechanism"

run "$SYSKNOB" --root "$root" status --format json
expect_rc 2 "status counts keys overridden by a side effect"
same=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys
d=json.load(sys.stdin)
print(sorted(set(tuple(sorted(s)) for s in d["shadowed"])))')
expect_eq "$same" "[('file', 'key', 'line', 'mechanism', 'value')]" "status: one JSON shape for every shadowed key"

# The fix works: at a priority after 95-x.conf our writes come after the
# copy and the switch, differ from what they left, and hold.
run "$SYSKNOB" --root "$root" apply "$P" --priority 97
run "$SYSKNOB" --root "$root" diff "$P" --format json
expect_not_contains "$out" "mechanism\": \"a" "at priority 97 (97-sysknob.conf sorts after 95-x.conf) nothing is overridden"

# Our own ip_forward comes first in our fragment (write rank), so it does not
# undo our own per-interface forwarding.
rm "$root/etc/sysctl.d/95-x.conf"
cat >"$T/own.toml" <<'TOML'
[profile]
name = "own"
[sysctl]
net.ipv4.ip_forward = 1
net.ipv4.conf.veth0.forwarding = 0
TOML
run "$SYSKNOB" --root "$root" diff "$T/own.toml" --format json
expect_contains "$out" '"shadowed": []' "our own ip_forward does not shadow our own veth0.forwarding"
done_testing
