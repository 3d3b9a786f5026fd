#!/usr/bin/env bash
# Hostile ARP from the lab's bridge (scapy, raw frames, all to the stack's MAC), each attack
# reproduced and then judged by where the stack sends its echo reply to 10.0.0.1 (the gateway)
# and by its counters:
#  - forged replies and a forged gratuitous ARP for 10.0.0.1 right after it was learned: kept
#    out by the locktime (arp.locked);
#  - 200 replies nobody asked for, from made-up addresses: no entry (arp.unsolicited);
#  - 50 requests for us from senders outside 10.0.0.0/24: not cached, not answered
#    (arp.off_subnet);
#  - a cache flood: 250 made-up on-link senders ask for us (the cache holds 64): each is
#    answered, they replace one another (arp.cache_full) and never the gateway's entry.
# After all of it the gateway's entry holds its real MAC (the stack never asks for it again),
# /status shows it, the peer namespace still pings the stack, HTTP answers.
# RFC 826 (merge rule) as Linux applies it with arp_accept=0 and a 1 s locktime; RFC 1122
# 3.3.1.1 (on-link); RFC 5227 3 (gratuitous ARP).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

lab_up
stack_start                    # the defaults: 64 entries, locktime 1000 ms

snap() { stack_snapshot "$TMP/$1" >/dev/null || note "stats snapshot $1 failed"; }

# Nothing has talked to the stack yet: the gateway's entry is born inside the first attack.
snap s0
check arp.forged_gateway_reply_ignored probe hostile_arp.py gateway 20
snap s1
check stats.arp_locked_ge_20 delta_is arp.locked -ge 20 "$TMP/s0" "$TMP/s1"

check arp.unsolicited_replies_not_cached probe hostile_arp.py unsolicited 200
snap s2
check stats.arp_unsolicited_200 delta_is arp.unsolicited -eq 200 "$TMP/s1" "$TMP/s2"
entries_at_most() {
    local n
    n=$(stat_get "$1" arp.entries) || { echo "no arp.entries in the snapshot"; return 1; }
    echo "arp.entries $n (want <= $2)"
    [ "$n" -le "$2" ]
}
check stats.arp_entries_still_1 entries_at_most "$TMP/s2" 1

check arp.off_subnet_senders_ignored probe hostile_arp.py offsubnet 50
snap s3
check stats.arp_off_subnet_50 delta_is arp.off_subnet -eq 50 "$TMP/s2" "$TMP/s3"
check stats.arp_entries_still_1_after_off_subnet entries_at_most "$TMP/s3" 1

check arp.cache_flood_keeps_gateway probe hostile_arp.py flood 250
snap s4
# 250 new senders into 63 free slots (the gateway holds the 64th): 187 or more replaced.
check stats.arp_cache_full_ge_187 delta_is arp.cache_full -ge 187 "$TMP/s3" "$TMP/s4"
check stats.arp_cache_full_refused_0 delta_is arp.cache_full_refused -eq 0 "$TMP/s3" "$TMP/s4"
check stats.arp_entries_at_most_64 entries_at_most "$TMP/s4" 64

status_shows_gateway() {
    local page
    page=$(in_lab curl -s -m 5 "http://$STACK_IP/status?format=text") || page=
    [ -n "$page" ] || page=$(in_lab curl -s -m 5 "http://$STACK_IP/status")
    grep -E '10\.0\.0\.1[[:space:]]' <<<"$page" | head -n 3
    grep -Eqi "10\.0\.0\.1[[:space:]]+${TS_BR_MAC}[[:space:]]" <<<"$page"
}
check status.gateway_entry_has_real_mac status_shows_gateway
check peer.ping_after_attacks in_peer ping -c 2 -i 0.2 -W 2 "$STACK_IP"
check http.answers_after_attacks in_lab curl -s -o /dev/null -m 5 -w '%{http_code}\n' \
    "http://$STACK_IP/"

stack_stop INT
check stack.sigint_exit_0 test "$STACK_RC" -eq 0

e2e_done
