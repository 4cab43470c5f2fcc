#!/usr/bin/env bash
# Command lines that are wrong get exit 64 and a message saying what is
# wrong, before anything is read or written (sysknob(8), EXIT STATUS):
#  - --root "" (a script's unset variable) would be the host itself;
#  - --kernel that is not a release was compared as 0.0 and every key was
#    "newer than the target";
#  - rollback ID that is not a snapshot id (the message was CLI11's
#    "not in range 0.000000 to 1.79e308");
#  - apply --dry-run with --check, which the synopsis gives as alternatives;
#  - --output "" (doctor, import): no file; doctor wrote to standard output.
. "$SYSKNOB_SRC/tests/support/lib.sh"

root=$(make_root)
usage() { # usage NEEDLE what ARGS...
  local needle=$1 what=$2
  shift 2
  run "$SYSKNOB" --no-color "$@"
  expect_rc 64 "$what"
  expect_contains "$err" "$needle" "$what: says why"
  expect_eq "$out" "" "$what: nothing on standard output"
}

usage "an empty DIR is the host itself" "--root ''" --root '' status
usage "an empty DIR is the host itself" "--root '' apply" --root '' apply --dry-run base
usage "--root" "--root= after the command" lint base --root=
for k in garbage '' 6 x.y .1 6. "6.x"; do
  usage "is not a kernel release" "--kernel '$k'" --root "$root" --kernel "$k" lint base
done
for k in 4.19 6.1.0-18-amd64 v5.15 6.12.9+deb13-amd64; do
  run "$SYSKNOB" --root "$root" --kernel "$k" lint base
  expect_rc 0 "--kernel $k is a release"
done
for id in abc 0 -5 1.5 99999999999999999999999 ""; do
  usage "is not a snapshot id" "rollback '$id'" --root "$root" rollback "$id"
done
usage "--dry-run excludes --check" "apply --dry-run --check" --root "$root" apply --dry-run --check base
usage "an empty FILE is no file" "doctor --output ''" --root "$root" doctor --interval 0 --output ''
usage "an empty FILE is no file" "import --output ''" --root "$root" import --output ''
[ -z "$(find "$root" -type f)" ] && pass "nothing written under --root" || fail "files written: $(find "$root" -type f)"

done_testing
