# tcp_sack_peer.py MODE: SACK (RFC 2018), D-SACK (RFC 2883) and RACK-TLP (RFC 8985) seen from the
# wire, by a hand-driven peer at 10.0.0.5 (tcp_peer.py). t_tcp_sack.sh runs each MODE and checks
# the counters it moves. Sequence numbers are printed relative to the first data byte.
#
# negotiate  send: SYNs to 10.0.0.2:9 (discard) offering SACK-permitted, once as MSS, NOP, NOP,
#                  SACK-permitted and once in Linux's order (MSS, SACK-permitted, timestamps,
#                  NOP, window scale); then a SYN with MSS only, the handshake, and a segment
#                  beyond a gap
#            expect: when offered, the SYN-ACK's options are exactly MSS 1460, NOP, NOP,
#                    SACK-permitted (02 04 05 b4 01 01 04 02); when not, MSS 1460 alone
#                    (02 04 05 b4), and the duplicate ACK for the gap carries no option at all
#            RFC 2018 2 (SACK-permitted on SYNs; no SACK option unless both offered), RFC 9293
#            3.7.1
# nosack     (the stack runs with --no-sack) send: a SYN offering SACK-permitted, the handshake,
#            a segment beyond a gap; expect: MSS 1460 alone on the SYN-ACK, no SACK option on the
#            duplicate ACK. RFC 2018 2
# receiver   send, after a handshake offering SACK to port 9 (discard: nothing comes back but
#            ACKs), with A = bytes 0-999, B = 1000-1999, C = 2000-2999, D = 3000-3999:
#            B, D, C, A; then A again; then F = 5000-5999 twice, E = 4000-4999, and 5500-6499
#            (half old, half new)
#            expect: each out-of-order segment and each duplicate answered at once (before a
#                    ping sent after it is answered) by a pure ACK. B: ack 0, one block [B]
#                    (NOP, NOP, kind 5, length 10). D: blocks [D] then [B], the most recent
#                    first. C: one merged block [B..D]. A: ack 4000 and no SACK option. A again:
#                    ack 4000, the D-SACK block [A] alone, below the ACK. F: [F]; F again: [F]
#                    (D-SACK) then [F] (the block holding it); E: ack 6000, no option;
#                    5500-6499: ack 6500 with the D-SACK block [5500, 6000)
#            RFC 2018 3-4 (blocks, the most recently received first), RFC 2883 4 and 4.1
#            (D-SACK below the ACK, D-SACK inside an out-of-order block, partly duplicate),
#            RFC 5681 4.2 (out-of-order and gap-filling segments are ACKed at once)
# sender     send: a handshake offering SACK and a 65535-byte window to port 19 (chargen, which
#            sends as fast as its windows allow); take the first three segments S1 S2 S3; ACK
#            S1 and SACK S3 (S2 "lost"); once S2 comes again, ACK everything received
#            expect: an initial window of exactly three 1460-byte segments; S2 sent again, same
#                    sequence number and bytes, well within the 1 s RTO (RACK: an RTT plus a
#                    reordering window after S2 was sent); S3 (SACKed) and S1 (ACKed) never
#                    sent again; new data after the final ACK
#            RFC 5681 3.1 (IW = 3 * SMSS for SMSS 1460), RFC 8985 6.2 (RACK), RFC 6675 5
# tlp_echo   send: to port 7 (echo) with SACK: one message, its echo ACKed; a second message
#            whose echo is never ACKed
#            expect: within 2 * SRTT + 200 ms (one segment in flight), far less than the 1 s
#                    RTO, the echo segment again as a tail loss probe (no new data to send)
#            RFC 8985 7.2-7.3
# tlp_chargen  send: to port 19 with SACK: the initial window ACKed 100 ms late (SRTT about
#            100 ms); the flight that ACK lets out is never ACKed
#            expect: about 2 * SRTT after that flight (and well within 0.6 s), one probe
#                    carrying new data (the window allows it), nothing else before the RTO
#            RFC 8985 7.2-7.3
import struct
import sys
import time

