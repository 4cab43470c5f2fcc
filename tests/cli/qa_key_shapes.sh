#!/usr/bin/env bash
# Keys and values of unusual shape, found by an outside review: each gets an
# error naming the file, line and key with what to do, exit 1, no crash.
# lint only reads /proc/sys; nothing here writes or needs root.
. "$SYSKNOB_SRC/tests/support/lib.sh"

root=$(make_root)
sk() { run "$SYSKNOB" --root "$root" --no-color "$@"; }
prof() { printf '[sysctl]\n%s\n' "$2" >"$T/$1.toml"; echo "$T/$1.toml"; }

# A name that is a directory of /proc/sys (net.ipv4, net.ipv4.conf) is not
# a key: it once passed lint as "read-only in this network namespace"
# (exit 0) and diff reported it as drift.
[ -d /proc/sys/net/ipv4/conf ] || skip "no /proc/sys/net/ipv4/conf"
for k in net.ipv4 net.ipv4.conf net.ipv4.conf.lo; do
  f=$(prof "dir-${k//./-}" "$k = 1")
  sk lint "$f"
  expect_rc 1 "lint $k"
  expect_contains "$err" "$f:2:1: error[SK1001]: '$k' is a directory of keys in /proc/sys, not a key" "lint $k: says what it is, with file and line"
  expect_contains "$err" "hint: name one of the keys below it" "lint $k: what to do"
  sk diff "$f"
  expect_rc 1 "diff $k refuses the profile"
  sk --format json lint "$f"
  expect_rc 1 "lint --format json $k"
  if printf '%s' "$out" | python3 -m json.tool >/dev/null; then pass "lint json $k valid"; else fail "lint json $k: $out"; fi
done
# A glob as the last segment stands for parameters, not entries: it passed
# lint and planned a write of 1 to every key (and directory) below it.
for k in 'net.ipv4.conf."*"' 'net.ipv4."*"' 'net.ipv4.conf."*"."*"'; do
  f=$(prof glob-last "$k = 1")
  sk lint "$f"
  expect_rc 1 "lint $k"
  expect_contains "$err" "error[SK0005]" "lint $k: SK0005"
  expect_contains "$err" "'*' cannot be the last segment" "lint $k: says why"
done

# [modules.nf_conntrack] hashsize is an unsigned int above 0 or "auto": -1
# once passed lint and went to modprobe.d, where it stops nf_conntrack from
# loading at boot, and to /sys/module/nf_conntrack/parameters/hashsize.
for v in -1 0 4294967296 '"big"' '"0x100"'; do
  printf '[modules.nf_conntrack]\nhashsize = %s\n' "$v" >"$T/hs.toml"
  sk lint --kernel 6.1 "$T/hs.toml"
  expect_rc 1 "hashsize = $v"
  expect_contains "$err" "$T/hs.toml:2:12: error[SK0010]" "hashsize = $v: file, line and rule"
  expect_contains "$err" "hint: write hashsize = \"auto\" or a number of buckets from 1 to 4294967295" "hashsize = $v: what to write"
done
for v in 1 262144 4294967295 '"auto"'; do
  printf '[modules.nf_conntrack]\nhashsize = %s\n' "$v" >"$T/hs.toml"
  sk lint --kernel 6.1 "$T/hs.toml"
  expect_rc 0 "hashsize = $v is fine"
done

# A boolean field given another type names the key or module and says what
# to write (the message was "'optional' must be true or false", no hint).
printf '[sysctl]\nnet.ipv4.tcp_syncookies = { value = 1, optional = "yes" }\n' >"$T/opt.toml"
sk lint --kernel 6.1 "$T/opt.toml"
expect_rc 1 "optional = \"yes\""
expect_contains "$err" "$T/opt.toml:2:51: error[SK0007]: 'optional' of 'net.ipv4.tcp_syncookies' must be true or false" "optional: file, line, key"
expect_contains "$err" "hint: write optional = true (no quotes)" "optional: what to write"
printf '[modules.nf_conntrack]\nload = "yes"\n' >"$T/load.toml"
sk lint --kernel 6.1 "$T/load.toml"
expect_rc 1 "load = \"yes\""
expect_contains "$err" "$T/load.toml:2:8: error[SK0010]: 'load' of [modules.nf_conntrack] must be true or false" "load: file, line, module"
expect_contains "$err" "hint: write load = true (no quotes)" "load: what to write"

done_testing
