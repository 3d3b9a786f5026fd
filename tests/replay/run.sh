#!/usr/bin/env bash
# Replay every vector in pcap/ through the stack and compare what it sent with the expected
# capture (vecdiff.py: bytes and timestamps) and with the assertions (check_assert.py).
#
#   tests/replay/run.sh [NAME...]          all vectors, or only these
#
#   TAPSTACK=path     the stack binary (default ./tapstack)
#   REPLAY_OUT=dir    where failing vectors leave their output (default build/replay)
#
# Each vector runs as
#   $TAPSTACK --replay pcap/NAME.in.pcap --write OUT --ip 10.0.0.2/24 --gw 10.0.0.1 [--seed N]
# (--seed only when pcap/NAME.assert has a `seed N` line; replay mode's default seed is 1),
# then tests/replay/verify.py judges all outputs in one process (scapy loads once).
# Prints PASS/FAIL per vector, a check of the tools themselves, a determinism check, then
# exactly one line "replay: N passed, N failed"; exits 1 if anything failed.
set -u
cd "$(dirname "$0")/../.."

TAPSTACK=${TAPSTACK:-./tapstack}
REPLAY_OUT=${REPLAY_OUT:-build/replay}
PY=/usr/bin/python3
HERE=tests/replay
STACK_ARGS=(--ip 10.0.0.2/24 --gw 10.0.0.1)
passed=0
failed=0
TMP=$(mktemp -d /tmp/tapstack-replay.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

pass() { passed=$((passed + 1)); echo "PASS replay $1"; }
fail() { failed=$((failed + 1)); echo "FAIL replay $1"; }

# The --seed of a vector, from its .assert file (empty: replay's default).
seed_of() { sed -n 's/^seed[[:space:]]\{1,\}\([0-9][0-9]*\).*/\1/p' "$1" | head -n 1; }

# Run the stack on one input; $1 = input, $2 = output capture, $3 = seed, rest = more options.
replay() {
    local in=$1 out=$2 seed=$3
    shift 3
    timeout 60 "$TAPSTACK" --replay "$in" --write "$out" "${STACK_ARGS[@]}" \
        ${seed:+--seed "$seed"} "$@"
}

if ! "$TAPSTACK" --help 2>/dev/null | grep -q -- '--replay'; then
    echo "replay: '$TAPSTACK --help' does not mention --replay (make; or set TAPSTACK=)"
fi

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
    for f in pcap/*.in.pcap; do
        [ -e "$f" ] && names+=("$(basename "$f" .in.pcap)")
    done
fi
[ ${#names[@]} -eq 0 ] && echo "replay: no vectors in pcap/ (make vectors FORCE=1 writes them)"

# 1. Every vector through the stack.
for name in "${names[@]}"; do
    if ! [ -f "pcap/$name.in.pcap" ] || ! [ -f "pcap/$name.expected.pcap" ] ||
        ! [ -f "pcap/$name.assert" ]; then
        echo 1 >"$TMP/$name.rc"
        echo "pcap/$name.{in.pcap,expected.pcap,assert}: missing" >"$TMP/$name.log"
        continue
    fi
    replay "pcap/$name.in.pcap" "$TMP/$name.out.pcap" "$(seed_of "pcap/$name.assert")" \
        >"$TMP/$name.log" 2>&1
    echo $? >"$TMP/$name.rc"
done

# 2. The verdicts: vecdiff against NAME.expected.pcap and check_assert against NAME.assert.
if [ ${#names[@]} -gt 0 ]; then
    $PY $HERE/verify.py "$TMP" "${names[@]}" >"$TMP/verdicts" 2>&1
    cat "$TMP/verdicts"
    passed=$((passed + $(grep -c '^PASS replay ' "$TMP/verdicts")))
    failed=$((failed + $(grep -c '^FAIL replay ' "$TMP/verdicts")))
    if [ $((passed + failed)) -ne ${#names[@]} ]; then
        echo "replay: verify.py judged $((passed + failed)) of ${#names[@]} vectors"
        failed=$((failed + ${#names[@]} - passed - failed))
    fi
fi

# Keep what a failing vector sent, with a traced run and a capture of both directions.
while read -r name; do
    [ -n "$name" ] || continue
    mkdir -p "$REPLAY_OUT"
    [ -f "$TMP/$name.out.pcap" ] && cp "$TMP/$name.out.pcap" "$REPLAY_OUT/$name.out.pcap"
    seed=$(seed_of "pcap/$name.assert" 2>/dev/null)
    replay "pcap/$name.in.pcap" "$REPLAY_OUT/$name.rerun.pcap" "$seed" --trace \
        --pcap "$REPLAY_OUT/$name.both.pcap" >"$REPLAY_OUT/$name.trace" 2>&1
    kept=""
    for k in out.pcap trace both.pcap; do
        [ -s "$REPLAY_OUT/$name.$k" ] && kept="$kept $REPLAY_OUT/$name.$k"
    done
    echo "kept for $name:${kept:- nothing (the stack wrote no output)}"
    echo "  again: $TAPSTACK --replay pcap/$name.in.pcap --write x.pcap" \
        "${STACK_ARGS[*]}${seed:+ --seed $seed} --trace"
done < <(cat "$TMP/failed" 2>/dev/null)

# 3. The tools: vecdiff and check_assert must notice a changed byte, a moved timestamp, a
# missing or extra frame (otherwise every PASS above would mean nothing).
if $PY $HERE/selftest.py >"$TMP/selftest" 2>&1; then
    pass "tools (vecdiff and check_assert catch every planted difference)"
else
    fail "tools"
    sed 's/^/  /' "$TMP/selftest"
fi

# 4. Determinism: the same input twice gives byte-identical output (the whole file).
det=icmp-rate-limit
if [ -f pcap/$det.in.pcap ]; then
    replay pcap/$det.in.pcap "$TMP/det1.pcap" "" >/dev/null 2>&1
    replay pcap/$det.in.pcap "$TMP/det2.pcap" "" >/dev/null 2>&1
    if [ -s "$TMP/det1.pcap" ] && cmp -s "$TMP/det1.pcap" "$TMP/det2.pcap"; then
        pass "determinism ($det twice: byte-identical output)"
    else
        fail "determinism ($det twice)"
        cmp "$TMP/det1.pcap" "$TMP/det2.pcap" 2>&1 | sed 's/^/  /'
    fi
fi

echo "replay: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
