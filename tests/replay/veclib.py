"""veclib.py - shared pieces of the replay vector generators (tests/replay/gen_*.py).

A vector is three files in pcap/:
    NAME.in.pcap        the frames the stack receives, at chosen times
    NAME.expected.pcap  the frames the stack must send, built here from the RFC rules,
                        never by running the stack
    NAME.assert         the fields of each expected frame that matter, and why
                        (checked by check_assert.py; format in pcap/README.md)

A generator describes one vector like this:

    v = Vector("ping-small", "an echo request is answered ...", "RFC 792; RFC 1122 3.2.2.6")
    v.send(0.0, host_arp_request(), "ARP who-has 10.0.0.2 tell 10.0.0.1")
    expect_announce(v)                       # every run starts with the RFC 5227 announcement
    expect_arp_reply(v, 0.0, HOST_MAC, HOST_IP)
    n = v.send(0.010, echo_request(seq=1), "echo request seq 1")
    expect_echo_reply(v, 0.010, n, k=0)      # k: the stack's k-th datagram (for its IP ID)
    v.write(outdir)

Times are seconds after the first input frame (virtual time 0 = T0 on the capture).

TCP vectors (gen_tcp.py, gen_http.py) use a Conn: one connection between a peer and one of
the stack's services, whose sequence numbers are written as offsets from the two ISNs:

    c = Conn(v, dport=7, irs=0x10000000)     # the peer 10.0.0.1:40000, its ISN
    c.open(0.010)                            # SYN, the expected SYN-ACK, the peer's ACK
    n = c.peer(0.030, "PA", 1, 1, b"hello")  # seq IRS+1, ack ISS+1
    c.rcv(5)                                 # the stack's RCV.NXT moves on by 5
    c.stack(0.030, "PA", 1, data=b"hello", data_ref="in[%d].tcp.data" % n, why="...")
"""
import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapio  # noqa: E402
import tsrand  # noqa: E402
import check_assert  # noqa: E402

from scapy.layers.l2 import Ether, ARP  # noqa: E402
from scapy.layers.inet import IP, ICMP, UDP, TCP, IPOption_Router_Alert  # noqa: E402,F401 (for gen_*)
from scapy.packet import Raw  # noqa: E402

IPOPT_ROUTER_ALERT = IPOption_Router_Alert()   # RFC 2113: 94 04 00 00

# The replay configuration (tests/replay/run.sh runs every vector with it).
STACK_MAC = "02:74:73:00:00:02"
STACK_IP = "10.0.0.2"
PREFIX = 24
GW_IP = "10.0.0.1"
BCAST_IP = "10.0.0.255"
BCAST_MAC = "ff:ff:ff:ff:ff:ff"
ZERO_MAC = "00:00:00:00:00:00"
DEFAULT_SEED = 1                       # replay mode's default --seed
TTL = 64                               # the stack's TTL on everything it sends

# The other hosts on the capture's link.
HOST_MAC = "52:54:00:12:34:01"         # 10.0.0.1, the gateway and the usual pinger
HOST_IP = "10.0.0.1"
HOST_MAC2 = "52:54:00:12:34:11"        # 10.0.0.1 after its NIC was swapped
PEER_MAC = "52:54:00:12:34:03"         # 10.0.0.3
PEER_IP = "10.0.0.3"
FAR_MAC = "52:54:00:12:34:05"          # 10.0.0.5, a host that never answers ARP
FAR_IP = "10.0.0.5"

T0_US = 1700000000 * 10**6             # the first input frame's timestamp (2023-11-14)

# The stack's configuration that the vectors depend on (stack/stack.c stack_defaults).
ARP_RETRY_S = 1.0                      # time between ARP requests for one address
ARP_TRIES = 3                          # requests before giving up
ARP_PENDING = 4                        # packets held per unresolved address
ARP_REACHABLE_S = 60                   # cache entry lifetime
ARP_LOCKTIME_S = 1.0                   # a MAC that changed is not changed again so soon
ICMP_RATE = 100                        # errors per second (token bucket refill)
ICMP_BURST = 50                        # bucket size

