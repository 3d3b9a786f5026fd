#!/usr/bin/python3
"""gen_udp.py - UDP replay vectors (RFC 768, RFC 1122 4.1, RFC 862 echo on port 7).

    tests/replay/gen_udp.py [--out DIR] [--list] [NAME...]

The stack runs its sample services in replay mode: UDP echo on port 7, discard on port 9.
Offsets in a frame with a 20-byte IPv4 header: UDP source port 34-35, destination port
36-37, length 38-39, checksum 40-41, data from 42.
"""
import struct

from veclib import (Vector, main, hello, dropped, ip_frame, expect_unreach, inet_csum, pad60,
                    Ether, IP, Raw, TTL, STACK_MAC, STACK_IP, HOST_MAC, HOST_IP, BCAST_IP,
                    BCAST_MAC)

ECHO_PORT = 7
CLOSED_PORT = 9999
CLIENT_PORT = 40000


def udp_bytes(payload, sport=CLIENT_PORT, dport=ECHO_PORT, src=HOST_IP, dst=STACK_IP, csum=None,
              length=None):
    """A UDP header + data with a correct checksum (RFC 768: computed 0 is sent as 0xffff)
    unless csum is given; length overrides the length field (the checksum still covers the
    datagram as the length field says)."""
    payload = bytes(payload)
    ulen = 8 + len(payload) if length is None else length
    hdr = struct.pack("!HHHH", sport, dport, ulen, 0)
    body = (hdr + payload)
    if csum is None:
        covered = body[:ulen] if ulen <= len(body) else body
        pseudo = (bytes(map(int, src.split("."))) + bytes(map(int, dst.split("."))) +
                  struct.pack("!BBH", 0, 17, ulen))
        c = inet_csum(pseudo + covered)
        csum = c if c else 0xFFFF
    return hdr[:6] + struct.pack("!H", csum) + payload


def udp_frame(payload, **kw):
    ipkw = {k: kw.pop(k) for k in list(kw) if k in ("dst_mac", "ip_id", "ttl", "flags")}
    src, dst = kw.get("src", HOST_IP), kw.get("dst", STACK_IP)
    return ip_frame(udp_bytes(payload, **kw), 17, src=src, dst=dst, **ipkw)


def expect_udp_echo(v, t, req, k, data=None, why=""):
    """RFC 862: the same data back, from port 7 to the sender's address and port; RFC 768 /
    RFC 1122 4.1.3.4: with a checksum (a computed 0 goes out as 0xffff); IP ID number k."""
    f = v.inputs[req - 1].data
    ihl = (f[14] & 0x0F) * 4
    u = f[14 + ihl:]
    sport, dport, ulen = struct.unpack("!HHH", u[:6])
    src = "%d.%d.%d.%d" % tuple(f[30:34])
    dst = "%d.%d.%d.%d" % tuple(f[26:30])
    data = u[8:ulen] if data is None else data
    ub = udp_bytes(data, sport=dport, dport=sport, src=src, dst=dst)
    ip_id, ip_id_ref = v.ipid(k, src, dst, 17)
    frame = pad60(Ether(dst=HOST_MAC, src=STACK_MAC) /
                  IP(src=src, dst=dst, id=ip_id, flags=0, ttl=TTL, tos=0, proto=17) /
                  Raw(ub))
    v.expect(t, frame,
             "eth.dst=%s ip.ihl=5 ip.flags=0 ip.ttl=64 ip.proto=17 ip.src=%s ip.dst=%s "
             "ip.id=%s ip.chksum_ok=1 udp.sport=in[%d].udp.dport udp.dport=in[%d].udp.sport "
             "udp.len=%d udp.data=%s udp.chksum_ok=1 pad=zeros"
             % (HOST_MAC, src, dst, ip_id_ref, req, req, 8 + len(data),
                "in[%d].udp.data[0:%d]" % (req, len(data))),
             why or "RFC 862 echo: the data back to the sender's address and port, from port 7; "
             "RFC 1122 4.1.3.4: checksum generated; IP ID of datagram %d" % k)


def udp_echo():
    v = Vector("udp-echo",
               "a datagram to port 7 comes back unchanged to the sender's address and port, "
               "with a valid checksum; two datagrams, two IP IDs",
               "RFC 862 (echo); RFC 768; RFC 1122 4.1.3.4 (checksum MUST be generated)")
    hello(v)
    n = v.send(0.010, udp_frame(b"hello, tapstack"), "UDP 10.0.0.1:40000 > 10.0.0.2:7, 15 bytes")
    expect_udp_echo(v, 0.010, n, 0)
    n = v.send(0.020, udp_frame(bytes(range(200)), sport=40001),
               "UDP 10.0.0.1:40001 > 10.0.0.2:7, 200 bytes 00 01 .. c7")
    expect_udp_echo(v, 0.020, n, 1)
    v.total("one echo per datagram")
    return v


