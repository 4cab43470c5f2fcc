#!/usr/bin/env bash
# import --take-over --dry-run shows everything the take-over would do (the
# profile it would store, each key before -> after, the fragment, each /etc
# entry moved aside with its backup path, each /dev/null mask with the
# files it hides), in text and JSON, exits 0 as apply --dry-run does, and
# changes nothing: every file, directory and link of the root (sha256, type,
# mode, owner, link target) and every live value are compared. The real
# take-over then does what the dry run said, at the --priority given.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
PY=/usr/bin/python3

KEYS=(net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl net.core.somaxconn)
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
# The whole tree, nothing pruned: directories too, so a directory the dry
# run made (snapshots, the backup, the lock) shows.
tree() {
  (cd "$ROOT" && find . -printf '%p %y %m %U:%G %l ' -exec sh -c \
      'if [ -f "$1" ] && [ ! -L "$1" ]; then sha256sum <"$1" | cut -d" " -f1; else echo; fi' _ {} \; | sort)
}
js() { printf '%s' "$out" | "$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

take_over_fixture "$ROOT"
echo 60 >/proc/sys/net/ipv4/tcp_fin_timeout
orig_live=$(live)
before=$(tree)
unchanged() {
  expect_eq "$(tree)" "$before" "$1: no file, directory or link changed"
  expect_eq "$(live)" "$orig_live" "$1: no live value changed"
}

# --- text -------------------------------------------------------------------
run sk import --boot --take-over --dry-run --name host
expect_rc 0 "dry run: exit 0, as apply --dry-run"
unchanged "dry run"
expect_contains "$out" "would take over for profile host:" "it names the profile"
expect_contains "$out" "profile /etc/sysknob/profiles/host.toml (written by the take-over)" "the profile it would store"
expect_contains "$out" "net.ipv4.tcp_fin_timeout: 60 -> 51" "each key, before -> after"
expect_contains "$out" "create /etc/sysctl.d/90-sysknob.conf" "the fragment"
stamp_re='/var/lib/sysknob/takeover/[0-9TZ-]*-1'
for f in /etc/sysctl.d/10-early.conf /etc/sysctl.d/60-hidden.conf /etc/sysctl.d/99-sysctl.conf /etc/sysctl.conf; do
  printf '%s\n' "$out" | grep -qx "  move aside $f -> $stamp_re$f" &&
    pass "dry run: $f moved aside to its backup path" || fail "dry run: no 'move aside $f -> ...$f' in: $out"
done
expect_contains "$out" "mask /etc/sysctl.d/50-pkg.conf -> /dev/null (hides /usr/lib/sysctl.d/50-pkg.conf)" "a package file's mask"
expect_contains "$out" "mask /etc/sysctl.d/60-hidden.conf -> /dev/null (hides /usr/lib/sysctl.d/60-hidden.conf)" \
  "the mask an /etc file becomes"
expect_contains "$out" "dry run: nothing was changed" "it says nothing changed"
# import's grouped summary, on standard error as import prints it
expect_contains "$err" "imported 4 keys from 4 files into '/etc/sysknob/profiles/host.toml' (dry run: not written)" \
  "the summary's headline"
expect_contains "$err" "live value differs from the files (" "the findings, grouped"
expect_contains "$err" "/usr/lib/sysctl.d/50-pkg.conf:2: live value '60' differs from the files' '51'" "each with file:line"

# --- JSON, at another priority -----------------------------------------------
run sk --format json import --boot --take-over --dry-run --priority 95 --name host
expect_rc 0 "dry run, JSON"
unchanged "dry run, JSON"
expect_eq "$(js 'j["changed"], j["dry_run"], j["snapshot"], j["profile"], j["profile_written"]')" \
  "False True None /etc/sysknob/profiles/host.toml True" "the document says dry run, no snapshot"
expect_eq "$(js '[(c["from"], c["to"]) for c in j["changes"] if c["key"] == "net.ipv4.tcp_fin_timeout"]')" \
  "[('60', '51')]" "changes as apply's: key, from, to"
expect_contains "$(js '[f["path"] for f in j["files"]]')" "/etc/sysctl.d/95-sysknob.conf" "--priority names the fragment"
expect_eq "$(js 'all(m["backup"] == j["backup"] + m["path"] for m in j["moves"]) and len(j["moves"])')" 4 \
  "each entry moved aside with its backup path below the backup directory"
expect_eq "$(js 'sorted((m["path"], m["target"], m["hides"]) for m in j["masks"])')" \
  "[('/etc/sysctl.d/50-pkg.conf', '/dev/null', ['/usr/lib/sysctl.d/50-pkg.conf']), ('/etc/sysctl.d/60-hidden.conf', '/dev/null', ['/usr/lib/sysctl.d/60-hidden.conf'])]" \
  "each mask with what it hides"
expect_contains "$(js '[(f["kind"], f["file"], f["line"]) for f in j["findings"]]')" \
  "('live value differs from the files', '/usr/lib/sysctl.d/50-pkg.conf', 2)" "the findings, as import's document has them"
dry=$out

# --- the real take-over does what the dry run said -----------------------------
run sk --format json import --boot --take-over --priority 95 --name host
expect_rc 0 "take-over at --priority 95"
same='(j["changes"], j["files"], j["moved"], j["masked"], [m["path"] for m in j["moves"]], j["masks"], j["backup"].rsplit("-", 1)[1])'
expect_eq "$(js "$same")" "$(out=$dry js "$same")" "the take-over did what the dry run showed"
[ -f "$ROOT/etc/sysctl.d/95-sysknob.conf" ] && pass "the fragment is 95-sysknob.conf" || fail "no 95-sysknob.conf"
[ -e "$ROOT/etc/sysctl.d/90-sysknob.conf" ] && fail "a 90-sysknob.conf was written" || pass "no 90 fragment"
expect_eq "$(proc net.ipv4.tcp_fin_timeout)" 51 "the value is live"
run sk rollback
expect_rc 0 "rollback"
expect_eq "$(tree | grep -v '^\./var\|^\./run\|^\. ')" "$(printf '%s\n' "$before" | grep -v '^\./var\|^\./run\|^\. ')" \
  "rollback restores /etc and /usr"
expect_eq "$(live)" "$orig_live" "and the live values"

# --- refusals and usage --------------------------------------------------------
before=$(tree)
run sk import --boot --name host -o "$ROOT/etc/sysknob/profiles/host.toml"
printf 'net.ipv4.tcp_keepalive_intvl = 22\n' >>"$ROOT/etc/sysctl.d/10-early.conf"
before=$(tree)
run sk import --boot --take-over --dry-run --name host
expect_rc 1 "a dry run reports the refusal the take-over would give"
expect_contains "$err" "'/etc/sysctl.d/10-early.conf' changed since it was imported" "and why"
unchanged "refused dry run"
run sk import --boot --dry-run --name host
expect_rc 64 "--dry-run without --take-over is a usage error"
run sk import --boot --priority 95 --name host
expect_rc 64 "--priority without --take-over is a usage error"
run sk import --boot --take-over --dry-run --priority 100 --name host
expect_rc 64 "--priority out of 0..99 is a usage error"
unchanged "usage errors"
done_testing
