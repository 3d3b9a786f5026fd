#!/usr/bin/env bash
# TCP flow control and loss recovery (issue 5): a scapy peer that closes its window gets
# zero-window probes whose gaps grow (1 s, 2 s, 4 s) and the data once it reopens; a client that
# never reads leaves the stack's memory bounded (rss, pkb pool) and its other services answering;
# FLOW_MB MB each way through the echo server intact under --impair drop=1%,reorder=1%,delay=2ms
# --seed 7, timed against the same transfer on the same path without loss (--impair delay=2ms),
# with fast retransmits among its recoveries, not only timeouts (tcp.fast_rexmit > 0).
# FLOW_MB defaults to 50 (the issue's figure). The lossy transfer must finish within
# SLOWDOWN_MAX (3, the issue's figure) times the loss-free one: with SACK and RACK-TLP it takes
# about 2-2.4x on the 2-core test machine (about 10-11 s against 4.8 s); with --no-sack
# (NewReno) it took 7-8x. The kernel in the lab negotiates SACK with the stack.
# RFC 9293 3.8.6 (flow control, zero-window probing), RFC 1122 4.2.2.17, RFC 5681 3.2
# (fast retransmit), RFC 2018 (SACK), RFC 8985 (RACK-TLP), RFC 6675, RFC 6298 5.5.
# Captures judged by tshark (tcplib.sh).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/tcplib.sh
. "$(dirname "$0")/lib/tcplib.sh"

FLOW_MB=${FLOW_MB:-50}
SIZE=$((FLOW_MB * 1024 * 1024))
LOSSY_MAX=${FLOW_LOSSY_MAX:-150}         # the lossy transfer, seconds at most
SLOWDOWN_MAX=${FLOW_SLOWDOWN_MAX:-3}     # lossy time / loss-free time, at most (issue 5)
IMPAIR=drop=1%,reorder=1%,delay=2ms
SEED=7

head -c "$SIZE" /dev/urandom >"$TMP/in.bin"

lab_up
stack_start
stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"

# -- the zero window ---------------------------------------------------------------------------
stack_snapshot "$TMP/z0" >/dev/null || note "stats snapshot failed"
check tcp.zero_window_probes_back_off probe tcp_zero_window.py
stack_snapshot "$TMP/z1" >/dev/null || note "stats snapshot failed"
check stats.window_probe_ge_3 delta_is tcp.window_probe -ge 3 "$TMP/z0" "$TMP/z1"
check stats.zero_window_no_timeout_drop delta_is tcp.timeout_drop -eq 0 "$TMP/z0" "$TMP/z1"

# -- a peer that never reads -------------------------------------------------------------------
# The client runs as a plain background command (a backgrounded function would be a subshell
# with lib.sh's traps). While it sits there: ping and UDP echo still answered, the pool and
# RSS do not grow.
never_reads() {
    local pid rc rss0 rss1 rss2 used total out
    stack_snapshot "$TMP/r0" >/dev/null || return 1
    timeout 20 ip netns exec "$TS_NS" "$PY" "$PROBES/tcp_never_reads.py" 5 \
        >"$TMP/never.out" 2>&1 &
    pid=$!
    sleep 2
    in_lab ping -c 3 -i 0.2 -W 1 -q "$STACK_IP" || { echo "no ping reply meanwhile"; rc=1; }
    out=$(printf 'still there?\n' | in_lab nc -u -w 1 "$STACK_IP" 7)
    echo "UDP echo meanwhile: '$out'"
    [ "$out" = "still there?" ] || rc=1
    stack_snapshot "$TMP/r1" >/dev/null || rc=1
    wait "$pid" || rc=1
    cat "$TMP/never.out"
    stack_snapshot "$TMP/r2" >/dev/null || return 1
    rss0=$(stat_get "$TMP/r0" rss_kb)
    rss1=$(stat_get "$TMP/r1" rss_kb)
    rss2=$(stat_get "$TMP/r2" rss_kb)
    used=$(stat_get "$TMP/r1" pkb.in_use)
    total=$(stat_get "$TMP/r1" pkb.total)
    echo "rss_kb: $rss0 before, $rss1 while stalled, $rss2 after; pkb.in_use $used of $total"
    grep -E '^tcp_state\.ESTABLISHED|^tcp\.window_probe' "$TMP/r1"
    [ "${rc:-0}" -eq 0 ] && [ $((rss1 - rss0)) -le 1024 ] && [ $((rss2 - rss0)) -le 1024 ] &&
        [ "$used" -lt "$total" ] && [ "$(stat_get "$TMP/r1" tcp_state.ESTABLISHED)" -ge 1 ]
}
check tcp.never_reading_peer_bounded never_reads
check stats.never_reads_probes_zero_window delta_is tcp.window_probe -ge 1 "$TMP/r0" "$TMP/r2"
check pkb.in_use_back_after_flow delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/r2"
stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
mv "$TMP/cap.pcap" "$TMP/cap.flow.pcap"
check pcap.flow_clean tcp_pcap_clean "$TMP/cap.flow.pcap"

