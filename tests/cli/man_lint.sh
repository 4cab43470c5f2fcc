#!/usr/bin/env bash
# Both manual pages are clean for both formatters users have: mandoc's
# linter at warning level and groff with every warning enabled print
# nothing for man/sysknob.8 and man/sysknob.toml.5.
. "$SYSKNOB_SRC/tests/support/lib.sh"

command -v mandoc >/dev/null || skip "mandoc is not installed (apt-get install mandoc)"
command -v groff >/dev/null || skip "groff is not installed (apt-get install groff-base)"

for page in sysknob.8 sysknob.toml.5; do
  f=$SRC/man/$page
  if [ ! -f "$f" ]; then fail "$page: missing"; continue; fi

  run mandoc -T lint -W warning "$f"
  expect_eq "$out$err" "" "$page: mandoc -T lint -W warning prints nothing"
  expect_rc 0 "$page: mandoc -T lint succeeds"

  run groff -ww -z -man "$f"
  expect_eq "$out$err" "" "$page: groff -ww -z -man prints nothing"
  expect_rc 0 "$page: groff succeeds"

  # The page really renders: NAME and its first line come out of mandoc.
  # The page really renders (overstrike bold removed before matching).
  text=$(mandoc -T ascii "$f" | sed 's/.\x08//g')
  expect_contains "$(printf '%s\n' "$text" | grep -x 'NAME' || true)" "NAME" "$page: renders a NAME section"
  expect_contains "$(printf '%s\n' "$text" | grep -x 'SEE ALSO' || true)" "SEE ALSO" "$page: renders a SEE ALSO section"
done

done_testing
