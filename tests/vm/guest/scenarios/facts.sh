# Scenarios catalogue, conntrack-full and boot-effects: what sysknob knows
# about the kernel, held to the real kernel. They share boots (host side:
# scenarios/facts.sh): boot 1 starts with the early init (/lab/early-init),
# so the kernel's own values are saved before any user space writes one;
# boot 2 is the reboot of boot-effects.
#
#   step_probe PART...     boot 1: boot-effects (the tree, the prediction),
#                          catalogue, conntrack-full, in that order
#   step_after_boot        boot 2: boot-effects, what the real boot left

BIN=/lab/bin

step_probe() {
  local part
  for part in "$@"; do
    echo "== $part (at $SECONDS s of the step)"
    "probe_${part//-/_}"
  done
  echo "== done at $SECONDS s"
}

# catalogue_lines FILE: FAIL and skip lines of the checker become failures
# (a skip is never a pass: every module the catalogue names is loaded here),
# the summary a pass. $1 is the run's name.
checker_verdict() { # checker_verdict NAME FILE RC MIN_OK
  local name=$1 file=$2 rc=$3 min=$4 line n_ok summary
  while read -r line; do fail "$name: $line"; done < <(grep -E '^(FAIL|skip) ' "$file")
  summary=$(tail -n 1 "$file")
  n_ok=$(grep -c '^ok ' "$file")
  if [ "$rc" = 0 ] && [ "$n_ok" -ge "$min" ] && ! grep -q '^skip ' "$file"; then
    pass "$name: $summary"
  else
    fail "$name: exit $rc, $n_ok entries ok (at least $min expected): $summary"
  fi
}

# --- catalogue ---------------------------------------------------------------
# Every catalogue entry against this kernel (tools/catalogue_check.cpp):
# present or absent as the catalogue says for this release, the default as
# the kernel set it before init (the early init's /lab/state/boot-values; a
# module's keys right after its modprobe), the kernel-enforced bounds (limits
# accepted, one past refused or clamped; every value put back), and the
# child_netns claim of each per-netns entry in a fresh network namespace,
# where the per-netns keys' defaults and bounds are checked once more.
# Facts of the older lab kernel that differ from the catalogue's current
# ones (each is in the entry's notes too):
# - net.core.optmem_max is per network namespace, with the bound 0, only
#   since commit f5769faeec36 ("net: Namespace-ify sysctl_optmem_max", v6.9);
# - net.core.{r,w}mem_{default,max} are shown read-only in a child namespace
#   only since "net: make net.core.{r,w}mem_{default,max} namespaced"
#   (in the 6.12 stable kernels, not in 6.1's);
# - net.ipv6.route.max_size starts at INT_MAX in Debian's 6.1 kernels, as
#   with "ipv6: remove max_size check inline with ipv4".
RELEASE_FACTS=()
case "$(uname -r)" in
  6.1.*) RELEASE_FACTS=(--expect-claim net.core.optmem_max=absent --unbounded net.core.optmem_max
                        --expect-claim net.core.rmem_default=absent --expect-claim net.core.rmem_max=absent
                        --expect-claim net.core.wmem_default=absent --expect-claim net.core.wmem_max=absent
                        --expect net.ipv6.route.max_size=2147483647) ;;
esac

