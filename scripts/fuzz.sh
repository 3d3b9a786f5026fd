#!/usr/bin/env bash
# fuzz.sh [SECONDS] - build the libFuzzer targets (make fuzz-build, into build/fuzz/), replay
# every input kept under tests/fuzz/regressions/<target>/, then fuzz each target for SECONDS
# (default 60) on a COPY of its seed corpus tests/fuzz/corpus/<target>/ (the committed corpus
# never grows here).
#
# Prints one line per target     fuzz <target>: N execs in S s, 0 crashes
# and ends with                  fuzz: N passed, N failed
# (one check per target plus one for the regression replay), exit status 0 only if all passed.
# A crash, leak, timeout or out-of-memory input is copied to tests/fuzz/crashes/<target>-<hash>,
# with the command that replays it.
#
# Environment: FUZZ_TARGETS="fuzz_frames" runs a subset; FUZZ_KEEP=1 keeps the work directory
# (logs and the grown corpus); FUZZ_ARGS adds libFuzzer options (e.g. "-jobs=2 -workers=2").
set -u
cd "$(dirname "$0")/.."

SECS=${1:-60}
# The targets: FUZZ_TARGETS from the environment, else the Makefile's list (one place to add one).
TARGETS=${FUZZ_TARGETS:-$(sed -n 's/^FUZZ_TARGETS *[:+]= *//p' Makefile | tr '\n' ' ')}
TARGETS=${TARGETS:-"fuzz_frames fuzz_parsers fuzz_http fuzz_http_path"}
EXTRA=${FUZZ_ARGS:-}
CRASHES=tests/fuzz/crashes
passed=0
failed=0

if ! [[ "$SECS" =~ ^[0-9]+$ ]] || [ "$SECS" -lt 1 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS]   (a whole number >= 1, default 60)" >&2
    exit 2
fi
ntargets=$(wc -w <<<"$TARGETS")

WORK=$(mktemp -d /tmp/tapstack-fuzz.XXXXXX)
if [ "${FUZZ_KEEP:-0}" = 1 ]; then
    echo "fuzz: work directory kept: $WORK"
else
    trap 'rm -rf "$WORK"' EXIT
fi

# Sanitizers report and stop; libFuzzer turns that into a crash artifact.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

if ! make --no-print-directory -s fuzz-build >"$WORK/build.log" 2>&1; then
    tail -n 30 "$WORK/build.log"
    if grep -q 'libclang_rt\.\(fuzzer\|asan\|ubsan\)' "$WORK/build.log"; then
        echo "fuzz: clang's sanitizer/libFuzzer runtime is missing: apt-get install libclang-rt-dev"
    fi
    echo "fuzz: build failed (make fuzz-build; needs clang with libFuzzer)"
    echo "fuzz: 0 passed, $((ntargets + 1)) failed"
    exit 1
fi

# The lines a reader needs from a sanitizer or invariant report, prefixed so that the test
# runner (which keeps only lines starting with "fuzz") shows them.
report() {  # $1 = target, $2 = log
    grep -E 'ERROR: |SUMMARY: |runtime error|invariant broken|in use|deadly signal|ALARM|out-of-memory|^ +#[0-9]+ .* in [a-z_]+ .*(stack|drivers|apps|tests)/' "$2" |
        head -n 12 | sed "s|^|fuzz $1:   |"
}

# Regressions: every input that once crashed, replayed once (libFuzzer runs file arguments).
nreg=0
regfail=0
for t in $TARGETS; do
    files=()
    if [ -d "tests/fuzz/regressions/$t" ]; then
        while IFS= read -r -d '' f; do
            files+=("$f")
        done < <(find "tests/fuzz/regressions/$t" -type f ! -name 'README*' ! -name '.*' -print0 |
                 sort -z)
    fi
    [ "${#files[@]}" -eq 0 ] && continue
    nreg=$((nreg + ${#files[@]}))
    if ! timeout 600 "build/fuzz/$t" -timeout=10 -rss_limit_mb=1024 "${files[@]}" \
        >"$WORK/regress-$t.log" 2>&1; then
        regfail=$((regfail + 1))
        echo "fuzz regressions: $t: an input under tests/fuzz/regressions/$t crashes again"
        report "$t" "$WORK/regress-$t.log"
        grep -E '^Running: ' "$WORK/regress-$t.log" | tail -n 1 | sed "s|^|fuzz $t:   last |"
    fi
done
if [ "$regfail" -eq 0 ]; then
    echo "fuzz regressions: $nreg inputs replayed, 0 crashes"
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi

for t in $TARGETS; do
    bin="build/fuzz/$t"
    dir="$WORK/$t"
    mkdir -p "$dir/corpus"
    if [ -d "tests/fuzz/corpus/$t" ]; then
        cp -R "tests/fuzz/corpus/$t/." "$dir/corpus/"
    fi
    dict=()
    [ -f "tests/fuzz/$t.dict" ] && dict=("-dict=tests/fuzz/$t.dict")
    start=$(date +%s%N)
    # shellcheck disable=SC2086  # FUZZ_ARGS is a list of options
    timeout $((SECS + 300)) "$bin" -max_total_time="$SECS" -rss_limit_mb=1024 -timeout=10 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$dir/" "${dict[@]}" $EXTRA \
        "$dir/corpus" >"$dir/log" 2>&1
    rc=$?
    secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$dir/log" | tail -n 1)
    [ -z "$execs" ] && execs=$(grep -oE '^#[0-9]+' "$dir/log" | tail -n 1 | tr -d '#')
    [ -z "$execs" ] && execs=0
    artifacts=()
    while IFS= read -r -d '' a; do
        artifacts+=("$a")
    done < <(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o \
             -name 'timeout-*' -o -name 'oom-*' \) -print0)
    if [ "$rc" -eq 0 ] && [ "${#artifacts[@]}" -eq 0 ]; then
        echo "fuzz $t: $execs execs in $secs s, 0 crashes"
        passed=$((passed + 1))
        continue
    fi
    failed=$((failed + 1))
    echo "fuzz $t: $execs execs in $secs s, ${#artifacts[@]} crashes (exit $rc)"
    report "$t" "$dir/log"
    mkdir -p "$CRASHES"
    for a in "${artifacts[@]}"; do
        kind=$(basename "$a" | cut -d- -f1)
        hash=$(sha1sum "$a" | cut -c1-16)
        cp "$a" "$CRASHES/$t-$hash"
        echo "fuzz $t:   $kind input saved as $CRASHES/$t-$hash"
        echo "fuzz $t:   replay: $bin $CRASHES/$t-$hash"
        [ "$t" = fuzz_frames ] &&
            echo "fuzz $t:   with the trace: FUZZ_TRACE=1 $bin $CRASHES/$t-$hash"
        [ "$t" = fuzz_http ] &&
            echo "fuzz $t:   what it parses to: FUZZ_VERBOSE=1 $bin $CRASHES/$t-$hash"
        echo "fuzz $t:   once fixed: git mv it to tests/fuzz/regressions/$t/"
    done
    if [ "${#artifacts[@]}" -eq 0 ]; then
        tail -n 20 "$dir/log" | sed "s|^|fuzz $t:   |"
    fi
done

echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
