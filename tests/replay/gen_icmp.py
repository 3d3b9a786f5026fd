#!/usr/bin/python3
"""gen_icmp.py - ICMP replay vectors (RFC 792, RFC 1122 3.2.2).

    tests/replay/gen_icmp.py [--out DIR] [--list] [NAME...]

Offsets in a frame with a 20-byte IPv4 header: ICMP type 34, code 35, checksum 36-37,
identifier 38-39, sequence 40-41, data from 42.
"""
import struct

from veclib import (Vector, main, hello, dropped, echo_request, ip_frame, expect_echo_reply,
                    expect_unreach, patch, inet_csum, ICMP, IP, UDP, Raw, BCAST_IP, BCAST_MAC,
                    STACK_IP, HOST_IP, ICMP_RATE, ICMP_BURST, us)


def ping_small():
    v = Vector("ping-small",
               "three echo requests (Linux ping's 56 bytes) one second apart get three echo "
               "replies with the same id, seq and data, and a new IP ID each",
               "RFC 792 echo; RFC 1122 3.2.2.6 (data returned, source = request's destination)")
    hello(v)
    for s in range(3):
        n = v.send(0.010 + s, echo_request(seq=s + 1), "echo request seq %d" % (s + 1))
        expect_echo_reply(v, 0.010 + s, n, s)
    v.total("one reply per request")
    return v


def ping_1472():
    v = Vector("ping-1472",
               "an echo request of 1472 data bytes (a full 1500-byte datagram, 1514-byte frame) "
               "is answered in full",
               "RFC 1122 3.2.2.6: the data MUST be returned entirely; RFC 894 (1500-byte MTU)")
    hello(v)
    n = v.send(0.010, echo_request(seq=1, payload=bytes(i & 0xFF for i in range(1472))),
               "echo request seq 1, 1472 data bytes (bytes 00 01 02 ... ff 00 ...)")
    expect_echo_reply(v, 0.010, n, 0)
    v.total("one reply")
    return v


def ping_zero_payload():
    v = Vector("ping-zero-payload",
               "an echo request with no data (28-byte datagram in a frame padded to 60) is "
               "answered with no data: the Ethernet padding is not echoed",
               "RFC 792; RFC 894 (padding is not part of the datagram, total length says so)")
    hello(v)
    n = v.send(0.010, echo_request(seq=1, payload=b""), "echo request seq 1, 0 data bytes")
    expect_echo_reply(v, 0.010, n, 0, why="RFC 792 echo reply, 28-byte datagram (ip.len=28), "
                      "zero-padded by the stack to 60 (RFC 894); first IP ID of its counter")
    v.total("one reply")
    return v


def ping_seed():
    v = Vector("ping-seed",
               "with --seed 12345 the IP IDs come from counters keyed by the first rand32() "
               "draw for seed 12345 (tsrand.py): replay output is a function of the seed",
               "determinism (docs/replay.md); RFC 791 3.2 (Identification) / RFC 6864",
               seed=12345)
    hello(v)
    for s in range(2):
        n = v.send(0.010 + s, echo_request(seq=s + 1), "echo request seq %d" % (s + 1))
        expect_echo_reply(v, 0.010 + s, n, s)
    v.total("one reply per request")
    return v


def icmp_bad_checksum():
    f = echo_request(seq=1)
    csum = struct.unpack("!H", f[36:38])[0]
    g = bytearray(f)
    g[50] ^= 0xFF                                # a data byte changes after the checksum
    return dropped(
        "icmp-bad-checksum",
        "echo requests whose ICMP checksum does not verify over the whole message are "
        "dropped (checksum field off by one; a data byte changed)",
        "RFC 792: the checksum covers the ICMP message from the type field; RFC 1122 3.2.2 "
        "(a message that fails is not answered)",
        [(0.010, patch(f, 36, struct.pack("!H", csum ^ 1), False),
          "echo request, ICMP checksum 0x%04x (correct: 0x%04x)" % (csum ^ 1, csum)),
         (0.011, bytes(g), "echo request, data byte 8 flipped after the checksum was computed")])


def icmp_truncated():
    return dropped(
        "icmp-truncated",
        "an ICMP message shorter than its 8-byte header (4 bytes, checksum correct) is dropped",
        "RFC 792 (every ICMP message starts with type, code, checksum and 32 more bits)",
        [(0.010, ip_frame(b"\x08\x00\xf7\xff", 1), "ICMP message of 4 bytes: type 8 code 0, "
          "valid checksum, nothing more")])