import e2elib as L
import tcp_peer as T
from tcp_peer import ACK, PSH, RST, SYN, check, mod

SACK_SYN = [("MSS", 1460), ("NOP", None), ("NOP", None), ("SAckOK", b"")]
LINUX_SYN = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)), ("NOP", None),
             ("WScale", 7)]
PLAIN_SYN = [("MSS", 1460)]
SYNACK_SACK = bytes.fromhex("020405b401010402")
SYNACK_PLAIN = bytes.fromhex("020405b4")
MSS = 1460


# -- options ---------------------------------------------------------------------------------
def opt_list(opts):
    """[(kind, value bytes)] of a segment's option bytes; NOPs as (1, b''); stops at EOL."""
    out, i = [], 0
    while i < len(opts):
        kind = opts[i]
        if kind == 0:
            break
        if kind == 1:
            out.append((1, b""))
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2 or i + opts[i + 1] > len(opts):
            out.append((kind, None))       # malformed: judged by the callers
            break
        out.append((kind, opts[i + 2:i + opts[i + 1]]))
        i += opts[i + 1]
    return out


def sack_blocks(s):
    """The SACK blocks of segment s as [(start, end)], None if it has no SACK option."""
    for kind, val in opt_list(s.opts):
        if kind == 5:
            if val is None or len(val) % 8:
                return "malformed SACK option %s" % s.opts.hex()
            return [struct.unpack("!II", val[k:k + 8]) for k in range(0, len(val), 8)]
    return None


def sack_opt_bytes(blocks):
    """What the stack must send: NOP, NOP, kind 5, length, the blocks (RFC 2018 3)."""
    b = bytes([1, 1, 5, 2 + 8 * len(blocks)])
    for start, end in blocks:
        b += struct.pack("!II", mod(start), mod(end))
    return b


def sack_opt(blocks):
    """Our SACK option for scapy: NOP, NOP, then the blocks."""
    return [("NOP", None), ("NOP", None), ("SAck", tuple(mod(x) for b in blocks for x in b))]


# -- helpers -----------------------------------------------------------------------------------
def syn(p, options, what):
    """Send our SYN with these options; return the SYN-ACK (checked: flags, ack)."""
    p.send(SYN, seq=p.iss, options=options)
    sa = p.expect("SYN-ACK to %s" % what, pred=lambda s: s.has(SYN) or s.has(RST))
    print("  %s -> %s, options %s" % (what, sa, sa.opts.hex()))
    check(sa.flags == SYN | ACK and sa.ack == mod(p.iss + 1),
          "%s: SYN-ACK, ack = ISS+1 ([%s])" % (what, T.flags_str(sa.flags)), p)
    return sa


def handshake(p, options, what="our SYN", win=65535):
    sa = syn(p, options, what)
    p.snd_nxt = mod(p.iss + 1)
    p.irs = sa.seq
    p.rcv_nxt = mod(sa.seq + 1)
    p.send(ACK, win=win)
    return sa


def answers(p, what):
    """What the stack sent this connection before answering a barrier ping: its answers at once
    (the stack handles frames in order), without any timer."""
    got, seen = p.lab.barrier()
    if not seen:
        L.fail("%s: no reply to the barrier echo request: the stack is not answering" % what)
    out = []
    for f in got:
        ip = f.ipv4()
        if ip is None or ip[2] != 6 or ip[4] != T.PEER_IP:
            continue
        if len(ip[5]) < 20 or not T.tcp_csum_ok(ip[3], ip[4], ip[5]):
            L.fail("bad TCP segment from the stack: %s" % f)
        s = T.Seg(ip[3], ip[4], ip[5], time.monotonic())
        if s.dport == p.sport and s.sport == p.dport:
            p.log.append(s)
            out.append(s)
    return out


