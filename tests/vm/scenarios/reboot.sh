# Scenarios 1, 2, 4 and 5, host side (guest side: guest/scenarios/reboot.sh).
# One chain of boots: begin P1, next P1 P2, ..., next Pn, end: n + 2 boots
# for n profiles, each boot checking the previous one's apply after a real
# power-off and boot, and the last one the rollback across a reboot.
# run.sh puts the profiles of the scenarios asked for into CHAIN_PROFILES:
# reboot the shipped host profiles, hostwide lab-hostwide, late-iface
# lab-glob (tests/vm/profiles).
# SYSKNOB_VM_REBOOT_PROFILES="a b" narrows it while developing.
read -r -a REBOOT_PROFILES <<<"${SYSKNOB_VM_REBOOT_PROFILES:-base high-conn-web nat-gateway k8s-node postgresql search hardening}"

# The scenario a profile's case is reported under.
chain_label() {
  case "$1" in lab-hostwide) echo hostwide ;; lab-glob) echo late-iface ;; *) echo reboot ;; esac
}

scenario_reboot() {
  local i n=${#CHAIN_PROFILES[@]} p
  CASES=()
  for p in "${CHAIN_PROFILES[@]}"; do CASES+=("$(chain_label "$p")/$p"); done
  CASES+=(reboot/rollback)
  vm_boot reboot/begin "${CHAIN_PROFILES[0]}" || return 1
  for ((i = 0; i < n; i++)); do
    vm_boot reboot/next "${CHAIN_PROFILES[$i]}${CHAIN_PROFILES[$((i + 1))]:+,${CHAIN_PROFILES[$((i + 1))]}}" || return 1
  done
  vm_boot reboot/end
}
