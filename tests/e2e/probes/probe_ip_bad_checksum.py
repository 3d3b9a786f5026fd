# send: an ICMP echo request to 10.0.0.2 whose IPv4 header checksum is wrong (correct value ^ 1)
# expect: no answer; ipv4.bad_checksum +1
# RFC 1122 3.2.1.2: a host MUST verify the IP header checksum and silently discard on failure
import e2elib as L

ip = bytearray(L.echo_request(0xB0C1, 1, b"bad ip checksum"))
ip[11] ^= 0x01
L.expect_silence([L.to_stack(bytes(ip))], "IPv4 header checksum wrong")
