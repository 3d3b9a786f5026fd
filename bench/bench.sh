#!/usr/bin/env bash
# bench/bench.sh TAPSTACK REFLECTOR: `make bench`. Compares tapstack with the floor (the
# do-nothing reflector on the same tap) and with the Linux kernel (the peer namespace, through
# the same bridge), in a lab of its own (netns tsb<PID>lab/tsb<PID>peer, removed on exit).
# bench/README.md explains every figure and how to read the ratios.
#
# Sections are functions bench_<name>, run in the order of BENCH_SECTIONS:
#   ping  ICMP echo RTT median/p99              tapstack, reflector, kernel
#   udp   UDP echo round trips/s (udp_rr)       tapstack, reflector, kernel (echo-host)
#   bulk  TCP MB/s to discard / from chargen,   tapstack, kernel (echo-host)
#         and both again with 1% drop
#   conn  TCP connect/echo/close per second     tapstack, kernel (echo-host)
#   http  wrk requests/s                        tapstack, kernel (http-host)
#   cost  instructions per frame (callgrind on --replay): deterministic
#   mem   VmHWM and pool counters: idle, 1000 connections, SYN flood (+ ping loss)
# Each section registers figures (`fig`) and values (`val`); a value that cannot be measured
# is "-" with a note "unavailable: why" and the run goes on. Each section prints its own table
# as soon as it is done; a summary table of every figure ends the run.
#
# Other binaries are taken next to TAPSTACK (BENCH_BIN_DIR): udp_rr, echo-host, http-host.
# bench/tcpconn.c (the TCP connection client) is compiled into the run's temporary directory.
#
# Environment (defaults): BENCH_SECTIONS ("ping udp bulk conn http cost mem"),
#   BENCH_PINGS (1000), BENCH_INTERVAL (0.002 s), BENCH_UDP_SECONDS (10), BENCH_BULK_MB (50),
#   BENCH_BULK_RUNS (3, best kept), BENCH_LOSS_SECONDS (10), BENCH_CONNS (2000), BENCH_CONN_SECONDS (10),
#   BENCH_WRK_SECONDS (10), BENCH_HOLD (1000), BENCH_FLOOD_COUNT (50000),
#   BENCH_FLOOD_SECONDS (5), BENCH_COST_VECTORS (ping-small + up to 2 others),
#   BENCH_PIN=1 (servers on the last CPU, clients on CPU 0), BENCH_BIN_DIR.
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

BIN_DIR=${BENCH_BIN_DIR:-$(dirname "$TAPSTACK")}
UDP_RR=$BIN_DIR/udp_rr
ECHO_HOST=$BIN_DIR/echo-host
HTTP_HOST=$BIN_DIR/http-host

PINGS=${BENCH_PINGS:-1000}
INTERVAL=${BENCH_INTERVAL:-0.002}
UDP_SECONDS=${BENCH_UDP_SECONDS:-10}
BULK_MB=${BENCH_BULK_MB:-50}
BULK_RUNS=${BENCH_BULK_RUNS:-3}
LOSS_SECONDS=${BENCH_LOSS_SECONDS:-10}
CONNS=${BENCH_CONNS:-2000}
CONN_SECONDS=${BENCH_CONN_SECONDS:-10}
WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
HOLD=${BENCH_HOLD:-1000}
FLOOD_COUNT=${BENCH_FLOOD_COUNT:-50000}
FLOOD_SECONDS=${BENCH_FLOOD_SECONDS:-5}
read -r -a SECTIONS <<<"${BENCH_SECTIONS:-ping udp bulk conn http cost mem}"

