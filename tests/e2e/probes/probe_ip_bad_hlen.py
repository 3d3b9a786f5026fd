# send: ICMP echo requests to 10.0.0.2 whose IHL is 4 and 0 (< 5), checksum over 20 bytes correct
# expect: no answer; ipv4.bad_hlen +2
# RFC 791 3.1: IHL is the header length in 32-bit words; the minimum correct value is 5
import e2elib as L

frames = []
for ihl in (4, 0):
    ip = bytearray(L.echo_request(0xB0C3, ihl, b"short header length"))
    ip[0] = (4 << 4) | ihl
    frames.append(L.to_stack(L.set_ip_checksum(bytes(ip))))
L.expect_silence(frames, "IHL < 5")
