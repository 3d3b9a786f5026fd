# send: N random frames (default 10,000) on br0, lengths 14..1514: a third pure random bytes,
#       a third with a valid Ethernet header to the stack's MAC and EtherType 0x0800/0x0806 and
#       random bytes after, a third "almost valid" (IPv4 with a correct header checksum and a
#       random rest, or ARP with valid hardware/protocol types and random fields).
# expect: nothing here; the caller checks afterwards that the stack still answers ping, its pkb
#         pool is back to its idle count and its RSS has not grown.
# RFC 1122 1.2.2 (robustness principle: be liberal in what you accept)
# usage: garbage.py [COUNT] [SEED]     bounded: stops after 30 s whatever COUNT is
import random
import socket
import struct
import sys
import time

import e2elib as L

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 31)
rng = random.Random(seed)
stack = bytes(int(x, 16) for x in L.STACK_MAC.split(":"))
host = bytes(int(x, 16) for x in L.HOST_MAC.split(":"))
me = socket.inet_aton(L.STACK_IP)


def rbytes(n):
    return rng.getrandbits(8 * n).to_bytes(n, "big") if n > 0 else b""


def rand_src_ip():
    # Never 10.0.0.1 in ARP: a random MAC for the host would (rightly) poison the stack's cache.
    return socket.inet_aton("10.0.0.%d" % rng.choice([0, 3, 4, 99, 200, 255])) \
        if rng.random() < 0.5 else rbytes(4)


def pure():
    return rbytes(rng.randint(14, 1514))


def typed():
    et = rng.choice([b"\x08\x00", b"\x08\x06"])
    return stack + host + et + rbytes(rng.randint(0, 1500))


def almost():
    if rng.random() < 0.7:
        ihl = rng.choice([5, 5, 5, 6, 15])
        rest = rbytes(rng.randint(0, 1480 - ihl * 4))
        total = rng.choice([ihl * 4 + len(rest), rng.randint(0, 65535)])
        proto = rng.choice([1, 1, 6, 17, rng.randint(0, 255)])
        frag = rng.choice([0, 0, 0x2000, rng.randint(0, 0xFFFF)])       # MF / random offset
        hdr = bytearray(struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, rng.randint(0, 255), total,
                                    rng.randint(0, 0xFFFF), frag, rng.randint(0, 255), proto, 0,
                                    rand_src_ip(), me if rng.random() < 0.8 else rbytes(4)))
        hdr += rbytes(ihl * 4 - 20)
        if proto == 1 and len(rest) >= 8 and rng.random() < 0.5:
            rest = bytearray(rest)                 # echo request with a correct ICMP checksum
            rest[0:4] = b"\x08\x00\x00\x00"
            rest = bytes(rest[:max(8, total - ihl * 4)])
            rest = rest[:2] + struct.pack("!H", L.csum(rest)) + rest[4:]
        hdr[10:12] = struct.pack("!H", L.csum(bytes(hdr)))
        return stack + host + b"\x08\x00" + bytes(hdr) + rest
    op = rng.choice([1, 2, rng.randint(0, 0xFFFF)])
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, rbytes(6), rand_src_ip(),
                      rbytes(6), me if rng.random() < 0.7 else rbytes(4))
    dst = rng.choice([stack, b"\xff" * 6])
    return dst + host + b"\x08\x06" + arp + rbytes(rng.randint(0, 40))


frames = [rng.choice([pure, typed, almost])() for _ in range(count)]
lab = L.Lab()
t0 = time.monotonic()
sent = 0
for i, f in enumerate(frames):
    if time.monotonic() - t0 > 30:
        break
    try:
        lab.send(f)
        sent += 1
    except OSError as e:            # e.g. ENOBUFS under pressure: count it, go on
        print("send %d: %s" % (i, e))
    if i % 64 == 63:
        time.sleep(0.002)           # pace: the tap's queue holds ~500 frames
print("ok: sent %d/%d garbage frames in %.2f s (seed %d)" % (sent, count, time.monotonic() - t0,
                                                            seed))
