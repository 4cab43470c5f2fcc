#!/usr/bin/env bash
# The fleet path: the Ansible module packaging/ansible/plugins/modules/
# sysknob_profile.py driven by ansible-playbook (Debian's ansible-core)
# against localhost, in a fresh network namespace with a scratch --root.
# First apply reports changed=1 and sets the live values, a second run
# changed=0, check mode on another profile changes nothing live, a profile
# with a TOML syntax error fails the task with sysknob's SK0001 diagnostic,
# and state=rolled_back restores the values from before the first apply.
# A glob profile: interfaces that appear in sync or vanish report
# changed=0 (check mode too); one with another value changed=1.
. "$SYSKNOB_SRC/tests/support/lib.sh"
command -v ansible-playbook >/dev/null || skip "ansible-playbook is not installed (apt-get install ansible-core)"
enter_netns

R=$(make_root)
export ANSIBLE_LIBRARY=$SRC/packaging/ansible/plugins/modules
export ANSIBLE_HOME=$T/ansible-home ANSIBLE_LOCAL_TEMP=$T/ansible-tmp ANSIBLE_REMOTE_TEMP=$T/ansible-remote
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_CONFIG=$T/ansible.cfg
export ANSIBLE_PYTHON_INTERPRETER=/usr/bin/python3 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
mkdir -p "$ANSIBLE_HOME" "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_REMOTE_TEMP"
printf '[defaults]\n' >"$ANSIBLE_CONFIG" # no /etc/ansible or ~/.ansible.cfg settings

# The collection builds, with galaxy.yml's SPDX licence in its manifest.
run ansible-galaxy collection build "$SRC/packaging/ansible" --output-path "$T/galaxy"
expect_rc 0 "ansible-galaxy collection build packaging/ansible"
manifest=$(tar -xzOf "$T"/galaxy/sysknob-sysknob-*.tar.gz MANIFEST.json 2>/dev/null || true)
expect_eq "$(printf '%s' "$manifest" | /usr/bin/python3 -c 'import json,sys; print(",".join(json.load(sys.stdin)["collection_info"]["license"]))' 2>/dev/null)" \
  "MIT" "the collection's licence is MIT"

# playbook FILE STATE PROFILE: one task of sysknob_profile against localhost.
playbook() {
  cat >"$1" <<YAML
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: sysknob profile
      sysknob_profile:
        name: "$3"
        state: $2
        root: "$R"
        binary: "$SYSKNOB"
YAML
}
# recap FIELD: the value of FIELD= in the PLAY RECAP line for localhost.
recap() { printf '%s\n' "$out" | sed -n "s/^localhost *:.* $1=\([0-9]*\).*/\1/p"; }
play() { run ansible-playbook -i localhost, "$@"; }

WEB=$SRC/tests/data/profiles/netns-web.toml
before_somaxconn=$(proc net.core.somaxconn)
before_fin=$(proc net.ipv4.tcp_fin_timeout)
[ "$before_somaxconn" != 8192 ] || fail "precondition: somaxconn is already 8192 in a fresh namespace"

playbook "$T/apply.yml" applied "$WEB"
play "$T/apply.yml" --diff
expect_rc 0 "first run succeeds"
expect_eq "$(recap changed)" 1 "first run: changed=1"
expect_eq "$(recap failed)" 0 "first run: failed=0"
expect_contains "$out" "net.core.somaxconn = 8192" "diff mode shows the new value"
expect_eq "$(proc net.core.somaxconn)" 8192 "live net.core.somaxconn set"
expect_eq "$(proc net.ipv4.tcp_rmem)" "4096 131072 8388608" "live vector key net.ipv4.tcp_rmem set"
expect_eq "$(proc net.ipv4.tcp_fin_timeout)" 30 "live net.ipv4.tcp_fin_timeout set"
[ -f "$R/etc/sysctl.d/90-sysknob.conf" ] && pass "fragment written in the scratch root" || fail "no $R/etc/sysctl.d/90-sysknob.conf"

play "$T/apply.yml"
expect_rc 0 "second run succeeds"
expect_eq "$(recap changed)" 0 "second run: changed=0 (idempotent)"
expect_eq "$(recap ok)" 1 "second run: ok=1"

# Check mode on a different profile: reported as a change, nothing changes.
cat >"$T/other.toml" <<'TOML'
[profile]
name = "other"
description = "a different profile for check mode"

