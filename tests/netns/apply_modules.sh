#!/usr/bin/env bash
# Module loading and live module parameters, in a fresh network namespace
# with the module port pointed at a scratch directory (SYSKNOB_TEST_MODULES,
# test-hook builds only: this host's kernel loads no modules, and a test
# must never load one on the host). The directory plays /lib/modules (which
# modules exist) and /sys/module (which are loaded, their parameters).
#  - --dry-run, --check and diff say "would load" and load nothing;
#  - apply loads nf_conntrack (and its dependency) before the first write,
#    passes hashsize at load, records both in the snapshot, lists the module
#    in modules-load.d; rollback unloads both;
#  - a module that was loaded already is never unloaded; one in use stays;
#  - a live parameter is written, read back, recorded and restored; a
#    read-only one gets the "next module load or boot" warning;
#  - a module that does not exist: exit 1, naming module and release, nothing changed;
#  - a failure after the load (a read-only modprobe.d) unloads it again;
#  - killed right after the load: the pending snapshot names the module and
#    rollback unloads it.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns --mount

PY=/usr/bin/python3
REL=$(uname -r)
M=$T/modules
reset_modules() {
  rm -rf "$M"
  mkdir -p "$M/lib/modules/$REL" "$M/sys/module" "$M/defaults/nf_conntrack"
  printf '%s\n' "kernel/net/netfilter/nf_conntrack.ko.xz: kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko.xz" \
    "kernel/net/ipv4/netfilter/nf_defrag_ipv4.ko.xz:" "kernel/net/bridge/br_netfilter.ko.xz:" \
    >"$M/lib/modules/$REL/modules.dep"
  : >"$M/lib/modules/$REL/modules.builtin"
  echo 65536 >"$M/defaults/nf_conntrack/hashsize"; chmod 0600 "$M/defaults/nf_conntrack/hashsize"
  echo 1024 >"$M/defaults/nf_conntrack/expect_hashsize"; chmod 0400 "$M/defaults/nf_conntrack/expect_hashsize"
}
loaded() { [ -e "$M/sys/module/$1/initstate" ]; }
export SYSKNOB_TEST_MODULES=$M
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }
snapshots() { ls "$ROOT/var/lib/sysknob/snapshots" 2>/dev/null | wc -l; }
# The newest snapshot's file, by id (sysknob snapshots), after a change
# that finished: N.json (a pending one would be N.pending.json).
newest_snapshot() {
  local id
  id=$(sk snapshots --format json | "$PY" -c 'import json,sys; print(max(int(s["id"]) for s in json.load(sys.stdin)["snapshots"]))')
  echo "$ROOT/var/lib/sysknob/snapshots/$id.json"
}
json() { printf '%s' "$1" | "$PY" -c "import json,sys; d=json.load(sys.stdin); print($2)"; }

K1=net.netfilter.nf_conntrack_tcp_timeout_established
K2=net.netfilter.nf_conntrack_udp_timeout
echo 432000 >/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established
echo 30 >/proc/sys/net/netfilter/nf_conntrack_udp_timeout
cat >"$T/ct.toml" <<'TOML'
[profile]
name = "ct"
description = "conntrack timeouts; the module brings the keys"

[sysctl]
net.netfilter.nf_conntrack_tcp_timeout_established = 86400
net.netfilter.nf_conntrack_udp_timeout = 45

[modules.nf_conntrack]
load = true
hashsize = 131072
TOML

# --- the binary must honour the hook, or every check below means nothing ----
reset_modules
run sk apply --dry-run "$T/ct.toml"
case "$out" in
  *"would load module nf_conntrack"*) ;;
  *) skip "binary built without SYSKNOB_TEST_HOOKS (SYSKNOB_TEST_MODULES ignored): $out" ;;
esac

# --- nothing that changes nothing loads ---------------------------------------
expect_rc 0 "apply --dry-run"
expect_contains "$out" "host-wide" "the plan says loading is host-wide"
expect_contains "$out" "hashsize=131072" "the plan shows the parameter given at load"
run sk apply --check "$T/ct.toml"
expect_rc 2 "apply --check"
expect_contains "$out" "would load module nf_conntrack" "--check says would load"
run sk diff "$T/ct.toml"
expect_rc 2 "diff"
expect_contains "$out" "would load module nf_conntrack" "diff says would load"
run sk diff --format json "$T/ct.toml"
expect_eq "$(json "$out" 'd["modules"][0]["name"], d["modules"][0]["host_wide"]')" "nf_conntrack True" "diff json names the module to load"
loaded nf_conntrack && fail "dry-run, check or diff loaded the module" || pass "dry-run, check and diff loaded nothing"
expect_eq "$(snapshots)" 0 "no snapshot before the first apply"

