#!/usr/bin/env bash
# Long libFuzzer runs with a result table. Usage: scripts/fuzz.sh [RUNS] [TARGET...]
#   RUNS    executions per target (default 1000000)
#   TARGET  fuzzer names (default: every target with seeds in tests/fuzz/<module>/corpus/<target>/)
# Builds the `fuzz` preset into build-fuzz/, then runs each target on a scratch copy of its seeds in
# build-fuzz/fuzz-runs/<target>/ (the committed corpora are never written). Exits non-zero on any finding
# (crash, leak, timeout, OOM, sanitizer report); the reproducer stays in build-fuzz/fuzz-runs/<target>/.
# Environment: FUZZ_MAX_LEN (default 4096), FUZZ_TIMEOUT per input in s (default 25), FUZZ_SKIP_BUILD=1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

runs=1000000
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]+$ ]]; then
  runs="$1"
  shift
fi
max_len="${FUZZ_MAX_LEN:-4096}"
timeout_s="${FUZZ_TIMEOUT:-25}"

# Every target is named by its seed folder; the binary lands in the same module folder of build-fuzz.
declare -A module_of=()
all=()
for dir in tests/fuzz/*/corpus/*/; do
  [ -d "$dir" ] || continue
  name="$(basename "$dir")"
  module_of[$name]="$(basename "$(dirname "$(dirname "$dir")")")"
  all+=("$name")
done
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all[@]}")
for t in "${targets[@]}"; do
  if [ -z "${module_of[$t]:-}" ]; then
    echo "fuzz.sh: unknown target '$t' (known: ${all[*]})" >&2
    exit 2
  fi
done

if [ "${FUZZ_SKIP_BUILD:-0}" != 1 ]; then
  scripts/bootstrap.sh fuzz
  # The machine and its build trees are shared: configure and build under the common lock.
  flock /tmp/azb-build.lock sh -c 'cmake --preset fuzz >/dev/null && cmake --build --preset fuzz'
fi

out="$root/build-fuzz/fuzz-runs"
mkdir -p "$out"
# UBSan only reports and goes on by default; halting turns a report into a libFuzzer crash with a reproducer.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

clang_version="$(clang++ --version | head -n1)"
started="$(date -u +%Y-%m-%dT%H:%MZ)"
echo "fuzz.sh: $started, $(nproc) cores, $clang_version, $runs runs per target, -max_len=$max_len" >&2

rows=()
failed=0
for t in "${targets[@]}"; do
  bin="build-fuzz/tests/fuzz/${module_of[$t]}/$t"
  seeds="tests/fuzz/${module_of[$t]}/corpus/$t"
  work="$out/$t"
  if [ ! -x "$bin" ]; then
    echo "fuzz.sh: $bin was not built" >&2
    rows+=("$t|-|-|-|-|not built")
    failed=1
    continue
  fi
  # A fresh scratch corpus for each run: libFuzzer adds the inputs it finds to its first corpus folder.
  rm -rf "$work"
  mkdir -p "$work/corpus"
  cp "$seeds"/* "$work/corpus/"
  echo "fuzz.sh: $t: $runs runs, log in $work/log" >&2
  t0=$(date +%s.%N)
  rc=0
  nice -n 10 "$bin" -runs="$runs" -max_len="$max_len" -timeout="$timeout_s" -print_final_stats=1 \
    -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1 || rc=$?
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n1)
  execs="${execs:-?}"
  rate=$(awk -v n="$execs" -v s="$secs" 'BEGIN { if (n ~ /^[0-9]+$/ && s > 0) printf "%.0f", n / s; else print "?" }')
  corpus=$(find "$work/corpus" -type f | wc -l)
  artifacts=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
                   -o -name 'oom-*' \) | sort)
  result=ok
  if [ "$rc" -ne 0 ] || [ -n "$artifacts" ] || grep -qE 'runtime error:|ERROR: (Address|Leak|Undefined)Sanitizer' "$work/log"; then
    result="FINDING (exit $rc)"
    [ -n "$artifacts" ] && result="$result: $(echo "$artifacts" | sed "s|^$root/||" | paste -sd' ')"
    failed=1
    echo "fuzz.sh: $t: finding, see $work/log" >&2
    grep -E 'ERROR|runtime error|property failed|deadly signal' "$work/log" | head -n5 >&2 || true
  elif [ "$execs" != "$runs" ]; then
    result="incomplete ($execs of $runs runs)"
    failed=1
  fi
  rows+=("$t|$execs|$secs|$rate|$corpus|$result")
done

printf '\n%s, %s cores, %s, -runs=%s -max_len=%s\n\n' "$started" "$(nproc)" "$clang_version" "$runs" "$max_len"
printf '| %-24s | %10s | %7s | %7s | %6s | %s |\n' target executions seconds exec/s corpus result
printf '|%s|%s:|%s:|%s:|%s:|%s|\n' "$(printf -- '-%.0s' {1..26})" "$(printf -- '-%.0s' {1..11})" \
  "$(printf -- '-%.0s' {1..8})" "$(printf -- '-%.0s' {1..8})" "$(printf -- '-%.0s' {1..7})" "--------"
for row in "${rows[@]}"; do
  IFS='|' read -r t execs secs rate corpus result <<<"$row"
  printf '| %-24s | %10s | %7s | %7s | %6s | %s |\n' "$t" "$execs" "$secs" "$rate" "$corpus" "$result"
done
exit "$failed"
