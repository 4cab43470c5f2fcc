#!/usr/bin/env bash
# A listener that never accepts, with a backlog of 1, flooded by connects on
# loopback: doctor reports SK5001 with ListenOverflows growing (its rate over
# the interval), the listener's full accept queue from sock_diag, and says
# the application's backlog, not somaxconn, is the limit.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
. "$SRC/tests/support/doctor_lib.sh"

start_load listen --port 8080 --backlog 1 --seconds 8
run sk doctor --interval 2
expect_rc 0 "doctor during the flood"
expect_contains "$out" "SK5001 warning: listen queue overflow" "SK5001 reported as a warning"
expect_contains "$out" "evidence: TcpExt.ListenOverflows = " "ListenOverflows is the evidence"
if grep -qE 'TcpExt.ListenOverflows = [0-9]+, \+[1-9][0-9]* in 2(\.[0-9]+)? s \([0-9.]+/s\), threshold > 0' <<<"$out"; then
  pass "ListenOverflows grew during the interval, with its rate"
else
  fail "no growth and rate for ListenOverflows: $out"
fi
expect_contains "$out" "evidence: listener 127.0.0.1:8080 = 2, threshold >= accept queue limit 1: accept queue 2 of 1" \
  "sock_diag: the listener's accept queue is full (2 queued, limit 1)"
expect_contains "$out" "knob: net.core.somaxconn = 4096 (check, no change suggested)" "somaxconn named, not raised"
expect_contains "$out" "listen() backlog is the limit" "the application's backlog is named as the fix"
expect_contains "$out" "source: listen(2)" "public source"

want_id=SK5001
run sk --format json doctor --interval 1
expect_rc 0 "doctor json during the flood"
expect_eq "$(json_eval 'f["severity"], f["evidence"][0]["what"], f["evidence"][0]["delta"] > 0, f["evidence"][0]["rate_per_s"] > 0, f["knobs"][0]["key"], f["knobs"][0]["current"], f["knobs"][0]["suggested"]')" \
  "('warning', 'TcpExt.ListenOverflows', True, True, 'net.core.somaxconn', '4096', None)" \
  "json: severity, counter, growth, rate, knob, current value, no blind raise"
stop_load

# The flood is over: totals only, the same counter, as information.
run sk --format json doctor --interval 0
expect_eq "$(json_eval 'f["severity"], f["evidence"][0]["delta"], f["evidence"][0]["value"] > 0')" \
  "('info', None, True)" "after the flood, --interval 0: totals since boot, severity info"
done_testing
