#!/usr/bin/env bash
# Short connections on loopback with net.ipv4.tcp_max_tw_buckets lowered to 4
# in the test's own namespace: doctor reports SK5003 with
# TCPTimeWaitOverflow growing, TIME_WAIT at the limit, tcp_max_tw_buckets
# to raise, tcp_tw_reuse for outgoing connections and never tcp_tw_recycle.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
. "$SRC/tests/support/doctor_lib.sh"

echo 4 >/proc/sys/net/ipv4/tcp_max_tw_buckets
expect_eq "$(proc net.ipv4.tcp_max_tw_buckets)" 4 "tcp_max_tw_buckets lowered in this namespace"
start_load tw --port 8081 --seconds 6
run sk doctor --interval 2
expect_rc 0 "doctor during the short connections"
expect_contains "$out" "SK5003 warning: TIME_WAIT bucket table overflow" "SK5003 reported as a warning"
if grep -qE 'TcpExt.TCPTimeWaitOverflow = [0-9]+, \+[1-9][0-9]* in 2(\.[0-9]+)? s' <<<"$out"; then
  pass "TCPTimeWaitOverflow grew during the interval"
else
  fail "no growth for TCPTimeWaitOverflow: $out"
fi
expect_contains "$out" "knob: net.ipv4.tcp_max_tw_buckets = 4 -> 262144" "raise tcp_max_tw_buckets"
expect_contains "$out" "profile line: net.ipv4.tcp_max_tw_buckets = 262144" "the profile line to add"
expect_contains "$out" "set by profile high-conn-web:" "the shipped profile that sets it"
expect_contains "$out" "knob: net.ipv4.tcp_tw_reuse = 2 -> 1" "tcp_tw_reuse for outgoing connections"
expect_contains "$out" "never tcp_tw_recycle" "never tw_recycle"

want_id=SK5003
run sk --format json doctor --interval 1
expect_eq "$(json_eval 'f["evidence"][0]["what"], f["evidence"][0]["delta"] > 0, [e["what"] for e in f["evidence"]][-1], f["knobs"][0]["key"], f["knobs"][0]["current"], f["knobs"][0]["suggested"], [p["profile"] for p in f["knobs"][0]["profiles"]]')" \
  "('TcpExt.TCPTimeWaitOverflow', True, 'sockstat.TCP.tw', 'net.ipv4.tcp_max_tw_buckets', '4', '262144', ['high-conn-web'])" \
  "json: counter, growth, TIME_WAIT gauge, knob, current, suggested, shipped profile"
stop_load
done_testing
