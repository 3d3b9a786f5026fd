# send: from 10.0.0.5 to 10.0.0.2:7 (echo): "first segment\n"; the same segment again (same
#       sequence number); then a segment that repeats the last 4 bytes and adds "THIRD\n"; then
#       "second\n"
# expect: the first is echoed once; the exact duplicate gets a pure ACK with ack = RCV.NXT and
#         is not delivered again; of the overlapping segment only the new 6 bytes are
#         delivered; the echo stream is exactly "first segment\nTHIRD\nsecond\n"
# RFC 9293 3.10.7.4 (not acceptable: send an ACK; trim what lies before RCV.NXT), RFC 9293 3.4
import tcp_peer as T
from tcp_peer import ACK, PSH, check, mod

p = T.Peer(7)
p.connect()
first = b"first segment\n"
at = p.snd_nxt
p.send_data(first)
got, _ = p.read(len(first))
check(got == first, "the first segment is echoed", p)
p.send(PSH | ACK, seq=at, data=first)
a = p.expect("ACK for the duplicate", pred=lambda s: True)
print("  got: %s" % a)
check(len(a.data) == 0 and a.ack == p.snd_nxt,
      "the duplicate gets a pure ACK with ack = RCV.NXT", p)
p.send(PSH | ACK, seq=p.snd_nxt - 4, data=first[-4:] + b"THIRD\n")
p.snd_nxt = mod(p.snd_nxt + 6)
got, _ = p.read(6)
check(got == b"THIRD\n", "of the overlapping segment only the new bytes come back (%r)" % got, p)
p.send_data(b"second\n")
got, _ = p.read(7)
check(got == b"second\n", "the next segment comes back alone: nothing was delivered twice", p)
check(p.rcv_nxt == mod(p.irs + 1 + len(first) + 6 + 7), "27 bytes echoed in all", p)
p.close()
