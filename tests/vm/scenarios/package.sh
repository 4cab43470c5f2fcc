# Scenario 6, host side (guest side: guest/scenarios/package.sh): two boots.
# The previous release comes from lib/image.sh's prepare_previous_deb.
scenario_package() {
  CASES=(package/install package/upgrade package/remove package/purge)
  vm_boot package/cycle || return 1
  vm_boot package/after_remove
}
