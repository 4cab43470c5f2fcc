#!/usr/bin/env bash
# Hostile profiles: huge, deeply nested, binary, not UTF-8, keys that try to
# leave /proc/sys or alias another key, values that would add a line to a
# sysctl.d file. Each is refused with exit 1 and a diagnostic that names the
# file, quickly and without a crash (no exit code of 128 or more, no
# sanitizer report). Nothing here needs root or touches the system.
. "$SYSKNOB_SRC/tests/support/lib.sh"

root=$(make_root)
H=$SRC/tests/data/hostile
sk() { run "$SYSKNOB" --root "$root" --no-color "$@"; }

# no_crash what: the last command ended by itself and printed no sanitizer
# or last-resort report.
no_crash() {
  if [ "$rc" -ge 128 ]; then fail "$1: killed by signal $((rc - 128))"; else pass "$1: no crash"; fi
  case "$err" in
    *"internal error"* | *AddressSanitizer* | *LeakSanitizer* | *"runtime error:"*)
      fail "$1: crash report on stderr: $(printf '%s' "$err" | head -c 400)" ;;
  esac
}

# refused FILE RULE what [COMMAND...]: lint (or COMMAND) refuses FILE with
# exit 1, a RULE diagnostic, and the file named.
refused() {
  local file=$1 rule=$2 what=$3
  shift 3
  if [ $# -eq 0 ]; then set -- lint --kernel 5.15; fi
  sk "$@" "$file"
  expect_rc 1 "$what"
  no_crash "$what"
  expect_contains "$err" "$file" "$what: message names the file"
  [ -z "$rule" ] || expect_contains "$err" "[$rule]" "$what: $rule"
}

# elapsed_ms: milliseconds since the last `tick`.
tick() { t0=$(date +%s%N); }
elapsed_ms() { echo $((($(date +%s%N) - t0) / 1000000)); }

# --- huge files -----------------------------------------------------------------
truncate -s 200M "$T/huge-sparse.toml"
tick
refused "$T/huge-sparse.toml" SK0002 "200 MiB sparse profile"
ms=$(elapsed_ms)
expect_contains "$err" "16 MiB" "size limit is stated"
if [ "$ms" -lt 10000 ]; then pass "refused in ${ms} ms, without reading it"; else fail "took ${ms} ms to refuse a 200 MiB file"; fi

# Filled, one byte over the limit: refused by size, before any parsing.
head -c $((16 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >"$T/huge-filled.toml"
tick
refused "$T/huge-filled.toml" SK0002 "16 MiB + 1 byte profile"
expect_contains "$err" "16 MiB" "filled file: size limit is stated"
ms=$(elapsed_ms)
if [ "$ms" -lt 10000 ]; then pass "filled file refused in ${ms} ms"; else fail "took ${ms} ms to refuse a filled 16 MiB file"; fi

# By name, from the admin directory, and through every command that reads profiles.
ln "$T/huge-sparse.toml" "$root/etc/sysknob/profiles/huge.toml" 2>/dev/null || cp --sparse=always "$T/huge-sparse.toml" "$root/etc/sysknob/profiles/huge.toml"
for cmd in lint show diff "apply --dry-run" "apply --check"; do
  # shellcheck disable=SC2086
  sk $cmd huge
  expect_rc 1 "$cmd huge (by name)"
  no_crash "$cmd huge"
  expect_contains "$err" "$root/etc/sysknob/profiles/huge.toml" "$cmd huge: names the file"
  expect_contains "$err" "16 MiB" "$cmd huge: states the limit"
done
rm -f "$root/etc/sysknob/profiles/huge.toml"

# A profile extending a huge parent: the parent is named.
cp --sparse=always "$T/huge-sparse.toml" "$root/etc/sysknob/profiles/bigparent.toml"
printf '[profile]\nextends = ["bigparent"]\n[sysctl]\nnet.core.somaxconn = 4096\n' >"$T/child.toml"
sk lint --kernel 5.15 "$T/child.toml"
expect_rc 1 "extends a 200 MiB parent"
no_crash "extends a 200 MiB parent"
expect_contains "$err" "bigparent.toml" "the huge parent is named"
rm -f "$root/etc/sysknob/profiles/bigparent.toml"

# Not a regular file: a FIFO must not block, a directory must not be read.
mkfifo "$T/fifo.toml"
tick
sk lint --kernel 5.15 "$T/fifo.toml"
expect_rc 1 "a FIFO as profile"
no_crash "a FIFO as profile"
expect_contains "$err" "$T/fifo.toml" "the FIFO is named"
ms=$(elapsed_ms)
if [ "$ms" -lt 10000 ]; then pass "FIFO refused without blocking"; else fail "FIFO took ${ms} ms"; fi
mkdir "$T/dir.toml"
refused "$T/dir.toml" SK0002 "a directory as profile"

# --- deep nesting ---------------------------------------------------------------------
gen() { python3 -c "$1" >"$2"; }
command -v python3 >/dev/null || skip "python3 not found (generates the nested inputs)"
gen 'print("[sysctl]\na = " + "[" * 100000)' "$T/deep-array.toml"
refused "$T/deep-array.toml" SK0001 "array nested 100000 deep (unclosed)"
gen 'print("[sysctl]\na = " + "[" * 100000 + "]" * 100000)' "$T/deep-array-closed.toml"
refused "$T/deep-array-closed.toml" SK0001 "array nested 100000 deep"
gen 'print("[sysctl]\na = " + "{b = " * 100000 + "1" + "}" * 100000)' "$T/deep-inline.toml"
refused "$T/deep-inline.toml" SK0001 "inline tables nested 100000 deep"
gen 'print("[sysctl]\nnet.core.somaxconn = { value = [" + "{ x = [" * 50000 + "]}" * 50000 + "] }")' "$T/deep-mixed.toml"
refused "$T/deep-mixed.toml" SK0001 "arrays and inline tables nested 100000 deep"
# Dotted keys and table headers are not bounded by toml++ itself: 5 million
# segments (10 MB, under the size limit) once overflowed the stack.
gen 'print("[sysctl]\n" + ".".join(["k"] * 5000000) + " = 1")' "$T/deep-dotted.toml"
refused "$T/deep-dotted.toml" SK0001 "dotted key of 5 million segments"
gen 'print("[" + ".".join(["s"] * 5000000) + "]")' "$T/deep-header.toml"
refused "$T/deep-header.toml" SK0001 "table header of 5 million segments"
gen 'print("[sysctl]\nx = [\n{" + ".".join(["k"] * 1000000) + " = 1 }]")' "$T/deep-inline-dotted.toml"
refused "$T/deep-inline-dotted.toml" SK0001 "dotted key of a million segments in an inline table"
# 40 levels in [sysctl]: refused by the reader's own limit, not by a crash.
gen 'print("[sysctl]\n" + ".".join(["net"] * 40) + " = 1")' "$T/deep-40.toml"
refused "$T/deep-40.toml" SK0001 "dotted key of 40 segments"

# --- bytes that are not UTF-8 text ------------------------------------------------------
refused "$H/binary-elf.bin" SK0002 "binary garbage (ELF header)"
head -c 65536 /dev/urandom >"$T/random.toml"
printf '\377' >>"$T/random.toml"  # never valid UTF-8, whatever came before
refused "$T/random.toml" SK0002 "64 KiB of random bytes"
refused "$H/nul-byte.toml" SK0002 "NUL byte in an otherwise valid profile"
refused "$H/latin1.toml" SK0002 "Latin-1 byte (invalid UTF-8) in a comment"
refused "$H/utf16.toml" SK0002 "UTF-16 profile with a byte-order mark"
for f in overlong-utf8 surrogate-utf8 truncated-utf8; do
  sk lint --kernel 5.15 "$H/$f.toml"
  expect_rc 1 "$f"
  no_crash "$f"
  expect_contains "$err" "$H/$f.toml" "$f: message names the file"
  if [[ $err == *"[SK0001]"* || $err == *"[SK0002]"* ]]; then pass "$f: SK0001 or SK0002"; else fail "$f: no SK0001/SK0002 in: $err"; fi
done
# JSON output stays one valid document even for such input.
sk lint --kernel 5.15 --format json "$H/latin1.toml"
expect_rc 1 "latin1 with --format json"
if printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["ok"] is False and d["diagnostics"][0]["id"] == "SK0002"' 2>/dev/null
then pass "json output is valid and carries SK0002"; else fail "json output for latin1: $out"; fi

# Non-ASCII text that toml++ 3.3.0 mishandled (undefined behaviour in its
# whitespace table) is a valid profile and must lint cleanly.
sk lint --kernel 5.15 "$H/toml-unreachable.toml"
expect_rc 0 "'é' after a line-ending backslash in a multi-line string"
no_crash "toml++ whitespace table"

# --- keys that are not sysctl names ---------------------------------------------------
refused "$H/key-dotdot-segment.toml" SK0005 "key with a '../../..' segment"
refused "$H/key-double-dot.toml" SK0005 "quoted key with '..'"
refused "$H/key-slash-path.toml" SK0005 "key written as a path with '/'"
refused "$H/key-slash-alias.toml" SK0005 "interface segment with '/' (alias of eth0.100)"
refused "$H/key-escape-control.toml" SK0005 "key with an ESC control character"
expect_not_contains "$err" $'\e' "the control character is not echoed raw"
refused "$H/key-tab.toml" SK0005 "key with a tab"
printf '[sysctl]\n"net.ipv4.ip_forward\\u0000" = 1\n' >"$T/key-nul.toml"
refused "$T/key-nul.toml" SK0005 "key with an escaped NUL"

# --- values that would end the line in a sysctl.d file -------------------------------
refused "$H/value-newline.toml" SK0006 "value with an escaped newline"
refused "$H/value-multiline.toml" SK0006 "multi-line string value"
refused "$H/value-cr.toml" SK0006 "value with a carriage return"
refused "$H/comment-newline.toml" SK0006 "comment with a newline"
# apply --dry-run (no root needed) refuses them too, before planning.
refused "$H/value-newline.toml" SK0006 "apply --dry-run: value with a newline" apply --dry-run
expect_not_contains "$out" "kernel.modprobe" "the smuggled line is not in any plan"

# Nothing was written under --root by any of this.
written=$(find "$root" -type f | wc -l)
expect_eq "$written" 0 "no file created under --root"

done_testing
