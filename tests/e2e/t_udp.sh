#!/usr/bin/env bash
# UDP end to end: nc -u against the echo server, datagrams up to 1472 bytes echoed intact, the
# discard server, port unreachable with the exact quote (and ECONNREFUSED in the kernel's client),
# bad checksums dropped and counted, zero checksums accepted, broadcasts echoed but never answered
# with ICMP, fragments dropped (no reassembly), echo-host (the same apps on the kernel) serving in
# the peer namespace, a short udp_rr run, `tapstack --loopback` (no tap, no root), counters, no
# pkb leak, and a capture tshark finds clean.
# RFC 768, RFC 862/863 (echo, discard), RFC 1122 4.1.3.1/4.1.3.3/4.1.3.4/3.2.2, RFC 792.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

BIN_DIR=$(dirname "$(readlink -f "$TAPSTACK")")
PEER=${TS_PEER_IP%/*}

lab_up
stack_start

services_announced() {
    grep -F 'tapstack: services: echo 7 (udp, tcp), discard 9 (udp, tcp)' "$TMP/stack.out"
}
check udp.services_announced services_announced

# nc -u: what you type comes back (the line, newline included).
nc_echo() {
    local out
    out=$(printf 'hello tapstack\n' | in_lab nc -u -w 1 "$STACK_IP" 7)
    echo "nc printed: '$out'"
    [ "$out" = "hello tapstack" ]
}
check udp.nc_echo nc_echo

stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"
check udp.echo_sizes_and_refused probe udp_echo_sizes.py
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check stats.udp_delivered_4 delta_is udp.delivered -eq 4 "$TMP/s0" "$TMP/s1"
check stats.udp_tx_4 delta_is udp.tx -eq 4 "$TMP/s0" "$TMP/s1"
check stats.udp_no_port_1 delta_is udp.no_port -eq 1 "$TMP/s0" "$TMP/s1"
check stats.icmp_unreach_out_1 delta_is icmp.unreach_out -eq 1 "$TMP/s0" "$TMP/s1"

# Discard: read and thrown away, nothing comes back.
discard_silent() {
    local out
    out=$(printf 'into the void\n' | in_lab nc -u -w 1 "$STACK_IP" 9)
    echo "nc printed: '$out'"
    [ -z "$out" ]
}
stack_snapshot "$TMP/s2" >/dev/null || note "stats snapshot failed"
check udp.discard_silent discard_silent
stack_snapshot "$TMP/s3" >/dev/null || note "stats snapshot failed"
check stats.udp_discard_delivered_1 delta_is udp.delivered -eq 1 "$TMP/s2" "$TMP/s3"
check stats.udp_discard_tx_0 delta_is udp.tx -eq 0 "$TMP/s2" "$TMP/s3"

check udp.port_unreach_quote probe udp_port_unreach.py

stack_snapshot "$TMP/s4" >/dev/null || note "stats snapshot failed"
check udp.bad_checksum_silent probe udp_bad_checksum.py
stack_snapshot "$TMP/s5" >/dev/null || note "stats snapshot failed"
check stats.udp_bad_checksum_2 delta_is udp.bad_checksum -eq 2 "$TMP/s4" "$TMP/s5"
check stats.udp_bad_checksum_no_icmp delta_is icmp.unreach_out -eq 0 "$TMP/s4" "$TMP/s5"

check udp.zero_checksum_echoed probe udp_zero_checksum.py
stack_snapshot "$TMP/s6" >/dev/null || note "stats snapshot failed"
check stats.udp_no_checksum_1 delta_is udp.no_checksum -eq 1 "$TMP/s5" "$TMP/s6"

check udp.broadcast probe udp_broadcast.py
stack_snapshot "$TMP/s7" >/dev/null || note "stats snapshot failed"
check stats.udp_bcast_no_port_1 delta_is udp.bcast_no_port -eq 1 "$TMP/s6" "$TMP/s7"
check stats.udp_bcast_no_icmp delta_is icmp.unreach_out -eq 0 "$TMP/s6" "$TMP/s7"

# LIMIT: no reassembly. A 2000-byte datagram leaves the host in fragments: no echo, counted.
fragments_dropped() {
    local out
    out=$(head -c 2000 /dev/zero | tr '\0' 'f' | in_lab nc -u -w 1 "$STACK_IP" 7 | wc -c)
    echo "echoed bytes: $out"
    [ "$out" -eq 0 ]
}
check udp.fragmented_not_echoed fragments_dropped
stack_snapshot "$TMP/s8" >/dev/null || note "stats snapshot failed"
check stats.ipv4_fragment_ge_2 delta_is ipv4.fragment -ge 2 "$TMP/s7" "$TMP/s8"

# The benchmark client against the stack, 1 s: it completes round trips and loses none.
udp_rr_stack() {
    local out
    out=$(in_lab "$BIN_DIR/udp_rr" -t 1 -s 64 "$STACK_IP" 7)
    echo "$out"
    grep -Eq 'round_trips=[1-9][0-9]* .* lost=0 ' <<<"$out"
}
check bench.udp_rr_against_stack udp_rr_stack

# echo-host: the same echo.c/discard.c on the kernel's sockets, in the peer namespace.
echo_host_serves() {
    local pid out rc i
    # A plain command, not the in_peer function: a backgrounded function is a subshell that
    # would inherit lib.sh's traps (and tear the lab down when killed).
    timeout "$E2E_CMD_TIMEOUT" ip netns exec "$TS_PEER_NS" "$BIN_DIR/echo-host" \
        >"$TMP/echo-host.out" 2>&1 &
    pid=$!
    for ((i = 0; i < 100; i++)); do
        grep -q 'echo-host: ready' "$TMP/echo-host.out" && break
        sleep 0.05
    done
    out=$(printf 'hello kernel\n' | in_lab nc -u -w 1 "$PEER" 7)
    echo "nc printed: '$out'"
    in_lab "$BIN_DIR/udp_rr" -t 1 "$PEER" 7
    rc=$?
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    cat "$TMP/echo-host.out"
    [ "$out" = "hello kernel" ] && [ $rc -eq 0 ]
}
check echo_host.serves_on_the_kernel echo_host_serves

stack_snapshot "$TMP/s9" >/dev/null || note "stats snapshot failed"
check pkb.in_use_back_after_udp delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s9"
# Only the servers' own sockets are left open: UDP echo and discard, TCP echo, discard,
# chargen, and HTTP's listener; every client socket the tests used is closed again.
sockets_servers_only() {
    local n
    n=$(stat_get "$TMP/s9" sock.open)
    echo "sock.open $n"
    [ "$n" -eq 6 ]
}
check stats.sock_open_servers_only sockets_servers_only

stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
# Our probes send bad checksums on purpose: judge what the stack sent.
check pcap.stack_frames_clean pcap_clean "$TMP/cap.pcap" "eth.src == $STACK_MAC"
echoes_in_pcap() {
    local n
    n=$(pcap_count "$TMP/cap.pcap" "eth.src == $STACK_MAC && udp.srcport == 7")
    echo "UDP from port 7 by $STACK_MAC in the capture: $n"
    [ "$n" -ge 7 ]
}
check pcap.holds_the_echoes echoes_in_pcap

# --loopback: no tap, no root (run as nobody when it can reach the binary), trace on, exit 0.
loopback_mode() {
    local as=() rc
    if setpriv --reuid=nobody --regid=nogroup --clear-groups -- test -x "$TAPSTACK"; then
        as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all
            --bounding-set=-all --no-new-privs --)
    else
        echo "nobody cannot reach $TAPSTACK: running as root"
    fi
    in_lab "${as[@]}" "$TAPSTACK" --loopback >"$TMP/loopback.out" 2>&1
    rc=$?
    tail -n 15 "$TMP/loopback.out"
    [ $rc -eq 0 ] &&
        grep -q 'client: got "hello 1" back from 127.0.0.1:7' "$TMP/loopback.out" &&
        grep -q 'client: got "hello 3" back from 127.0.0.1:7' "$TMP/loopback.out" &&
        grep -q 'ECONNREFUSED' "$TMP/loopback.out" &&
        grep -Eq 'lo +< +udp +127\.0\.0\.1:7 > 127\.0\.0\.1:[0-9]+ len 7' "$TMP/loopback.out"
}
check loopback.demo_exits_0 loopback_mode

usage_without_args() {
    local rc
    "$TAPSTACK" >"$TMP/usage.out" 2>&1
    rc=$?
    head -n 3 "$TMP/usage.out"
    [ $rc -eq 2 ] && grep -q -- '--loopback' "$TMP/usage.out"
}
check tapstack.no_args_prints_usage usage_without_args

e2e_done
