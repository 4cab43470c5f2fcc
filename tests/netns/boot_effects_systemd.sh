#!/usr/bin/env bash
# The boot replay against the real systemd-sysctl, key for key, where the
# kernel's own side effects decide the result: conf.default copied into
# interfaces whose entry was never written (lo down, lo up with its address,
# veths), equal writes that systemd skips, ip_forward, IPv6 all.forwarding and
# all.disable_ipv6, and interfaces created after the run (udev's
# per-interface systemd-sysctl run, as 99-systemd.rules has it).
#
# Each tree runs in a fresh network + mount namespace with the tree bound over
# /etc/sysctl.d (empty tmpfs over the other sysctl.d directories). Every
# net.ipv4.conf / net.ipv6.conf key and ip_forward is read before and after:
# each key the model prints must hold its value, and each key that changed
# must be one the model prints.
. "$SYSKNOB_SRC/tests/support/lib.sh"
if [ -z "${BOOT_TREE:-}" ]; then
  enter_netns --mount
else
  # A tree's own fresh namespace: lo stays down (enter_netns would bring it
  # up, and its address marks every entry written).
  if [ "$(readlink /proc/self/ns/net)" = "$(readlink /proc/1/ns/net)" ]; then
    echo "FAIL: refusing to run: still in the host's network namespace" >&2; exit 1
  fi
fi

BOOT_DUMP=${SYSKNOB_BUILD:?}/tests/boot_dump
SYSTEMD_SYSCTL=
for c in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
  if [ -x "$c" ]; then SYSTEMD_SYSCTL=$c; break; fi
done

