#!/usr/bin/env bash
# lint --container reports keys a container cannot own; --mem-total gives
# machine-aware rules the memory of another machine offline, and is refused
# where it makes no sense. Nothing is written.
. "$SYSKNOB_SRC/tests/support/lib.sh"

cat >"$T/app.toml" <<'TOML'
[sysctl]
vm.swappiness = 10
net.ipv4.tcp_sack = 1
TOML
run "$SYSKNOB" lint --kernel 6.1 --container "$T/app.toml"
expect_rc 0 "a global key in a container profile is a warning"
expect_contains "$err" "warning[SK1008]: 'vm.swappiness' is global" "SK1008 names the key"
expect_not_contains "$err" "tcp_sack" "a per-netns key is not reported"
run "$SYSKNOB" lint --kernel 6.1 --container --strict "$T/app.toml"
expect_rc 1 "--strict makes it an error"
run "$SYSKNOB" lint --kernel 6.1 "$T/app.toml"
expect_not_contains "$err" "SK1008" "without --container the host may set global keys"

cat >"$T/mem.toml" <<'TOML'
[sysctl]
vm.min_free_kbytes = 262144
TOML
run "$SYSKNOB" lint --kernel 6.1 --mem-total 2G "$T/mem.toml"
expect_rc 0 "a large reserve is a warning"
expect_contains "$err" "warning[SK3017]: vm.min_free_kbytes 262144 reserves 256 MiB, more than 5% of the 2048 MiB" "compared with --mem-total"
run "$SYSKNOB" lint --kernel 6.1 --mem-total 64G "$T/mem.toml"
expect_not_contains "$err" "SK3017" "quiet on a machine with enough memory"
run "$SYSKNOB" --verbose lint --kernel 6.1 "$T/mem.toml"
expect_contains "$err" "info[SK3019]" "offline without --mem-total the rule says the fact is unknown"
run "$SYSKNOB" lint --mem-total 2G "$T/mem.toml"
expect_rc 64 "--mem-total without --kernel is a usage error"
expect_contains "$err" "needs --kernel" "and says why"
run "$SYSKNOB" lint --kernel 6.1 --mem-total 2GB "$T/mem.toml"
expect_rc 64 "a malformed size is a usage error"
expect_contains "$err" "'2GB' is not a size" "naming the value"
done_testing
