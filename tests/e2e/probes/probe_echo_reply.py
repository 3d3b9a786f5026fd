# send: a valid ICMP echo request to 10.0.0.2 (odd-sized payload) from the host on br0
# expect: one echo reply from the stack's MAC 02:74:73:00:00:02 (not tap0's own MAC) to the host's
#         MAC, 10.0.0.2 -> 10.0.0.1, type 0 code 0, same identifier, sequence and data, checksums
#         valid, TTL > 0
# RFC 792 (echo reply: addresses swapped, type 0, data returned), RFC 1122 3.2.2.6
import random
import struct
import time

import e2elib as L

tap_mac = L.mac_of(L.TAP)
ident, seq = 0xE1E1, 7
data = bytes(random.getrandbits(8) for _ in range(37))
lab = L.Lab()
lab.exchange([])          # settle ARP first: the reply below must be the only frame


def is_reply(f):
    ip = f.ipv4()
    return ip is not None and ip[2] == 1 and len(ip[5]) >= 8 and ip[5][0] == 0 and \
        struct.unpack("!HH", ip[5][4:8]) == (ident, seq)


lab.send(L.to_stack(L.echo_request(ident, seq, data)))
got, seen = lab.from_stack(time.monotonic() + 3, is_reply)
if not seen:
    L.fail("no echo reply within 3 s (got %d other frame(s))" % len(got))
f = got[-1]
hl, tl, proto, src, dst, icmp = f.ipv4()
host_mac = bytes(int(x, 16) for x in L.HOST_MAC.split(":"))
checks = [
    (f.mac(f.src) == L.STACK_MAC.lower(), "Ethernet src is the stack's MAC %s" % L.STACK_MAC),
    (f.mac(f.src) != tap_mac, "Ethernet src is not tap0's own MAC %s" % tap_mac),
    (f.dst == host_mac, "Ethernet dst is the host's MAC %s" % L.HOST_MAC),
    (hl >= 20 and L.csum(f.l3[:hl]) == 0, "IPv4 header checksum valid"),
    (f.l3[8] > 0, "TTL > 0"),
    (src == L.STACK_IP and dst == L.HOST_IP, "10.0.0.2 -> 10.0.0.1"),
    (tl == hl + 8 + len(data), "IPv4 total length = header + 8 + data"),
    (icmp[0] == 0 and icmp[1] == 0, "ICMP type 0 code 0"),
    (L.csum(icmp) == 0, "ICMP checksum valid (odd length)"),
    (icmp[8:] == data, "data returned unchanged"),
]
for good, what in checks:
    if not good:
        print("  reply: %s" % f)
        L.fail(what)
    L.ok(what)
