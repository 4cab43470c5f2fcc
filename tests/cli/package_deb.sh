#!/usr/bin/env bash
# The Debian package: a fresh CPack build of the source tree
# (-DCMAKE_INSTALL_PREFIX=/usr) gives a .deb that lintian accepts without
# errors, that holds the binary in /usr/sbin, the shipped profiles, both
# compressed man pages, copyright and changelog.Debian.gz, the completions
# and a 0700 /var/lib/sysknob, and whose binary, unpacked, lints a shipped
# profile. Builds from scratch: a few minutes.
. "$SYSKNOB_SRC/tests/support/lib.sh"

for tool in cmake cpack dpkg-deb dpkg-shlibdeps lintian; do
  command -v "$tool" >/dev/null || skip "$tool is not installed (scripts/install-deps.sh)"
done

B=$T/b
# Build type None (no -O, no -g) keeps the compile inside ctest's 300 s on
# a small machine; what is tested is the packaging, not the optimiser.
# A distribution build never uses -Werror.
run cmake -S "$SRC" -B "$B" -DCMAKE_INSTALL_PREFIX=/usr -DSYSKNOB_TESTS=OFF -DCMAKE_BUILD_TYPE=None \
  -DSYSKNOB_WERROR=OFF
expect_rc 0 "configure with prefix /usr"
[ "$rc" = 0 ] || done_testing
run cmake --build "$B" -j"$(nproc)"
expect_rc 0 "build"
[ "$rc" = 0 ] || done_testing
run bash -c "cd '$B' && cpack -G DEB"
expect_rc 0 "cpack -G DEB"
deb=$(ls "$B"/sysknob_*.deb 2>/dev/null | head -n1)
[ -n "$deb" ] || { fail "no sysknob_*.deb in $B: $out"; done_testing; }
pass "package $(basename "$deb") built"

# Control fields.
expect_eq "$(dpkg-deb -f "$deb" Package)" "sysknob" "Package field"
expect_contains "$(dpkg-deb -f "$deb" Depends)" "libc6" "Depends comes from dpkg-shlibdeps (libc6)"
expect_not_contains "$(dpkg-deb -f "$deb" Depends)" "libstdc++" "libstdc++ is linked statically, not a dependency"
expect_contains "$(dpkg-deb -f "$deb" Recommends)" "libsystemd0" "Recommends libsystemd0 (dlopen'ed for the journal)"

# Maintainer scripts: removal warns about applied settings, purge deletes
# the state directory (run for real by the kernel lab, tests/vm).
control=$(dpkg-deb -I "$deb")
expect_contains "$control" " prerm " "package has a prerm"
expect_contains "$control" " postrm " "package has a postrm"
postrm=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./postrm)
expect_contains "$postrm" "rm -rf /var/lib/sysknob" "postrm purge deletes /var/lib/sysknob"

# lintian: no errors (warnings such as the 0700 state directory are expected).
run lintian "$deb"
errors=$(printf '%s\n' "$out" "$err" | grep '^E:' || true)
expect_eq "$errors" "" "lintian reports no E: lines"

# Contents.
listing=$(dpkg-deb -c "$deb")
for f in ./usr/sbin/sysknob ./usr/share/sysknob/profiles/nat-gateway.toml \
         ./usr/share/man/man8/sysknob.8.gz ./usr/share/man/man5/sysknob.toml.5.gz ./usr/share/man/man7/sysknob-keys.7.gz \
         ./usr/share/doc/sysknob/copyright ./usr/share/doc/sysknob/changelog.Debian.gz \
         ./usr/share/bash-completion/completions/sysknob ./usr/share/zsh/vendor-completions/_sysknob \
         ./lib/systemd/system/sysknob-doctor.service ./lib/systemd/system/sysknob-doctor.timer; do
  expect_contains "$listing" " $f" "package holds ${f#.}"
done
expect_contains "$(printf '%s\n' "$listing" | grep ' ./var/lib/sysknob/$' || true)" "drwx------" "/var/lib/sysknob is mode 0700"
expect_not_contains "$listing" "./usr/var" "nothing under /usr/var"

# Unpacked, the binary runs and finds its profiles. The installed binary
# looks for shipped data in the directory compiled in (/usr/share/sysknob);
# in a scratch extraction that is not under /, so SYSKNOB_DATADIR points it
# at the extracted copy.
R=$T/unpacked
run dpkg-deb -x "$deb" "$R"
expect_rc 0 "dpkg-deb -x"
run env -u SYSKNOB_DATADIR SYSKNOB_DATADIR="$R/usr/share/sysknob" "$R/usr/sbin/sysknob" lint nat-gateway
expect_rc 0 "unpacked sysknob lints the shipped nat-gateway profile"
run env SYSKNOB_DATADIR="$R/usr/share/sysknob" "$R/usr/sbin/sysknob" list --format json
expect_contains "$out" "\"path\": \"$R/usr/share/sysknob/profiles/nat-gateway.toml\"" "profiles come from the unpacked data directory"
svc=$(cat "$R/lib/systemd/system/sysknob-doctor.service")
expect_contains "$svc" "ExecStart=/usr/sbin/sysknob -q --format prometheus doctor --interval 10 --output /var/lib/prometheus/node-exporter/sysknob.prom" \
  "the packaged service runs the installed binary into node_exporter's textfile directory"
if command -v systemd-analyze >/dev/null; then
  run systemd-analyze verify --man=no "$R/lib/systemd/system/sysknob-doctor.timer" "$R/lib/systemd/system/sysknob-doctor.service"
  verify_msgs=$(printf '%s\n' "$out" "$err" | grep -v 'Command .* is not executable' | grep -v '^$' || true)
  expect_eq "$verify_msgs" "" "systemd-analyze verify accepts the doctor service and timer"
fi
run "$R/usr/sbin/sysknob" --version
expect_contains "$out" "sysknob " "unpacked sysknob --version"
# The licence: machine-readable copyright (DEP-5) naming MIT with its text.
copyright=$(cat "$R/usr/share/doc/sysknob/copyright")
expect_contains "$copyright" "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" "copyright is machine-readable"
expect_contains "$copyright" "License: MIT" "copyright names the MIT licence"
expect_contains "$copyright" "Permission is hereby granted, free of charge" "copyright holds the MIT text"
if command -v mandoc >/dev/null; then
  run bash -c "zcat '$R/usr/share/man/man8/sysknob.8.gz' | mandoc -T lint -W warning"
  expect_eq "$out$err" "" "packaged sysknob.8.gz is the clean page"
fi

done_testing
