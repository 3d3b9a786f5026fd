#!/usr/bin/python3
"""gen_ipv4.py - IPv4 replay vectors (RFC 791, RFC 1122 3.2.1, 3.2.2 for the errors IP sends).

    tests/replay/gen_ipv4.py [--out DIR] [--list] [NAME...]

Offsets in a frame: the IPv4 header starts at byte 14: version/IHL 14, TOS 15, total length
16-17, ID 18-19, flags/fragment offset 20-21, TTL 22, protocol 23, checksum 24-25, source
26-29, destination 30-33.
"""
import struct

from veclib import (Vector, main, hello, dropped, echo_request, ip_frame, expect_echo_reply,
                    expect_unreach, patch, pad60, Ether, IP, ICMP, Raw, IPOPT_ROUTER_ALERT,
                    ping_payload, HOST_MAC, HOST_IP, STACK_MAC, STACK_IP, BCAST_MAC, BCAST_IP)


def be16(n):
    return struct.pack("!H", n)


def ip_bad_checksum():
    f = echo_request(seq=1)
    csum = struct.unpack("!H", f[24:26])[0]
    return dropped(
        "ip-bad-checksum",
        "datagrams whose header checksum does not verify are dropped (one off by one bit, "
        "one with the checksum field zero)",
        "RFC 1122 3.2.1.2: a host MUST verify the header checksum and silently discard a "
        "datagram that fails",
        [(0.010, patch(f, 24, be16(csum ^ 0x0001), False), "echo request, header checksum "
          "0x%04x (correct: 0x%04x)" % (csum ^ 1, csum)),
         (0.011, patch(f, 24, be16(0), False), "echo request, header checksum 0x0000 "
          "(IPv4 has no 'no checksum' value)")])


def ip_bad_version():
    f = echo_request(seq=1)
    return dropped(
        "ip-bad-version",
        "IPv4-framed datagrams whose version field is not 4 are dropped (checksums correct)",
        "RFC 1122 3.2.1.1: a datagram whose version number is not 4 MUST be silently discarded",
        [(0.010, patch(f, 14, b"\x65"), "echo request with version 6 (IHL 5, checksum fixed)"),
         (0.011, patch(f, 14, b"\x05"), "echo request with version 0 (IHL 5, checksum fixed)")])


def ip_ihl_lt_5():
    f = echo_request(seq=1)
    return dropped(
        "ip-ihl-lt-5",
        "datagrams whose IHL is below 5 (a header shorter than 20 bytes) are dropped",
        "RFC 791 3.1: 'the minimum value for a correct header is 5'",
        [(0.010, patch(f, 14, b"\x44"), "echo request with IHL 4 (checksum over 20 bytes)"),
         (0.011, patch(f, 14, b"\x40"), "echo request with IHL 0 (checksum over 20 bytes)")])


def ip_total_len_beyond_frame():
    f = echo_request(seq=1)                      # 98-byte frame, total length 84, no padding
    return dropped(
        "ip-total-len-beyond-frame",
        "datagrams whose total length claims more bytes than the frame carries are dropped",
        "RFC 791 3.1 (total length); RFC 1812 5.2.2 (the link must hold the whole datagram)",
        [(0.010, patch(f, 16, be16(85)), "echo request in a 98-byte frame, total length 85 "
          "(84 carried)"),
         (0.011, patch(f, 16, be16(1500)), "echo request in a 98-byte frame, total length 1500")])


def ip_total_len_lt_ihl():
    f = echo_request(seq=1)
    return dropped(
        "ip-total-len-lt-ihl",
        "datagrams whose total length is smaller than their own header are dropped",
        "RFC 791 3.1: total length counts header and data, so it is at least IHL*4; RFC 1812 "
        "5.2.2",
        [(0.010, patch(f, 16, be16(19)), "echo request with total length 19 (< 20-byte header)"),
         (0.011, patch(f, 16, be16(0)), "echo request with total length 0")])


