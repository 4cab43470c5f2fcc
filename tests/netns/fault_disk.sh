#!/usr/bin/env bash
# Full and read-only disks. After a first successful apply, /etc/sysctl.d
# under --root becomes a tiny tmpfs holding that fragment: (1) filled to
# the last byte, (2) remounted read-only. Applying a different profile then
# exits 1 saying what happened, leaves the previous fragment byte for byte,
# and puts every live value back to what the first apply set. (3) With a
# full snapshot directory, apply changes nothing at all.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns --mount

mount -t tmpfs -o size=64k tmpfs "$T" 2>/dev/null && umount "$T" || skip "cannot mount tmpfs here"
root=$(make_root)
# A failed assertion under set -e may leave the tmpfs mounts; drop them so $T can go.
cleanup() {
  local st=$?
  umount -l "$root/etc/sysctl.d" 2>/dev/null || true
  umount -l "$root/var/lib/sysknob/snapshots" 2>/dev/null || true
  rm -rf "$T"
  exit "$st"
}
trap cleanup EXIT
sk() { run "$SYSKNOB" --root "$root" --no-color "$@"; }
frag=$root/etc/sysctl.d/90-sysknob.conf
keys=(net.core.somaxconn net.ipv4.tcp_fin_timeout net.ipv4.tcp_keepalive_time net.ipv4.tcp_max_syn_backlog)
live() { local k; for k in "${keys[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
snapshots() { ls "$root/var/lib/sysknob/snapshots" 2>/dev/null | sort; }

cat >"$T/a.toml" <<'TOML'
[profile]
name = "a"
description = "first profile"

[sysctl]
net.core.somaxconn = 1111
net.ipv4.tcp_fin_timeout = 31
TOML
# b changes a's keys and adds two, with long comments so its fragment
# cannot fit in what is left of the disk.
{
  printf '[profile]\nname = "b"\ndescription = "second profile"\n\n[sysctl]\n'
  printf 'net.core.somaxconn = { value = 2222, comment = "%s" }\n' "$(printf 'x%.0s' $(seq 1 900))"
  printf 'net.ipv4.tcp_fin_timeout = 32\n'
  printf 'net.ipv4.tcp_keepalive_time = 901\n'
  printf 'net.ipv4.tcp_max_syn_backlog = { value = 2048, comment = "%s" }\n' "$(printf 'y%.0s' $(seq 1 900))"
} >"$T/b.toml"

original=$(live)
sk apply "$T/a.toml"
expect_rc 0 "first apply (profile a)"
after_a=$(live)
frag_a=$(cat "$frag")
mode_a=$(stat -c %a "$frag")

# mount_tiny: /etc/sysctl.d becomes a 16 KiB tmpfs holding a's fragment.
mount_tiny() {
  cp -p "$frag" "$T/frag.saved"
  mount -t tmpfs -o size=16k,mode=0755 tmpfs "$root/etc/sysctl.d"
  cp -p "$T/frag.saved" "$frag"
}

# failed_b what reason: apply b exits 1 with `reason`, a's fragment and
# live values are intact, b's snapshot is marked failed.
failed_b() {
  local what=$1 reason=$2 before_snaps
  before_snaps=$(snapshots)
  sk apply "$T/b.toml"
  expect_rc 1 "$what: apply b fails"
  expect_contains "$err" "$reason" "$what: says '$reason'"
  expect_contains "$err" "90-sysknob.conf" "$what: names the fragment"
  expect_eq "$(cat "$frag")" "$frag_a" "$what: previous fragment intact"
  expect_eq "$(stat -c %a "$frag")" "$mode_a" "$what: previous fragment mode intact"
  expect_eq "$(live)" "$after_a" "$what: live values back to profile a's"
  expect_eq "$(ls -A "$root/etc/sysctl.d" | grep -c sysknob-tmp || true)" 0 "$what: no temporary file left"
  local new
  new=$(comm -13 <(echo "$before_snaps") <(snapshots) | head -1)
  if [ -n "$new" ] && grep -q '"status": "failed"' "$root/var/lib/sysknob/snapshots/$new"; then
    pass "$what: snapshot $new marked failed"
  else fail "$what: no failed snapshot recorded (new: '$new')"; fi
  sk status
  [ "$rc" -lt 128 ] && pass "$what: status still runs (exit $rc)" || fail "$what: status crashed"
  expect_not_contains "$out$err" "did not finish" "$what: no unfinished transaction left behind"
}

# --- 1. full disk -------------------------------------------------------------------
mount_tiny
dd if=/dev/zero of="$root/etc/sysctl.d/zz-filler" bs=1k 2>/dev/null || true
[ "$(df --output=avail "$root/etc/sysctl.d" | tail -1)" -lt 4 ] && pass "tmpfs is full" || fail "tmpfs not full: $(df "$root/etc/sysctl.d")"
failed_b "full /etc/sysctl.d" "No space left on device"

# --- 2. read-only ---------------------------------------------------------------------
rm -f "$root/etc/sysctl.d/zz-filler"
mount -o remount,ro "$root/etc/sysctl.d"
failed_b "read-only /etc/sysctl.d" "Read-only file system"

# Writable again: b applies, and a rollback returns to a exactly.
mount -o remount,rw "$root/etc/sysctl.d"
sk apply "$T/b.toml"
expect_rc 0 "apply b once the disk is writable"
sk rollback
expect_rc 0 "rollback of b"
expect_eq "$(live)" "$after_a" "rollback returns a's live values"
expect_eq "$(cat "$frag")" "$frag_a" "rollback returns a's fragment"
umount "$root/etc/sysctl.d"

# --- 3. full snapshot directory: nothing may change ------------------------------------
mkdir -p "$T/snaps.saved"
cp -a "$root/var/lib/sysknob/snapshots/." "$T/snaps.saved/"
mount -t tmpfs -o size=1m,mode=0700 tmpfs "$root/var/lib/sysknob/snapshots"
cp -a "$T/snaps.saved/." "$root/var/lib/sysknob/snapshots/"
dd if=/dev/zero of="$root/var/lib/sysknob/snapshots/zz-filler" bs=1k 2>/dev/null || true
sk apply "$T/b.toml"
expect_rc 1 "apply with a full snapshot directory"
expect_contains "$err" "No space left on device" "says the snapshot could not be written"
expect_contains "$err" "nothing was changed" "says nothing was changed"
expect_not_contains "$err" "marked failed" "does not claim a snapshot it could not write"
expect_eq "$(live)" "$after_a" "full snapshot dir: no live value changed"
expect_eq "$(cat "$frag")" "$frag_a" "full snapshot dir: fragment unchanged"
umount "$root/var/lib/sysknob/snapshots"

sk rollback
expect_rc 0 "final rollback of a"
expect_eq "$(live)" "$original" "back to the original values"

done_testing
