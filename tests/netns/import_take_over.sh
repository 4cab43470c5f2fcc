#!/usr/bin/env bash
# import --take-over under --root: the imported profile is applied, the
# imported /etc files move into a dated backup under /var/lib/sysknob (mode
# and owner kept), package files are masked by /etc/sysctl.d links to
# /dev/null and never changed; afterwards the boot model has sysknob's
# fragment as its only writer (status, diff, import --boot). `rollback`
# puts every file back byte for byte with mode and owner, removes the masks,
# the backup and the profile; a second rollback redoes the take-over. The
# refusals change nothing.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
PY=/usr/bin/python3

KEYS=(net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_keepalive_intvl net.core.somaxconn
      net.ipv4.tcp_max_syn_backlog)
live() { local k; for k in "${KEYS[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
# Every file and link under the root (snapshots and the lock aside): path,
# type, mode, owner, link target, content hash.
tree() {
  (cd "$ROOT" && find . \( -path ./var/lib/sysknob/snapshots -o -path ./run/lock \) -prune -o \
      \( -type f -o -type l \) -printf '%p %y %m %U:%G %l ' -exec sh -c \
      'if [ -L "$1" ]; then echo; else sha256sum <"$1" | cut -d" " -f1; fi' _ {} \; | sort)
}

mkdir -p "$ROOT/run/sysctl.d"
cat >"$ROOT/usr/lib/sysctl.d/50-pkg.conf" <<'X'
# shipped by a package
net.ipv4.tcp_fin_timeout = 51
X
cat >"$ROOT/usr/lib/sysctl.d/60-hidden.conf" <<'X'
net.ipv4.tcp_keepalive_time = 111
X
cat >"$ROOT/etc/sysctl.d/60-hidden.conf" <<'X'
# the admin's copy hides the package's
net.ipv4.tcp_keepalive_time = 222
X
printf '# early\nnet.ipv4.tcp_keepalive_intvl = 21\n' >"$ROOT/etc/sysctl.d/10-early.conf"
chmod 0640 "$ROOT/etc/sysctl.d/10-early.conf"
chown 1:2 "$ROOT/etc/sysctl.d/10-early.conf"
printf 'net.ipv4.tcp_max_syn_backlog = 2001\n' >"$ROOT/etc/sysctl.d/95-late.conf"
printf '# the old way\nnet.core.somaxconn = 1234\n' >"$ROOT/etc/sysctl.conf"
chmod 0600 "$ROOT/etc/sysctl.conf"
ln -s ../sysctl.conf "$ROOT/etc/sysctl.d/99-sysctl.conf"
orig_live=$(live)
before=$(tree)
pkg_sum=$(sha256sum <"$ROOT/usr/lib/sysctl.d/50-pkg.conf")

# --- review first: import -o into the profile directory, then take over ----
run sk import --boot --name host -o "$ROOT/etc/sysknob/profiles/host.toml"
expect_rc 0 "import for review"
expect_contains "$(cat "$ROOT/etc/sysknob/profiles/host.toml")" "#   /etc/sysctl.d/10-early.conf (fnv1a64:" \
  "the profile stamps each file it came from"
rm "$ROOT/etc/sysknob/profiles/host.toml"
before=$(tree)

run sk import --boot --take-over --name host -o "$T/x.toml"
expect_rc 64 "--take-over with --output is a usage error"

run sk import --boot --take-over --name host
expect_rc 0 "take-over"
expect_contains "$out" "moved aside /etc/sysctl.d/10-early.conf" "it says what moved"
expect_contains "$out" "masked /usr/lib/sysctl.d/50-pkg.conf" "and what is masked"
expect_contains "$err" "into '/etc/sysknob/profiles/host.toml'" "import's summary: where the profile went"
expect_contains "$err" "live value differs from the files (" "import's summary: the findings, grouped"
expect_eq "$(proc net.ipv4.tcp_fin_timeout)" 51 "the package's value is live (applied from the profile)"
expect_eq "$(proc net.core.somaxconn)" 1234 "sysctl.conf's value is live"
expect_eq "$(proc net.ipv4.tcp_keepalive_time)" 222 "the /etc copy's value is live"

for f in 10-early.conf 60-hidden.conf 95-late.conf 99-sysctl.conf; do
  case $f in
    60-hidden.conf) expect_eq "$(readlink "$ROOT/etc/sysctl.d/$f")" /dev/null "$f: an /etc file that hides a package file becomes its mask" ;;
    *) [ -e "$ROOT/etc/sysctl.d/$f" ] || [ -L "$ROOT/etc/sysctl.d/$f" ] && fail "$f still in /etc/sysctl.d" || pass "$f moved aside" ;;
  esac
