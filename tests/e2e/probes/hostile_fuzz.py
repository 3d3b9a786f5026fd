# send: N frames (default 10,000) made by scapy's fuzz() (random values in every field not
#       pinned), all to the stack's MAC (ARP also to broadcast) so they get past Ethernet, in
#       four families: Ether/IP/TCP, Ether/IP/UDP, Ether/IP/ICMP (to 10.0.0.2) and Ether/ARP
#       (asking for 10.0.0.2); in each IP family a third fuzz only the transport header
#       (over a valid IPv4 header), a third IPv4 as well (version kept 4; half of those with a
#       random header length and total length), a third everything above Ethernet; lengths and
#       checksums are scapy's (right), except that one transport header in ten has a random
#       checksum.
#       All frames are built first (then, given GOFILE, it waits up to 90 s for that file to
#       appear), then sent as fast as the socket takes them (bounded: 20 s)
# expect: nothing here; the caller checks afterwards that the stack still answers ping and a
#         TCP echo, that its pkb pool is back to idle and its RSS has not grown
# RFC 1122 1.2.2 (robustness principle). Never an ARP claiming 10.0.0.1 or 10.0.0.3 (the
# host's and the peer's entries stay right) and never an IP source of 10.0.0.1 (the lab's
# kernel would answer the stack's replies and keep it busy after the run).
# usage: hostile_fuzz.py [COUNT] [SEED] [GOFILE]
import os
import random
import sys
import time

import e2elib as L
from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, Raw, fuzz
from scapy.volatile import RandIP

count = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
seed = int(sys.argv[2]) if len(sys.argv) > 2 else random.randrange(1 << 31)
gofile = sys.argv[3] if len(sys.argv) > 3 else None
random.seed(seed)                 # scapy's volatile values draw from the random module
KEEP_OFF = {"10.0.0.1", "10.0.0.3", "10.0.0.2"}
PORTS = [7, 9, 19, 80]            # the stack's servers: some frames aim at them


def src_ip():
    """A source address: a random one, or one of the lab's subnet, never the host's."""
    while True:
        a = str(RandIP()) if random.random() < 0.7 else "10.0.0.%d" % random.randrange(256)
        if a not in KEEP_OFF:
            return a


def payload():
    n = random.choice([0, 0, 1, 8, random.randrange(0, 1400)])
    return Raw(random.randbytes(n))


def l4(proto):
    if proto == "tcp":
        t = TCP(dport=random.choice(PORTS)) if random.random() < 0.5 else TCP()
    elif proto == "udp":
        t = UDP(dport=random.choice(PORTS)) if random.random() < 0.5 else UDP()
    else:
        t = ICMP(type=8) if random.random() < 0.3 else ICMP()
    if random.random() < 0.1:
        t.chksum = random.randrange(1 << 16)
    return fuzz(t)


def ip_frame(proto):
    eth = Ether(dst=L.STACK_MAC, src=L.HOST_MAC)
    depth = random.randrange(3)
    if depth == 0:                # only the transport header is fuzzed
        ip = IP(src=src_ip(), dst=L.STACK_IP)
    elif depth == 1:              # IPv4 fuzzed too, but still version 4 to our address
        ip = fuzz(IP(src=src_ip(), dst=L.STACK_IP, version=4))
        if random.random() < 0.5:  # lying lengths
            ip.ihl = random.randrange(16)
            ip.len = random.randrange(1 << 16)
    else:                         # everything above Ethernet
        ip = fuzz(IP(src=src_ip(), dst=L.STACK_IP))
    return eth / ip / l4(proto) / payload()


def arp_frame():
    dst = L.STACK_MAC if random.random() < 0.7 else "ff:ff:ff:ff:ff:ff"
    eth = Ether(dst=dst, src=L.HOST_MAC)
    if random.random() < 0.5:     # Ethernet/IPv4 ARP, the rest fuzzed
        a = fuzz(ARP(hwtype=1, ptype=0x0800, hwlen=6, plen=4, psrc=src_ip(), pdst=L.STACK_IP))
    else:
        a = fuzz(ARP(psrc=src_ip(), pdst=L.STACK_IP))
    return eth / a / payload()


families = [lambda: ip_frame("tcp"), lambda: ip_frame("udp"), lambda: ip_frame("icmp"),
            arp_frame]
t0 = time.monotonic()
frames = []
skipped = 0
while len(frames) < count:
    if time.monotonic() - t0 > 60:
        print("FAIL: building the frames took over 60 s (%d built)" % len(frames))
        sys.exit(1)
    b = bytes(random.choice(families)())
    if len(b) > 1514:             # a fuzzed IHL or option list can make it longer than the MTU
        skipped += 1
        continue
    frames.append(b)
built = time.monotonic() - t0
if gofile:
    t_wait = time.monotonic()
    while not os.path.exists(gofile):
        if time.monotonic() - t_wait > 90:
            print("FAIL: %s did not appear within 90 s" % gofile)
            sys.exit(1)
        time.sleep(0.05)

lab = L.Lab()
t1 = time.monotonic()
sent = errors = 0
for f in frames:
    if time.monotonic() - t1 > 20:
        break
    try:
        lab.send(f)
        sent += 1
    except OSError:               # e.g. ENOBUFS under pressure: count it, go on
        errors += 1
took = time.monotonic() - t1
print("seed %d: %d frames built in %.1f s (%d over 1514 bytes rebuilt), %d sent in %.2f s "
      "(%.0f/s), %d send errors" % (seed, len(frames), built, skipped, sent, took,
                                    sent / took if took else 0, errors))
if sent < count * 0.95:
    print("FAIL: only %d of %d frames sent" % (sent, count))
    sys.exit(1)
