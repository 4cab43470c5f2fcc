#!/usr/bin/env bash
# Installs what the tests need, builds, and runs the whole test suite twice:
# a -Werror build with the fault-injection hook, and the same under
# AddressSanitizer + UndefinedBehaviorSanitizer. Then the fuzzers, briefly.
# Run as root for the namespace tests (under CI=true a skip is a failure).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

bash scripts/install-deps.sh --test

echo "== build (warnings as errors, test hooks)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSYSKNOB_WERROR=ON -DSYSKNOB_TEST_HOOKS=ON >/dev/null
cmake --build build -j"$jobs"
echo "== tests"
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
(cd build && ctest --output-on-failure -j"$jobs" -LE vm) | tee -a "$summary"

echo "== build with AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSYSKNOB_WERROR=ON -DSYSKNOB_SANITIZE=ON -DSYSKNOB_TEST_HOOKS=ON >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under the sanitizers"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The package tests build their own optimised tree; once is enough.
(cd build-asan && ctest --output-on-failure -j"$jobs" -E 'package_' -LE vm) | tee -a "$summary"

if [ -x scripts/fuzz.sh ]; then
  echo "== fuzzing (bounded)"
  bash scripts/fuzz.sh
fi

# --- kernel lab stage (tests/vm/README.md) ----------------------------------
# Once, on its own: qemu boots of Debian's kernels with the project's .deb.
# Its image cache (build-vm/) is reused by later runs of the same job.
echo "== kernel lab (qemu, Debian 6.1 and 6.12 kernels)"
bash scripts/install-deps.sh --vm
(cd build && ctest --output-on-failure -L vm) | tee -a "$summary"
# --- end kernel lab stage ---------------------------------------------------

# One closing line for both ctest runs: "N passed, N failed".
total=$(awk '/tests passed, .* tests failed out of/ {t += $NF; f += $4} END {print t - f, "passed,", f+0, "failed"}' "$summary")
echo "$total"
