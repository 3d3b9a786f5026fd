#!/usr/bin/env bash
# bench/bench.sh TAPSTACK REFLECTOR: `make bench`. Compares tapstack with the floor (the
# do-nothing reflector on the same tap) and with the Linux kernel (the peer namespace, through
# the same bridge), in a lab of its own (netns tsb<PID>lab/tsb<PID>peer, removed on exit).
#
# Sections are functions named bench_<what> listed in SECTIONS; each measures its subjects and
# calls `result SECTION SUBJECT MEDIAN P99 LOSS` (times in microseconds). The report prints one
# table per section with the ratios tapstack/reflector and tapstack/kernel. Adding UDP echo or
# TCP bulk = one more function (and, for other units, a report of its own).
#
# Environment: BENCH_PINGS (1000), BENCH_INTERVAL (0.002 s), BENCH_PIN=1 (pin the server to the
# last CPU and the client to CPU 0), BENCH_SECTIONS (default: all, e.g. "ping").
# shellcheck disable=SC2317 # teardown and bench_* are called through trap and by name
set -u
set -o pipefail

PROG=bench.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
LAB_SH=$REPO/scripts/lab.sh

if [ $# -ne 2 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
    echo "usage: $PROG TAPSTACK_BINARY REFLECTOR_BINARY   (as root; e.g. make bench)" >&2
    exit 2
fi
abspath() {
    realpath -m -- "$1"
}
TAPSTACK=$(abspath "$1")
REFLECTOR=$(abspath "$2")
[ "$(id -u)" -eq 0 ] || { echo "$PROG: must run as root (ip netns needs CAP_SYS_ADMIN)" >&2; exit 1; }

PINGS=${BENCH_PINGS:-1000}
INTERVAL=${BENCH_INTERVAL:-0.002}
read -r -a SECTIONS <<<"${BENCH_SECTIONS:-ping}"

export TS_NS="tsb$$lab" TS_PEER_NS="tsb$$peer"
export TS_BR=br0 TS_TAP=tap0 TS_BR_IP=10.0.0.1/24 TS_PEER_IP=10.0.0.3/24 TS_PEER=1 TS_TAP_USER=
STACK_IP=10.0.0.2
STACK_MAC=02:74:73:00:00:02
PEER_IP=10.0.0.3
TMP=$(mktemp -d /tmp/tapstack-bench.XXXXXX)
SERVER_PID=
LAB_IS_UP=0

CPU_LAST=$(($(nproc) - 1))
SERVER_PIN=()
CLIENT_PIN=()
if [ "${BENCH_PIN:-0}" = 1 ] && [ "$CPU_LAST" -gt 0 ]; then
    SERVER_PIN=(taskset -c "$CPU_LAST")
    CLIENT_PIN=(taskset -c 0)
fi

teardown() {
    trap - EXIT INT TERM HUP
    server_stop
    if [ "$LAB_IS_UP" = 1 ]; then
        timeout 30 "$LAB_SH" down >/dev/null 2>&1 || echo "$PROG: warning: lab.sh down failed" >&2
    fi
    rm -rf "$TMP"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# ---- servers (tapstack or the reflector) on tap0, one at a time: a tap has one reader ----

# server_start READY_LINE CMD...: start CMD in the lab, wait (10 s max) for READY_LINE.
server_start() {
    local ready=$1 i
    shift
    ip netns exec "$TS_NS" "${SERVER_PIN[@]}" "$@" >"$TMP/server.out" 2>&1 &
    SERVER_PID=$!
    for ((i = 0; i < 200; i++)); do
        grep -qsF "$ready" "$TMP/server.out" && return 0
        [ -e "/proc/$SERVER_PID" ] || break
        sleep 0.05
    done
    echo "$PROG: '$*' did not print '$ready' within 10 s:" >&2
    tail -n 5 "$TMP/server.out" >&2
    server_stop
    return 1
}

server_stop() {
    local i
    [ -n "$SERVER_PID" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        [ -e "/proc/$SERVER_PID" ] || break
        grep -q '^State:[[:space:]]*Z' "/proc/$SERVER_PID/status" 2>/dev/null && break
        sleep 0.05
    done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=
}

# ---- measurements ----

declare -A R_MED R_P99 R_LOSS R_NOTE
FAILED=0

# result SECTION SUBJECT MEDIAN_US P99_US LOSS [NOTE]; MEDIAN "-" = not measured (NOTE says why)
result() {
    R_MED[$1.$2]=$3
    R_P99[$1.$2]=$4
    R_LOSS[$1.$2]=$5
    R_NOTE[$1.$2]=${6:-}
}

unavailable() { # SECTION SUBJECT WHY
    result "$1" "$2" - - - "$3"
}

# ping_rtt SECTION SUBJECT NS TARGET: PINGS pings at INTERVAL after a warm-up; median and p99
# of the per-packet time= values (nearest rank), in microseconds.
ping_rtt() {
    local section=$1 subject=$2 ns=$3 target=$4 bound out
    # Warm-up: ARP both ways, caches, scheduler.
    timeout 30 ip netns exec "$ns" ping -c 20 -i 0.01 -W 1 -q "$target" >/dev/null 2>&1
    bound=$(awk -v n="$PINGS" -v i="$INTERVAL" 'BEGIN { printf "%d", n * i * 3 + 30 }')
    out=$TMP/ping.$subject
    timeout "$bound" ip netns exec "$ns" "${CLIENT_PIN[@]}" \
        ping -c "$PINGS" -i "$INTERVAL" -W 1 "$target" >"$out" 2>&1
    grep -o 'time=[0-9.]*' "$out" | cut -d= -f2 | sort -n >"$out.rtt"
    local n
    n=$(wc -l <"$out.rtt")
    if [ "$n" -eq 0 ]; then
        result "$section" "$subject" - - "$PINGS/$PINGS" "no reply at all"
        FAILED=1
        return 1
    fi
    local med p99
    read -r med p99 < <(awk '{ v[NR] = $1 }
        function rank(q,   r) { r = int(q * NR); if (r < q * NR) r++; if (r < 1) r = 1; return v[r] }
        END { printf "%d %d\n", rank(0.50) * 1000 + 0.5, rank(0.99) * 1000 + 0.5 }' "$out.rtt")
    result "$section" "$subject" "$med" "$p99" "$((PINGS - n))/$PINGS"
}

bench_ping() {
    local s=ping
    if [ ! -x "$TAPSTACK" ]; then
        unavailable "$s" tapstack "no binary at $TAPSTACK"
    elif server_start 'tapstack: ready' "$TAPSTACK" --tap "$TS_TAP" --ip "$STACK_IP/24" \
        --gw "${TS_BR_IP%/*}"; then
        ping_rtt "$s" tapstack "$TS_NS" "$STACK_IP"
        server_stop
    else
        unavailable "$s" tapstack "did not start"
        FAILED=1
    fi

    if [ ! -x "$REFLECTOR" ]; then
        unavailable "$s" reflector "no binary at $REFLECTOR"
    elif server_start 'reflector: ready' "$REFLECTOR" "$TS_TAP" "$STACK_IP" "$STACK_MAC"; then
        ping_rtt "$s" reflector "$TS_NS" "$STACK_IP"
        server_stop
    else
        unavailable "$s" reflector "did not start"
        FAILED=1
    fi

    ping_rtt "$s" kernel "$TS_NS" "$PEER_IP"
}

# ---- report ----

ratio() { # A B -> A/B with 2 decimals, or "-"
    if [[ $1 =~ ^[0-9]+$ && $2 =~ ^[1-9][0-9]*$ ]]; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
    else
        echo -
    fi
}

report() {
    local s subj
    echo
    echo "tapstack bench: $(uname -r), $(nproc) CPU(s), $PINGS pings every $INTERVAL s per subject$([ ${#SERVER_PIN[@]} -gt 0 ] && echo ", pinned")"
    for s in "${SECTIONS[@]}"; do
        echo
        printf '%-10s %-30s %10s %10s %10s  %s\n' "$s" subject "median_us" "p99_us" loss note
        for subj in tapstack reflector kernel; do
            [ -n "${R_MED[$s.$subj]+x}" ] || continue
            local where=$STACK_IP
            [ "$subj" = kernel ] && where="$PEER_IP (peer netns)"
            printf '%-10s %-30s %10s %10s %10s  %s\n' "" "$subj $where" "${R_MED[$s.$subj]}" \
                "${R_P99[$s.$subj]}" "${R_LOSS[$s.$subj]}" "${R_NOTE[$s.$subj]}"
        done
        printf '%-10s %-30s %10s %10s\n' "" "tapstack/reflector" \
            "$(ratio "${R_MED[$s.tapstack]:--}" "${R_MED[$s.reflector]:--}")" \
            "$(ratio "${R_P99[$s.tapstack]:--}" "${R_P99[$s.reflector]:--}")"
        printf '%-10s %-30s %10s %10s\n' "" "tapstack/kernel" \
            "$(ratio "${R_MED[$s.tapstack]:--}" "${R_MED[$s.kernel]:--}")" \
            "$(ratio "${R_P99[$s.tapstack]:--}" "${R_P99[$s.kernel]:--}")"
    done
}

timeout 30 "$LAB_SH" sweep tsb || true
LAB_IS_UP=1
timeout 30 "$LAB_SH" up >"$TMP/lab.out" 2>&1 || { cat "$TMP/lab.out" >&2; exit 1; }
for s in "${SECTIONS[@]}"; do
    if ! declare -F "bench_$s" >/dev/null; then
        echo "$PROG: no section '$s'" >&2
        exit 2
    fi
    "bench_$s"
done
report
exit "$FAILED"
