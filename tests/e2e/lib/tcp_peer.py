# Shared helpers for the TCP scapy probes in tests/e2e/probes (tcp_*.py; not a test itself).
#
# A hand-driven TCP peer at 10.0.0.5, an address no one in the lab owns. Segments from
# 10.0.0.1 would not do: the lab's kernel owns that address, has no socket for our connections
# and would answer the stack's segments with RSTs of its own. 10.0.0.5 has a made-up MAC; the
# stack learns it from an ARP request we aim at it (RFC 826 merge: the target adds the sender),
# and any ARP request the stack sends for 10.0.0.5 later is answered here too. We send on br0
# (the bridge carries the frame to tap0) and read what the stack writes on tap0 (e2elib.Lab),
# so we see the stack's frames whatever the bridge does with an unknown destination MAC.
#
# Every segment the stack sends is parsed by hand from its bytes and its TCP checksum checked
# (pseudo-header, RFC 9293 3.1); a bad one fails the probe at once.
import random
import socket
import struct
import time

import e2elib as L
from scapy.all import ARP, IP, TCP, Ether, Raw

PEER_IP = "10.0.0.5"
PEER_MAC = "02:74:73:00:00:05"

FIN, SYN, RST, PSH, ACK, URG = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
FLAG_NAMES = [(SYN, "S"), (FIN, "F"), (RST, "R"), (PSH, "P"), (ACK, "A"), (URG, "U")]


def flags_str(f):
    return "".join(n for bit, n in FLAG_NAMES if f & bit) or "."


def mod(x):
    return x & 0xFFFFFFFF


def seq_diff(a, b):
    """a - b as a signed 32-bit difference (RFC 9293 3.4 arithmetic)."""
    d = mod(a - b)
    return d - (1 << 32) if d >= (1 << 31) else d


class Seg:
    """A TCP segment the stack sent, host order, parsed from its bytes."""

    def __init__(self, src, dst, tcp, t):
        self.src, self.dst, self.t = src, dst, t
        (self.sport, self.dport, self.seq, self.ack, off, self.flags, self.win, self.csum,
         self.urp) = struct.unpack("!HHIIBBHHH", tcp[:20])
        self.hlen = (off >> 4) * 4
        self.opts = tcp[20:self.hlen]
        self.data = tcp[self.hlen:]
        self.mss = None
        i = 0
        while i < len(self.opts):
            kind = self.opts[i]
            if kind == 0:
                break
            if kind == 1:
                i += 1
                continue
            if i + 1 >= len(self.opts) or self.opts[i + 1] < 2:
                break
            ln = self.opts[i + 1]
            if kind == 2 and ln == 4 and i + 4 <= len(self.opts):
                self.mss = struct.unpack("!H", self.opts[i + 2:i + 4])[0]
            i += ln

    def has(self, f):
        return bool(self.flags & f)

    def seglen(self):
        """SEG.LEN: data plus one each for SYN and FIN."""
        return len(self.data) + (1 if self.has(SYN) else 0) + (1 if self.has(FIN) else 0)

    def __str__(self):
        s = "%.3f %s:%d > %s:%d [%s] seq %u ack %u win %u len %d" % (
            self.t, self.src, self.sport, self.dst, self.dport, flags_str(self.flags),
            self.seq, self.ack, self.win, len(self.data))
        if self.mss is not None:
            s += " mss %d" % self.mss
        return s


def tcp_csum_ok(src, dst, tcp):
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    return L.csum(pseudo + tcp) == 0


