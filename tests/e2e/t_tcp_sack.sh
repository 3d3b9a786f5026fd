#!/usr/bin/env bash
# TCP selective acknowledgments from the wire: a scapy peer at 10.0.0.5 (tcp_sack_peer.py, one
# MODE per behaviour) checks the SACK-permitted negotiation on the SYN-ACK (exact option bytes,
# with and without the offer), the SACK blocks the stack reports as a receiver (the most recent
# first, merged when a gap fills, none once all is in) and its D-SACK blocks for duplicates; as a
# sender (chargen), that RACK resends a segment the peer's SACK shows missing well before the
# 1 s RTO and leaves the SACKed one alone, and that tail loss probes go about 2*SRTT after the
# ACKs stop; Linux's own client negotiates SACK with the stack (ss -tino says "sack"). Then the
# stack again with --no-sack: MSS alone on the SYN-ACK, no SACK blocks, and ss says no "sack".
# Counters moved by each step, no pkb left, clean exits and captures.
# RFC 2018, RFC 2883, RFC 8985 (RACK-TLP), RFC 6675, RFC 5681 3.1 and 4.2.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"
# shellcheck source=lib/tcplib.sh
. "$(dirname "$0")/lib/tcplib.sh"

# sack_probe NAME MODE [COUNTER OP N ...]: tcp_sack_peer.py MODE, then the counters it must have
# moved (each its own check), from snapshots taken around it.
sack_probe() {
    local name=$1 mode=$2 n
    shift 2
    n=$((E2E_PASS + E2E_FAIL))
    stack_snapshot "$TMP/b.$n" >/dev/null || note "stats snapshot failed"
    check "tcp.sack.$name" probe tcp_sack_peer.py "$mode"
    stack_snapshot "$TMP/a.$n" >/dev/null || note "stats snapshot failed"
    while [ $# -ge 3 ]; do
        check "stats.sack.$name.${1#tcp.}" delta_is "$1" "$2" "$3" "$TMP/b.$n" "$TMP/a.$n"
        shift 3
    done
}

# ss_sack yes|no: nc from the lab's kernel sends 8 MB to discard (port 9); while it is
# connected, ss -tino shows the connection's options: "sack" must be there (yes) or not (no).
# (-o: iproute2's ss prints the "ts sack" flags only with -o or -e; -i alone omits them.)
# The sender sleeps 1 s after its data so the connection is seen whatever the speed.
ss_sack() {
    local want=$1 pid i info='' rc
    # shellcheck disable=SC2016 # expanded by the inner sh
    timeout 20 ip netns exec "$TS_NS" sh -c '{ head -c 8000000 /dev/zero; sleep 1; } |
        nc -N "$1" 9' sh "$STACK_IP" >"$TMP/ss_nc.$want.out" 2>&1 &
    pid=$!
    for ((i = 0; i < 100; i++)); do
        info=$(in_lab ss -tinoH state established dst "$STACK_IP" dport = :9)
        [ -n "$info" ] && break
        sleep 0.05
    done
    echo "ss -tino state established dst $STACK_IP dport = :9:"
    echo "$info"
    wait "$pid"
    rc=$?
    echo "nc exit status $rc"
    cat "$TMP/ss_nc.$want.out"
    [ -n "$info" ] || { echo "no established connection to port 9 seen within 5 s"; return 1; }
    echo "want sack: $want"
    [ "$rc" -eq 0 ] || return 1
    if [ "$want" = yes ]; then
        grep -qw sack <<<"$info"
    else
        ! grep -qw sack <<<"$info"
    fi
}

lab_up
stack_start
stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"

sack_probe negotiation negotiate tcp.ooo_kept -eq 1
sack_probe receiver_blocks receiver tcp.ooo_kept -eq 5 tcp.dsack_out -eq 3
sack_probe sender_rack sender tcp.rack_lost -ge 1 tcp.sack_rexmit -ge 1 tcp.fast_rexmit -ge 1 \
    tcp.rexmit -eq 0
sack_probe tlp_echo tlp_echo tcp.tlp -ge 1 tcp.rexmit -eq 0
sack_probe tlp_chargen tlp_chargen tcp.tlp -ge 1 tcp.rexmit -eq 0
check tcp.sack.linux_client_negotiates_sack ss_sack yes

stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check pkb.in_use_back_after_sack delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s1"
check stats.sack_bad_0 delta_is tcp.sack_bad -eq 0 "$TMP/s0" "$TMP/s1"
stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
mv "$TMP/cap.pcap" "$TMP/cap.sack.pcap"
check pcap.sack_clean tcp_pcap_clean "$TMP/cap.sack.pcap"
sack_blocks_in_pcap() {
    local n
    n=$(pcap_count "$TMP/cap.sack.pcap" "eth.src == $STACK_MAC && tcp.options.sack_le")
    echo "segments from $STACK_MAC with SACK blocks (tshark tcp.options.sack_le): $n"
    [ "$n" -ge 7 ]
}
check pcap.holds_the_sack_blocks sack_blocks_in_pcap

# -- the same stack with --no-sack --------------------------------------------------------------
stack_start --no-sack
sack_probe no_sack nosack tcp.ooo_kept -eq 1 tcp.dsack_out -eq 0
check tcp.sack.no_sack_linux_client_without_sack ss_sack no
stack_stop TERM
check stack.no_sack_sigterm_exit_0 test "$STACK_RC" -eq 0
check pcap.no_sack_clean tcp_pcap_clean "$TMP/cap.pcap"
no_sack_in_pcap() {
    local n
    n=$(pcap_count "$TMP/cap.pcap" "eth.src == $STACK_MAC && (tcp.options.sack_perm || tcp.options.sack_le)")
    echo "segments from $STACK_MAC with SACK-permitted or SACK blocks: $n"
    [ "$n" -eq 0 ]
}
check pcap.no_sack_options_from_stack no_sack_in_pcap

e2e_done
