# send: from 10.0.0.5 a SYN to 10.0.0.2:7 (echo) announcing MSS 1 (or MSS N), then 500 bytes
# expect: the 500 bytes come back intact, in segments of the stack's floor (48 bytes) but the
#         last: never the 1-byte segments MSS 1 asks for (40 bytes of header per byte)
# RFC 9293 3.7.1 (Eff.snd.MSS), Linux tcp_min_snd_mss (CVE-2019-11479)
# usage: hostile_mss_tiny.py [MSS] [FLOOR]
import sys

import tcp_peer as T
from tcp_peer import check

mss = int(sys.argv[1]) if len(sys.argv) > 1 else 1
floor = int(sys.argv[2]) if len(sys.argv) > 2 else 48

p = T.Peer(7)
p.connect(mss=mss)
data = bytes((i * 7 + 3) & 0xFF for i in range(500))
p.send_data(data)
got, segs = p.read(len(data), timeout=10.0)
check(got == data, "500 bytes echoed intact", p)
sizes = [len(s.data) for s in segs]
print("  %d segments, sizes %s%s" % (len(sizes), sizes[:16], " ..." if len(sizes) > 16 else ""))
check(max(sizes) == floor, "largest segment %d bytes: the floor %d, not the MSS %d asked" %
      (max(sizes), floor, mss), p)
check(all(x == floor for x in sizes[:-1]), "every segment but the last carries %d bytes" % floor,
      p)
p.close()