# -- bulk through the echo server: without loss, then with loss -------------------------------
# echo_bulk NAME SECONDS: FLOW_MB MB to the echo port and back with nc -N; the time in
# $TMP/NAME.time (seconds, 2 decimals); status 0 when the bytes came back identical.
echo_bulk() {
    local name=$1 limit=$2 t0 t1 rc
    t0=$(date +%s.%N)
    timeout "$limit" ip netns exec "$TS_NS" nc -N "$STACK_IP" 7 <"$TMP/in.bin" >"$TMP/$name.out"
    rc=$?
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }' >"$TMP/$name.time"
    echo "$name: $FLOW_MB MB each way in $(cat "$TMP/$name.time") s (nc status $rc)"
    ls -l "$TMP/$name.out"
    cmp "$TMP/in.bin" "$TMP/$name.out" || return 1
    rm -f "$TMP/$name.out"                # identical: no need to keep FLOW_MB MB around
}

stack_start --impair delay=2ms --seed "$SEED"
check "tcp.echo_${FLOW_MB}mb_loss_free_delay_2ms" echo_bulk clean 60
stack_stop TERM
mv "$TMP/cap.pcap" "$TMP/cap.clean.pcap"
check pcap.loss_free_clean tcp_pcap_clean "$TMP/cap.clean.pcap"

stack_start --impair "$IMPAIR" --seed "$SEED"
stack_snapshot "$TMP/l0" >/dev/null || note "stats snapshot failed"
check "tcp.echo_${FLOW_MB}mb_intact_under_loss" echo_bulk lossy "$LOSSY_MAX"
stack_snapshot "$TMP/l1" >/dev/null || note "stats snapshot failed"
slowdown() {
    local c l
    c=$(cat "$TMP/clean.time")
    l=$(cat "$TMP/lossy.time")
    echo "loss-free (delay=2ms): $c s; lossy ($IMPAIR, seed $SEED): $l s;" \
        "$(awk -v c="$c" -v l="$l" 'BEGIN { printf "%.1f", l / c }')x (want <= ${SLOWDOWN_MAX}x)"
    grep -E '^(impair\.|tcp\.(rexmit|fast_rexmit|rack_lost|sack_rexmit|tlp|undo|dsack_(in|out))' \
        "$TMP/l1"
    grep -E '^tcp\.(ooo_kept|timeout_drop) ' "$TMP/l1"
    awk -v c="$c" -v l="$l" -v m="$SLOWDOWN_MAX" 'BEGIN { exit !(l <= m * c) }'
}
check "tcp.echo_${FLOW_MB}mb_lossy_within_${SLOWDOWN_MAX}x_loss_free" slowdown
note "$(slowdown 2>/dev/null | head -n 1)"     # the figures, also when the check passed
check stats.lossy_fast_rexmit_gt_0 delta_is tcp.fast_rexmit -ge 1 "$TMP/l0" "$TMP/l1"
# The kernel offered SACK and the stack took it: losses were found by RACK (RFC 8985).
check stats.lossy_rack_lost_gt_0 delta_is tcp.rack_lost -ge 1 "$TMP/l0" "$TMP/l1"
check stats.lossy_impair_dropped_gt_0 delta_is impair.dropped -ge 1 "$TMP/l0" "$TMP/l1"
check stats.lossy_no_connection_dropped delta_is tcp.timeout_drop -eq 0 "$TMP/l0" "$TMP/l1"
check pkb.in_use_back_after_lossy delta_is pkb.in_use -eq 0 "$TMP/l0" "$TMP/l1"
stack_stop TERM
check stack.lossy_sigterm_exit_0 test "$STACK_RC" -eq 0
check pcap.lossy_clean tcp_pcap_clean "$TMP/cap.pcap"
rm -f "$TMP/in.bin"

e2e_done
