#!/usr/bin/env bash
# import --boot under --root follows boot's precedence (a /dev/null mask, an
# /etc file masking a /usr/lib one, the later name winning, '-' lines
# optional); the imported profile applies; `export` prints byte for byte
# the fragment apply wrote. Bad input: usage errors and a missing SOURCE
# change nothing.
. "$SYSKNOB_SRC/tests/support/lib.sh"
enter_netns
ROOT=$(make_root)
sk() { "$SYSKNOB" --root "$ROOT" --no-color "$@"; }

cat >"$ROOT/usr/lib/sysctl.d/50-pkg.conf" <<'X'
# shipped by a package
net.ipv4.tcp_fin_timeout = 50
X
cat >"$ROOT/usr/lib/sysctl.d/60-masked.conf" <<'X'
net.ipv4.tcp_keepalive_time = 111
X
ln -s /dev/null "$ROOT/etc/sysctl.d/60-masked.conf"
cat >"$ROOT/etc/sysctl.d/50-pkg.conf" <<'X'
# the admin's copy masks the package's
net.ipv4.tcp_fin_timeout = 40
X
cat >"$ROOT/etc/sysctl.d/10-early.conf" <<'X'
# Keepalive for the load balancer
net.ipv4.tcp_keepalive_intvl = 20
net.ipv4.tcp_max_syn_backlog = 1000
-net.ipv4.tcp_no_such_key = 1
net.ipv4.ip_local_port_range = 20000	  60000
X
cat >"$ROOT/etc/sysctl.d/90-late.conf" <<'X'
net.ipv4.tcp_max_syn_backlog = 2000
X

run sk import --boot --name host -o "$ROOT/etc/sysknob/profiles/host.toml"
expect_rc 0 "import --boot"
P=$(cat "$ROOT/etc/sysknob/profiles/host.toml")
expect_contains "$P" 'net.ipv4.tcp_fin_timeout = { value = 40, comment = "the admin'"'"'s copy masks the package'"'"'s" }' "the /etc file masks the /usr/lib one"
expect_not_contains "$P" "tcp_keepalive_time" "a file masked by /dev/null is not imported"
expect_contains "$P" "# /etc/sysctl.d/90-late.conf:1"$'\n' "the later file wins, with its origin"
expect_contains "$P" $'\nnet.ipv4.tcp_max_syn_backlog = 2000' "with its value"
expect_contains "$P" "decide: conflict between files" "the earlier value is reported in the profile"
expect_contains "$err" "/etc/sysctl.d/10-early.conf:3: 'net.ipv4.tcp_max_syn_backlog' = '1000' is overridden by '2000'" "and in the summary with its file:line"
expect_contains "$P" 'net.ipv4.tcp_no_such_key = { value = 1, comment = "Keepalive for the load balancer", optional = true }' "a '-' line becomes optional"
expect_contains "$P" 'net.ipv4.ip_local_port_range = { value = [20000, 60000],' "a list value normalised"
expect_contains "$P" 'comment = "Keepalive for the load balancer"' "the comment above a block of keys is kept"
expect_contains "$err" "absent on this kernel (1):" "the absent key is grouped for the operator"

run sk lint host
expect_rc 0 "the imported profile lints clean"
run sk apply host
expect_rc 0 "the imported profile applies"
expect_eq "$(proc net.ipv4.tcp_max_syn_backlog)" 2000 "live value from the winning file"
expect_eq "$(proc net.ipv4.ip_local_port_range)" "20000 60000" "live vector value"

frag=$(ls "$ROOT"/etc/sysctl.d/*-sysknob.conf)
run sk export host
expect_rc 0 "export"
printf '%s' "$out" >"$T/export.txt"
# $(...) drops trailing newlines: compare the file apply wrote the same way.
expect_eq "$out" "$(cat "$frag")" "export prints the fragment apply wrote"
sk export host >"$T/export.raw"
if cmp -s "$T/export.raw" "$frag"; then pass "byte for byte"; else fail "export differs from $frag: $(diff "$T/export.raw" "$frag")"; fi

before=$(find "$ROOT" -type f -newer "$frag" | wc -l)
run sk import
expect_rc 64 "import without a SOURCE is a usage error"
run sk import --name 'bad name' "$ROOT/etc/sysctl.d/10-early.conf"
expect_rc 64 "a --name that is not a plain name is a usage error"
expect_contains "$err" "is not a plain name" "and says why"
run sk import --name other -o "$T/web.toml" "$ROOT/etc/sysctl.d/10-early.conf"
expect_rc 64 "a --name that is not the --output file's name is a usage error"
expect_contains "$err" "a profile is known by its file name" "and says why"
[ ! -e "$T/web.toml" ] && pass "nothing written" || fail "$T/web.toml written"
run sk import -o "$T/web.toml" "$ROOT/etc/sysctl.d/10-early.conf"
expect_rc 0 "import -o web.toml without --name"
expect_contains "$(cat "$T/web.toml")" 'name = "web"' "names the profile after its file"
run sk lint "$T/web.toml"
expect_not_contains "$err" "SK0011" "which lint accepts as named"
run sk import "$T/no-such-file.conf"
expect_rc 1 "a missing SOURCE is an error"
expect_contains "$err" "no-such-file.conf" "naming the file"
run sk export no-such-profile
expect_rc 1 "export of a missing profile is an error"
expect_eq "$(find "$ROOT" -type f -newer "$frag" | wc -l)" "$before" "failed commands wrote nothing"
done_testing
