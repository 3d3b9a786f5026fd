# send: an ICMP echo request to 10.0.0.2 with a valid IPv4 header and a wrong ICMP checksum
# expect: no answer; icmp.bad_checksum +1
# RFC 792 (checksum over the whole ICMP message), RFC 1122 3.2.2 (discard, never answer errors)
import e2elib as L

ip = bytearray(L.echo_request(0xB0C5, 1, b"bad icmp checksum"))
ip[20 + 3] ^= 0x01
L.expect_silence([L.to_stack(bytes(ip))], "ICMP checksum wrong")
