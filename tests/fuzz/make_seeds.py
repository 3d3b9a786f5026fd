#!/usr/bin/env python3
"""make_seeds.py - write the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Plain Python, no scapy: a few hand-built valid frames, each field named where it is packed.
Run it again after changing it; the generated files are committed (they are small).

  fuzz_frames   records of  length (BE16) | tick | ctl | frame   (see fuzz_frames.c);
                the seeds use ctl 0x01 (frame as is) or 0x81 (and answer ARP requests)
  fuzz_parsers  selector byte | bytes   (0 ether, 1 arp, 2 ipv4, 3 icmp, 4 ip4 str, 5 mac str,
                6 udp, 7 tcp)
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

STACK_MAC = bytes.fromhex("027473000002")      # fuzz_frames.c: our_mac
HOST_MAC = bytes.fromhex("020000000001")       # 10.0.0.1, the gateway
PEER_MAC = bytes.fromhex("020000000005")       # 10.0.0.5
BCAST = b"\xff" * 6
STACK_IP, HOST_IP, PEER_IP = "10.0.0.2", "10.0.0.1", "10.0.0.5"

RAW, ANSWER = 0x01, 0x80
# fuzz_frames fix-ups for a TCP reply: seq/ack follow the stack's last segment (0x04), total
# length (0x10) and checksums (0x20) right, not a fragment (0x40); bit 0 clear = fix up.
FOLLOW = 0x04 | 0x10 | 0x20 | 0x40


def ip(s):
    return bytes(int(x) for x in s.split("."))


def csum(b):
    """RFC 1071: one's complement of the one's complement sum of 16-bit words."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ether(dst, src, etype, payload, pad=True):
    frame = dst + src + struct.pack("!H", etype) + payload
    if not pad:  # for fix-up records that set the IPv4 total length from the frame's length
        return frame
    return frame + b"\0" * max(0, 60 - len(frame))  # pad to the 60-byte minimum


def arp(op, sha, spa, tha, tpa):
    # hrd 1 (Ethernet), pro 0x0800, hln 6, pln 4, op, sha, spa, tha, tpa
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + sha + ip(spa) + tha + ip(tpa)


def ipv4(src, dst, proto, payload, ident=1, flags=0, frag=0, ttl=64, options=b""):
    hlen = 20 + len(options)
    assert hlen % 4 == 0
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hlen // 4, 0, hlen + len(payload), ident,
                      (flags << 13) | frag, ttl, proto, 0, ip(src), ip(dst)) + options
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def icmp(typ, code, rest, data):
    msg = struct.pack("!BBHI", typ, code, 0, rest) + data
    return msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]


def echo(ident, seq, data):
    return icmp(8, 0, (ident << 16) | seq, data)


def udp(src, dst, sport, dport, data):
    length = 8 + len(data)
    pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 17, length)
    seg = struct.pack("!HHHH", sport, dport, length, 0) + data
    c = csum(pseudo + seg) or 0xFFFF
    return seg[:6] + struct.pack("!H", c) + seg[8:]


def tcp(src, dst, sport, dport, seq, ack, flags, data=b"", opts=b""):
    # data offset 5 + options, window 65535, urgent pointer 0
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (5 + len(opts) // 4) << 4, flags,
                      65535, 0, 0) + opts + data
    pseudo = ip(src) + ip(dst) + struct.pack("!BBH", 0, 6, len(seg))
    return seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]


def tcp_syn(src, dst, sport, dport, seq):
    return tcp(src, dst, sport, dport, seq, 0, 0x02, opts=struct.pack("!BBH", 2, 4, 1460))


def rec(frame, tick=0, ctl=RAW):
    """One fuzz_frames record: length, clock tick before the frame, control byte, frame."""
    return struct.pack("!HBB", len(frame), tick, ctl) + frame


def to_stack(payload, src_mac=HOST_MAC, etype=0x0800, dst_mac=STACK_MAC, pad=True):
    return ether(dst_mac, src_mac, etype, payload, pad)


# Frames ------------------------------------------------------------------------------------

arp_req = to_stack(arp(1, HOST_MAC, HOST_IP, b"\0" * 6, STACK_IP), etype=0x0806, dst_mac=BCAST)
arp_reply_peer = to_stack(arp(2, PEER_MAC, PEER_IP, STACK_MAC, STACK_IP), PEER_MAC, 0x0806)
echo_req = to_stack(ipv4(HOST_IP, STACK_IP, 1, echo(0x1234, 1, b"tapstack fuzz seed!!")))
echo_peer = to_stack(ipv4(PEER_IP, STACK_IP, 1, echo(0x1234, 2, b"from the peer")), PEER_MAC)
# Options: three NOPs and an End of Option List (RFC 791 3.1), then a record-route option.
echo_nop_opts = to_stack(ipv4(HOST_IP, STACK_IP, 1, echo(7, 1, b"opts"),
                              options=b"\x01\x01\x01\x00"))
echo_rr_opts = to_stack(ipv4(HOST_IP, STACK_IP, 1, echo(7, 2, b"record route"),
                             options=bytes([7, 11, 4]) + b"\0" * 8 + b"\0"))
