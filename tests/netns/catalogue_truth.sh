#!/usr/bin/env bash
# The catalogue holds on this kernel: for every per-netns key it says is
# writable in a child network namespace, a fresh `unshare -n` has the key
# (or the catalogue says it is absent on this release), its default equals
# the catalogue's default for `uname -r`, and the kernel-enforced bounds
# hold (min and max accepted, one past refused with EINVAL or clamped as
# the catalogue says). The checker is tools/catalogue_check.cpp; the kernel
# lab (tests/vm/) runs the same binary for host-wide keys in its VMs.
. "$SYSKNOB_SRC/tests/support/lib.sh"
need_root
check=${SYSKNOB_BUILD:?}/tests/catalogue_check
[ -x "$check" ] || { fail "$check was not built"; done_testing; }
command -v unshare >/dev/null || skip "unshare not found"
unshare -n true 2>/dev/null || skip "cannot create network namespaces here"

host_ns=$(readlink /proc/self/ns/net)
[ -n "$host_ns" ] || { fail "cannot read /proc/self/ns/net"; done_testing; }

# The checker refuses to write in the namespace it is told to stay out of
# (tried in a throw-away namespace, so even a broken guard harms nothing).
run unshare -n sh -c '"$1" --write --outside-netns "$(readlink /proc/self/ns/net)"' sh "$check"
expect_rc 1 "the checker refuses --write in the namespace it must stay out of"
expect_contains "$err" "refusing --write" "and says why"

run unshare -n "$check" --write --outside-netns "$host_ns"
printf '%s\n' "$out" | grep '^FAIL' >&2 || true
expect_rc 0 "every per-netns catalogue entry holds in a fresh network namespace on $(uname -r)"
summary=$(printf '%s\n' "$out" | tail -n 1)
n_ok=${summary%% ok*}
if [ "${n_ok:-0}" -ge 60 ]; then pass "checked $summary"; else fail "too few entries checked: $summary"; fi
expect_contains "$out" "ok net.core.somaxconn: exists, default '4096', kernel bounds hold" "somaxconn: default and bounds"
expect_contains "$out" "ok net.ipv4.tcp_sack: exists, default '1', kernel bounds hold" "a u8 key: 0..255 accepted, 256 refused"
expect_contains "$out" "ok net.ipv4.ip_unprivileged_port_start: exists, default '1024', kernel bounds hold" \
  "a bound that depends on another key"

# The checker can fail: a catalogue claim for another release is wrong here.
run unshare -n "$check" --key net.core.somaxconn --release 5.3
expect_rc 1 "somaxconn's pre-5.4 default (128) is not this kernel's"
expect_contains "$out" "FAIL net.core.somaxconn: default on 5.3 is '4096', the catalogue says '128'" "it names the entry and what the kernel did"
run unshare -n "$check" --key net.ipv4.tcp_tw_recycle --release 4.11
expect_rc 1 "tcp_tw_recycle, present on 4.11 by the catalogue, is absent here"
expect_contains "$out" "FAIL net.ipv4.tcp_tw_recycle: 'net.ipv4.tcp_tw_recycle' does not exist" "it names the missing key"
run unshare -n "$check" --key net.ipv4.tcp_tw_recycle
expect_rc 0 "and on this release the catalogue says it was removed in 4.12"

done_testing