def rel(p, x):
    """A sequence number of ours relative to our first data byte."""
    return T.seq_diff(x, mod(p.iss + 1))


def show_blocks(p, blocks):
    if blocks is None:
        return "none"
    if isinstance(blocks, str):
        return blocks
    return " ".join("[%d,%d)" % (rel(p, a), rel(p, b)) for a, b in blocks)


def judge_ack(p, s, what, ack, blocks):
    """s must be a pure ACK of ack carrying exactly these SACK blocks (absolute, [] = none)."""
    print("  %s: %s, ack %d, SACK %s, options %s" % (what, s, rel(p, s.ack),
                                                   show_blocks(p, sack_blocks(s)), s.opts.hex()))
    check(s.flags == ACK and not s.data, "%s: a pure ACK ([%s], %d bytes)" %
          (what, T.flags_str(s.flags), len(s.data)), p)
    check(s.ack == mod(ack), "%s: ack %d (want %d)" % (what, rel(p, s.ack), rel(p, ack)), p)
    if blocks:
        want = [(mod(a), mod(b)) for a, b in blocks]
        check(sack_blocks(s) == want, "%s: SACK blocks %s (want %s)" %
              (what, show_blocks(p, sack_blocks(s)), show_blocks(p, want)), p)
        check(s.opts == sack_opt_bytes(blocks), "%s: options exactly %s (got %s)" %
              (what, sack_opt_bytes(blocks).hex(), s.opts.hex()), p)
    else:
        check(s.opts == b"", "%s: no option at all (got %s)" % (what, s.opts.hex() or "none"), p)


def ooo_without_sack(p, what):
    """After the handshake: a segment beyond a gap must get a duplicate ACK without options."""
    base = p.snd_nxt
    p.send(PSH | ACK, seq=base + 1000, data=b"x" * 1000)
    got = answers(p, what)
    check(got, "%s: the segment beyond the gap is answered at once" % what, p)
    judge_ack(p, got[0], what, base, [])
    p.abort()


# -- modes -------------------------------------------------------------------------------------
def synack_is(sa, want, what, p, extra=""):
    check(sa.opts == want, "%s: SYN-ACK options exactly %s%s (got %s)" %
          (what, want.hex(), extra, sa.opts.hex()), p)


def negotiate():
    for options, what in ((SACK_SYN, "SYN with MSS, NOP, NOP, SACK-permitted"),
                          (LINUX_SYN, "SYN with Linux's options (MSS, SACK-permitted, TS, "
                                      "NOP, WS)")):
        p = T.Peer(9)
        sa = syn(p, options, what)
        synack_is(sa, SYNACK_SACK, what, p)
        p.send(RST, seq=p.iss + 1, ack=0)   # the half-open connection goes
    p = T.Peer(9)
    what = "SYN with MSS only"
    sa = handshake(p, PLAIN_SYN, what)
    synack_is(sa, SYNACK_PLAIN, what, p)
    ooo_without_sack(p, "no SACK-permitted from us: gap")


def nosack():
    p = T.Peer(9)
    what = "SYN with SACK-permitted to a --no-sack stack"
    sa = handshake(p, SACK_SYN, what)
    synack_is(sa, SYNACK_PLAIN, what, p, ", no SACK-permitted")
    ooo_without_sack(p, "--no-sack: gap")