# An echo request in two fragments (8-byte units): first with MF, second at offset 2 (16 bytes).
whole = echo(0x99, 1, b"A" * 32)
frag1 = to_stack(ipv4(HOST_IP, STACK_IP, 1, whole[:16], ident=77, flags=1, frag=0))
frag2 = to_stack(ipv4(HOST_IP, STACK_IP, 1, whole[16:], ident=77, flags=0, frag=2))
udp_echo = to_stack(ipv4(HOST_IP, STACK_IP, 17, udp(HOST_IP, STACK_IP, 5000, 7, b"echo me")))
udp_closed = to_stack(ipv4(HOST_IP, STACK_IP, 17, udp(HOST_IP, STACK_IP, 5001, 9, b"nobody")))
unknown_proto = to_stack(ipv4(HOST_IP, STACK_IP, 99, b"protocol 99 payload"))
tcp_syn_80 = to_stack(ipv4(HOST_IP, STACK_IP, 6, tcp_syn(HOST_IP, STACK_IP, 40000, 80, 1000)))
bcast_echo = to_stack(ipv4(HOST_IP, "10.0.0.255", 1, echo(5, 5, b"bcast")), dst_mac=BCAST)
# Port unreachable about a datagram "we" sent from port 7, as a host would answer it.
quoted = ipv4(STACK_IP, HOST_IP, 17, udp(STACK_IP, HOST_IP, 7, 5000, b"x"))[:28]
unreach_in = to_stack(ipv4(HOST_IP, STACK_IP, 1, icmp(3, 3, 0, quoted)))
# A whole TCP echo conversation with port 7: SYN, ACK, data, FIN, last ACK. In FOLLOW records
# the harness takes seq/ack as offsets from what the stack sent last: 0/0 is the exact answer.
def tcp_to_stack(flags, data=b"", port=7, opts=b"", seq=0, ack=0):
    return to_stack(ipv4(HOST_IP, STACK_IP, 6, tcp(HOST_IP, STACK_IP, 40007, port, seq, ack,
                                                    flags, data, opts)), pad=False)


tcp_syn_7 = rec(tcp_to_stack(0x02, opts=struct.pack("!BBH", 2, 4, 1460), seq=5000))
tcp_conv = (rec(arp_req) + tcp_syn_7 +
            rec(tcp_to_stack(0x10), ctl=FOLLOW) +
            rec(tcp_to_stack(0x18, b"hello, tapstack\n"), ctl=FOLLOW, tick=1) +
            rec(tcp_to_stack(0x10), ctl=FOLLOW, tick=50) +
            rec(tcp_to_stack(0x11), ctl=FOLLOW, tick=1) +
            rec(tcp_to_stack(0x10), ctl=FOLLOW, tick=1))
# The harness's UDP client (10.0.0.2:1024, connected to 10.0.0.1:9) hears "port unreachable".
client_dgram = ipv4(STACK_IP, HOST_IP, 17, udp(STACK_IP, HOST_IP, 1024, 9, b"tapstack"))
client_unreach = to_stack(ipv4(HOST_IP, STACK_IP, 1, icmp(3, 3, 0, client_dgram)))
# We close first ("Q"): FIN-WAIT-1/2, then the peer's FIN, TIME-WAIT.
tcp_active_close = (rec(arp_req) + tcp_syn_7 + rec(tcp_to_stack(0x10), ctl=FOLLOW) +
                    rec(tcp_to_stack(0x18, b"Quit"), ctl=FOLLOW, tick=1) +
                    rec(tcp_to_stack(0x10), ctl=FOLLOW, tick=1) +
                    rec(tcp_to_stack(0x11), ctl=FOLLOW, tick=1))
# Data out of order: the second half first (offset 8), then the first half.
tcp_ooo = (rec(arp_req) + tcp_syn_7 + rec(tcp_to_stack(0x10), ctl=FOLLOW) +
           rec(tcp_to_stack(0x18, b"89abcdef", seq=8), ctl=FOLLOW, tick=1) +
           rec(tcp_to_stack(0x18, b"01234567", seq=0), ctl=FOLLOW, tick=1))
# SACK (RFC 2018): a SYN offering it, data out of order (SACK blocks go out), a duplicate
# (a D-SACK), then an ACK carrying a SACK block over the last 8 bytes the stack sent (FOLLOW
# makes block edges offsets from the end of its last segment).
SACK_OK = struct.pack("!BBHBBBB", 2, 4, 1460, 1, 1, 4, 2)
tcp_syn_7_sack = rec(tcp_to_stack(0x02, opts=SACK_OK, seq=6000))
tcp_sack = (rec(arp_req) + tcp_syn_7_sack + rec(tcp_to_stack(0x10), ctl=FOLLOW) +
            rec(tcp_to_stack(0x18, b"89abcdef", seq=8), ctl=FOLLOW, tick=1) +
            rec(tcp_to_stack(0x18, b"89abcdef", seq=8), ctl=FOLLOW, tick=1) +
            rec(tcp_to_stack(0x18, b"01234567", seq=0), ctl=FOLLOW, tick=1) +
            rec(tcp_to_stack(0x10, opts=struct.pack("!BBBBII", 1, 1, 5, 10, 0xFFFFFFF8, 0)),
                ctl=FOLLOW, tick=5) +
            rec(tcp_to_stack(0x10), ctl=FOLLOW, tick=50))
