# send: from 10.0.0.5 to 10.0.0.2:7 (echo), in ESTABLISHED: an RST 100000 bytes beyond RCV.NXT
#       (outside the 64 KiB window) and an RST 100000 bytes before it; then data
# expect: nothing at all for either RST (not acceptable and RST: drop silently), and the
#         connection survives: the data is echoed
# RFC 9293 3.10.7.4 (first check: an unacceptable segment with RST is dropped, no ACK),
# RFC 5961 3.2
import tcp_peer as T
from tcp_peer import RST, mod

p = T.Peer(7)
p.connect()
p.expect_alive("before", b"before the RSTs\n")
p.send(RST, seq=mod(p.snd_nxt + 100000), ack=0)
p.silence("RST 100000 beyond RCV.NXT")
p.send(RST, seq=mod(p.snd_nxt - 100000), ack=0)
p.silence("RST 100000 before RCV.NXT")
p.expect_alive("after the out-of-window RSTs")
p.close()
