# Scenarios 1, 2, 4 and 5: reboot truth, rollback across a reboot,
# host-wide keys (profile lab-hostwide) and late interfaces (lab-glob).
#
# The host boots a chain: begin P1, next P1 P2, ..., next Pn, end. Each boot
# checks what the previous boot's apply left after a real power-off and
# boot (every promise of the profile live, modules loaded before
# systemd-sysctl ran, `status` exits 0), rolls it back and applies the next
# profile. The last boot checks every key is back to its value before the
# first apply and no sysknob file is left.

apply_profile() {
  local priority=()
  # hardening pins fs.protected_fifos = 2, and Debian's procps ships
  # /usr/lib/sysctl.d/99-protect-links.conf with 1, read after the default
  # 90-sysknob.conf: as its header says, it is applied with a priority that
  # sorts after that file (status reported the override before).
  [ "$1" != hardening ] || priority=(--priority 99)
  case_is "$1"
  run sysknob apply "${priority[@]}" "$1"
  expect_rc 0 "apply $1"
  if [ "$rc" = 0 ]; then echo "$1" >/lab/state/applied; else rm -f /lab/state/applied; fi
}

step_begin() {
  record_values /lab/state/baseline
  case_is rollback
  expect_no_sysknob_files "before the first apply"
  apply_profile "$1"
}

step_next() { # step_next PREVIOUS [NEXT]
  case_is "$1"
  expect_profile_live "$1"
  expect_modules_before_sysctl
  run sysknob status
  expect_rc 0 "$1: status after power-off and boot"
  ! declare -F "extra_${1//-/_}" >/dev/null || "extra_${1//-/_}" "$1"
  if [ "$(cat /lab/state/applied 2>/dev/null)" = "$1" ]; then
    case_is rollback
    run sysknob rollback
    expect_rc 0 "rollback of $1"
    # Keys absent before (a module not loaded) can only come back by an
    # unload or a boot; the last boot compares those too.
    grep -v ' ABSENT$' /lab/state/baseline >/lab/state/baseline-present
    expect_values /lab/state/baseline-present "live values right after the rollback of $1"
  fi
  [ -z "${2:-}" ] || apply_profile "$2"
}

step_end() {
  case_is rollback
  expect_values /lab/state/baseline "after rollback, power-off and boot: every key as before the first apply"
  expect_no_sysknob_files "after rollback"
  run sysknob status
  expect_rc 0 "status after rollback and boot"
}

# Scenario 5: interfaces that appear after boot. systemd's udev rule
# (99-systemd.rules: systemd-sysctl --prefix=/net/ipv4/conf/$name ...) applies
# the fragment's glob lines to a new interface; status must say the profile
# holds on it. lab-glob keeps "default" at the kernel's values, so what the
# new interface inherits differs from the glob's value.
extra_lab_glob() {
  local kind key rest k iface
  run ip link add lab0 type dummy
  expect_rc 0 "a dummy interface after boot (dummy is a module)"
  run ip link add labv0 type veth peer name labv1
  expect_rc 0 "a veth pair after boot"
  udevadm settle --timeout=60
  expect_eq "$(live net.ipv4.conf.default.log_martians)" 0 "default stays at the kernel's value"
  for iface in lab0 labv0 labv1; do
    while read -r kind key rest; do
      case "$key" in *'.*.'*) ;; *) continue ;; esac
      k=${key/\*/$iface}
      expect_eq "$(live "$k")" "$rest" "$1: late interface $iface: $k"
    done </lab/expect/"$1"
  done
  run sysknob status
  expect_rc 0 "$1: status: the profile holds on the late interfaces"
  ip link del lab0; ip link del labv0
}
