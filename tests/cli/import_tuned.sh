#!/usr/bin/env bash
# Import of the profiles Debian's tuned package ships (scripts/install-deps.sh
# installs it): every profile with a [sysctl] section imports, its include=
# chain resolves (every file tuned would read is read, none reported
# missing), and every key of the merged [sysctl] sections has the value the
# tuned.conf files give (tests/support/tuned_expect.py merges them as tuned's
# loader does), or is reported as computed by tuned at run time. Without
# --root, includes resolve in the host's tuned directories, read only.
. "$SYSKNOB_SRC/tests/support/lib.sh"
TUNED=/usr/lib/tuned
[ -f "$TUNED/network-throughput/tuned.conf" ] || skip "tuned profiles not installed (apt-get install tuned)"
EXPECT=$SRC/tests/support/tuned_expect.py

n=0
for conf in "$TUNED"/*/tuned.conf; do
  grep -q '^\[sysctl\]' "$conf" || continue
  p=$(basename "$(dirname "$conf")")
  n=$((n + 1))
  run "$SYSKNOB" --kernel 6.1 --format json import --name "$p" "$TUNED/$p"
  if [ "$rc" != 0 ]; then fail "$p: import exit $rc: $err"; continue; fi
  printf '%s' "$out" >"$T/$p.json"
  if python3 "$EXPECT" "$conf" "$T/$p.json" >"$T/$p.check" 2>&1; then
    pass "$p: $(cat "$T/$p.check")"
  else
    fail "$p: $(cat "$T/$p.check")"
  fi
done
[ "$n" -ge 20 ] || fail "only $n tuned profiles with [sysctl] found"
for p in network-throughput network-latency latency-performance throughput-performance virtual-guest; do
  [ -f "$T/$p.json" ] || fail "$p was not imported"
done
# The chains the issue names, spelled out.
files=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["files"]))' "$T/network-throughput.json")
expect_eq "$files" "$TUNED/network-throughput/tuned.conf $TUNED/throughput-performance/tuned.conf" "network-throughput includes throughput-performance"
files=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["files"]))' "$T/network-latency.json")
expect_eq "$files" "$TUNED/network-latency/tuned.conf $TUNED/latency-performance/tuned.conf" "network-latency includes latency-performance"
done_testing
