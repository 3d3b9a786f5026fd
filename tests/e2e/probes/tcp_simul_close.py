# send: from 10.0.0.5 to 10.0.0.2:80 (HTTP): "GET /no-such-page HTTP/1.0" (no keep-alive: the
#       server answers and closes first); we acknowledge the response's bytes but not the
#       stack's FIN and send our FIN (both FINs in flight: a simultaneous close); then our ACK
#       of its FIN; then our FIN once more (a retransmission)
# expect: the stack sends the response and its FIN (FIN-WAIT-1); our FIN, which does not
#         acknowledge its FIN, gets an ACK with ack = our FIN's SEQ+1 (-> CLOSING); after our
#         ACK the stack is in TIME-WAIT, where the repeated FIN is acknowledged again
# RFC 9293 3.6 (simultaneous close: FIN-WAIT-1 -> CLOSING -> TIME-WAIT), 3.10.7.4 (eighth step:
# FIN in FIN-WAIT-1 and TIME-WAIT), RFC 9112 9.6
import tcp_peer as T
from tcp_peer import ACK, FIN, check, mod

p = T.Peer(80)
p.connect()
p.send_data(b"GET /no-such-page HTTP/1.0\r\nHost: 10.0.0.2\r\n\r\n")
resp = b""
fin = None
for _ in range(20):
    s = p.expect("the response and the stack's FIN", pred=lambda s: True)
    if s.data and s.seq == p.rcv_nxt:
        resp += s.data
        p.rcv_nxt = mod(p.rcv_nxt + len(s.data))
    if s.has(FIN):
        fin = s
        break
print("  response starts %r" % resp[:40])
check(resp.startswith(b"HTTP/1."), "an HTTP response came (%d bytes)" % len(resp), p)
check(fin is not None, "the stack closes first: its FIN (FIN-WAIT-1)", p)
print("  stack's FIN: %s" % fin)
# Our FIN acknowledges the response but not the stack's FIN: both FINs are in flight.
our_fin = p.snd_nxt
p.send(FIN | ACK, ack=p.rcv_nxt)
p.snd_nxt = mod(p.snd_nxt + 1)
a = p.expect("ACK of our FIN", pred=lambda s: s.ack == mod(our_fin + 1) or s.has(T.RST))
print("  got: %s" % a)
check(not a.has(T.RST), "no RST", p)
check(a.ack == mod(our_fin + 1), "our FIN is acknowledged (FIN-WAIT-1 -> CLOSING)", p)
check(a.seq == mod(fin.seq + 1), "the ACK's seq is after the stack's FIN", p)
p.rcv_nxt = mod(fin.seq + 1)
p.send(ACK)
p.silence("our ACK of the stack's FIN (CLOSING -> TIME-WAIT)")
p.send(FIN | ACK, seq=our_fin)
a2 = p.expect("ACK of the repeated FIN in TIME-WAIT", pred=lambda s: True)
print("  got: %s" % a2)
check(a2.flags == ACK and a2.ack == mod(our_fin + 1),
      "TIME-WAIT acknowledges the repeated FIN", p)
