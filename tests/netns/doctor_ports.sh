#!/usr/bin/env bash
# net.ipv4.ip_local_port_range narrowed to 10 ports in the test's own
# namespace; connects to one listener until connect() fails with
# EADDRNOTAVAIL: doctor reports SK5011 for that destination (every port of
# the range in use towards it, from sock_diag) and suggests a wider range.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
. "$SRC/tests/support/doctor_lib.sh"

echo "40000 40009" >/proc/sys/net/ipv4/ip_local_port_range
start_load ports --port 8082 --seconds 5
expect_eq "$load_ready" "ready EADDRNOTAVAIL after 10 connections to 127.0.0.1:8082" "connect() failed with EADDRNOTAVAIL after 10"
run sk doctor --interval 0
expect_rc 0 "doctor with the range exhausted"
expect_contains "$out" "SK5011 critical: ephemeral ports nearly exhausted towards one destination" "SK5011, critical"
expect_contains "$out" "evidence: ephemeral ports to 127.0.0.1:8082 = 10, threshold >= 90% of ip_local_port_range (10 ports)" \
  "evidence: 10 ports of 10 in use towards the destination"
expect_contains "$out" "knob: net.ipv4.ip_local_port_range = 40000 40009 -> 10240 65000" "a wider range suggested"
expect_contains "$out" "profile line: net.ipv4.ip_local_port_range = [10240, 65000]" "as a TOML array"
expect_not_contains "$out" "SK5001" "the accepting listener is not an overflow"

want_id=SK5011
run sk --format json doctor --interval 0
expect_eq "$(json_eval 'f["severity"], f["evidence"][0]["what"], f["evidence"][0]["value"], f["knobs"][0]["key"], f["knobs"][0]["suggested"]')" \
  "('critical', 'ephemeral ports to 127.0.0.1:8082', 10, 'net.ipv4.ip_local_port_range', '10240 65000')" \
  "json: destination, ports in use, knob and suggestion"
stop_load
done_testing