# --- apply loads first, then writes -------------------------------------------
run sk apply --format json "$T/ct.toml"
expect_rc 0 "apply"
loaded nf_conntrack && pass "nf_conntrack loaded" || fail "nf_conntrack not loaded"
loaded nf_defrag_ipv4 && pass "its dependency loaded" || fail "nf_defrag_ipv4 not loaded"
expect_eq "$(cat "$M/sys/module/nf_conntrack/parameters/hashsize")" 131072 "hashsize given at load"
expect_eq "$(proc $K1) $(proc $K2)" "86400 45" "keys set"
expect_eq "$(json "$out" '[m["name"] for m in d["modules"]]')" "['nf_conntrack']" "apply json lists the load"
snap=$(newest_snapshot)
expect_eq "$("$PY" -c 'import json,sys; print([(m["name"],m["action"]) for m in json.load(open(sys.argv[1]))["modules"]])' "$snap")" \
  "[('nf_defrag_ipv4', 'load'), ('nf_conntrack', 'load')]" "the snapshot records what apply loaded, dependencies first"
expect_eq "$(grep -v '^#' "$ROOT/etc/modules-load.d/sysknob.conf" | grep -v '^$')" nf_conntrack "modules-load.d lists the module"
expect_contains "$(cat "$ROOT/etc/modprobe.d/sysknob.conf")" "options nf_conntrack hashsize=131072" "modprobe.d has the option"

run sk apply "$T/ct.toml"
expect_rc 0 "second apply"
expect_contains "$out" "nothing to change" "second apply: nothing to load or change"

# --- rollback unloads what apply loaded ----------------------------------------
run sk rollback
expect_rc 0 "rollback"
loaded nf_conntrack && fail "rollback left nf_conntrack loaded" || pass "rollback unloaded nf_conntrack"
loaded nf_defrag_ipv4 && fail "rollback left nf_defrag_ipv4 loaded" || pass "rollback unloaded its dependency"
expect_eq "$(proc $K1) $(proc $K2)" "432000 30" "keys back"

# --- a module loaded before sysknob is never unloaded; one in use stays -------
reset_modules
rm -rf "$ROOT"; ROOT=$(make_root)
mkdir -p "$M/sys/module/nf_conntrack/parameters"
echo live >"$M/sys/module/nf_conntrack/initstate"; echo 0 >"$M/sys/module/nf_conntrack/refcnt"
echo 65536 >"$M/sys/module/nf_conntrack/parameters/hashsize"; chmod 0600 "$M/sys/module/nf_conntrack/parameters/hashsize"
echo 1024 >"$M/sys/module/nf_conntrack/parameters/expect_hashsize"; chmod 0444 "$M/sys/module/nf_conntrack/parameters/expect_hashsize"
cat >>"$T/ct.toml" <<'TOML'
expect_hashsize = 2048
TOML
run sk apply "$T/ct.toml"
expect_rc 0 "apply with the module loaded already"
expect_not_contains "$out" "load module" "nothing to load"
expect_contains "$out" "module parameter nf_conntrack.hashsize: 65536 -> 131072" "the plan shows the live parameter"
expect_eq "$(cat "$M/sys/module/nf_conntrack/parameters/hashsize")" 131072 "hashsize written live"
expect_eq "$(cat "$M/sys/module/nf_conntrack/parameters/expect_hashsize")" 1024 "read-only parameter untouched"
expect_contains "$err" "nf_conntrack.expect_hashsize=2048' cannot change at runtime" "read-only parameter: warning"
expect_contains "$err" "next module load or boot" "the warning says when it takes effect"
snapf=$(newest_snapshot)
expect_eq "$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["modules"], [(p["module"],p["param"],p["before"],p["after"]) for p in d["module_params"]])' "$snapf")" \
  "[] [('nf_conntrack', 'hashsize', '65536', '131072')]" "snapshot: no module loaded, parameter before and kept"
run sk rollback
expect_rc 0 "rollback of the live parameter"
loaded nf_conntrack && pass "a module loaded before sysknob stays loaded" || fail "rollback unloaded a module sysknob did not load"
expect_eq "$(cat "$M/sys/module/nf_conntrack/parameters/hashsize")" 65536 "rollback restored hashsize"

# in use at rollback: kept, with a warning
reset_modules
rm -rf "$ROOT"; ROOT=$(make_root)
run sk apply "$T/ct.toml"
expect_rc 0 "apply (module not loaded)"
echo 2 >"$M/sys/module/nf_conntrack/refcnt"
run sk rollback
expect_rc 0 "rollback with the module in use"
loaded nf_conntrack && pass "a module in use stays loaded" || fail "rollback unloaded a module in use"
expect_contains "$err" "left loaded: in use (use count 2)" "rollback says why it stayed"
loaded nf_defrag_ipv4 && fail "the unused dependency stayed" || pass "the unused dependency was unloaded"

