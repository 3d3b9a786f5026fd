# Shared helpers for the scapy probes in tests/e2e/probes (not a test itself).
#
# The probes run inside the lab namespace (ip netns exec $TS_NS /usr/bin/python3 probe.py). They
# build frames with scapy, send them on the bridge with a raw AF_PACKET socket and listen on tap0
# with another one opened *before* sending, so nothing the stack answers can be missed. To know
# when the stack has dealt with a probe, each probe is followed by a "barrier": a valid echo
# request. The stack handles frames in order, so once the barrier's reply is seen every answer
# the probe could have caused has been seen too. No sleeps, no guessed delays.
import os
import random
import socket
import struct
import sys
import time

from scapy.all import ICMP, IP, Ether, Raw, conf

conf.verb = 0

BR = os.environ.get("TS_BR", "br0")
TAP = os.environ.get("TS_TAP", "tap0")
STACK_IP = os.environ.get("E2E_STACK_IP", "10.0.0.2")
STACK_MAC = os.environ.get("E2E_STACK_MAC", "02:74:73:00:00:02")
HOST_IP = os.environ.get("E2E_HOST_IP", "10.0.0.1")

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def mac_of(ifname):
    with open("/sys/class/net/%s/address" % ifname) as f:
        return f.read().strip()


HOST_MAC = mac_of(BR)


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


def csum(b):
    """Internet checksum (RFC 1071) of bytes; 0 when b already holds a correct checksum."""
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def to_stack(l3, ethertype=0x0800, dst=None):
    """Frame bytes from the host (br0) to the stack's MAC carrying l3 (a scapy layer or bytes)."""
    e = Ether(dst=dst or STACK_MAC, src=HOST_MAC, type=ethertype)
    return bytes(e) + bytes(l3)


def echo_request(ident, seq, payload, src=None):
    """A valid ICMP echo request as IPv4 bytes (scapy fills lengths and checksums)."""
    return bytes(IP(src=src or HOST_IP, dst=STACK_IP, id=ident) /
                 ICMP(type=8, id=ident, seq=seq) / Raw(payload))


def set_ip_checksum(ipb):
    """Recompute the IPv4 header checksum of bytes ipb (header length from IHL, at least 20)."""
    b = bytearray(ipb)
    hl = max(20, (b[0] & 15) * 4)
    b[10:12] = b"\0\0"
    b[10:12] = struct.pack("!H", csum(bytes(b[:hl])))
    return bytes(b)


class Frame:
    """A frame the stack sent, parsed by hand from its bytes (no trust in any dissector)."""

    def __init__(self, raw):
        self.raw = raw
        self.dst, self.src = raw[0:6], raw[6:12]
        self.type = struct.unpack("!H", raw[12:14])[0] if len(raw) >= 14 else None
        self.l3 = raw[14:]

    def mac(self, b):
        return ":".join("%02x" % x for x in b)

    def ipv4(self):
        """(header_len, total_len, proto, src, dst, payload) of an IPv4 frame, else None."""
        if self.type != 0x0800 or len(self.l3) < 20:
            return None
        hl = (self.l3[0] & 15) * 4
        tl = struct.unpack("!H", self.l3[2:4])[0]
        return (hl, tl, self.l3[9], socket.inet_ntoa(self.l3[12:16]),
                socket.inet_ntoa(self.l3[16:20]), self.l3[hl:tl])

    def __str__(self):
        return "%s > %s type 0x%04x len %d: %s" % (self.mac(self.src), self.mac(self.dst),
                                                    self.type or 0, len(self.raw),
                                                    self.raw[14:62].hex())


class Lab:
    """Raw sockets: send on the bridge, receive what the stack writes to tap0."""

    def __init__(self):
        self.rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        self.rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.rx.bind((TAP, 0))
        self.tx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.tx.bind((BR, 0))
        self.stack_mac = bytes(int(x, 16) for x in STACK_MAC.split(":"))

    def send(self, frame):
        self.tx.send(frame)

    def from_stack(self, deadline, until=None):
        """Frames the stack sent, until until(Frame) is true (that one included) or deadline."""
        got = []
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return got, False
            self.rx.settimeout(left)
            try:
                raw, addr = self.rx.recvfrom(65536)
            except socket.timeout:
                return got, False
            if addr[2] == PACKET_OUTGOING:       # sent towards the stack, not by it
                continue
            f = Frame(raw)
            if f.src != self.stack_mac:
                continue
            got.append(f)
            if until and until(f):
                return got, True

    def barrier(self, timeout=3.0):
        """Send a valid echo request and wait for its reply.

        Returns (frames the stack sent before the reply, True) or (frames, False) on timeout.
        """
        ident = random.randrange(0x1000, 0xFFFF)
        seq = random.randrange(1, 0xFFFF)
        payload = b"barrier-%08x" % random.getrandbits(32)
        self.send(to_stack(echo_request(ident, seq, payload)))

        def is_reply(f):
            ip = f.ipv4()
            return (ip is not None and ip[2] == 1 and len(ip[5]) >= 8 and ip[5][0] == 0 and
                    struct.unpack("!HH", ip[5][4:8]) == (ident, seq) and ip[5][8:] == payload)

        got, seen = self.from_stack(time.monotonic() + timeout, is_reply)
        return (got[:-1] if seen else got), seen

    def drain(self):
        """Throw away the frames already queued (earlier traffic), so that what comes next is
        not blamed on them."""
        self.rx.setblocking(False)
        try:
            while True:
                self.rx.recv(65536)
        except BlockingIOError:
            pass
        self.rx.setblocking(True)

    def exchange(self, frames, timeout=3.0):
        """Send frames, then a barrier. Returns what the stack sent in answer (barrier excluded).

        Frames the stack sends on its own (ARP requests to resolve the host before replying
        to the barrier) are included; callers filter what matters to them.
        """
        self.drain()
        for f in frames:
            self.send(f)
        got, seen = self.barrier(timeout)
        if not seen:
            fail("no reply to the barrier echo request within %.1f s: the stack is not "
                 "answering valid pings, cannot judge the probe" % timeout)
        return got


def not_arp(frames):
    return [f for f in frames if f.type != 0x0806]


def expect_silence(frames, what):
    """Send frames; pass if the stack sends nothing but ARP before the barrier's reply."""
    lab = Lab()
    got = not_arp(lab.exchange(frames))
    if got:
        for f in got:
            print("  unexpected: %s" % f)
        fail("%s: the stack answered (%d frame(s)); expected silence" % (what, len(got)))
    ok("%s: no answer (%d frame(s) sent, barrier echo answered)" % (what, len(frames)))
