# send: from 10.0.0.5 to 10.0.0.2:7 (echo), after the handshake: bytes 10..19 of a 20-byte
#       message first (a gap at RCV.NXT), then bytes 0..9
# expect: the early segment gets an immediate duplicate ACK, ack = RCV.NXT (the gap's start),
#         and nothing is echoed yet; once the gap is filled the stack acknowledges all 20 bytes
#         at once (a cumulative ACK) and echoes the 20 bytes in order
# RFC 9293 3.10.7.4 (segments beyond RCV.NXT are kept, an ACK is sent), RFC 5681 4.2 (an
# out-of-order segment SHOULD get an immediate ACK), RFC 1122 4.2.2.20
import tcp_peer as T
from tcp_peer import PSH, ACK, check, mod

p = T.Peer(7)
p.connect()
msg = b"0123456789ABCDEFGHIJ"
start = p.snd_nxt
p.send(PSH | ACK, seq=start + 10, data=msg[10:])
d = p.expect("duplicate ACK for the gap", pred=lambda s: True)
print("  got: %s" % d)
check(d.ack == start, "the early segment is answered with ack = RCV.NXT (the gap)", p)
check(len(d.data) == 0, "nothing echoed before the gap is filled", p)
p.send(PSH | ACK, seq=start, data=msg[:10])
p.snd_nxt = mod(start + 20)
got, segs = p.read(20)
print("  first segment back: %s" % segs[0])
check(got == msg, "the echo holds the 20 bytes in order (%r)" % got, p)
check(all(s.ack == p.snd_nxt for s in segs),
      "every segment after the fill acks all 20 bytes (cumulative ACK)", p)
early = [s for s in p.log if s.ack == mod(start + 10)]
check(not early, "no ACK ever stops at the filled gap's end (10 bytes)", p)
p.close()
