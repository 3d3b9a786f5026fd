# send: a UDP datagram to the subnet broadcast 10.0.0.255:7 (Ethernet broadcast), then one to
#       10.0.0.255:4444 where nothing listens
# expect: the first is echoed by the server bound to 0.0.0.0:7, as a unicast from the stack's
#         specific address 10.0.0.2 (never from 10.0.0.255); the second gets no answer at all:
#         no ICMP port unreachable about a broadcast
# RFC 1122 4.1.3.1 + 3.2.2 (no ICMP error for a broadcast), RFC 1122 3.2.1.3 (a broadcast is
# never a source address), RFC 1122 4.1.3.5 (reply from a specific address)
import time

import e2elib as L
from scapy.all import IP, UDP, Raw


def bcast(dport, data):
    return L.to_stack(IP(src=L.HOST_IP, dst="10.0.0.255") / UDP(sport=40004, dport=dport) /
                      Raw(data), dst="ff:ff:ff:ff:ff:ff")


def is_udp(f):
    return f.ipv4() is not None and f.ipv4()[2] == 17


lab = L.Lab()
got = [f for f in L.not_arp(lab.exchange([bcast(7, b"broadcast echo")])) if f.ipv4()]
if not any(is_udp(f) for f in got):
    # The echo server answers on the loop turn after the one that answered the barrier ping.
    more, _ = lab.from_stack(time.monotonic() + 2, is_udp)
    got += [f for f in L.not_arp(more) if f.ipv4()]
if len(got) != 1 or got[0].ipv4()[2] != 17:
    for f in got:
        print("  got: %s" % f)
    L.fail("expected exactly one UDP echo for the broadcast to port 7, got %d frame(s)" % len(got))
hl, tl, proto, src, dst, udp = got[0].ipv4()
if src != L.STACK_IP or dst != L.HOST_IP or udp[8:] != b"broadcast echo":
    L.fail("echo not from 10.0.0.2 to 10.0.0.1 with the data: %s" % got[0])
if got[0].dst == b"\xff" * 6:
    L.fail("the echo went out as an Ethernet broadcast")
L.ok("broadcast to port 7 echoed, unicast from 10.0.0.2")
got = L.not_arp(lab.exchange([bcast(4444, b"anyone?")]))
late, _ = lab.from_stack(time.monotonic() + 0.5)
got += L.not_arp(late)
if got:
    for f in got:
        print("  unexpected: %s" % f)
    L.fail("the stack answered a broadcast to closed port 4444 (%d frame(s))" % len(got))
L.ok("broadcast to closed port 4444: no answer, no ICMP (barrier answered, 0.5 s more)")
