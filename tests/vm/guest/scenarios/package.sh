# Scenario 6: the package's life cycle on a real system.
#
# Boot 1: purge the preinstalled package; install the previous release,
# apply, upgrade to this one (the snapshots stay and still roll back);
# apply again and `dpkg -r`: the settings stay in effect, as any
# configuration does. Boot 2: nothing left behind broke the boot, the
# settings are still live, and `dpkg --purge` deletes /var/lib/sysknob
# after warning that settings are still applied.
PROFILE=high-conn-web

snapshot_ids() { sysknob snapshots --format json 2>/dev/null | grep -o '"id": *"[0-9]*"' | tr -dc '0-9\n'; }

step_cycle() {
  case_is install
  run dpkg --purge sysknob
  expect_rc 0 "purge the preinstalled package (nothing applied)"
  record_values /lab/state/baseline
  run dpkg -i /lab/pkg/previous.deb
  expect_rc 0 "dpkg -i of the previous release"
  run sysknob --version
  expect_rc 0 "the previous release runs"

  case_is upgrade
  run sysknob apply -q "$PROFILE"
  expect_rc 0 "apply with the previous release"
  local before; before=$(snapshot_ids)
  [ -n "$before" ] && pass "the previous release lists its snapshots ($(echo $before))" \
    || fail "no snapshot listed after an apply with the previous release"
  run dpkg -i /lab/pkg/sysknob.deb
  expect_rc 0 "upgrade to this release with dpkg -i"
  expect_eq "$(snapshot_ids)" "$before" "the upgrade keeps every snapshot"
  run sysknob status
  expect_rc 0 "status reads the previous release's state"
  run sysknob rollback
  expect_rc 0 "rollback of the previous release's change"
  grep -v ' ABSENT$' /lab/state/baseline >/lab/state/baseline-present
  expect_values /lab/state/baseline-present "the rollback restores the values from before the apply"

  case_is remove
  run sysknob apply -q "$PROFILE"
  expect_rc 0 "apply with this release"
  record_values /lab/state/applied
  run dpkg -r sysknob
  expect_rc 0 "dpkg -r"
  case "$out" in *"stay in effect"*) pass "dpkg -r warns that the settings stay" ;;
    *) fail "dpkg -r says nothing about the settings that stay" ;; esac
  [ ! -e /usr/sbin/sysknob ] && pass "the binary is gone" || fail "/usr/sbin/sysknob is still there"
  expect_eq "$(sysknob_files | wc -l)" 1 "the applied fragment stays after dpkg -r"
  expect_values /lab/state/applied "the applied values stay live after dpkg -r"
  [ -d /var/lib/sysknob/snapshots ] && pass "the snapshots stay after dpkg -r" || fail "dpkg -r deleted the snapshots"
}

step_after_remove() {
  case_is remove
  # What sysknob leaves is read at boot by these two; both must succeed.
  local u
  for u in systemd-modules-load.service systemd-sysctl.service; do
    expect_eq "$(systemctl show -P Result "$u")" success "$u succeeded on the boot after dpkg -r"
  done
  expect_modules_before_sysctl
  expect_profile_live "$PROFILE"
  case_is purge
  run dpkg --purge sysknob
  expect_rc 0 "dpkg --purge"
  case "$out" in *"warning: purging the snapshots of settings that are still applied"*) pass "purge warns that a change is still applied" ;;
    *) fail "purge does not warn that a change is still applied" ;; esac
  [ ! -e /var/lib/sysknob ] && pass "purge deletes /var/lib/sysknob" || fail "/var/lib/sysknob is left: $(find /var/lib/sysknob | head)"
}
