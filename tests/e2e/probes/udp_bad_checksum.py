# send: UDP datagrams whose checksum is non-zero and wrong: one to 10.0.0.2:7 (the echo server),
#       one to 10.0.0.2:4444 (closed)
# expect: silence: no echo, and no ICMP port unreachable either; udp.bad_checksum +2
#         (checked by t_udp.sh from the counters)
# RFC 1122 4.1.3.4 (a datagram with a bad checksum MUST be silently discarded), RFC 768
import time

import e2elib as L
from scapy.all import IP, UDP, Raw


def bad(dport):
    b = bytearray(bytes(IP(src=L.HOST_IP, dst=L.STACK_IP) / UDP(sport=40002, dport=dport) /
                        Raw(b"bad checksum")))
    c = int.from_bytes(b[26:28], "big") ^ 0x5A5A
    b[26:28] = (c or 1).to_bytes(2, "big")          # non-zero and wrong
    return bytes(b)


lab = L.Lab()
got = L.not_arp(lab.exchange([L.to_stack(bad(7)), L.to_stack(bad(4444))]))
# An app answers on the loop turn after the one that answered the barrier ping: listen on.
late, _ = lab.from_stack(time.monotonic() + 0.5)
got += L.not_arp(late)
if got:
    for f in got:
        print("  unexpected: %s" % f)
    L.fail("the stack answered %d frame(s) to datagrams with bad checksums" % len(got))
L.ok("two datagrams with bad checksums: no echo, no ICMP (barrier answered, 0.5 s more)")