probe_catalogue() {
  case_is catalogue
  local n m rc init_ns
  n=$(wc -l </lab/state/boot-values 2>/dev/null || echo 0)
  if [ "$n" -ge 500 ]; then pass "the early init saved $n /proc/sys values before /sbin/init"
  else fail "the early init saved $n values (/lab/state/boot-values): did lab.init=/lab/early-init run?"; fi
  cp /lab/state/boot-values "/lab/out/boot-values-$LAB_SEQ"
  # What the image's boot changed since (for the log: the comparison uses
  # the values before init, so these are not the kernel's defaults).
  echo "keys user space changed during the boot (before init -> now):"
  local k v now words
  while read -r k v; do
    # Builtins only (no fork per key): runs of blanks as one space, as live().
    words=()
    read -r -d "" -a words <"/proc/sys/${k//.//}" 2>/dev/null || true
    now="${words[*]}"
    [ "$now" = "$v" ] || [ ${#words[@]} = 0 ] || echo "  $k: '$v' -> '$now'"
  done < <(grep -E '^(fs|kernel|vm|user|dev|net\.core|net\.ipv4\.(tcp|ip_|conf\.(all|default|lo)))' /lab/state/boot-values \
           | grep -vE '^(fs\.(dentry|inode|file-nr|quota)|kernel\.(random|ns_last_pid|tainted|pty\.nr))')
  for m in nf_conntrack br_netfilter; do
    run modprobe "$m"
    expect_rc 0 "modprobe $m (its keys are in the catalogue)"
  done
  # Values this kernel starts with that are not upstream's defaults (the
  # catalogue records upstream's), each with its reason:
  # - the lab's command line: panic=-1 (kernel/panic.c, core_param(panic, ...));
  # - Debian's kernel patches (linux source package, debian/patches/):
  #   debian/fs-enable-link-security-restrictions-by-default.patch
  #   (fs.protected_hardlinks and fs.protected_symlinks 1),
  #   features/all/security-perf-allow-further-restriction-of-perf_event_open.patch
  #   (kernel.perf_event_paranoid 3), debian/yama-disable-by-default.patch
  #   (kernel.yama.ptrace_scope 0).
  grep -qw 'panic=-1' /lab/state/boot-cmdline || fail "the command line lost panic=-1: $(cat /lab/state/boot-cmdline)"
  SYSKNOB_KERNEL_LAB=1 "$BIN/catalogue_check" --namespace any --child-netns any --write --outside-netns none \
    --boot-values /lab/state/boot-values --expect kernel.panic=-1 \
    --expect fs.protected_hardlinks=1 --expect fs.protected_symlinks=1 \
    --expect kernel.perf_event_paranoid=3 --expect kernel.yama.ptrace_scope=0 "${RELEASE_FACTS[@]}" \
    >"/lab/out/catalogue-$LAB_SEQ.txt" 2>&1
  rc=$?
  sed 's/^/  | /' "/lab/out/catalogue-$LAB_SEQ.txt"
  checker_verdict "initial namespace, $(uname -r)" "/lab/out/catalogue-$LAB_SEQ.txt" "$rc" 150
  probe_machine_defaults

  unshare -n "$BIN/catalogue_check" --namespace any --child-netns any --claims "${RELEASE_FACTS[@]}" \
    >"/lab/out/claims-$LAB_SEQ.txt" 2>&1
  rc=$?
  sed 's/^/  | /' "/lab/out/claims-$LAB_SEQ.txt"
  checker_verdict "child_netns claims" "/lab/out/claims-$LAB_SEQ.txt" "$rc" 90

  init_ns=$(readlink /proc/self/ns/net)
  unshare -n "$BIN/catalogue_check" --namespace net --child-netns rw --write --outside-netns "$init_ns" \
    "${RELEASE_FACTS[@]}" >"/lab/out/child-$LAB_SEQ.txt" 2>&1
  rc=$?
  sed 's/^/  | /' "/lab/out/child-$LAB_SEQ.txt"
  checker_verdict "per-netns keys in a child namespace" "/lab/out/child-$LAB_SEQ.txt" "$rc" 60
}

# --- conntrack-full ------------------------------------------------------------
# A real full conntrack table: nf_conntrack_max = 64, an nftables ct rule on
# this side of a veth pair, a listener that never accepts in the peer
# namespace (systemd-socket-activate holds the socket; the kernel completes
# the handshakes into the accept queue), and TCP connections kept open until
# the kernel logs "nf_conntrack: table full, dropping packet". Established
# connections are assured, so early_drop cannot evict them
# (net/netfilter/nf_conntrack_core.c, early_drop_list skips assured entries)
# and the new connection's packet is dropped. Bounded: 200 attempts at most,
# each SYN retried once (tcp_syn_retries = 1), it stops after 4 failures.
CT_MAX=64
probe_conntrack_full() {
  case_is conntrack-full
  local i ok=0 failed=0 listener count
  run modprobe nf_conntrack
  echo "$CT_MAX" >/proc/sys/net/netfilter/nf_conntrack_max
  expect_eq "$(live net.netfilter.nf_conntrack_max)" "$CT_MAX" "nf_conntrack_max lowered to $CT_MAX"
  ip netns add ctpeer
  ip link add labct0 type veth peer name labct1 netns ctpeer
  ip addr add 10.77.0.1/24 dev labct0; ip link set labct0 up
  ip -n ctpeer addr add 10.77.0.2/24 dev labct1; ip -n ctpeer link set labct1 up; ip -n ctpeer link set lo up
  run nft -f - <<'EOF'
table inet lab {
  chain out {
    type filter hook output priority 0; policy accept;
    oif "labct0" ct state new counter
  }
}
EOF
  expect_rc 0 "an nftables ct rule on labct0"
  ip netns exec ctpeer systemd-socket-activate -l 10.77.0.2:8080 sleep 600 >/dev/null 2>&1 &
  listener=$!
  for i in $(seq 50); do ip netns exec ctpeer ss -Hltn | grep -q 10.77.0.2:8080 && break; sleep 0.2; done
  echo 1 >/proc/sys/net/ipv4/tcp_syn_retries
  ulimit -n 4096
  for i in $(seq 200); do
    if exec {fd}<>/dev/tcp/10.77.0.2/8080; then ok=$((ok + 1)); else failed=$((failed + 1)); fi 2>/dev/null
    [ "$failed" -lt 4 ] || break
  done
  count=$(live net.netfilter.nf_conntrack_count)
  echo "connections open: $ok, failed: $failed, nf_conntrack_count $count"
  if [ "$ok" -ge $((CT_MAX - 2)) ] && [ "$failed" -ge 4 ]; then pass "$ok connections open, then $failed refused by a full table"
  else fail "$ok connections open, $failed failed: the table did not fill"; fi
  if dmesg | grep -q 'nf_conntrack: table full, dropping packet'; then pass "the kernel logged 'nf_conntrack: table full, dropping packet'"
  else fail "no 'table full' line in the kernel log: $(dmesg | tail -n 5 | tr '\n' ' ')"; fi
  # More new connections during doctor's interval: the drops have a rate.
  ( for i in 1 2 3; do exec {f2}<>/dev/tcp/10.77.0.2/8080; done ) 2>/dev/null &
  local burst=$!
  sysknob doctor --format json --interval 3 >/lab/state/doctor.json 2>/lab/state/doctor.err
  rc=$?
  echo "\$ sysknob doctor --format json --interval 3 -> exit $rc"; sed 's/^/  | /' /lab/state/doctor.json /lab/state/doctor.err
  cp /lab/state/doctor.json "/lab/out/doctor-$LAB_SEQ.json"
  expect_rc 0 "doctor --format json"
  local f='.findings[] | select(.id == "SK5008")'
  expect_eq "$(jq -r "[$f] | length" /lab/state/doctor.json)" 1 "doctor reports SK5008 (conntrack table full)"
  expect_eq "$(jq -r "$f | .severity" /lab/state/doctor.json)" critical "SK5008 is critical"
  expect_eq "$(jq -r "$f | [.evidence[] | select(.what == \"conntrack.drop\") | (.value > 0 and .delta > 0 and .rate_per_s > 0)] | any" /lab/state/doctor.json)" \
    true "evidence: conntrack drop counter with a total, a growth and a rate over the interval"
  expect_eq "$(jq -r "$f | [.evidence[] | select(.what == \"net.netfilter.nf_conntrack_count\") | .value] | .[0]" /lab/state/doctor.json)" \
    "$count" "evidence: nf_conntrack_count at the maximum"
  expect_eq "$(jq -r "$f | [.evidence[] | select(.what == \"net.netfilter.nf_conntrack_count\") | .threshold] | .[0]" /lab/state/doctor.json)" \
    ">= 90% of net.netfilter.nf_conntrack_max ($CT_MAX)" "evidence: count against max"
  expect_eq "$(jq -r "$f | [.evidence[] | select(.what == \"kernel log\") | .detail | contains(\"nf_conntrack: table full, dropping packet\")] | any" /lab/state/doctor.json)" \
    true "evidence: the kernel log line"
  expect_eq "$(jq -r "$f | [.knobs[].key] | join(\" \")" /lab/state/doctor.json)" \
    "net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_buckets" "knobs: nf_conntrack_max and the hash size together"
  expect_eq "$(jq -r "$f | .knobs[0] | .current + \" -> \" + .suggested" /lab/state/doctor.json)" \
    "$CT_MAX -> 262144" "nf_conntrack_max: current and suggested"
  expect_eq "$(jq -r "$f | .knobs[1] | .current + \" -> \" + .suggested" /lab/state/doctor.json)" \
    "$(live net.netfilter.nf_conntrack_buckets) -> 262144" "nf_conntrack_buckets: current and suggested, one bucket per entry"
  run sysknob doctor --format prometheus --interval 1
  expect_rc 0 "doctor --format prometheus"
  # (Its severity is critical only while drops grow during its own interval.)
  if grep -q '^sysknob_doctor_finding{id="SK5008",' <<<"$out"; then pass "prometheus: the SK5008 finding metric"
  else fail "prometheus: no sysknob_doctor_finding{id=\"SK5008\"...}"; fi
  if awk '$1 == "sysknob_conntrack_drops_total" && $2 > 0 {f = 1} END {exit !f}' <<<"$out"; then pass "prometheus: sysknob_conntrack_drops_total > 0"
  else fail "prometheus: sysknob_conntrack_drops_total missing or 0"; fi
  if awk -v m="$CT_MAX" '$1 == "sysknob_conntrack_entries_limit" && $2 == m {f = 1} END {exit !f}' <<<"$out"; then pass "prometheus: sysknob_conntrack_entries_limit $CT_MAX"
  else fail "prometheus: sysknob_conntrack_entries_limit is not $CT_MAX"; fi
  wait "$burst" 2>/dev/null
  kill "$listener" 2>/dev/null; wait "$listener" 2>/dev/null
  nft delete table inet lab
  ip link del labct0 2>/dev/null; ip netns del ctpeer
}

# --- boot-effects ----------------------------------------------------------------
# A sysctl.d tree whose result depends on the kernel's side effects of
# writes (schemas/write_effects.toml): the profile lab-effects (90-sysknob.conf)
# and a later /etc/sysctl.d/95-lab-effects.conf with a glob, conf.default,
# ip_forward and IPv6 all.forwarding. dummy0 exists at boot (modules-load,
# a unit before systemd-sysctl), lab1 is created after boot. Boot 1 records what the boot
# model predicts (tools/boot_dump: the replay `status` and `diff` use) from
# the values the kernel starts with; boot 2 compares it key for key.
EFFECTS_TREE='net.ipv4.conf.*.rp_filter = 2
net.ipv4.conf.default.log_martians = 1
net.ipv4.ip_forward = 1
net.ipv6.conf.all.forwarding = 1'

probe_boot_effects() {
  case_is boot-effects
  # dummy0 exists when systemd-sysctl runs: a unit ordered between
  # systemd-modules-load (which loads dummy, numdummies=0) and it creates
  # it (the module's own numdummies=1 device was not there on 6.12 when
  # modules-load had loaded it, measured).
  echo dummy >/etc/modules-load.d/lab-effects.conf
  echo 'options dummy numdummies=0' >/etc/modprobe.d/lab-effects.conf
  printf '%s\n' '[Unit]' 'Description=kernel lab: dummy0 before systemd-sysctl' 'DefaultDependencies=no' \
    'After=systemd-modules-load.service' 'Before=systemd-sysctl.service' '[Service]' 'Type=oneshot' \
    'ExecStart=/sbin/ip link add dummy0 type dummy' '[Install]' 'WantedBy=sysinit.target' \
    >/etc/systemd/system/lab-dummy0.service
  run systemctl enable lab-dummy0.service
  expect_rc 0 "a unit creates dummy0 before systemd-sysctl at the next boot"
  run modprobe dummy numdummies=0
  run ip link add dummy0 type dummy
  expect_eq "$(live net.ipv4.conf.dummy0.rp_filter)" 0 "dummy0 exists, as it will at boot"
  run sysknob apply lab-effects
  expect_rc 0 "apply lab-effects (lo.rp_filter = 0, dummy0.log_martians = 0, all.accept_redirects = 1)"
  printf '%s\n' "$EFFECTS_TREE" >/etc/sysctl.d/95-lab-effects.conf
  # What status and diff say the boot does to the profile's keys.
  run sysknob status --format json
  printf '%s\n' "$out" >/lab/state/status-before.json
  run "$BIN/boot_dump" / --prefix net --written-if lo --before /lab/state/boot-values --coldplug --later lab1
  expect_rc 0 "boot_dump: the model's prediction"
  printf '%s\n' "$out" >/lab/state/predicted
  cp /lab/state/predicted "/lab/out/predicted-$LAB_SEQ"
  # The prediction covers every key of the tree on every interface present
  # (lo, dummy0, all, default) and the one created later.
  local k
  for k in dummy0 all default lab1; do
    grep -q "^net.ipv4.conf.$k.rp_filter = " /lab/state/predicted || fail "no prediction for net.ipv4.conf.$k.rp_filter"
  done
  grep -q '^net.ipv6.conf.dummy0.forwarding = ' /lab/state/predicted || fail "no prediction for net.ipv6.conf.dummy0.forwarding"
  pass "predicted $(wc -l </lab/state/predicted) net.* keys"
}

step_after_boot() {
  case_is boot-effects
  local key want got n=0 bad=0 iface
  expect_modules_before_sysctl
  local made started
  made=$(systemctl show -P ExecMainExitTimestampMonotonic lab-dummy0.service)
  started=$(systemctl show -P ExecMainStartTimestampMonotonic systemd-sysctl.service)
  if [ -n "$made" ] && [ "$made" != 0 ] && [ "$made" -le "$started" ]; then
    pass "dummy0 was created ($made us) before systemd-sysctl started ($started us)"
  else fail "lab-dummy0.service finished at '$made' us, systemd-sysctl started at $started us"; fi
  for iface in lo dummy0; do [ -d "/proc/sys/net/ipv4/conf/$iface" ] || fail "$iface is not there at boot"; done
  # Key for key: every value the model predicts for interfaces at boot.
  while read -r key _ want; do
    case "$key" in *.lab1.*) continue ;; esac
    n=$((n + 1))
    got=$(live "$key")
    matches "$got" "$want" || { fail "the model says the boot leaves $key = '$want', the real boot left '$got'"; bad=1; }
  done </lab/state/predicted
  [ "$bad" = 1 ] || pass "the real boot left all $n predicted net.* keys as the model said"
  # Every key of the tree (the globs over all, default, lo and dummy0) the
  # model leaves out: no write and no side effect reaches it (a write
  # skipped as equal), so it keeps the value the kernel started with.
  n=0 bad=0
  for key in $(tree_keys); do
    grep -q "^$key = " /lab/state/predicted && continue
    want=$(start_value "$key")
    got=$(live "$key")
    n=$((n + 1))
    [ "$got" = "$want" ] || { fail "the model says no write reaches $key (it keeps '$want'), the real boot left '$got'"; bad=1; }
  done
  [ "$bad" = 1 ] || pass "the $n keys of the tree the model says no write reaches kept their values"
  # An interface created after boot: udev's systemd-sysctl run for it.
  run ip link add lab1 type dummy
  udevadm settle --timeout=60
  n=0 bad=0
  while read -r key _ want; do
    n=$((n + 1))
    got=$(live "$key")
    matches "$got" "$want" || { fail "the model says lab1, created after boot, gets $key = '$want'; it has '$got'"; bad=1; }
  done < <(grep '\.lab1\.' /lab/state/predicted)
  [ "$n" -gt 0 ] || fail "no prediction for lab1"
  [ "$bad" = 1 ] || [ "$n" = 0 ] || pass "lab1, created after boot: all $n predicted keys"
  ip link del lab1
  # What status said before the reboot about the profile's keys, against
  # the values the boot left.
  local shadowed unordered
  shadowed=$(jq -r '.. | objects | select(has("mechanism") and has("key")) | .key' /lab/state/status-before.json 2>/dev/null | sort -u)
  unordered=$(jq -r '.. | objects | select(has("mechanism") and has("key")) | select(.mechanism // "" | contains("depends on the boot'"'"'s order")) | .key' \
    /lab/state/status-before.json 2>/dev/null | sort -u)
  echo "status before the reboot reported these keys overridden at boot: ${shadowed:-none}"
  for key in net.ipv4.conf.lo.rp_filter net.ipv4.conf.dummy0.log_martians net.ipv4.conf.all.accept_redirects; do
    got=$(live "$key")
    [ "$got" != ABSENT ] || { fail "$key does not exist after the boot"; continue; }
    if grep -qx "$key" <<<"$unordered"; then
      # No claim: either value is what status said could happen.
      pass "status said $key depends on the order of udev and systemd-sysctl; this boot left '$got'"
    elif grep -qx "$key" <<<"$shadowed"; then
      [ "$got" != "$(profile_value "$key")" ] && pass "status said $key is overridden at boot, and it is ('$got')" \
        || fail "status said $key is overridden at boot, but the boot left the profile's '$got'"
    else
      [ "$got" = "$(profile_value "$key")" ] && pass "status said nothing about $key, and it holds the profile's '$got'" \
        || fail "status said nothing about $key, but the boot left '$got' (profile: '$(profile_value "$key")')"
    fi
  done
}

# matches GOT WANT: WANT is a value, or "A | B" when the model says the
# key depends on the order of udev's run and systemd-sysctl (boot_dump --coldplug).
matches() {
  case "$2" in
    *' | '*) [ "$1" = "${2%% | *}" ] || [ "$1" = "${2#* | }" ] ;;
    *) [ "$1" = "$2" ] ;;
  esac
}

# The tree's keys: the profile's and 95-lab-effects.conf's, "*" over the
# interfaces at boot.
tree_keys() {
  { awk '$1 == "sysctl" {print $2}' /lab/expect/lab-effects; printf '%s\n' "$EFFECTS_TREE" | awk '{print $1}'; } |
    while read -r k; do
      case "$k" in *'*'*) for i in all default lo dummy0; do echo "${k/\*/$i}"; done ;; *) echo "$k" ;; esac
    done | sort -u
}
# The value a key starts a boot with: saved before init, or for dummy0
# (created by modules-load, after the early init) conf.default's, which a new
# interface copies (net/ipv4/devinet.c inetdev_init, net/ipv6/addrconf.c ipv6_add_dev).
start_value() {
  local v
  v=$(boot_value "$1")
  [ -n "$v" ] || v=$(boot_value "$(echo "$1" | sed 's/\.dummy0\./.default./')")
  echo "$v"
}
profile_value() { awk -v k="$1" '$1 == "sysctl" && $2 == k {print $3}' /lab/expect/lab-effects; }