def icmp_other_types():
    reply = bytes(ICMP(type=0, id=0x4321, seq=7) / Raw(b"an echo reply nobody asked for"))
    tstamp = bytes(ICMP(type=13, id=0x4321, seq=8, ts_ori=1, ts_rx=0, ts_tx=0))
    unknown = bytearray(struct.pack("!BBHI", 99, 0, 0, 0) + b"type 99")
    unknown[2:4] = struct.pack("!H", inet_csum(bytes(unknown)))
    return dropped(
        "icmp-other-types",
        "an unsolicited echo reply, a timestamp request (not implemented) and the unassigned "
        "type 99 get no answer",
        "RFC 1122 3.2.2: unknown ICMP types MUST be silently discarded; 3.2.2.8 (timestamp is "
        "a MAY)",
        [(0.010, ip_frame(reply, 1), "ICMP echo reply id 0x4321 seq 7 (no request was sent)"),
         (0.011, ip_frame(tstamp, 1), "ICMP timestamp request (type 13)"),
         (0.012, ip_frame(bytes(unknown), 1), "ICMP type 99 (unassigned, IANA), valid checksum")])


def icmp_unreach_in():
    quote = bytes(IP(src=STACK_IP, dst=HOST_IP, id=0x0101, proto=17) /
                  UDP(sport=7, dport=40000) / Raw(b"x" * 4))[:28]
    msg = bytes(ICMP(type=3, code=3) / Raw(quote))
    return dropped(
        "icmp-unreach-in",
        "an ICMP port unreachable arriving for one of our datagrams is consumed without any "
        "answer (never an error about an error)",
        "RFC 1122 3.2.2: an ICMP error MUST NOT be sent in response to an ICMP error; 3.2.2.1 "
        "(passed to the transport layer)",
        [(0.010, ip_frame(msg, 1), "ICMP port unreachable from 10.0.0.1 quoting a UDP datagram "
          "10.0.0.2:7 > 10.0.0.1:40000")])


def echo_to_broadcast():
    return dropped(
        "echo-to-broadcast",
        "echo requests to the subnet broadcast 10.0.0.255 and to 255.255.255.255 are ignored "
        "(the stack's choice)",
        "RFC 1122 3.2.2.6: an echo request to a broadcast address MAY be silently discarded",
        [(0.010, echo_request(seq=1, dst=BCAST_IP, dst_mac=BCAST_MAC),
          "echo request seq 1 to 10.0.0.255, Ethernet broadcast"),
         (0.011, echo_request(seq=2, dst="255.255.255.255", dst_mac=BCAST_MAC),
          "echo request seq 2 to 255.255.255.255, Ethernet broadcast")])


def icmp_rate_limit():
    n_burst, start, gap = ICMP_BURST + 10, 0.100, 0.000010
    late = 0.200
    v = Vector("icmp-rate-limit",
               "%d unknown-protocol datagrams within 0.6 ms: exactly %d protocol unreachables "
               "(the bucket), then none; 100 ms later the bucket has refilled by 10 and one "
               "more datagram gets its error" % (n_burst, ICMP_BURST),
               "RFC 1812 4.3.2.8 / RFC 4443 2.4(f) (rate-limit ICMP errors with a token bucket); "
               "RFC 1122 3.2.2; burst %d and %d/s are the stack's configuration"
               % (ICMP_BURST, ICMP_RATE))
    hello(v)
    for i in range(n_burst):
        t = start + i * gap
        n = v.send(t, ip_frame(b"rate-limit datagram %03d." % i, 253, ip_id=0x5000 + i),
                   "protocol 253, datagram %d of %d" % (i + 1, n_burst))
        if i < ICMP_BURST:
            expect_unreach(v, t, n, 2, i,
                           why="RFC 792 protocol unreachable %d of the %d-token burst (the bucket "
                           "started full; %d us of refill adds only %g of a token)"
                           % (i + 1, ICMP_BURST, us(i * gap), i * gap * ICMP_RATE))
    n = v.send(late, ip_frame(b"after the bucket refilled", 253, ip_id=0x6000),
               "protocol 253, 100 ms after the burst")
    expect_unreach(v, late, n, 2, ICMP_BURST,
                   why="the bucket refilled at %d/s for ~0.1 s (~10 tokens): an error again, "
                   "with the next IP ID (the %d suppressed errors took none)"
                   % (ICMP_RATE, n_burst - ICMP_BURST))
    v.total("%d errors for the burst (datagrams %d..%d get none), one for the late datagram"
            % (ICMP_BURST, ICMP_BURST + 1, n_burst))
    return v


VECTORS = [ping_small, ping_1472, ping_zero_payload, ping_seed, icmp_bad_checksum,
           icmp_truncated, icmp_other_types, icmp_unreach_in, echo_to_broadcast, icmp_rate_limit]

if __name__ == "__main__":
    main(VECTORS)
