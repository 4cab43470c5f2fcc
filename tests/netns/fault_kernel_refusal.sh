#!/usr/bin/env bash
# The kernel refuses one value of a six-key profile, at every position in
# write order. Lint accepts the value; only the kernel rejects it: in a
# child network namespace, tcp_congestion_control may only be set to an
# algorithm in the host's (global, read-only) tcp_allowed_congestion_control,
# so an algorithm that is available but not allowed fails with EPERM.
# Keys are written ip_forward first, then by name; choosing which keys come
# before and after "net.ipv4.tcp_congestion_control" moves the bad one from
# position 1 to 6. Every time: exit 1, the message names the key, the value
# and the kernel's reason and says how many earlier writes were put back,
# every live value is as before, no fragment or state file is written, and
# the snapshot is marked failed.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

cc=/proc/sys/net/ipv4/tcp_congestion_control
allowed=$(cat /proc/sys/net/ipv4/tcp_allowed_congestion_control)
available=$(cat /proc/sys/net/ipv4/tcp_available_congestion_control)
bad=""
for algo in $available; do
  case " $allowed " in *" $algo "*) continue ;; esac
  bad=$algo
  break
done
[ -n "$bad" ] || skip "every available congestion control ($available) is allowed in child namespaces; nothing for the kernel to refuse"
current=$(cat "$cc")
if (echo "$bad" >"$cc") 2>/dev/null; then
  echo "$current" >"$cc"
  fail "the kernel accepted '$bad' in a child namespace; the test premise does not hold"
  done_testing
fi
pass "premise: the kernel refuses '$bad' here (allowed: $allowed)"

# Written in this order: ip_forward first, then by name.
before_keys=("net.ipv4.ip_forward = 1" "net.core.somaxconn = 1001" "net.ipv4.icmp_ratelimit = 1001"
             "net.ipv4.ip_local_port_range = [20001, 60001]" "net.ipv4.ip_no_pmtu_disc = 1")
after_keys=("net.ipv4.tcp_fin_timeout = 41" "net.ipv4.tcp_keepalive_intvl = 31" "net.ipv4.tcp_keepalive_time = 901"
            "net.ipv4.tcp_max_syn_backlog = 2001" "net.ipv4.tcp_syn_retries = 5")
all_keys=(net.ipv4.ip_forward net.core.somaxconn net.ipv4.icmp_ratelimit net.ipv4.ip_local_port_range
          net.ipv4.ip_no_pmtu_disc net.ipv4.tcp_congestion_control net.ipv4.tcp_fin_timeout
          net.ipv4.tcp_keepalive_intvl net.ipv4.tcp_keepalive_time net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syn_retries)
live() { local k; for k in "${all_keys[@]}"; do printf '%s=%s\n' "$k" "$(proc "$k")"; done; }
original=$(live)

# Each key must really change, or the plan would skip it and the position
# would be wrong.
case "$original" in *"net.ipv4.ip_forward=1"* | *"net.core.somaxconn=1001"* | *"net.ipv4.tcp_syn_retries=5"*)
  skip "a test value equals the live default here; pick other values" ;; esac

for pos in 0 1 2 3 4 5; do
  root=$(make_root "$T/root$pos")
  p=$T/refused-at-$pos.toml
  {
    printf '[profile]\nname = "refused-at-%d"\ndescription = "bad key at write position %d"\n\n[sysctl]\n' "$pos" "$((pos + 1))"
    for ((i = 0; i < pos; i++)); do echo "${before_keys[$i]}"; done
    printf 'net.ipv4.tcp_congestion_control = "%s"\n' "$bad"
    for ((i = 0; i < 5 - pos; i++)); do echo "${after_keys[$i]}"; done
  } >"$p"
  what="bad key at position $((pos + 1))"

  run "$SYSKNOB" --root "$root" --no-color apply --dry-run "$p"
  expect_rc 0 "$what: lint and plan accept the profile"
  planned=$(printf '%s\n' "$out" | grep -E '^  net\.' | sed 's/^  \([^:]*\):.*/\1/')
  expect_eq "$(printf '%s\n' "$planned" | grep -n 'tcp_congestion_control' | cut -d: -f1)" "$((pos + 1))" \
    "$what: the plan writes it at position $((pos + 1))"
  [ "$pos" -gt 0 ] && expect_eq "$(printf '%s\n' "$planned" | head -1)" "net.ipv4.ip_forward" "$what: ip_forward is written first"

  run "$SYSKNOB" --root "$root" --no-color apply "$p"
  expect_rc 1 "$what: apply fails"
  expect_contains "$err" "'net.ipv4.tcp_congestion_control'" "$what: names the key"
  expect_contains "$err" "'$bad'" "$what: names the value"
  expect_contains "$err" "Operation not permitted" "$what: gives the kernel's reason"
  if [ "$pos" -eq 0 ]; then
    expect_not_contains "$err" "already written" "$what: nothing was written before it"
  elif [ "$pos" -eq 1 ]; then
    expect_contains "$err" "the 1 value already written was put back" "$what: says the earlier write was undone"
  else
    expect_contains "$err" "the $pos values already written were put back" "$what: says the $pos earlier writes were undone"
  fi
  expect_eq "$(live)" "$original" "$what: every live value as before"
  [ -e "$root/etc/sysctl.d/90-sysknob.conf" ] && fail "$what: fragment written" || pass "$what: no fragment"
  [ -e "$root/var/lib/sysknob/state.json" ] && fail "$what: state written" || pass "$what: no state file"
  if grep -q '"status": "failed"' "$root/var/lib/sysknob/snapshots/1.json" 2>/dev/null; then
    pass "$what: snapshot 1 marked failed"
  else fail "$what: snapshot 1 not marked failed"; fi
  run "$SYSKNOB" --root "$root" --no-color status
  expect_not_contains "$out$err" "did not finish" "$what: no unfinished transaction"
done

done_testing
