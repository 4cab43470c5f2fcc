#!/usr/bin/env bash
# The CLI frame: commands listed, usage errors exit 64, global options before
# or after the command, --version, and JSON that is one document on stdout.
. "$SYSKNOB_SRC/tests/support/lib.sh"
root=$(make_root)

run "$SYSKNOB" --help
expect_rc 0 "--help"
for c in list show lint diff apply snapshots rollback status doctor; do expect_contains "$out" "$c" "--help lists '$c'"; done

run "$SYSKNOB" --bogus
expect_rc 64 "an unknown option is a usage error"
run "$SYSKNOB" apply
expect_rc 64 "a missing PROFILE is a usage error"
run "$SYSKNOB" frobnicate
expect_rc 64 "an unknown command is a usage error"
run "$SYSKNOB" --format yaml list
expect_rc 64 "an unknown format is a usage error"
run "$SYSKNOB" apply --priority 100 base
expect_rc 64 "a priority outside 0-99 is a usage error"

run "$SYSKNOB" --version
expect_rc 0 "--version"
expect_contains "$out" "sysknob " "--version names the program"

cp "$SRC/profiles/base.toml" "$root/etc/sysknob/profiles/mine.toml"
sed -i 's/^name = .*/name = "mine"/' "$root/etc/sysknob/profiles/mine.toml"
run "$SYSKNOB" --root "$root" list
expect_contains "$out" "mine" "global option before the command"
run "$SYSKNOB" list --root "$root"
expect_contains "$out" "mine" "global option after the command"
run "$SYSKNOB" list --root "$root" --format json
expect_rc 0 "list --format json"
n=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len([p for p in d["profiles"] if p["name"]=="mine"]))')
expect_eq "$n" "1" "stdout is one JSON document listing the admin profile"

run "$SYSKNOB" --kernel 5.15 lint base --format json
expect_rc 0 "lint of a shipped profile for 5.15"
expect_contains "$out" '"ok": true' "lint JSON says ok"

printf '[sysctl]\nnet.ipv4.tcp_tw_recycle = 1\n' >"$T/old.toml"
run "$SYSKNOB" --kernel 4.19 lint "$T/old.toml"
expect_rc 1 "tcp_tw_recycle is an error for 4.19"
expect_contains "$err" "$T/old.toml:2:1: error[SK2001]" "diagnostic names file, line, column and rule"
run "$SYSKNOB" --kernel 4.4 lint "$T/old.toml"
expect_rc 0 "tcp_tw_recycle exists on 4.4 (warnings only)"
expect_contains "$err" "SK3001" "but the NAT rule warns"
run "$SYSKNOB" --kernel 4.4 lint --strict "$T/old.toml"
expect_rc 1 "--strict turns the warning into an error"

# Only the command being run gets its options set up (run.cpp): the command
# is found past global options and their values, even one named like a command.
mkdir -p "$T/apply/etc/sysknob/profiles"
cp "$root/etc/sysknob/profiles/mine.toml" "$T/apply/etc/sysknob/profiles/"
cd "$T"
run "$SYSKNOB" --root apply --format json show mine --kernel 5.15
cd - >/dev/null
expect_rc 0 "--root whose value is a command name, then show"
expect_contains "$out" 'apply/etc/sysknob/profiles/mine.toml' "show ran with its own arguments, under the root named apply"
run "$SYSKNOB" --format=json -q lint --strict --kernel=5.15 base
expect_rc 0 "--opt=value and flags before the command"
run "$SYSKNOB" -q show --strict base
expect_rc 64 "an option of another command is still refused"
run "$SYSKNOB" --root "$root" -- lint base
expect_rc 64 "'--' before the command leaves no command"
for c in list show lint diff apply snapshots rollback status doctor; do
  run "$SYSKNOB" "$c" --help
  expect_rc 0 "$c --help"
  expect_contains "$out" "sysknob $c" "$c --help shows its usage"
done

run "$SYSKNOB" lint --list-rules --format json
expect_rc 0 "--list-rules"
expect_contains "$out" '"SK1001"' "rules listed with ids"
done_testing
