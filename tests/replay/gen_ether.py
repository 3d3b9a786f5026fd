#!/usr/bin/python3
"""gen_ether.py - Ethernet replay vectors (RFC 894, IEEE 802.3 addressing).

    tests/replay/gen_ether.py [--out DIR] [--list] [NAME...]

Every vector here is "these frames must be dropped silently", followed by a control echo
request that must be answered with the first IP ID of its counter (veclib.dropped).
"""
from veclib import main, dropped, echo_request, pad60, Ether, Raw, STACK_MAC, HOST_MAC


def eth_not_for_us():
    return dropped(
        "eth-not-for-us",
        "a frame addressed to another station's MAC is dropped even though its IP destination "
        "is ours (a bridge floods unknown unicast to every port)",
        "IEEE 802.3 address recognition: a station takes frames for its own address, broadcast "
        "and the groups it joined; RFC 894",
        [(0.010, echo_request(seq=1, dst_mac="02:74:73:00:00:99"),
          "echo request seq 1 to 10.0.0.2 in a frame for 02:74:73:00:00:99"),
         (0.011, echo_request(seq=2, dst_mac="01:80:c2:00:00:0e"),
          "echo request seq 2 to 10.0.0.2 in a frame for group 01:80:c2:00:00:0e "
          "(LLDP's; the stack joins no group)")])


def eth_unknown_type():
    ipv6 = pad60(Ether(dst=STACK_MAC, src=HOST_MAC, type=0x86DD) / Raw(bytes(40)))
    local = pad60(Ether(dst=STACK_MAC, src=HOST_MAC, type=0x88B5) / Raw(b"local experimental"))
    return dropped(
        "eth-unknown-type",
        "frames whose EtherType is neither IPv4 (0x0800) nor ARP (0x0806) are dropped",
        "RFC 894 (IPv4 is type 0x0800), RFC 826 (ARP is 0x0806); nothing else is spoken",
        [(0.010, ipv6, "EtherType 0x86dd (IPv6) to our MAC"),
         (0.011, local, "EtherType 0x88b5 (IEEE local experimental) to our MAC")])


def eth_group_src():
    return dropped(
        "eth-group-src",
        "a frame whose source MAC is a group (multicast) address is dropped",
        "IEEE 802.3 3.2.3: the source address is always an individual address",
        [(0.010, echo_request(seq=1, src_mac="01:00:5e:00:00:01"),
          "echo request seq 1 from source MAC 01:00:5e:00:00:01"),
         (0.011, echo_request(seq=2, src_mac="ff:ff:ff:ff:ff:ff"),
          "echo request seq 2 from source MAC ff:ff:ff:ff:ff:ff")])


def eth_runt():
    full = echo_request(seq=1)
    return dropped(
        "eth-runt",
        "frames too short for their headers (10 bytes; an Ethernet header alone; an IPv4 "
        "header cut at 19 bytes) are dropped without reading past their end",
        "IEEE 802.3 (14-byte header); RFC 791 3.1 (the IPv4 header is at least 20 bytes)",
        [(0.010, full[:10], "10-byte frame (the tap delivers runts as they come)"),
         (0.011, full[:14], "14-byte frame: Ethernet header, type IPv4, no IP header"),
         (0.012, full[:14 + 19], "33-byte frame: the IPv4 header cut after 19 bytes")])


VECTORS = [eth_not_for_us, eth_unknown_type, eth_group_src, eth_runt]

if __name__ == "__main__":
    main(VECTORS)
