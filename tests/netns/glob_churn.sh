#!/usr/bin/env bash
# Interfaces that come and go under a "*" glob (containers on a host): an
# interface that appears with the profile's value already (inherited from
# conf.default, or written by udev's systemd-sysctl run) and one that
# vanishes change only the state file's record of what the glob matched.
# apply then says nothing changed (exit 0, changed: false, no snapshot);
# apply --check and diff exit 0; status stays clean. An interface with
# another value is a real change: written, one snapshot. rollback undoes
# that change exactly, and a second rollback the first apply, values and
# files compared. A rollback of a change whose interface is gone since
# restores the rest and says what it skipped; status names no drift for it.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns

PY=/usr/bin/python3
ip link add gc0 type veth peer name gc1
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
FRAG=$ROOT/etc/sysctl.d/90-sysknob.conf
STATE=$ROOT/var/lib/sysknob/state.json
SNAPS=$ROOT/var/lib/sysknob/snapshots
PROFILE=$T/churn.toml
cat >"$PROFILE" <<'EOF'
[profile]
name = "churn"
[sysctl]
net.ipv4.tcp_fin_timeout = 23
net.ipv4.conf."*".rp_filter = 2
EOF
[ "$(proc net.ipv4.conf.gc0.rp_filter)" != 2 ] || fail "precondition: gc0's rp_filter is 2 already"

# Live values of the fixed keys and of every interface present, and the files.
world() {
  local d
  printf 'net.ipv4.tcp_fin_timeout=%s\n' "$(proc net.ipv4.tcp_fin_timeout)"
  for d in /proc/sys/net/ipv4/conf/*; do
    printf 'net.ipv4.conf.%s.rp_filter=%s\n' "${d##*/}" "$(cat "$d/rp_filter")"
  done
  files
}
files() {
  local f
  for f in "$FRAG" "$STATE" "$ROOT/etc/modprobe.d/sysknob.conf" "$ROOT/etc/modules-load.d/sysknob.conf"; do
    if [ -e "$f" ]; then echo "${f#$ROOT} $(stat -c %a "$f") $(sha256sum <"$f" | cut -c1-16)"; else echo "${f#$ROOT} absent"; fi
  done
}
snapshots() { ls "$SNAPS" 2>/dev/null | sort | tr '\n' ' '; }
field() { printf '%s' "$out" | "$PY" -c "import json,sys; d=json.load(sys.stdin); print(json.dumps(d[\"$1\"]))"; }
# The segments the state file records for the rp_filter glob.
matched() {
  "$PY" -c '
import json,sys
s=json.load(open(sys.argv[1]))
print(" ".join(sorted(m for g in s["globs"] if g["pattern"]=="net.ipv4.conf.*.rp_filter" for m in g["matches"])))' "$STATE"
}
# no_change WHAT: apply --check, diff, apply --format json, then status
# all say in sync; no snapshot is made; the state records `EXPECT`.
no_change() {
  local what=$1 expect=$2 before snaps
  before=$(world | grep -v '^/var/lib/sysknob/state.json')
  snaps=$(snapshots)
  run sk apply --check "$PROFILE"
  expect_rc 0 "$what: apply --check says in sync"
  run sk diff "$PROFILE"
  expect_rc 0 "$what: diff says in sync"
  run sk apply "$PROFILE" --format json
  expect_rc 0 "$what: apply"
  expect_eq "$(field changed)" false "$what: apply reports changed: false"
  expect_eq "$(field snapshot)" null "$what: no snapshot id"
  expect_eq "$(field changes)" "[]" "$what: no key changed"
  expect_eq "$(field files)" "[]" "$what: no file reported"
  expect_eq "$(snapshots)" "$snaps" "$what: no new snapshot file"
  expect_eq "$(world | grep -v '^/var/lib/sysknob/state.json')" "$before" "$what: live values and boot files untouched"
  expect_eq "$(matched)" "$expect" "$what: the state records the interfaces present"
  expect_eq "$(stat -c %a "$STATE")" 600 "$what: state.json stays 0600"
  run sk apply "$PROFILE"
  expect_rc 0 "$what: text apply"
  expect_contains "$out" "nothing to change" "$what: text apply says nothing changed"
  expect_not_contains "$out" "snapshot" "$what: text apply names no snapshot"
  run sk status
  expect_rc 0 "$what: status in sync"
}

