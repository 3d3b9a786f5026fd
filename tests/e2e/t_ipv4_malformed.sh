#!/usr/bin/env bash
# IPv4/ICMP validation end to end: each malformed probe (scapy, probes/probe_*.py) gets no
# answer and moves exactly its own drop counter; an unknown protocol gets an ICMP protocol
# unreachable quoting the offending header. Every frame the stack sent is clean for tshark.
# RFC 791, RFC 792, RFC 1122 3.2.1 and 3.2.2 (the RFC of each probe is in its opening comment).
# shellcheck source=lib/lib.sh disable=SC2317,SC2119 # check calls functions by name
. "$(dirname "$0")/lib/lib.sh"

lab_up
stack_start

# Warm up (ARP both ways), so that the probes below see a settled stack.
check ping.warm_up in_lab ping -c 2 -i 0.2 -W 2 "$STACK_IP"

# probe_case NAME SCRIPT COUNTER DELTA [COUNTER DELTA...]: the probe passes (no answer, or the
# expected one) and each counter moved by exactly DELTA.
probe_case() {
    local name=$1 script=$2
    shift 2
    stack_snapshot "$TMP/$name.before" >/dev/null || note "stats snapshot failed"
    check "probe.$name" probe "$script"
    stack_snapshot "$TMP/$name.after" >/dev/null || note "stats snapshot failed"
    while [ $# -ge 2 ]; do
        check "stats.$name.$1+$2" delta_is "$1" -eq "$2" "$TMP/$name.before" "$TMP/$name.after"
        shift 2
    done
}

probe_case ip_bad_checksum   probe_ip_bad_checksum.py   ipv4.bad_checksum 1
probe_case ip_bad_version    probe_ip_bad_version.py    ipv4.bad_version 1
probe_case ip_bad_hlen       probe_ip_bad_hlen.py       ipv4.bad_hlen 2
probe_case ip_bad_len        probe_ip_bad_len.py        ipv4.bad_len 2
probe_case ip_not_for_us     probe_ip_not_for_us.py     ipv4.not_for_us 1
probe_case icmp_bad_checksum probe_icmp_bad_checksum.py icmp.bad_checksum 1
probe_case ip_unknown_proto  probe_ip_unknown_proto.py  ipv4.unknown_proto 1 icmp.unreach_out 1

# None of the malformed frames may leave a buffer behind.
stack_snapshot "$TMP/end" >/dev/null || note "stats snapshot failed"
check pkb.in_use_back_after_probes delta_is pkb.in_use -eq 0 "$TMP/ip_bad_checksum.before" "$TMP/end"
check ping.still_answers in_lab ping -c 2 -i 0.2 -W 2 "$STACK_IP"

stack_stop TERM
check stack.sigterm_exit_0 test "$STACK_RC" -eq 0
# The probes themselves are malformed on purpose: judge only what the stack sent.
check pcap.stack_frames_clean pcap_clean "$TMP/cap.pcap" "eth.src == $STACK_MAC"
unreach_in_pcap() {
    local n
    n=$(pcap_count "$TMP/cap.pcap" "eth.src == $STACK_MAC && icmp.type == 3 && icmp.code == 2")
    echo "protocol unreachables from the stack in the capture: $n"
    [ "$n" -eq 1 ]
}
check pcap.one_protocol_unreachable unreach_in_pcap

e2e_done
