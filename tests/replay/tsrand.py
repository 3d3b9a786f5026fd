#!/usr/bin/python3
"""tsrand.py - the stack's random source (stack/clock.c rand_seed/rand32), in Python.

xorshift64* (Marsaglia's xorshift with a multiplier, as in Vigna 2014):

    state ^= state >> 12
    state ^= state << 25          (mod 2**64)
    state ^= state >> 27
    return (state * 0x2545F4914F6CDD1D mod 2**64) >> 32

rand_seed(0) uses the fixed state 0x9E3779B97F4A7C15 (a zero state would stay zero).
The replay vectors use it to state, independently of the stack, which IP
Identification values the stack must put in its datagrams (docs/replay.md).

The IP ID (stack/ipv4.c ipv4_next_id, RFC 6864 4.1, RFC 7739 5.3): draw 1 of rand32() seeds
a private generator of the same kind, whose first four draws make the key
k0 = p1 << 32 | p2, k1 = p3 << 32 | p4. Then, with H(m0, m1) = SipHash-2-4(k0, k1, m0, m1):

    counter c of a datagram = H(src << 32 | dst, proto) mod 2048
    start value of counter c = H(c, 1 << 32) & 0xFFFF                (before its first datagram)
    each datagram through c:  value = (value + 1 + (H(c, 2 << 32 | value) & 7)) & 0xFFFF
                              and that new value is the datagram's ID

so the ID of a datagram depends on the seed, its (src, dst, proto) and how many datagrams
went through the same counter before it: nothing that goes to other destinations moves it.

    python3 tests/replay/tsrand.py 1 5      # the first 5 IP IDs to 10.0.0.1 (ICMP), seed 1
    python3 tests/replay/tsrand.py 1 5 10.0.0.2 10.0.0.3 6  # ... to 10.0.0.3 (TCP)
    python3 tests/replay/tsrand.py --isn 1 10.0.0.2:7 10.0.0.1:40000 0.010000
                                            # the ISS of a connection whose SYN came at 0.01 s
"""
import sys

MASK64 = (1 << 64) - 1
ZERO_SEED_STATE = 0x9E3779B97F4A7C15
MULT = 0x2545F4914F6CDD1D


class TsRand:
    """The generator: TsRand(seed).rand32() gives the stack's draws in order."""

    def __init__(self, seed):
        self.state = (seed & MASK64) or ZERO_SEED_STATE

    def rand32(self):
        x = self.state
        x ^= x >> 12
        x ^= (x << 25) & MASK64
        x ^= x >> 27
        self.state = x
        return ((x * MULT) & MASK64) >> 32


# Draws made by stack_init() before the IP ID draw. stack/stack.c stack_init calls, in order:
#   rand_seed(seed) -> ... -> ipv4_init  (draw 1: seeds the IP ID key) -> udp_init (draw 2:
#   UDP port) -> tcp_init (draws 3, 4: ISN secret, unless configured; draw 5: TCP port)
# so the IP ID draw is the first. If stack_init ever draws for something else first, count
# it here (and see init_draws below).
DRAWS_BEFORE_IP_ID = 0
EPHEMERAL_FIRST, EPHEMERAL_LAST = 49152, 65535    # stack/udp.h, stack/tcp.c


def init_draws(seed):
    """What stack_init(seed) takes from the generator, in the order it draws."""
    r = TsRand(seed)
    for _ in range(DRAWS_BEFORE_IP_ID):
        r.rand32()
    span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
    d = {"ip_id_seed": r.rand32(),
         "udp_first_port": EPHEMERAL_FIRST + r.rand32() % span}
    hi, lo = r.rand32(), r.rand32()
    d["tcp_isn_secret"] = (hi << 32) | lo
    d["tcp_first_port"] = EPHEMERAL_FIRST + r.rand32() % span
    return d


# IP Identification (RFC 6864, RFC 7739) --------------------------------------------------

IPID_COUNTERS = 2048          # stack/ipv4.c IPV4_ID_COUNTERS
IPID_STEP_MASK = 7            # stack/ipv4.c IPV4_ID_STEP_MASK: steps of 1..8


def ip_id_key(seed):
    """(k0, k1): four draws of a private generator seeded with stack_init's draw 1."""
    p = TsRand(init_draws(seed)["ip_id_seed"])
    a, b, c, d = (p.rand32() for _ in range(4))
    return (a << 32) | b, (c << 32) | d


class IpIds:
    """The IDs the stack gives its datagrams after stack_init(seed): next(src, dst, proto) for
    each datagram in the order IP sends them (addresses as 'a.b.c.d' or numbers)."""

    def __init__(self, seed):
        self.k0, self.k1 = ip_id_key(seed)
        self.value = {}                      # counter -> its last value (start if unused)

    def h(self, m0, m1):
        return siphash24(self.k0, self.k1, m0, m1)

    def counter(self, src, dst, proto):
        src, dst = (ip4(a) if isinstance(a, str) else a for a in (src, dst))
        return self.h((src << 32) | dst, proto & 0xFF) % IPID_COUNTERS

    def start(self, c):
        return self.h(c, 1 << 32) & 0xFFFF

    def next_in(self, c):
        """Move counter c on by one datagram; the datagram's ID."""
        v = self.value.get(c, self.start(c))
        v = (v + 1 + (self.h(c, (2 << 32) | v) & IPID_STEP_MASK)) & 0xFFFF
        self.value[c] = v
        return v

    def next(self, src, dst, proto):
        return self.next_in(self.counter(src, dst, proto))


