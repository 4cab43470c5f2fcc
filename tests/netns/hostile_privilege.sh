#!/usr/bin/env bash
# Without root (setpriv to nobody, uid 65534, no groups): apply and rollback
# refuse at once with a message saying root is needed, before touching
# anything (the --root tree is nobody's own, so a stray write would land
# there; none may), while lint, diff, list and show work.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

command -v setpriv >/dev/null || skip "setpriv (util-linux) not found"
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nobody true 2>/dev/null || skip "setpriv cannot drop to uid 65534 here"
chmod 0755 "$T"
# A clone under /root (mode 0700, as on a fresh machine) is out of nobody's
# reach: then run a copy of the binary, with a copy of the shipped data
# (SYSKNOB_DATADIR), from the scratch directory.
if ! nobody test -x "$SYSKNOB" || ! nobody test -r "$SRC/profiles/base.toml"; then
  mkdir -p "$T/bin" "$T/data"
  cp "$SYSKNOB" "$T/bin/sysknob"
  cp -r "$SRC/profiles" "$SRC/schemas" "$T/data/"
  chmod -R a+rX "$T/bin" "$T/data"
  SYSKNOB=$T/bin/sysknob
  export SYSKNOB_DATADIR=$T/data
  echo "note: the build or source tree is not readable by uid 65534; running a copy from $T"
fi
nobody test -x "$SYSKNOB" || { fail "$SYSKNOB is not executable by uid 65534 even as a copy in $T"; done_testing; }

root=$(make_root "$T/root")
chown -R 65534:65534 "$root"
cat >"$T/p.toml" <<'TOML'
[profile]
name = "p"
description = "two writable keys"

[sysctl]
net.core.somaxconn = 1234
net.ipv4.tcp_fin_timeout = 33
TOML
chmod 0644 "$T/p.toml"
keys=(net.core.somaxconn net.ipv4.tcp_fin_timeout)
live() { local k; for k in "${keys[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
tree() { (cd "$root" && find . | sort); }
before_live=$(live)
before_tree=$(tree)

sk() { run nobody "$SYSKNOB" --root "$root" --no-color "$@"; }

for cmd in "apply $T/p.toml" "apply --runtime-only $T/p.toml" "apply --persist-only $T/p.toml" \
           "rollback" "rollback 1" "rollback --discard 1"; do
  # shellcheck disable=SC2086
  sk $cmd
  expect_rc 1 "unprivileged $cmd"
  expect_contains "$err" "needs root" "$cmd: says root is needed"
  expect_eq "$(tree)" "$before_tree" "$cmd: nothing created under --root (no lock, no state)"
  expect_eq "$(live)" "$before_live" "$cmd: no live value changed"
done

sk apply --format json "$T/p.toml"
expect_rc 1 "unprivileged apply --format json"
if printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["changed"] is False and "root" in d["error"]' 2>/dev/null
then pass "json refusal says root is needed"; else fail "json refusal: $out"; fi
expect_eq "$(tree)" "$before_tree" "json apply: nothing created under --root"

# The read-only commands work for anyone.
sk lint --kernel 5.15 "$T/p.toml"
expect_rc 0 "unprivileged lint --kernel 5.15"
sk lint "$T/p.toml"
expect_rc 0 "unprivileged lint (live kernel)"
sk diff "$T/p.toml"
if [ "$rc" = 0 ] || [ "$rc" = 2 ]; then pass "unprivileged diff (exit $rc)"; else fail "unprivileged diff: exit $rc: $err"; fi
expect_contains "$out" "net.core.somaxconn" "diff shows the key"
sk list
expect_rc 0 "unprivileged list"
expect_contains "$out" "base" "list shows the shipped profiles"
sk show base
expect_rc 0 "unprivileged show base"
expect_contains "$out" "net.core.somaxconn" "show prints the settings"
sk show "$T/p.toml"
expect_rc 0 "unprivileged show FILE"
expect_eq "$(tree)" "$before_tree" "read-only commands created nothing under --root"
expect_eq "$(live)" "$before_live" "no live value changed at all"

# After root applied, the root-owned state is still refused to nobody's
# rollback, and nobody's diff still works.
chown -R 0:0 "$root"
run "$SYSKNOB" --root "$root" --no-color apply "$T/p.toml"
expect_rc 0 "root applies"
after_tree=$(tree)
applied_live=$(live)
sk rollback
expect_rc 1 "unprivileged rollback after a root apply"
expect_contains "$err" "needs root" "rollback: says root is needed"
expect_eq "$(live)" "$applied_live" "rollback refused: live values stay applied"
expect_eq "$(tree)" "$after_tree" "rollback refused: no file added or removed"
sk diff "$T/p.toml"
if [ "$rc" = 0 ] || [ "$rc" = 2 ]; then pass "unprivileged diff after a root apply (exit $rc)"; else fail "unprivileged diff after apply: exit $rc: $err"; fi
run "$SYSKNOB" --root "$root" --no-color rollback
expect_rc 0 "root rolls back"
expect_eq "$(live)" "$before_live" "live values back"

done_testing
