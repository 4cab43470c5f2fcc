#!/usr/bin/env bash
# packaging/sysknob.spec builds a binary RPM from the source tree with
# rpmbuild -bb (Debian's rpm package; --nodeps because the BuildRequires
# are Fedora names), and the RPM holds the binary, profiles, man pages,
# completions and a 0700 /var/lib/sysknob; its binary, unpacked, lints a
# shipped profile. Builds from scratch: a few minutes.
. "$SYSKNOB_SRC/tests/support/lib.sh"

command -v rpmbuild >/dev/null || skip "rpmbuild is not installed (apt-get install rpm)"
command -v rpm2archive >/dev/null || skip "rpm2archive is not installed (apt-get install rpm2cpio)"

TOP=$T/rpmbuild
mkdir -p "$TOP"
run rpmbuild -bb --nodeps \
  --define "_topdir $TOP" \
  --define "sysknob_src $SRC" \
  --define "sysknob_build_type None" \
  --define "_smp_build_ncpus $(nproc)" \
  "$SRC/packaging/sysknob.spec"
expect_rc 0 "rpmbuild -bb packaging/sysknob.spec"
rpm=$(find "$TOP/RPMS" -name 'sysknob-0*.rpm' 2>/dev/null | head -n1)
[ -n "$rpm" ] || { fail "no sysknob RPM under $TOP/RPMS: $(printf '%s' "$err" | tail -n 20)"; done_testing; }
pass "built $(basename "$rpm")"

run rpm -qp --queryformat '%{NAME} %{VERSION}\n' "$rpm"
expect_eq "$out" "sysknob 0.1.0" "package name and version"
run rpm -qp --queryformat '%{LICENSE}\n' "$rpm"
expect_eq "$out" "MIT" "License: MIT (SPDX)"

run rpm -qlvp "$rpm"
listing=$out
for f in /usr/sbin/sysknob /usr/share/sysknob/profiles/nat-gateway.toml /usr/share/man/man8/sysknob.8 \
         /usr/share/man/man5/sysknob.toml.5 /usr/share/man/man7/sysknob-keys.7 /usr/share/bash-completion/completions/sysknob \
         /usr/share/zsh/vendor-completions/_sysknob /usr/share/doc/sysknob/copyright \
         /usr/lib/systemd/system/sysknob-doctor.service /usr/lib/systemd/system/sysknob-doctor.timer; do
  expect_contains "$listing" " $f" "rpm holds $f"
done
expect_contains "$(printf '%s\n' "$listing" | grep ' /var/lib/sysknob$' || true)" "drwx------" "/var/lib/sysknob is mode 0700"
expect_not_contains "$listing" "/usr/var" "nothing under /usr/var"

R=$T/unpacked
mkdir -p "$R"
run bash -c "rpm2archive '$rpm' && tar -xzf '$rpm.tgz' -C '$R'"
expect_rc 0 "rpm2archive + tar unpack the RPM"
# The installed binary looks for data in /usr/share/sysknob; unpacked in a
# scratch directory it is pointed at the unpacked copy.
run env SYSKNOB_DATADIR="$R/usr/share/sysknob" "$R/usr/sbin/sysknob" lint nat-gateway
expect_rc 0 "unpacked sysknob lints the shipped nat-gateway profile"

done_testing
