#!/usr/bin/env bash
# A fresh, quiet network namespace: doctor finds nothing and says so, in
# text and JSON, with and without an interval. /proc/net/softnet_stat is
# host-wide: when the host itself has softnet drops or squeezes, those
# findings (SK5009, SK5010) are the only ones allowed.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
. "$SRC/tests/support/doctor_lib.sh"

host_softnet=$(awk '{ if ($2 != "00000000" || $3 != "00000000") n++ } END { print n + 0 }' /proc/net/softnet_stat)
run sk --format json doctor --interval 1
expect_rc 0 "doctor json in a quiet namespace"
expect_eq "$(json_eval '[x["id"] for x in d["findings"] if x["id"] not in ("SK5009", "SK5010")]')" "[]" \
  "no finding of this namespace"
expect_eq "$(json_eval 'd["interval_s"] >= 1, d["uptime_s"] > 0')" "(True, True)" "interval and uptime reported"
run sk doctor --interval 0
expect_rc 0 "doctor text in a quiet namespace"
if [ "$host_softnet" = 0 ]; then
  if grep -qE '^no pressure seen \(totals only; totals since boot [0-9].* ago\)$' <<<"$out" && [ "$(wc -l <<<"$out")" = 1 ]; then
    pass "a quiet system prints 'no pressure seen' and nothing else"
  else
    fail "quiet text output: $out"
  fi
else
  echo "note: the host has softnet drops or squezes; only SK5009/SK5010 allowed"
  expect_eq "$(grep -oE '^SK[0-9]+' <<<"$out" | grep -vE 'SK5009|SK5010' || true)" "" "only host-wide softnet findings"
fi
run sk doctor --interval 0.2
expect_rc 0 "a fractional interval"
done_testing
