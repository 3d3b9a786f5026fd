#!/usr/bin/env bash
# ICMP echo end to end: the real ping against the stack, answers really come from the stack (its
# MAC, not tap0's; nothing once it is stopped), payload sizes, 200 pings at 10 ms with no loss,
# exact counters, no pkb leak, clean exit on SIGTERM, and a capture tshark finds clean.
# RFC 792 (echo), RFC 1122 3.2.2.6 (a host MUST answer echo requests), RFC 826 (ARP).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

lab_up
stack_start

tap_has_no_address() {
    local a
    a=$(ip -n "$TS_NS" -4 -o addr show dev "$TS_TAP")
    echo "tap0 IPv4 addresses: '${a}'"
    [ -z "$a" ]
}
check lab.tap0_has_no_address tap_has_no_address

check ping.first in_lab ping -c 1 -W 2 "$STACK_IP"

neigh_is_stack_mac() {
    local n
    n=$(ip -n "$TS_NS" neigh show "$STACK_IP" dev "$TS_BR")
    echo "neighbour entry: $n"
    grep -qi "lladdr $STACK_MAC" <<<"$n"
}
check arp.neigh_is_stack_mac neigh_is_stack_mac

tap_mac_differs() {
    local m
    m=$(ip -n "$TS_NS" -br link show dev "$TS_TAP" | awk '{ print $3 }')
    echo "tap0 MAC $m, stack MAC $STACK_MAC"
    [ -n "$m" ] && [ "${m,,}" != "${STACK_MAC,,}" ]
}
check lab.tap0_mac_is_not_stack_mac tap_mac_differs

check icmp.echo_reply_fields probe probe_echo_reply.py

# ping -s N: every reply is N + 8 bytes long (iputils prints "N+8 bytes from").
ping_size() {
    local n=$1 out got
    out=$(in_lab ping -c 3 -i 0.2 -W 2 -s "$n" "$STACK_IP")
    echo "$out"
    got=$(grep -c "^$((n + 8)) bytes from $STACK_IP" <<<"$out")
    [ "$got" -eq 3 ]
}
for n in 0 1 56 1472; do
    check "ping.size_$n" ping_size "$n"
done

stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"
ping_flood() {
    local out
    out=$(in_lab ping -c 200 -i 0.01 -W 1 -q "$STACK_IP")
    echo "$out"
    grep -q ' 0% packet loss' <<<"$out"
}
check ping.200_at_10ms_no_loss ping_flood
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check stats.icmp_echo_in_200 delta_is icmp.echo_in -eq 200 "$TMP/s0" "$TMP/s1"
check stats.icmp_echo_out_200 delta_is icmp.echo_out -eq 200 "$TMP/s0" "$TMP/s1"
check stats.ipv4_rx_ge_200 delta_is ipv4.rx -ge 200 "$TMP/s0" "$TMP/s1"
check stats.ether_rx_ge_200 delta_is ether.rx -ge 200 "$TMP/s0" "$TMP/s1"
check stats.ether_tx_ge_200 delta_is ether.tx -ge 200 "$TMP/s0" "$TMP/s1"
check pkb.in_use_back_after_ping delta_is pkb.in_use -eq 0 "$TMP/s0" "$TMP/s1"

# Stopped: SIGTERM ends it with status 0 and (--stats) a last stats block; then nobody answers.
ends_before=$(grep -c '^--- end stats ---$' "$TMP/stack.out")
stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
check stack.stats_printed_at_exit test "$(grep -c '^--- end stats ---$' "$TMP/stack.out")" -gt "$ends_before"
no_answer_when_stopped() {
    ! in_lab ping -c 2 -i 0.2 -W 1 "$STACK_IP"
}
check ping.fails_when_stack_stopped no_answer_when_stopped

check pcap.no_malformed_or_bad_checksum pcap_clean "$TMP/cap.pcap"
stack_replies_in_pcap() {
    local n
    n=$(pcap_count "$TMP/cap.pcap" "eth.src == $STACK_MAC && icmp.type == 0")
    echo "echo replies from $STACK_MAC in the capture: $n"
    [ "$n" -ge 200 ]
}
check pcap.holds_the_stack_replies stack_replies_in_pcap

e2e_done
