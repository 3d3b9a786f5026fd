# send: from 10.0.0.5 to 10.0.0.2:7 (echo), in ESTABLISHED: 12 bytes, then a FIN, then (after
#       the stack's FIN) our last ACK; then one more ACK on the finished connection
# expect: the data is echoed; the FIN is acknowledged (ack = its SEQ+1); the echo server then
#         closes: the stack's FIN, seq = after the echoed bytes; after our ACK the connection
#         is gone (LAST-ACK -> CLOSED): the extra ACK gets a RST with seq = SEG.ACK
# RFC 9293 3.6 (closing: ESTABLISHED -> CLOSE-WAIT -> LAST-ACK -> CLOSED), 3.10.7.4 (eighth
# step: FIN), RFC 862
import tcp_peer as T
from tcp_peer import ACK, FIN, RST, check, mod

p = T.Peer(7)
p.connect()
data = b"goodbye now\n"
p.send_data(data)
fin_seq = p.snd_nxt
p.send(FIN | ACK)
p.snd_nxt = mod(p.snd_nxt + 1)
got = b""
fin = None
acked_fin = False
for _ in range(10):
    s = p.expect("segments after our FIN", pred=lambda s: True)
    if s.ack == mod(fin_seq + 1):
        acked_fin = True
    if s.data and s.seq == p.rcv_nxt:
        got += s.data
        p.rcv_nxt = mod(p.rcv_nxt + len(s.data))
    if s.has(FIN):
        fin = s
        break
check(acked_fin, "our FIN is acknowledged (ack = FIN's SEQ+1)", p)
check(got == data, "the data before the FIN is echoed (%r)" % got, p)
check(fin is not None, "the stack sends its FIN (the echo server closed)", p)
print("  stack's FIN: %s" % fin)
check(fin.seq == mod(p.irs + 1 + len(data)), "its FIN comes after the %d echoed bytes" % len(data),
      p)
p.rcv_nxt = mod(fin.seq + 1)
p.send(ACK)
p.silence("our ACK of the stack's FIN")
p.send(ACK)
r = p.expect("RST for an ACK after the close", pred=lambda s: True)
print("  got: %s" % r)
check(r.flags == RST and r.seq == p.rcv_nxt, "LAST-ACK -> CLOSED: the connection is gone", p)
