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

    python3 tests/replay/tsrand.py 1 5      # the first 5 IP IDs for seed 1
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
#   rand_seed(seed) -> ... -> ipv4_init  (draw 1: IP ID)  -> udp_init (draw 2: UDP port)
#   -> tcp_init (draws 3, 4: ISN secret, unless configured; draw 5: TCP port)
# so the IP ID is the first draw. If stack_init ever draws for something else first, count
# it here (and see init_draws below).
DRAWS_BEFORE_IP_ID = 0
EPHEMERAL_FIRST, EPHEMERAL_LAST = 49152, 65535    # stack/udp.h, stack/tcp.c


def init_draws(seed):
    """What stack_init(seed) takes from the generator, in the order it draws."""
    r = TsRand(seed)
    for _ in range(DRAWS_BEFORE_IP_ID):
        r.rand32()
    span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1
    d = {"ip_id": r.rand32() & 0xFFFF,
         "udp_first_port": EPHEMERAL_FIRST + r.rand32() % span}
    hi, lo = r.rand32(), r.rand32()
    d["tcp_isn_secret"] = (hi << 32) | lo
    d["tcp_first_port"] = EPHEMERAL_FIRST + r.rand32() % span
    return d


def first_ip_id(seed):
    """The Identification of the first datagram the stack sends after stack_init(seed)."""
    r = TsRand(seed)
    for _ in range(DRAWS_BEFORE_IP_ID):
        r.rand32()
    return r.rand32() & 0xFFFF


def ip_id(seed, k):
    """The Identification of the k-th datagram (k = 0 for the first) the stack sends."""
    return (first_ip_id(seed) + k) & 0xFFFF


if __name__ == "__main__":
    seed = int(sys.argv[1], 0) if len(sys.argv) > 1 else 1
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    r = TsRand(seed)
    print("seed %d: first rand32() draws: %s" % (seed, " ".join("0x%08x" % r.rand32() for _ in range(4))))
    print("IP IDs: %s" % " ".join("%d (0x%04x)" % (ip_id(seed, k), ip_id(seed, k)) for k in range(n)))
    d = init_draws(seed)
    print("stack_init draws: IP ID %d, UDP ephemeral port %d, TCP ISN secret 0x%016x, "
          "TCP ephemeral port %d" % (d["ip_id"], d["udp_first_port"], d["tcp_isn_secret"],
                                    d["tcp_first_port"]))
