#!/usr/bin/env bash
# The kernel lab: sysknob's .deb on Debian 12 booted on Debian's real
# kernels under qemu, with real module loading, host-wide keys, reboots and
# power cuts. See tests/vm/README.md.
#
#   bash tests/vm/run.sh [SCENARIO...] [--kernel 6.1|6.12]
#   bash tests/vm/run.sh --shell [SCENARIO] [--kernel 6.1|6.12]
#   bash tests/vm/run.sh --list
#
# Exit 0 when every case passed or failed as tests/vm/known-failures
# expects, 1 otherwise, 77 when a prerequisite is missing (1 under CI=true).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
VMC=${SYSKNOB_VM_CACHE:-$SRC/build-vm}
LAB=$SRC/tests/vm

log() { echo "lab: $*"; }
die() { echo "lab: error: $*" >&2; exit 1; }
skip() {
  if [ "${CI:-}" = true ]; then echo "lab: FAIL: would skip under CI: $*" >&2; exit 1; fi
  echo "lab: SKIP: $*"; exit 77
}

. "$LAB/lib/image.sh"
. "$LAB/lib/boot.sh"
for f in "$LAB"/scenarios/*.sh; do . "$f"; done
SCENARIOS=(reboot powercut hostwide late-iface package catalogue conntrack-full boot-effects)

kernels=(6.1 6.12) wanted=() shell=0
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel) [ $# -ge 2 ] || die "--kernel needs 6.1 or 6.12"
              [ -n "${KERNEL_META[$2]:-}" ] || die "--kernel $2: expected 6.1 or 6.12"
              kernels=("$2"); shift ;;
    --shell) shell=1 ;;
    --list) printf '%s\n' "${SCENARIOS[@]}"; exit 0 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "lab: unknown option $1" >&2; exit 64 ;;
    *) case " ${SCENARIOS[*]} " in *" $1 "*) ;; *) echo "lab: unknown scenario '$1' (--list)" >&2; exit 64 ;; esac
       wanted+=("$1") ;;
  esac
  shift
done
[ ${#wanted[@]} -gt 0 ] || wanted=("${SCENARIOS[@]}")

# Prerequisites: root (loop mount, chroot dpkg, mmdebstrap) and the tools
# scripts/install-deps.sh installs (the vm set).
[ "$(id -u)" = 0 ] || skip "the kernel lab needs root"
for tool in qemu-system-x86_64 mmdebstrap cpio depmod modprobe mke2fs debugfs dpkg-deb apt-get apt-cache \
            python3 cmake cpack xz journalctl mount chroot; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh --vm)"
done
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' \
  || { /bin/busybox 2>/dev/null | grep -q BusyBox && ldd /bin/busybox 2>&1 | grep -q 'not a dynamic'; } \
  || skip "a static /bin/busybox is needed (busybox-static)"
[ -e /dev/loop-control ] || skip "no loop devices here"

QEMU_PID=
cleanup() {
  [ -z "${QEMU_PID:-}" ] || kill -KILL "$QEMU_PID" 2>/dev/null || true
  umount_all
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$VMC/kernels" "$VMC/runs"
t_start=$(date +%s)
for k in "${!KERNEL_META[@]}"; do fetch_kernel "$k"; done
base_image
build_deb
case " ${wanted[*]} " in *" package "*) prepare_previous_deb ;; esac
installed_image
log "image ready after $(($(date +%s) - t_start)) s: $INSTALLED_IMG"

if [ "$shell" = 1 ]; then
  FLAVOUR=${kernels[0]}; KDIR=$VMC/kernels/$FLAVOUR
  DISK=$VMC/runs/${wanted[0]}-$FLAVOUR/disk.img
  [ -f "$DISK" ] || { DISK=$VMC/shell.img; cp --sparse=always "$INSTALLED_IMG" "$DISK"; }
  log "shell on $DISK ($FLAVOUR): log in as root, no password; 'poweroff' or Ctrl-a x ends it"
  exec qemu-system-x86_64 -accel "$VM_ACCEL" -m "$VM_MEM" -smp "$VM_SMP" -nodefaults -no-reboot -display none \
    -kernel "$KDIR/vmlinuz" -initrd "$KDIR/initrd.img" -append "${VM_CMDLINE/panic=-1 /}" \
    -drive "file=$DISK,format=raw,if=virtio" -serial mon:stdio
fi

# known-failures: "SCENARIO/CASE KERNEL|* reason" lines.
known_reason() { # known_reason SCENARIO/CASE KERNEL
  awk -v c="$1" -v k="$2" '!/^#/ && NF >= 2 && $1 == c && ($2 == k || $2 == "*") {
      $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$LAB/known-failures"
}

passed=0 failed=0 known=0
summary=()
# judge SCENARIO/CASE...: one verdict per case from the guest's and the
# host's check lines. A case with no line at all failed.
judge() {
  local qualified scenario c lines verdict reason seqs s
  for qualified in "$@"; do
    scenario=${qualified%%/*} c=${qualified#*/}
    lines=$(cat "$RD/out/checks" "$RD/host-checks" 2>/dev/null | awk -v c="$c" '$3 == c' || true)
    if [ -z "$lines" ]; then verdict=FAIL; lines="FAIL 0 $c no check ran"
    elif grep -q '^FAIL' <<<"$lines"; then verdict=FAIL
    else verdict=PASS; fi
    reason=$(known_reason "$scenario/$c" "$FLAVOUR")
    if [ -n "$reason" ] && [ "$verdict" = FAIL ]; then
      known=$((known + 1))
      summary+=("KNOWN-FAIL $scenario/$c on $FLAVOUR: $reason")
      grep '^FAIL' <<<"$lines" | head -n 3 | sed 's/^/    /'
    elif [ -n "$reason" ]; then
      failed=$((failed + 1))
      summary+=("FAIL $scenario/$c on $FLAVOUR: unexpectedly passed: remove it from tests/vm/known-failures")
    elif [ "$verdict" = PASS ]; then
      passed=$((passed + 1))
      summary+=("PASS $scenario/$c on $FLAVOUR")
    else
      failed=$((failed + 1))
      summary+=("FAIL $scenario/$c on $FLAVOUR")
      echo "---- $scenario/$c on $FLAVOUR failed:" >&2
      grep '^FAIL' <<<"$lines" | sed 's/^/    /' >&2
      seqs=$(grep '^FAIL' <<<"$lines" | awk '{print $2}' | sort -un)
      for s in $seqs; do
        [ "$s" != 0 ] || continue
        echo "---- step log of boot $s ($RD/out/$s.log):" >&2
        cat "$RD/out/$s.log" >&2 2>/dev/null || true
        echo "---- guest journal of boot $s (last 300 lines; all: journalctl -D $RD/journal):" >&2
        guest_journal "$s" | tail -n 300 >&2
      done
    fi
  done
}