def ip_id(seed, src, dst, proto, n):
    """The Identification of the n-th datagram (n = 0 for the first) that the stack sends
    through the counter (src, dst, proto) selects, counting every datagram through that
    counter (those of another tuple that shares it too)."""
    ids = IpIds(seed)
    c = ids.counter(src, dst, proto)
    for _ in range(n):
        ids.next_in(c)
    return ids.next_in(c)


# TCP ISNs (RFC 6528) ---------------------------------------------------------------------

def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & MASK64


def siphash24(k0, k1, m0, m1):
    """SipHash-2-4 (Aumasson, Bernstein) of the 16-byte message whose two little-endian 64-bit
    words are m0, m1, with the key k0, k1: stack/tcp.c siphash24(), line for line (two
    compression rounds per word, then the length word 16 << 56, then four finalization
    rounds). For key 00..0f and message 00..0f it gives 0x3f2acc7f57c29bdb, the reference
    implementation's test vector (selftest.py checks that)."""
    v0 = 0x736F6D6570736575 ^ k0
    v1 = 0x646F72616E646F6D ^ k1
    v2 = 0x6C7967656E657261 ^ k0
    v3 = 0x7465646279746573 ^ k1

    def sipround(v0, v1, v2, v3):
        v0 = (v0 + v1) & MASK64
        v1 = _rotl(v1, 13) ^ v0
        v0 = _rotl(v0, 32)
        v2 = (v2 + v3) & MASK64
        v3 = _rotl(v3, 16) ^ v2
        v0 = (v0 + v3) & MASK64
        v3 = _rotl(v3, 21) ^ v0
        v2 = (v2 + v1) & MASK64
        v1 = _rotl(v1, 17) ^ v2
        v2 = _rotl(v2, 32)
        return v0, v1, v2, v3

    for m in (m0 & MASK64, m1 & MASK64, 16 << 56):
        v3 ^= m
        v0, v1, v2, v3 = sipround(v0, v1, v2, v3)
        v0, v1, v2, v3 = sipround(v0, v1, v2, v3)
        v0 ^= m
    v2 ^= 0xFF
    for _ in range(4):
        v0, v1, v2, v3 = sipround(v0, v1, v2, v3)
    return v0 ^ v1 ^ v2 ^ v3


def ip4(addr):
    """'10.0.0.2' -> 0x0a000002."""
    a = [int(x) for x in addr.split(".")]
    if len(a) != 4 or any(not 0 <= x <= 255 for x in a):
        raise ValueError("not an IPv4 address: %r" % addr)
    return (a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]


def tcp_isn(seed, t_us, local_ip, local_port, remote_ip, remote_port):
    """The ISS stack/tcp.c tcp_isn() picks for a connection at virtual time t_us (the SYN's
    arrival for a passive open), for replay seed `seed` (RFC 6528:
    ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M a 4 us timer)."""
    secret = init_draws(seed)["tcp_isn_secret"]
    m0 = (ip4(local_ip) << 32) | ip4(remote_ip)
    m1 = ((local_port & 0xFFFF) << 16) | (remote_port & 0xFFFF)
    f = siphash24(secret, ~secret & MASK64, m0, m1) & 0xFFFFFFFF
    return ((t_us // 4) + f) & 0xFFFFFFFF


if __name__ == "__main__":
    if sys.argv[1:2] == ["--isn"]:
        if len(sys.argv) != 6:
            raise SystemExit("usage: tsrand.py --isn SEED LOCALIP:PORT REMOTEIP:PORT SECONDS")
        (lip, lp), (rip, rp) = (a.rsplit(":", 1) for a in sys.argv[3:5])
        t = sys.argv[5]
        sec, _, frac = t.partition(".")
        t_us = int(sec) * 10**6 + int((frac or "0").ljust(6, "0")[:6])
        isn = tcp_isn(int(sys.argv[2], 0), t_us, lip, int(lp), rip, int(rp))
        print("seed %s: ISS of %s:%s - %s:%s at %d.%06d s: %d (0x%08x)"
              % (sys.argv[2], lip, lp, rip, rp, t_us // 10**6, t_us % 10**6, isn, isn))
        sys.exit(0)
    seed = int(sys.argv[1], 0) if len(sys.argv) > 1 else 1
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    src, dst, proto = (sys.argv[3:6] + ["10.0.0.2", "10.0.0.1", "1"][len(sys.argv[3:6]):])
    r = TsRand(seed)
    print("seed %d: first rand32() draws: %s" % (seed, " ".join("0x%08x" % r.rand32() for _ in range(4))))
    ids = IpIds(seed)
    c = ids.counter(src, dst, int(proto))
    print("IP IDs %s > %s proto %s (counter %d): %s"
          % (src, dst, proto, c, " ".join("%d (0x%04x)" % (i, i) for i in
                                          (ids.next_in(c) for _ in range(n)))))
    d = init_draws(seed)
    print("stack_init draws: IP ID key seed 0x%08x, UDP ephemeral port %d, TCP ISN secret "
          "0x%016x, TCP ephemeral port %d" % (d["ip_id_seed"], d["udp_first_port"],
                                              d["tcp_isn_secret"], d["tcp_first_port"]))
