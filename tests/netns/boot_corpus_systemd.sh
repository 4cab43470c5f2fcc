#!/usr/bin/env bash
# The boot model against the real systemd-sysctl: for several sysctl.d trees
# built from the corpus of real files in tests/data/corpus/ (with a masked
# name and a /dev/null link), the
# value boot_dump predicts for every net.* key must be what /proc/sys holds
# after `systemd-sysctl --prefix=/net` ran on the same tree.
#
# Each tree runs in its own fresh network + mount namespace: the tree's
# etc/sysctl.d and usr/lib/sysctl.d are bind-mounted over the real ones (empty
# tmpfs over the other sysctl.d directories), so both tools see exactly the
# tree. systemd-sysctl runs with --prefix=/net only: a network namespace does
# not isolate kernel.*, vm.* or fs.*, and the corpus sets plenty of those.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns --mount

BOOT_DUMP=${SYSKNOB_BUILD:?}/tests/boot_dump
SYSTEMD_SYSCTL=
for c in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
  if [ -x "$c" ]; then SYSTEMD_SYSCTL=$c; break; fi
done
CORPUS=$SRC/tests/data/corpus/sysctl.d

# ---------------------------------------------------------------------------
# One tree, inside its own namespaces (the script re-entered with BOOT_TREE).
# ---------------------------------------------------------------------------
check_tree() {
  local tree=$1 d
  mount --bind "$tree/etc/sysctl.d" /etc/sysctl.d
  mount --bind "$tree/usr/lib/sysctl.d" /usr/lib/sysctl.d
  for d in /run/sysctl.d /usr/local/lib/sysctl.d /lib/sysctl.d; do
    # /lib/sysctl.d is /usr/lib/sysctl.d on merged-/usr systems: leave it.
    [ -d "$d" ] || continue
    [ "$(stat -Lc %d:%i "$d")" = "$(stat -Lc %d:%i /usr/lib/sysctl.d)" ] && continue
    mount -t tmpfs tmpfs "$d"
  done

  # Interfaces for the globs to reach, one with a dot in its name.
  ip link add veth0 type veth peer name veth1
  ip link add br0 type bridge
  ip link add link veth0 name veth0.100 type vlan id 100 2>/dev/null || true

  # lo is up here (enter_netns), and its 127.0.0.1 marks its entries written;
  # entries inherited as written from the host's conf.default (shut_entries).
  local e written=()
  for e in $(shut_entries); do written+=(--written-entry "$e"); done
  run "$BOOT_DUMP" / --prefix net --written-if lo "${written[@]}"
  expect_rc 0 "boot_dump on $(basename "$tree")"
  local model=$out
  [ -n "$model" ] || { fail "boot_dump predicted no net.* key for $(basename "$tree")"; return; }

  # Debug level: writes that fail with ignore_failure are logged only there.
  SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console "$SYSTEMD_SYSCTL" --prefix=/net >"$T/sd.out" 2>"$T/sd.err" || true
  # Keys the kernel refused (EINVAL for a value it does not take, EPERM in a
  # child namespace...): the model says what systemd writes, not what the
  # kernel accepts. The message names the key in path form.
  local refused
  refused=$(sed -n "s/^Couldn't write '.*' to '\([^']*\)'.*/\1/p" "$T/sd.err" | tr './' '/.' | sort -u)

  # Keys the kernel rewrites when another key is written (ip_forward,
  # conf.default copies, IPv6 all.*) are compared too: the model replays
  # those side effects (boot/boot_replay.hpp, schemas/write_effects.toml).
  local line key want path got compared=0 skipped=0 why=''
  while IFS= read -r line; do
    key=${line%% = *}
    want=${line#* = }
    path=/proc/sys/$(printf '%s' "$key" | tr './' '/.')
    # Keys that do not exist or are read-only here were never written.
    if [ ! -f "$path" ]; then why+=" $key(missing)"; skipped=$((skipped + 1)); continue; fi
    if [ $(( 0$(stat -c %a "$path") & 0200 )) -eq 0 ]; then
      why+=" $key(read-only)"; skipped=$((skipped + 1)); continue
    fi
    if grep -qxF -- "$key" <<<"$refused"; then
      why+=" $key(refused)"; skipped=$((skipped + 1)); continue
    fi
    got=$(proc "$key" | sed 's/^ //; s/ $//')
    expect_eq "$got" "$want" "$(basename "$tree"): $key"
    compared=$((compared + 1))
  done <<<"$model"
  [ -z "$why" ] || echo "note: $(basename "$tree"): not compared:$why"
  if [ "$compared" -gt 0 ]; then pass "$(basename "$tree"): compared $compared keys, skipped $skipped"
  else fail "$(basename "$tree"): no key could be compared (skipped $skipped)"; fi
}

if [ -n "${BOOT_TREE:-}" ]; then
  check_tree "$BOOT_TREE"
  done_testing
  exit 0
fi

# ---------------------------------------------------------------------------
# The trees, built here and checked each in a fresh namespace.
# ---------------------------------------------------------------------------
[ -x "$BOOT_DUMP" ] || skip "boot_dump not built at $BOOT_DUMP"
[ -n "$SYSTEMD_SYSCTL" ] || skip "systemd-sysctl not found"
# The corpus is part of the repository: its absence is a broken checkout.
[ -d "$CORPUS" ] || { fail "corpus not found at $CORPUS"; done_testing; }
command -v ip >/dev/null || skip "ip not found"

# place TREE DIR CORPUS-FILE [NAME]: copies a corpus file into TREE/DIR; a
# missing file ends the test as a failure (set -e), never a smaller tree.
place() {
  local name=${4:-${3#*--}}
  mkdir -p "$1/$2"
  [ -f "$CORPUS/$3" ] || { fail "corpus file missing: $CORPUS/$3"; done_testing; }
  cp "$CORPUS/$3" "$1/$2/$name"
}

# Vendor defaults with a local override: etc/50-default.conf masks systemd's
# own 50-default.conf (with its net.ipv4.conf.* globs and '-' exclusions),
# a /dev/null link masks Bottlerocket's file installed as 60-vendor.conf,
# and cilium's 99-zzz fixup sorts last.
a=$T/tree-vendor
place "$a" usr/lib/sysctl.d systemd--50-default.conf
place "$a" usr/lib/sysctl.d bottlerocket-core-kit--release-sysctl.conf 60-vendor.conf
place "$a" usr/lib/sysctl.d cilium-sysctlfix--99-zzz-override_cilium.conf
place "$a" usr/lib/sysctl.d gce-compute-image-packages--11-gce-network-security.conf
place "$a" etc/sysctl.d openshift-mco--arp.conf 50-default.conf
place "$a" etc/sysctl.d content-cache-operator--sysctl.conf 10-network.conf
place "$a" etc/sysctl.d openwireless-openwrt--sysctl.conf 99-router.conf
ln -s /dev/null "$a/etc/sysctl.d/60-vendor.conf"

# The globs of 50-default.conf kept, against explicit keys in earlier and
# later files, and a masked hardening file.
b=$T/tree-globs
place "$b" usr/lib/sysctl.d systemd--50-default.conf
place "$b" usr/lib/sysctl.d kicksecure-security-misc--990-security-misc.conf
place "$b" usr/lib/sysctl.d konstruktoid-hardening--sysctl.conf 20-hardening.conf
place "$b" etc/sysctl.d dev-sec-os-hardening-rendered--sysctl.conf 90-dev-sec.conf
place "$b" etc/sysctl.d neocities--sysctl.conf 99-web.conf
place "$b" etc/sysctl.d openshift-mco--gc-thresh.conf 60-gc-thresh.conf
place "$b" etc/sysctl.d ufw--sysctl.conf 20-hardening.conf
place "$b" etc/sysctl.d linuxkit--00-linuxkit.conf

# The whole corpus, alternating between the two directories, numbered so the
# reading order differs from the directory order.
c=$T/tree-all
i=0
for f in "$CORPUS"/*; do
  n=$(basename "$f")
  if [ $((i % 2)) = 0 ]; then dir=etc/sysctl.d; else dir=usr/lib/sysctl.d; fi
  place "$c" "$dir" "$n" "$(printf '%02d' $(( (i * 37) % 100 )))-${n%.conf}.conf"
  i=$((i + 1))
done

for tree in "$a" "$b" "$c"; do
  mkdir -p "$tree/etc/sysctl.d" "$tree/usr/lib/sysctl.d"
  if unshare -n -m --propagation private env BOOT_TREE="$tree" bash "$0"; then
    pass "tree $(basename "$tree") matches systemd-sysctl"
  else
    fail "tree $(basename "$tree") differs from systemd-sysctl"
  fi
done
done_testing
