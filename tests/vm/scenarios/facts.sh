# Scenarios catalogue, conntrack-full and boot-effects, host side (guest
# side: guest/scenarios/facts.sh). Run together they share boots: boot 1
# (with the early init that saves the kernel's own values) probes every
# part asked for; boot-effects adds boot 2, the reboot it checks. run.sh puts
# the parts asked for into FACTS_PARTS.
scenario_facts() {
  local p parts=()
  # Boot 1 does much more than boot: on a busy machine it took 250 s.
  local VM_TIMEOUT=$((VM_TIMEOUT * 3))
  CASES=()
  # The order in the guest: boot-effects sets up its tree first (before the
  # other parts change live values), conntrack-full fills the table last.
  for p in boot-effects catalogue conntrack-full; do
    case " ${FACTS_PARTS[*]} " in *" $p "*) parts+=("$p"); CASES+=("$p/$p") ;; esac
  done
  vm_boot --early facts/probe "$(IFS=,; echo "${parts[*]}")" || return 1
  case " ${parts[*]} " in *" boot-effects "*) vm_boot facts/after_boot ;; esac
}