# --- catalogue: the defaults the catalogue leaves to the machine ----------------
# Entries without default_value are computed at boot from memory, CPUs or
# the kernel's build configuration. The checker counts them as not
# compared; here each is compared with what the kernel computes it from:
# exactly where the kernel's formula uses values user space can read (CPUs,
# the .config, another key set by the same code), within a stated tolerance
# where it uses a page count of a moment during boot that /proc no longer
# shows. Values are the ones saved before init.
boot_value() { awk -v k="$1" '$1 == k {sub(/^[^ ]+ /, ""); print; exit}' /lab/state/boot-values; }
within() { # within VALUE LOW HIGH WHAT
  if [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; then pass "$4: $1 in [$2, $3]"
  else fail "$4: $1 not in [$2, $3]"; fi
}
probe_machine_defaults() {
  case_is catalogue
  local cfg ncpu mem_kb pages v t u a b c want
  cfg=/lab/kconfig/config-$(uname -r)
  [ -f "$cfg" ] || { fail "no kernel configuration $cfg"; return; }
  kconf() { sed -n "s/^$1=//p" "$cfg" | tr -d '"'; }
  ncpu=$(ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l)
  mem_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
  pages=$((mem_kb / 4))
  echo "machine: $ncpu possible CPUs, MemTotal $mem_kb kB"
  # kernel/pid.c pid_idr_init (6.1, 6.12): max(PID_MAX_DEFAULT, 1024 per possible CPU).
  want=$((1024 * $(awk -F- '{print ($2 == "" ? $1 : $2) + 1}' /sys/devices/system/cpu/possible)))
  [ "$want" -ge 32768 ] || want=32768
  expect_eq "$(boot_value kernel.pid_max)" "$want" "kernel.pid_max: max(32768, 1024 x possible CPUs) (kernel/pid.c pid_idr_init)"
  # kernel/fork.c set_max_threads: pages x PAGE_SIZE / (THREAD_SIZE x 8) = pages / 32
  # on x86-64 (16 KiB stacks), from a page count taken early in boot (6.12:
  # memblock_estimated_nr_free_pages): at most MemTotal's, not less than 85% of it.
  t=$(boot_value kernel.threads-max)
  within "$t" $((pages * 85 / 100 / 32)) $((pages / 32 + 1)) "kernel.threads-max ~ pages / 32 (kernel/fork.c set_max_threads)"
  # kernel/fork.c fork_init: every ucount limit of the initial user namespace is max_threads / 2.
  expect_eq "$(boot_value user.max_user_namespaces)" $((t / 2)) "user.max_user_namespaces = threads-max / 2 (kernel/fork.c fork_init)"
  # fs/file_table.c files_maxfiles_init: 10% of the memory in KiB, less a reserve, at least NR_FILE (8192).
  within "$(boot_value fs.file-max)" $((mem_kb * 85 / 1000)) $((mem_kb / 10)) "fs.file-max ~ 10% of memory in KiB (fs/file_table.c files_maxfiles_init)"
  # mm/page_alloc.c init_per_zone_wmark_min: sqrt(16 x lowmem KiB), clamped to [128, 262144].
  # With transparent huge pages, khugepaged raises it at boot to
  # pageblock x populated zones x (2 + MIGRATE_PCPTYPES^2 = 9), at most 5% of
  # memory (mm/khugepaged.c set_recommended_min_free_kbytes): exact.
  v=$(boot_value vm.min_free_kbytes)
  a=$(awk -v m="$mem_kb" 'BEGIN {printf "%d", sqrt(16 * m)}')
  local zones pb thp
  zones=$(awk '/^Node .* zone/ {z = $4} /^ +managed/ && $2 > 0 && z != "Movable" && z != "HighMem" {n++} END {print n}' /proc/zoneinfo)
  pb=$(($(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo) / 4))
  thp=$((pb * zones * 11))
  [ "$thp" -le $((pages / 20)) ] || thp=$((pages / 20))
  thp=$((thp * 4))
  if [ -e /sys/kernel/mm/transparent_hugepage/enabled ] && ! grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/enabled && [ "$thp" -gt "$a" ]; then
    expect_eq "$v" "$thp" "vm.min_free_kbytes = khugepaged's $pb-page blocks x $zones zones x 11 (mm/khugepaged.c set_recommended_min_free_kbytes)"
  else
    within "$v" $((a * 85 / 100)) "$a" "vm.min_free_kbytes ~ sqrt(16 x memory KiB) (mm/page_alloc.c init_per_zone_wmark_min)"
  fi
  # fs/notify/inotify/inotify_user.c inotify_user_setup (5.11+): 1% of memory
  # over the cost of a watch (a mark and two inodes, about 1 KiB), in [8192, 1048576].
  v=$(boot_value fs.inotify.max_user_watches)
  within "$v" $((mem_kb * 1024 / 100 / 3000)) $((mem_kb * 1024 / 100 / 500)) "fs.inotify.max_user_watches ~ 1% of memory / watch cost"
  # net/ipv4/tcp.c tcp_init_mem and net/ipv4/udp.c udp_init_mem? (udp_init):
  # limit = free buffer pages / 16 (TCP) or / 8 (UDP), min 128; {limit/4*3, limit, limit/4*3*2}.
  read -r a b c <<<"$(boot_value net.ipv4.tcp_mem)"
  expect_eq "$a $c" "$((b / 4 * 3)) $((b / 4 * 3 * 2))" "net.ipv4.tcp_mem = {limit/4*3, limit, limit/4*3*2} (net/ipv4/tcp.c tcp_init_mem)"
  within "$b" $((pages * 85 / 100 / 16)) $((pages / 16)) "net.ipv4.tcp_mem limit ~ pages / 16"
  read -r a u c <<<"$(boot_value net.ipv4.udp_mem)"
  expect_eq "$a $c" "$((u / 4 * 3)) $((u / 4 * 3 * 2))" "net.ipv4.udp_mem = {limit/4*3, limit, limit/4*3*2} (net/ipv4/udp.c udp_init)"
  within "$u" $((b * 2 * 99 / 100)) $((b * 2 * 101 / 100)) "net.ipv4.udp_mem limit = 2 x tcp_mem's (/8 against /16 of the same pages)"
  # net/ipv4/tcp.c tcp_init: tcp_max_orphans = established hash size / 2, as
  # the initial namespace's tcp_max_tw_buckets (net/ipv4/tcp_ipv4.c tcp_sk_init).
  expect_eq "$(boot_value net.ipv4.tcp_max_orphans)" "$(boot_value net.ipv4.tcp_max_tw_buckets)" \
    "net.ipv4.tcp_max_orphans = tcp_max_tw_buckets = ehash size / 2 (net/ipv4/tcp.c tcp_init)"
  # net/netfilter/nf_conntrack_core.c nf_conntrack_init_start (5.15+): buckets
  # = memory / 16384 / sizeof(hlist_head), at least 1024, and max = buckets.
  # Read right after the modprobe (the module was not loaded before init).
  a=$(live net.netfilter.nf_conntrack_buckets)
  expect_eq "$(live net.netfilter.nf_conntrack_max)" "$a" "nf_conntrack_max = nf_conntrack_buckets (nf_conntrack_init_start, 5.15+)"
  # nf_ct_alloc_hashtable rounds the size up to a page of buckets (512).
  expect_eq "$((a % 512))" 0 "nf_conntrack_buckets is a multiple of 512 (nf_ct_alloc_hashtable)"
  within "$a" $(( (mem_kb * 1024 / 16384 / 8 * 85 / 100 + 511) / 512 * 512 )) $(( (mem_kb * 1024 / 16384 / 8 + 511) / 512 * 512 )) \
    "nf_conntrack_buckets ~ memory / 16384 / 8, rounded up to 512"
  b=$((a / 256)); [ "$b" -ge 1 ] || b=1
  expect_eq "$(live net.netfilter.nf_conntrack_expect_max)" $((b * 4)) \
    "nf_conntrack_expect_max = 4 x (buckets / 256) (nf_conntrack_expect.c nf_conntrack_expect_init)"
  # From the build configuration (/boot/config of this kernel).
  expect_eq "$(boot_value kernel.sysrq)" "$(($(kconf CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE)))" "kernel.sysrq = CONFIG_MAGIC_SYSRQ_DEFAULT_ENABLE"
  expect_eq "$(boot_value kernel.dmesg_restrict)" "$([ "$(kconf CONFIG_SECURITY_DMESG_RESTRICT)" = y ] && echo 1 || echo 0)" "kernel.dmesg_restrict = CONFIG_SECURITY_DMESG_RESTRICT"
  expect_eq "$(boot_value kernel.unprivileged_bpf_disabled)" "$([ "$(kconf CONFIG_BPF_UNPRIV_DEFAULT_OFF)" = y ] && echo 2 || echo 0)" "kernel.unprivileged_bpf_disabled = 2 with CONFIG_BPF_UNPRIV_DEFAULT_OFF"
  expect_eq "$(boot_value dev.tty.ldisc_autoload)" "$([ "$(kconf CONFIG_LDISC_AUTOLOAD)" = y ] && echo 1 || echo 0)" "dev.tty.ldisc_autoload = CONFIG_LDISC_AUTOLOAD"
  expect_eq "$(boot_value kernel.panic_on_oops)" "$(kconf CONFIG_PANIC_ON_OOPS_VALUE)" "kernel.panic_on_oops = CONFIG_PANIC_ON_OOPS_VALUE"
  expect_eq "$(boot_value net.core.default_qdisc)" "$(kconf CONFIG_DEFAULT_NET_SCH)" "net.core.default_qdisc = CONFIG_DEFAULT_NET_SCH"
  expect_eq "$(boot_value net.ipv4.tcp_congestion_control)" "$(kconf CONFIG_DEFAULT_TCP_CONG)" "tcp_congestion_control = CONFIG_DEFAULT_TCP_CONG"
  # kernel/sched/fair.c (6.1, 6.12): numa balancing starts enabled only with
  # more than one online node (check_numabalancing_enable); the VM has one.
  [ -e /proc/sys/kernel/numa_balancing ] && expect_eq "$(boot_value kernel.numa_balancing)" \
    "$([ "$(ls -d /sys/devices/system/node/node* | wc -l)" -gt 1 ] && kconf CONFIG_NUMA_BALANCING_DEFAULT_ENABLED | sed 's/y/1/' || echo 0)" \
    "kernel.numa_balancing = 0 on one NUMA node"
}
