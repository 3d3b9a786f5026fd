# send: a valid ICMP echo request for 10.0.0.77 (not the stack) to the stack's MAC
# expect: no answer (a host does not forward, nor answer for others); ipv4.not_for_us +1
# RFC 1122 3.2 (verify the datagram is destined to the local host), 3.3.1 (hosts do not forward)
import e2elib as L
from scapy.all import ICMP, IP, Raw

ip = bytes(IP(src=L.HOST_IP, dst="10.0.0.77") / ICMP(type=8, id=0xB0C6, seq=1) / Raw(b"not me"))
L.expect_silence([L.to_stack(ip)], "echo request for another address")
