# Kernel lab, host side: one boot of the guest, power cuts, reading results
# back. Sourced by tests/vm/run.sh.
#
# Globals of the scenario being run: RD (its directory), DISK (its raw
# image), KDIR (the kernel), FLAVOUR (6.1 or 6.12), SEQ (boot counter).

# TCG, not KVM: on this kind of machine a KVM boot hung at "Booting from
# ROM" (measured). SYSKNOB_VM_ACCEL=kvm tries it where KVM is known to work.
# Single-threaded TCG: with one host thread per vCPU, Debian's 6.12 guest
# died early in boot now and then ("Oops: int3" in code the kernel was
# patching, then "Fatal exception in interrupt"): a vCPU ran a stale
# translation of text another vCPU had just rewritten with text_poke_bp.
# thread=single emulates both vCPUs on one thread, so a rewrite is seen at
# once; the guest still has two CPUs.
VM_ACCEL=${SYSKNOB_VM_ACCEL:-tcg,thread=single}
VM_SMP=${SYSKNOB_VM_SMP:-2}
VM_MEM=${SYSKNOB_VM_MEM:-1024}
# One boot: ~30 s to multi-user on 2 TCG cores; a busy CI machine is slower.
VM_TIMEOUT=${SYSKNOB_VM_TIMEOUT:-300}

# no_timer_check: on a busy host the TCG guest's IO-APIC timer check can
# time out and 6.12 panics with "IO-APIC + timer doesn't work" (measured);
# the check is for boards whose tables lie about the timer IRQ, which qemu
# does not. arch/x86/kernel/apic/io_apic.c (6.1, 6.12): timer_irq_works()
# returns 1 at once when no_timer_check is set; check_timer() panics when
# every way of routing the timer fails that test.
VM_CMDLINE="console=ttyS0 root=/dev/vda rw panic=-1 loglevel=4 no_timer_check"

# host_check PASS|FAIL CASE message: a check made by the host (a boot that
# did not finish, a power cut that did not happen).
# NOTE is neither: a fact for the log (a retried boot), not a verdict.
host_check() { echo "$1 ${SEQ:-0} $2 ${*:3}" >>"$RD/host-checks"; [ "$1" = PASS ] || echo "  $1 [$2] ${*:3}" >&2; }

# vm_boot [--cut|--early] SCENARIO/STEP [ARG,ARG...]: boots the guest once
# with the step on the kernel command line and waits for it to power off.
# With --cut, waits for the guest's "LAB-CUT" marker on the second serial
# port instead and then SIGKILLs qemu: a power cut, whatever the guest had
# not written to its disk is lost. With --early, the initramfs starts
# /lab/early-init (it saves the kernel's own /proc/sys values, then becomes
# /sbin/init). Returns 1 if the boot did not end as asked.
vm_boot() {
  local cut=0 early=
  [ "$1" = --cut ] && { cut=1; shift; }
  [ "$1" = --early ] && { early=" lab.init=/lab/early-init"; shift; }
  local step=$1 args=${2:-} t0 ended
  SEQ=$((SEQ + 1))
  local console=$RD/console-$SEQ.log
  t0=$(date +%s)
  vm_run_qemu "$cut" "$early" "$step" "$args"; ended=$VM_ENDED
  # One retry, and only for a kernel that died before user space started
  # the lab step (6.12 under TCG now and then: "Oops: int3 ... Fatal
  # exception in interrupt" in kernel_init, see VM_ACCEL above): nothing of
  # the step ran, the disk is as the previous boot left it (the journal
  # replay of a mount is idempotent), so booting again tests the same
  # thing. A failure after the step started is never retried.
  if [ "$ended" = poweroff ] && vm_died_before_step "$console"; then
    mv "$console" "$RD/console-$SEQ.panic.log"
    host_check NOTE boot "boot $SEQ ($step): RETRY: the kernel panicked before the lab step started (console: $RD/console-$SEQ.panic.log); booting once more"
    echo "  RETRY boot $SEQ $step on $FLAVOUR: kernel panic before the lab step started ($RD/console-$SEQ.panic.log)" >&2
    grep -m1 -E 'Oops|Kernel panic' "$RD/console-$SEQ.panic.log" | sed 's/^/    /' >&2
    vm_run_qemu "$cut" "$early" "$step" "$args"; ended=$VM_ENDED
  fi
  echo "  boot $SEQ $step${args:+ ($args)} on $FLAVOUR: $ended after $(($(date +%s) - t0)) s"
  case "$cut/$ended" in
    0/poweroff) read_back || return 1
                [ -f "$RD/out/$SEQ.rc" ] || { host_check FAIL boot "boot $SEQ ($step) powered off without finishing its step"; return 1; }
                host_check PASS boot "boot $SEQ ($step) ran its step and powered off" ;;
    1/cut) host_check PASS boot "boot $SEQ ($step): power cut at the guest's signal" ;;
    *) host_check FAIL boot "boot $SEQ ($step): $ended (power cut expected: $cut); console: $console"
       tail -n 30 "$console" >&2; return 1 ;;
  esac
}