def udp_closed_port():
    v = Vector("udp-closed-port",
               "a datagram to a port nobody listens on gets ICMP port unreachable quoting its "
               "IP header and UDP header; to the subnet broadcast it gets nothing",
               "RFC 1122 4.1.3.1 (SHOULD send port unreachable); RFC 792 (type 3 code 3, header "
               "+ 64 bits); RFC 1122 3.2.2 (never about a broadcast)")
    hello(v)
    v.send(0.010, udp_frame(b"anyone on 9999?", dport=CLOSED_PORT, dst=BCAST_IP,
                            dst_mac=BCAST_MAC),
           "UDP 10.0.0.1:40000 > 10.0.0.255:9999 (broadcast)  -> nothing")
    n = v.send(0.020, udp_frame(b"anyone on 9999?", dport=CLOSED_PORT),
               "UDP 10.0.0.1:40000 > 10.0.0.2:9999, 15 bytes")
    expect_unreach(v, 0.020, n, 3, 0,
                   why="RFC 792 port unreachable (code 3) quoting the IP header and the UDP header "
                   "(the first 64 bits of data); first IP ID of its counter: nothing was sent for "
                   "the broadcast")
    v.total("one error, for the unicast datagram")
    return v


def udp_bad_checksum():
    good = udp_frame(b"checksum me", dport=ECHO_PORT)
    c = struct.unpack("!H", good[40:42])[0]
    bad = good[:40] + struct.pack("!H", c ^ 0x0100) + good[42:]
    closed = udp_frame(b"checksum me", dport=CLOSED_PORT)
    c2 = struct.unpack("!H", closed[40:42])[0]
    closed_bad = closed[:40] + struct.pack("!H", c2 ^ 0x0100) + closed[42:]
    return dropped(
        "udp-bad-checksum",
        "datagrams with a non-zero checksum that does not verify are dropped: no echo from "
        "port 7, and no port unreachable for a closed port either",
        "RFC 1122 4.1.3.4: a datagram with a non-zero invalid checksum MUST be silently "
        "discarded",
        [(0.010, bad, "UDP to port 7, checksum 0x%04x (correct 0x%04x)" % (c ^ 0x100, c)),
         (0.011, closed_bad, "UDP to closed port 9999, checksum 0x%04x (correct 0x%04x)"
          % (c2 ^ 0x100, c2))])


def udp_zero_checksum():
    v = Vector("udp-zero-checksum",
               "a datagram sent without a checksum (field 0) is accepted and echoed; the echo "
               "carries a real checksum",
               "RFC 768 ('all zero ... means the transmitter generated no checksum'); RFC 1122 "
               "4.1.3.4 (accept; generate by default)")
    hello(v)
    n = v.send(0.010, udp_frame(b"no checksum here", csum=0),
               "UDP 10.0.0.1:40000 > 10.0.0.2:7, checksum field 0")
    expect_udp_echo(v, 0.010, n, 0)
    v.total("one echo")
    return v


def _payload_for_ffff():
    """Echo data for which the reply's checksum computes to 0 (so it must be sent as 0xffff)."""
    for x in range(0x10000):
        data = b"ones" + struct.pack("!H", x)
        ub = struct.pack("!HHHH", ECHO_PORT, CLIENT_PORT, 8 + len(data), 0) + data
        pseudo = bytes([10, 0, 0, 2, 10, 0, 0, 1]) + struct.pack("!BBH", 0, 17, len(ub))
        if inet_csum(pseudo + ub) == 0:
            return data
    raise SystemExit("no payload gives checksum 0")


def udp_checksum_ffff():
    data = _payload_for_ffff()
    v = Vector("udp-checksum-ffff",
               "an echo whose checksum computes to zero is sent with checksum 0xffff (0 would "
               "mean 'no checksum')",
               "RFC 768: 'If the computed checksum is zero, it is transmitted as all ones'")
    hello(v)
    n = v.send(0.010, udp_frame(data), "UDP 10.0.0.1:40000 > 10.0.0.2:7, data %s chosen so "
               "the echo's checksum is all ones" % data.hex())
    expect_udp_echo(v, 0.010, n, 0)
    v.out_asserts[-1] = (v.out_asserts[-1][0], v.out_asserts[-1][1] + " udp.chksum=0xffff",
                         "RFC 768: the computed checksum is 0, so the field is 0xffff; RFC 862 "
                         "echo; first IP ID of its counter")
    v.total("one echo")
    return v


def udp_length_mismatch():
    data = b"twelve bytes" + b"+extra after the UDP length"
    short = udp_frame(data, length=8 + 12)         # UDP length covers only the first 12 bytes
    long_ = udp_frame(b"short datagram", length=8 + 40)
    v = Vector("udp-length-mismatch",
               "a UDP length beyond the IP payload drops the datagram; a UDP length inside it "
               "is the datagram's end: only those bytes are echoed",
               "RFC 768 (Length: this user datagram, header and data); RFC 1122 4.1.3.4")
    hello(v)
    v.send(0.010, long_, "UDP to port 7, 14 data bytes, length field 48  -> dropped")
    n = v.send(0.020, short, "UDP to port 7, 39 bytes after the header, length field 20 "
               "(checksum over those 20)")
    expect_udp_echo(v, 0.020, n, 0, data=data[:12],
                    why="RFC 768: the datagram ends where its length says: the 12 bytes echoed; "
                    "first IP ID of its counter, so nothing was sent for the lying one")
    v.total("one echo, of the 12-byte datagram")
    return v


VECTORS = [udp_echo, udp_closed_port, udp_bad_checksum, udp_zero_checksum, udp_checksum_ffff,
           udp_length_mismatch]

if __name__ == "__main__":
    main(VECTORS)
