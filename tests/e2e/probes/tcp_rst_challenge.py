# send: from 10.0.0.5 to 10.0.0.2:7 (echo), in ESTABLISHED: an RST whose sequence number is in
#       the receive window but not RCV.NXT (RCV.NXT+1000); then a SYN at RCV.NXT; data after each
# expect: each time a challenge ACK (a pure ACK, seq = SND.NXT, ack = RCV.NXT) and the
#         connection survives: the data is echoed
# RFC 5961 3.2 (RST in window, not exact: challenge ACK), 4.2 (SYN in a synchronized state:
# challenge ACK), RFC 9293 3.10.7.4
import tcp_peer as T
from tcp_peer import RST, SYN, check, mod

p = T.Peer(7)
p.connect()
p.expect_alive("before", b"before the RST\n")
snd_nxt_stack = p.rcv_nxt
for flags, off, what in ((RST, 1000, "RST at RCV.NXT+1000"), (SYN, 0, "SYN at RCV.NXT")):
    p.send(flags, seq=mod(p.snd_nxt + off), ack=0)
    c = p.expect("challenge ACK for the %s" % what, pred=lambda s: True)
    print("  got: %s" % c)
    check(c.flags == T.ACK and len(c.data) == 0, "%s: a pure ACK comes back" % what, p)
    check(c.seq == snd_nxt_stack and c.ack == p.snd_nxt,
          "%s: challenge ACK with seq = SND.NXT, ack = RCV.NXT" % what, p)
    p.expect_alive("after the %s" % what)
    snd_nxt_stack = p.rcv_nxt
p.close()
