#!/usr/bin/env bash
# IP Identification end to end: the lab host 10.0.0.1 and the peer 10.0.0.3 ping the stack in
# turn; the IDs of the replies each one gets, merged in send order, are not one +1 counter, and
# a host that pings before and after the stack talked to someone else cannot count that traffic
# from its own IDs (the idle scan, RFC 6274 3.5.2). Each host's own IDs do not repeat
# (RFC 6864 4.1: unique per source, destination, protocol; the replies have DF clear).
# The IDs are read from the stack's own capture (--pcap): the frames each host received.
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

ROUNDS=20          # pings per host, alternating
BURST=10           # pings from the peer between two of the lab host's

lab_up
stack_start

# Phase 1: 10.0.0.1, 10.0.0.3, 10.0.0.1, ... one ping at a time, each answered before the next.
alternate() {
    local i
    for ((i = 0; i < ROUNDS; i++)); do
        in_lab ping -c 1 -W 2 "$STACK_IP" >/dev/null || return 1
        in_peer ping -c 1 -W 2 "$STACK_IP" >/dev/null || return 1
    done
}
check ping.alternate_both_hosts_answered alternate

# Phase 2: the lab host pings, the peer pings BURST times, the lab host pings again.
burst() {
    in_lab ping -c 1 -W 2 "$STACK_IP" >/dev/null &&
        in_peer ping -c "$BURST" -i 0.05 -W 2 "$STACK_IP" >/dev/null &&
        in_lab ping -c 1 -W 2 "$STACK_IP" >/dev/null
}
check ping.burst_between_two_pings burst

stack_stop TERM                          # the capture is complete once the stack has exited

# "DST ID" for every echo reply the stack sent, in the order it sent them.
reply_ids() {
    timeout 60 tshark -n -r "$TMP/cap.pcap" -Y "eth.src == $STACK_MAC && icmp.type == 0" \
        -T fields -e ip.dst -e ip.id 2>/dev/null |
        while read -r dst id; do echo "$dst $((id))"; done >"$TMP/ids.txt"
    cat "$TMP/ids.txt"
    [ "$(wc -l <"$TMP/ids.txt")" -eq $((2 * ROUNDS + BURST + 2)) ]
}
check pcap.every_reply_captured reply_ids

# Each host's IDs are unique (over the whole run).
unique_per_host() {
    local h n u
    for h in "$HOST_IP" 10.0.0.3; do
        n=$(awk -v h="$h" '$1 == h' "$TMP/ids.txt" | wc -l)
        u=$(awk -v h="$h" '$1 == h { print $2 }' "$TMP/ids.txt" | sort -u | wc -l)
        echo "$h: $n replies, $u distinct IDs"
        [ "$n" -gt 0 ] && [ "$n" -eq "$u" ] || return 1
    done
}
check ipid.unique_per_host unique_per_host

# Phase 1 merged in send order: with one shared counter every ID is the previous one + 1.
not_one_counter() {
    local plus1
    plus1=$(head -n $((2 * ROUNDS)) "$TMP/ids.txt" |
        awk 'NR > 1 && ($2 - prev + 65536) % 65536 == 1 { n++ } { prev = $2 } END { print n + 0 }')
    echo "phase 1: $plus1 of $((2 * ROUNDS - 1)) consecutive replies (alternating hosts) are +1"
    [ "$plus1" -le 2 ]
}
check ipid.two_hosts_not_one_counter not_one_counter

# Phase 2: the lab host's two IDs are one step (1..8) apart, whatever the stack sent in between;
# with one shared counter they would be BURST + 1 apart.
idle_scan_blind() {
    local a1 a2 d
    a1=$(tail -n $((BURST + 2)) "$TMP/ids.txt" | head -n 1)
    a2=$(tail -n 1 "$TMP/ids.txt")
    echo "lab host before the burst: $a1; after: $a2"
    [ "${a1%% *}" = "$HOST_IP" ] && [ "${a2%% *}" = "$HOST_IP" ] || return 1
    d=$(((${a2##* } - ${a1##* } + 65536) % 65536))
    echo "its ID moved by $d across $BURST replies to 10.0.0.3 (one counter: $((BURST + 1)))"
    [ "$d" -ge 1 ] && [ "$d" -le 8 ]
}
check ipid.idle_scan_cannot_count_other_traffic idle_scan_blind

e2e_done
