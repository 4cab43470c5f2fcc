#!/usr/bin/env bash
# man/sysknob.8 documents everything the binary offers: every long option
# printed by `sysknob --help` and by `sysknob CMD --help` for every command,
# every command, and every lint rule id of `sysknob lint --list-rules`.
. "$SYSKNOB_SRC/tests/support/lib.sh"

PAGE=$SRC/man/sysknob.8
[ -f "$PAGE" ] || { fail "man/sysknob.8 is missing"; done_testing; }
# The page as text, with roff's \- turned into plain hyphens, so that
# "\-\-dry\-run" in the source matches "--dry-run".
man_text=$(sed 's/\\-/-/g' "$PAGE")

# in_man NEEDLE WHAT: the page source (hyphens unescaped) contains NEEDLE.
in_man() {
  if grep -qF -- "$1" <<<"$man_text"; then pass "$2"; else fail "$2: '$1' not in man/sysknob.8"; fi
}

# long_options HELP-TEXT: the --long options of a CLI11 help screen.
long_options() { printf '%s\n' "$1" | grep -oE '(^|[ ,])--[a-z][a-z0-9-]*' | sed 's/^[ ,]//' | sort -u; }

run "$SYSKNOB" --help
expect_rc 0 "sysknob --help"
top_help=$out
top_opts=$(long_options "$top_help")
[ -n "$top_opts" ] || fail "no long options parsed from sysknob --help"
for o in $top_opts; do
  in_man "$o" "global option $o is in the man page"
done

# Commands: the Subcommands: block of the top-level help.
cmds=$(printf '%s\n' "$top_help" | sed -n '/^Subcommands:/,$p' | sed 1d | awk 'NF {print $1}')
expect_eq "$(echo $cmds)" "list show lint diff apply snapshots rollback status import export doctor" "commands listed by sysknob --help"
for c in $cmds; do
  in_man ".SS $c" "command $c has its own man page subsection"
  run "$SYSKNOB" "$c" --help
  expect_rc 0 "sysknob $c --help"
  for o in $(long_options "$out"); do
    in_man "$o" "option $o of $c is in the man page"
  done
done

# Lint rules, from the JSON list (the machine-readable contract).
run "$SYSKNOB" lint --list-rules --format json
expect_rc 0 "sysknob lint --list-rules --format json"
ids=$(printf '%s' "$out" | python3 -c 'import json,sys; print("\n".join(r["id"] for r in json.load(sys.stdin)["rules"]))')
[ "$(printf '%s\n' "$ids" | grep -c '^SK[0-9]')" -ge 20 ] || fail "expected at least 20 rule ids, got: $ids"
for id in $ids; do
  in_man ".BR $id " "rule $id is documented in LINT RULES"
done
# and nothing documented that the binary no longer has.
lint_section=$(printf '%s\n' "$man_text" | sed -n '/^\.SH LINT RULES/,/^\.SH /p')
for id in $(printf '%s\n' "$lint_section" | grep -oE '^\.BR SK[0-9]{4} ' | awk '{print $2}'); do
  expect_contains "$ids" "$id" "documented rule $id exists in the binary"
done

# Doctor's finding ids, both ways, from `sysknob doctor --list-findings`.
run "$SYSKNOB" --format json doctor --list-findings
expect_rc 0 "sysknob doctor --list-findings --format json"
fids=$(printf '%s' "$out" | python3 -c 'import json,sys; print("\n".join(r["id"] for r in json.load(sys.stdin)["findings"]))')
[ "$(printf '%s\n' "$fids" | grep -c '^SK5[0-9]')" -ge 14 ] || fail "expected at least 14 finding ids, got: $fids"
doctor_section=$(printf '%s\n' "$man_text" | sed -n '/^\.SH DOCTOR FINDINGS/,/^\.SH /p')
for id in $fids; do
  if grep -qF ".BR $id " <<<"$doctor_section"; then pass "finding $id is documented in DOCTOR FINDINGS"; else fail "finding $id missing from DOCTOR FINDINGS"; fi
done
for id in $(printf '%s\n' "$doctor_section" | grep -oE '^\.BR SK[0-9]{4} ' | awk '{print $2}'); do
  expect_contains "$fids" "$id" "documented finding $id exists in the binary"
done

# Exit codes of the contract.
for code in 0 1 2 64; do
  section=$(printf '%s\n' "$man_text" | sed -n '/^\.SH EXIT STATUS/,/^\.SH FILES/p')
  if grep -qx "\.B $code" <<<"$section"; then pass "exit status $code is documented"; else fail "exit status $code missing from EXIT STATUS"; fi
done

done_testing