# The stack's TCP configuration that the vectors depend on (stack/tcp.c tcp_defaults, tcp.h).
TCP_RCVBUF = 65535                     # receive buffer per connection: the first window offered
TCP_MSS = 1460                         # the MSS option it sends on Ethernet: 1500 - 20 - 20
TCP_DEFAULT_MSS = 536                  # RFC 9293 3.7.1: the peer's MSS when its SYN has none
TCP_SWS_STEP = min(TCP_RCVBUF // 2, TCP_MSS)   # RFC 1122 4.2.3.3: least move of the right edge
TCP_RTO_INIT_S = 1.0                   # RFC 6298 2.1 initial RTO (and 2.4: 1 s minimum)
TCP_DELACK_S = 0.040                   # delayed-ACK timer (RFC 1122 4.2.3.2: < 0.5 s)
TCP_MSL_S = 30                         # MSL (tapstack --msl default): TIME-WAIT lasts 2 MSL
DRAIN_S = 5                            # replay runs the clock this long after the last frame
PEER_PORT = 40000                      # 10.0.0.1's port in the TCP vectors
PEER_WIN = 64240                       # the window 10.0.0.1 offers (Linux's first window)


def us(t):
    """Seconds (float) to integer microseconds, exactly for the round values used here."""
    return int(round(t * 10**6))


def pad60(b):
    """RFC 894: pad the Ethernet data with zeros to the 60-byte minimum frame (no FCS)."""
    b = bytes(b)
    return b + b"\0" * (60 - len(b)) if len(b) < 60 else b


def ping_payload(n=56, stamp=0):
    """What Linux ping sends: a 16-byte struct timeval, then bytes 0x10, 0x11, ... (n bytes)."""
    tv = struct.pack("<qq", 1700000000 + stamp, 123456)
    body = bytes((0x10 + i) & 0xFF for i in range(max(0, n - 16)))
    return (tv + body)[:n]


def inet_csum(b):
    return check_assert.inet_csum(bytes(b))


def fix_ip_csum(frame):
    """Recompute the IPv4 header checksum of an Ethernet frame after a byte was changed."""
    f = bytearray(frame)
    hl = (f[14] & 0x0F) * 4
    hl = max(hl, 20)
    f[24:26] = b"\0\0"
    f[24:26] = struct.pack("!H", inet_csum(bytes(f[14:14 + hl])))
    return bytes(f)


def patch(frame, offset, value, fix_csum=True):
    """frame with bytes at offset (counted from the start of the frame) replaced."""
    f = bytearray(frame)
    f[offset:offset + len(value)] = value
    return fix_ip_csum(bytes(f)) if fix_csum else bytes(f)


# Input frames (what hosts send) ------------------------------------------------------------

def host_arp_request(target=STACK_IP, src_mac=HOST_MAC, src_ip=HOST_IP, dst_mac=BCAST_MAC,
                     tha=ZERO_MAC):
    """ARP request who-has target tell src_ip, as Linux sends it (broadcast, padded)."""
    return pad60(Ether(dst=dst_mac, src=src_mac) /
                 ARP(op=1, hwsrc=src_mac, psrc=src_ip, hwdst=tha, pdst=target))


def host_arp_reply(src_mac=HOST_MAC, src_ip=HOST_IP):
    """ARP reply src_ip is-at src_mac, to the stack."""
    return pad60(Ether(dst=STACK_MAC, src=src_mac) /
                 ARP(op=2, hwsrc=src_mac, psrc=src_ip, hwdst=STACK_MAC, pdst=STACK_IP))


def ip_frame(payload, proto, src=HOST_IP, dst=STACK_IP, src_mac=HOST_MAC, dst_mac=STACK_MAC,
             ip_id=0x1C46, flags="DF", ttl=64, tos=0, options=None):
    """An IPv4 datagram from a host in an Ethernet frame, padded to 60 bytes."""
    ip = IP(src=src, dst=dst, id=ip_id, flags=flags, ttl=ttl, tos=tos, proto=proto)
    if options is not None:
        ip.options = options
    return pad60(Ether(dst=dst_mac, src=src_mac) / ip / Raw(bytes(payload)))


def echo_request(seq=1, ident=0x1234, payload=None, **kw):
    """ICMP echo request (RFC 792) from 10.0.0.1, by default Linux ping's 56 bytes of data."""
    data = ping_payload(56, seq) if payload is None else payload
    icmp = bytes(ICMP(type=8, code=0, id=ident, seq=seq) / Raw(data))
    kw.setdefault("ip_id", 0x1C46 + seq)
    return ip_frame(icmp, 1, **kw)


# Expected frames (what the stack must send) ------------------------------------------------

def _ipl(frame):
    """(IP header bytes, datagram bytes) of an input frame, by IHL and total length."""
    hdr, dgram, _ = check_assert._ip_parts(frame)
    return hdr, dgram


def expect_announce(v, t=0.0):
    """RFC 5227 2.3 ARP Announcement the stack sends at start (virtual time 0)."""
    f = pad60(Ether(dst=BCAST_MAC, src=STACK_MAC) /
              ARP(op=1, hwsrc=STACK_MAC, psrc=STACK_IP, hwdst=ZERO_MAC, pdst=STACK_IP))
    v.expect(t, f,
             "eth.dst=ff:ff:ff:ff:ff:ff eth.src=%s eth.type=0x0806 arp.op=1 arp.hwsrc=%s "
             "arp.psrc=%s arp.hwdst=00:00:00:00:00:00 arp.pdst=%s len=60 pad=zeros"
             % (STACK_MAC, STACK_MAC, STACK_IP, STACK_IP),
             "one gratuitous ARP at start, in RFC 5227 2.3's Announcement format: request, "
             "sender IP = target IP = ours, target MAC zero, broadcast (the stack does not run "
             "RFC 5227's probe/2-announcement procedure); RFC 894 zero padding to 60")


def expect_arp_reply(v, t, to_mac=HOST_MAC, to_ip=HOST_IP, why=""):
    """RFC 826 reply to a request for our address: sender = us, target = the asker."""
    f = pad60(Ether(dst=to_mac, src=STACK_MAC) /
              ARP(op=2, hwsrc=STACK_MAC, psrc=STACK_IP, hwdst=to_mac, pdst=to_ip))
    v.expect(t, f,
             "eth.dst=%s eth.src=%s arp.op=2 arp.hwsrc=%s arp.psrc=%s arp.hwdst=%s arp.pdst=%s "
             "len=60 pad=zeros" % (to_mac, STACK_MAC, STACK_MAC, STACK_IP, to_mac, to_ip),
             why or "RFC 826: reply to the asker's hardware address, sender/target swapped, "
             "our MAC in the sender field")


def expect_arp_request(v, t, target, why):
    """An ARP request the stack sends to resolve `target` (RFC 826, RFC 1122 2.3.2.1)."""
    f = pad60(Ether(dst=BCAST_MAC, src=STACK_MAC) /
              ARP(op=1, hwsrc=STACK_MAC, psrc=STACK_IP, hwdst=ZERO_MAC, pdst=target))
    v.expect(t, f,
             "eth.dst=ff:ff:ff:ff:ff:ff eth.src=%s arp.op=1 arp.hwsrc=%s arp.psrc=%s "
             "arp.hwdst=00:00:00:00:00:00 arp.pdst=%s len=60 pad=zeros"
             % (STACK_MAC, STACK_MAC, STACK_IP, target), why)


def expect_echo_reply(v, t, req, k, to_mac=HOST_MAC, why=""):
    """The echo reply to input frame `req`: RFC 792 (type 0, same id/seq/data), RFC 1122
    3.2.2.6 (source = the request's specific destination), sent with IP ID number k."""
    hdr, dgram = _ipl(v.inputs[req - 1].data)
    hl = (hdr[0] & 0x0F) * 4
    icmp = dgram[hl:]
    ident, seq = struct.unpack("!HH", icmp[4:8])
    src = "%d.%d.%d.%d" % tuple(hdr[16:20])
    dst = "%d.%d.%d.%d" % tuple(hdr[12:16])
    ip_id, ip_id_ref = v.ipid(k, src, dst, 1)
    f = pad60(Ether(dst=to_mac, src=STACK_MAC) /
              IP(src=src, dst=dst, id=ip_id, flags=0, ttl=TTL, tos=0, proto=1) /
              ICMP(type=0, code=0, id=ident, seq=seq) / Raw(icmp[8:]))
    v.expect(t, f,
             "eth.dst=%s eth.src=%s ip.ihl=5 ip.tos=0 ip.flags=0 ip.frag=0 ip.ttl=64 ip.proto=1 "
             "ip.src=%s ip.dst=%s ip.id=%s ip.len=%d ip.chksum_ok=1 icmp.type=0 icmp.code=0 "
             "icmp.id=in[%d].icmp.id icmp.seq=in[%d].icmp.seq icmp.data=in[%d].icmp.data "
             "icmp.chksum_ok=1 pad=zeros"
             % (to_mac, STACK_MAC, src, dst, ip_id_ref, 20 + len(icmp), req, req, req),
             why or "RFC 792 echo reply: same id, seq and data; RFC 1122 3.2.2.6 source = the "
             "request's destination; TTL 64, DF clear, TOS 0, no options; IP ID of datagram %d"
             % k)


def expect_unreach(v, t, req, code, k, to_mac=HOST_MAC, why=""):
    """ICMP destination unreachable (RFC 792) about input frame `req`, quoting its IP header
    and first 8 data bytes (RFC 792, RFC 1122 3.2.2), sent with IP ID number k."""
    hdr, dgram = _ipl(v.inputs[req - 1].data)
    hl = len(hdr)
    quote = dgram[:hl + 8]
    src = "%d.%d.%d.%d" % tuple(hdr[16:20])
    dst = "%d.%d.%d.%d" % tuple(hdr[12:16])
    # The ICMP bytes by hand (type, code, checksum, 32 unused bits, quote): nothing to guess.
    icmp = bytearray(struct.pack("!BBHI", 3, code, 0, 0) + quote)
    icmp[2:4] = struct.pack("!H", inet_csum(bytes(icmp)))
    ip_id, ip_id_ref = v.ipid(k, src, dst, 1)
    ip = IP(src=src, dst=dst, id=ip_id, flags=0, ttl=TTL, tos=0, proto=1) / Raw(bytes(icmp))
    f = pad60(Ether(dst=to_mac, src=STACK_MAC) / ip)
    v.expect(t, f,
             "eth.dst=%s ip.ihl=5 ip.tos=0 ip.flags=0 ip.ttl=64 ip.proto=1 ip.src=%s ip.dst=%s "
             "ip.id=%s ip.len=%d ip.chksum_ok=1 icmp.type=3 icmp.code=%d icmp.rest=0 "
             "icmp.data=in[%d].ip.raw[0:%d] icmp.chksum_ok=1"
             % (to_mac, src, dst, ip_id_ref, 20 + 8 + len(quote), code, req, hl + 8),
             why or "RFC 792 destination unreachable code %d, unused field zero, quoting the "
             "offending IP header + first 64 bits of its data (RFC 1122 3.2.2); IP ID of "
             "datagram %d" % (code, k))


# TCP (RFC 9293) ----------------------------------------------------------------------------

TCP_FLAG_BITS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20, "E": 0x40,
                 "C": 0x80}


