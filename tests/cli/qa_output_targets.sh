#!/usr/bin/env bash
# --output replaces a regular file atomically and nothing else: doctor
# --output /dev/full, run as root, renamed its temporary file over the
# device node. A device node, FIFO or directory given as --output is
# refused with exit 1 and left as it was (all made under the scratch dir).
. "$SYSKNOB_SRC/tests/support/lib.sh"
root=$(make_root)
mkfifo "$T/fifo"
mkdir -p "$T/dir/keep"
targets=("$T/fifo" "$T/dir")
if [ "$(id -u)" = 0 ] && mknod "$T/full" c 1 7 2>/dev/null; then targets+=("$T/full"); fi
printf 'net.ipv4.tcp_fin_timeout = 20\n' >"$T/x.conf"

for t in "${targets[@]}"; do
  before=$(stat -c %F "$t")
  run "$SYSKNOB" --root "$root" --format prometheus doctor --interval 0 --output "$t"
  expect_rc 1 "doctor --output $before"
  expect_contains "$err" "is not a regular file" "doctor --output $before: says why"
  expect_eq "$(stat -c %F "$t")" "$before" "doctor --output: the $before is still one"
  run "$SYSKNOB" --root "$root" import "$T/x.conf" --output "$t"
  expect_rc 1 "import --output $before"
  expect_eq "$(stat -c %F "$t")" "$before" "import --output: the $before is still one"
done
[ -d "$T/dir/keep" ] && pass "the directory's contents stay" || fail "the directory's contents are gone"

run "$SYSKNOB" --root "$root" --format prometheus doctor --interval 0 --output "$T/ok.prom"
expect_rc 0 "doctor --output to a new file"
[ -f "$T/ok.prom" ] && pass "the file is written" || fail "no file written"

done_testing
