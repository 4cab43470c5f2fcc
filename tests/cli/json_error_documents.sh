#!/usr/bin/env bash
# With --format json, a command that fails still prints one JSON document
# on standard output (its usual fields, with "error" saying what failed),
# so a caller such as Ansible never has to parse stderr: status and diff
# over a state file that cannot be read, apply of a missing profile.
. "$SYSKNOB_SRC/tests/support/lib.sh"
ROOT=$(make_root)
mkdir -p "$ROOT/var/lib/sysknob"
printf 'not json at all\n' >"$ROOT/var/lib/sysknob/state.json"
cat >"$ROOT/etc/sysknob/profiles/web.toml" <<'TOML'
[profile]
name = "web"
[sysctl]
net.ipv4.tcp_syncookies = 1
TOML

doc() { printf '%s' "$out" | python3 -c '
import json,sys
d=json.load(sys.stdin)
print(bool(d.get("error")), d.get("in_sync"), sys.argv[1] in d)' "$1"; }

run "$SYSKNOB" --root "$ROOT" --format json status
expect_rc 1 "status over an unreadable state fails"
expect_contains "$err" "state.json" "naming the file on stderr"
expect_eq "$(doc drift)" "True False True" "status: one JSON document with error, in_sync false, drift"

run "$SYSKNOB" --root "$ROOT" --format json diff web
expect_rc 1 "diff over an unreadable state fails"
expect_eq "$(doc changes)" "True False True" "diff: one JSON document with error, in_sync false, changes"

run "$SYSKNOB" --root "$ROOT" --format json apply no-such-profile
expect_rc 1 "apply of a missing profile fails"
expect_eq "$(doc changes)" "True None True" "apply: one JSON document with error and changes"
expect_eq "$(cat "$ROOT/var/lib/sysknob/state.json")" "not json at all" "nothing was changed"
done_testing
