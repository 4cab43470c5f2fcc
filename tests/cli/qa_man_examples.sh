#!/usr/bin/env bash
# The profile that sysknob.toml(5) shows as its EXAMPLE is valid as printed:
# it lints without an error or a warning for a current kernel (offline, so
# that the host's interfaces do not matter), and what the page says apply
# writes for hashsize = "auto" is what the ratio of that kernel gives.
. "$SYSKNOB_SRC/tests/support/lib.sh"

root=$(make_root)
man=$SRC/man/sysknob.toml.5
# The .EX block after .SH EXAMPLE, with roff escapes turned back into text.
sed -n '/^\.SH EXAMPLE/,/^\.SH /p' "$man" | sed -n '/^\.EX/,/^\.EE/p' | sed '1d;$d' |
  sed -e 's/\\-/-/g' -e 's/\\(dq/"/g' -e 's/\\e/\\/g' >"$T/nat-gateway.toml"
[ -s "$T/nat-gateway.toml" ] || { fail "no EXAMPLE block found in $man"; done_testing; }

run "$SYSKNOB" --root "$root" --no-color lint --kernel 6.12 "$T/nat-gateway.toml"
expect_rc 0 "the man page's example lints for 6.12"
expect_not_contains "$err" "warning[" "the man page's example draws no warning"
expect_not_contains "$err" "error[" "the man page's example draws no error"

# hashsize = "auto" is nf_conntrack_max buckets from 5.15 on (one per entry).
max=$(sed -n 's/^net.netfilter.nf_conntrack_max = \([0-9]*\)$/\1/p' "$T/nat-gateway.toml")
text=$(tr '\n' ' ' <"$man")
expect_contains "$text" "options nf_conntrack hashsize=$max" "the page's hashsize is nf_conntrack_max ($max) for a current kernel"

# The rules that cannot be silenced, as both pages name them (SK0001 to the
# last one), are those that `ignore = [ID]` refuses with SK0009.
last=
for id in $("$SYSKNOB" lint --list-rules | sed -n 's/^\(SK[0-9]*\) .*/\1/p'); do
  printf '[lint]\nignore = ["%s"]\n' "$id" >"$T/ign.toml"
  run "$SYSKNOB" --root "$root" --no-color lint --kernel 6.12 "$T/ign.toml"
  case "$err" in *"rule $id cannot be ignored"*) last=$id ;; esac
done
[ -n "$last" ] || fail "no rule refused by ignore"
for page in "$SRC/man/sysknob.8" "$SRC/man/sysknob.toml.5"; do
  expect_contains "$(cat "$page")" "SK0001 \(en $last" "${page##*/} says SK0001-$last cannot be silenced"
done

done_testing
