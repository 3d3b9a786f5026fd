# send: ICMP echo requests to 10.0.0.2 whose total length lies: 1000 (beyond the end of the frame)
#       and 12 (shorter than the 20-byte header); header checksums correct
# expect: no answer; ipv4.bad_len +2
# RFC 791 3.1 (total length = header + data); RFC 1812 5.2.2 (IP header validation order)
import struct

import e2elib as L

frames = []
for total in (1000, 12):
    ip = bytearray(L.echo_request(0xB0C4, 1, b"total length lies"))
    ip[2:4] = struct.pack("!H", total)
    frames.append(L.to_stack(L.set_ip_checksum(bytes(ip))))
L.expect_silence(frames, "IPv4 total length beyond the frame / below the header")