export TS_NS="tsb$$lab" TS_PEER_NS="tsb$$peer"
export TS_BR=br0 TS_TAP=tap0 TS_BR_IP=10.0.0.1/24 TS_PEER_IP=10.0.0.3/24 TS_PEER=1 TS_TAP_USER=
STACK_IP=10.0.0.2
STACK_MAC=02:74:73:00:00:02
PEER_IP=10.0.0.3
GW_IP=${TS_BR_IP%/*}
TMP=$(mktemp -d /tmp/tapstack-bench.XXXXXX)
LAB_IS_UP=0
T_START=$(date +%s)

CPU_LAST=$(($(nproc) - 1))
SERVER_PIN=()
CLIENT_PIN=()
if [ "${BENCH_PIN:-0}" = 1 ] && [ "$CPU_LAST" -gt 0 ]; then
    SERVER_PIN=(taskset -c "$CPU_LAST")
    CLIENT_PIN=(taskset -c 0)
fi

STACK_HELP=
[ -x "$TAPSTACK" ] && STACK_HELP=$("$TAPSTACK" --help 2>&1)
stack_has() { # OPTION: does ./tapstack --help mention it?
    grep -q -- "$1" <<<"$STACK_HELP"
}

# ---- background processes, by name; each is ended by its own PID ----

declare -A PIDS=()

# bg_start NAME READY_LINE NS CMD...: start CMD in netns NS, wait (10 s max) for READY_LINE in
# its output ($TMP/NAME.out). `ip netns exec` and taskset exec, so the PID is CMD's own.
bg_start() {
    local name=$1 ready=$2 ns=$3 i pid
    shift 3
    bg_stop "$name"
    # Empty the output first: the child's own truncation may come after the first grep below,
    # which would then find the previous run's ready line.
    : >"$TMP/$name.out"
    ip netns exec "$ns" "${SERVER_PIN[@]}" "$@" >>"$TMP/$name.out" 2>&1 &
    pid=$!
    PIDS[$name]=$pid
    for ((i = 0; i < 200; i++)); do
        grep -qsF "$ready" "$TMP/$name.out" && return 0
        [ -e "/proc/$pid" ] || break
        sleep 0.05
    done
    echo "$PROG: '$*' did not print '$ready' within 10 s:" >&2
    tail -n 5 "$TMP/$name.out" >&2
    bg_stop "$name"
    return 1
}

bg_stop() {
    local name=$1 pid i
    pid=${PIDS[$name]:-}
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        [ -e "/proc/$pid" ] || break
        grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null && break
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    unset "PIDS[$name]"
}

bg_alive() { # NAME
    local pid=${PIDS[$1]:-}
    [ -n "$pid" ] && [ -e "/proc/$pid" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null
}

# Clients (and other bounded loads) run in the background and are waited for: a signal to the
# script then acts at once (bash runs traps only between foreground commands), and teardown
# ends, by PID, those still running. A PID leaves CPIDS once reaped, so none is ever reused.
declare -A CPIDS=()
run_client() { # CMD...: run it, wait, return its status
    local pid rc
    "$@" &
    pid=$!
    CPIDS[$pid]=1
    wait "$pid"
    rc=$?
    unset "CPIDS[$pid]"
    return "$rc"
}
bg_client() { # CMD...: start it in the background; CLIENT_PID is its PID (then wait_client)
    "$@" &
    CLIENT_PID=$!
    CPIDS[$CLIENT_PID]=1
}
wait_client() { # PID
    wait "$1" 2>/dev/null
    unset "CPIDS[$1]"
}
CLIENT_PID=

# The tap has one reader: tapstack or the reflector, one at a time, under the name "tap".
stack_start() { # EXTRA_TAPSTACK_OPTIONS...
    [ -x "$TAPSTACK" ] || return 1
    bg_stop tap
    bg_start tap 'tapstack: ready' "$TS_NS" "$TAPSTACK" --tap "$TS_TAP" --ip "$STACK_IP/24" \
        --gw "$GW_IP" "$@"
}
reflector_start() {
    [ -x "$REFLECTOR" ] || return 1
    bg_stop tap
    bg_start tap 'reflector: ready' "$TS_NS" "$REFLECTOR" "$TS_TAP" "$STACK_IP" "$STACK_MAC"
}
# The kernel's servers in the peer namespace; they stay up until the end of the run.
echo_host_start() {
    bg_alive echohost && return 0
    [ -x "$ECHO_HOST" ] || return 1
    bg_start echohost 'echo-host: ready' "$TS_PEER_NS" "$ECHO_HOST"
}
http_host_start() {
    bg_alive httphost && return 0
    [ -x "$HTTP_HOST" ] || return 1
    bg_start httphost 'http-host: ready' "$TS_PEER_NS" "$HTTP_HOST" --port 80
}

# stack_stats: ask the running tapstack for its counters (SIGUSR1) and keep the newest dump
# in $TMP/stats; 1 if none came within 3 s. ctr KEY prints one counter from it ("-" if absent).
sigcaught() { # PID SIGNO: does the process catch the signal (SigCgt in /proc/PID/status)?
    local mask
    mask=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$1/status" 2>/dev/null)
    [ -n "$mask" ] && (((16#$mask >> ($2 - 1)) & 1))
}
stack_stats() {
    local pid=${PIDS[tap]:-} before i
    : >"$TMP/stats"
    [ -n "$pid" ] || return 1
    # Never send SIGUSR1 before the stack catches it (its default action kills).
    sigcaught "$pid" 10 || return 1
    before=$(grep -c -- '--- end stats ---' "$TMP/tap.out")
    kill -USR1 "$pid" 2>/dev/null || return 1
    for ((i = 0; i < 60; i++)); do
        if [ "$(grep -c -- '--- end stats ---' "$TMP/tap.out")" -gt "$before" ]; then
            awk '/^--- stats ---$/ { n = 0; delete l; grab = 1; next }
                 /^--- end stats ---$/ { grab = 0; for (i = 1; i <= n; i++) out[i] = l[i]; m = n; next }
                 grab { l[++n] = $0 }
                 END { for (i = 1; i <= m; i++) print out[i] }' "$TMP/tap.out" >"$TMP/stats"
            return 0
        fi
        sleep 0.05
    done
    return 1
}
ctr() {
    awk -v k="$1" '$1 == k { print $2; found = 1; exit } END { if (!found) print "-" }' "$TMP/stats"
}
# stat_delta KEY BEFORE_FILE: counter now minus counter in an earlier copy of $TMP/stats.
stat_delta() {
    local now old
    now=$(ctr "$1")
    old=$(awk -v k="$1" '$1 == k { print $2; exit }' "$2")
    [[ $now =~ ^[0-9]+$ ]] || { echo -; return; }
    echo $((now - ${old:-0}))
}

vm_kb() { # PID FIELD (VmHWM, VmRSS)
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || echo -
}

# The client tool for connections (bench/tcpconn.c), compiled once per run.
TCPCONN=
tcpconn_build() {
    [ -n "$TCPCONN" ] && return 0
    local cc
    cc=$(command -v cc || command -v gcc || command -v clang) || { TCPCONN_WHY="no C compiler"; return 1; }
    if ! "$cc" -std=gnu11 -O2 -Wall -Wextra -o "$TMP/tcpconn" "$HERE/tcpconn.c" >"$TMP/tcpconn.cc" 2>&1; then
        TCPCONN_WHY="bench/tcpconn.c does not compile: $(head -n 1 "$TMP/tcpconn.cc")"
        return 1
    fi
    TCPCONN=$TMP/tcpconn
}
TCPCONN_WHY=

# ---- figures ----
# fig ID LABEL UNIT BETTER   registers a figure (ID = section.name; BETTER = higher|lower|-)
# val ID SUBJECT VALUE [NOTE] sets one value (SUBJECT = tapstack | reflector | kernel)
# note SECTION TEXT           a line printed under the section's table

declare -a FIGS=()
declare -A F_LABEL=() F_UNIT=() F_BETTER=() V=() VN=() SNOTES=()
SUBJECTS=(tapstack reflector kernel)
FAILED=0

fig() { # registering an ID again keeps its place and updates the rest
    [ -n "${F_LABEL[$1]+x}" ] || FIGS+=("$1")
    F_LABEL[$1]=$2
    F_UNIT[$1]=$3
    F_BETTER[$1]=$4
}
val() {
    V[$1.$2]=$3
    [ -z "${4:-}" ] || VN[$1.$2]=$4
}
unavail() { # ID SUBJECT WHY
    val "$1" "$2" - "unavailable: $3"
}
note() {
    SNOTES[$1]+="$2"$'\n'
}
say() { # progress, as the run goes
    printf '  [%3ss] %s\n' "$(($(date +%s) - T_START))" "$*"
}

isnum() { [[ $1 =~ ^[0-9]+([.][0-9]+)?$ ]]; }
ratio() { # A B -> A/B with 2 decimals, or "-"
    if isnum "$1" && isnum "$2" && awk -v b="$2" 'BEGIN { exit !(b > 0) }'; then
        awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
    else
        echo -
    fi
}
f1() { awk -v x="$1" 'BEGIN { printf "%.1f", x }'; }   # one decimal
f0() { awk -v x="$1" 'BEGIN { printf "%.0f", x }'; }   # integer

ROWFMT=
row_format() { # SECTION|"" : the label column as wide as the longest label (+ the prefix)
    local id w=20 extra=0
    [ -z "$1" ] && extra=6
    for id in "${FIGS[@]}"; do
        [ -n "$1" ] && [ "${id%%.*}" != "$1" ] && continue
        [ $((${#F_LABEL[$id]} + extra)) -gt "$w" ] && w=$((${#F_LABEL[$id]} + extra))
    done
    ROWFMT="%-${w}s %-11s %10s %10s %10s %7s %7s  %s\n"
}
row_header() { # FIRST_COLUMN_TITLE
    # shellcheck disable=SC2059
    printf "$ROWFMT" "$1" unit tapstack reflector kernel t/refl t/kern better
}
row() { # ID [PREFIX]
    local id=$1 t r k
    t=${V[$id.tapstack]:-}
    r=${V[$id.reflector]:-}
    k=${V[$id.kernel]:-}
    # shellcheck disable=SC2059
    printf "$ROWFMT" "${2:-}${F_LABEL[$id]}" "${F_UNIT[$id]}" "${t:- }" "${r:- }" "${k:- }" \
        "$(ratio "${t:--}" "${r:--}")" "$(ratio "${t:--}" "${k:--}")" "${F_BETTER[$id]}"
}

section_report() { # SECTION TITLE
    local s=$1 id subj
    echo
    echo "== $s: $2"
    row_format "$s"
    row_header figure
    for id in "${FIGS[@]}"; do
        [ "${id%%.*}" = "$s" ] || continue
        row "$id"
    done
    for id in "${FIGS[@]}"; do
        [ "${id%%.*}" = "$s" ] || continue
        for subj in "${SUBJECTS[@]}"; do
            [ -n "${VN[$id.$subj]:-}" ] && echo "   ${F_LABEL[$id]} / $subj: ${VN[$id.$subj]}"
        done
    done
    [ -n "${SNOTES[$s]:-}" ] && printf '%s' "${SNOTES[$s]}" | sed 's/^/   /'
    return 0
}

summary() {
    local id
    echo
    echo "== summary: tapstack $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?')," \
        "$(uname -r), $(nproc) CPU(s)$([ ${#SERVER_PIN[@]} -gt 0 ] && echo ", pinned")," \
        "$(($(date +%s) - T_START)) s"
    echo "   t/refl, t/kern = tapstack's figure divided by the reflector's (the floor) or the kernel's;"
    echo "   'better' says which way is good: for 'higher' a ratio below 1 is how far tapstack is behind,"
    echo "   for 'lower' a ratio above 1 is. '-' = not measured (see the section's notes above)."
    row_format ""
    row_header "section / figure"
    for id in "${FIGS[@]}"; do
        row "$id" "$(printf '%-5s ' "${id%%.*}")"
    done
}

# ---- 1. ping: ICMP echo round-trip time ----

# ping_rtt SUBJECT NS TARGET: PINGS pings at INTERVAL after a warm-up; median and p99 of the
# per-packet time= values (nearest rank), in microseconds.
ping_rtt() {
    local subject=$1 ns=$2 target=$3 bound out n med p99
    timeout 30 ip netns exec "$ns" ping -c 20 -i 0.01 -W 1 -q "$target" >/dev/null 2>&1
    bound=$(awk -v n="$PINGS" -v i="$INTERVAL" 'BEGIN { printf "%d", n * i * 3 + 30 }')
    out=$TMP/ping.$subject
    run_client timeout "$bound" ip netns exec "$ns" "${CLIENT_PIN[@]}" \
        ping -c "$PINGS" -i "$INTERVAL" -W 1 "$target" >"$out" 2>&1
    grep -o 'time=[0-9.]*' "$out" | cut -d= -f2 | sort -n >"$out.rtt"
    n=$(wc -l <"$out.rtt")
    if [ "$n" -eq 0 ]; then
        val ping.med "$subject" - "no reply at all to $PINGS pings"
        val ping.p99 "$subject" -
        FAILED=1
        return 1
    fi
    read -r med p99 < <(awk '{ v[NR] = $1 }
        function rank(q,   r) { r = int(q * NR); if (r < q * NR) r++; if (r < 1) r = 1; return v[r] }
        END { printf "%d %d\n", rank(0.50) * 1000 + 0.5, rank(0.99) * 1000 + 0.5 }' "$out.rtt")
    val ping.med "$subject" "$med" "lost $((PINGS - n))/$PINGS"
    val ping.p99 "$subject" "$p99"
    say "ping $subject $target: median $med us, p99 $p99 us, lost $((PINGS - n))"
}

bench_ping() {
    fig ping.med "ICMP echo RTT, median" us lower
    fig ping.p99 "ICMP echo RTT, p99" us lower
    note ping "$PINGS pings every $INTERVAL s after 20 warm-up pings; time= of each reply, nearest rank."
    if [ ! -x "$TAPSTACK" ]; then
        unavail ping.med tapstack "no binary at $TAPSTACK"
    elif stack_start; then
        ping_rtt tapstack "$TS_NS" "$STACK_IP"
        bg_stop tap
    else
        unavail ping.med tapstack "did not start"
        FAILED=1
    fi
    if [ ! -x "$REFLECTOR" ]; then
        unavail ping.med reflector "no binary at $REFLECTOR"
    elif reflector_start; then
        ping_rtt reflector "$TS_NS" "$STACK_IP"
        bg_stop tap
    else
        unavail ping.med reflector "did not start"
    fi
    ping_rtt kernel "$TS_NS" "$PEER_IP"
    section_report ping "ICMP echo round-trip time (ping from the lab namespace)"
}

# ---- 2. udp: UDP echo round trips per second ----

# udp_run SUBJECT TARGET: one udp_rr client, one datagram in flight, UDP_SECONDS.
udp_run() {
    local subject=$1 target=$2 out line rate rtt lost
    out=$TMP/udp.$subject
    run_client timeout $((UDP_SECONDS + 15)) ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" \
        "$UDP_RR" -t "$UDP_SECONDS" -n 1000000 "$target" 7 >"$out" 2>&1
    line=$(grep '^udp_rr:' "$out" | grep -v ECONNREFUSED | tail -n 1)
    rate=$(grep -o 'rate=[0-9.]*' <<<"$line" | cut -d= -f2)
    rtt=$(grep -o 'rtt_avg_us=[0-9.]*' <<<"$line" | cut -d= -f2)
    lost=$(grep -o 'lost=[0-9]*' <<<"$line" | cut -d= -f2)
    if [ -z "$rate" ] || [ "$rate" = 0.0 ]; then
        val udp.rr "$subject" - "no round trip: $(tail -n 1 "$out")"
        [ "$subject" = tapstack ] && FAILED=1
        return 1
    fi
    val udp.rr "$subject" "$(f0 "$rate")" "lost $lost (an echo later than 1 s counts lost)"
    val udp.rtt "$subject" "$(f1 "$rtt")"
    say "udp $subject $target:7: $(f0 "$rate") round trips/s, mean $rtt us"
}

bench_udp() {
    fig udp.rr "UDP echo round trips/s (64 B, 1 in flight)" rt/s higher
    fig udp.rtt "UDP echo mean round trip" us lower
    if [ ! -x "$UDP_RR" ]; then
        local s
        for s in "${SUBJECTS[@]}"; do unavail udp.rr "$s" "no binary at $UDP_RR"; done
        section_report udp "UDP echo request/response"
        return
    fi
    note udp "udp_rr -t $UDP_SECONDS -n 1000000 HOST 7 from the lab namespace (bounded: $UDP_SECONDS s, 1e6 round trips)."
    if stack_start; then
        udp_run tapstack "$STACK_IP"
        bg_alive tap || { VN[udp.rr.tapstack]+="; tapstack DIED: $(tail -n 1 "$TMP/tap.out")"; FAILED=1; }
        bg_stop tap
    else
        unavail udp.rr tapstack "did not start"
        FAILED=1
    fi
    if reflector_start; then
        udp_run reflector "$STACK_IP"
        bg_stop tap
    else
        unavail udp.rr reflector "no reflector ($REFLECTOR)"
    fi
    if echo_host_start; then
        udp_run kernel "$PEER_IP"
    else
        unavail udp.rr kernel "echo-host missing or did not start ($ECHO_HOST)"
    fi
    section_report udp "UDP echo request/response (udp_rr, port 7)"
}

# ---- 3. bulk: TCP bulk transfer ----

# bulk_once DIR HOST: one transfer of BULK_MB MiB, lab->HOST:9 (up) or HOST:19->lab (down).
# Sets BULK_R (MB/s, 10^6 bytes/s, or "-") and BULK_WHY.
bulk_once() {
    local dir=$1 host=$2 t0 t1 rc bytes want=$((BULK_MB * 1048576))
    t0=$(date +%s.%N)
    if [ "$dir" = up ]; then
        run_client timeout 60 ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" \
            sh -c "head -c ${BULK_MB}M /dev/zero | nc -N -w 10 $host 9" >/dev/null 2>"$TMP/bulk.err"
        rc=$?
        bytes=$want
    else
        run_client timeout 60 ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" \
            sh -c "nc -d -w 10 $host 19 | head -c ${BULK_MB}M | wc -c" >"$TMP/bulk.bytes" 2>"$TMP/bulk.err"
        rc=$?
        bytes=$(tr -dc 0-9 <"$TMP/bulk.bytes")
    fi
    t1=$(date +%s.%N)
    BULK_R=-
    if [ "$rc" -eq 124 ]; then
        BULK_WHY="timed out after 60 s"
    elif [ "${bytes:-0}" != "$want" ]; then
        BULK_WHY="got ${bytes:-0} of $want bytes (rc $rc) $(head -n 1 "$TMP/bulk.err")"
    elif [ "$rc" -ne 0 ]; then
        BULK_WHY="nc failed (rc $rc) $(head -n 1 "$TMP/bulk.err")"
    else
        BULK_R=$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.1f", b / 1e6 / (z - a) }')
        BULK_WHY=
    fi
}
BULK_R=-
BULK_WHY=

# bulk_timed HOST SECONDS: chargen HOST:19 -> lab for SECONDS (not a fixed size: a slow sender
# would take minutes for 50 MiB). Sets BULK_R and BULK_WHY.
bulk_timed() {
    local host=$1 secs=$2 t0 t1 bytes
    t0=$(date +%s.%N)
    run_client timeout $((secs + 10)) ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" \
        sh -c "timeout $secs nc -d $host 19 | wc -c" >"$TMP/bulk.bytes" 2>"$TMP/bulk.err"
    bytes=$(tr -dc 0-9 <"$TMP/bulk.bytes")
    t1=$(date +%s.%N)
    if ! [[ ${bytes:-} =~ ^[0-9]+$ ]] || [ "$bytes" -eq 0 ]; then
        BULK_R=-
        BULK_WHY="no data in $secs s $(head -n 1 "$TMP/bulk.err")"
    else
        BULK_R=$(awk -v b="$bytes" -v a="$t0" -v z="$t1" 'BEGIN { printf "%.1f", b / 1e6 / (z - a) }')
        BULK_WHY="$bytes bytes in $secs s"
    fi
}

# bulk_best ID SUBJECT DIR HOST: BULK_RUNS transfers, the best one is the figure.
bulk_best() {
    local id=$1 subject=$2 dir=$3 host=$4 i best=- all="" r why=""
    for ((i = 0; i < BULK_RUNS; i++)); do
        bulk_once "$dir" "$host"
        r=$BULK_R
        why=$BULK_WHY
        all+="$r "
        if isnum "$r" && { [ "$best" = - ] || awk -v a="$r" -v b="$best" 'BEGIN { exit !(a > b) }'; }; then
            best=$r
        fi
        [ "$r" = - ] && break
    done
    if [ "$best" = - ]; then
        val "$id" "$subject" - "failed: $why"
        [ "$subject" = tapstack ] && FAILED=1
    else
        val "$id" "$subject" "$best" "runs (MB/s): ${all% }"
    fi
    say "bulk $dir $subject $host: ${all% } MB/s"
}

bench_bulk() {
    fig bulk.up "TCP bulk lab->server (to discard :9)" MB/s higher
    fig bulk.down "TCP bulk server->lab (from chargen :19)" MB/s higher
    fig bulk.loss "TCP bulk lab->server, 1% drop at the stack" MB/s higher
    fig bulk.lossdown "TCP bulk server->lab, 1% drop at the stack" MB/s higher
    fig bulk.lossnosack "TCP bulk server->lab, 1% drop, --no-sack (NewReno)" MB/s higher
    local s
    if ! command -v nc >/dev/null || ! nc -h 2>&1 | grep -q -- '-N'; then
        for s in tapstack kernel; do
            unavail bulk.up "$s" "no OpenBSD nc (netcat-openbsd, for -N)"
        done
        section_report bulk "TCP bulk transfer"
        return
    fi
    note bulk "$BULK_MB MiB per transfer with nc (head -c ${BULK_MB}M /dev/zero | nc -N HOST 9; nc -d HOST 19 | head -c ${BULK_MB}M),"
    note bulk "timed with date +%s.%N around the whole connection; MB = 10^6 bytes; best of $BULK_RUNS runs."
    if stack_start; then
        bulk_best bulk.up tapstack up "$STACK_IP"
        bulk_best bulk.down tapstack down "$STACK_IP"
        bg_alive tap || { VN[bulk.up.tapstack]+="; tapstack DIED: $(tail -n 1 "$TMP/tap.out")"; FAILED=1; }
        bg_stop tap
    else
        unavail bulk.up tapstack "did not start"
        FAILED=1
    fi
    if echo_host_start; then
        bulk_best bulk.up kernel up "$PEER_IP"
        bulk_best bulk.down kernel down "$PEER_IP"
        val bulk.loss kernel "${V[bulk.up.kernel]:--}" "the clean kernel figure (no loss), for reference"
        val bulk.lossdown kernel "${V[bulk.down.kernel]:--}" "the clean kernel figure (no loss), for reference"
    else
        unavail bulk.up kernel "echo-host missing or did not start ($ECHO_HOST)"
    fi
    if stack_has --impair && stack_start --impair drop=1% --seed 7; then
        local before=$TMP/stats.before
        stack_stats && cp "$TMP/stats" "$before"
        bulk_best bulk.loss tapstack up "$STACK_IP"
        if stack_stats; then
            VN[bulk.loss.tapstack]+="; the stack receives: dropped by --impair $(stat_delta impair.dropped "$before"),"
            VN[bulk.loss.tapstack]+=" out-of-order segments kept $(stat_delta tcp.ooo_kept "$before"),"
            VN[bulk.loss.tapstack]+=" dropped for want of ranges $(stat_delta tcp.ooo_full "$before")"
            cp "$TMP/stats" "$before"
        fi
        local r why
        bulk_timed "$STACK_IP" "$LOSS_SECONDS"
        r=$BULK_R
        why=$BULK_WHY
        val bulk.lossdown tapstack "$r" "$why"
        isnum "$r" || FAILED=1
        say "bulk down, 1% drop, tapstack: $r MB/s ($why)"
        if stack_stats; then
            VN[bulk.lossdown.tapstack]+="; the stack sends: dropped by --impair $(stat_delta impair.dropped "$before"),"
            VN[bulk.lossdown.tapstack]+=" recoveries $(stat_delta tcp.fast_rexmit "$before"),"
            VN[bulk.lossdown.tapstack]+=" lost by RACK $(stat_delta tcp.rack_lost "$before"),"
            VN[bulk.lossdown.tapstack]+=" loss probes $(stat_delta tcp.tlp "$before"),"
            VN[bulk.lossdown.tapstack]+=" undone $(stat_delta tcp.undo "$before"),"
            VN[bulk.lossdown.tapstack]+=" retransmission timeouts $(stat_delta tcp.rexmit "$before")"
        fi
        if stack_has --no-sack && stack_start --impair drop=1% --seed 7 --no-sack; then
            stack_stats && cp "$TMP/stats" "$before"
            bulk_timed "$STACK_IP" "$LOSS_SECONDS"
            val bulk.lossnosack tapstack "$BULK_R" "$BULK_WHY"
            isnum "$BULK_R" || FAILED=1
            say "bulk down, 1% drop, --no-sack, tapstack: $BULK_R MB/s ($BULK_WHY)"
            if stack_stats; then
                VN[bulk.lossnosack.tapstack]+="; fast retransmits $(stat_delta tcp.fast_rexmit "$before"),"
                VN[bulk.lossnosack.tapstack]+=" NewReno partial ACKs $(stat_delta tcp.partial_ack "$before"),"
                VN[bulk.lossnosack.tapstack]+=" retransmission timeouts $(stat_delta tcp.rexmit "$before")"
            fi
            note bulk "--no-sack: the same 1% drop with SACK off (NewReno, RFC 6582); SACK/NewReno server->lab:"
            note bulk "$(ratio "${V[bulk.lossdown.tapstack]:--}" "${V[bulk.lossnosack.tapstack]:--}")."
        else
            unavail bulk.lossnosack tapstack "tapstack has no --no-sack or did not start with it"
        fi
        note bulk "1% drop: a second tapstack run with --impair drop=1% --seed 7 (both directions: data and ACKs);"
        note bulk "lab->server is $BULK_MB MiB (best of $BULK_RUNS), server->lab is what chargen delivers in $LOSS_SECONDS s."
        note bulk "Their kernel column is the clean kernel figure; lossy/clean tapstack: lab->server"
        note bulk "$(ratio "${V[bulk.loss.tapstack]:--}" "${V[bulk.up.tapstack]:--}"), server->lab $(ratio "${V[bulk.lossdown.tapstack]:--}" "${V[bulk.down.tapstack]:--}")."
        bg_stop tap
    else
        unavail bulk.loss tapstack "tapstack has no --impair or did not start with it"
    fi
    section_report bulk "TCP bulk transfer, one connection"
}

# ---- 4. conn: TCP connections per second ----

# conn_run SUBJECT HOST: CONNS connect/1-byte-echo/close in a row, CONN_SECONDS at most.
conn_run() {
    local subject=$1 host=$2 out line rate avg slow failed
    out=$TMP/conn.$subject
    run_client timeout $((CONN_SECONDS + 15)) ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" \
        "$TCPCONN" crr "$host" 7 -n "$CONNS" -t "$CONN_SECONDS" >"$out" 2>&1
    line=$(grep '^tcpconn crr:' "$out" | tail -n 1)
    rate=$(grep -o ' rate=[0-9.]*' <<<"$line" | cut -d= -f2)
    avg=$(grep -o 'avg_us=[0-9.]*' <<<"$line" | cut -d= -f2)
    slow=$(grep -o 'slow=[0-9]*' <<<"$line" | cut -d= -f2)
    failed=$(grep -o 'failed=[0-9]*' <<<"$line" | cut -d= -f2)
    if [ -z "$rate" ] || [ "$rate" = 0.0 ]; then
        val conn.rate "$subject" - "no connection: $(tail -n 1 "$out")"
        [ "$subject" = tapstack ] && FAILED=1
        return 1
    fi
    val conn.rate "$subject" "$(f0 "$rate")" \
        "$(grep -o 'connections=[0-9]*' <<<"$line") in $(grep -o 'seconds=[0-9.]*' <<<"$line" | cut -d= -f2) s, failed $failed, slower than 500 ms (a SYN resent) $slow"
    val conn.lat "$subject" "$(f1 "$avg")"
    say "conn $subject $host:7: $(f0 "$rate") connections/s (failed $failed, slow $slow)"
}

bench_conn() {
    fig conn.rate "TCP connect + 1 B echo + close, per second" conn/s higher
    fig conn.lat "TCP connect + 1 B echo + close, mean time" us lower
    local s
    if ! tcpconn_build; then
        for s in tapstack kernel; do unavail conn.rate "$s" "$TCPCONN_WHY"; done
        section_report conn "TCP connections per second"
        return
    fi
    note conn "bench/tcpconn crr HOST 7 -n $CONNS -t $CONN_SECONDS: one connection at a time: connect, send 1 byte,"
    note conn "receive its echo, close (the client closes first, so TIME-WAIT is the client's)."
    if stack_start --msl 1000; then
        local before=$TMP/stats.before
        note conn "tapstack runs with --msl 1000 (TIME-WAIT 2 s instead of 60 s) so TIME-WAIT cannot fill its table."
        stack_stats && cp "$TMP/stats" "$before"
        conn_run tapstack "$STACK_IP"
        if stack_stats; then
            VN[conn.rate.tapstack]+="; SYNs dropped: table full $(stat_delta tcp.no_pcb_syn "$before"), backlog full $(stat_delta tcp.backlog_full "$before"); TIME-WAIT blocks recycled $(stat_delta tcp.tw_recycled "$before")"
        fi
        bg_alive tap || { VN[conn.rate.tapstack]+="; tapstack DIED: $(tail -n 1 "$TMP/tap.out")"; FAILED=1; }
        bg_stop tap
    else
        unavail conn.rate tapstack "did not start"
        FAILED=1
    fi
    if echo_host_start; then
        conn_run kernel "$PEER_IP"
    else
        unavail conn.rate kernel "echo-host missing or did not start ($ECHO_HOST)"
    fi
    section_report conn "TCP connections per second (echo port 7)"
}

# ---- 5. http: requests per second with wrk ----

# wrk_run ID SUBJECT HOST CONNS [HEADER]
wrk_run() {
    local id=$1 subject=$2 host=$3 c=$4 hdr=${5:-} out rps lat err args
    out=$TMP/wrk.$id.$subject
    args=(-t1 "-c$c" "-d${WRK_SECONDS}s")
    [ -n "$hdr" ] && args+=(-H "$hdr")
    run_client timeout $((WRK_SECONDS + 20)) ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" \
        wrk "${args[@]}" "http://$host/" >"$out" 2>&1
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    lat=$(awk '$1 == "Latency" { print $2; exit }' "$out")
    err=$(grep -E 'Socket errors|Non-2xx' "$out" | sed 's/^ *//' | tr '\n' ' ')
    if [ -z "$rps" ] || ! isnum "$rps" || [ "$(f0 "$rps")" = 0 ]; then
        val "$id" "$subject" - "no request served: $(grep -v '^ *$' "$out" | tail -n 1)"
        [ "$subject" = tapstack ] && FAILED=1
        return 1
    fi
    val "$id" "$subject" "$(f0 "$rps")" "latency avg $lat${err:+; $err}"
    say "http $id $subject: $(f0 "$rps") requests/s${err:+ ($err)}"
}

