#!/usr/bin/env bash
# Every live change is logged to the journal as a structured entry:
# MESSAGE_ID=4f6d2a8a1c3e4b7f9a0d5e6c7b8a9f10 with SYSKNOB_KEY, SYSKNOB_OLD,
# SYSKNOB_NEW, SYSKNOB_PROFILE and SYSKNOB_SNAPSHOT. A private journald runs
# in a fresh network + mount namespace (tmpfs over /run,
# volatile storage), so the host's journal is neither read nor written.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns --mount

PY=/usr/bin/python3
JOURNALD=
for c in /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald; do
  if [ -x "$c" ]; then JOURNALD=$c; break; fi
done
[ -n "$JOURNALD" ] || skip "systemd-journald not found"
command -v journalctl >/dev/null || skip "journalctl not found"
MSGID=4f6d2a8a1c3e4b7f9a0d5e6c7b8a9f10

# A tmpfs over all of /run (private mount namespace): nothing is created on
# the host's /run, and the host's journal socket is out of sight.
mount -t tmpfs tmpfs /run
# journald stops right after creating its sockets when /sys/fs/cgroup holds
# no cgroup file system: "Failed to acquire cgroup root path: No medium
# found" (cg_unified_cached() in systemd's src/basic/cgroup-util.c, v252,
# accepts cgroup2 or the tmpfs of the legacy and hybrid layouts there and
# returns ENOMEDIUM for anything else). A booted system always has it (PID 1
# mounts it first); a chroot or a container may not. Then mount the unified
# hierarchy, in this private mount namespace only. (An empty
# /etc/machine-id, as in a minbase image, is no problem: journald then
# writes /run/log/journal/system.journal.)
case $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) in
  cgroup2fs | tmpfs) cgroup_ok=1 ;;
  *) cgroup_ok= ;;
esac
if [ -z "$cgroup_ok" ]; then
  [ -d /sys/fs/cgroup ] || { fail "/sys/fs/cgroup does not exist (is /sys mounted?): journald needs the cgroup file system"; done_testing; }
  mount -t cgroup2 cgroup2 /sys/fs/cgroup || { fail "cannot mount cgroup2 on /sys/fs/cgroup: journald needs it"; done_testing; }
  pass "mounted cgroup2 on /sys/fs/cgroup for journald (private mount namespace)"
fi
mkdir -p /run/systemd/journal /run/systemd/journald.conf.d /run/log
cat >/run/systemd/journald.conf.d/test.conf <<'EOF'
[Journal]
Storage=volatile
ReadKMSG=no
ForwardToSyslog=no
ForwardToKMsg=no
ForwardToConsole=no
ForwardToWall=no
RateLimitBurst=0
EOF
"$JOURNALD" </dev/null >"$T/journald.log" 2>&1 &
JPID=$!
stop_journald() { kill "$JPID" 2>/dev/null && wait "$JPID" 2>/dev/null || true; rm -rf "$T"; }
trap stop_journald EXIT
for _ in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
[ -S /run/systemd/journal/socket ] || { cat "$T/journald.log" >&2; fail "journald did not create its socket"; done_testing; }
# The socket alone proves little: journald creates it before the checks
# that can still stop it.
sleep 0.2
kill -0 "$JPID" 2>/dev/null || { cat "$T/journald.log" >&2; fail "journald exited after creating its socket (its log is above)"; done_testing; }
pass "private journald listening"

jq_entries() { # KEY=VALUE match -> one line per entry: KEY|OLD|NEW|PROFILE|SNAPSHOT|MESSAGE_ID
  # A journalctl failure (no journal at all) must show as a wrong entry
  # count below, not end the script silently under set -e.
  { journalctl -D /run/log/journal --no-pager -o json "$@" 2>>"$T/journalctl.err" || true; } | "$PY" -c '
import json,sys
for line in sys.stdin:
    line=line.strip()
    if not line: continue
    e=json.loads(line)
    print("|".join(str(e.get(f,"-")) for f in ("SYSKNOB_KEY","SYSKNOB_OLD","SYSKNOB_NEW","SYSKNOB_PROFILE","SYSKNOB_SNAPSHOT","MESSAGE_ID","PRIORITY")))'
}

cat >"$T/journal-web.toml" <<'EOF'
[profile]
name = "journal-web"
[sysctl]
net.core.somaxconn = 8192
net.ipv4.tcp_rmem = [4096, 131072, 8388608]
net.ipv4.tcp_fin_timeout = 30
EOF
echo 4096 >/proc/sys/net/core/somaxconn
echo 60 >/proc/sys/net/ipv4/tcp_fin_timeout
old_rmem=$(cat /proc/sys/net/ipv4/tcp_rmem)
ROOT=$(make_root)

run "$SYSKNOB" --root "$ROOT" apply -q "$T/journal-web.toml"
expect_rc 0 "apply with a journal present"

entries=""
for _ in $(seq 40); do
  entries=$(jq_entries SYSKNOB_KEY=net.core.somaxconn)
  [ -n "$entries" ] && break
  sleep 0.1
done
expect_eq "$(printf '%s\n' "$entries" | grep -c . || true)" 1 "one journal entry for net.core.somaxconn"
expect_eq "$entries" "net.core.somaxconn|4096|8192|journal-web|1|$MSGID|5" "somaxconn entry: MESSAGE_ID, old, new, profile, snapshot"

run journalctl -D /run/log/journal --no-pager -o json "MESSAGE_ID=$MSGID"
expect_rc 0 "journalctl by MESSAGE_ID"
expect_eq "$(jq_entries "MESSAGE_ID=$MSGID" SYSKNOB_KEY=net.ipv4.tcp_fin_timeout)" \
  "net.ipv4.tcp_fin_timeout|60|30|journal-web|1|$MSGID|5" "tcp_fin_timeout entry"
rmem=$(jq_entries SYSKNOB_KEY=net.ipv4.tcp_rmem)
expect_eq "$(printf '%s' "$rmem" | cut -d'|' -f2 | tr -s '\t ' '  ')" "$(printf '%s' "$old_rmem" | tr -s '\t ' '  ')" "tcp_rmem entry: old value is the kernel's"
expect_eq "$(printf '%s' "$rmem" | cut -d'|' -f3)" "4096 131072 8388608" "tcp_rmem entry: new value"
msg=$(journalctl -D /run/log/journal --no-pager -o cat SYSKNOB_KEY=net.core.somaxconn)
expect_contains "$msg" "net.core.somaxconn" "MESSAGE names the key"

# A no-op apply logs nothing; a rollback logs the way back.
run "$SYSKNOB" --root "$ROOT" apply -q "$T/journal-web.toml"
expect_rc 0 "second apply"
run "$SYSKNOB" --root "$ROOT" rollback -q
expect_rc 0 "rollback"
entries=""
for _ in $(seq 40); do
  entries=$(jq_entries SYSKNOB_KEY=net.core.somaxconn)
  [ "$(printf '%s\n' "$entries" | grep -c .)" -ge 2 ] && break
  sleep 0.1
done
expect_eq "$(printf '%s\n' "$entries" | grep -c . || true)" 2 "the no-op apply logged nothing, the rollback one entry"
expect_eq "$(printf '%s\n' "$entries" | tail -n 1)" "net.core.somaxconn|8192|4096|rollback|2|$MSGID|5" "rollback entry: old and new swapped, snapshot 2"

stop_journald
trap 'rm -rf "$T"' EXIT
done_testing
