#!/usr/bin/env bash
# A profile is known by its file name: a declared [profile] name that is
# not the file name is an error (SK0011) naming the file and line and
# saying what to do, by lint and by every command that loads the profile,
# which then changes nothing; a matching name, or none, is quiet; a
# misnamed parent is reported through its child.
. "$SYSKNOB_SRC/tests/support/lib.sh"

mkdir -p "$T/p"
cat >"$T/p/web.toml" <<'TOML'
[profile]
name = "acc-boot"
[sysctl]
net.ipv4.tcp_syncookies = 1
TOML
run "$SYSKNOB" lint --kernel 6.1 "$T/p/web.toml"
expect_rc 1 "a misnamed profile is an error for lint"
expect_contains "$err" "web.toml:2" "the warning names the file and the line of name"
expect_contains "$err" "error[SK0011]: profile name 'acc-boot' does not match its file name 'web.toml'" "SK0011 says what is wrong"
expect_contains "$err" "write name = \"web\", or rename the file to acc-boot.toml" "and what to do"
run "$SYSKNOB" lint --kernel 6.1 --format json "$T/p/web.toml"
expect_eq "$(printf '%s' "$out" | python3 -c '
import json,sys
d=[x for x in json.load(sys.stdin)["diagnostics"] if x["id"]=="SK0011"]
print(len(d), d[0]["severity"], d[0]["line"])')" "1 error 2" "JSON: one SK0011 error on line 2"

ROOT=$(make_root)
for cmd in "apply --dry-run" "diff"; do
  run "$SYSKNOB" --root "$ROOT" $cmd "$T/p/web.toml"
  expect_rc 1 "$cmd refuses a misnamed profile"
  expect_contains "$err" "SK0011" "$cmd reports SK0011"
done
[ -z "$(find "$ROOT" -type f)" ] && pass "nothing was written" || fail "files written: $(find "$ROOT" -type f)"

sed -i 's/"acc-boot"/"web"/' "$T/p/web.toml"
run "$SYSKNOB" lint --kernel 6.1 --strict "$T/p/web.toml"
expect_rc 0 "the name of the file is accepted"
expect_not_contains "$err" "SK0011" "and not reported"
sed -i '/^name = /d' "$T/p/web.toml"
run "$SYSKNOB" lint --kernel 6.1 --strict "$T/p/web.toml"
expect_rc 0 "no name at all is accepted"

# Parents are looked up by name in the profile directories.
R2=$(make_root "$T/r2")
cat >"$R2/etc/sysknob/profiles/base2.toml" <<'TOML'
[profile]
name = "base"
[sysctl]
net.ipv4.tcp_sack = 1
TOML
cat >"$R2/etc/sysknob/profiles/child.toml" <<'TOML'
[profile]
name = "child"
extends = "base2"
[sysctl]
net.ipv4.tcp_syncookies = 1
TOML
run "$SYSKNOB" --root "$R2" lint --kernel 6.1 --strict child
expect_rc 1 "a misnamed parent is reported through its child"
expect_contains "$err" "base2.toml:2" "naming the parent's file"

done_testing
