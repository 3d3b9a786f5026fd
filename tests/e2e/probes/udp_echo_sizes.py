# send: with the host's own UDP socket (a real client, not scapy), datagrams of 0, 1, 100 and
#       1472 bytes (the largest that fits a 1500 MTU unfragmented) to 10.0.0.2:7, from a
#       connected socket; then one to 10.0.0.2:4444 where nothing listens
# expect: each datagram echoed intact (same size, same bytes) within 2 s; the closed port makes
#         the kernel's next recv() fail with ECONNREFUSED (it understood the stack's ICMP port
#         unreachable)
# RFC 862 (echo), RFC 768, RFC 1122 4.1.3.3 (ICMP errors reach the application)
import os
import socket
import sys

import e2elib as L

s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
s.connect((L.STACK_IP, 7))
for n in (0, 1, 100, 1472):
    data = os.urandom(n)
    s.send(data)
    try:
        back = s.recv(65536)
    except socket.timeout:
        L.fail("no echo of the %d-byte datagram within 2 s" % n)
    if back != data:
        L.fail("the %d-byte datagram came back as %d different bytes" % (n, len(back)))
    L.ok("%d-byte datagram echoed intact" % n)
s.close()

r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r.settimeout(2)
r.connect((L.STACK_IP, 4444))
r.send(b"anyone?")
try:
    r.recv(100)
    L.fail("an answer came from a closed port")
except ConnectionRefusedError:
    L.ok("closed port: recv() fails with ECONNREFUSED (ICMP port unreachable reached the kernel)")
except socket.timeout:
    L.fail("no ICMP port unreachable within 2 s")
sys.exit(0)