bench_http() {
    fig http.ka1 "HTTP keep-alive, 1 connection (wrk -c1)" req/s higher
    fig http.ka20 "HTTP keep-alive, 20 connections (wrk -c20)" req/s higher
    fig http.close1 "HTTP Connection: close, 1 connection (-c1)" req/s higher
    local why="" s id
    command -v wrk >/dev/null || why="no wrk (apt-get install wrk)"
    [ -n "$why" ] || stack_has --http-port || why="tapstack --help does not mention --http-port"
    [ -n "$why" ] || [ -x "$HTTP_HOST" ] || why="no http-host binary at $HTTP_HOST"
    if [ -n "$why" ]; then
        for id in http.ka1 http.ka20 http.close1; do
            for s in tapstack kernel; do unavail "$id" "$s" "$why"; done
        done
        section_report http "HTTP"
        return
    fi
    note http "wrk -t1 -cN -d${WRK_SECONDS}s http://HOST/ (apps/www/index.html); http-host --port 80 in the peer namespace."
    if stack_start --msl 1000; then
        local before=$TMP/stats.before
        note http "tapstack runs with --msl 1000 (TIME-WAIT 2 s): with Connection: close the server closes"
        note http "first, so each request leaves a TIME-WAIT control block on the stack for 2*MSL."
        wrk_run http.ka1 tapstack "$STACK_IP" 1
        wrk_run http.ka20 tapstack "$STACK_IP" 20
        stack_stats && cp "$TMP/stats" "$before"
        wrk_run http.close1 tapstack "$STACK_IP" 1 'Connection: close'
        if stack_stats; then
            VN[http.close1.tapstack]+="; SYNs dropped: no free control block $(stat_delta tcp.no_pcb_syn "$before"), backlog full $(stat_delta tcp.backlog_full "$before"); TIME-WAIT blocks recycled $(stat_delta tcp.tw_recycled "$before")"
        fi
        bg_alive tap || { VN[http.ka1.tapstack]+="; tapstack DIED: $(tail -n 1 "$TMP/tap.out")"; FAILED=1; }
        bg_stop tap
    else
        unavail http.ka1 tapstack "did not start"
        FAILED=1
    fi
    if http_host_start; then
        wrk_run http.ka1 kernel "$PEER_IP" 1
        wrk_run http.ka20 kernel "$PEER_IP" 20
        wrk_run http.close1 kernel "$PEER_IP" 1 'Connection: close'
    else
        unavail http.ka1 kernel "http-host did not start: $(tail -n 1 "$TMP/httphost.out" 2>/dev/null)"
    fi
    section_report http "HTTP requests per second (wrk, 1 thread)"
}