done
[ -e "$ROOT/etc/sysctl.conf" ] && fail "/etc/sysctl.conf still there" || pass "/etc/sysctl.conf moved aside with its link"
expect_eq "$(readlink "$ROOT/etc/sysctl.d/50-pkg.conf")" /dev/null "the package file is masked by a /dev/null link"
expect_eq "$(sha256sum <"$ROOT/usr/lib/sysctl.d/50-pkg.conf")" "$pkg_sum" "the package file itself is untouched"
backup=$(ls -d "$ROOT"/var/lib/sysknob/takeover/*)
expect_eq "$(stat -c '%a %U:%G' "$ROOT/var/lib/sysknob/takeover")" "700 root:root" "the backup directory is private"
expect_eq "$(stat -c '%a %u:%g' "$backup/etc/sysctl.d/10-early.conf")" "640 1:2" "the backup keeps mode and owner"
expect_eq "$(cat "$backup/etc/sysctl.d/10-early.conf")" "$(printf '# early\nnet.ipv4.tcp_keepalive_intvl = 21')" "and the bytes"
expect_eq "$(readlink "$backup/etc/sysctl.d/99-sysctl.conf")" ../sysctl.conf "a link is backed up as a link"
expect_contains "$(cat "$ROOT/etc/sysknob/profiles/host.toml")" 'name = "host"' "the profile is in the profile directory"

# --- the boot model afterwards: sysknob's fragment is the only writer ------
run sk import --boot --format json
expect_rc 0 "import --boot after the take-over"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["files"])')" \
  "['/etc/sysctl.d/90-sysknob.conf']" "boot reads sysknob's fragment only"
run sk status --format json
expect_rc 0 "status in sync"
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print(j["active"], j["shadowed"])')" \
  "host []" "status: the imported profile is active, no shadows"
run sk diff host
expect_rc 0 "diff: in sync, nothing overrides it at boot"
expect_not_contains "$out$err" "overridden" "diff shows no shadow"
run sk apply host
expect_rc 0 "apply of the taken-over profile by name (profile search path)"
expect_contains "$out" "nothing to change" "and it is in sync"

# --- rollback: byte for byte, mode and owner, masks and backup gone --------
after=$(tree)
run sk rollback --format json
expect_rc 0 "rollback of the take-over"
rb=$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["snapshot"])')
expect_eq "$(tree)" "$before" "every file back where it was, byte for byte, with mode and owner"
expect_eq "$(live)" "$orig_live" "every live value back"
[ -e "$ROOT/var/lib/sysknob/takeover" ] && fail "backup directory left behind" || pass "the backup directory is gone"
run sk rollback "$rb"
expect_rc 0 "rolling back the rollback"
expect_eq "$(tree | grep -v ' ./var/lib/sysknob/state.json ')" "$(printf '%s\n' "$after" | grep -v ' ./var/lib/sysknob/state.json ')" \
  "redoes the take-over exactly"
run sk rollback
expect_rc 0 "and undoing it again"
expect_eq "$(tree)" "$before" "back to the start"

# --- refusals: each changes nothing ---------------------------------------
refused() { # refused WHAT NEEDLE
  expect_rc 1 "$1: refused"
  expect_contains "$err" "$2" "$1: says why"
  expect_contains "$err" "nothing was changed" "$1: says nothing changed"
  expect_eq "$(tree)" "$before" "$1: no file changed"
  expect_eq "$(live)" "$orig_live" "$1: no live value changed"
}
run sk import --take-over --name pkg "$ROOT/usr/lib/sysctl.d/60-hidden.conf"
refused "a mask where a real /etc file is" "'/etc/sysctl.d/60-hidden.conf' exists as a file"

run sk import --boot --name host -o "$ROOT/etc/sysknob/profiles/host.toml"
before=$(tree)
printf 'net.ipv4.tcp_keepalive_intvl = 22\n' >>"$ROOT/etc/sysctl.d/10-early.conf"
before=$(tree)
run sk import --boot --take-over --name host
refused "a file changed since the import" "'/etc/sysctl.d/10-early.conf' changed since it was imported"
rm "$ROOT/etc/sysknob/profiles/host.toml"

printf 'just a profile\n' >"$ROOT/etc/sysknob/profiles/mine.toml"
before=$(tree)
run sk import --boot --take-over --name mine
refused "a profile of that name not written by import" "was not written by \`sysknob import\`"
rm "$ROOT/etc/sysknob/profiles/mine.toml"

printf -- '-net.ipv4.tcp_sack\n' >"$ROOT/etc/sysctl.d/20-excl.conf"
before=$(tree)
run sk import --boot --take-over --name host
refused "a file with a line the profile cannot hold" "/etc/sysctl.d/20-excl.conf:1:"
rm "$ROOT/etc/sysctl.d/20-excl.conf"

printf 'net.ipv4.tcp_fin_timeout = 40\n' >"$T/outside.conf"
before=$(tree)
run sk import --take-over "$T/outside.conf"
refused "a file outside --root" "is outside --root"

mkdir -p "$T/tuned/p"
printf '[sysctl]\nnet.ipv4.tcp_fin_timeout = 40\n' >"$T/tuned/p/tuned.conf"
run sk import --take-over "$T/tuned/p"
expect_rc 1 "a tuned profile cannot be taken over"
expect_contains "$err" "not tuned profiles" "and says so"

# A pending snapshot blocks a take-over as it blocks apply.
run env SYSKNOB_FAULT=live-write:1 "$SYSKNOB" --root "$ROOT" import --boot --take-over --name host
if [ "$rc" = 137 ]; then
  run sk import --boot --take-over --name host
  expect_rc 1 "a take-over with a pending snapshot"
  expect_contains "$err" "did not finish" "is refused until rollback"
  run sk rollback
  expect_rc 0 "rollback of the killed take-over"
  expect_eq "$(tree)" "$before" "restores the start"
else
  skip "binary built without SYSKNOB_TEST_HOOKS"
fi
done_testing