W0=$(world)
run sk apply "$PROFILE" --format json
expect_rc 0 "first apply"
expect_eq "$(field snapshot)" '"1"' "first apply is snapshot 1"
W1=$(world)
expect_eq "$(proc net.ipv4.conf.gc0.rp_filter)" 2 "gc0 set"
expect_eq "$(matched)" "all default gc0 gc1 lo" "state records the interfaces"

# --- interfaces appear with the value already -----------------------------------
# ga0/ga1 inherit conf.default.rp_filter = 2 (devinet_copy_dflt_conf(),
# net/ipv4/devinet.c); gb0 is written by hand, as udev's systemd-sysctl
# would; gb1 too.
ip link add ga0 type veth peer name ga1
ip link add gb0 type veth peer name gb1
echo 2 >/proc/sys/net/ipv4/conf/gb0/rp_filter
echo 2 >/proc/sys/net/ipv4/conf/gb1/rp_filter
expect_eq "$(proc net.ipv4.conf.ga0.rp_filter)" 2 "precondition: ga0 inherited 2"
no_change "interfaces appeared" "all default ga0 ga1 gb0 gb1 gc0 gc1 lo"

# --- interfaces vanish ------------------------------------------------------------
ip link del ga0
no_change "interfaces vanished" "all default gb0 gb1 gc0 gc1 lo"
ip link del gb0
ip link add gd0 type veth peer name gd1
no_change "some vanished, some appeared" "all default gc0 gc1 gd0 gd1 lo"

# --- an interface with another value: a real change -------------------------------
ip link add ge0 type veth peer name ge1
echo 0 >/proc/sys/net/ipv4/conf/ge0/rp_filter
W2=$(world)
run sk apply --check "$PROFILE"
expect_rc 2 "ge0 at 0: apply --check says apply would change"
run sk diff "$PROFILE"
expect_rc 2 "ge0 at 0: diff reports drift"
run sk apply "$PROFILE" --format json
expect_rc 0 "ge0 at 0: apply"
expect_eq "$(field changed)" true "ge0 at 0: changed: true"
expect_eq "$(field snapshot)" '"2"' "ge0 at 0: snapshot 2"
expect_eq "$(field changes)" '[{"from": "0", "key": "net.ipv4.conf.ge0.rp_filter", "to": "2"}]' "ge0 at 0: the one key changed"
expect_eq "$(proc net.ipv4.conf.ge0.rp_filter)" 2 "ge0 set"
expect_eq "$(snapshots)" "1.json 2.json " "two snapshots"
expect_eq "$(matched)" "all default gc0 gc1 gd0 gd1 ge0 ge1 lo" "state records ge0"

# --- rollback: the real change, then the first apply, exactly ------------------------
run sk rollback
expect_rc 0 "rollback of snapshot 2"
expect_eq "$(world)" "$W2" "rollback restores ge0's 0 and the files before snapshot 2"
run sk rollback
expect_rc 0 "rollback of snapshot 1"
W3=$(world)
# The interfaces of the start that are still here have their values of
# the start; the ones added since keep theirs; the files are gone.
for k in net.ipv4.tcp_fin_timeout net.ipv4.conf.all.rp_filter net.ipv4.conf.default.rp_filter \
         net.ipv4.conf.lo.rp_filter net.ipv4.conf.gc0.rp_filter net.ipv4.conf.gc1.rp_filter; do
  expect_eq "$(printf '%s\n' "$W3" | grep "^$k=")" "$(printf '%s\n' "$W0" | grep "^$k=")" "second rollback: $k as at the start"
done
expect_eq "$(files)" "$(printf '%s\n' "$W0" | grep '^/')" "second rollback: files as at the start"
[ "$W1" != "$W0" ] || fail "the first apply changed nothing"

# --- an interface the last change wrote vanishes before its rollback ---------------
W4=$(world)
run sk apply "$PROFILE" --format json
expect_rc 0 "apply again"
expect_eq "$(field snapshot)" '"5"' "apply again is snapshot 5"
expect_eq "$(proc net.ipv4.conf.gc0.rp_filter)" 2 "gc0 set again"
ip link del gc0
run sk status
expect_rc 0 "status: a vanished interface is no drift"
expect_not_contains "$out" "gc0" "status does not name gc0"
run sk rollback
expect_rc 0 "rollback of snapshot 5 with gc0 gone"
expect_contains "$err" "'net.ipv4.conf.gc0.rp_filter' not restored: its interface is gone" "rollback says gc0 was skipped"
expect_eq "$(world)" "$(printf '%s\n' "$W4" | grep -v '^net.ipv4.conf.gc[01]\.')" "rollback restores everything still there"
done_testing
