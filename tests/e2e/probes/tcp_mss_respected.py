# send: from 10.0.0.5 a SYN to 10.0.0.2:7 (echo) with an MSS option of 536, then 3000 bytes
#       in three segments of 1000 (the stack must accept up to its own 1460)
# expect: the 3000 bytes come back intact in segments none of which carries more than 536
#         bytes of data
# RFC 9293 3.7.1 (Eff.snd.MSS: never send a segment larger than the peer's MSS), RFC 879
import tcp_peer as T
from tcp_peer import check

p = T.Peer(7)
p.connect(mss=536)
data = bytes((i * 13 + 5) & 0xFF for i in range(3000))
for i in range(0, 3000, 1000):
    p.send_data(data[i:i + 1000])
got, segs = p.read(len(data))
check(got == data, "3000 bytes echoed intact", p)
biggest = max(len(s.data) for s in segs)
check(biggest <= 536, "largest segment from the stack: %d bytes (MSS 536)" % biggest, p)
check(biggest == 536, "full-sized segments are exactly 536 bytes", p)
p.close()