def receiver():
    p = T.Peer(9)
    handshake(p, SACK_SYN)
    base = p.snd_nxt

    def seg(a, b):
        return bytes((k * 7) & 0xFF for k in range(a, b))

    def step(what, a, b, ack, blocks):
        """Send bytes [a, b); the stack's first answer, at once, must be this ACK."""
        for old in answers(p, "before " + what):      # e.g. a window update after a read
            print("  (before: %s)" % old)
        p.send(PSH | ACK, seq=base + a, data=seg(a, b))
        got = answers(p, what)
        check(got, "%s: answered at once (before the barrier ping's reply)" % what, p)
        for extra in got[1:]:
            print("  (then %s, SACK %s)" % (extra, show_blocks(p, sack_blocks(extra))))
        judge_ack(p, got[0], what, base + ack, [(base + x, base + y) for x, y in blocks])

    step("B [1000,2000) with A missing", 1000, 2000, 0, [(1000, 2000)])
    step("D [3000,4000) with C missing", 3000, 4000, 0, [(3000, 4000), (1000, 2000)])
    step("C [2000,3000) joins B and D", 2000, 3000, 0, [(1000, 4000)])
    step("A [0,1000) fills the gap", 0, 1000, 4000, [])
    step("A again (D-SACK below the ACK)", 0, 1000, 4000, [(0, 1000)])
    step("F [5000,6000) with E missing", 5000, 6000, 4000, [(5000, 6000)])
    step("F again (D-SACK inside a block)", 5000, 6000, 4000, [(5000, 6000), (5000, 6000)])
    step("E [4000,5000) fills the gap", 4000, 5000, 6000, [])
    # Half old, half new: in-order data may wait for the delayed-ACK timer (40 ms), so the
    # D-SACK block rides on that ACK.
    what = "[5500,6500): 500 old bytes and 500 new"
    p.send(PSH | ACK, seq=base + 5500, data=seg(5500, 6500))
    s = p.expect(what, timeout=1.0, pred=lambda s: s.ack == mod(base + 6500))
    judge_ack(p, s, what, base + 6500, [(base + 5500, base + 6000)])
    p.snd_nxt = mod(base + 6500)
    late = [x for x in p.log if x.data]
    check(not late, "discard sent no data (%d data segments)" % len(late), p)
    p.abort()


def sender():
    p = T.Peer(19)
    handshake(p, SACK_SYN)
    # No RTT sample yet (the SYN is not timed): the only timer running is the 1 s RTO, so the
    # initial window is all that comes in this time.
    flight = p.collect(0.25, lambda s: len(s.data) > 0)
    for s in flight:
        print("  initial window: %s" % s)
    check(len(flight) == 3, "initial window: 3 segments (got %d)" % len(flight), p)
    s1, s2, s3 = flight
    check(all(len(s.data) == MSS for s in flight), "of %d bytes each" % MSS, p)
    check(s1.seq == p.rcv_nxt and s2.seq == mod(s1.seq + MSS) and s3.seq == mod(s2.seq + MSS),
          "in order from ISS+1", p)

    sack = [(s3.seq, s3.seq + MSS)]
    p.send(ACK, ack=mod(s1.seq + MSS), options=sack_opt(sack))
    t_sack = time.monotonic()
    print("  %.3f sent: ack S1 (%u), SACK S3 [%u,%u): S2 missing" %
          (t_sack, mod(s1.seq + MSS), mod(s3.seq), mod(s3.seq + MSS)))
    later, rex = [], None
    deadline = t_sack + 0.95
    while rex is None:
        s = p.recv(max(0.0, deadline - time.monotonic()), lambda s: len(s.data) > 0)
        if s is None:
            break
        print("  %+.3f s: %s" % (s.t - t_sack, s))
        later.append(s)
        if s.seq == s2.seq:
            rex = s
    check(rex is not None, "S2 sent again within 0.95 s of the SACK", p)
    gap = rex.t - t_sack
    check(gap <= 0.5, "S2 sent again %.3f s after the SACK (want <= 0.5: RACK, not the 1 s RTO)"
          % gap, p)
    check(rex.data == s2.data, "the retransmission carries S2's bytes", p)
    more = p.collect(0.15, lambda s: len(s.data) > 0)
    for s in more:
        print("  %+.3f s: %s" % (s.t - t_sack, s))
    later += more
    again3 = [s for s in later if s.seq == s3.seq]
    again1 = [s for s in later if s.seq == s1.seq]
    check(not again3, "S3, SACKed, not sent again (%d copies)" % len(again3), p)
    check(not again1, "S1, ACKed, not sent again (%d copies)" % len(again1), p)
    check(len([s for s in later if s.seq == s2.seq]) == 1, "S2 sent again once", p)

    have = {s.seq: len(s.data) for s in flight + later}
    nxt = s1.seq
    while nxt in have:
        nxt = mod(nxt + have[nxt])
    p.rcv_nxt = nxt
    p.send(ACK)
    print("  ACK of everything in order: %u (%d bytes)" % (nxt, T.seq_diff(nxt, s1.seq)))
    s = p.expect("new data after our ACK of everything", timeout=1.0,
                 pred=lambda s: len(s.data) > 0 and s.seq == nxt)
    print("  then: %s" % s)
    L.ok("new data flows on from %u" % nxt)
    p.abort()


