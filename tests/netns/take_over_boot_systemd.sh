#!/usr/bin/env bash
# After import --take-over, the real systemd-sysctl agrees with the boot
# model: the profile is the only writer. A package file and an /etc file
# whose names sort after sysknob's fragment set the keys too; once taken
# over (moved aside, masked by a /dev/null link), an edited profile's
# values are what systemd-sysctl leaves, and `status` reports no shadow.
# The control: the same edit without the take-over is shadowed, in the
# model and in what systemd-sysctl really writes.
#
# The tree's sysctl.d directories are bind-mounted over the real ones in a
# private mount namespace (empty tmpfs over the others), as in
# boot_corpus_systemd.sh; systemd-sysctl runs with --prefix=/net only.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns --mount
SYSTEMD_SYSCTL=
for c in /lib/systemd/systemd-sysctl /usr/lib/systemd/systemd-sysctl; do
  if [ -x "$c" ]; then SYSTEMD_SYSCTL=$c; break; fi
done
[ -n "$SYSTEMD_SYSCTL" ] || skip "systemd-sysctl not installed"
PY=/usr/bin/python3

host() {
  ROOT=$(make_root "$1")
  printf '# shipped by a package\nnet.ipv4.tcp_fin_timeout = 51\n' >"$ROOT/usr/lib/sysctl.d/99-pkg-late.conf"
  printf 'net.ipv4.tcp_keepalive_time = 111\n' >"$ROOT/usr/lib/sysctl.d/60-hidden.conf"
  printf 'net.ipv4.tcp_keepalive_time = 222\n' >"$ROOT/etc/sysctl.d/60-hidden.conf"
  printf 'net.ipv4.tcp_keepalive_intvl = 21\n' >"$ROOT/etc/sysctl.d/95-late.conf"
}
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
# The profile edited after the take-over: every value changed.
edit_profile() {
  sed -i -e 's/^net.ipv4.tcp_fin_timeout = .*/net.ipv4.tcp_fin_timeout = 45/' \
    -e 's/tcp_keepalive_time = { value = 222/tcp_keepalive_time = { value = 333/' \
    -e 's/tcp_keepalive_time = 222/tcp_keepalive_time = 333/' \
    -e 's/tcp_keepalive_intvl = 21/tcp_keepalive_intvl = 31/' "$ROOT/etc/sysknob/profiles/host.toml"
}
# What systemd-sysctl leaves in the net.* keys, from the tree at $ROOT,
# starting from values none of the files sets. The mounts are made in a
# mount namespace of their own, so they end with it.
boot() {
  ROOT=$ROOT SYSTEMD_SYSCTL=$SYSTEMD_SYSCTL unshare -m --propagation private bash -euc '
    mount --bind "$ROOT/etc/sysctl.d" /etc/sysctl.d
    mount --bind "$ROOT/usr/lib/sysctl.d" /usr/lib/sysctl.d
    for d in /run/sysctl.d /usr/local/lib/sysctl.d /lib/sysctl.d; do
      [ -d "$d" ] || continue
      [ "$(stat -Lc %d:%i "$d")" = "$(stat -Lc %d:%i /usr/lib/sysctl.d)" ] && continue
      mount -t tmpfs tmpfs "$d"
    done
    p=/proc/sys/net/ipv4
    for k in tcp_fin_timeout tcp_keepalive_time tcp_keepalive_intvl; do echo 7 >"$p/$k"; done
    "$SYSTEMD_SYSCTL" --prefix=/net >/dev/null 2>&1 || true
    echo "$(cat $p/tcp_fin_timeout) $(cat $p/tcp_keepalive_time) $(cat $p/tcp_keepalive_intvl)"'
}
shadowed() { sk status --format json | "$PY" -c 'import json,sys; print(sorted(s["key"] for s in json.load(sys.stdin)["shadowed"]))'; }

# Control: import, edit, apply; the files still there win at boot.
host "$T/control"
run sk import --boot --name host -o "$ROOT/etc/sysknob/profiles/host.toml"
expect_rc 0 "control: import"
edit_profile
run sk apply host
expect_rc 0 "control: apply of the edited profile"
expect_contains "$err" "will be overridden at boot" "control: apply warns that later files win"
expect_eq "$(shadowed)" "['net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl']" "control: the model sees the shadows"
expect_eq "$(boot)" "51 333 21" "control: systemd-sysctl lets the later files win"

# Take-over, then the same edit.
host "$T/taken"
run sk import --boot --name host -o "$ROOT/etc/sysknob/profiles/host.toml"
expect_rc 0 "import for review"
run sk import --boot --name host --take-over
expect_rc 0 "take-over"
expect_eq "$(boot)" "51 222 21" "after the take-over systemd-sysctl gives the imported values"
edit_profile
run sk apply host
expect_rc 0 "apply of the edited profile"
expect_not_contains "$err" "overridden at boot" "no warning of a shadow"
expect_eq "$(shadowed)" "[]" "the model sees no shadow"
expect_eq "$(boot)" "45 333 31" "systemd-sysctl leaves the profile's values: the fragment is the only writer"
run sk import --boot --format json
expect_eq "$(printf '%s' "$out" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["files"])')" \
  "['/etc/sysctl.d/90-sysknob.conf']" "the boot set is sysknob's fragment alone"
done_testing
