#!/usr/bin/env bash
# ARP end to end: arping gets exactly the stack's answers, a request for another address gets
# none, a second host (the peer namespace) resolves and pings the stack, SIGINT ends it cleanly.
# RFC 826 (ARP), RFC 1122 2.3.2 (ARP cache, queueing while resolving).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

lab_up
stack_start

# Thomas Habets' arping (Debian's "arping") takes -i; iputils' arping takes -I.
if arping --help 2>&1 | grep -q Habets; then
    ARPING=(arping -i "$TS_BR" -W 0.2 -c 3)
else
    ARPING=(arping -I "$TS_BR" -i 0.2 -c 3)
fi

stack_snapshot "$TMP/s0" >/dev/null || note "stats snapshot failed"
arping_3() {
    local out got
    out=$(in_lab "${ARPING[@]}" "$STACK_IP")
    echo "$out"
    got=$(grep -ci "$STACK_MAC" <<<"$out")
    echo "replies naming $STACK_MAC: $got"
    [ "$got" -ge 3 ] && grep -Eq '3 packets transmitted, 3 packets received|Received 3 response' <<<"$out"
}
check arping.3_replies_from_stack_mac arping_3
stack_snapshot "$TMP/s1" >/dev/null || note "stats snapshot failed"
check stats.arp_req_in_ge_3 delta_is arp.req_in -ge 3 "$TMP/s0" "$TMP/s1"
check stats.arp_reply_out_ge_3 delta_is arp.reply_out -ge 3 "$TMP/s0" "$TMP/s1"

stack_snapshot "$TMP/s2" >/dev/null || note "stats snapshot failed"
check arp.no_reply_for_other_ip probe probe_arp_other_ip.py
stack_snapshot "$TMP/s3" >/dev/null || note "stats snapshot failed"
check stats.arp_not_for_us_plus_1 delta_is arp.not_for_us -eq 1 "$TMP/s2" "$TMP/s3"

# The peer (10.0.0.3, behind veth) has never talked to the stack: full ARP both ways.
check peer.ping_through_bridge in_peer ping -c 3 -i 0.2 -W 2 "$STACK_IP"
peer_neigh_is_stack_mac() {
    local n
    n=$(ip -n "$TS_PEER_NS" neigh show "$STACK_IP")
    echo "peer's neighbour entry: $n"
    grep -qi "lladdr $STACK_MAC" <<<"$n"
}
check peer.neigh_is_stack_mac peer_neigh_is_stack_mac

stack_stop INT
check stack.sigint_exit_0 test "$STACK_RC" -eq 0
check pcap.no_malformed_or_bad_checksum pcap_clean "$TMP/cap.pcap"

e2e_done
