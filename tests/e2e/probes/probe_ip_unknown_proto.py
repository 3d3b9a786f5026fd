# send: a valid IPv4 datagram to 10.0.0.2 with protocol 253 (experimental) and 24 bytes of data
# expect: ICMP destination unreachable, protocol unreachable (type 3 code 2) to 10.0.0.1 quoting
#         the offending IP header and (at least) the first 8 bytes of its data, checksums valid;
#         ipv4.unknown_proto +1, icmp.unreach_out +1
# RFC 1122 3.2.2.1 (SHOULD send protocol unreachable), RFC 792 (quote header + 64 bits of data),
# RFC 1812 4.3.2.3 / RFC 1122 3.2.2 (the error's IP datagram stays within 576 bytes)
import e2elib as L
from scapy.all import IP, Raw

data = b"protocol 253, 24 bytes.."
sent = bytes(IP(src=L.HOST_IP, dst=L.STACK_IP, proto=253, id=0xB0C7, ttl=61) / Raw(data))
lab = L.Lab()
got = L.not_arp(lab.exchange([L.to_stack(sent)]))
if len(got) != 1:
    for f in got:
        print("  got: %s" % f)
    L.fail("expected exactly one answer (ICMP protocol unreachable), got %d" % len(got))
f = got[0]
ip = f.ipv4()
if ip is None:
    L.fail("answer is not IPv4: %s" % f)
hl, tl, proto, src, dst, icmp = ip
checks = [
    (f.dst == bytes(int(x, 16) for x in L.HOST_MAC.split(":")), "Ethernet dst is the host's MAC"),
    (hl >= 20 and L.csum(f.l3[:hl]) == 0, "IPv4 header checksum valid"),
    (tl <= len(f.l3) and tl <= 576, "IPv4 total length within the frame and <= 576"),
    (proto == 1, "protocol is ICMP"),
    (src == L.STACK_IP and dst == L.HOST_IP, "from 10.0.0.2 to 10.0.0.1"),
    (len(icmp) >= 8 and icmp[0] == 3 and icmp[1] == 2, "ICMP type 3 code 2"),
    (L.csum(icmp) == 0, "ICMP checksum valid"),
    (icmp[4:8] == b"\0\0\0\0", "unused field is zero"),
    (icmp[8:8 + 28] == sent[:28], "quotes the IP header + first 8 data bytes unchanged"),
]
for good, what in checks:
    if not good:
        print("  answer: %s" % f)
        print("  quoted: %s" % icmp[8:8 + 28].hex())
        print("  sent:   %s" % sent[:28].hex())
        L.fail(what)
    L.ok(what)
print("ok: %d-byte ICMP error quoting %d bytes" % (len(icmp), len(icmp) - 8))
