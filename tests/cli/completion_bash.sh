#!/usr/bin/env bash
# The bash completion (completions/sysknob.bash) offers the commands, the
# global and per-command options, profile names from a --root typed on the
# line (a profile that exists only in a scratch root's
# /etc/sysknob/profiles), snapshot ids for rollback, and the values of
# --format. zsh's completion is syntax-checked when zsh is installed.
. "$SYSKNOB_SRC/tests/support/lib.sh"

COMP=$SRC/completions/sysknob.bash
[ -f "$COMP" ] || { fail "completions/sysknob.bash is missing"; done_testing; }
# The completion uses compopt, which exists only in a completion context;
# stub it so the functions can be called directly.
compopt() { :; }
set +eu # completion code follows bash-completion conventions, not set -eu
. "$COMP"
set -eu
expect_eq "$(complete -p sysknob 2>/dev/null)" "complete -F _sysknob sysknob" "the completion is registered for sysknob"

# complete WORD...: completes the last word of the command line WORD...
# (the first word is the binary) and leaves the candidates in $got, one a line.
complete_line() {
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"
  COMP_POINT=${#COMP_LINE}
  COMPREPLY=()
  set +eu
  _sysknob
  set -eu
  got=$(printf '%s\n' "${COMPREPLY[@]}" | sort)
}
has() { # has WORD WHAT
  if grep -qxF -- "$1" <<<"$got"; then pass "$2"; else fail "$2: '$1' not among: $(echo $got)"; fi
}
lacks() {
  if grep -qxF -- "$1" <<<"$got"; then fail "$2: '$1' offered: $(echo $got)"; else pass "$2"; fi
}

complete_line "$SYSKNOB" ""
for c in list show lint diff apply snapshots rollback status import export doctor; do has "$c" "command $c offered"; done

complete_line "$SYSKNOB" "ro"
expect_eq "$got" "rollback" "prefix 'ro' completes to the command rollback"

complete_line "$SYSKNOB" "--"
for o in --root --kernel --format --quiet --verbose --no-color --version --help; do has "$o" "global option $o offered"; done

complete_line "$SYSKNOB" apply "--"
for o in --dry-run --check --runtime-only --persist-only --priority --keep --root --format; do has "$o" "apply option $o offered"; done
lacks --strict "lint's --strict not offered for apply"

complete_line "$SYSKNOB" lint "--"
has --strict "lint option --strict offered"
has --list-rules "lint option --list-rules offered"

complete_line "$SYSKNOB" rollback "--"
has --discard "rollback option --discard offered"

complete_line "$SYSKNOB" --format ""
expect_eq "$(echo $got)" "json text" "--format values"

# Profile names: shipped ones, and one that exists only under the scratch root.
R=$(make_root)
cat >"$R/etc/sysknob/profiles/only-in-scratch.toml" <<'TOML'
[profile]
name = "only-in-scratch"
description = "exists only in the scratch root"

[sysctl]
net.ipv4.tcp_fin_timeout = 30
TOML
complete_line "$SYSKNOB" --root "$R" apply ""
has only-in-scratch "profile from --root DIR offered for apply"
has nat-gateway "shipped profile offered for apply"
complete_line "$SYSKNOB" apply --root="$R" "only"
expect_eq "$got" "only-in-scratch" "--root=DIR typed after the command is honoured, prefix filters"
complete_line "$SYSKNOB" diff "only"
lacks only-in-scratch "without --root the scratch profile is not offered"
complete_line "$SYSKNOB" -q show --root "$R" "nat-"
expect_eq "$got" "nat-gateway" "show completes a shipped profile after global options"

# Fallback without a usable binary: the profile directories are listed.
complete_line "$T/no-such-sysknob" --root "$R" lint ""
has only-in-scratch "fallback lists ROOT/etc/sysknob/profiles"

# Snapshot ids for rollback, from `sysknob snapshots --format json`.
mkdir -p "$R/var/lib/sysknob/snapshots"
run "$SYSKNOB" --root "$R" snapshots --format json
expect_rc 0 "snapshots on an empty scratch root"
complete_line "$SYSKNOB" --root "$R" rollback ""
expect_eq "$got" "" "no snapshot ids when there are no snapshots"
if [ "$(id -u)" = 0 ]; then
  # A real snapshot: --persist-only writes files only, the live kernel is untouched.
  run "$SYSKNOB" --root "$R" apply --persist-only only-in-scratch
  expect_rc 0 "apply --persist-only in the scratch root"
  ids=$("$SYSKNOB" --root "$R" snapshots --format json | python3 -c 'import json,sys; print(" ".join(s["id"] for s in json.load(sys.stdin)["snapshots"]))')
  [ -n "$ids" ] || fail "apply --persist-only recorded no snapshot"
  complete_line "$SYSKNOB" --root "$R" rollback ""
  expect_eq "$(echo $got)" "$ids" "rollback completes the snapshot ids"
fi

if command -v zsh >/dev/null; then
  run zsh -n "$SRC/completions/_sysknob"
  expect_rc 0 "zsh -n completions/_sysknob"
elif [ "${CI:-}" = true ]; then
  fail "zsh is not installed (scripts/install-deps.sh): the zsh completion would go unchecked"
else
  echo "note: zsh not installed, zsh completion syntax not checked"
fi
run bash -n "$COMP"
expect_rc 0 "bash -n completions/sysknob.bash"

done_testing