class Peer:
    """One TCP connection (or attempt) from PEER_IP:sport to the stack's dport.

    snd_nxt is our next sequence number, rcv_nxt the next byte we expect from the stack; the
    probes move them explicitly (nothing is acknowledged behind their back).
    """

    def __init__(self, dport, sport=None, lab=None):
        self.lab = lab or L.Lab()
        self.dport = dport
        self.sport = sport or random.randrange(20000, 60000)
        self.iss = random.getrandbits(32)
        self.snd_nxt = self.iss
        self.irs = None
        self.rcv_nxt = None
        self.log = []                  # every segment of this connection the stack sent
        self.peer_mac = bytes(int(x, 16) for x in PEER_MAC.split(":"))
        self.arp_seed()

    # -- sending ----------------------------------------------------------------------------
    def frame(self, l3):
        return bytes(Ether(src=PEER_MAC, dst=L.STACK_MAC) / l3)

    def arp_seed(self):
        """ARP request 'who has 10.0.0.2, tell 10.0.0.5' aimed at the stack; wait for its reply.

        RFC 826: the target of a request merges the sender into its cache, so the stack
        answers our segments without first asking for 10.0.0.5.
        """
        req = Ether(src=PEER_MAC, dst=L.STACK_MAC) / ARP(
            op=1, hwsrc=PEER_MAC, psrc=PEER_IP, hwdst="00:00:00:00:00:00", pdst=L.STACK_IP)
        for _ in range(3):
            self.lab.send(bytes(req))
            deadline = time.monotonic() + 1.0
            while time.monotonic() < deadline:
                f = self.next_frame(deadline)
                if f is None:
                    break
                if (f.type == 0x0806 and len(f.l3) >= 28 and f.l3[6:8] == b"\x00\x02" and
                        f.l3[24:28] == socket.inet_aton(PEER_IP)):
                    return
        L.fail("the stack did not answer our ARP request from %s" % PEER_IP)

    def send(self, flags, seq=None, ack=None, data=b"", win=65535, options=None, dport=None,
             sport=None):
        """Send one segment; seq defaults to snd_nxt, ack to rcv_nxt (when ACK is set)."""
        if seq is None:
            seq = self.snd_nxt
        if ack is None:
            ack = self.rcv_nxt if (flags & ACK and self.rcv_nxt is not None) else 0
        tcp = TCP(sport=sport or self.sport, dport=dport or self.dport, seq=mod(seq),
                  ack=mod(ack), flags=flags, window=win, options=options or [])
        pkt = IP(src=PEER_IP, dst=L.STACK_IP, ttl=64) / tcp
        if data:
            pkt = pkt / Raw(data)
        self.lab.send(self.frame(pkt))

    # -- receiving --------------------------------------------------------------------------
    def next_frame(self, deadline):
        """The next frame the stack writes, answering ARP requests for PEER_IP on the way."""
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        got, _ = self.lab.from_stack(deadline, lambda f: True)
        if not got:
            return None
        f = got[0]
        if (f.type == 0x0806 and len(f.l3) >= 28 and f.l3[6:8] == b"\x00\x01" and
                f.l3[24:28] == socket.inet_aton(PEER_IP)):
            rep = Ether(src=PEER_MAC, dst=f.mac(f.src)) / ARP(
                op=2, hwsrc=PEER_MAC, psrc=PEER_IP, hwdst=f.mac(f.src),
                pdst=socket.inet_ntoa(f.l3[14:18]))
            self.lab.send(bytes(rep))
        return f

    def recv(self, timeout=3.0, pred=None, any_port=False):
        """The next segment from the stack to this connection (matching pred), or None."""
        deadline = time.monotonic() + timeout
        while True:
            f = self.next_frame(deadline)
            if f is None:
                return None
            t = time.monotonic()
            ip = f.ipv4()
            if ip is None or ip[2] != 6 or ip[4] != PEER_IP:
                continue
            hl, tl, proto, src, dst, tcp = ip
            if len(tcp) < 20:
                L.fail("a TCP segment shorter than 20 bytes from the stack: %s" % f)
            if not tcp_csum_ok(src, dst, tcp):
                L.fail("bad TCP checksum in a segment from the stack: %s" % f)
            if L.csum(f.l3[:hl]) != 0:
                L.fail("bad IPv4 header checksum in a frame from the stack: %s" % f)
            s = Seg(src, dst, tcp, t)
            if not any_port and (s.dport != self.sport or s.sport != self.dport):
                continue
            self.log.append(s)
            if pred is None or pred(s):
                return s

    def expect(self, what, timeout=3.0, pred=None, any_port=False):
        s = self.recv(timeout, pred, any_port)
        if s is None:
            self.dump()
            L.fail("%s: nothing within %.1f s" % (what, timeout))
        return s

    def collect(self, duration, pred=None):
        """Every matching segment within duration seconds."""
        out = []
        end = time.monotonic() + duration
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return out
            s = self.recv(left, pred)
            if s is None:
                return out
            out.append(s)

    def dump(self):
        print("  segments from the stack on this connection (%s:%d <- %d):" %
              (PEER_IP, self.sport, self.dport))
        for s in self.log[-20:]:
            print("    %s" % s)

    # -- connection helpers -----------------------------------------------------------------
    def connect(self, win=65535, mss=1460, ack_win=None):
        """Three-way handshake; returns the SYN-ACK."""
        self.send(SYN, seq=self.iss, win=win, options=[("MSS", mss)] if mss else [])
        sa = self.expect("SYN-ACK to our SYN", pred=lambda s: s.has(SYN) or s.has(RST))
        if sa.flags & (SYN | ACK | RST | FIN) != SYN | ACK:
            self.dump()
            L.fail("expected SYN-ACK, got [%s]" % flags_str(sa.flags))
        if sa.ack != mod(self.iss + 1):
            self.dump()
            L.fail("SYN-ACK acks %u, expected ISS+1 = %u" % (sa.ack, mod(self.iss + 1)))
        self.snd_nxt = mod(self.iss + 1)
        self.irs = sa.seq
        self.rcv_nxt = mod(sa.seq + 1)
        self.send(ACK, win=win if ack_win is None else ack_win)
        return sa

    def send_data(self, data, flags=PSH | ACK, win=65535):
        self.send(flags, data=data, win=win)
        self.snd_nxt = mod(self.snd_nxt + len(data) + (1 if flags & FIN else 0))

    def read(self, n, timeout=5.0, ack=True, win=65535):
        """Read n bytes of in-order data (ACKing each new segment); returns (bytes, segs)."""
        buf = b""
        segs = []
        deadline = time.monotonic() + timeout
        while len(buf) < n:
            s = self.recv(max(0.0, deadline - time.monotonic()), lambda s: len(s.data) > 0)
            if s is None:
                self.dump()
                L.fail("wanted %d bytes from the stack, got %d: %r" % (n, len(buf), buf[:80]))
            segs.append(s)
            if s.seq == self.rcv_nxt:
                buf += s.data
                self.rcv_nxt = mod(self.rcv_nxt + len(s.data))
            if ack:
                self.send(ACK, win=win)
        return buf, segs

    def abort(self):
        """RST at the stack's RCV.NXT: the connection ends at once (RFC 9293 3.10.7.4)."""
        self.send(RST, seq=self.snd_nxt, ack=0)

    def close(self, timeout=3.0):
        """Our FIN, the stack's ACK and FIN (echo closes after the peer's FIN), our last ACK."""
        self.send(FIN | ACK)
        fin_seq = self.snd_nxt
        self.snd_nxt = mod(self.snd_nxt + 1)
        deadline = time.monotonic() + timeout
        while True:
            s = self.recv(max(0.0, deadline - time.monotonic()))
            if s is None:
                self.dump()
                L.fail("no FIN from the stack within %.1f s of ours" % timeout)
            if s.has(RST):
                self.dump()
                L.fail("RST while closing")
            if s.data and s.seq == self.rcv_nxt:
                self.rcv_nxt = mod(self.rcv_nxt + len(s.data))
            if s.has(FIN):
                self.rcv_nxt = mod(s.seq + len(s.data) + 1)
                self.send(ACK)
                if s.ack != self.snd_nxt:
                    self.dump()
                    L.fail("the stack's FIN acks %u, our FIN was at %u" % (s.ack, fin_seq))
                return s

    def silence(self, what):
        """A barrier (echo request from the host, e2elib): pass if the stack sent this
        connection nothing before answering it."""
        got, seen = self.lab.barrier()
        if not seen:
            L.fail("no reply to the barrier echo request: the stack is not answering pings")
        ours = []
        for f in got:
            ip = f.ipv4()
            if ip is None or ip[2] != 6 or ip[4] != PEER_IP or len(ip[5]) < 20:
                continue
            s = Seg(ip[3], ip[4], ip[5], time.monotonic())
            if s.dport == self.sport:
                ours.append(s)
                self.log.append(s)
        if ours:
            for s in ours:
                print("  unexpected: %s" % s)
            L.fail("%s: the stack answered; expected silence" % what)
        L.ok("%s: no answer (barrier echo answered)" % what)

    def expect_alive(self, what, data=b"still alive\n"):
        """Send data on the connection; the echo server must send it back (port 7)."""
        self.send_data(data)
        got, _ = self.read(len(data))
        if got != data:
            L.fail("%s: echo %r, sent %r" % (what, got, data))
        L.ok("%s: the connection still echoes (%d bytes)" % (what, len(data)))


def check(good, what, peer=None):
    if not good:
        if peer is not None:
            peer.dump()
        L.fail(what)
    L.ok(what)
