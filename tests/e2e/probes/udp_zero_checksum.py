# send: a UDP datagram to 10.0.0.2:7 (echo) with checksum 0 ("none computed")
# expect: the echo comes back, same data, to 10.0.0.1:40003, and with a non-zero checksum that
#         verifies (the stack always sends one); udp.no_checksum +1 (checked by t_udp.sh)
# RFC 768 (zero means no checksum), RFC 1122 4.1.3.4 (accept it; send checksums by default)
import struct
import time

import e2elib as L
from scapy.all import IP, UDP, Raw

data = b"zero checksum, please echo"
b = bytearray(bytes(IP(src=L.HOST_IP, dst=L.STACK_IP) / UDP(sport=40003, dport=7) / Raw(data)))
b[26:28] = b"\0\0"


def is_udp(f):
    return f.ipv4() is not None and f.ipv4()[2] == 17


lab = L.Lab()
got = [f for f in lab.exchange([L.to_stack(bytes(b))]) if is_udp(f)]
if not got:
    # The echo server answers on the loop turn after the one that answered the barrier ping.
    more, _ = lab.from_stack(time.monotonic() + 2, is_udp)
    got = [f for f in more if is_udp(f)]
if len(got) != 1:
    L.fail("expected exactly one UDP answer (the echo), got %d" % len(got))
hl, tl, proto, src, dst, udp = got[0].ipv4()
sport, dport, ulen, csum = struct.unpack("!HHHH", udp[:8])
pseudo = struct.pack("!4s4sBBH", bytes(map(int, src.split("."))), bytes(map(int, dst.split("."))),
                     0, 17, ulen)
checks = [
    (src == L.STACK_IP and dst == L.HOST_IP, "echo from 10.0.0.2 to 10.0.0.1"),
    (sport == 7 and dport == 40003, "ports 7 -> 40003"),
    (udp[8:ulen] == data, "data echoed unchanged"),
    (csum != 0, "the echo carries a checksum"),
    (L.csum(pseudo + udp[:ulen]) == 0, "the echo's checksum verifies"),
]
for good, what in checks:
    if not good:
        print("  answer: %s" % got[0])
        L.fail(what)
    L.ok(what)
