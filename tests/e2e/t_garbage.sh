#!/usr/bin/env bash
# Robustness: 10,000 random and almost-valid frames (probes/garbage.py). Afterwards the stack
# still answers ping, its pkb pool is back to its idle count (once parked packets waiting for
# ARP have timed out) and its RSS has not grown by more than 512 kB.
# RFC 1122 1.2.2 (robustness principle), RFC 1122 2.3.2.2 (bounded ARP queue).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

GARBAGE_COUNT=${GARBAGE_COUNT:-10000}
GARBAGE_SEED=${GARBAGE_SEED:-$(( (RANDOM << 15) | RANDOM ))}
RSS_MARGIN_KB=512
PKB_SETTLE_S=20        # ARP gives up on unanswered addresses within this (retries + timeouts)

lab_up
stack_start

check ping.before in_lab ping -c 3 -i 0.2 -W 2 "$STACK_IP"
# The idle value of pkb.in_use: the one seen after plain pings, before any garbage.
stack_snapshot "$TMP/s_idle" >/dev/null || note "stats snapshot failed"
IDLE=$(stat_get "$TMP/s_idle" pkb.in_use) || IDLE=missing
# A first, smaller round touches every buffer of the pools once, so the RSS measured after it
# is the working set and real growth (a leak) shows in the second round.
check garbage.warm_up_round probe garbage.py 2000 "$((GARBAGE_SEED + 1))"
check ping.after_warm_up in_lab ping -c 2 -i 0.2 -W 2 "$STACK_IP"

# pkb_settle FILE: wait (bounded) until pkb.in_use is at its idle value; snapshot into FILE.
pkb_settle() {
    local file=$1 i v
    for ((i = 0; i < PKB_SETTLE_S * 4; i++)); do
        stack_snapshot "$file" >/dev/null || return 1
        v=$(stat_get "$file" pkb.in_use) || { echo "no pkb.in_use counter"; return 1; }
        [ "$v" = "$IDLE" ] && { echo "pkb.in_use $v (idle $IDLE) after $((i / 4)) s"; return 0; }
        sleep 0.25
    done
    echo "pkb.in_use $v, idle value $IDLE, still not back after $PKB_SETTLE_S s"
    return 1
}
check pkb.idle_after_warm_up pkb_settle "$TMP/s0"
RSS0=$(rss_kb)
note "idle pkb.in_use $IDLE, RSS ${RSS0} kB before $GARBAGE_COUNT garbage frames (seed $GARBAGE_SEED)"

check garbage.sent probe garbage.py "$GARBAGE_COUNT" "$GARBAGE_SEED"
check ping.still_answers in_lab ping -c 3 -i 0.2 -W 2 "$STACK_IP"
check pkb.in_use_back_to_idle pkb_settle "$TMP/s1"
check stats.ether_rx_moved delta_is ether.rx -ge 1000 "$TMP/s0" "$TMP/s1"

rss_bounded() {
    local now
    now=$(rss_kb)
    echo "RSS ${RSS0} kB -> ${now} kB (growth $((now - RSS0)) kB, limit $RSS_MARGIN_KB kB)"
    [ $((now - RSS0)) -le "$RSS_MARGIN_KB" ]
}
check mem.rss_growth_le_512k rss_bounded
for c in ipv4.bad_checksum ipv4.bad_version ipv4.bad_hlen ipv4.bad_len arp.not_for_us; do
    note "$c: $(stat_get "$TMP/s0" "$c") -> $(stat_get "$TMP/s1" "$c")"
done

stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
check pcap.stack_frames_clean pcap_clean "$TMP/cap.pcap" "eth.src == $STACK_MAC"

# RFC 1122 3.2.2: an ICMP error MUST NOT be sent about an ICMP error, a datagram to a broadcast
# or multicast address, a non-initial fragment, or one whose source is not a single host (zero,
# loopback, broadcast, multicast, class E). The garbage holds plenty of each. #1 is the error's
# own IPv4 header, #2 the quoted one.
no_error_storms() {
    local v n
    v="eth.src == $STACK_MAC && $ICMP_ERR && ("
    v+='icmp.type#2 == 3 || icmp.type#2 == 4 || icmp.type#2 == 5 || icmp.type#2 == 11 || icmp.type#2 == 12'
    v+=' || ip.dst#2 == 224.0.0.0/4 || ip.dst#2 == 240.0.0.0/4 || ip.dst#2 == 10.0.0.255'
    v+=' || ip.frag_offset#2 > 0'
    v+=' || ip.dst#1 == 0.0.0.0 || ip.dst#1 == 127.0.0.0/8 || ip.dst#1 == 224.0.0.0/4'
    v+=' || ip.dst#1 == 240.0.0.0/4 || ip.dst#1 == 10.0.0.255)'
    n=$(pcap_count "$TMP/cap.pcap" "$v")
    echo "ICMP errors the stack must not have sent: $n"
    [ "$n" -eq 0 ] && return 0
    timeout 60 tshark -n -r "$TMP/cap.pcap" -Y "$v" 2>/dev/null | head -n 10
    return 1
}
check icmp.no_errors_about_bcast_mcast_frags no_error_storms

e2e_done
