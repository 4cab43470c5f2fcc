# Guest-side helpers for lab steps (sourced by /lab/runner).
#
# Checks are lines in /lab/out/checks: "PASS|FAIL <boot> <case> <message>".
# The host turns them into one result per case; a case with no line at all
# is a failure there too, so a step that dies early cannot pass.
set -u
CASE=${CASE:-none}
CHECKS=/lab/out/checks
case_is() { CASE=$1; }
pass() { echo "PASS $LAB_SEQ $CASE $*" >>"$CHECKS"; echo "ok [$CASE] $*"; }
fail() { echo "FAIL $LAB_SEQ $CASE $*" >>"$CHECKS"; echo "FAIL [$CASE] $*"; }

# The host's marker channel: the second serial port, written to a host
# file. Repeated, because a line can be lost; the host waits for one.
marker() { local i; for i in 1 2 3; do echo "LAB-$*" >/dev/ttyS1; done; }

# run CMD...: $out (stdout+stderr) and $rc.
run() { out=$("$@" 2>&1); rc=$?; echo "\$ $* -> exit $rc"; [ -z "$out" ] || printf '%s\n' "$out" | sed 's/^/  | /'; }
expect_rc() { if [ "$rc" = "$1" ]; then pass "$2 (exit $rc)"; else fail "$2: exit $rc, expected $1"; fi; }
expect_eq() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3: got '$1', expected '$2'"; fi; }

keypath() { echo "/proc/sys/$(echo "$1" | tr './' '/.')"; }
# live KEY: the value with runs of blanks as one space, or ABSENT.
live() {
  local p; p=$(keypath "$1")
  if [ -e "$p" ]; then tr -s '\t ' '  ' <"$p"; else echo ABSENT; fi
}
expect_lines() { cat "/lab/expect/$1"; }
# expand KEY: the concrete keys; a "*" segment (an interface glob) expands
# over the entries present now, as sysknob.toml(5) says.
expand() {
  case "$1" in
    *'*'*) local p
           for p in $(keypath "$1"); do [ -e "$p" ] && echo "${p#/proc/sys/}" | tr '/.' './'; done ;;
    *) echo "$1" ;;
  esac
}

# Every key the lab's profiles touch, with its value now: the "before".
record_values() { # record_values FILE
  local kind key rest k
  : >"$1"
  cat /lab/expect/* | while read -r kind key rest; do
    case "$kind" in sysctl|sysctl\?) for k in $(expand "$key"); do echo "$k $(live "$k")"; done ;; esac
  done | sort -u >"$1"
}
# expect_values FILE what: every key in FILE has that value now.
expect_values() {
  local key want got bad=0
  while read -r key want; do
    got=$(live "$key")
    [ "$got" = "$want" ] || { fail "$2: $key is '$got', expected '$want'"; bad=1; }
  done <"$1"
  [ "$bad" = 1 ] || pass "$2: all $(wc -l <"$1") keys"
}

# expect_profile_live NAME: every promise of the profile (lib/expect.py)
# holds now.
expect_profile_live() {
  local kind key rest got k n=0 bad=0
  while read -r kind key rest; do
    n=$((n + 1))
    case "$kind" in
      sysctl|sysctl\?)
        for k in $(expand "$key"); do
          # An exact key refines a glob (sysknob.toml(5)): checked on its own line.
          [ "$k" = "$key" ] || ! grep -q "^sysctl?* $k " "/lab/expect/$1" || continue
          got=$(live "$k")
          if [ "$kind" = "sysctl?" ] && [ "$got" = ABSENT ]; then continue; fi
          [ "$got" = "$rest" ] || { fail "$1: $k is '$got', profile says '$rest'"; bad=1; }
        done ;;
      module)
        [ -d "/sys/module/$key" ] || { fail "$1: module $key is not loaded"; bad=1; } ;;
      option)
        local param=${rest%% *} val=${rest#* }
        got=$(cat "/sys/module/$key/parameters/$param" 2>/dev/null || echo ABSENT)
        [ "$got" = "$val" ] || { fail "$1: module option $key.$param is '$got', profile says '$val'"; bad=1; } ;;
    esac
  done < <(expect_lines "$1")
  # A profile without promises proves nothing: a missing expect file is a
  # harness error, never a pass.
  [ "$n" -gt 0 ] || { fail "$1: no promises in /lab/expect/$1 (expect.py not run for it?)"; bad=1; }
  [ "$bad" = 1 ] || pass "$1: all $n promises live"
}

# Module loading happened before systemd-sysctl applied the files: the
# ordering systemd-sysctl.service(8) documents, checked on this boot.
expect_modules_before_sysctl() {
  local loaded sysctl_start
  loaded=$(systemctl show -P ExecMainExitTimestampMonotonic systemd-modules-load.service)
  sysctl_start=$(systemctl show -P ExecMainStartTimestampMonotonic systemd-sysctl.service)
  if [ -n "$loaded" ] && [ "$loaded" != 0 ] && [ "$loaded" -le "$sysctl_start" ]; then
    pass "systemd-modules-load finished ($loaded us) before systemd-sysctl started ($sysctl_start us)"
  else
    fail "systemd-modules-load exit $loaded us, systemd-sysctl start $sysctl_start us"
  fi
  if journalctl -b -u systemd-sysctl.service -o cat | grep -q "Couldn't write\|Failed to"; then
    fail "systemd-sysctl reported errors: $(journalctl -b -u systemd-sysctl.service -o cat | tr '\n' ' ')"
  else
    pass "systemd-sysctl wrote every file without errors"
  fi
}

# No file of sysknob's is left in the configuration directories.
sysknob_files() {
  ls /etc/sysctl.d/*-sysknob.conf /etc/modprobe.d/sysknob.conf /etc/modules-load.d/sysknob.conf 2>/dev/null || true
}
expect_no_sysknob_files() {
  local left; left=$(sysknob_files)
  expect_eq "$left" "" "$1: no sysknob file in /etc/sysctl.d, /etc/modprobe.d, /etc/modules-load.d"
}
