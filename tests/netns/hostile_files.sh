#!/usr/bin/env bash
# Files that lie: a state directory that is a symlink, belongs to another
# user or is world-writable; a fragment or state file that is a symlink; a
# lock file that is a symlink; a planted snapshot readable by others, owned
# by another user or a symlink. Each is refused with exit 1 and a message
# naming the path, and nothing changes: live values, the link's target, no
# fragment written.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

cat >"$T/p.toml" <<'TOML'
[profile]
name = "p"
description = "three writable keys"

[sysctl]
net.core.somaxconn = 1234
net.ipv4.tcp_fin_timeout = 33
net.ipv4.tcp_keepalive_time = 900
TOML
keys=(net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time)
live() { local k; for k in "${keys[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
before=$(live)
n=0
fresh() { n=$((n + 1)); root=$(make_root "$T/root$n"); }
sk() { run "$SYSKNOB" --root "$root" --no-color "$@"; }
frag() { echo "$root/etc/sysctl.d/90-sysknob.conf"; }

# refused_apply what needle...: apply exits 1, stderr has every needle,
# nothing changed live, no fragment, no committed snapshot.
refused_apply() {
  local what=$1
  shift
  sk apply "$T/p.toml"
  expect_rc 1 "$what: apply refused"
  local s
  for s in "$@"; do expect_contains "$err" "$s" "$what: message has '$s'"; done
  expect_eq "$(live)" "$before" "$what: live values unchanged"
  if [ -e "$(frag)" ] || [ -L "$(frag)" ]; then
    if [ -L "$(frag)" ] || { [ -d "$(frag)" ] && [ -z "$(ls -A "$(frag)")" ]; }; then
      pass "$what: the planted path is left as it was"
    else fail "$what: fragment written"; fi
  else pass "$what: no fragment"; fi
  # N.pending.json holds the text its commit gives it: only N.json counts.
  if find "$root/var/lib/sysknob/snapshots" -name '*.json' ! -name '*.pending.json' \
       -exec grep -l '"committed"' {} + 2>/dev/null | grep -q .; then
    fail "$what: a committed snapshot exists"
  else pass "$what: no committed snapshot"; fi
}

# --- the state directory --------------------------------------------------------
fresh
mkdir -m 0700 "$T/elsewhere"
ln -s "$T/elsewhere" "$root/var/lib/sysknob"
refused_apply "state dir is a symlink" "$root/var/lib/sysknob" "symbolic link"
expect_eq "$(ls -A "$T/elsewhere")" "" "nothing written through the state dir link"

fresh
mkdir -m 0700 "$root/var/lib/sysknob"
chown 65534:65534 "$root/var/lib/sysknob"
refused_apply "state dir owned by uid 65534" "$root/var/lib/sysknob" "65534"
expect_eq "$(ls -A "$root/var/lib/sysknob")" "" "nothing written into nobody's directory"

fresh
mkdir -m 0777 "$root/var/lib/sysknob"
chmod 0777 "$root/var/lib/sysknob"
refused_apply "world-writable state dir" "$root/var/lib/sysknob" "writable by group or others"

fresh
mkdir -m 0700 "$root/var/lib/sysknob"
mkdir -m 0777 "$root/var/lib/sysknob/snapshots"
chmod 0777 "$root/var/lib/sysknob/snapshots"
refused_apply "world-writable snapshots dir" "$root/var/lib/sysknob/snapshots" "writable by group or others"

fresh
mkdir -m 0700 "$root/var/lib/sysknob"
echo '{}' >"$T/fake-state.json"
ln -s "$T/fake-state.json" "$root/var/lib/sysknob/state.json"
refused_apply "state.json is a symlink" "$root/var/lib/sysknob/state.json" "symbolic link"
expect_eq "$(cat "$T/fake-state.json")" "{}" "the state link's target is untouched"

# --- the fragment ------------------------------------------------------------------
fresh
printf 'kernel.x = untouched\n' >"$T/x"
ln -s "$T/x" "$(frag)"
refused_apply "fragment is a symlink" "$(frag)"
expect_eq "$(cat "$T/x")" "kernel.x = untouched" "the fragment link's target is untouched"
expect_eq "$(readlink "$(frag)")" "$T/x" "the link itself is left in place"

fresh
ln -s "$T/not-there" "$(frag)"
refused_apply "fragment is a dangling symlink" "$(frag)"
[ -e "$T/not-there" ] && fail "the dangling link's target was created" || pass "the dangling link's target was not created"

fresh
mkdir "$(frag)"
refused_apply "fragment path is a directory" "$(frag)"

# --- the lock ------------------------------------------------------------------------
fresh
mkdir -p "$root/run/lock"
printf 'untouched\n' >"$T/lock-target"
ln -s "$T/lock-target" "$root/run/lock/sysknob.lock"
refused_apply "lock file is a symlink" "$root/run/lock/sysknob.lock" "symbolic link"
expect_eq "$(cat "$T/lock-target")" "untouched" "the lock link's target is untouched"
sk rollback
expect_rc 1 "rollback with a symlinked lock"
expect_contains "$err" "$root/run/lock/sysknob.lock" "rollback names the lock file"

fresh
mkdir -p "$root/run/lock"
ln -s "$T/lock-nowhere" "$root/run/lock/sysknob.lock"
refused_apply "lock file is a dangling symlink" "$root/run/lock/sysknob.lock"
[ -e "$T/lock-nowhere" ] && fail "the lock link's target was created" || pass "the lock link's target was not created"

fresh
mkdir -p "$root/run/lock"
touch "$root/run/lock/sysknob.lock"
chown 65534 "$root/run/lock/sysknob.lock"
refused_apply "lock file owned by uid 65534" "$root/run/lock/sysknob.lock"

# --- planted snapshots ------------------------------------------------------------------
fresh
sk apply "$T/p.toml"
expect_rc 0 "a real apply"
applied=$(live)
snap=$root/var/lib/sysknob/snapshots/1.json
[ -f "$snap" ] && pass "snapshot 1 written" || fail "no snapshot 1 at $snap"
expect_eq "$(stat -c %a "$snap")" 600 "snapshot mode is 0600"
frag_content=$(cat "$(frag)")

# refused_rollback what needle...: rollback exits 1 naming the snapshot; the
# applied values and the fragment stay.
refused_rollback() {
  local what=$1
  shift
  sk rollback
  expect_rc 1 "$what: rollback refused"
  local s
  for s in "$@"; do expect_contains "$err" "$s" "$what: message has '$s'"; done
  expect_eq "$(live)" "$applied" "$what: live values unchanged"
  expect_eq "$(cat "$(frag)")" "$frag_content" "$what: fragment unchanged"
}

chmod 0644 "$snap"
refused_rollback "snapshot mode 0644" "$snap" "0600"
chmod 0600 "$snap"
chown 65534 "$snap"
refused_rollback "snapshot owned by uid 65534" "$snap" "65534"
chown 0 "$snap"
mv "$snap" "$T/1.json"
ln -s "$T/1.json" "$snap"
refused_rollback "snapshot is a symlink" "$snap" "symbolic link"
rm "$snap"
mv "$T/1.json" "$snap"
# A second, planted snapshot (newer id, mode 0644) blocks the whole list.
cp "$snap" "$root/var/lib/sysknob/snapshots/2.json"
chmod 0644 "$root/var/lib/sysknob/snapshots/2.json"
refused_rollback "a planted 0644 snapshot 2" "$root/var/lib/sysknob/snapshots/2.json"
sk apply "$T/p.toml"
expect_rc 1 "apply with a planted 0644 snapshot"
expect_contains "$err" "$root/var/lib/sysknob/snapshots/2.json" "apply names the planted snapshot"
rm "$root/var/lib/sysknob/snapshots/2.json"
# The same for a planted pending name: it wins over N.json, so it is
# checked as strictly (the commit protocol, ARCHITECTURE.md).
cp "$snap" "$root/var/lib/sysknob/snapshots/1.pending.json"
chmod 0644 "$root/var/lib/sysknob/snapshots/1.pending.json"
refused_rollback "a planted 0644 1.pending.json" "$root/var/lib/sysknob/snapshots/1.pending.json" "0600"
rm "$root/var/lib/sysknob/snapshots/1.pending.json"
ln -s "$snap" "$root/var/lib/sysknob/snapshots/1.pending.json"
refused_rollback "1.pending.json is a symlink" "$root/var/lib/sysknob/snapshots/1.pending.json" "symbolic link"
rm "$root/var/lib/sysknob/snapshots/1.pending.json"

# With the plants gone, the genuine snapshot rolls back.
sk rollback
expect_rc 0 "rollback of the genuine snapshot"
expect_eq "$(live)" "$before" "live values back to before"

done_testing
