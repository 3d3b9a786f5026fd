# send: from 10.0.0.5, an ACK segment with 5 bytes of data to 10.0.0.2:4444 (nothing listens);
#       a bare ACK to 10.0.0.2:7 (a listener, but no such connection); a FIN|ACK to :4444
# expect: each time one segment with exactly RST set (no ACK), seq = SEG.ACK, valid checksums
# RFC 9293 3.10.7.1 (CLOSED: <SEQ=SEG.ACK><CTL=RST> when ACK is on), 3.10.7.2 (LISTEN: an ACK
# gets <SEQ=SEG.ACK><CTL=RST>)
import random

import tcp_peer as T
from tcp_peer import ACK, FIN, PSH, RST, check

for port, flags, data, what in ((4444, ACK | PSH, b"hello", "ACK with data to a closed port"),
                                (7, ACK, b"", "ACK to a listener without a connection"),
                                (4444, FIN | ACK, b"", "FIN|ACK to a closed port")):
    p = T.Peer(port)
    segack = random.getrandbits(32)
    p.send(flags, seq=p.iss, ack=segack, data=data)
    r = p.expect(what, pred=lambda s: True)
    print("  got: %s" % r)
    check(r.flags == RST, "%s: flags exactly RST ([%s])" % (what, T.flags_str(r.flags)), p)
    check(r.seq == segack, "%s: seq = SEG.ACK (%u)" % (what, r.seq), p)
