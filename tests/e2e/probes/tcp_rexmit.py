# send: from 10.0.0.5 to 10.0.0.2:7 (echo), after the handshake: 20 bytes; then we never
#       acknowledge the echo
# expect: the echo segment is sent again after about 1 s (first RTO: the handshake's RTT is
#         tiny, so RTO = the 1 s minimum), same sequence number and same bytes, then again after
#         about 2 s (the timer backs off); once we acknowledge it, no more copies
# RFC 6298 2.1/2.4 (RTO 1 s initially and at least 1 s), 5.4-5.6 (retransmit the earliest
# unacknowledged segment, double the RTO), RFC 1122 4.2.3.1
import tcp_peer as T
from tcp_peer import check

p = T.Peer(7)
p.connect()
msg = b"please resend me :)\n"
p.send_data(msg)
s0 = p.expect("the echo", pred=lambda s: len(s.data) > 0)
s1 = p.expect("a retransmission", timeout=2.5, pred=lambda s: len(s.data) > 0)
s2 = p.expect("a second retransmission", timeout=4.0, pred=lambda s: len(s.data) > 0)
for s in (s0, s1, s2):
    print("  got: %s" % s)
g1, g2 = s1.t - s0.t, s2.t - s1.t
check(s0.data == msg, "the echo carries our 20 bytes", p)
check(s1.seq == s0.seq and s1.data == s0.data, "the retransmission: same seq, same bytes", p)
check(0.9 <= g1 <= 1.5, "first retransmission after %.3f s (want 0.9-1.5)" % g1, p)
check(s2.seq == s0.seq and s2.data == s0.data, "the second retransmission: same seq and bytes", p)
check(1.8 <= g2 <= 3.0, "second one %.3f s later (want 1.8-3.0: RTO doubled)" % g2, p)
p.rcv_nxt = (s0.seq + len(s0.data)) & 0xFFFFFFFF
p.send(T.ACK)
more = p.collect(1.3, lambda s: len(s.data) > 0)
check(not more, "acknowledged: no more retransmissions within 1.3 s", p)
p.close()
