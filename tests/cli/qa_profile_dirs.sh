#!/usr/bin/env bash
# An administrator's profile directory that exists but cannot be read (a
# symbolic link loop, a file in its place) is named, not skipped: `list`
# showed the shipped profiles alone and `lint web` said only "not found".
. "$SYSKNOB_SRC/tests/support/lib.sh"
root=$T/root
mkdir -p "$root/etc/sysknob"
ln -s p2 "$root/etc/sysknob/profiles"
ln -s profiles "$root/etc/sysknob/p2"

run "$SYSKNOB" --root "$root" --no-color list
expect_rc 0 "list with a looping profile directory"
expect_contains "$err" "warning: cannot read profile directory '$root/etc/sysknob/profiles': Too many levels of symbolic links" "list names the directory and why"
expect_contains "$out" "base" "list still shows the shipped profiles"

run "$SYSKNOB" --root "$root" --no-color lint web
expect_rc 1 "lint of a profile in the unreadable directory"
expect_contains "$err" "error[SK0002]: profile 'web' not found; cannot read '$root/etc/sysknob/profiles': Too many levels of symbolic links" "lint says why it is not found"

rm "$root/etc/sysknob/profiles"
echo 'not a directory' >"$root/etc/sysknob/profiles"
run "$SYSKNOB" --root "$root" --no-color diff web
expect_rc 1 "diff with a file where the profile directory belongs"
expect_contains "$err" "cannot read '$root/etc/sysknob/profiles': Not a directory" "diff says why it is not found"

# A missing directory is normal and says nothing.
rm "$root/etc/sysknob/profiles"
run "$SYSKNOB" --root "$root" --no-color list
expect_rc 0 "list without a profile directory"
expect_not_contains "$err" "cannot read" "a missing directory is not a warning"

done_testing
