# send: a valid UDP datagram (100 bytes of data) from 10.0.0.1:40001 to 10.0.0.2:4444, where
#       nothing listens
# expect: exactly one ICMP destination unreachable, port unreachable (type 3 code 3), from
#         10.0.0.2 to 10.0.0.1, checksums valid, unused field zero, quoting exactly the
#         offending IP header and the first 8 bytes of its data (28 bytes, no more);
#         udp.no_port +1, icmp.unreach_out +1
# RFC 1122 4.1.3.1 (SHOULD send port unreachable), RFC 792 (quote header + 64 bits of data)
import e2elib as L
from scapy.all import IP, UDP, Raw

data = bytes(range(100))
sent = bytes(IP(src=L.HOST_IP, dst=L.STACK_IP, id=0x4444, ttl=62) /
             UDP(sport=40001, dport=4444) / Raw(data))
lab = L.Lab()
got = [f for f in L.not_arp(lab.exchange([L.to_stack(sent)])) if f.ipv4() and f.ipv4()[2] == 1]
if len(got) != 1:
    for f in got:
        print("  got: %s" % f)
    L.fail("expected exactly one ICMP answer, got %d" % len(got))
f = got[0]
hl, tl, proto, src, dst, icmp = f.ipv4()
checks = [
    (L.csum(f.l3[:hl]) == 0, "IPv4 header checksum valid"),
    (src == L.STACK_IP and dst == L.HOST_IP, "from 10.0.0.2 to 10.0.0.1"),
    (len(icmp) >= 8 and icmp[0] == 3 and icmp[1] == 3, "ICMP type 3 code 3 (port unreachable)"),
    (L.csum(icmp) == 0, "ICMP checksum valid"),
    (icmp[4:8] == b"\0\0\0\0", "unused field is zero"),
    (len(icmp) == 8 + 28, "quotes exactly 28 bytes (IP header + 8)"),
    (icmp[8:8 + 28] == sent[:28], "the quote is the IP header + UDP header, unchanged"),
]
for good, what in checks:
    if not good:
        print("  answer: %s" % f)
        print("  quoted: %s" % icmp[8:].hex())
        print("  sent:   %s" % sent[:28].hex())
        L.fail(what)
    L.ok(what)
