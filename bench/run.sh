#!/usr/bin/env bash
# sysknob benchmark: sysknob against `sysctl -p` (procps), systemd-sysctl and
# a minimal C floor program, inside a throwaway network namespace.
# See bench/README.md. Run as root:  bash bench/run.sh [--quick] [--no-build] [-v]
#
# Safety: every measurement runs in a fresh network namespace (unshare -n)
# and touches net.* keys only; sysknob runs with --root pointing at a scratch
# directory. The host's values and files are never written.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(dirname "$here")

# ---------------------------------------------------------------- outer part
if [ "${1:-}" != "--inner" ]; then
  quick=0 build=1 verbose=0
  for a in "$@"; do
    case "$a" in
      --quick) quick=1 ;;
      --no-build) build=0 ;;
      -v|--verbose) verbose=1 ;;
      -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
      *) echo "run.sh: unknown option '$a' (try --help)" >&2; exit 64 ;;
    esac
  done
  if [ "$(id -u)" -ne 0 ]; then
    echo "run.sh: run as root (it needs unshare -n and writes sysctls inside a private network namespace)" >&2
    exit 1
  fi
  case "$here" in *[[:space:]]*) echo "run.sh: the source path must not contain blanks: $here" >&2; exit 1 ;; esac
  t_start=$(date +%s)

  # Dependencies, from Debian's packages only.
  need=(hyperfine strace time valgrind procps systemd iproute2 util-linux python3 gcc)
  missing=()
  for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "run.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  [ -x /lib/systemd/systemd-sysctl ] || { echo "run.sh: /lib/systemd/systemd-sysctl not found" >&2; exit 1; }

  if [ "$build" = 1 ]; then
    bash "$top/scripts/install-deps.sh" --build
    echo "run.sh: building Release into bench/build"
    # SYSKNOB_WERROR=OFF: the benchmark wants the Release code as is, and a
    # compiler's warning must not fail it (GCC 12 reported a false -Wrestrict
    # in std::string concatenation, src/persist/fragments.cpp, when Release
    # was still -O3; it is -O2 now, CMakeLists.txt says why).
    cmake -S "$top" -B "$here/build" -DCMAKE_BUILD_TYPE=Release -DSYSKNOB_TESTS=OFF -DSYSKNOB_WERROR=OFF >"$here/build.log" 2>&1 \
      && cmake --build "$here/build" -j"$(nproc)" >>"$here/build.log" 2>&1 \
      || { tail -30 "$here/build.log" >&2; echo "run.sh: build failed (bench/build.log)" >&2; exit 1; }
  fi
  [ -x "$here/build/sysknob" ] || { echo "run.sh: no bench/build/sysknob (run without --no-build)" >&2; exit 1; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/sysknob-bench.XXXXXX")
  cc -O2 -Wall -o "$work/floor" "$here/floor.c"
  echo "run.sh: scratch directory $work"

  export BENCH_WORK="$work" BENCH_QUICK="$quick" BENCH_VERBOSE="$verbose" BENCH_T0="$t_start"
  export BENCH_HOST_NETNS
  BENCH_HOST_NETNS=$(readlink /proc/self/ns/net)
  rc=0
  unshare --net -- bash "$0" --inner || rc=$?
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$work"
  echo "run.sh: finished in $(( $(date +%s) - t_start )) s"
  exit "$rc"
fi

# ---------------------------------------------------------------- inner part
# Runs inside the private network namespace.
work=$BENCH_WORK
if [ "$(readlink /proc/self/ns/net)" = "$BENCH_HOST_NETNS" ]; then
  echo "run.sh: not in a private network namespace; refusing to touch sysctls" >&2
  exit 1
fi
res="$top/bench/results"
rm -rf "$res"
mkdir -p "$res"
log="$res/run.log"
: >"$log"
sk="$here/build/sysknob"
floor="$work/floor"
py() { python3 "$here/bench.py" "$@"; }
say() { echo "[$(( $(date +%s) - BENCH_T0 ))s] $*"; }
die() { echo "run.sh: $*" >&2; exit 1; }
runs=30 warm=3
[ "$BENCH_QUICK" = 1 ] && runs=5 warm=1

hf() {  # hf NAME [hyperfine options and NAME/COMMAND pairs...]
  local name=$1; shift
  say "hyperfine $name"
  local out=("--export-json" "$res/hf_$name.json" "--style" "basic" "-N")
  if [ "$BENCH_VERBOSE" = 1 ]; then
    hyperfine "${out[@]}" "$@" 2>&1 | tee -a "$log"
  else
    hyperfine "${out[@]}" "$@" >>"$log" 2>&1 || { tail -20 "$log" >&2; die "hyperfine $name failed (bench/results/run.log)"; }
  fi
}

prof="$here/profiles"
P40="$prof/nat40.toml"
PG="$prof/glob4.toml"

# Inputs for the peers, generated from the profiles: sysctl.d fragments,
# key lists, and floor lists "PATH VALUE" for the profile's and the
# "before" values.
py gen "$P40" "$work/nat40"
cp "$work/nat40.conf" "$prof/nat40.conf"
py list "$P40" "$prof/nat40.before" "$work/nat40.before"
printf '[profile]\nname = "one1"\ndescription = "benchmark: the first key of nat40"\n\n[sysctl]\n%s\n' \
  "$(grep -m1 '^net\.' "$P40")" >"$work/one1.toml"
P1="$work/one1.toml"
py gen "$P1" "$work/one1"
py list "$P1" "$prof/nat40.before" "$work/one1.before"

# Every key must be writable here (a child namespace), both ways.
"$floor" set "$work/nat40.before" || die "some nat40 keys are not writable in a child network namespace (is nf_conntrack loaded on the host?)"
[ "$("$floor" get "$work/nat40.before" | tr -s ' \t' '  ')" = "$(cut -d' ' -f2- "$work/nat40.before")" ] || die "nat40: 'before' values did not read back"
"$floor" set "$work/nat40.after" || die "nat40: cannot write the profile's values"
[ "$("$floor" get "$work/nat40.after" | tr -s ' \t' '  ')" = "$(cut -d' ' -f2- "$work/nat40.after")" ] || die "nat40: profile values did not read back"
"$floor" set "$work/nat40.before"
n_keys=$(wc -l <"$work/nat40.after")
[ "$n_keys" = 40 ] || die "nat40 has $n_keys keys, expected 40"
say "nat40: all 40 keys writable in this namespace"

"$sk" lint "$P40" >>"$log" 2>&1 || die "sysknob lint rejects $P40 (see bench/results/run.log)"
"$sk" lint "$PG" >>"$log" 2>&1 || die "sysknob lint rejects $PG"
say "sysknob lint accepts nat40.toml and glob4.toml"

# Scratch roots, brought to the steady state (fragment, state file and one
# snapshot in place) by a first apply. --keep 1: W1 writes a snapshot per
# run, and the store must not grow across runs.
R40="$work/root40"; R1="$work/root1"
mkdir -p "$R40" "$R1"
"$sk" --root "$R40" apply "$P40" --keep 1 >>"$log" 2>&1 || die "first apply of nat40 failed"
"$sk" --root "$R1" apply "$P1" --keep 1 >>"$log" 2>&1 || die "first apply of one1 failed"
"$sk" --root "$R40" apply "$P40" --check >>"$log" 2>&1 || die "apply --check after apply reports drift"

SK40=("$sk" --root "$R40" apply "$P40" --keep 1)
PROCPS40=(sysctl -p "$work/nat40.conf")
SYSTEMD40=(/lib/systemd/systemd-sysctl "$work/nat40.conf")
FLOOR40=("$floor" set "$work/nat40.after")
mapfile -t keys40 <"$work/nat40.keys"

cat >"$res/meta.json" <<EOF
{"kernel": "$(uname -r)", "cpus": $(nproc), "sysknob": "$("$sk" --version)",
 "procps": "$(sysctl --version)", "systemd": "$(/lib/systemd/systemd-sysctl --version | head -1)",
 "hyperfine": "$(hyperfine --version)", "runs": $runs, "warmup": $warm,
 "scratch_fs": "$(stat -f -c %T "$work")", "date": "$(date -u +%FT%TZ)"}
EOF

# The build and the first applies leave dirty pages; their writeback must
# not land inside the first measured series.
sync
sleep 1

# ---- W2: apply with nothing to change (values and files already in place)
"$floor" set "$work/nat40.after"
hf W2-noop --warmup "$warm" --runs "$runs" \
  -n sysknob "${SK40[*]}" -n procps "${PROCPS40[*]}" -n systemd "${SYSTEMD40[*]}" -n floor "${FLOOR40[*]}"

# ---- W1: apply that changes all 40 keys (the prepare step writes "before")
hf W1-change --warmup "$warm" --runs "$runs" --prepare "$floor set $work/nat40.before" \
  -n sysknob "${SK40[*]}" -n procps "${PROCPS40[*]}" -n systemd "${SYSTEMD40[*]}" -n floor "${FLOOR40[*]}"

# ---- W1 again with the scratch root on tmpfs, where fsync costs nothing:
# what W1 costs besides flushing the snapshot to disk (information, not a
# target: procps persists nothing, sysknob's snapshot must be durable).
RT=$(mktemp -d /dev/shm/sysknob-bench-root.XXXXXX)
trap 'rm -rf "$RT"' EXIT
"$floor" set "$work/nat40.before"
"$sk" --root "$RT" apply "$P40" --keep 1 >>"$log" 2>&1 || die "first apply of nat40 on tmpfs failed"
hf W1-change-tmpfs --warmup "$warm" --runs "$runs" --prepare "$floor set $work/nat40.before" \
  -n sysknob "$sk --root $RT apply $P40 --keep 1" -n procps "${PROCPS40[*]}"

# ---- W3: diff (in sync). procps peer: sysctl -n KEY...; systemd-sysctl has
# no read-only mode: its no-op apply of the same fragment stands in.
"$floor" set "$work/nat40.after"
hf W3-diff --warmup "$warm" --runs "$runs" \
  -n sysknob "$sk --root $R40 diff $P40" -n procps "sysctl -n ${keys40[*]}" \
  -n systemd "${SYSTEMD40[*]}" -n floor "$floor get $work/nat40.after"

# ---- W5: doctor, one sample. `--interval 0` takes one sample (totals
# since boot) and no second one: the default interval (5 s) is sleep, and
# what is measured is the cost of a sample plus the rules and the output.
# The peer is iproute2's nstat, which reads the same /proc/net counter files
# (-a: absolute values, -z: zeros too, -s: no history file).
R5="$work/root5"; mkdir -p "$R5"
"$sk" --root "$R5" doctor --interval 0 >>"$log" 2>&1 || die "sysknob doctor --interval 0 failed (see bench/results/run.log)"
"$sk" --root "$R5" --format json doctor --interval 0 >"$res/doctor.json" 2>>"$log" || die "sysknob doctor --format json failed"
hf W5-doctor --warmup "$warm" --runs "$runs" \
  -n sysknob "$sk --root $R5 doctor --interval 0" -n nstat "nstat -asz"
hf W5-doctor-prometheus --warmup "$warm" --runs "$runs" \
  -n sysknob "$sk --root $R5 --format prometheus doctor --interval 0"

# ---- W6: import of the whole shipped corpus (every file, one profile).
# The floor is reading the files (cat), which any importer must do.
corpus=("$top"/tests/data/corpus/sysctl.d/*)
R6="$work/root6"; mkdir -p "$R6"
"$sk" --root "$R6" import --name corpus -o "$work/corpus.toml" "${corpus[@]}" >>"$log" 2>&1 \
  || die "sysknob import of the corpus failed (see bench/results/run.log)"
echo "W6: ${#corpus[@]} corpus files, $(grep -c ' = ' "$work/corpus.toml") lines with ' = ' in the profile" >>"$log"
hf W6-import --warmup "$warm" --runs "$runs" \
  -n sysknob "$sk --root $R6 import --name corpus -o $work/corpus.toml ${corpus[*]}" -n floor "cat ${corpus[*]}"

# ---- lint of the shipped profiles, and start-up (information)
shipped=("$top"/profiles/*.toml)
lint_rc=0; "$sk" lint "${shipped[@]}" >>"$log" 2>&1 || lint_rc=$?
hf X1-lint --warmup "$warm" --runs "$runs" -i -n sysknob "$sk lint ${shipped[*]}"
hf X2-version --warmup "$warm" --runs "$runs" \
  -n sysknob "$sk --version" -n procps "sysctl --version" -n systemd "/lib/systemd/systemd-sysctl --version"

# ---- syscalls: strace -f -c of each tool, 40 keys and 1 key
trace() {  # trace NAME command...
  local name=$1; shift
  strace -f -c -o "$res/strace_$name.txt" -- "$@" >/dev/null 2>&1 || true
}
for n in 40 1; do
  if [ "$n" = 40 ]; then R=$R40 P=$P40 base=nat40; else R=$R1 P=$P1 base=one1; fi
  for mode in noop change; do
    if [ "$mode" = noop ]; then set_after=1; else set_after=0; fi
    for tool in sysknob procps systemd floor; do
      if [ "$set_after" = 1 ]; then "$floor" set "$work/nat40.after"; else "$floor" set "$work/nat40.before"; fi
      case $tool in
        sysknob) trace "$tool-$mode-$n" "$sk" --root "$R" apply "$P" --keep 1 ;;
        procps) trace "$tool-$mode-$n" sysctl -p "$work/$base.conf" ;;
        systemd) trace "$tool-$mode-$n" /lib/systemd/systemd-sysctl "$work/$base.conf" ;;
        floor) trace "$tool-$mode-$n" "$floor" set "$work/$base.after" ;;
      esac
    done
  done
  "$floor" set "$work/nat40.after"
  mapfile -t k <"$work/$base.keys"
  trace "sysknob-diff-$n" "$sk" --root "$R" diff "$P"
  trace "procps-diff-$n" sysctl -n "${k[@]}"
  trace "floor-diff-$n" "$floor" get "$work/$base.after"
done
say "strace -c done"

# ---- instructions: callgrind's count of each tool's instructions, user
# space only (no hardware counters needed; the same on a busy machine, where
# wall times move by 2x). Values as for the timed runs.
icount() {  # icount NAME command...
  local name=$1; shift
  valgrind --tool=callgrind --callgrind-out-file=/dev/null -- "$@" >/dev/null 2>"$res/icount_$name.txt" || true
}
"$floor" set "$work/nat40.after"
icount sysknob-W2 "${SK40[@]}"; icount procps-W2 "${PROCPS40[@]}"; icount systemd-W2 "${SYSTEMD40[@]}"
icount sysknob-W3 "$sk" --root "$R40" diff "$P40"; icount procps-W3 sysctl -n "${keys40[@]}"
"$floor" set "$work/nat40.before"; icount sysknob-W1 "${SK40[@]}"
"$floor" set "$work/nat40.before"; icount procps-W1 "${PROCPS40[@]}"
"$floor" set "$work/nat40.after"
icount sysknob-W5 "$sk" --root "$R5" doctor --interval 0
icount sysknob-W6 "$sk" --root "$R6" import --name corpus -o "$work/corpus.toml" "${corpus[@]}"
say "instruction counts done"

# ---- peak RSS (KiB), 5 runs each
rss() {  # rss NAME command...
  local name=$1; shift
  "/usr/bin/time" -a -o "$res/rss_$name.txt" -f %M -- "$@" >/dev/null 2>&1 || true
}
for i in 1 2 3 4 5; do
  "$floor" set "$work/nat40.before"; rss sysknob-W1 "${SK40[@]}"
  "$floor" set "$work/nat40.before"; rss procps-W1 "${PROCPS40[@]}"
  "$floor" set "$work/nat40.before"; rss systemd-W1 "${SYSTEMD40[@]}"
  "$floor" set "$work/nat40.before"; rss floor-W1 "${FLOOR40[@]}"
  rss sysknob-W2 "${SK40[@]}"; rss procps-W2 "${PROCPS40[@]}"; rss systemd-W2 "${SYSTEMD40[@]}"; rss floor-W2 "${FLOOR40[@]}"
  rss sysknob-W3 "$sk" --root "$R40" diff "$P40"; rss procps-W3 sysctl -n "${keys40[@]}"; rss floor-W3 "$floor" get "$work/nat40.after"
done
say "peak RSS done"

# ---- start-up of `sysknob --version`: syscalls and shared libraries
ver_calls=$(strace -f -c -o "$res/startup_strace.txt" -- "$sk" --version >/dev/null 2>&1; py straceint "$res/startup_strace.txt")
strace -f -tt -o "$res/startup_trace.txt" -- "$sk" --version >/dev/null 2>&1 || true
python3 - "$res/startup.json" "$ver_calls" "$sk" <<'EOF'
import json, subprocess, sys
out, calls, sk = sys.argv[1], sys.argv[2], sys.argv[3]
ldd = subprocess.run(["ldd", sk], capture_output=True, text=True).stdout.split("\n")
json.dump({"version_syscalls": int(calls) if calls.isdigit() else None,
           "ldd": [l.strip() for l in ldd if l.strip()],
           "binary_bytes": __import__("os").path.getsize(sk)}, open(out, "w"), indent=2)
EOF

# ---- W4: glob over N ifb interfaces
gbefore="$work/glob4.before"; gafter="$work/glob4.after"
have=0
for N in 500 1000 2000 4000; do
  say "W4: creating ifb interfaces up to $N"
  seq "$have" $((N - 1)) | sed 's/^/link add ifb/; s/$/ type ifb/' | ip -batch - || die "cannot create ifb interfaces (modprobe ifb on the host?)"
  have=$N
  py gen "$PG" "$work/glob4"
  py list "$PG" "$prof/glob4.before" "$gbefore"
  nfiles=$(wc -l <"$gafter")
  "$floor" set "$gbefore"
  RG="$work/rootg$N"; mkdir -p "$RG"
  "$sk" --root "$RG" apply "$PG" --keep 1 >>"$log" 2>&1 || die "first apply of glob4 at N=$N failed"
  say "W4: N=$N, $nfiles files"
  r=$runs; w=$warm
  if [ "$BENCH_QUICK" != 1 ]; then
    [ "$N" -ge 2000 ] && r=15
    [ "$N" -ge 4000 ] && r=10 w=2
  fi
  SKG="$sk --root $RG apply $PG --keep 1"
  hf "W4-noop-$N" --warmup "$w" --runs "$r" \
    -n sysknob "$SKG" -n procps "sysctl -p $work/glob4.conf" -n systemd "/lib/systemd/systemd-sysctl $work/glob4.conf" \
    -n floor "$floor set $gafter"
  hf "W4-change-$N" --warmup "$w" --runs "$r" --prepare "$floor set $gbefore" \
    -n sysknob "$SKG" -n procps "sysctl -p $work/glob4.conf" -n systemd "/lib/systemd/systemd-sysctl $work/glob4.conf" \
    -n floor "$floor set $gafter"
  if [ "$N" = 4000 ]; then
    for i in 1 2 3; do
      rss sysknob-W4n4000 "$sk" --root "$RG" apply "$PG" --keep 1
      rss procps-W4n4000 sysctl -p "$work/glob4.conf"
      rss systemd-W4n4000 /lib/systemd/systemd-sysctl "$work/glob4.conf"
      rss floor-W4n4000 "$floor" set "$gafter"
    done
    icount sysknob-W4n4000 "$sk" --root "$RG" apply "$PG" --keep 1
    icount systemd-W4n4000 /lib/systemd/systemd-sysctl "$work/glob4.conf"
  fi
done

echo
# Exit 1 is expected here: in a child network namespace some host-wide keys
# of the shipped profiles (netdev_max_backlog, neigh gc_thresh*) are not
# visible, and live lint says so (SK1005). X1 times the lint, not its verdict.
echo "shipped profiles: sysknob lint exit $lint_rc (1 expected in a child namespace: SK1005 for host-only keys, see run.log); sysknob --version: $ver_calls syscalls"
py report "$res" "$res/latest.json"
