# Scenario 3, host side (guest side: guest/scenarios/powercut.sh). One boot
# per cut plus one: each boot judges the previous cut and starts the next.
#
# Steps (SYSKNOB_FAULT names, src/change/execute.cpp and src/os/atomic_file.cpp;
# renames count the snapshot's own saves, as tests/netns/crash_every_step.sh
# explains). An apply of lab-cut renames: 1 the pending snapshot
# (N.pending.json, fsynced), 2 fragment, 3 state.json, 4 the commit
# (N.pending.json to N.json, not fsynced: ARCHITECTURE.md "Commit
# protocol"). Its rollback (to the state before any apply) removes the
# fragment and state.json (unlinks, no rename) and renames: 1 pending
# snapshot, 2 the commit. A cut at a step that never comes is no cut at
# all: the change finishes before the kill.
POWERCUT_CUTS=(
  apply:snapshot-written:1    # after the pending snapshot
  apply:live-write:2          # between live writes
  apply:after-rename:2        # between file renames: fragment, not state.json
  apply:before-rename:4       # just before the commit
  apply:after-rename:4        # just after the commit's rename, which no fsync made durable
  rollback:snapshot-written:1
  rollback:live-write:2
  rollback:live-write:5       # between later live writes (lab-cut has 6 keys)
  rollback:before-rename:2    # files removed, just before the commit
)


# The cuts of one kernel. A boot costs about 30 s, so by default each kernel
# takes every other cut (6.1 the odd ones, 6.12 the even ones: each kernel
# cuts an apply around its commit and a rollback at least twice, both
# together cover all nine); SYSKNOB_VM_FULL=1 runs all nine on each kernel.
# SYSKNOB_VM_CUTS="apply:live-write:2 ..." names the cuts while developing.
powercut_cuts() {
  local i
  if [ -n "${SYSKNOB_VM_CUTS:-}" ]; then echo "$SYSKNOB_VM_CUTS"; return; fi
  for ((i = 0; i < ${#POWERCUT_CUTS[@]}; i++)); do
    if [ "${SYSKNOB_VM_FULL:-0}" = 1 ] || [ $((i % 2)) = "$([ "$FLAVOUR" = 6.1 ] && echo 0 || echo 1)" ]; then
      echo "${POWERCUT_CUTS[$i]}"
    fi
  done
}

scenario_powercut() {
  local prev=none c cuts
  read -r -d '' -a cuts < <(powercut_cuts) || true
  CASES=(powercut/setup)
  for c in "${cuts[@]}"; do CASES+=("powercut/$c"); done
  for c in "${cuts[@]}"; do
    vm_boot --cut powercut/cut "$prev,$c" || return 1
    prev=$c
  done
  vm_boot powercut/cut "$prev,none"
}
