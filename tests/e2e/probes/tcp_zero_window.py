# send: from 10.0.0.5 to 10.0.0.2:19 (chargen, which always has data to send): a SYN offering
#       a 64 KiB window, then the handshake's ACK with a window of 0; each probe the stack sends
#       is answered with an ACK that still says window 0 (the probe's byte not taken); after
#       the third probe (about 7 s), an ACK that opens the window to 64 KiB; then an RST and
#       an ACK
# expect: no data while the window is 0, only zero-window probes (at most one byte, at
#         SND.UNA), the first about 1 s after the window closed and the gaps between them
#         growing (about 1 s, 2 s, 4 s: the timer backs off); once the window opens, chargen's
#         data flows, starting at SND.UNA with the first line of the pattern; after the RST
#         the connection is gone (the ACK gets a RST)
# RFC 9293 3.8.6.1 (zero-window probing, MUST), RFC 1122 4.2.2.17 (probe timer backs off
# exponentially), RFC 6298 5.5, RFC 864
import time

import tcp_peer as T
from tcp_peer import ACK, check

p = T.Peer(19)
p.connect(win=65535, ack_win=0)
closed_at = time.monotonic()
probes = []
una = p.rcv_nxt
deadline = closed_at + 9.0
while len(probes) < 3:
    s = p.recv(max(0.0, deadline - time.monotonic()))
    if s is None:
        break
    print("  %.3f s: %s" % (s.t - closed_at, s))
    if len(s.data) > 1:
        p.dump()
        T.L.fail("the stack sent %d bytes into a zero window" % len(s.data))
    if s.seq != una:
        p.dump()
        T.L.fail("probe at seq %u, SND.UNA is %u" % (s.seq, una))
    probes.append(s)
    p.send(ACK, ack=una, win=0)                # still closed: the probe's byte is not taken
check(len(probes) >= 3, "%d zero-window probes within 9 s" % len(probes), p)
t = [s.t - closed_at for s in probes]
gaps = [t[0]] + [b - a for a, b in zip(t, t[1:])]
print("  probe times %s s after the window closed; gaps %s" %
      (", ".join("%.2f" % x for x in t), ", ".join("%.2f" % g for g in gaps)))
check(0.8 <= gaps[0] <= 1.6, "first probe %.2f s after the window closed (want ~1 s)" % gaps[0], p)
check(all(b >= 1.6 * a for a, b in zip(gaps, gaps[1:])),
      "the gaps grow (each at least 1.6 times the one before: backoff)", p)
check(1.6 <= gaps[1] <= 3.0 and 3.2 <= gaps[2] <= 6.0,
      "gaps about 1, 2, 4 s (%.2f, %.2f, %.2f)" % tuple(gaps[:3]), p)

p.send(ACK, ack=una, win=65535)                # the window opens
got, segs = p.read(20000, timeout=5.0)
print("  after the window opened: %s" % segs[0])
check(segs[0].seq == una, "data resumes at SND.UNA", p)
line0 = bytes(33 + k for k in range(72)) + b"\r\n"
check(got.startswith(line0), "chargen's first line comes first (%r...)" % got[:20], p)
check(len(got) >= 20000, "%d bytes flowed once the window opened" % len(got), p)
p.abort()
p.send(ACK)
r = p.expect("RST for an ACK after our RST", pred=lambda s: s.has(T.RST))
check(r.seq == p.rcv_nxt, "our RST ended the connection (a later ACK gets a RST)", p)
