# send: from 10.0.0.5 to 10.0.0.2:7 (echo), in ESTABLISHED: an RST exactly at RCV.NXT; then a
#       data segment on the same connection
# expect: nothing for the RST (the connection is simply gone), and the data segment, now for no
#         connection (the port still listens), gets a RST with seq = SEG.ACK
# RFC 9293 3.10.7.4 (RST in ESTABLISHED: abort), RFC 5961 3.2 (exactly RCV.NXT: reset),
# RFC 9293 3.10.7.2 (an ACK to a listener: RST)
import tcp_peer as T
from tcp_peer import ACK, PSH, RST, check

p = T.Peer(7)
p.connect()
p.expect_alive("before", b"before the RST\n")
p.send(RST, seq=p.snd_nxt, ack=0)
p.silence("RST at RCV.NXT")
p.send(PSH | ACK, data=b"anyone there?\n")
r = p.expect("RST for data after the reset", pred=lambda s: True)
print("  got: %s" % r)
check(r.flags == RST and r.seq == p.rcv_nxt,
      "the connection is gone: RST with seq = SEG.ACK (%u)" % r.seq, p)