def tlp_echo():
    p = T.Peer(7)
    handshake(p, SACK_SYN)
    p.send_data(b"first: gives the stack an RTT sample\n")
    e = p.expect("the first echo", pred=lambda s: len(s.data) > 0)
    p.rcv_nxt = mod(e.seq + len(e.data))
    p.send(ACK)
    msg = b"second: its echo is never acknowledged\n"
    p.send_data(msg)
    e = p.expect("the second echo", pred=lambda s: len(s.data) > 0)
    print("  echo: %s" % e)
    pr = p.expect("a tail loss probe", timeout=1.5, pred=lambda s: len(s.data) > 0)
    gap = pr.t - e.t
    print("  probe %.3f s later: %s" % (gap, pr))
    check(pr.seq == e.seq and pr.data == e.data == msg,
          "the probe is the last segment again (nothing new to send)", p)
    check(0.15 <= gap <= 0.6, "probe %.3f s after the echo (want 0.15-0.6: 2*SRTT + 200 ms "
          "with one segment in flight; the RTO would be 1 s)" % gap, p)
    p.rcv_nxt = mod(e.seq + len(e.data))
    p.send(ACK)
    p.expect_alive("after the probe")
    p.close()


def tlp_chargen():
    p = T.Peer(19)
    handshake(p, SACK_SYN)
    flight = p.collect(0.1, lambda s: len(s.data) > 0)
    check(len(flight) == 3, "initial window: 3 segments (got %d)" % len(flight), p)
    p.rcv_nxt = mod(flight[-1].seq + len(flight[-1].data))
    p.send(ACK)                        # 100 ms after the data: SRTT about 100 ms
    t_ack = time.monotonic()
    segs = p.collect(0.7, lambda s: len(s.data) > 0)   # the RTO is 1 s away at least
    for s in segs:
        print("  %+.3f s: %s" % (s.t - t_ack, s))
    burst = segs[:1]
    for s in segs[1:]:
        if s.t - burst[-1].t > 0.05:
            break
        burst.append(s)
    rest = segs[len(burst):]
    check(burst and burst[0].seq == p.rcv_nxt, "our ACK let a flight out (%d segments)" %
          len(burst), p)
    check(len(rest) == 1, "then exactly one probe within 0.7 s (got %d segment(s))" % len(rest),
          p)
    pr, last = rest[0], burst[-1]
    gap = pr.t - last.t
    check(pr.seq == mod(last.seq + len(last.data)),
          "the probe carries new data (at SND.NXT %u; the window allows it)" % pr.seq, p)
    check(0.1 <= gap <= 0.6, "probe %.3f s after the flight (want 0.1-0.6: 2*SRTT, SRTT "
          "about 0.1 s; the RTO would be 1 s)" % gap, p)
    p.abort()


MODES = {"negotiate": negotiate, "nosack": nosack, "receiver": receiver, "sender": sender,
         "tlp_echo": tlp_echo, "tlp_chargen": tlp_chargen}

if len(sys.argv) != 2 or sys.argv[1] not in MODES:
    L.fail("usage: tcp_sack_peer.py %s" % "|".join(MODES))
MODES[sys.argv[1]]()
