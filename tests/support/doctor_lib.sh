# Helpers for tests/netns/doctor_*.sh, sourced after lib.sh and enter_netns.
# start_load MODE ARGS...: runs tests/support/doctor_load.py in the
# background (it stops by itself) and waits, at most 10 s, for its "ready"
# line; $load_pid and $load_ready are set. stop_load waits for it.
PY=/usr/bin/python3
[ -x "$PY" ] || skip "python3 is not installed (scripts/install-deps.sh --test)"
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }

start_load() {
  "$PY" "$SRC/tests/support/doctor_load.py" "$@" >"$T/load.out" 2>"$T/load.err" &
  load_pid=$!
  load_ready=""
  for _ in $(seq 100); do
    load_ready=$(grep '^ready' "$T/load.out" || true)
    [ -n "$load_ready" ] && return 0
    kill -0 "$load_pid" 2>/dev/null || break
    sleep 0.1
  done
  fail "load '$*' did not get ready: $(cat "$T/load.out" "$T/load.err")"
  done_testing
}
stop_load() {
  wait "$load_pid" || fail "load exited with $?: $(cat "$T/load.err")"
}

# json_eval EXPR: evaluates a Python expression over the JSON document in
# $out bound to d (with f = the first finding with id $want_id, or None).
json_eval() {
  printf '%s' "$out" | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
f = next((x for x in d["findings"] if x["id"] == sys.argv[2]), None)
print(eval(sys.argv[1]))' "$1" "${want_id:-}"
}
