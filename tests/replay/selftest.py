#!/usr/bin/python3
"""selftest.py - the replay tools must see every difference planted in a scapy-made capture.

A PASS from run.sh means "vecdiff found no difference and check_assert found every field";
this test makes sure both would have said otherwise. It builds a small vector (ARP, one
ping), then compares the expected capture with copies that differ in one way each:
one byte of the IP ID, the timestamp by 1 us, one frame missing, one frame extra, a non-zero
padding byte. It also pins tsrand.py to the stack's generator (the first draws for seed 1,
taken from stack/clock.c once, by hand), its SipHash-2-4 to the reference test vector, its
tcp_isn() to an ISS the stack once sent and its IP ID model to an ID the stack once sent; and
checks that a TCP segment's fields are read right and that a `volatile` range hides exactly its
own bytes from the comparison.

Exit 0 when every planted difference is reported (and the unchanged copy is not).
"""
import io
import os
import sys
import tempfile
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pcapio  # noqa: E402
import tsrand  # noqa: E402
import vecdiff  # noqa: E402
import check_assert  # noqa: E402
import veclib  # noqa: E402

problems = []


def expect(cond, what):
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        problems.append(what)


def main():
    r = tsrand.TsRand(1)
    draws = [r.rand32() for _ in range(3)]
    expect(draws == [0x47E4CE4B, 0xABCFA6A8, 0xB9D10D8F],
           "tsrand: seed 1 draws 47e4ce4b abcfa6a8 b9d10d8f like stack/clock.c rand32")
    expect(tsrand.TsRand(0).rand32() == 0x0D83B3E2, "tsrand: seed 0 uses the fixed state")

    # SipHash-2-4 reference vector (Aumasson, Bernstein: key 00..0f, message 00..0f).
    k0, k1 = 0x0706050403020100, 0x0F0E0D0C0B0A0908
    expect(tsrand.siphash24(k0, k1, 0x0706050403020100, 0x0F0E0D0C0B0A0908) ==
           0x3F2ACC7F57C29BDB, "tsrand: SipHash-2-4 of 00..0f under key 00..0f is the reference "
           "vector db9bc2577fcc2a3f")
    # The SYN-ACK the stack sent (./tapstack --replay, seed 1) for a SYN 10.0.0.1:40000 >
    # 10.0.0.2:7 at virtual time 0.010000: seq 2811713431, taken from its trace once, by hand.
    expect(tsrand.tcp_isn(1, 10000, "10.0.0.2", 7, "10.0.0.1", 40000) == 2811713431,
           "tsrand: tcp_isn(seed 1, 0.01 s, 10.0.0.2:7, 10.0.0.1:40000) = 2811713431 like the "
           "stack's SYN-ACK")

    # The IP ID model (stack/ipv4.c ipv4_next_id): the stack's first echo reply to 10.0.0.1
    # (./tapstack --replay pcap/ping-1472.in.pcap, seed 1) had ID 58155, taken by hand once.
    expect(tsrand.ip_id(1, "10.0.0.2", "10.0.0.1", 1, 0) == 58155,
           "tsrand: ip_id(seed 1, 10.0.0.2 > 10.0.0.1 ICMP, first) = 58155 like the stack's reply")
    ids = tsrand.IpIds(1)
    a = [ids.next("10.0.0.2", "10.0.0.1", 1) for _ in range(3)]
    expect(all(1 <= (y - x) & 0xFFFF <= 8 for x, y in zip(a, a[1:])) and
           a == [tsrand.ip_id(1, "10.0.0.2", "10.0.0.1", 1, n) for n in range(3)],
           "tsrand: one counter's IDs move on by 1..8; IpIds and ip_id agree")
    expect(tsrand.init_draws(1)["udp_first_port"] == 59048,
           "tsrand: the IP ID key takes one draw of stack_init: the UDP port is draw 2")

    d = tempfile.mkdtemp(prefix="replay-selftest.")
    v = veclib.Vector("selftest", "tools self-test", "none")
    veclib.hello(v)
    n = v.send(0.010, veclib.echo_request(seq=1), "echo request")
    veclib.expect_echo_reply(v, 0.010, n, 0)
    v.write(d)
    base = os.path.join(d, "selftest")
    exp, inp, asrt = base + ".expected.pcap", base + ".in.pcap", base + ".assert"
    frames = pcapio.read_pcap(exp)

    def variant(tag, fr):
        p = os.path.join(d, tag + ".pcap")
        pcapio.write_pcap(p, fr)
        buf = io.StringIO()
        with redirect_stdout(buf):
            same, lines = vecdiff.vecdiff(p, exp, inp)
            fails = check_assert.check(asrt, p, inp, quiet=True)
        return same, "\n".join(lines), fails

    same, text, fails = variant("same", frames)
    expect(same and not fails, "an identical copy: vecdiff identical, every assertion holds")

    f3 = bytearray(frames[2].data)
    f3[19] ^= 0x01                                 # low byte of the IP ID
    f3 = veclib.fix_ip_csum(bytes(f3))
    same, text, fails = variant("id", frames[:2] + [pcapio.Frame(frames[2].t_us, f3)])
    expect(not same and "* IP.id" in text and "frame 3 differs" in text,
           "a changed IP ID: vecdiff marks IP.id in frame 3")
    expect(any("ip.id" in m for m in fails), "a changed IP ID: check_assert fails ip.id")

    same, text, fails = variant("time", frames[:2] + [pcapio.Frame(frames[2].t_us + 1, frames[2].data)])
    expect(not same and "* time" in text, "a timestamp 1 us late: vecdiff marks time")
    expect(any("time is" in m for m in fails), "a timestamp 1 us late: check_assert fails time")

    same, text, fails = variant("fewer", frames[:2])
    expect(not same and "ours has 1 fewer frame" in text, "a missing frame: vecdiff says 1 fewer")
    expect(any("frames" in m for m in fails), "a missing frame: check_assert fails the count")

    same, text, fails = variant("more", frames + [frames[1]])
    expect(not same and "ours has 1 more frame" in text, "an extra frame: vecdiff says 1 more")
    expect(any("frames" in m for m in fails), "an extra frame: check_assert fails the count")

    f2 = bytearray(frames[1].data)
    f2[-1] = 0x55                                  # ARP reply padding
    same, text, fails = variant("pad", [frames[0], pcapio.Frame(frames[1].t_us, bytes(f2)),
                                        frames[2]])
    expect(not same and "frame 2 differs" in text, "a non-zero pad byte: vecdiff sees frame 2")
    expect(any("pad is" in m for m in fails), "a non-zero pad byte: check_assert fails pad=zeros")

    # TCP fields, and a volatile range: a vector with one SYN-ACK.
    t = veclib.Vector("selftcp", "tools self-test, TCP", "none")
    veclib.hello(t)
    c = veclib.Conn(t, dport=7, irs=0xFFFFFFFF)
    c.syn(0.010)
    c.stack(0.010, "SA", 0, options=veclib.mss_option(1460), why="SYN-ACK")
    t.volatile(3, [(48, 50)], "the test's own volatile range: the window field")
    t.write(d)
    tb = os.path.join(d, "selftcp")
    texp, tin, tasrt = tb + ".expected.pcap", tb + ".in.pcap", tb + ".assert"
    tfr = pcapio.read_pcap(texp)
    buf = io.StringIO()
    with redirect_stdout(buf):
        fails = check_assert.check(tasrt, texp, tin, quiet=True)
    syn_ack = tfr[2].data
    expect(not fails and check_assert.extract(syn_ack, "tcp.flags") == "sa" and
           check_assert.extract(syn_ack, "tcp.ack") == 0 and
           check_assert.extract(syn_ack, "tcp.options") == bytes.fromhex("020405b4"),
           "TCP: flags SA, ACK = 0xffffffff + 1 mod 2^32 = 0, MSS option read from the SYN-ACK")
    vol = check_assert.parse_volatile(tasrt)

    def masked_same(fr):
        m, _ = check_assert.mask_volatile(tfr[:2] + [pcapio.Frame(tfr[2].t_us, bytes(fr))], tfr,
                                          vol)
        p = os.path.join(d, "masked.pcap")
        pcapio.write_pcap(p, m)
        with redirect_stdout(io.StringIO()):
            return vecdiff.vecdiff(p, texp, tin)[0]
    f = bytearray(syn_ack)
    f[48] ^= 0xFF                                  # inside the volatile range (window)
    expect(vol == {3: [(48, 50)]} and masked_same(f),
           "volatile: a changed byte inside the range is not compared")
    f = bytearray(syn_ack)
    f[50] ^= 0xFF                                  # the byte after it (TCP checksum)
    expect(not masked_same(f), "volatile: the byte right after the range is still compared")
    f = bytearray(syn_ack)
    f[48] ^= 0xFF
    p = os.path.join(d, "changed.pcap")
    pcapio.write_pcap(p, tfr[:2] + [pcapio.Frame(tfr[2].t_us, bytes(f))])
    with redirect_stdout(io.StringIO()):
        fails = check_assert.check(tasrt, p, tin, quiet=True)
    expect(any("tcp.window" in m for m in fails) and any("tcp.chksum_ok" in m for m in fails),
           "volatile: the assertions still see the real bytes (window, checksum)")

    for name in os.listdir(d):
        os.unlink(os.path.join(d, name))
    os.rmdir(d)
    print("selftest: %d problems" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
