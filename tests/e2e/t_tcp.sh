#!/usr/bin/env bash
# TCP segment by segment: scapy probes (probes/tcp_*.py, helpers in lib/tcp_peer.py) play a TCP
# peer at 10.0.0.5 (an address the lab's kernel does not own, so it never interferes with RSTs
# of its own) against the stack's echo (7) and HTTP (80) servers: the SYN-ACK and its MSS
# option, the peer's MSS respected, RSTs for closed ports and stray ACKs, data both ways with the
# right sequence and acknowledgement numbers, out-of-order and duplicate segments, the first
# retransmission after 1 s and the backoff, RSTs in window (challenge ACK), out of window
# (ignored) and exact (reset), SYN in ESTABLISHED, passive close and simultaneous close; the
# counters each one moves, no leftover connection or pkb, a clean exit and a clean capture.
# RFC 9293 (3.4-3.10), RFC 5961, RFC 6298, RFC 5681 4.2, RFC 879.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/tcplib.sh
. "$(dirname "$0")/lib/tcplib.sh"

lab_up
stack_start

# tcp_probe NAME SCRIPT COUNTER OP N [COUNTER OP N ...]: the probe, then the counters it must
# have moved (each its own check), from snapshots taken around it.
tcp_probe() {
    local name=$1 script=$2 n
    shift 2
    n=$((E2E_PASS + E2E_FAIL))
    stack_snapshot "$TMP/b.$n" >/dev/null || note "stats snapshot failed"
    check "tcp.$name" probe "$script"
    stack_snapshot "$TMP/a.$n" >/dev/null || note "stats snapshot failed"
    while [ $# -ge 3 ]; do
        check "stats.$name.${1#tcp.}" delta_is "$1" "$2" "$3" "$TMP/b.$n" "$TMP/a.$n"
        shift 3
    done
}

stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"

tcp_probe synack_mss tcp_synack_mss.py tcp.dup_syn -eq 1 tcp.ack_listen -eq 1
tcp_probe mss_respected tcp_mss_respected.py
tcp_probe rst_closed_syn tcp_rst_closed_syn.py tcp.no_conn -eq 2 tcp.rst_no_conn -eq 1
tcp_probe rst_closed_ack tcp_rst_closed_ack.py tcp.no_conn -eq 2 tcp.ack_listen -eq 1 \
    tcp.rst_out -eq 3
tcp_probe echo tcp_echo.py tcp.rst_out -eq 0 tcp.rexmit -eq 0
tcp_probe out_of_order tcp_ooo.py tcp.ooo_kept -eq 1
tcp_probe duplicate tcp_dup.py tcp.dup_data -ge 1
tcp_probe rexmit_1s tcp_rexmit.py tcp.rexmit -ge 2
tcp_probe rst_in_window_challenge tcp_rst_challenge.py tcp.rst_in_window -eq 1 \
    tcp.syn_in_window -eq 1 tcp.challenge_ack -eq 2 tcp.rst_in -eq 0
tcp_probe rst_out_of_window_ignored tcp_rst_outside.py tcp.rst_in -eq 0 tcp.rst_out -eq 0
tcp_probe rst_exact_resets tcp_rst_exact.py tcp.rst_in -eq 1
tcp_probe fin_passive_close tcp_fin.py tcp.rst_in -eq 0
tcp_probe simultaneous_close tcp_simul_close.py tcp.rst_in -eq 0 tcp.rst_out -eq 0

# What is left: the four listeners, the one TIME-WAIT of the simultaneous close (2*MSL is
# 60 s here), nothing else; the pkbs all back in the pool.
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
pcbs_left() {
    grep '^tcp_state\.' "$TMP/s1"
    [ "$(stat_get "$TMP/s1" tcp_state.LISTEN)" -eq 4 ] &&
        [ "$(stat_get "$TMP/s1" tcp_state.TIME-WAIT)" -eq 1 ] &&
        [ "$(stat_get "$TMP/s1" tcp_state.all)" -eq 5 ]
}
check tcp.only_listeners_and_one_time_wait_left pcbs_left
check pkb.in_use_back_after_tcp delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s1"
check stats.tcp_bad_checksum_0 delta_is tcp.bad_checksum -eq 0 "$TMP/s0" "$TMP/s1"

stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
check pcap.clean tcp_pcap_clean "$TMP/cap.pcap"
syn_acks_in_pcap() {
    local n f="eth.src == $STACK_MAC && tcp.flags.syn == 1 && tcp.flags.ack == 1"
    n=$(pcap_count "$TMP/cap.pcap" "$f && tcp.options.mss_val == 1460")
    echo "SYN-ACKs with MSS 1460 from $STACK_MAC in the capture: $n"
    [ "$n" -ge 12 ]
}
check pcap.holds_the_syn_acks syn_acks_in_pcap

e2e_done