def tcp_flag_bits(flags):
    """'SA' -> 0x12."""
    return sum(TCP_FLAG_BITS[c] for c in flags)


def tcp_flags_text(bits):
    """0x12 -> 'SA', in the order check_assert.py shows them (FSRPAUEC)."""
    return check_assert.tcp_flags_text(bits)


def mss_option(mss):
    """RFC 9293 3.2: kind 2, length 4, the MSS (network order)."""
    return struct.pack("!BBH", 2, 4, mss)


# RFC 2018 2: SACK-permitted, kind 4, length 2 (on a SYN only), after two NOPs (kind 1) that
# keep what follows 32-bit aligned: how Linux without timestamps, and the stack, send it.
SACK_PERMITTED = b"\x01\x01\x04\x02"


def sack_option(blocks):
    """RFC 2018 3: NOP, NOP, kind 5, length 2 + 8n, then n blocks (left edge = the first
    sequence number of the block, right edge = the one just after its last byte), absolute
    sequence numbers modulo 2^32."""
    return (struct.pack("!BBBB", 1, 1, 5, 2 + 8 * len(blocks)) +
            b"".join(struct.pack("!II", a & 0xFFFFFFFF, b & 0xFFFFFFFF) for a, b in blocks))


def blocks_text(base, blocks):
    """'IRS+201-IRS+301 IRS+401-IRS+501': SACK blocks as offsets, for the notes and reasons."""
    return " ".join("%s%+d-%s%+d" % (base, a, base, b) for a, b in blocks)