def ip_fragment():
    icmp = bytes(ICMP(type=8, code=0, id=0x1234, seq=1) / Raw(ping_payload(64, 1)))  # 72 bytes
    frag1 = pad60(Ether(dst=STACK_MAC, src=HOST_MAC) /
                  IP(src=HOST_IP, dst=STACK_IP, id=0x4242, flags="MF", frag=0, proto=1) /
                  Raw(icmp[:48]))
    frag2 = pad60(Ether(dst=STACK_MAC, src=HOST_MAC) /
                  IP(src=HOST_IP, dst=STACK_IP, id=0x4242, flags=0, frag=6, proto=1) /
                  Raw(icmp[48:]))
    return dropped(
        "ip-fragment",
        "the two fragments of a 92-byte echo request are dropped: no reassembly (LIMIT: "
        "ipv4.fragment; RFC 1122 3.3.2 says a host MUST reassemble: when reassembly comes, "
        "this vector gains an echo reply)",
        "RFC 791 3.2 (fragmentation); the stack's documented non-feature against RFC 1122 3.3.2",
        [(0.010, frag1, "fragment 1: ID 0x4242, MF, offset 0, 48 bytes of the echo request"),
         (0.011, frag2, "fragment 2: ID 0x4242, offset 6 (48 bytes), the last 24 bytes")])


def ip_options():
    v = Vector("ip-options",
               "an echo request carrying an IP option (Router Alert, IHL 6) is answered; the "
               "reply carries no options and the full data",
               "RFC 1122 3.2.1.8 (options are accepted; unknown ones ignored); RFC 1122 3.2.2.6 "
               "(echo data returned); RFC 2113 (Router Alert)")
    hello(v)
    n = v.send(0.010, echo_request(seq=1, options=[IPOPT_ROUTER_ALERT]),
               "echo request seq 1 with the Router Alert option (IHL 6)")
    expect_echo_reply(v, 0.010, n, 0,
                      why="RFC 792 echo reply, header without options (IHL 5): only record-route "
                      "and timestamp SHOULD be reflected (RFC 1122 3.2.2.6); same data")
    v.total("the announcement, the ARP reply and the echo reply")
    return v


def ip_not_for_us():
    return dropped(
        "ip-not-for-us",
        "datagrams for other IP addresses, in frames for our MAC, are dropped (a host does "
        "not forward)",
        "RFC 1122 3.2.1.3: a host MUST silently discard a datagram not destined for it",
        [(0.010, echo_request(seq=1, dst="10.0.0.9"), "echo request to 10.0.0.9, our MAC"),
         (0.011, echo_request(seq=2, dst="192.0.2.1"), "echo request to 192.0.2.1, our MAC")])


def ip_unicast_in_l2_bcast():
    return dropped(
        "ip-unicast-in-l2-bcast",
        "an echo request to our unicast address that arrives in an Ethernet broadcast frame is "
        "dropped (a SHOULD; Linux keeps it unless drop_unicast_in_l2_multicast is set)",
        "RFC 1122 3.3.6: a host SHOULD silently discard a datagram received via a link-layer "
        "broadcast that does not specify an IP broadcast or multicast destination",
        [(0.010, echo_request(seq=1, dst_mac=BCAST_MAC), "echo request seq 1 to 10.0.0.2 in a "
          "frame to ff:ff:ff:ff:ff:ff")])


def ip_src_broadcast():
    return dropped(
        "ip-src-broadcast",
        "datagrams whose source is a broadcast or multicast address are dropped",
        "RFC 1122 3.2.1.3: such source addresses are invalid and the datagram MUST be silently "
        "discarded",
        [(0.010, echo_request(seq=1, src="255.255.255.255"), "echo request from 255.255.255.255"),
         (0.011, echo_request(seq=2, src=BCAST_IP), "echo request from 10.0.0.255 "
          "(the subnet broadcast)"),
         (0.012, echo_request(seq=3, src="224.0.0.1"), "echo request from 224.0.0.1")])


def ip_src_loopback():
    return dropped(
        "ip-src-loopback",
        "datagrams from or to 127/8 arriving on Ethernet are dropped",
        "RFC 1122 3.2.1.3 (g): 127/8 addresses MUST NOT appear outside a host",
        [(0.010, echo_request(seq=1, src="127.0.0.1"), "echo request from 127.0.0.1"),
         (0.011, echo_request(seq=2, dst="127.0.0.1"), "echo request to 127.0.0.1, our MAC")])