# ---- 6. cost: instructions per frame, deterministic ----

pcap_info() { # FILE -> "FRAMES SPAN_SECONDS" (classic pcap, either byte order, us or ns)
    python3 - "$1" <<'EOF' 2>/dev/null || echo "- -"
import struct, sys
d = open(sys.argv[1], 'rb').read()
e = '<' if d[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
div = 1e9 if d[:4] in (b'\x4d\x3c\xb2\xa1', b'\xa1\xb2\x3c\x4d') else 1e6
off, n, first, last = 24, 0, None, None
while off + 16 <= len(d):
    sec, frac, incl = struct.unpack(e + 'III', d[off:off + 12])
    t = sec + frac / div
    first = t if first is None else first
    last = t
    off += 16 + incl
    n += 1
print(n, '%.6f' % ((last - first) if n else 0))
EOF
}

# instr PCAP OUT [DRAIN]: instructions of a whole `tapstack --replay PCAP --write OUT` run.
COST_TOOL=
instr() {
    local in=$1 out=$2 drain=${3:-5} cmd
    rm -f "$out"
    # An empty environment: its size (e.g. the PID in TS_NS) would move the count a little.
    cmd=(env -i PATH=/usr/bin:/bin "$TAPSTACK" --replay "$in" --write "$out" --drain "$drain" --ip "$STACK_IP/24" --gw "$GW_IP")
    # Root would drop to nobody after set-up, and callgrind writes its file at exit, as nobody,
    # into a directory only root may write: keep root for this measurement.
    if stack_has --user; then cmd+=(--user root); fi
    if [ "$COST_TOOL" = callgrind ]; then
        timeout 300 env -i PATH=/usr/bin:/bin valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" "${cmd[@]:3}" \
            >/dev/null 2>"$TMP/cost.err" || { echo -; return; }
        grep -o 'Collected : [0-9]*' "$TMP/cost.err" | awk '{ print $3 }' | tail -n 1
    else
        timeout 120 perf stat -x, -e instructions:u "${cmd[@]}" >/dev/null 2>"$TMP/cost.err" ||
            { echo -; return; }
        awk -F, '$3 ~ /^instructions/ { print $1 }' "$TMP/cost.err" | tail -n 1
    fi
}

bench_cost() {
    local v vectors=() all=() name base_ir ir10 per_s base_out ir fin fout span per
    if [ ! -x "$TAPSTACK" ] || ! stack_has --replay; then
        fig cost.none "instructions per frame" instr/frame lower
        unavail cost.none tapstack "tapstack has no --replay"
        section_report cost "deterministic cost"
        return
    fi
    if command -v valgrind >/dev/null; then
        COST_TOOL=callgrind
    elif command -v perf >/dev/null && perf stat -x, -e instructions:u true 2>&1 | grep -q '^[0-9]'; then
        COST_TOOL=perf
    else
        fig cost.none "instructions per frame" instr/frame lower
        unavail cost.none tapstack "no valgrind, and perf cannot count instructions here"
        section_report cost "deterministic cost"
        return
    fi
    for v in "$REPO"/pcap/*.in.pcap; do
        [ -e "$v" ] && all+=("$(basename "$v" .in.pcap)")
    done
    note cost "${#all[@]} vectors in pcap/: ${all[*]:-none}" 
    if [ -n "${BENCH_COST_VECTORS:-}" ]; then
        read -r -a vectors <<<"$BENCH_COST_VECTORS"
    else
        # ping-small, then a TCP vector if one exists, then udp-echo or ping-1472.
        for v in ping-small "$(printf '%s\n' "${all[@]}" | grep -m1 '^tcp')" udp-echo ping-1472; do
            [ -n "$v" ] && [ -e "$REPO/pcap/$v.in.pcap" ] && vectors+=("$v")
            [ ${#vectors[@]} -ge 3 ] && break
        done
    fi
    # Baseline: a capture with no frame at all (start-up, the ARP announcement, the 5 s drain,
    # exit), and the idle clock's cost per virtual second (timers) from a 10 s drain: a vector
    # that lasts S virtual seconds is compared with baseline + S * that.
    printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00' \
        >"$TMP/empty.pcap"
    base_ir=$(instr "$TMP/empty.pcap" "$TMP/empty.out.pcap" 5)
    ir10=$(instr "$TMP/empty.pcap" "$TMP/empty10.out.pcap" 10)
    read -r base_out _ < <(pcap_info "$TMP/empty.out.pcap")
    if ! isnum "$base_ir" || ! isnum "$ir10" || ! isnum "$base_out"; then
        fig cost.none "instructions per frame" instr/frame lower
        unavail cost.none tapstack "the baseline replay failed: $(tail -n 1 "$TMP/cost.err")"
        FAILED=1
        section_report cost "deterministic cost"
        return
    fi
    per_s=$(((ir10 - base_ir) / 5))
    note cost "$COST_TOOL: instructions of the whole replay run (user space), minus the baseline: a run on an"
    note cost "empty capture ($base_ir instructions, 0 frames in, $base_out out) plus the idle clock's timers"
    note cost "($per_s instructions per virtual second) for as long as the vector lasts; divided by the frames"
    note cost "in + out beyond the baseline's. Deterministic: replay runs on a virtual clock with a fixed seed,"
    note cost "so the figure does not move with machine noise, only with the code, the compiler and the libc."
    for v in ${vectors[@]+"${vectors[@]}"}; do
        name=cost.$v
        fig "$name" "instructions/frame: $v" instr/frame lower
        ir=$(instr "$REPO/pcap/$v.in.pcap" "$TMP/$v.out.pcap" 5)
        read -r fin span < <(pcap_info "$REPO/pcap/$v.in.pcap")
        read -r fout _ < <(pcap_info "$TMP/$v.out.pcap")
        if ! isnum "$ir" || ! isnum "$fin" || ! isnum "$fout" || [ $((fin + fout - base_out)) -le 0 ]; then
            val "$name" tapstack - "replay failed: $(tail -n 1 "$TMP/cost.err")"
            FAILED=1
            continue
        fi
        per=$(awk -v ir="$ir" -v b="$base_ir" -v ps="$per_s" -v s="$span" -v n=$((fin + fout - base_out)) \
            'BEGIN { printf "%d", (ir - b - ps * s) / n }')
        val "$name" tapstack "$per" "$ir instructions, $fin frames in, $fout out, ${span} virtual s"
        say "cost $v: $per instructions/frame"
    done
    section_report cost "deterministic cost: instructions per frame in replay (--replay, virtual clock)"
}

# ---- 7. mem: memory and pools, idle, with many connections, under a SYN flood ----

listener_status() { # PORT: the listener's queue line from the stack's /status page
    command -v curl >/dev/null || { echo "(no curl for /status)"; return; }
    echo "/status: $(timeout 5 ip netns exec "$TS_NS" curl -s -m 3 "http://$STACK_IP/status?format=text" |
        grep -E "^0\.0\.0\.0:$1 " | tr -s ' ' | sed 's/.*LISTEN[ -]*/listener :'"$1"' queue /')"
}

mem_sample() { # ID_PREFIX LABEL: VmHWM and the pool counters now
    local p=$1 label=$2 pid=${PIDS[tap]}
    fig "mem.$p.hwm" "peak RSS (VmHWM), $label" kB lower
    fig "mem.$p.pkb" "pkb in use / total, $label" pkbs -
    val "mem.$p.hwm" tapstack "$(vm_kb "$pid" VmHWM)"
    if stack_stats; then
        val "mem.$p.pkb" tapstack "$(ctr pkb.in_use)/$(ctr pkb.total)" \
            "rss_kb $(ctr rss_kb), sockets open $(ctr sock.open), pkb alloc failures $(ctr pkb.alloc_fail)"
    else
        val "mem.$p.pkb" tapstack - "no answer to SIGUSR1"
    fi
}

bench_mem() {
    local opts=(--sockets 1100 --msl 1000) pcbs_note before est line hp pp i ploss sent
    if stack_has --tcp-pcbs; then
        opts+=(--tcp-pcbs 1100)
        pcbs_note="--tcp-pcbs 1100: $HOLD connections + listeners + room"
    else
        pcbs_note="no --tcp-pcbs option: the TCP control block table has its built-in size"
    fi
    # echo and discard hold --svc-max-conns each (24 by default): room for all of HOLD here
    if stack_has --svc-max-conns; then
        opts+=(--svc-max-conns 1024)
    fi
    if ! stack_start "${opts[@]}"; then
        fig mem.idle.hwm "peak RSS (VmHWM), idle" kB lower
        unavail mem.idle.hwm tapstack "tapstack did not start with ${opts[*]}"
        FAILED=1
        section_report mem "memory"
        return
    fi
    note mem "tapstack ${opts[*]} ($pcbs_note);"
    note mem "VmHWM from /proc/PID/status, pool counters from SIGUSR1; connections: bench/tcpconn hold $STACK_IP 7,9 -n $HOLD."
    sleep 1
    mem_sample idle "idle"

    # HOLD connections at once, spread over echo (7) and discard (9); kept open while sampled.
    fig mem.conns "TCP connections established (of $HOLD asked)" conns higher
    if ! tcpconn_build; then
        unavail mem.conns tapstack "$TCPCONN_WHY"
    else
        stack_stats && cp "$TMP/stats" "$TMP/stats.before"
        before=$TMP/stats.before
        : >"$TMP/hold.out"
        bg_client ip netns exec "$TS_NS" "${CLIENT_PIN[@]}" "$TCPCONN" hold "$STACK_IP" 7,9 -n "$HOLD" -w 3500 -t 30 \
            >>"$TMP/hold.out" 2>&1
        hp=$CLIENT_PID
        for ((i = 0; i < 200; i++)); do
            grep -q '^hold:' "$TMP/hold.out" && break
            [ -e "/proc/$hp" ] || break
            sleep 0.05
        done
        line=$(grep '^hold:' "$TMP/hold.out")
        est=$(grep -o 'established=[0-9]*' <<<"$line" | cut -d= -f2)
        mem_sample conns "$HOLD connections asked"
        if [ -z "$est" ]; then
            val mem.conns tapstack - "tcpconn hold gave no result: $(tail -n 1 "$TMP/hold.out")"
        else
            local why=""
            if [ "$est" -lt "$HOLD" ]; then
                local nopcb backlog tablefull
                nopcb=$(stat_delta tcp.no_pcb_syn "$before")
                backlog=$(stat_delta tcp.backlog_full "$before")
                tablefull=$(stat_delta sock.table_full "$before")
                why="refused by:"
                [ "$nopcb" != 0 ] && why+=" the TCP control block table (SYNs dropped: tcp.no_pcb_syn $nopcb)$(stack_has --tcp-pcbs || echo ' - no option raises it (missing: --tcp-pcbs)');"
                [ "$backlog" != 0 ] && why+=" the listen backlogs (SYNs dropped: tcp.backlog_full $backlog): the echo/discard apps hold 64 connections together (STREAM_CONN_MAX, apps/stream.c) and listen with backlog 32 each, and no option sets either;"
                [ "$tablefull" != 0 ] && [ "$tablefull" != - ] && why+=" the socket table (sock.table_full $tablefull);"
                [ "$why" = "refused by:" ] && why="refused: no counter moved (client side: $line)"
                [ "$nopcb" = 0 ] && why+=" not by the TCP control block table ($pcbs_note, no SYN dropped for want of one)."
            fi
            val mem.conns tapstack "$est" "${line#hold: }${why:+; $why}"
            say "mem: $est of $HOLD connections established on tapstack"
        fi
        kill -TERM "$hp" 2>/dev/null
        wait_client "$hp"
        # The kernel, same apps (echo-host), same ports: is the limit the stack's or the app's?
        if echo_host_start; then
            run_client timeout 20 ip netns exec "$TS_NS" "$TCPCONN" hold "$PEER_IP" 7,9 -n "$HOLD" -w 3500 -t 1 \
                >"$TMP/hold.kernel" 2>&1
            line=$(grep '^hold:' "$TMP/hold.kernel")
            est=$(grep -o 'established=[0-9]*' <<<"$line" | cut -d= -f2)
            val mem.conns kernel "${est:--}" "${line#hold: } (echo-host: the same apps on the kernel's sockets)"
        fi
        sleep 1
    fi

    # SYN flood, bounded in count and time, with ping running meanwhile.
    fig mem.flood.hwm "peak RSS (VmHWM), during a SYN flood" kB lower
    fig mem.flood.pkb "pkb in use / total, during a SYN flood" pkbs -
    fig mem.flood.loss "ping loss during the SYN flood" % lower
    fig mem.after "echo connections right after the flood (of 20)" conns higher
    fig mem.spoof "echo connections after a spoofed SYN flood (of 5)" conns higher
    if ! command -v hping3 >/dev/null; then
        unavail mem.flood.loss tapstack "no hping3 (apt-get install hping3)"
    else
        local lo count
        # hping3 counts its source port up from -s. Keep it below the lab's ephemeral ports:
        # there, TIME-WAIT sockets of the earlier clients would answer the stack's SYN-ACKs
        # with ACKs instead of RSTs, and those SYN-RECEIVED blocks would hold the backlog.
        read -r lo _ < <(ip netns exec "$TS_NS" cat /proc/sys/net/ipv4/ip_local_port_range)
        count=$FLOOD_COUNT
        [[ ${lo:-} =~ ^[0-9]+$ ]] && [ "$lo" -gt 2024 ] && [ "$count" -gt $((lo - 1024)) ] && count=$((lo - 1024))
        stack_stats && cp "$TMP/stats" "$TMP/stats.before"
        before=$TMP/stats.before
        bg_client timeout $((FLOOD_SECONDS + 10)) ip netns exec "$TS_NS" \
            ping -c $((FLOOD_SECONDS * 50)) -i 0.02 -W 1 "$STACK_IP" >"$TMP/flood.ping" 2>&1
        pp=$CLIENT_PID
        bg_client timeout -k 2 -s INT "$FLOOD_SECONDS" ip netns exec "$TS_NS" \
            hping3 -S -p 7 -s 1024 -i u100 -c "$count" "$STACK_IP" >"$TMP/flood.hping" 2>&1
        hp=$CLIENT_PID
        sleep $((FLOOD_SECONDS > 1 ? FLOOD_SECONDS - 1 : 1))
        mem_sample flood "during a SYN flood"
        wait_client "$hp"
        wait_client "$pp"
        ploss=$(grep -o '[0-9.]*% packet loss' "$TMP/flood.ping" | cut -d% -f1)
        sent=$(grep -o '^[0-9]* packets transmitted' "$TMP/flood.hping" | awk '{ print $1 }')
        stack_stats
        val mem.flood.loss tapstack "${ploss:--}" \
            "ping: $(grep -o '^[0-9]* packets transmitted, [0-9]* received' "$TMP/flood.ping"); hping3 sent ${sent:-?} SYNs in $FLOOD_SECONDS s at most; stack: TCP segments in $(stat_delta tcp.rx "$before"), SYNs dropped: backlog full $(stat_delta tcp.backlog_full "$before"), no control block $(stat_delta tcp.no_pcb_syn "$before"); pkb alloc failures $(stat_delta pkb.alloc_fail "$before")"
        note mem "SYN flood: timeout -s INT $FLOOD_SECONDS hping3 -S -p 7 -s 1024 -i u100 -c $count $STACK_IP (from 10.0.0.1: its kernel"
        note mem "answers each SYN-ACK with a RST), ping -i 0.02 meanwhile; VmHWM and pools sampled 1 s before its end."
        say "mem: ping loss during the SYN flood ${ploss:-?}%"
        if [ -n "$TCPCONN" ]; then
            run_client timeout 20 ip netns exec "$TS_NS" "$TCPCONN" crr "$STACK_IP" 7 -n 20 -t 10 >"$TMP/after.out" 2>&1
            line=$(grep '^tcpconn' "$TMP/after.out")
            est=$(grep -o 'connections=[0-9]*' <<<"$line" | cut -d= -f2)
            val mem.after tapstack "${est:--}" "${line#tcpconn crr: }"
            [ "${est:-0}" -lt 20 ] && VN[mem.after.tapstack]+="; $(listener_status 7)"

            # Spoofed sources: the SYN-ACKs go nowhere (the lab does not forward), nobody
            # answers with a RST, and each half-open connection lives through all its SYN-ACK
            # retransmissions. What a listener without SYN cookies does then.
            ip netns exec "$TS_NS" sysctl -qw net.ipv4.ip_forward=0
            run_client timeout -k 2 -s INT 2 ip netns exec "$TS_NS" \
                hping3 -S -p 7 --rand-source -i u100 -c 20000 "$STACK_IP" >"$TMP/spoof.hping" 2>&1
            sleep 0.5
            run_client timeout 15 ip netns exec "$TS_NS" "$TCPCONN" crr "$STACK_IP" 7 -n 5 -t 5 -w 1000 >"$TMP/spoof.out" 2>&1
            line=$(grep '^tcpconn' "$TMP/spoof.out")
            est=$(grep -o 'connections=[0-9]*' <<<"$line" | cut -d= -f2)
            val mem.spoof tapstack "${est:--}" "${line#tcpconn crr: }; $(listener_status 7)"
            note mem "Spoofed SYN flood: timeout -s INT 2 hping3 -S -p 7 --rand-source -i u100 -c 20000, then 5 connections"
            note mem "(1 s each at most). No RST comes back, so half-open connections stay until their SYN-ACK retries end."
            say "mem: after a spoofed SYN flood, ${est:-?} of 5 connections"
        fi
    fi
    bg_alive tap || { note mem "tapstack DIED: $(tail -n 1 "$TMP/tap.out")"; FAILED=1; }
    bg_stop tap
    section_report mem "memory and pools (tapstack only)"
}

# ---- main ----

teardown() {
    trap - EXIT INT TERM HUP
    local n
    for n in "${!CPIDS[@]}"; do kill -TERM "$n" 2>/dev/null; done   # unreaped: still ours
    for n in "${!CPIDS[@]}"; do wait "$n" 2>/dev/null; done
    for n in "${!PIDS[@]}"; do bg_stop "$n"; done
    if [ "$LAB_IS_UP" = 1 ]; then
        timeout 30 "$LAB_SH" down >/dev/null 2>&1 || echo "$PROG: warning: lab.sh down failed" >&2
    fi
    rm -rf "$TMP"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

for s in "${SECTIONS[@]}"; do
    if ! declare -F "bench_$s" >/dev/null; then
        echo "$PROG: no section '$s' (have: ping udp bulk conn http cost mem)" >&2
        exit 2
    fi
done
# cost runs --replay on a virtual clock: it needs no lab, so a run of cost alone brings none up.
need_lab=0
for s in "${SECTIONS[@]}"; do [ "$s" = cost ] || need_lab=1; done
if [ "$need_lab" = 1 ]; then
    timeout 30 "$LAB_SH" sweep tsb || true
    LAB_IS_UP=1
    timeout 30 "$LAB_SH" up >"$TMP/lab.out" 2>&1 || { cat "$TMP/lab.out" >&2; exit 1; }
    echo "tapstack bench: sections ${SECTIONS[*]}; lab $TS_NS / $TS_PEER_NS (removed at the end)"
else
    echo "tapstack bench: sections ${SECTIONS[*]}; no lab needed"
fi
for s in "${SECTIONS[@]}"; do
    "bench_$s"
done
summary
exit "$FAILED"
