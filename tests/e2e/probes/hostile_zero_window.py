# send: from 10.0.0.5 (tcp_peer.py: an address the lab's kernel does not own) to
#       10.0.0.2:19 (chargen, which always has data to send): a SYN offering a 64 KiB
#       window, then the handshake's ACK with a window of 0, kept closed for DURATION seconds
#       (default 17): every zero-window probe is answered at once with an ACK that still says
#       window 0 (the probe's byte not taken); then an ACK that opens the window, then a RST
# expect: no data while the window is 0, only probes (at most one byte, at SND.UNA); they
#         keep coming for the whole time, the gaps doubling (about 1, 2, 4, 8 s: exponential
#         backoff, capped at 60 s); the connection is never dropped while we answer: once the
#         window opens, chargen's data flows from SND.UNA
# RFC 9293 3.8.6.1 (zero-window probing MUST; the connection MUST NOT be dropped while the
# receiver keeps answering), RFC 1122 4.2.2.17 (probe timer backs off exponentially)
# usage: hostile_zero_window.py [DURATION_S]
import sys
import time

import tcp_peer as T
from tcp_peer import ACK, check

duration = float(sys.argv[1]) if len(sys.argv) > 1 else 17.0

p = T.Peer(19)
p.connect(win=65535, ack_win=0)
closed_at = time.monotonic()
una = p.rcv_nxt
probes = []
while True:
    left = closed_at + duration - time.monotonic()
    if left <= 0:
        break
    s = p.recv(left)
    if s is None:
        break
    if s.has(T.RST) or s.has(T.FIN):
        p.dump()
        T.L.fail("the stack ended the connection ([%s]) while we answered its probes"
                 % T.flags_str(s.flags))
    if len(s.data) > 1:
        p.dump()
        T.L.fail("the stack sent %d bytes into a zero window" % len(s.data))
    if s.seq != una:
        p.dump()
        T.L.fail("probe at seq %u, SND.UNA is %u" % (s.seq, una))
    probes.append(s)
    print("  probe %d at %.2f s: %s" % (len(probes), s.t - closed_at, s))
    p.send(ACK, ack=una, win=0)                # still closed: the probe's byte not taken
t = [s.t - closed_at for s in probes]
gaps = [t[0]] + [b - a for a, b in zip(t, t[1:])] if t else []
print("  %d probes in %.0f s; gaps %s s" %
      (len(probes), duration, ", ".join("%.2f" % g for g in gaps)))
check(len(probes) >= 4, "%d zero-window probes within %.0f s (want >= 4)" %
      (len(probes), duration), p)
check(0.8 <= gaps[0] <= 1.6, "first probe %.2f s after the window closed (want ~1 s)" % gaps[0], p)
check(all(1.6 * a <= b <= 2.5 * a or b >= 60.0 for a, b in zip(gaps, gaps[1:4])),
      "each gap about twice the one before (backoff): %s" %
      ", ".join("%.2f" % g for g in gaps[:4]), p)
check(all(g <= 61.0 for g in gaps), "no gap above the 60 s cap", p)

p.send(ACK, ack=una, win=65535)                # the window opens
got, segs = p.read(20000, timeout=5.0)
check(segs[0].seq == una, "after %.0f s at window 0 the connection lives: data resumes at "
      "SND.UNA (%d bytes read)" % (time.monotonic() - closed_at, len(got)), p)
line0 = bytes(33 + k for k in range(72)) + b"\r\n"
check(got.startswith(line0), "chargen's first line comes first", p)
p.abort()
