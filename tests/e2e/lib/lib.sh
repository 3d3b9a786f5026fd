# shellcheck shell=bash
# tests/e2e/lib/lib.sh: sourced by every tests/e2e/t_*.sh.
#
# Gives each test its own lab (netns tst<PID>lab + tst<PID>peer, through scripts/lab.sh), runs
# tapstack in it in the background, and offers: check NAME CMD... (prints PASS/FAIL NAME and
# counts), stack counters through SIGUSR1 (stack_snapshot, stat_get, stack_stats, delta_is),
# bounded helpers to run commands in the lab (in_lab, in_peer, probe) and the tshark capture
# check. Everything is torn down on exit, whatever happens: the stack is killed by its PID and
# the test's namespaces are deleted. Every command is bounded in time.
#
# Environment: TAPSTACK (binary, default ./tapstack at the repo top), E2E_TRACE=1 (run the stack
# with --trace), E2E_KEEP=1 (keep the temp dir even when all passed), E2E_VERBOSE=1.

set -u
set -o pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)   # tests/e2e (this file is in lib/)
PROBES=$E2E_DIR/probes                   # the python scripts the tests run
REPO=$(cd "$E2E_DIR/../.." && pwd)
LAB_SH=$REPO/scripts/lab.sh
TAPSTACK=${TAPSTACK:-$REPO/tapstack}
case $TAPSTACK in /*) ;; *) TAPSTACK=$PWD/$TAPSTACK ;; esac
PY=/usr/bin/python3                      # Debian's python3, the one with scapy
T_NAME=$(basename "$0" .sh)

# The lab of this test: unique names carrying our PID, so `lab.sh sweep tst` can tell stale ones.
export TS_NS="tst$$lab" TS_PEER_NS="tst$$peer"
export TS_BR=br0 TS_TAP=tap0 TS_BR_IP=10.0.0.1/24 TS_PEER_IP=10.0.0.3/24 TS_PEER=1 TS_TAP_USER=
export TS_BR_MAC=02:74:73:00:00:01 TS_PEER_MAC=02:74:73:00:00:03 TS_VETH_A=veth-a TS_VETH_B=veth-b
STACK_IP=10.0.0.2
STACK_MAC=02:74:73:00:00:02              # tapstack's default MAC
HOST_IP=10.0.0.1
export E2E_STACK_IP=$STACK_IP E2E_STACK_MAC=$STACK_MAC E2E_HOST_IP=$HOST_IP
export PYTHONDONTWRITEBYTECODE=1         # no __pycache__ in the repo
export PYTHONPATH=$E2E_DIR/lib           # the probes import e2elib and tcp_peer from lib/

E2E_CMD_TIMEOUT=${E2E_CMD_TIMEOUT:-30}   # any single command
E2E_STACK_MAX=${E2E_STACK_MAX:-600}      # a stack outliving its test is killed after this
E2E_PASS=0
E2E_FAIL=0
STACK_PID=
STACK_RC=
WATCHDOG_PID=
LAB_IS_UP=0

TMP=$(mktemp -d "/tmp/tapstack-e2e.$T_NAME.XXXXXX")
chmod 711 "$TMP"                         # traversable: the rootless stack writes in a subdir

note() {
    echo "# $*"
}

pass() {
    E2E_PASS=$((E2E_PASS + 1))
    echo "PASS $1"
}

# fail NAME [FILE]: count a failure, show the end of FILE (the check's output) indented.
fail() {
    E2E_FAIL=$((E2E_FAIL + 1))
    echo "FAIL $1"
    if [ -n "${2:-}" ] && [ -s "$2" ]; then
        tail -n 25 "$2" | sed 's/^/    /'
    fi
}

# check NAME CMD [ARGS...]: run CMD, PASS if it exits 0. CMD may be a shell function; the
# commands inside are bounded themselves (in_lab, probe, ... carry a timeout).
check() {
    local name=$1
    shift
    local out="$TMP/check.$((E2E_PASS + E2E_FAIL + 1)).$name.out"
    if "$@" >"$out" 2>&1; then
        pass "$name"
        if [ "${E2E_VERBOSE:-0}" = 1 ]; then sed 's/^/    /' "$out"; fi
    else
        fail "$name" "$out"
    fi
}

# setup_fail MSG: the test cannot go on (no lab, no stack): one FAIL, then exit (trap cleans).
setup_fail() {
    fail "$T_NAME.setup"
    echo "    $*"
    if [ -s "$TMP/stack.out" ]; then
        echo "    --- stack output (end) ---"
        tail -n 20 "$TMP/stack.out" | sed 's/^/    /'
    fi
    exit 1
}

in_lab() {
    timeout "$E2E_CMD_TIMEOUT" ip netns exec "$TS_NS" "$@"
}

in_peer() {
    timeout "$E2E_CMD_TIMEOUT" ip netns exec "$TS_PEER_NS" "$@"
}

# probe SCRIPT.py [ARGS...]: a scapy probe from tests/e2e/probes, run in the lab namespace.
probe() {
    local script=$1
    shift
    timeout 60 ip netns exec "$TS_NS" "$PY" "$PROBES/$script" "$@"
}

lab_up() {
    timeout 30 "$LAB_SH" sweep tst || true
    LAB_IS_UP=1
    timeout 30 "$LAB_SH" up >"$TMP/lab.out" 2>&1 || setup_fail "lab.sh up failed: $(cat "$TMP/lab.out")"
}

stack_alive() {
    [ -n "$STACK_PID" ] && [ -e "/proc/$STACK_PID" ] &&
        ! grep -q '^State:[[:space:]]*Z' "/proc/$STACK_PID/status" 2>/dev/null
}

# Kill the stack after E2E_STACK_MAX seconds even if this shell is SIGKILLed before its trap.
start_watchdog() {
    local pid=$1
    (
        sp=
        trap 'if [ -n "$sp" ]; then kill "$sp" 2>/dev/null; fi; exit 0' TERM
        sleep "$E2E_STACK_MAX" &
        sp=$!
        wait "$sp"
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q tapstack; then
            kill -KILL "$pid" 2>/dev/null
        fi
    ) &
    WATCHDOG_PID=$!
}

# wait_ready: the stack printed "tapstack: ready" (bounded: 10 s; fails at once if it died).
wait_ready() {
    local i
    for ((i = 0; i < 200; i++)); do
        if grep -qF 'tapstack: ready' "$TMP/stack.out" 2>/dev/null; then
            return 0
        fi
        stack_alive || return 1
        sleep 0.05
    done
    return 1
}

stack_args() {
    STACK_ARGS=(--tap "$TS_TAP" --ip "$STACK_IP/24" --gw "$HOST_IP" --stats)
    if [ "${E2E_TRACE:-0}" = 1 ]; then STACK_ARGS+=(--trace); fi
}

# stack_start [EXTRA ARGS...]: tapstack as root in the lab, capture in $TMP/cap.pcap.
stack_start() {
    [ -x "$TAPSTACK" ] || setup_fail "tapstack binary not found or not executable: $TAPSTACK (run make)"
    stack_args
    ip netns exec "$TS_NS" "$TAPSTACK" "${STACK_ARGS[@]}" --pcap "$TMP/cap.pcap" "$@" \
        >"$TMP/stack.out" 2>&1 &
    STACK_PID=$!
    start_watchdog "$STACK_PID"
    wait_ready || setup_fail "no 'tapstack: ready' line within 10 s (pid $STACK_PID)"
    note "stack pid $STACK_PID ready in netns $TS_NS: $TAPSTACK ${STACK_ARGS[*]} $*"
}

# stack_start_as USER [EXTRA ARGS...]: the same, with no privilege at all: uid/gid of USER, no
# capabilities (setpriv execs in place, so STACK_PID is the stack itself). The binary is copied
# to a world-readable temp dir if USER cannot reach it. If USER cannot open /dev/net/tun (mode
# 0600 on machines without udev), the stack gets a 0666 twin of the device in a private mount
# namespace: the machine itself is not changed.
stack_start_as() {
    local user=$1
    shift
    local uid gid bin=$TAPSTACK
    uid=$(id -u -- "$user") || setup_fail "no user $user"
    gid=$(id -g -- "$user")
    local as=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
    [ -x "$TAPSTACK" ] || setup_fail "tapstack binary not found or not executable: $TAPSTACK (run make)"
    if ! "${as[@]}" -- test -x "$bin"; then
        mkdir -p "$TMP/bin"
        cp "$TAPSTACK" "$TMP/bin/tapstack"
        chmod 755 "$TMP/bin" "$TMP/bin/tapstack"
        bin=$TMP/bin/tapstack
        note "$user cannot reach $TAPSTACK: running a copy, $bin"
    fi
    mkdir -p "$TMP/as-$user"
    chown "$uid:$gid" "$TMP/as-$user"
    local pre=()
    if ! "${as[@]}" -- test -r /dev/net/tun -a -w /dev/net/tun; then
        local maj min
        read -r maj min < <(stat -c '%t %T' /dev/net/tun)
        mkdir -p "$TMP/dev"
        note "/dev/net/tun is mode $(stat -c %a /dev/net/tun), closed to $user: using a 0666 twin in a private mount namespace"
        # shellcheck disable=SC2016 # expanded by the inner sh
        pre=(unshare --mount --propagation private sh -c \
            'mount -t tmpfs -o size=16k,mode=755 tstun "$1" && mknod -m 666 "$1/tun" c "$2" "$3" &&
             mount --bind "$1/tun" /dev/net/tun && shift 3 && exec "$@"' \
            sh "$TMP/dev" "$((16#$maj))" "$((16#$min))")
    fi
    stack_args
    ip netns exec "$TS_NS" "${pre[@]}" "${as[@]}" --inh-caps=-all --bounding-set=-all \
        --no-new-privs -- "$bin" "${STACK_ARGS[@]}" --pcap "$TMP/as-$user/cap.pcap" "$@" \
        >"$TMP/stack.out" 2>&1 &
    STACK_PID=$!
    start_watchdog "$STACK_PID"
    wait_ready || setup_fail "no 'tapstack: ready' line within 10 s (pid $STACK_PID, as $user)"
    note "stack pid $STACK_PID ready as $user in netns $TS_NS"
}

# stack_stop [SIGNAL]: end the stack (SIGTERM by default), bounded: 5 s, then SIGKILL.
# Sets STACK_RC to its exit status (128+n if killed by signal n).
stack_stop() {
    local sig=${1:-TERM} i
    [ -n "$STACK_PID" ] || return 0
    kill -s "$sig" "$STACK_PID" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
        stack_alive || break
        sleep 0.05
    done
    if stack_alive; then
        note "stack pid $STACK_PID still alive 5 s after SIG$sig: SIGKILL"
        kill -KILL "$STACK_PID" 2>/dev/null
    fi
    wait "$STACK_PID" 2>/dev/null
    # shellcheck disable=SC2034 # read by the tests
    STACK_RC=$?
    STACK_PID=
    if [ -n "$WATCHDOG_PID" ]; then
        kill "$WATCHDOG_PID" 2>/dev/null
        wait "$WATCHDOG_PID" 2>/dev/null
        WATCHDOG_PID=
    fi
    return 0
}

# stack_snapshot FILE: SIGUSR1, wait (5 s max) for the new "--- end stats ---", and write that
# block's "name value" lines to FILE.
stack_snapshot() {
    local file=$1 n0 n=0 i
    stack_alive || { echo "stack is not running"; return 1; }
    n0=$(grep -c '^--- end stats ---$' "$TMP/stack.out")
    kill -USR1 "$STACK_PID" || return 1
    for ((i = 0; i < 100; i++)); do
        n=$(grep -c '^--- end stats ---$' "$TMP/stack.out")
        [ "$n" -gt "$n0" ] && break
        sleep 0.05
    done
    if [ "$n" -le "$n0" ]; then
        echo "no '--- end stats ---' within 5 s of SIGUSR1"
        return 1
    fi
    awk '/^--- stats ---$/ { buf = ""; inb = 1; next }
         /^--- end stats ---$/ { if (inb) last = buf; inb = 0; next }
         inb { buf = buf $0 "\n" }
         END { printf "%s", last }' "$TMP/stack.out" >"$file"
}

# stat_get FILE NAME: the value of counter NAME in a snapshot (status 1 if absent).
stat_get() {
    awk -v n="$2" '$1 == n { v = $2; found = 1 } END { if (!found) exit 1; print v }' "$1"
}

# moved A B NAME...: "NAME +delta" for each counter, between snapshots A and B (a counter
# missing from a snapshot counts as 0).
moved() {
    local a=$1 b=$2 n out=
    shift 2
    for n in "$@"; do
        out+="${out:+, }$n +$(($(stat_get "$b" "$n" || echo 0) - $(stat_get "$a" "$n" || echo 0)))"
    done
    echo "$out"
}

# start_http_host ARGS...: the HTTP server on the kernel's sockets (http-host) in the peer
# namespace as the server under test: it takes STACK_PID, so stop, watchdog and teardown
# apply. Waits (10 s at most) for its ready line.
start_http_host() {
    local i bin
    bin=$(dirname "$(readlink -f "$TAPSTACK")")/http-host
    ip netns exec "$TS_PEER_NS" "$bin" "$@" >"$TMP/stack.out" 2>&1 &
    STACK_PID=$!
    start_watchdog "$STACK_PID"
    for ((i = 0; i < 200; i++)); do
        grep -q 'http-host: ready' "$TMP/stack.out" && break
        stack_alive || break
        sleep 0.05
    done
    grep -q 'http-host: ready' "$TMP/stack.out" || setup_fail "http-host did not start"
}

# stack_stats NAME: the current value of one counter.
stack_stats() {
    stack_snapshot "$TMP/stats.now" >/dev/null || return 1
    stat_get "$TMP/stats.now" "$1"
}

# delta_is NAME OP N BEFORE AFTER: counter NAME moved by OP N between two snapshots, OP being
# -eq or -ge. Prints what it saw.
delta_is() {
    local name=$1 op=$2 want=$3 b a
    b=$(stat_get "$4" "$name") || { echo "counter $name missing from the stats block"; return 1; }
    a=$(stat_get "$5" "$name") || { echo "counter $name missing from the stats block"; return 1; }
    if ! [[ $b =~ ^[0-9]+$ && $a =~ ^[0-9]+$ ]]; then
        echo "counter $name is not a number: '$b' / '$a'"
        return 1
    fi
    echo "$name: $b -> $a, delta $((a - b)) (want $op $want)"
    case $op in
        -eq) [ $((a - b)) -eq "$want" ] ;;
        -ge) [ $((a - b)) -ge "$want" ] ;;
        *) echo "delta_is: bad operator $op"; return 1 ;;
    esac
}

# rss_kb: VmRSS of the running stack, from /proc.
rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$STACK_PID/status"
}

TSHARK_OPTS=()
tshark_opts() {
    local p prefs
    prefs=$(timeout 30 tshark -G defaultprefs 2>/dev/null)
    TSHARK_OPTS=()
    for p in ip icmp udp tcp; do
        if grep -q "^#\?$p\.check_checksum:" <<<"$prefs"; then
            TSHARK_OPTS+=(-o "$p.check_checksum:TRUE")
        fi
    done
}

# ICMP errors quote the offending datagram: whatever is wrong inside that quote is the sender's
# fault (the garbage test quotes garbage), so only their own outer headers are judged.
ICMP_ERR='(icmp.type#1 == 3 || icmp.type#1 == 4 || icmp.type#1 == 5 || icmp.type#1 == 11 || icmp.type#1 == 12)'

# pcap_clean FILE [FILTER]: tshark, checksum verification on, finds no malformed frame, no
# expert error and no bad checksum (ICMP's is only a warning in tshark 4.0, so asked for by
# name) among the frames matching FILTER (all frames when empty). ICMP errors: outer IPv4 and
# ICMP checksums only (the quote is checked byte for byte by probe_ip_unknown_proto.py).
pcap_clean() {
    local file=$1 filter=${2:-} bad out rc
    [ -s "$file" ] || { echo "no capture at $file"; return 1; }
    [ ${#TSHARK_OPTS[@]} -gt 0 ] || tshark_opts
    bad='_ws.malformed || _ws.expert.severity >= "Error" || ip.checksum.status == "Bad"'
    bad+=' || icmp.checksum.status == "Bad" || udp.checksum.status == "Bad"'
    bad+=' || tcp.checksum.status == "Bad"'
    bad="(!$ICMP_ERR && ($bad)) || ($ICMP_ERR && (ip.checksum.status#1 == \"Bad\""
    bad+=' || icmp.checksum.status#1 == "Bad"))'
    if [ -n "$filter" ]; then bad="($filter) && ($bad)"; fi
    echo "tshark ${TSHARK_OPTS[*]} -Y '$bad'"
    out=$(timeout 60 tshark -n -r "$file" "${TSHARK_OPTS[@]}" -Y "$bad" 2>"$TMP/tshark.err")
    rc=$?
    if [ $rc -ne 0 ]; then
        grep -v 'Running as user "root"' "$TMP/tshark.err"
        echo "tshark failed (status $rc)"
        return 1
    fi
    if [ -n "$out" ]; then
        echo "$out"
        return 1
    fi
    echo "$(pcap_count "$file" "${filter:-frame}") frame(s) checked, all clean"
}

# pcap_count FILE FILTER: number of frames matching a display filter.
pcap_count() {
    timeout 60 tshark -n -r "$1" -Y "$2" 2>/dev/null | wc -l
}

# BG_PIDS: helpers a test runs in the background (each bounded by its own timeout); if the test
# stops early, the teardown ends them by their PID before the stack and the lab go.
BG_PIDS=()
e2e_teardown() {
    local rc=$? p
    trap - EXIT INT TERM HUP
    for p in "${BG_PIDS[@]+"${BG_PIDS[@]}"}"; do
        kill "$p" 2>/dev/null
    done
    stack_stop KILL >/dev/null 2>&1
    if [ "$LAB_IS_UP" = 1 ]; then
        timeout 30 "$LAB_SH" down >/dev/null 2>&1 ||
            echo "# warning: lab.sh down failed for $TS_NS/$TS_PEER_NS"
    fi
    if [ "$E2E_FAIL" -gt 0 ] || [ "$rc" -ne 0 ] || [ "${E2E_KEEP:-0}" = 1 ]; then
        echo "# $T_NAME: files kept in $TMP"
    else
        rm -rf "$TMP"
    fi
    exit "$rc"
}
trap e2e_teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# e2e_done: one summary line for this test; exit status 1 if anything failed.
e2e_done() {
    echo "# $T_NAME: $E2E_PASS passed, $E2E_FAIL failed"
    [ "$E2E_FAIL" -eq 0 ]
    exit
}

[ "$(id -u)" -eq 0 ] || setup_fail "must run as root (network namespaces need CAP_SYS_ADMIN)"
