# send: a SYN with an MSS option of 1460 from 10.0.0.5 to 10.0.0.2:7 (echo, listening); the
#       same SYN again (a retransmission); then an RST at the SYN-ACK's sequence + 1 (RCV.NXT);
#       then an ACK for the vanished connection
# expect: a SYN-ACK with exactly SYN|ACK set, ack = our SEQ+1, an MSS option of 1460, a window
#         above zero, valid checksums; the retransmitted SYN gets the same SYN-ACK (same ISS);
#         the RST is taken silently and the half-open connection is gone: the last ACK gets a
#         RST with seq = SEG.ACK
# RFC 9293 3.5 (three-way handshake), 3.7.1 and RFC 879 (MSS option), 3.10.7.2 (ACK to a
# listener), 3.10.7.4 (RST in SYN-RECEIVED, retransmitted SYN)
import tcp_peer as T
from tcp_peer import ACK, RST, SYN, check, mod

p = T.Peer(7)
p.send(SYN, seq=p.iss, options=[("MSS", 1460)])
sa = p.expect("SYN-ACK", pred=lambda s: True)
print("  got: %s" % sa)
check(sa.flags == SYN | ACK, "flags are exactly SYN|ACK ([%s])" % T.flags_str(sa.flags), p)
check(sa.ack == mod(p.iss + 1), "ack = SEQ+1 (%u)" % sa.ack, p)
check(sa.mss == 1460, "MSS option 1460 (got %r)" % sa.mss, p)
check(sa.win > 0, "window %u > 0" % sa.win, p)
check(len(sa.data) == 0, "no data on the SYN-ACK", p)

p.send(SYN, seq=p.iss, options=[("MSS", 1460)])
sa2 = p.expect("SYN-ACK to the retransmitted SYN", pred=lambda s: True)
print("  got: %s" % sa2)
check(sa2.flags == SYN | ACK and sa2.seq == sa.seq and sa2.ack == sa.ack,
      "the retransmitted SYN gets the same SYN-ACK (ISS %u)" % sa.seq, p)

p.send(RST, seq=p.iss + 1, ack=0)
p.silence("RST at RCV.NXT in SYN-RECEIVED")
p.send(ACK, seq=p.iss + 1, ack=sa.seq + 1)
r = p.expect("RST for an ACK to the removed connection", pred=lambda s: True)
print("  got: %s" % r)
check(r.flags == RST and r.seq == mod(sa.seq + 1),
      "the half-open connection is gone: RST, seq = SEG.ACK (%u)" % r.seq, p)
