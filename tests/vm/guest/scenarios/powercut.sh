# Scenario 3: power cut at each step of an apply and of a rollback.
#
# The host boots a chain: cut none A1, cut A1 A2, ..., cut R4 none. Each
# boot first judges the previous boot's power cut (after the boot that
# followed it), then prepares and starts the next cut: sysknob runs with
# SYSKNOB_FAULT=STEP:N, the fault hook kills it at that step, and the guest
# tells the host ("LAB-CUT" on the second serial port), which SIGKILLs
# qemu. Nothing is synced after sysknob starts, so what sysknob did not
# fsync itself is lost, as in a real power cut.
#
# A cut is named OP:STEP:N (OP apply or rollback; STEP:N as SYSKNOB_FAULT).
PROFILE=/lab/profiles/lab-cut.toml
FRAG=/etc/sysctl.d/90-sysknob.conf

# The world a rollback must restore: the profile's live values and every
# file sysknob manages or keeps (snapshots aside: they record history).
world() {
  local kind key rest
  while read -r kind key rest; do echo "$key=$(live "$key")"; done </lab/expect/lab-cut
  find /etc/sysctl.d /etc/modprobe.d /etc/modules-load.d /var/lib/sysknob \
    -path /var/lib/sysknob/snapshots -prune -o -type f ! -name '*.sysknob-tmp' -printf '%p %m ' \
    -exec sh -c 'sha256sum <"$1" | cut -c1-16' _ {} \; 2>/dev/null | sort
}
frag_hash() { if [ -f "$FRAG" ]; then sha256sum <"$FRAG" | cut -c1-16; else echo absent; fi; }
profile_values() { local kind key rest; while read -r kind key rest; do echo "$key $rest"; done </lab/expect/lab-cut; }

judge_cut() { # judge_cut OP:STEP:N
  local cut=$1 got
  case_is "$cut"
  # systemd-sysctl read the old fragment or the new one, never a torn one.
  got=$(frag_hash)
  case "$got" in
    absent) pass "fragment absent after the cut (the old state)"
            expect_values /lab/state/cut-baseline-values "live values after boot are the old ones" ;;
    "$(cat /lab/state/cut-new-hash)") pass "fragment is exactly the new one"
            profile_values >/lab/state/cut-profile-values
            expect_values /lab/state/cut-profile-values "live values after boot are the new ones" ;;
    *) fail "fragment $FRAG is torn: hash $got, neither absent nor the complete new file"
       sed 's/^/  | /' "$FRAG" ;;
  esac
  # Every snapshot and state file is readable.
  local empty
  empty=$(find /var/lib/sysknob -type f -size 0 2>/dev/null)
  expect_eq "$empty" "" "no empty file under /var/lib/sysknob"
  run sysknob snapshots
  expect_rc 0 "every snapshot is readable (sysknob snapshots)"
  # status reports the unfinished change. Cut just after the commit's
  # rename (not fsynced, ARCHITECTURE.md "Commit protocol"), the change is
  # either committed (the rename reached the disk) or still pending (it
  # was lost): both are true, and the fragment must be the new one, made
  # durable before the commit.
  run sysknob status
  if [ "$cut" = apply:after-rename:4 ]; then
    expect_eq "$(frag_hash)" "$(cat /lab/state/cut-new-hash)" "the fragment was durable before the commit"
    case "$rc" in
      0) pass "status in sync: the commit's rename reached the disk" ;;
      2) case "$out" in *pending*) pass "status says pending: the commit's rename was lost" ;;
                        *) fail "status exits 2 but does not say pending" ;; esac ;;
      *) fail "status exited $rc after a cut just after the commit (0 or 2 expected)" ;;
    esac
  else
    expect_rc 2 "status reports the unfinished change"
    case "$out" in *pending*) pass "status says pending" ;; *) fail "status does not say pending" ;; esac
  fi
  # rollback restores the exact state from before the apply.
  run sysknob rollback
  expect_rc 0 "rollback after the cut"
  expect_eq "$(world)" "$(cat /lab/state/cut-baseline-world)" "rollback restores every live value and file exactly"
  run sysknob status
  expect_rc 0 "status in sync after the rollback"
}

start_cut() { # start_cut OP:STEP:N
  local cut=$1 op=${1%%:*} spec=${1#*:}
  case_is "$cut"
  if [ "$op" = rollback ]; then
    run sysknob apply -q "$PROFILE"
    expect_rc 0 "the apply that the cut rollback undoes"
  fi
  sync
  echo "running sysknob $op with SYSKNOB_FAULT=$spec, then power cut"
  if [ "$op" = apply ]; then
    SYSKNOB_FAULT=$spec sysknob apply -q "$PROFILE"; rc=$?
  else
    SYSKNOB_FAULT=$spec sysknob rollback -q; rc=$?
  fi
  if [ "$rc" != 137 ]; then
    fail "sysknob $op did not stop at $spec (exit $rc): the fault point was not reached"
    sync
  fi
  # The power cut: the host kills qemu on this line; nothing is synced.
  while :; do marker "CUT $LAB_SEQ"; sleep 1; done
}

step_cut() { # step_cut PREVIOUS|none NEXT|none
  if [ "$1" = none ]; then
    # First boot: the old world, and the fragment a finished apply writes.
    world >/lab/state/cut-baseline-world
    profile_values | while read -r key rest; do echo "$key $(live "$key")"; done >/lab/state/cut-baseline-values
    case_is setup
    run sysknob apply -q "$PROFILE"
    expect_rc 0 "a complete apply, for the new fragment's content"
    frag_hash >/lab/state/cut-new-hash
    run sysknob rollback -q
    expect_rc 0 "and its rollback"
    expect_eq "$(world)" "$(cat /lab/state/cut-baseline-world)" "the rollback restores the old world"
  else
    judge_cut "$1"
  fi
  [ "$2" = none ] || start_cut "$2"
}
