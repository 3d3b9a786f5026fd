# send: an IPv4 frame (EtherType 0x0800) whose version field is 6, checksum otherwise correct
# expect: no answer; ipv4.bad_version +1
# RFC 1122 3.2.1.1: a datagram whose version number is not 4 MUST be silently discarded
import e2elib as L

ip = bytearray(L.echo_request(0xB0C2, 1, b"version six"))
ip[0] = (6 << 4) | (ip[0] & 0x0F)
L.expect_silence([L.to_stack(L.set_ip_checksum(bytes(ip)))], "IP version 6 in an IPv4 frame")
