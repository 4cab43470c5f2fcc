#!/usr/bin/env bash
# --format json gives exactly one JSON document on standard output for every
# command, also when it fails (sysknob(8), JSON OUTPUT): export printed its
# fragment as plain text, and export of a broken profile, import of a
# missing file and snapshots over a damaged snapshot printed nothing.
# Nothing here needs root: the scratch root's state is planted by hand.
. "$SYSKNOB_SRC/tests/support/lib.sh"
ROOT=$(make_root)
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 20\n' >"$ROOT/etc/sysknob/profiles/web.toml"
printf '[sysctl\n' >"$ROOT/etc/sysknob/profiles/broken.toml"

# json_doc RC what FIELD...: the last command exited RC and printed one JSON
# object having every FIELD (and "error" when RC is 1).
json_doc() {
  local want=$1 what=$2
  shift 2
  expect_rc "$want" "$what"
  [ "$want" = 1 ] && set -- "$@" error
  if got=$(printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
missing = [f for f in sys.argv[1:] if f not in d]
print("ok" if isinstance(d, dict) and not missing else "missing " + " ".join(missing))' "$@" 2>&1); then
    expect_eq "$got" ok "$what: one JSON document with $*"
  else
    fail "$what: not JSON: $(printf '%s' "$out" | head -c 200)"
  fi
}
sk() { run "$SYSKNOB" --root "$ROOT" --format json "$@"; }

sk export web
json_doc 0 "export" fragment
frag=$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["fragment"], end="")')
run "$SYSKNOB" --root "$ROOT" export web
expect_eq "$frag" "$out" "export: the JSON fragment is the text export prints"
sk export broken
json_doc 1 "export of a broken profile" fragment diagnostics
sk export nosuch
json_doc 1 "export of a missing profile" fragment
sk import /nonexistent/sysctl.conf
json_doc 1 "import of a missing file" files settings findings profile
expect_contains "$err" "/nonexistent/sysctl.conf" "import names the file on stderr"
printf 'net.ipv4.tcp_fin_timeout = 20\n' >"$T/x.conf"
mkdir -p "$T/taken.toml/x"
sk import "$T/x.conf" --output "$T/taken.toml"
json_doc 1 "import to an --output that is a directory" files profile

mkdir -p "$ROOT/var/lib/sysknob/snapshots"
chmod 700 "$ROOT/var/lib/sysknob" "$ROOT/var/lib/sysknob/snapshots"
printf '\001\002 not a snapshot' >"$ROOT/var/lib/sysknob/snapshots/1.json"
chmod 600 "$ROOT/var/lib/sysknob/snapshots/1.json"
sk snapshots
json_doc 1 "snapshots over a damaged snapshot" snapshots
expect_contains "$err" "snapshots/1.json" "snapshots names the damaged file on stderr"

done_testing
