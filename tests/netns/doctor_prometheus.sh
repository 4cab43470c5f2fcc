#!/usr/bin/env bash
# --format prometheus: after an apply (status metrics) with one key drifted
# and UDP receive buffer errors produced on loopback, doctor writes the
# textfile atomically with --output; `promtool check metrics` accepts it,
# and a real node_exporter (textfile collector on a scratch directory,
# listening on loopback in this namespace) serves the sysknob metrics.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
. "$SRC/tests/support/doctor_lib.sh"
command -v promtool >/dev/null || skip "promtool is not installed (Debian package prometheus, scripts/install-deps.sh --test)"
NODE_EXPORTER=$(command -v prometheus-node-exporter || command -v node_exporter || true)
[ -n "$NODE_EXPORTER" ] || skip "prometheus-node-exporter is not installed (scripts/install-deps.sh --test)"

run sk apply -q "$SRC/tests/data/profiles/netns-web.toml"
expect_rc 0 "apply a profile in this namespace"
echo 777 >/proc/sys/net/core/somaxconn  # one key drifts
start_load udp --port 5354 --seconds 0.5
stop_load

TXT=$T/textfile
mkdir -p "$TXT"
run sk --format prometheus doctor --interval 0 --output "$TXT/sysknob.prom"
expect_rc 0 "doctor --format prometheus --output"
expect_eq "$out" "" "nothing on standard output with --output"
[ -f "$TXT/sysknob.prom" ] || { fail "no $TXT/sysknob.prom"; done_testing; }
expect_eq "$(ls -A "$TXT")" "sysknob.prom" "only the file, no temporary left behind"
prom=$(cat "$TXT/sysknob.prom")
expect_contains "$prom" "# TYPE sysknob_udp_receive_buffer_errors_total counter" "a counter family, _total"
if grep -qE '^sysknob_udp_receive_buffer_errors_total [1-9][0-9]*$' <<<"$prom"; then pass "RcvbufErrors exported"; else fail "no RcvbufErrors metric: $prom"; fi
expect_contains "$prom" 'sysknob_doctor_finding{id="SK5006",severity="info",' "the finding exported"
expect_contains "$prom" 'sysknob_status_keys{state="drifted"} 1' "status drift: one key drifted"
expect_contains "$prom" 'sysknob_status_pending_changes 0' "status: no pending change"
expect_contains "$prom" 'sysknob_status_profile_active{profile="netns-web"} 1' "status: the active profile"
if grep -qE '^sysknob_status_last_apply_timestamp_seconds [0-9]{10}$' <<<"$prom"; then pass "last apply time as Unix seconds"; else fail "no last apply time: $prom"; fi
now=$(date +%s)
last=$(awk '/^sysknob_status_last_apply_timestamp_seconds/ {print $2}' <<<"$prom")
if [ -n "$last" ] && [ $((now - last)) -ge 0 ] && [ $((now - last)) -lt 600 ]; then pass "last apply time is now"; else fail "last apply $last, now $now"; fi

run promtool check metrics <"$TXT/sysknob.prom"
expect_rc 0 "promtool check metrics accepts the file"
expect_eq "$out$err" "" "promtool has no complaint"

# A real node_exporter reads the directory and serves the metrics.
port=9199
"$NODE_EXPORTER" --web.listen-address=127.0.0.1:$port --collector.disable-defaults --collector.textfile \
  --collector.textfile.directory="$TXT" >"$T/ne.log" 2>&1 &
ne_pid=$!
scraped=""
for _ in $(seq 50); do
  scraped=$("$PY" -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())' \
    "http://127.0.0.1:$port/metrics" 2>/dev/null || true)
  [ -n "$scraped" ] && break
  sleep 0.2
done
kill "$ne_pid" 2>/dev/null || true
wait "$ne_pid" 2>/dev/null || true
[ -n "$scraped" ] || { fail "node_exporter did not answer: $(cat "$T/ne.log")"; done_testing; }
expect_contains "$scraped" 'sysknob_status_keys{state="drifted"} 1' "node_exporter serves the drift metric"
if grep -qE '^sysknob_udp_receive_buffer_errors_total [1-9]' <<<"$scraped"; then pass "node_exporter serves the counter"; else fail "counter not served"; fi
expect_contains "$scraped" 'sysknob_doctor_finding{id="SK5006"' "node_exporter serves the finding"
expect_contains "$scraped" 'node_textfile_scrape_error 0' "the textfile collector read the file without error"

# A second run replaces the file atomically; a bad --output is an error.
echo 8192 >/proc/sys/net/core/somaxconn
run sk --format prometheus doctor --interval 0 --output "$TXT/sysknob.prom"
expect_rc 0 "second run"
expect_contains "$(cat "$TXT/sysknob.prom")" 'sysknob_status_keys{state="drifted"} 0' "the file now says no drift"
run sk --format prometheus doctor --interval 0 --output /proc/sysknob.prom
expect_rc 1 "an unwritable --output is an error"
expect_contains "$err" "/proc/sysknob.prom" "the error names the file"
done_testing