# A DHCP-like datagram from 0.0.0.0 to 255.255.255.255 (the one case a 0/8 source is taken).
udp_zero_bcast = to_stack(ipv4("0.0.0.0", "255.255.255.255", 17,
                               udp("0.0.0.0", "255.255.255.255", 68, 7, b"dhcp-ish")), dst_mac=BCAST)
# The same from 0.0.0.0 to us: dropped (regressions/fuzz_frames-2799490867f44d38 was its TCP twin).
echo_from_zero = to_stack(ipv4("0.0.0.0", STACK_IP, 1, echo(9, 9, b"from nowhere")))
far_echo = to_stack(ipv4("192.0.2.9", STACK_IP, 1, echo(3, 3, b"via the gateway")))

FRAMES = {
    "arp_request": rec(arp_req),
    "icmp_echo_answer_arp": rec(echo_req, ctl=RAW | ANSWER),
    "arp_then_echo": rec(arp_req) + rec(echo_req, tick=1),
    "ipv4_nop_options": rec(arp_req) + rec(echo_nop_opts),
    "ipv4_record_route": rec(arp_req) + rec(echo_rr_opts),
    "fragments": rec(arp_req) + rec(frag1) + rec(frag2, tick=2),
    "udp_echo_port7": rec(arp_req) + rec(udp_echo),
    "udp_closed_port": rec(udp_closed, ctl=RAW | ANSWER),
    "unknown_proto": rec(arp_req) + rec(unknown_proto),
    "tcp_syn_80": rec(arp_req) + rec(tcp_syn_80),
    "tcp_echo_port7": tcp_conv,
    "tcp_active_close": tcp_active_close,
    "tcp_out_of_order": tcp_ooo,
    "tcp_sack": tcp_sack,
    "bcast_echo": rec(bcast_echo),
    "udp_zero_to_bcast": rec(udp_zero_bcast),
    "echo_from_zero": rec(echo_from_zero),
    "icmp_unreach_in": rec(unreach_in),
    "icmp_unreach_client": rec(arp_req) + rec(client_unreach) + rec(client_unreach, tick=1),
    "via_gateway": rec(far_echo, ctl=RAW | ANSWER),
    # The peer pings, ARP is left to retry (1 s ticks), the reply comes late.
    "arp_late_reply": rec(echo_peer) + rec(b"", tick=0x81) + rec(b"", tick=0x81) +
                      rec(arp_reply_peer, tick=0x41),
    # Everything fixed up by the harness: IPv4/ICMP to us with right lengths and checksums.
    "fixup_icmp": rec(bytes(14) + bytes([0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1]) + bytes(10) +
                      bytes([8, 0, 0, 0, 0, 1, 0, 1]) + b"fixed up", ctl=0x78 | ANSWER),
    "fixup_arp": rec(bytes(14) + bytes(28), ctl=0x0a),
}

PARSERS = {
    "ether": b"\x00" + echo_req[:14],
    "arp": b"\x01" + arp_req[14:42],
    "ipv4_echo": b"\x02" + echo_req[14:],
    "ipv4_options": b"\x02" + echo_rr_opts[14:],
    "ipv4_fragment": b"\x02" + frag1[14:],
    "icmp_echo": b"\x03" + echo(0x1234, 1, b"tapstack fuzz seed!!"),
    "icmp_unreach": b"\x03" + icmp(3, 3, 0, quoted),
    "ip4_str": b"\x04" + b"10.0.0.2",
    "ip4_str_max": b"\x04" + b"255.255.255.255",
    "mac_str": b"\x05" + b"02:74:73:00:00:02",
    "mac_str_upper": b"\x05" + b"FF:FF:FF:FF:FF:FF",
    "udp": b"\x06" + udp(HOST_IP, STACK_IP, 5000, 7, b"echo me"),
    "tcp_syn_mss": b"\x07" + tcp_syn(HOST_IP, STACK_IP, 40000, 80, 1000),
    "tcp_data": b"\x07" + tcp(HOST_IP, STACK_IP, 40000, 80, 1001, 77, 0x18, b"GET / HTTP/1.0\r\n\r\n"),
    "tcp_syn_sack": b"\x07" + tcp(HOST_IP, STACK_IP, 40000, 80, 1000, 0, 0x02, opts=SACK_OK),
    "tcp_sack_blocks": b"\x07" + tcp(HOST_IP, STACK_IP, 40000, 80, 1001, 77, 0x10,
                                     opts=struct.pack("!BBBBIIII", 1, 1, 5, 18, 100, 200, 300, 400)),
}


def write(target, seeds):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    for name, data in sorted(seeds.items()):
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
    print("%s: %d seeds in %s" % (target, len(seeds), os.path.relpath(d)))


if __name__ == "__main__":
    write("fuzz_frames", FRAMES)
    write("fuzz_parsers", PARSERS)