snapshot() { # all conf keys and ip_forward, "key = value", sorted
  local f
  for f in /proc/sys/net/ipv4/conf/*/* /proc/sys/net/ipv6/conf/*/* /proc/sys/net/ipv4/ip_forward; do
    [ -f "$f" ] && [ -r "$f" ] || continue
    [ $(( 0$(stat -c %a "$f") & 0200 )) -ne 0 ] || continue
    local k=${f#/proc/sys/}
    printf '%s = %s\n' "$(printf '%s' "$k" | tr './' '/.')" "$(tr -s '\t ' '  ' <"$f" 2>/dev/null)"
  done | sort
}


value_in() { # value_in KEY SNAPSHOT
  awk -v k="$1" 'index($0, k " = ") == 1 { print substr($0, length(k) + 4); exit }' <<<"$2"
}

check_tree() {
  local tree=$1 name d
  name=$(basename "$tree")
  mount --bind "$tree/etc/sysctl.d" /etc/sysctl.d
  for d in /run/sysctl.d /usr/local/lib/sysctl.d /usr/lib/sysctl.d /lib/sysctl.d; do
    [ -d "$d" ] || continue
    [ "$(stat -Lc %d:%i "$d")" = "$(stat -Lc %d:%i /etc/sysctl.d)" ] && continue
    mountpoint -q "$d" && [ "$d" = /lib/sysctl.d ] && continue
    mount -t tmpfs tmpfs "$d"
  done
  # shellcheck disable=SC1091
  . "$tree/setup.sh"   # creates the interfaces present at boot, sets $model_args and $later
  local e
  for e in $(shut_entries); do model_args+=" --written-entry $e"; done
  local before
  before=$(snapshot)
  # shellcheck disable=SC2086
  run "$BOOT_DUMP" / --prefix net $model_args
  expect_rc 0 "$name: boot_dump"
  local model=$out
  [ -n "$model" ] || { fail "$name: the model predicted nothing"; return; }

  SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console "$SYSTEMD_SYSCTL" --prefix=/net >"$T/sd.out" 2>"$T/sd.err" || true
  local i
  local i j
  for i in $later; do
    ip link add "$i" type veth peer name "${i}p"
    # 99-systemd.rules, ACTION=="add", SUBSYSTEM=="net", KERNEL!="lo": udev
    # runs this for each new device (both ends of the pair).
    for j in "$i" "${i}p"; do
      "$SYSTEMD_SYSCTL" --prefix="/net/ipv4/conf/$j" --prefix="/net/ipv4/neigh/$j" \
        --prefix="/net/ipv6/conf/$j" --prefix="/net/ipv6/neigh/$j" 2>>"$T/sd.err" || true
    done
  done
  local after
  after=$(snapshot)

  local line key want got compared=0
  while IFS= read -r line; do
    key=${line%% = *}
    want=${line#* = }
    got=$(value_in "$key" "$after")
    [ -n "$got" ] || continue   # not a key of this kernel, or read-only
    expect_eq "$got" "$want" "$name: $key"
    compared=$((compared + 1))
  done <<<"$model"
  # Keys that changed (or appeared with a value other than default's) that
  # the model does not name.
  local missed
  local missed='' dflt
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    key=${line%% = *}
    grep -q -F -- "$key = " <<<"$model" && continue
    # A key of an interface created later that kept default's value from
    # before the boot: nothing wrote it or default. IPv6 mtu comes from the
    # device's own MTU (ipv6_add_dev()), not from default.
    [[ $key =~ ^net\.ipv6\.conf\.[^.]+\.mtu$ ]] && [ -z "$(value_in "$key" "$before")" ] && continue
    if [ -z "$(value_in "$key" "$before")" ] && [[ $key =~ ^(net\.ipv[46]\.conf)\.[^.]+\.(.+)$ ]]; then
      dflt=$(value_in "${BASH_REMATCH[1]}.default.${BASH_REMATCH[2]}" "$before")
      [ "$dflt" = "${line#* = }" ] && continue
    fi
    missed+="$line; "
  done < <(comm -13 <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
  expect_eq "$missed" "" "$name: every key that changed is one the model names"
  [ "$compared" -gt 0 ] && pass "$name: compared $compared keys" || fail "$name: no key compared"
}

if [ -n "${BOOT_TREE:-}" ]; then
  check_tree "$BOOT_TREE"
  done_testing
  exit 0
fi

[ -x "$BOOT_DUMP" ] || skip "boot_dump not built at $BOOT_DUMP"
[ -n "$SYSTEMD_SYSCTL" ] || skip "systemd-sysctl not found"
command -v ip >/dev/null || skip "ip not found"
unshare -n sh -c 'ip link add t0 type veth peer name t1' 2>/dev/null || skip "veth interfaces cannot be created here"

# tree NAME SETUP: a tree with its setup script; files follow with conf.
tree() { mkdir -p "$T/$1/etc/sysctl.d"; printf '%s\n' "$2" >"$T/$1/setup.sh"; }
conf() { printf '%b' "$3" >"$T/$1/etc/sysctl.d/$2"; }

# The mechanism: lo (down, no address) and two veths present at boot; the
# profile's explicit values equal the boot values, so systemd skips them and
# the later globs' default write is copied in.
tree lo-down 'ip link add veth0 type veth peer name veth1; model_args=""; later=""'
conf lo-down 90-sysknob.conf 'net.ipv4.conf.lo.rp_filter = 0\nnet.ipv4.conf.lo.accept_redirects = 1\nnet.ipv4.conf.lo.src_valid_mark = 0\nnet.ipv4.conf.veth0.rp_filter = 1\n'
conf lo-down 99-x.conf 'net.ipv4.conf.*.rp_filter = 2\nnet.ipv4.conf.default.accept_redirects = 0\nnet.ipv4.conf.all.accept_redirects = 0\nnet.ipv4.conf.*.src_valid_mark = 1\n'

# The same with lo up: its 127.0.0.1 marks every entry written, as at a real
# boot (PID 1 brings lo up before systemd-sysctl runs).
tree lo-up 'ip link set lo up; ip link add veth0 type veth peer name veth1; model_args="--written-if lo"; later=""'
cp "$T/lo-down/etc/sysctl.d/"* "$T/lo-up/etc/sysctl.d/"

# ip_forward after explicit per-interface forwarding; a replaced default
# moving to the end of systemd's table.
tree forward 'ip link add veth0 type veth peer name veth1; model_args=""; later=""'
conf forward 10-a.conf 'net.ipv4.conf.default.rp_filter = 1\nnet.ipv4.conf.veth0.forwarding = 0\n'
conf forward 50-b.conf 'net.ipv4.conf.veth1.rp_filter = 0\nnet.ipv4.conf.veth0.rp_filter = 0\n'
conf forward 99-c.conf 'net.ipv4.ip_forward = 1\nnet.ipv4.conf.default.rp_filter = 2\n'

# IPv6: all.forwarding and all.disable_ipv6 propagate; default alone does not
# reach existing interfaces.
tree ipv6 'ip link add veth0 type veth peer name veth1; model_args=""; later=""'
conf ipv6 10-a.conf 'net.ipv6.conf.veth0.forwarding = 0\nnet.ipv6.conf.default.accept_ra = 0\nnet.ipv6.conf.veth1.disable_ipv6 = 0\n'
conf ipv6 99-b.conf 'net.ipv6.conf.all.forwarding = 1\nnet.ipv6.conf.all.disable_ipv6 = 1\nnet.ipv6.conf.default.hop_limit = 32\n'

# Interfaces created after the run: conf.default's values at creation, then
# udev's per-interface run (explicit keys and the globs that reach them).
tree later 'ip link add veth0 type veth peer name veth1; model_args="--later late0 --later late0p"; later="late0"'
conf later 10-a.conf 'net.ipv4.conf.default.rp_filter = 2\nnet.ipv4.conf.late0.rp_filter = 0\nnet.ipv6.conf.default.accept_ra = 0\n'
conf later 50-b.conf 'net.ipv4.conf.*.log_martians = 1\nnet.ipv6.conf.all.forwarding = 1\nnet.ipv4.conf.late0p.arp_ignore = 1\n'

for t in lo-down lo-up forward ipv6 later; do
  if unshare -n -m --propagation private env BOOT_TREE="$T/$t" bash "$0"; then
    pass "tree $t: the model agrees with systemd-sysctl"
  else
    fail "tree $t: the model differs from systemd-sysctl"
  fi
done
done_testing