# --- a module that does not exist ---------------------------------------------
reset_modules
rm -rf "$ROOT"; ROOT=$(make_root)
cat >"$T/ghost.toml" <<'TOML'
[profile]
name = "ghost"
description = "a module this kernel does not have"

[sysctl]
net.netfilter.nf_conntrack_udp_timeout = 45

[modules.no_such_module]
load = true
TOML
run sk apply "$T/ghost.toml"
expect_rc 1 "apply with a module that does not exist"
expect_contains "$err" "module 'no_such_module' does not exist for kernel $REL" "the error names module and release"
expect_contains "$err" "nothing was changed" "the error says nothing changed"
expect_eq "$(proc $K2)" 30 "no key changed"
expect_eq "$(snapshots)" 0 "no snapshot"
[ -e "$ROOT/etc/sysctl.d/90-sysknob.conf" ] && fail "a fragment was written" || pass "no file written"
run sk apply --dry-run "$T/ghost.toml"
expect_rc 1 "--dry-run refuses the same way"

# --- a failure after the load unloads the module again -------------------------
reset_modules
rm -rf "$ROOT"; ROOT=$(make_root)
mkdir -p "$ROOT/etc/modprobe.d"
mount --bind "$ROOT/etc/modprobe.d" "$ROOT/etc/modprobe.d" && mount -o remount,bind,ro "$ROOT/etc/modprobe.d" ||
  skip "cannot make a read-only bind mount here"
run sk apply "$T/ct.toml"
umount "$ROOT/etc/modprobe.d"
expect_rc 1 "apply with a read-only modprobe.d"
loaded nf_conntrack && fail "the module stayed loaded after the failure" || pass "the failure unloaded the module"
loaded nf_defrag_ipv4 && fail "its dependency stayed loaded" || pass "and its dependency"
expect_eq "$(proc $K1) $(proc $K2)" "432000 30" "keys put back"
expect_contains "$err" "the modules it loaded were unloaded" "the error says the modules were unloaded"

# --- killed right after the load -----------------------------------------------
reset_modules
rm -rf "$ROOT"; ROOT=$(make_root)
run env SYSKNOB_FAULT=module-load:1 "$SYSKNOB" --root "$ROOT" apply -q "$T/ct.toml"
[ "$rc" = 137 ] || [ "$rc" = 9 ] || fail "expected a kill at module-load, exit $rc: $err"
loaded nf_conntrack && pass "killed after the load: the module is loaded" || fail "module not loaded before the kill"
expect_eq "$(proc $K1)" 432000 "killed before the first key write"
run sk apply "$T/ct.toml"
expect_rc 1 "the pending snapshot blocks apply"
run sk rollback
expect_rc 0 "rollback of the interrupted apply"
loaded nf_conntrack && fail "rollback after a crash left the module loaded" || pass "rollback after a crash unloaded it"
loaded nf_defrag_ipv4 && fail "rollback after a crash left the dependency loaded" || pass "and its dependency"

# --- a congestion control the kernel already has needs no module -------------
# The fake /lib/modules knows no tcp_* module and modules.builtin is empty,
# as on a host without /lib/modules: the kernel's own list of registered
# congestion controls is what says it is there.
reset_modules
rm -rf "$ROOT"; ROOT=$(make_root)
cc=$(awk '{for (i = 1; i <= NF; i++) if ($i != "reno") {print $i; exit}}' /proc/sys/net/ipv4/tcp_available_congestion_control)
[ -n "$cc" ] || skip "this kernel registers no congestion control besides reno"
printf '[profile]\nname = "cc"\n[sysctl]\nnet.ipv4.tcp_congestion_control = "%s"\n' "$cc" >"$T/cc.toml"
run sk apply "$T/cc.toml"
expect_rc 0 "apply of a registered congestion control ($cc) without its module in /lib/modules"
expect_eq "$(proc net.ipv4.tcp_congestion_control)" "$cc" "congestion control set"
loaded "tcp_$cc" && fail "a module was loaded for a registered congestion control" || pass "no module loaded for $cc"
printf '[profile]\nname = "cc2"\n[sysctl]\nnet.ipv4.tcp_congestion_control = "nosuchcc"\n' >"$T/cc2.toml"
run sk apply "$T/cc2.toml"
expect_rc 1 "a congestion control neither registered nor a module"
expect_contains "$err" "tcp_nosuchcc" "the error names the module it would need"

done_testing
