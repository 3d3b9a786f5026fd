# send: from 10.0.0.5 to 10.0.0.2:7 (echo): SYN, ACK of the SYN-ACK, 100 bytes, then 1000 more
#       (each acknowledged as it comes back), then FIN; our ACK of the stack's FIN
# expect: the handshake completes; each chunk comes back byte for byte, its first byte at the
#         stack's next sequence number (IRS+1, then +100), and the stack acknowledges exactly
#         what we sent (ack = our SEQ + bytes sent); after our FIN the stack acknowledges it and
#         sends its own FIN (echo closes after the peer's FIN), at the right sequence number
# RFC 9293 3.5 (handshake), 3.4 (sequence numbers), 3.10.7.4 (ACK processing), RFC 862 (echo)
import tcp_peer as T
from tcp_peer import check, mod

p = T.Peer(7)
sa = p.connect()
print("  handshake: %s" % sa)
chunk1 = bytes((i * 7) & 0xFF for i in range(100))
chunk2 = b"".join(b"line %04d of the second chunk..\n" % i for i in range(40))[:1000]
base = p.snd_nxt
for n, chunk in enumerate((chunk1, chunk2), 1):
    first = p.rcv_nxt
    p.send_data(chunk)
    got, segs = p.read(len(chunk))
    check(got == chunk, "chunk %d: %d bytes echoed intact" % (n, len(chunk)), p)
    check(segs[0].seq == first, "chunk %d: echo starts at the stack's next sequence number "
          "(IRS+%u)" % (n, mod(first - p.irs)), p)
    check(segs[-1].ack == p.snd_nxt, "chunk %d: the stack acks our SEQ+%u" %
          (n, mod(segs[-1].ack - base)), p)
check(p.rcv_nxt == mod(p.irs + 1 + 1100), "1100 bytes came back in all", p)
fin = p.close()
print("  stack's FIN: %s" % fin)
check(fin.seq == mod(p.irs + 1 + 1100), "the stack's FIN follows the echoed data (IRS+1101)", p)
check(fin.ack == p.snd_nxt, "the stack's FIN acknowledges our FIN", p)
