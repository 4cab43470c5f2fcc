#!/usr/bin/env bash
# doctor's command line: usage errors exit 64 and change nothing;
# --format prometheus belongs to doctor only; JSON parses and holds the
# documented fields. Read-only: runs on the host's counters, asserts no
# findings (those are for tests/netns/doctor_*.sh).
. "$SYSKNOB_SRC/tests/support/lib.sh"
PY=/usr/bin/python3
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }

run sk doctor --interval -1
expect_rc 64 "a negative interval"
run sk doctor --interval abc
expect_rc 64 "a non-numeric interval"
run sk doctor --interval 3601
expect_rc 64 "an interval beyond an hour"
run sk --format prometheus status
expect_rc 64 "--format prometheus for status"
expect_contains "$err" "only for 'doctor'" "the error says prometheus is doctor's"
run sk --format yaml doctor
expect_rc 64 "an unknown format"

run sk --format json doctor --interval 0
expect_rc 0 "doctor --format json"
if [ -x "$PY" ]; then
  expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(sorted(d), d["interval_s"], d["uptime_s"] > 0)')" \
    "['findings', 'interval_s', 'notes', 'uptime_s'] 0.0 True" "json fields, interval 0, uptime"
fi
run sk doctor --help
expect_contains "$out" "--interval" "help lists --interval"
expect_contains "$out" "--output" "help lists --output"
done_testing
