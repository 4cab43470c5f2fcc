#!/usr/bin/env bash
# Retention keeps the newest N committed snapshots and never loses
# the one `rollback` would use; a damaged state file is a clear error.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
root=$(make_root)
for v in 1001 1002 1003 1004 1005; do
  printf '[sysctl]\nnet.core.somaxconn = %s\n' "$v" >"$T/p$v.toml"
  run "$SYSKNOB" --root "$root" apply "$T/p$v.toml" --keep 3
  expect_rc 0 "apply somaxconn=$v with --keep 3"
done
n=$(ls "$root/var/lib/sysknob/snapshots" | wc -l)
expect_eq "$n" "3" "three snapshots kept"
run "$SYSKNOB" --root "$root" snapshots --format json
ids=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)["snapshots"]))')
expect_eq "$ids" "3 4 5" "the newest three remain"
run "$SYSKNOB" --root "$root" rollback
expect_rc 0 "rollback after pruning"
expect_eq "$(proc net.core.somaxconn)" "1004" "rollback uses the newest apply"
perms=$(stat -c %a "$root/var/lib/sysknob" "$root/var/lib/sysknob/snapshots" "$root/var/lib/sysknob/snapshots/5.json" | tr '\n' ' ')
expect_eq "$perms" "700 700 600 " "state directory 0700, snapshot files 0600"

# A damaged state file: clear error naming it, nothing changed.
printf '{"profiles": [' >"$root/var/lib/sysknob/state.json"
before=$(proc net.core.somaxconn)
run "$SYSKNOB" --root "$root" apply "$T/p1005.toml"
expect_rc 1 "apply with a damaged state file"
expect_contains "$err" "state.json" "the error names the state file"
expect_eq "$(proc net.core.somaxconn)" "$before" "nothing changed"
run "$SYSKNOB" --root "$root" status
expect_rc 1 "status with a damaged state file"
done_testing
