# send: from 10.0.0.5, N connections to 10.0.0.2:80 (HTTP), one after the other: a SYN
#       offering a 64 KiB window, the handshake's ACK with a window of 0, then
#       "GET / HTTP/1.0" with window 0; from then on every segment the stack sends on any of
#       them is answered at once with an ACK that takes nothing and says window 0 (a client
#       that asked for a page, never reads, but answers every probe), for LIMIT seconds at most
# expect: only zero-window probes (at most one byte, at SND.UNA) and, once HTTP has given up
#         and closed the sockets, a RST on every connection within LIMIT seconds of its GET
#         (the shell sets a short --tcp-orphan-timeout and --tcp-max-orphans, and checks the
#         counters and that the control blocks are free)
# RFC 9293 3.8.6.1 (zero-window probes), RFC 1122 4.2.2.17 (probing an open connection
# forever is right; an orphan is the stack's own to end), Linux tcp_orphan_retries and
# tcp_max_orphans
# usage: hostile_tcp_orphans.py [N] [LIMIT_S]
import sys
import time

import e2elib as L
import tcp_peer as T
from tcp_peer import ACK, RST, check

n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
limit = float(sys.argv[2]) if len(sys.argv) > 2 else 15.0

lab = L.Lab()
peers = {}
asked = {}
for i in range(n):
    p = T.Peer(80, sport=41000 + i, lab=lab)
    p.connect(win=65535, ack_win=0)
    p.send_data(b"GET / HTTP/1.0\r\n\r\n", win=0)
    peers[p.sport] = p
    asked[p.sport] = time.monotonic()
print("  %d clients asked for / and read nothing (window 0)" % n)

first = peers[41000]
reset = {}
probes = 0
deadline = min(asked.values()) + limit
while len(reset) < n:
    left = deadline - time.monotonic()
    if left <= 0:
        break
    s = first.recv(left, any_port=True)
    if s is None:
        break
    p = peers.get(s.dport)
    if p is None or s.sport != 80:
        continue
    if s.has(RST):
        if s.dport not in reset:
            reset[s.dport] = s.t - asked[s.dport]
            print("  port %d: RST %.2f s after its GET: %s" % (s.dport, reset[s.dport], s))
        continue
    if len(s.data) > 1:
        first.dump()
        L.fail("port %d: %d bytes sent into a zero window" % (s.dport, len(s.data)))
    if len(s.data) == 1:
        probes += 1
    p.send(ACK, ack=p.rcv_nxt, win=0)          # nothing taken: the window stays shut
missing = sorted(set(peers) - set(reset))
check(not missing, "every connection reset within %.0f s of its GET (still probed: %s)" %
      (limit, missing or "none"))
print("  %d probes answered; slowest reset after %.2f s" % (probes, max(reset.values())))
