# send: a broadcast ARP request "who has 10.0.0.99? tell 10.0.0.1"
# expect: no ARP reply from the stack; arp.not_for_us +1
# RFC 826 (packet reception: "Am I the target protocol address? No: done")
import e2elib as L
from scapy.all import ARP

arp = ARP(op=1, hwsrc=L.HOST_MAC, psrc=L.HOST_IP, hwdst="00:00:00:00:00:00", pdst="10.0.0.99")
lab = L.Lab()
got = lab.exchange([L.to_stack(arp, ethertype=0x0806, dst="ff:ff:ff:ff:ff:ff")])
bad = [f for f in got if f.type == 0x0806 and len(f.l3) >= 28 and f.l3[6:8] == b"\0\2"]
if bad:
    for f in bad:
        print("  unexpected: %s" % f)
    L.fail("the stack answered an ARP request for 10.0.0.99")
L.ok("ARP request for 10.0.0.99: no reply")