[sysctl]
net.core.somaxconn = 4096
net.ipv4.tcp_fin_timeout = 45
TOML
playbook "$T/check.yml" applied "$T/other.toml"
play "$T/check.yml" --check --diff
expect_rc 0 "check mode run succeeds"
expect_eq "$(recap changed)" 1 "check mode reports the change it would make"
expect_contains "$out" "net.core.somaxconn = 4096" "check mode diff shows the would-be value"
expect_eq "$(proc net.core.somaxconn)" 8192 "check mode left net.core.somaxconn unchanged"
expect_eq "$(proc net.ipv4.tcp_fin_timeout)" 30 "check mode left net.ipv4.tcp_fin_timeout unchanged"

# A profile with a syntax error fails the task with sysknob's diagnostic.
printf '[profile]\nname = "broken\n[sysctl]\nnet.core.somaxconn = 1\n' >"$T/broken.toml"
playbook "$T/broken.yml" applied "$T/broken.toml"
play "$T/broken.yml"
expect_rc 2 "ansible-playbook exits 2 when a task fails"
expect_eq "$(recap failed)" 1 "bad profile: failed=1"
expect_contains "$out" "SK0001" "failure message carries sysknob's SK0001 diagnostic"
expect_contains "$out" "broken.toml" "failure message names the broken file"
expect_eq "$(proc net.core.somaxconn)" 8192 "failed task changed nothing"

# state=rolled_back undoes the apply; a second time there is nothing to undo.
playbook "$T/rollback.yml" rolled_back ""
play "$T/rollback.yml"
expect_rc 0 "rollback run succeeds"
expect_eq "$(recap changed)" 1 "rollback: changed=1"
expect_eq "$(proc net.core.somaxconn)" "$before_somaxconn" "rollback restored net.core.somaxconn"
expect_eq "$(proc net.ipv4.tcp_fin_timeout)" "$before_fin" "rollback restored net.ipv4.tcp_fin_timeout"
play "$T/rollback.yml"
expect_rc 0 "second rollback run succeeds"
expect_eq "$(recap changed)" 0 "second rollback: changed=0 (nothing left to undo)"

# A "*" glob on a host where interfaces come and go: one that appears with
# the value already (inherited from conf.default) and one that vanishes
# are no change, in check mode or not, and leave no snapshot; one with
# another value is a change.
cat >"$T/churn.toml" <<'TOML'
[profile]
name = "churn"
[sysctl]
net.ipv4.conf."*".rp_filter = 2
TOML
playbook "$T/churn.yml" applied "$T/churn.toml"
snaps() { ls "$R/var/lib/sysknob/snapshots" | wc -l; }
play "$T/churn.yml"
expect_rc 0 "glob profile applied"
expect_eq "$(recap changed)" 1 "glob profile: changed=1"
n=$(snaps)
ip link add ans0 type veth peer name ans1
expect_eq "$(proc net.ipv4.conf.ans0.rp_filter)" 2 "precondition: ans0 inherited 2"
play "$T/churn.yml" --check
expect_eq "$(recap changed)" 0 "interface appeared in sync: check mode changed=0"
play "$T/churn.yml"
expect_eq "$(recap changed)" 0 "interface appeared in sync: changed=0"
ip link del ans0
play "$T/churn.yml" --check
expect_eq "$(recap changed)" 0 "interface vanished: check mode changed=0"
play "$T/churn.yml"
expect_eq "$(recap changed)" 0 "interface vanished: changed=0"
expect_eq "$(snaps)" "$n" "interface churn left no snapshot"
ip link add ans2 type veth peer name ans3
echo 0 >/proc/sys/net/ipv4/conf/ans2/rp_filter
play "$T/churn.yml" --check
expect_eq "$(recap changed)" 1 "interface with another value: check mode changed=1"
expect_eq "$(proc net.ipv4.conf.ans2.rp_filter)" 0 "check mode left ans2 alone"
play "$T/churn.yml"
expect_eq "$(recap changed)" 1 "interface with another value: changed=1"
expect_eq "$(proc net.ipv4.conf.ans2.rp_filter)" 2 "ans2 set"
expect_eq "$(snaps)" "$((n + 1))" "one snapshot for the real change"

done_testing
