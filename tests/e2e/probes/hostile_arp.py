# send: raw ARP from the lab's bridge (br0 = 10.0.0.1, the stack's gateway), one attack per run:
#   gateway N      10.0.0.1 (its real MAC) asks for 10.0.0.2, then N forged replies and a forged
#                  gratuitous ARP say 10.0.0.1 is-at 02:66:66:00:00:01
#   unsolicited N  N replies nobody asked for: 10.0.0.4..  is-at made-up MACs, to the stack
#   offsubnet N    N requests for 10.0.0.2 from senders outside 10.0.0.0/24 (192.168.x.y)
#   flood N        N requests for 10.0.0.2 from made-up on-link senders 10.0.0.4.. (N <= 250),
#                  each with its own made-up MAC: far more than the 64-entry cache holds
# then a barrier: an echo request from 10.0.0.1.
# expect: the echo reply goes to 10.0.0.1's real MAC and the stack did not have to ask for
#         10.0.0.1 first (its entry survived, with the right MAC); per attack: gateway: no
#         frame to the forged MAC; unsolicited: nothing sent at all; offsubnet: no reply to any
#         of them; flood: every request answered (to its own MAC), nothing else.
# RFC 826 (merge rule), Linux arp_accept=0 and locktime; RFC 1122 3.3.1.1; RFC 5227 3
# usage: hostile_arp.py gateway|unsolicited|offsubnet|flood N
import random
import socket
import struct
import sys
import time

import e2elib as L
from scapy.all import ARP, Ether

FORGED_MAC = "02:66:66:00:00:01"
WHAT = sys.argv[1] if len(sys.argv) > 1 else ""
N = int(sys.argv[2]) if len(sys.argv) > 2 else 10
rnd = random.Random(WHAT + str(N))


def made_up_mac():
    return "0a:bb:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(4))


def arp(op, sha, spa, tpa, tha="00:00:00:00:00:00", dst=None):
    """An ARP packet to the stack (unicast: the peer namespace is left alone), sent from br0."""
    return bytes(Ether(dst=dst or L.STACK_MAC, src=L.HOST_MAC, type=0x0806) /
                 ARP(op=op, hwsrc=sha, psrc=spa, hwdst=tha, pdst=tpa))


def arp_fields(f):
    """(op, sha, spa, tha, tpa) of an ARP frame the stack sent, by hand; None if not ARP."""
    if f.type != 0x0806 or len(f.l3) < 28:
        return None
    b = f.l3
    return (struct.unpack("!H", b[6:8])[0], f.mac(b[8:14]), socket.inet_ntoa(b[14:18]),
            f.mac(b[18:24]), socket.inet_ntoa(b[24:28]))


frames = []
if WHAT == "gateway":
    frames.append(arp(1, L.HOST_MAC, L.HOST_IP, L.STACK_IP))
    for _ in range(N):
        frames.append(arp(2, FORGED_MAC, L.HOST_IP, L.STACK_IP, tha=L.STACK_MAC))
    frames.append(arp(1, FORGED_MAC, L.HOST_IP, L.HOST_IP))          # gratuitous (RFC 5227 3)
elif WHAT == "unsolicited":
    for i in range(N):
        frames.append(arp(2, made_up_mac(), "10.0.0.%d" % (4 + i % 250), L.STACK_IP,
                          tha=L.STACK_MAC))
elif WHAT == "offsubnet":
    for i in range(N):
        frames.append(arp(1, made_up_mac(), "192.168.%d.%d" % (i // 250, 1 + i % 250),
                          L.STACK_IP))
elif WHAT == "flood":
    if N > 250:
        L.fail("flood: at most 250 distinct on-link senders (10.0.0.4..10.0.0.253)")
    senders = {}
    for i in range(N):
        ip = "10.0.0.%d" % (4 + i)
        senders[ip] = made_up_mac()
        frames.append(arp(1, senders[ip], ip, L.STACK_IP))
else:
    L.fail("usage: hostile_arp.py gateway|unsolicited|offsubnet|flood N")



def exchange(lab, frames, timeout=5.0):
    """Send frames, then an echo request from 10.0.0.1; return (frames the stack sent before
    the echo reply, the echo reply). Like Lab.exchange, but the reply is kept: its MAC counts."""
    lab.drain()
    for f in frames:
        lab.send(f)
    ident, seq = rnd.randrange(0x1000, 0xFFFF), rnd.randrange(1, 0xFFFF)
    payload = b"arp-barrier-%08x" % rnd.getrandbits(32)
    lab.send(L.to_stack(L.echo_request(ident, seq, payload)))

    def is_reply(f):
        ip = f.ipv4()
        return (ip is not None and ip[2] == 1 and len(ip[5]) >= 8 and ip[5][0] == 0 and
                struct.unpack("!HH", ip[5][4:8]) == (ident, seq) and ip[5][8:] == payload)

    got, seen = lab.from_stack(time.monotonic() + timeout, is_reply)
    if not seen:
        L.fail("%s: no echo reply to 10.0.0.1 within %.0f s" % (WHAT, timeout))
    return got[:-1], got[-1]


lab = L.Lab()
got, reply = exchange(lab, frames)

# The echo reply goes to 10.0.0.1's real MAC, and the stack did not ask for 10.0.0.1 first.
if reply.mac(reply.dst) != L.HOST_MAC:
    L.fail("%s: the echo reply for 10.0.0.1 went to %s, not to its MAC %s"
           % (WHAT, reply.mac(reply.dst), L.HOST_MAC))
asked_gw = [f for f in got if arp_fields(f) and arp_fields(f)[0] == 1 and
            arp_fields(f)[4] == L.HOST_IP]
if asked_gw:
    L.fail("%s: the stack had to ask for 10.0.0.1 again: its entry was lost" % WHAT)
to_forged = [f for f in got if f.mac(f.dst) == FORGED_MAC]
if to_forged:
    L.fail("%s: %d frame(s) went to the forged MAC %s" % (WHAT, len(to_forged), FORGED_MAC))

if WHAT == "unsolicited" and got:
    for f in got[:5]:
        print("  unexpected: %s" % f)
    L.fail("unsolicited: the stack answered %d frame(s) to replies nobody asked for" % len(got))
if WHAT == "offsubnet":
    answered = [f for f in got if arp_fields(f) and arp_fields(f)[4].startswith("192.168.")]
    if answered:
        L.fail("offsubnet: %d of %d off-subnet senders got a reply" % (len(answered), N))
if WHAT == "flood":
    replies = {}
    for f in got:
        a = arp_fields(f)
        if a and a[0] == 2 and a[4] in senders and a[3] == senders[a[4]] == f.mac(f.dst):
            replies[a[4]] = True
        else:
            print("  unexpected: %s" % f)
            L.fail("flood: the stack sent something other than the replies")
    if len(replies) != N:
        L.fail("flood: %d of %d requests for us answered" % (len(replies), N))
L.ok("%s x%d: %d frame(s) from the stack before the barrier's echo reply, none to a forged MAC, "
     "no new request for 10.0.0.1" % (WHAT, N, len(got)))
