#!/usr/bin/env bash
# tests/e2e/run.sh [NAME...]: run the end-to-end tests (tests/e2e/t_*.sh, or only the NAMEs
# given, e.g. t_ping), each in its own lab, and end with one line: "e2e: N passed, N failed".
# Each PASS/FAIL line of a test counts one; a test that dies without reporting counts one FAIL.
# Every test is bounded (E2E_TEST_TIMEOUT, 300 s). Needs root and the ./tapstack binary (TAPSTACK=
# to use another). Exit status 1 if anything failed.
set -u
set -o pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$E2E_DIR/../.." && pwd)
TIMEOUT=${E2E_TEST_TIMEOUT:-300}
passed=0
failed=0

finish() {
    echo "e2e: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if [ "$(id -u)" -ne 0 ]; then
    echo "FAIL e2e.setup"
    echo "    run.sh: must run as root (network namespaces need CAP_SYS_ADMIN)"
    failed=1
    finish
fi
missing=()
for c in ip timeout ping arping tshark setpriv unshare /usr/bin/python3; do
    command -v "$c" >/dev/null || missing+=("$c")
done
if ! /usr/bin/python3 -c 'import scapy' 2>/dev/null; then missing+=(python3-scapy); fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "FAIL e2e.setup"
    echo "    run.sh: missing: ${missing[*]} (scripts/deps.sh installs them)"
    failed=1
    finish
fi

# Stale labs of killed runs (their PID is gone) go first.
timeout 30 "$REPO/scripts/lab.sh" sweep tst || true

tests=()
if [ $# -gt 0 ]; then
    for t in "$@"; do
        t=${t%.sh}
        t=${t##*/}
        tests+=("$E2E_DIR/$t.sh")
    done
else
    tests=("$E2E_DIR"/t_*.sh)
fi

out=$(mktemp /tmp/tapstack-e2e.run.XXXXXX)
trap 'rm -f "$out"' EXIT
for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    echo "== $name"
    if [ ! -f "$t" ]; then
        echo "FAIL $name.exists"
        failed=$((failed + 1))
        continue
    fi
    # -k: a test that ignores TERM gets KILL; its namespaces are then swept below.
    timeout -k 60 "$TIMEOUT" bash "$t" </dev/null 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        echo "FAIL $name.timeout (did not finish within $TIMEOUT s)"
        f=$((f + 1))
    elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name.exit (status $rc without a FAIL line)"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
done
timeout 30 "$REPO/scripts/lab.sh" sweep tst || true
finish
