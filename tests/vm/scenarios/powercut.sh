# Scenario 3, host side (guest side: guest/scenarios/powercut.sh). One boot
# per cut plus one: each boot judges the previous cut and starts the next.
#
# Steps (SYSKNOB_FAULT names, src/cli/change.cpp and src/os/atomic_file.cpp;
# renames count the snapshot's own saves, as tests/netns/crash_every_step.sh
# explains). An apply of lab-cut renames: 1 pending snapshot, 2 fragment,
# 3 state.json, 4 committed snapshot. Its rollback removes the fragment
# (no rename) and renames: 1 pending snapshot, 2 state.json, 3 committed.
POWERCUT_CUTS=(
  apply:snapshot-written:1    # after the pending snapshot
  apply:live-write:2          # between live writes
  apply:after-rename:2        # between file renames: fragment, not state.json
  apply:before-rename:4       # just before the commit
  rollback:snapshot-written:1
  rollback:live-write:2
  rollback:before-rename:2    # fragment removed, state.json not yet renamed
  rollback:before-rename:3    # just before the commit
)

scenario_powercut() {
  local prev=none c
  CASES=(powercut/setup)
  for c in "${POWERCUT_CUTS[@]}"; do CASES+=("powercut/$c"); done
  for c in "${POWERCUT_CUTS[@]}"; do
    vm_boot --cut powercut/cut "$prev,$c" || return 1
    prev=$c
  done
  vm_boot powercut/cut "$prev,none"
}