# vm_died_before_step CONSOLE: the kernel panicked and systemd never got
# as far as starting the lab step's unit.
vm_died_before_step() {
  grep -q 'Kernel panic' "$1" && ! grep -q 'sysknob-lab.service' "$1"
}

# vm_run_qemu CUT EARLY STEP ARGS: one run of qemu for boot $SEQ; sets
# VM_ENDED to how it ended: cut, timeout or poweroff (qemu exited by
# itself). Not in a subshell: QEMU_PID must reach run.sh's exit trap.
vm_run_qemu() {
  local cut=$1 early=$2 step=$3 args=$4 pid waited=0 ended=
  local console=$RD/console-$SEQ.log marker=$RD/marker-$SEQ.log
  : >"$marker"
  qemu-system-x86_64 -accel "$VM_ACCEL" -m "$VM_MEM" -smp "$VM_SMP" -nodefaults -no-reboot -display none \
    -kernel "$KDIR/vmlinuz" -initrd "$KDIR/initrd.img" \
    -append "$VM_CMDLINE$early lab.step=$step lab.seq=$SEQ lab.args=$args" \
    -drive "file=$DISK,format=raw,if=virtio,cache=writeback" \
    -serial "file:$console" -serial "file:$marker" >"$RD/qemu-$SEQ.log" 2>&1 &
  pid=$!
  QEMU_PID=$pid
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$cut" = 1 ] && grep -q '^LAB-CUT' "$marker"; then
      kill -KILL "$pid"; ended=cut; break
    fi
    if [ "$waited" -ge "$VM_TIMEOUT" ]; then kill -KILL "$pid"; ended=timeout; break; fi
    sleep 1; waited=$((waited + 1))
  done
  wait "$pid" 2>/dev/null || true
  QEMU_PID=
  VM_ENDED=${ended:-poweroff}
}

# The guest's /lab/out and journal, read with debugfs from the powered-off
# image: no mount needed. Only after a clean power-off (after a power cut
# the file system needs the journal replay that the next boot does).
read_back() {
  rm -rf "$RD/out" "$RD/journal"
  debugfs -R "rdump /lab/out $RD" "$DISK" >/dev/null 2>&1
  debugfs -R "rdump /var/log/journal $RD" "$DISK" >/dev/null 2>&1
  [ -d "$RD/out" ] || { host_check FAIL boot "cannot read /lab/out back from $DISK"; return 1; }
}

# The journal of guest boot N (by the boot id the runner wrote).
guest_journal() {
  local id
  id=$(cat "$RD/out/$1.boot" 2>/dev/null | tr -d '-')
  [ -n "$id" ] || { echo "(no boot id for boot $1)"; return; }
  journalctl --directory="$RD/journal" -b "$id" --no-pager -o short-monotonic 2>&1
}
