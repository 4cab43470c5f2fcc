#!/usr/bin/env bash
# `cmake --install build` without a prefix installs where the README and the
# packages say: the binary in /usr/sbin, data in /usr/share/sysknob, man
# pages in /usr/share/man, the state directory /var/lib/sysknob (0700).
# With another prefix, the data follows it (and the binary finds it there),
# while the run-time paths the FHS fixes (/var/lib/sysknob) are not moved
# under the prefix. Configures only (no build): the install scripts that
# CMake generates list every destination.
. "$SYSKNOB_SRC/tests/support/lib.sh"
command -v cmake >/dev/null || skip "cmake is not installed (scripts/install-deps.sh)"

# dests BUILD-DIR: every install destination the generated scripts name.
# Relative destinations are written as ${CMAKE_INSTALL_PREFIX}/..., with the
# configured prefix as the script's default: substitute it.
dests() {
  local prefix
  prefix=$(sed -n 's/^ *set(CMAKE_INSTALL_PREFIX "\(.*\)")$/\1/p' "$1/cmake_install.cmake" | head -n 1)
  grep -ho 'file(INSTALL DESTINATION "[^"]*"' "$1/cmake_install.cmake" |
    sed 's/.*DESTINATION "//; s/"$//' | sed "s|\${CMAKE_INSTALL_PREFIX}|$prefix|" | sort -u
}

run cmake -S "$SRC" -B "$T/default" -DSYSKNOB_TESTS=OFF
expect_rc 0 "configure without a prefix"
expect_contains "$(grep '^CMAKE_INSTALL_PREFIX:' "$T/default/CMakeCache.txt")" "=/usr" "the default prefix is /usr"
d=$(dests "$T/default")
for want in /usr/sbin /usr/share/sysknob/profiles /usr/share/sysknob/schemas /usr/share/man/man8 \
  /usr/share/man/man5 /usr/share/bash-completion/completions /usr/share/zsh/vendor-completions /var/lib/sysknob; do
  expect_contains "$d" "$want" "default install puts something in $want"
done
expect_not_contains "$d" "/usr/local" "nothing under /usr/local by default"
expect_contains "$(grep '^SYSKNOB_DATADIR:' "$T/default/CMakeCache.txt")" "=/usr/share/sysknob" "the binary looks for its data in /usr/share/sysknob"

run cmake -S "$SRC" -B "$T/local" -DSYSKNOB_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr/local
expect_rc 0 "configure with prefix /usr/local"
d=$(dests "$T/local")
expect_contains "$d" "/usr/local/sbin" "prefix /usr/local: binary in /usr/local/sbin"
expect_contains "$d" "/usr/local/share/sysknob/profiles" "prefix /usr/local: profiles follow the prefix"
expect_not_contains "$d" "/usr/local/var" "prefix /usr/local: no state directory under the prefix"
expect_contains "$(grep '^SYSKNOB_DATADIR:' "$T/local/CMakeCache.txt")" "=/usr/local/share/sysknob" "prefix /usr/local: the binary looks for its data there"
done_testing