def ip_ttl_low():
    v = Vector("ip-ttl-low",
               "echo requests arriving with TTL 1 and TTL 0 are answered, with TTL 64",
               "RFC 1122 3.2.1.7: a host MUST NOT discard a datagram just because it was "
               "received with TTL less than 2")
    hello(v)
    n1 = v.send(0.010, echo_request(seq=1, ttl=1), "echo request seq 1, TTL 1")
    expect_echo_reply(v, 0.010, n1, 0, why="RFC 1122 3.2.1.7: delivered and answered; the reply "
                      "has the stack's own TTL 64; first IP ID of its counter")
    n2 = v.send(0.020, echo_request(seq=2, ttl=0), "echo request seq 2, TTL 0")
    expect_echo_reply(v, 0.020, n2, 1, why="RFC 1122 3.2.1.7: TTL 0 is 'less than 2' too; "
                      "second IP ID of its counter")
    v.total("both requests answered")
    return v


def ip_unknown_proto():
    v = Vector("ip-unknown-proto",
               "a datagram for an unknown protocol (253) gets ICMP protocol unreachable quoting "
               "its IP header and first 8 data bytes, without the Ethernet padding",
               "RFC 1122 3.2.2.1 (SHOULD send protocol unreachable); RFC 792 (type 3 code 2, "
               "quote = header + 64 bits of data); RFC 1122 3.2.2")
    hello(v)
    n = v.send(0.010, ip_frame(b"protocol 253, 24 bytes..", 253, ip_id=0xB0C7, ttl=61),
               "protocol 253, 24 data bytes, TTL 61 (58-byte frame padded to 60)")
    expect_unreach(v, 0.010, n, 2, 0)
    v.total("one error for the one datagram")
    return v


def ip_unknown_proto_options():
    v = Vector("ip-unknown-proto-options",
               "protocol unreachable for a datagram with an option quotes the whole 24-byte "
               "header (option included) and the first 8 data bytes",
               "RFC 792: 'the internet header plus the first 64 bits of the original datagram's "
               "data'; RFC 1122 3.2.2")
    hello(v)
    n = v.send(0.010, ip_frame(b"protocol 253 with options", 253, ip_id=0xB0C8,
                               options=[IPOPT_ROUTER_ALERT]),
               "protocol 253 with the Router Alert option (IHL 6), 25 data bytes")
    expect_unreach(v, 0.010, n, 2, 0)
    v.total("one error for the one datagram")
    return v


def ip_unknown_proto_bcast():
    v = Vector("ip-unknown-proto-bcast",
               "no ICMP error for unknown-protocol datagrams sent to a broadcast address; the "
               "same datagram sent to our address gets one",
               "RFC 1122 3.2.2: an ICMP error MUST NOT be sent for a datagram destined to an "
               "IP broadcast or multicast address")
    hello(v)
    v.send(0.010, ip_frame(b"to the subnet broadcast..", 253, dst=BCAST_IP, dst_mac=BCAST_MAC),
           "protocol 253 to 10.0.0.255 (Ethernet broadcast)  -> no error")
    v.send(0.011, ip_frame(b"to the limited broadcast.", 253, dst="255.255.255.255",
                           dst_mac=BCAST_MAC),
           "protocol 253 to 255.255.255.255 (Ethernet broadcast)  -> no error")
    n = v.send(0.020, ip_frame(b"to 10.0.0.2 (the control)", 253), "protocol 253 to 10.0.0.2")
    expect_unreach(v, 0.020, n, 2, 0,
                   why="RFC 1122 3.2.2.1: the unicast one gets protocol unreachable; first IP ID "
                   "of its counter, so nothing was sent for the broadcasts")
    v.total("one error, for the unicast datagram only")
    return v


VECTORS = [ip_bad_checksum, ip_bad_version, ip_ihl_lt_5, ip_total_len_beyond_frame,
           ip_total_len_lt_ihl, ip_fragment, ip_options, ip_not_for_us, ip_unicast_in_l2_bcast,
           ip_src_broadcast, ip_src_loopback, ip_ttl_low, ip_unknown_proto,
           ip_unknown_proto_options, ip_unknown_proto_bcast]

if __name__ == "__main__":
    main(VECTORS)
