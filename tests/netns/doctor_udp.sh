#!/usr/bin/env bash
# A UDP socket with a tiny SO_RCVBUF that is never read, blasted with
# datagrams on loopback: doctor reports SK5006 with Udp RcvbufErrors growing
# and the receive buffer knobs (rmem_default, rmem_max).
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
. "$SRC/tests/support/doctor_lib.sh"

start_load udp --port 5353 --seconds 6
run sk doctor --interval 2
expect_rc 0 "doctor during the blast"
expect_contains "$out" "SK5006 warning: UDP receive buffer errors" "SK5006 reported as a warning"
if grep -qE 'Udp.RcvbufErrors = [0-9]+, \+[1-9][0-9]* in 2(\.[0-9]+)? s \([0-9.]+/s\)' <<<"$out"; then
  pass "RcvbufErrors grew during the interval, with its rate"
else
  fail "no growth for RcvbufErrors: $out"
fi
expect_contains "$out" "knob: net.core.rmem_default" "rmem_default named"
expect_contains "$out" "knob: net.core.rmem_max" "rmem_max named"
expect_contains "$out" "set by profile dns-udp:" "the shipped dns-udp profile sets the buffers"

want_id=SK5006
run sk --format json doctor --interval 1
expect_eq "$(json_eval 'f["severity"], f["evidence"][0]["what"], f["evidence"][0]["delta"] > 0, [k["key"] for k in f["knobs"]], [k["suggested"] for k in f["knobs"]]')" \
  "('warning', 'Udp.RcvbufErrors', True, ['net.core.rmem_default', 'net.core.rmem_max'], ['1048576', '8388608'])" \
  "json: counter, growth, the rmem knobs and their suggested values"
expect_eq "$(json_eval '[x["id"] for x in d["findings"] if x["id"] not in ("SK5006", "SK5009", "SK5010")]')" "[]" \
  "no other finding of this namespace"
stop_load
done_testing
