#!/usr/bin/env bash
# Run every test of tapstack and end with one line "N passed, N failed".
#
#   unit     libcheck suites (each test counts one)
#   san      the unit suites again under ASan+UBSan (one check)
#   valgrind the unit suites under valgrind, no errors, no leaks (one check)
#   clang    the whole tree builds warning-free with clang (one check)
#   replay   every pcap vector through --replay, compared with its expected capture
#   san-replay      the same vectors with the ASan+UBSan build of tapstack (one check)
#   valgrind-replay a few vectors under valgrind: no errors, no leaks (one check each)
#   e2e      the stack in its own lab namespaces against real clients and scapy (root)
#   fuzz     a short bounded libFuzzer smoke run of every target
#   docs     every file, function, option and counter the docs name exists (scripts/docs.py)
#
# Called by `make test` after the build. TESTS="unit e2e" runs a subset.
set -u
cd "$(dirname "$0")/.."

TESTS=${TESTS:-"docs unit san valgrind clang replay san-replay valgrind-replay e2e fuzz"}
FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-15}
passed=0
failed=0
skipped=0
failures=()
LOG=$(mktemp -d /tmp/tapstack-test.XXXXXX)
trap 'rm -rf "$LOG"' EXIT

want() { [[ " $TESTS " == *" $1 "* ]]; }
ok()   { passed=$((passed + $1)); }
bad()  { failed=$((failed + $1)); failures+=("$2"); }
section() { printf '\n=== %s ===\n' "$1"; }

# "N passed, N failed" from the last such line of a sub-runner's output.
add_counts() {  # $1 = name, $2 = output file, $3 = exit code
    local line p f
    line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        bad 1 "$1: no result line (exit $3)"
        return
    fi
    p=$(sed -E 's/.*\b([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/.*\b([0-9]+) failed.*/\1/' <<<"$line")
    ok "$p"
    [ "$f" -gt 0 ] && bad "$f" "$1: $f failed"
    if [ "$f" -eq 0 ] && [ "$3" -ne 0 ]; then
        bad 1 "$1: exit code $3"
    fi
}

# libcheck prints "100%: Checks: N, Failures: F, Errors: E".
add_check_counts() {  # $1 = name, $2 = output file, $3 = exit code
    local line n f e
    line=$(grep -E 'Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$2" | tail -n 1)
    if [ -z "$line" ]; then
        bad 1 "$1: the suite did not finish (exit $3)"
        return
    fi
    n=$(sed -E 's/.*Checks: ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*Failures: ([0-9]+).*/\1/' <<<"$line")
    e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
    ok $((n - f - e))
    [ $((f + e)) -gt 0 ] && bad $((f + e)) "$1: $((f + e)) unit tests failed"
    return 0
}

if want docs; then
    section "docs name only what exists"
    scripts/docs.py check >"$LOG/docs" 2>&1
    rc=$?
    grep -vE '^PASS' "$LOG/docs"
    add_counts docs "$LOG/docs" "$rc"
fi

if want unit; then
    section "unit tests (libcheck)"
    CK_VERBOSITY=normal build/release/unit_tests >"$LOG/unit" 2>&1
    rc=$?
    grep -vE '^\s*$' "$LOG/unit" | tail -n 30
    add_check_counts unit "$LOG/unit" "$rc"
fi

if want san; then
    section "unit tests under ASan+UBSan"
    if make --no-print-directory -s SAN=1 build/san/unit_tests >"$LOG/sanbuild" 2>&1 &&
        ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        CK_VERBOSITY=normal build/san/unit_tests >"$LOG/san" 2>&1 &&
        ! grep -qE 'runtime error|AddressSanitizer|LeakSanitizer' "$LOG/san"; then
        tail -n 1 "$LOG/san"; ok 1
    else
        tail -n 30 "$LOG/sanbuild" "$LOG/san" 2>/dev/null; bad 1 "san: sanitizer run not clean"
    fi
fi

if want valgrind; then
    section "unit tests under valgrind"
    if CK_FORK=no CK_VERBOSITY=normal timeout 600 valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect build/release/unit_tests >"$LOG/vg" 2>&1; then
        tail -n 1 "$LOG/vg"; ok 1
    else
        tail -n 30 "$LOG/vg"; bad 1 "valgrind: errors or leaks"
    fi
fi

if want clang; then
    section "clang build (-Wall -Wextra -Werror)"
    if make --no-print-directory -s CC=clang all >"$LOG/clang" 2>&1; then
        echo "clang build clean"; ok 1
        # `make all` points ./tapstack at the build it made: back to the gcc one, which the
        # rest tests (valgrind 3.19 cannot read clang 14's DWARF 5 forms).
        ln -sfn build/release/tapstack tapstack
    else
        tail -n 30 "$LOG/clang"; bad 1 "clang: build failed"
    fi
fi

if want replay && [ -x tests/replay/run.sh ]; then
    section "replay vectors"
    TAPSTACK=build/release/tapstack tests/replay/run.sh >"$LOG/replay" 2>&1
    rc=$?
    cat "$LOG/replay"
    add_counts replay "$LOG/replay" "$rc"
fi

if want san-replay && [ -x tests/replay/run.sh ]; then
    section "replay vectors under ASan+UBSan"
    if make --no-print-directory -s SAN=1 build/san/tapstack >"$LOG/sanbuild2" 2>&1 &&
        ASAN_OPTIONS=detect_leaks=1 TAPSTACK=build/san/tapstack tests/replay/run.sh >"$LOG/sanreplay" 2>&1 &&
        grep -qE 'replay: [0-9]+ passed, 0 failed' "$LOG/sanreplay"; then
        tail -n 1 "$LOG/sanreplay"; ok 1
    else
        tail -n 30 "$LOG/sanbuild2" "$LOG/sanreplay" 2>/dev/null
        bad 1 "san-replay: vectors failed or sanitizer reports under ASan+UBSan"
    fi
fi

if want valgrind-replay; then
    section "replay under valgrind"
    for v in ping-small arp-retry udp-echo icmp-rate-limit; do
        [ -f "pcap/$v.in.pcap" ] || continue
        if timeout 300 valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect build/release/tapstack --replay "pcap/$v.in.pcap" \
            --write "$LOG/vg-$v.pcap" --ip 10.0.0.2/24 --gw 10.0.0.1 >"$LOG/vg-$v" 2>&1 &&
            cmp -s "$LOG/vg-$v.pcap" "pcap/$v.expected.pcap"; then
            echo "valgrind replay $v: clean, output as expected"; ok 1
        else
            tail -n 20 "$LOG/vg-$v"; bad 1 "valgrind-replay $v"
        fi
    done
fi

if want e2e; then
    section "end to end (lab namespaces)"
    if [ "$(id -u)" -ne 0 ]; then
        echo "e2e: skipped: needs root (network namespaces); run 'sudo make test'"
        skipped=$((skipped + 1))
    else
        tests/e2e/run.sh 2>&1 | tee "$LOG/e2e"
        add_counts e2e "$LOG/e2e" "${PIPESTATUS[0]}"
    fi
fi

if want fuzz && [ -x scripts/fuzz.sh ]; then
    section "fuzz smoke (${FUZZ_SMOKE_SECONDS}s per target)"
    scripts/fuzz.sh "$FUZZ_SMOKE_SECONDS" 2>&1 | tee "$LOG/fuzz" | grep -E '^fuzz'
    add_counts fuzz "$LOG/fuzz" "${PIPESTATUS[0]}"
fi

section "summary"
for f in "${failures[@]+"${failures[@]}"}"; do
    echo "FAILED: $f"
done
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