# Scenarios 1, 2, 4 and 5 are one chain of boots (scenarios/reboot.sh):
# run together, they share the boots.
# So are catalogue, conntrack-full and boot-effects (scenarios/facts.sh).
chain=() runs=() FACTS_PARTS=()
for scenario in "${wanted[@]}"; do
  case "$scenario" in
    reboot) chain+=("${REBOOT_PROFILES[@]}") ;;
    hostwide) chain+=(lab-hostwide) ;;
    late-iface) chain+=(lab-glob) ;;
    catalogue|conntrack-full|boot-effects) FACTS_PARTS+=("$scenario") ;;
    *) runs+=("$scenario") ;;
  esac
done
[ ${#FACTS_PARTS[@]} -eq 0 ] || runs=(facts "${runs[@]}")
[ ${#chain[@]} -eq 0 ] || runs=(reboot "${runs[@]}")
CHAIN_PROFILES=("${chain[@]}")

for FLAVOUR in "${kernels[@]}"; do
  KDIR=$VMC/kernels/$FLAVOUR
  for scenario in "${runs[@]}"; do
    RD=$VMC/runs/$scenario-$FLAVOUR
    rm -rf "$RD"; mkdir -p "$RD"
    DISK=$RD/disk.img
    cp --sparse=always "$INSTALLED_IMG" "$DISK"
    SEQ=0
    t0=$(date +%s)
    log "scenario $scenario on $FLAVOUR ($(cat "$KDIR/version"))"
    CASES=()
    "scenario_${scenario//-/_}" || true
    judge "$scenario/boot" "${CASES[@]}"
    log "scenario $scenario on $FLAVOUR: $(($(date +%s) - t0)) s, $SEQ boots"
    summary+=("TIME $scenario on $FLAVOUR: $(($(date +%s) - t0)) s, $SEQ boots")
  done
done

echo
printf '%s\n' "${summary[@]}"
echo "lab: $passed passed, $failed failed, $known known failures; $(($(date +%s) - t_start)) s"
[ "$failed" = 0 ]