def tcp_segment(src, dst, sport, dport, seq, ack, flags, win, data=b"", options=b"", urg=0):
    """A TCP header and data, by hand (nothing left to a library's defaults), with the checksum
    over the pseudo-header, header and data (RFC 9293 3.1). The ACK field is written as given
    (the stack writes 0 when ACK is off)."""
    options = bytes(options)
    if len(options) % 4:
        options += b"\0" * (4 - len(options) % 4)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                      ((20 + len(options)) // 4) << 4, tcp_flag_bits(flags), win, 0, urg) + options
    seg = bytearray(hdr + bytes(data))
    pseudo = (bytes(map(int, src.split("."))) + bytes(map(int, dst.split("."))) +
              struct.pack("!BBH", 0, 6, len(seg)))
    seg[16:18] = struct.pack("!H", inet_csum(pseudo + bytes(seg)))
    return bytes(seg)


def tcp_in(seq, ack, flags, data=b"", sport=PEER_PORT, dport=7, win=PEER_WIN, options=b"",
           src=HOST_IP, src_mac=HOST_MAC, ip_id=0x2000):
    """A segment from a host (10.0.0.1 by default) to the stack, DF set like Linux, padded."""
    seg = tcp_segment(src, STACK_IP, sport, dport, seq, ack, flags, win, data, options)
    return ip_frame(seg, 6, src=src, src_mac=src_mac, ip_id=ip_id)


def expect_tcp(v, t, k, sport, dport, seq, ack, flags, win, data=b"", options=b"",
               seq_ref=None, ack_ref=None, data_ref=None, to_mac=HOST_MAC, dst=HOST_IP, why="",
               extra=""):
    """A segment the stack sends: from 10.0.0.2:sport to dst:dport, IP ID number k, TTL 64, DF
    clear, no IP options. seq_ref, ack_ref, data_ref: how the .assert states the values
    (isn(..)+N, in[N].tcp.seq+N, in[N].tcp.data[a:b], file:..); None writes the number (or
    hex) itself; ack_ref="" leaves the ACK field out of the .assert (a segment without ACK)."""
    seg = tcp_segment(STACK_IP, dst, sport, dport, seq, ack, flags, win, data, options)
    ip_id, ip_id_ref = v.ipid(k, STACK_IP, dst, 6)
    f = pad60(Ether(dst=to_mac, src=STACK_MAC) /
              IP(src=STACK_IP, dst=dst, id=ip_id, flags=0, ttl=TTL, tos=0, proto=6) / Raw(seg))
    fields = ["eth.dst=%s eth.src=%s ip.ihl=5 ip.tos=0 ip.flags=0 ip.frag=0 ip.ttl=64 ip.proto=6 "
              "ip.src=%s ip.dst=%s ip.id=%s ip.len=%d ip.chksum_ok=1"
              % (to_mac, STACK_MAC, STACK_IP, dst, ip_id_ref, 20 + len(seg)),
              "tcp.sport=%d tcp.dport=%d tcp.seq=%s" % (sport, dport, seq_ref or "%d" % seq)]
    if ack_ref != "":
        fields.append("tcp.ack=%s" % (ack_ref or "%d" % ack))
    fields.append("tcp.flags=%s tcp.window=%d tcp.dataofs=%d" % (flags, win, 5 + len(options) // 4))
    if options:
        fields.append("tcp.options=hex:%s" % bytes(options).hex())
    fields.append("tcp.urgptr=0 tcp.len=%d" % len(data))
    if data:
        fields.append("tcp.data=%s" % (data_ref or "hex:" + bytes(data).hex()))
    if extra:
        fields.append(extra)
    fields.append("tcp.chksum_ok=1 pad=zeros")
    v.expect(t, f, " ".join(fields), why)
    return len(v.outputs)


class Conn:
    """A TCP connection between the peer (10.0.0.1:sport by default) and the stack's service on
    dport, for writing a vector. Sequence numbers are offsets: the stack's are ISS + off (ISS:
    the documented tcp_isn() for the SYN's time, tsrand.py), the peer's IRS + off (IRS: the
    peer's ISN, chosen by the vector). The .assert states them as isn(...)+off and
    in[SYN].tcp.seq+off, so every number says where it comes from.

    The stack's receive window is modelled after RFC 9293 3.8.6 and RFC 1122 4.2.3.3 (the
    receiver's silly window avoidance): the window is the free buffer (TCP_RCVBUF minus the
    bytes received and not yet read by the service), but the right edge RCV.NXT + RCV.WND
    that the stack last advertised moves on only when it can move by at least TCP_SWS_STEP =
    min(buffer / 2, MSS); until then the stack keeps offering the old right edge."""

    def __init__(self, v, dport=7, sport=PEER_PORT, irs=0x10000000, peer=HOST_IP,
                 peer_mac=HOST_MAC):
        self.v, self.dport, self.sport, self.irs = v, dport, sport, irs
        self.peer_ip, self.peer_mac = peer, peer_mac
        self.iss = None
        self.syn_t_us = None
        self.syn_in = None             # input frame number of the peer's SYN
        self.rcv_nxt = 0               # the stack's RCV.NXT, offset from IRS
        self.right = None              # the right edge it last advertised, offset from IRS
        self.unread = 0                # bytes received that the service has not read yet
        self.snd_max = 0               # the stack's highest SND.NXT so far, offset from ISS
        self.ip_id = 0x2000            # the peer's IP IDs (any values do)

    # numbers and their .assert forms
    def seq_ref(self, off):
        t = self.syn_t_us
        base = "isn(%s:%d,%s:%d,%d.%06d)" % (STACK_IP, self.dport, self.peer_ip, self.sport,
                                             t // 10**6, t % 10**6)
        return base + ("+%d" % off if off else "")

    def ack_ref(self, off):
        return "in[%d].tcp.seq" % self.syn_in + ("+%d" % off if off else "")

    def window(self):
        """The window the stack offers now (RFC 9293 3.8.6; RFC 1122 4.2.3.3 SWS)."""
        free = TCP_RCVBUF - self.unread
        offered = max(0, self.right - self.rcv_nxt) if self.right is not None else 0
        if free > offered and free - offered < TCP_SWS_STEP:
            return offered
        return free

    def rcv(self, n, unread=0):
        """The stack's RCV.NXT moves on by n (data in order, or 1 for SYN/FIN); `unread` of the
        bytes stay in the buffer (the service reads the rest at once)."""
        self.rcv_nxt += n
        self.unread = unread

    # the peer's segments
    def peer(self, t, flags, seq, ack=0, data=b"", win=PEER_WIN, options=b"", note="",
             sack=None):
        """An input segment; seq and ack are offsets from IRS and ISS. sack: SACK blocks
        [(a, b)], offsets from ISS, sent as the option NOP, NOP, SACK (RFC 2018 3)."""
        self.ip_id += 1
        if sack:
            options = bytes(options) + sack_option([(self.iss + a, self.iss + b) for a, b in sack])
        ackv = (self.iss + ack) & 0xFFFFFFFF if "A" in flags else 0
        f = tcp_in((self.irs + seq) & 0xFFFFFFFF, ackv, flags, data, self.sport, self.dport, win,
                   options, src=self.peer_ip, src_mac=self.peer_mac, ip_id=self.ip_id)
        desc = "%s:%d > %s:%d [%s] seq IRS%+d%s win %d%s%s" % (
            self.peer_ip, self.sport, STACK_IP, self.dport, flags, seq,
            " ack ISS%+d" % ack if "A" in flags else "", win,
            " len %d" % len(data) if data else "", " <mss %d>" % struct.unpack("!H", options[2:4])[0]
            if options[:2] == b"\x02\x04" else "")
        if sack:
            desc += " <sack %s>" % blocks_text("ISS", sack)
        return self.v.send(t, f, desc + ("  " + note if note else ""))

    # the stack's segments
    def stack(self, t, flags, seq=None, data=b"", data_ref=None, win=None, options=b"", why="",
              sack=None):
        """An expected segment from the stack with SEQ = ISS + seq (default: SND.NXT, the end of
        what it sent so far) and, if ACK is set, ACK = RCV.NXT and WND = window() (or win);
        takes the next IP ID. sack: the SACK blocks [(a, b)] it must carry, offsets from IRS, in
        order (the option NOP, NOP, SACK, RFC 2018 3; the reason gets them spelled out)."""
        if sack:
            options = bytes(options) + sack_option([(self.irs + a, self.irs + b) for a, b in sack])
            why += " [SACK option: NOP,NOP,kind 5,length %d, blocks %s]" % (
                2 + 8 * len(sack), blocks_text("IRS", sack))
        if seq is None:
            seq = self.snd_max
        self.snd_max = max(self.snd_max, seq + len(data) + ("S" in flags) + ("F" in flags))
        w = self.window() if win is None else win
        if "A" in flags:
            self.right = self.rcv_nxt + w
        ack = (self.irs + self.rcv_nxt) & 0xFFFFFFFF if "A" in flags else 0
        return expect_tcp(self.v, t, self.v.take_k(), self.dport, self.sport,
                          (self.iss + seq) & 0xFFFFFFFF, ack, flags, w, data, options,
                          seq_ref=self.seq_ref(seq),
                          ack_ref=self.ack_ref(self.rcv_nxt) if "A" in flags else "",
                          data_ref=data_ref, to_mac=self.peer_mac, dst=self.peer_ip, why=why)

    def syn(self, t, win=PEER_WIN, mss=TCP_MSS, note="", sack=False):
        """The peer's SYN (with an MSS option unless mss is None, then NOP, NOP,
        SACK-permitted if sack): fixes the ISS."""
        self.syn_t_us = us(t)
        self.iss = tsrand.tcp_isn(self.v.seed or DEFAULT_SEED, self.syn_t_us, STACK_IP,
                                  self.dport, self.peer_ip, self.sport)
        self.ip_id += 1
        opts = (mss_option(mss) if mss else b"") + (SACK_PERMITTED if sack else b"")
        f = tcp_in(self.irs, 0, "S", b"", self.sport, self.dport, win, opts, src=self.peer_ip,
                   src_mac=self.peer_mac, ip_id=self.ip_id)
        if sack:
            what = " <%snop,nop,sackOK>" % ("mss %d," % mss if mss else "")
        else:
            what = " <mss %d>" % mss if mss else " (no options)"
        self.syn_in = self.v.send(t, f, "%s:%d > %s:%d [S] seq IRS=%d (0x%08x) win %d%s%s" % (
            self.peer_ip, self.sport, STACK_IP, self.dport, self.irs, self.irs, win,
            what, "  " + note if note else ""))
        self.rcv(1)
        return self.syn_in

    def open(self, t, ack_t=None, win=PEER_WIN, mss=TCP_MSS, sack=False):
        """The three-way handshake (RFC 9293 3.5): the peer's SYN at t, the stack's SYN-ACK at
        once (LISTEN, RFC 9293 3.10.7.2), the peer's ACK at ack_t (t + 10 ms). sack: the SYN
        offers SACK-permitted, and the SYN-ACK must answer it (RFC 2018 2)."""
        self.syn(t, win, mss, sack=sack)
        if sack:
            self.stack(t, "SA", 0, options=mss_option(TCP_MSS) + SACK_PERMITTED,
                       why="RFC 9293 3.10.7.2 (LISTEN, SYN): <SEQ=ISS><ACK=RCV.NXT=SEG.SEQ+1>"
                       "<CTL=SYN,ACK>, ISS = the documented tcp_isn() for this 4-tuple at the "
                       "SYN's time (RFC 6528; docs/replay.md); RFC 9293 3.7.1 / RFC 6691: MSS "
                       "option %d = MTU 1500 - 40; RFC 2018 2: the SYN offered SACK-permitted, so "
                       "the SYN-ACK may carry it too (kind 4, length 2, after NOP,NOP: options "
                       "02 04 05 b4 01 01 04 02, dataofs 7), and SACK is on for the connection; "
                       "window %d = the whole receive buffer (RFC 9293 3.8.6); no other options "
                       "(the stack has no window scaling or timestamps)" % (TCP_MSS, TCP_RCVBUF))
        else:
            self.stack(t, "SA", 0, options=mss_option(TCP_MSS),
                       why="RFC 9293 3.10.7.2 (LISTEN, SYN): <SEQ=ISS><ACK=RCV.NXT=SEG.SEQ+1>"
                       "<CTL=SYN,ACK>, ISS = the documented tcp_isn() for this 4-tuple at the "
                       "SYN's time (RFC 6528; docs/replay.md); RFC 9293 3.7.1 / RFC 6691: MSS "
                       "option %d = MTU 1500 - 40; window %d = the whole receive buffer (RFC 9293 "
                       "3.8.6); no other options (no SACK-permitted: the SYN did not offer it, "
                       "RFC 2018 2; the stack has no window scaling or timestamps)"
                       % (TCP_MSS, TCP_RCVBUF))
        self.peer(ack_t if ack_t is not None else t + 0.010, "A", 1, 1, win=win,
                  note="(completes the handshake)")


def expect_end_fin(v, c, t, why_extra=""):
    """The replay ends DRAIN_S after the last frame: tapstack stops its services, which close
    their sockets; an ESTABLISHED connection with nothing unread sends its FIN then
    (RFC 9293 3.10.4 CLOSE: FIN after the queued data, ESTABLISHED -> FIN-WAIT-1)."""
    return c.stack(t, "FA", why="the replay ends %d s after the last frame: the "
                   "service closes its socket, RFC 9293 3.10.4 CLOSE in ESTABLISHED: "
                   "<SEQ=SND.NXT><CTL=FIN,ACK> (docs/replay.md: the end of a replay)%s"
                   % (DRAIN_S, why_extra))


# The vector --------------------------------------------------------------------------------

class Vector:
    def __init__(self, name, proves, rfc, seed=None):
        self.name, self.proves, self.rfc, self.seed = name, proves, rfc, seed
        self.inputs, self.in_notes = [], []
        self.outputs, self.out_asserts = [], []
        self.count_why = None
        self.volatiles = []            # (frame number, [(a, b)], why)
        self.next_k = 0                # number of the stack's next datagram (take_k)
        self.ipid_tuples = {}          # k -> (src, dst, proto) of the stack's k-th datagram

    def ipid(self, k, src, dst, proto):
        """(IP ID, its .assert text) of the stack's k-th datagram (0 = its first), which goes
        from src to dst with protocol proto: the n-th through the counter that tuple selects
        (tsrand.py), n counted over the stack's datagrams 0..k-1, whose tuples must be known
        by then (each expect_* helper states its own; ipid_skip states one that never shows)."""
        seed = DEFAULT_SEED if self.seed is None else self.seed
        t = (src, dst, proto)
        if self.ipid_tuples.setdefault(k, t) != t:
            raise ValueError("%s: datagram %d is both %s and %s" % (self.name, k,
                                                                    self.ipid_tuples[k], t))
        missing = [j for j in range(k) if j not in self.ipid_tuples]
        if missing:
            raise ValueError("%s: the IP ID of datagram %d depends on datagrams %s: state them "
                             "first (or v.ipid_skip)" % (self.name, k, missing))
        ids = tsrand.IpIds(seed)
        c = ids.counter(src, dst, proto)
        n = sum(1 for j in range(k) if ids.counter(*self.ipid_tuples[j]) == c)
        return (tsrand.ip_id(seed, src, dst, proto, n),
                "ipid(%s,%s,%d,%d)" % (src, dst, proto, n))

    def ipid_skip(self, k, src, dst, proto):
        """State the stack's k-th datagram, one that takes an ID but is never seen (dropped
        while it waits for ARP)."""
        self.ipid(k, src, dst, proto)

    def take_k(self):
        """The IP ID number (0 = the stack's first datagram) for the next expected datagram,
        counting as the TCP helpers add them."""
        self.next_k += 1
        return self.next_k - 1

    def volatile(self, frame_no, ranges, why):
        """Byte ranges [(a, b)] of expected frame frame_no that the stack cannot reproduce:
        not compared byte for byte (check the rest with the frame's assertions)."""
        self.volatiles.append((frame_no, list(ranges), why))

    def send(self, t, frame, note):
        """Add an input frame at t seconds; returns its number (1-based) for in[N] references."""
        if self.inputs and us(t) < self.inputs[-1].t_us - T0_US:
            raise ValueError("%s: input frames must be in time order" % self.name)
        if not self.inputs and us(t) != 0:
            raise ValueError("%s: the first input frame is virtual time 0" % self.name)
        self.inputs.append(pcapio.Frame(T0_US + us(t), frame))
        self.in_notes.append(note)
        return len(self.inputs)

    def expect(self, t, frame, fields, why):
        self.outputs.append(pcapio.Frame(T0_US + us(t), frame))
        self.out_asserts.append((us(t), fields, why))

    def total(self, why):
        """State why the stack sends exactly the frames expected, and no more."""
        self.count_why = why

    def assert_text(self):
        L = ["# pcap/%s.assert - what the stack must send for %s.in.pcap, and why." % (self.name, self.name),
             "# Checked by tests/replay/check_assert.py (format: pcap/README.md). Generated by",
             "# tests/replay/gen_*.py: edit the generator, then `make vectors`.",
             "# proves: %s" % self.proves,
             "# rfc: %s" % self.rfc,
             "# input (time in s since the first frame):"]
        for i, (fr, note) in enumerate(zip(self.inputs, self.in_notes), 1):
            t = fr.t_us - T0_US
            L.append("#   in %d  t=%d.%06d  %s" % (i, t // 10**6, t % 10**6, note))
        if self.seed is not None:
            L.append("seed %d   # run with --seed %d: the IP ID key, ports and ISN secret come "
                     "from it (tests/replay/tsrand.py)" % (self.seed, self.seed))
        L.append("frames %d   # %s" % (len(self.outputs), self.count_why or
                                      "no other frame may be sent"))
        for i, (t, fields, why) in enumerate(self.out_asserts, 1):
            L.append("frame %d: time=%d.%06d %s   # %s" % (i, t // 10**6, t % 10**6, fields, why))
        for k, ranges, why in self.volatiles:
            L.append("volatile %d %s   # %s" % (k, " ".join("%d:%d" % r for r in ranges), why))
        return "\n".join(L) + "\n"

    def readme_line(self):
        return "- [ ] `%s` - %s (%s)" % (self.name, self.proves, self.rfc)

    def write(self, outdir):
        os.makedirs(outdir, exist_ok=True)
        base = os.path.join(outdir, self.name)
        pcapio.write_pcap(base + ".in.pcap", self.inputs)
        pcapio.write_pcap(base + ".expected.pcap", self.outputs)
        with open(base + ".assert", "w") as f:
            f.write(self.assert_text())
        # The two statements of the vector must agree before anyone runs the stack.
        fails = check_assert.check(base + ".assert", base + ".expected.pcap", base + ".in.pcap",
                                   quiet=True)
        if fails:
            for msg in fails:
                print("%s: expected vs assert: %s" % (self.name, msg), file=sys.stderr)
            raise SystemExit("%s: the expected capture breaks its own assertions" % self.name)


def main(vectors, argv=None):
    """Command line of every gen_*.py: --out DIR (default pcap/), --list, [NAME...]."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(root, "pcap"))
    ap.add_argument("--list", action="store_true", help="print the README lines and stop")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args(argv)
    for make in vectors:
        v = make()
        if a.names and v.name not in a.names:
            continue
        if a.list:
            print(v.readme_line())
            continue
        v.write(a.out)
        print("wrote %s/%s.{in.pcap,expected.pcap,assert}: %d in, %d out"
              % (a.out, v.name, len(v.inputs), len(v.outputs)))


def hello(v, t=0.0):
    """The usual start: 10.0.0.1 asks for 10.0.0.2 (so the stack learns 10.0.0.1's MAC, RFC 826
    'am I the target? add the sender'), the stack announces itself and answers."""
    v.send(t, host_arp_request(), "ARP request who-has 10.0.0.2 tell 10.0.0.1 (%s)" % HOST_MAC)
    expect_announce(v)
    expect_arp_reply(v, t)


def dropped(name, proves, rfc, bad, control_t=0.100):
    """A vector whose frames `bad` ([(t, frame, note)], after hello) must all be dropped without
    a word; an echo request at control_t then proves the stack alive and, through its IP ID
    (the first of its counter's), that nothing was sent to 10.0.0.1 over ICMP in between."""
    v = Vector(name, proves, rfc)
    hello(v)
    for t, frame, note in bad:
        v.send(t, frame, note + "  -> must be dropped silently")
    n = v.send(control_t, echo_request(seq=99), "echo request seq 99 (the control)")
    expect_echo_reply(v, control_t, n, 0,
                      why="the control is answered, with the first IP ID of its counter: no ICMP "
                      "was sent to 10.0.0.1 for the frames before it")
    v.total("the announcement, the ARP reply and the control's echo reply; the bad frames get "
            "no answer (%s)" % rfc)
    return v
