# send: a SYN from 10.0.0.5 to 10.0.0.2:4444 where nothing listens; then a SYN carrying 10 bytes
#       of data to the same port; then a RST to that port
# expect: for each SYN one segment with exactly RST|ACK, seq 0, ack = SEG.SEQ + SEG.LEN (SYN
#         counts one: SEQ+1, then SEQ+1+10), window 0, no data, valid checksums; nothing at
#         all for the RST (never a RST for a RST)
# RFC 9293 3.10.7.1 (CLOSED: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> when ACK is off), 3.5.2
import tcp_peer as T
from tcp_peer import ACK, RST, SYN, check, mod

p = T.Peer(4444)
p.send(SYN, seq=p.iss)
r = p.expect("answer to a SYN to a closed port", pred=lambda s: True)
print("  got: %s" % r)
check(r.flags == RST | ACK, "flags are exactly RST|ACK ([%s])" % T.flags_str(r.flags), p)
check(r.seq == 0, "seq 0 (got %u)" % r.seq, p)
check(r.ack == mod(p.iss + 1), "ack = SEG.SEQ+1 (%u)" % r.ack, p)
check(len(r.data) == 0, "no data", p)

p.send(SYN, seq=p.iss + 100, data=b"0123456789")
r = p.expect("answer to a SYN with data to a closed port", pred=lambda s: True)
print("  got: %s" % r)
check(r.flags == RST | ACK and r.seq == 0 and r.ack == mod(p.iss + 100 + 11),
      "SYN + 10 bytes: RST|ACK, seq 0, ack = SEG.SEQ+11 (%u)" % r.ack, p)

p.send(RST, seq=p.iss + 200)
p.silence("RST to a closed port")
