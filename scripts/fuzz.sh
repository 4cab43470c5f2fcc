#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/) with clang and
# -fsanitize=fuzzer,address,undefined in build-fuzz/, replays every saved
# regression input and seed, then fuzzes each harness for a bounded time.
# Exits non-zero on any crash, leak, timeout or sanitizer report; the
# offending input is left in build-fuzz/artifacts/<harness>/ — copy it into
# tests/fuzz/regressions/<harness>/ once fixed.
#
#   scripts/fuzz.sh                 all harnesses, FUZZ_SECONDS (20) each
#   scripts/fuzz.sh fuzz_profile    one harness
#   FUZZ_SECONDS=0 scripts/fuzz.sh  replay regressions and seeds only
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=${FUZZ_BUILD_DIR:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-20}
jobs=$(nproc 2>/dev/null || echo 2)
harnesses=("$@")
[ "${#harnesses[@]}" -gt 0 ] || harnesses=(fuzz_profile fuzz_sysctl_d fuzz_snapshot)

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz.sh: $tool not found (scripts/install-deps.sh --test)" >&2; exit 1; }
done

echo "== fuzz build ($build)"
CC=clang CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSYSKNOB_WERROR=OFF -DSYSKNOB_FUZZ=ON -DSYSKNOB_TEST_HOOKS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" -j"$jobs" --target "${harnesses[@]}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# seeds HARNESS DIR: fills DIR with the seed inputs of a harness.
seeds() {
  local dir=$2
  mkdir -p "$dir"
  case $1 in
    fuzz_profile)
      cp "$src"/tests/fuzz/corpus/profile/* "$dir"/
      cp "$src"/profiles/*.toml "$dir"/
      find "$src/tests/data" -name '*.toml' -type f -exec cp -t "$dir" {} + 2>/dev/null || true
      # Names may repeat across tests/data folders; a few lost seeds do not matter.
      ;;
    fuzz_sysctl_d) cp "$src"/tests/fuzz/corpus/sysctl_d/* "$src"/tests/data/corpus/sysctl.d/* "$dir"/ ;;
    fuzz_snapshot) cp "$src"/tests/fuzz/corpus/snapshot/* "$dir"/ ;;
  esac
}

status=0
for h in "${harnesses[@]}"; do
  bin=$build/tests/fuzz/$h
  regress=$src/tests/fuzz/regressions/$h
  work=$build/corpus/$h
  art=$build/artifacts/$h
  rm -rf "$art"
  mkdir -p "$art" "$regress"
  seeds "$h" "$work"
  echo "== $h: replaying regressions and seeds"
  if ! "$bin" -runs=0 -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$art/" "$regress" "$work" \
      >"$art/replay.log" 2>&1; then
    tail -n 40 "$art/replay.log" >&2
    echo "FAIL: $h crashed on a saved input (log: $art/replay.log)" >&2
    status=1
    continue
  fi
  [ "$seconds" -gt 0 ] || continue
  echo "== $h: fuzzing for ${seconds}s"
  # The fresh corpus dir comes first: libFuzzer adds new inputs only there.
  if ! "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$art/" "$work" >"$art/fuzz.log" 2>&1; then
    tail -n 60 "$art/fuzz.log" >&2
    echo "FAIL: $h found a problem; the input is in $art/ (log: $art/fuzz.log)" >&2
    status=1
    continue
  fi
  grep -E '^stat::(number_of_executed_units|new_units_added)' "$art/fuzz.log" | tr '\n' ' ' || true
  echo
  # Belt and braces: a sanitizer report that did not abort still fails the run.
  if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "$art/fuzz.log"; then
    grep -nE 'ERROR: |runtime error:' "$art/fuzz.log" | head >&2
    echo "FAIL: $h: sanitizer report in $art/fuzz.log" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "fuzz: all harnesses clean"
exit "$status"
