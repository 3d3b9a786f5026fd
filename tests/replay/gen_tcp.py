#!/usr/bin/python3
"""gen_tcp.py - TCP replay vectors (RFC 9293, RFC 6298, RFC 5681, RFC 5961, RFC 1122 4.2).

    tests/replay/gen_tcp.py [--out DIR] [--list] [NAME...]

The stack runs its TCP sample services in replay mode: echo on port 7 (what arrives goes
back; the server closes after the peer's FIN), discard on port 9 (closes after the peer's
FIN). Nothing listens on port 9999. The peer is 10.0.0.1, port 40000 + a number per vector
(so that each vector's ISS differs), with an ISN (IRS) chosen here; the stack's ISN (ISS) is
the documented tcp_isn() (tsrand.py, docs/replay.md), so every sequence number below is an
offset from IRS or ISS, and the .assert states it as in[SYN].tcp.seq+N or isn(...)+N.

The rules the expected segments follow, with the stack's configuration where the RFC
leaves a choice (veclib.py names each value):

- SYN-ACK: <SEQ=ISS><ACK=SEG.SEQ+1>, MSS option 1460, window 65535 (the whole buffer);
- the window: free buffer, with the right edge moved only by >= min(buffer/2, MSS) (receiver
  SWS avoidance, RFC 1122 4.2.3.3), veclib.Conn.window();
- ACKs: an echo carries the ACK of the data it answers (RFC 9293 3.10.7.4 seventh:
  piggybacked); otherwise a lone segment is ACKed after the 40 ms delayed-ACK timer, the
  second unacknowledged segment at once (RFC 1122 4.2.3.2, RFC 5681 4.2); out-of-order
  segments and segments that fill a gap are ACKed at once (RFC 5681 4.2);
- PSH is set on every segment that carries data (the stack pushes every send; RFC 1122
  4.2.2.2 requires it only on the segment that empties the send queue), except on the first
  zero-window probe; the ACK field is zero when ACK is off;
- RTO 1 s before any RTT sample (RFC 6298 2.1), doubled per timeout (5.5);
- the replay ends DRAIN_S after the last frame: the services close their sockets, so an open
  connection ends with the stack's FIN (docs/replay.md).

SACK (RFC 2018, D-SACK RFC 2883, RACK RFC 8985), when the peer's SYN offers SACK-permitted:

- the SYN-ACK answers with NOP,NOP,SACK-permitted after the MSS option (RFC 2018 2);
- every ACK sent while out-of-order data is held carries NOP,NOP,SACK with the blocks, the
  one the arriving segment ended up in first, then the others most recently reported first
  (RFC 2018 4), at most 4 (40 bytes of options); once nothing is held, no SACK option;
- a duplicate segment is reported once, in the first block of the next ACK (a D-SACK); if it
  lies in a block held above the ACK, that block follows it (RFC 2883 4);
- as a sender the stack finds losses with RACK (RFC 8985 6): a segment is lost when a segment
  sent after it has been delivered and RACK.rtt + RACK.reo_wnd has passed since it was sent.
"""
from veclib import (Vector, main, hello, echo_request, expect_echo_reply, expect_tcp, tcp_in,
                    mss_option, expect_end_fin, Conn, PEER_PORT, PEER_WIN,
                    TCP_RCVBUF, TCP_MSS, TCP_DEFAULT_MSS, TCP_DELACK_S, TCP_RTO_INIT_S, DRAIN_S,
                    us)

ECHO, DISCARD, CLOSED = 7, 9, 9999


def pattern(n, start=0):
    """n bytes of printable text, different at every offset (so a wrong slice shows)."""
    s = b"".join(b"%05d " % i for i in range(start // 6, (start + n) // 6 + 2))
    return s[start % 6:start % 6 + n]


def echo_of(c, t, n, data, data_ref, why_more="", seq=None):
    """The echo server sends back `data` at t: it carries the ACK of what it answers (RFC 9293
    3.10.7.4 seventh: piggybacked, so the delayed ACK is not needed)."""
    return c.stack(t, "PA", seq, data=data, data_ref=data_ref,
                   why="RFC 862 echo of the %d bytes over TCP: SEQ = SND.NXT, PSH, carrying "
                   "<ACK=RCV.NXT> (RFC 9293 3.10.7.4 seventh: the ACK piggybacked on the data "
                   "going out at once, so no separate ACK); window: free buffer, right edge held "
                   "(RFC 1122 4.2.3.3 receiver SWS: it moves only by >= %d)%s"
                   % (len(data), min(TCP_RCVBUF // 2, TCP_MSS), why_more))


def tcp_handshake():
    v = Vector("tcp-handshake",
               "a SYN with MSS 1460 to the echo port gets a SYN-ACK with ISS = the documented "
               "tcp_isn(), ACK = SEG.SEQ+1, MSS 1460 and window 65535; the peer's ACK completes "
               "the handshake (no SYN-ACK retransmission follows)",
               "RFC 9293 3.5, 3.10.7.2 (LISTEN: SYN -> SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT>"
               "<CTL=SYN,ACK>), 3.10.7.4 fifth (SYN-RECEIVED -> ESTABLISHED); RFC 6528 (ISN); "
               "RFC 9293 3.7.1 / RFC 6691 (MSS option); RFC 6298 5.2")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x0BADCAFE)
    c.open(0.010, ack_t=0.020)
    expect_end_fin(v, c, 0.020 + DRAIN_S,
                   "; and no SYN-ACK retransmission before it (it would be at 1.010000): the "
                   "ACK completed the handshake, RFC 6298 5.2 stops the timer")
    v.total("the SYN-ACK, then only the FIN at the end of the replay: the ACK is not answered "
            "(an ACK that carries nothing is never ACKed, RFC 9293 3.10.7.4), and the SYN-ACK is "
            "not sent again")
    return v


def tcp_rst_closed_port():
    v = Vector("tcp-rst-closed-port",
               "segments to a port nobody listens on (9999) get a RST that the sender accepts: "
               "a SYN gets RST,ACK with SEQ 0 and ACK = SEG.SEQ + SEG.LEN (a SYN with 5 data bytes "
               "counts 6); a segment with ACK (an ACK, a SYN-ACK) gets RST with SEQ = SEG.ACK; a "
               "RST gets nothing",
               "RFC 9293 3.10.7.1 (CLOSED: 'If the ACK bit is off, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>"
               "<CTL=RST,ACK>; if the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>'; 'An incoming "
               "segment containing a RST is discarded'); RFC 1122 4.2.2.12")
    hello(v)

    def rst(t, n, flags, seq, ack, ack_ref, why):
        return expect_tcp(v, t, v.take_k(), CLOSED, PEER_PORT, seq, ack, flags, 0,
                          seq_ref=("in[%d].tcp.ack" % n) if flags == "R" else None,
                          ack_ref=ack_ref, why=why)
    s1, s2, s3 = 0x7E570001, 0x7E570100, 0x7E570200
    n = v.send(0.010, tcp_in(s1, 0, "S", dport=CLOSED, options=mss_option(1460)),
               "10.0.0.1:40000 > 10.0.0.2:9999 [S] seq %d <mss 1460>" % s1)
    rst(0.010, n, "RA", 0, s1 + 1, "in[%d].tcp.seq+1" % n,
        "RFC 9293 3.10.7.1: the SYN has no ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, "
        "SEG.LEN = 1 for the SYN; window 0, no options (nothing is offered); first IP ID of its "
        "counter")
    n = v.send(0.020, tcp_in(0x11111111, 0x22222222, "A", dport=CLOSED),
               "10.0.0.1:40000 > 10.0.0.2:9999 [A] seq 0x11111111 ack 0x22222222")
    rst(0.020, n, "R", 0x22222222, 0, "",
        "RFC 9293 3.10.7.1: the ACK bit is on: <SEQ=SEG.ACK><CTL=RST>, no ACK (the field is "
        "zero), window 0")
    n = v.send(0.030, tcp_in(s2, 0, "S", data=b"early", dport=CLOSED),
               "10.0.0.1:40000 > 10.0.0.2:9999 [S] seq %d with 5 data bytes 'early'" % s2)
    rst(0.030, n, "RA", 0, s2 + 6, "in[%d].tcp.seq+6" % n,
        "RFC 9293 3.10.7.1: SEG.LEN counts the SYN and the 5 data bytes: ACK = SEG.SEQ+6")
    v.send(0.040, tcp_in(s3, 0, "R", dport=CLOSED),
           "10.0.0.1:40000 > 10.0.0.2:9999 [R] seq %d  -> discarded, no answer" % s3)
    n = v.send(0.050, tcp_in(s3, 0x33333333, "SA", dport=CLOSED, options=mss_option(1460)),
               "10.0.0.1:40000 > 10.0.0.2:9999 [SA] seq %d ack 0x33333333 (a SYN-ACK for a SYN "
               "the stack never sent)" % s3)
    rst(0.050, n, "R", 0x33333333, 0, "",
        "RFC 9293 3.10.7.1: ACK bit on: <SEQ=SEG.ACK><CTL=RST>; the IP ID right after the "
        "previous RST's (one counter for TCP to 10.0.0.1): nothing was sent for the RST at 0.040")
    n = v.send(0.060, echo_request(seq=1), "echo request seq 1 (the control)")
    expect_echo_reply(v, 0.060, n, v.take_k(),
                      why="the control: answered, the first datagram of the ICMP counter (the 4 "
                      "RSTs went through the TCP one)")
    v.total("one RST per segment that is not a RST, then the control's echo reply")
    return v


def tcp_data_both_ways():
    v = Vector("tcp-data-both-ways",
               "on an echo connection whose peer ISN lies just below 2^32 (its data wraps the "
               "sequence space), three data segments come back as three echoes, each carrying the "
               "ACK of the data it answers; the peer's pure ACKs get no answer; the window shrinks "
               "by what was read (the right edge stays put while it could move by < 1460 only)",
               "RFC 862 (echo); RFC 9293 3.4 (sequence numbers modulo 2^32), 3.10.7.4 seventh "
               "(ACK piggybacked on data), 3.8.6.2.2 / RFC 1122 4.2.3.3 (receiver SWS avoidance)")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0xFFFFFF00, sport=40001)
    c.open(0.010, ack_t=0.020)
    d1, d2, d3 = pattern(100), pattern(300, 100), pattern(50, 400)
    n = c.peer(0.030, "PA", 1, 1, d1, note="(100 bytes)")
    c.rcv(100)
    echo_of(c, 0.030, n, d1, "in[%d].tcp.data" % n)
    c.peer(0.040, "A", 101, 101, note="(ACKs the echo)  -> no answer")
    n = c.peer(0.050, "PA", 101, 101, d2,
               note="(300 bytes from sequence 0xffffff65: the sequence space wraps inside)")
    c.rcv(300)
    echo_of(c, 0.050, n, d2, "in[%d].tcp.data" % n,
            "; ACK = 0xffffff00 + 401 mod 2^32 = 0x91 (RFC 9293 3.4)")
    n = c.peer(0.060, "PA", 401, 401, d3, note="(50 bytes, and the ACK of the second echo)")
    c.rcv(50)
    echo_of(c, 0.060, n, d3, "in[%d].tcp.data" % n)
    c.peer(0.070, "A", 451, 451, note="(ACKs everything)  -> no answer")
    expect_end_fin(v, c, 0.070 + DRAIN_S)
    v.total("the SYN-ACK, one echo per data segment (carrying the ACK: no separate ACKs, no "
            "delayed ACK), the FIN at the end of the replay; no retransmission (all ACKed)")
    return v


def tcp_delayed_ack():
    v = Vector("tcp-delayed-ack",
               "on the discard port (nothing is sent back), a lone data segment is ACKed 40 ms "
               "later by the delayed-ACK timer; of two segments 10 ms apart the second is ACKed "
               "at once (and the timer armed by the first sends nothing more)",
               "RFC 9293 3.8.6.3 / RFC 1122 4.2.3.2 (delayed ACK SHOULD, < 0.5 s MUST; an ACK for "
               "at least every second full-sized segment); RFC 5681 4.2; RFC 863 (discard); "
               "40 ms and 'every second segment, whatever its size' are the stack's configuration")
    hello(v)
    c = Conn(v, dport=DISCARD, irs=0x22220000, sport=40002)
    c.open(0.010, ack_t=0.020)
    c.peer(0.030, "PA", 1, 1, b"discard me", note="(10 bytes)")
    c.rcv(10)
    c.stack(0.030 + TCP_DELACK_S, "A",
            why="RFC 1122 4.2.3.2: the lone segment's ACK is delayed, by the stack's 40 ms "
            "(< 0.5 s MUST): <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; window: the discard server read "
            "the 10 bytes, right edge held (RFC 1122 4.2.3.3)")
    c.peer(0.200, "PA", 11, 1, b"and me too", note="(10 bytes: the delayed-ACK timer starts)")
    c.rcv(10)
    c.peer(0.210, "PA", 21, 1, b"and me 3rd", note="(10 bytes, the second unacknowledged "
           "segment)")
    c.rcv(10)
    c.stack(0.210, "A",
            why="RFC 5681 4.2 / RFC 1122 4.2.3.2: the second unacknowledged segment is ACKed at "
            "once (the stack counts segments of any size); ACK = RCV.NXT covers both; no ACK at "
            "0.240 follows: the timer has nothing left to acknowledge")
    expect_end_fin(v, c, 0.210 + DRAIN_S)
    v.total("the SYN-ACK, the delayed ACK at +40 ms, the immediate ACK of the second segment, "
            "the FIN at the end; nothing at 0.240")
    return v


def tcp_out_of_order():
    v = Vector("tcp-out-of-order",
               "on an echo connection, bytes 200-299 then 100-199 arrive before 0-99: each "
               "out-of-order segment gets an immediate duplicate ACK (ACK = RCV.NXT); the segment "
               "that fills the gap gets an immediate ACK of all 300 bytes, and the echo of the 300 "
               "bytes in order follows",
               "RFC 9293 3.10.7.4 seventh (segments beyond RCV.NXT are held, RCV.NXT moves over "
               "in-order data only); RFC 5681 4.2 (SHOULD ACK an out-of-order segment at once; "
               "SHOULD ACK at once a segment that fills a gap); RFC 862")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x30000000, sport=40003)
    c.open(0.010, ack_t=0.020)
    a, b, cc = pattern(100), pattern(100, 100), pattern(100, 200)
    c.peer(0.030, "PA", 201, 1, cc, note="(bytes 200-299: 200 bytes are missing before it)")
    c.stack(0.030, "A", why="RFC 5681 4.2: an out-of-order segment is ACKed at once with the "
            "ACK of what is in order, ACK = RCV.NXT = IRS+1 (a duplicate ACK); the window is "
            "unchanged (RFC 9293 3.8.6: RCV.NXT did not move)")
    c.peer(0.040, "PA", 101, 1, b, note="(bytes 100-199: still a gap before it)")
    c.stack(0.040, "A", why="RFC 5681 4.2: again out of order: a second duplicate ACK, "
            "ACK = RCV.NXT = IRS+1")
    n = c.peer(0.050, "PA", 1, 1, a, note="(bytes 0-99: fills the gap)")
    c.rcv(300, unread=300)
    c.stack(0.050, "A", why="RFC 5681 4.2: the segment fills the gap: an immediate ACK, "
            "ACK = RCV.NXT = IRS+301 (the held segments are taken in, RFC 9293 3.10.7.4); sent "
            "before the echo server runs: the 300 bytes are still unread, window 65535 - 300")
    c.rcv(0)
    echo_of(c, 0.050, n, a + b + cc, "hex:" + (a + b + cc).hex(),
            "; the 300 bytes in sequence order (not in arrival order), one segment")
    c.peer(0.060, "A", 301, 301, note="(ACKs the echo)  -> no answer")
    expect_end_fin(v, c, 0.060 + DRAIN_S)
    v.total("the SYN-ACK, two duplicate ACKs, the ACK of the filled gap, one echo of all 300 "
            "bytes, the FIN at the end")
    return v


def tcp_duplicate():
    v = Vector("tcp-duplicate",
               "on an echo connection, a retransmission of data already received is not "
               "delivered again: an entirely old segment gets an immediate ACK (and no echo); a "
               "segment half old, half new is trimmed and only its 50 new bytes are echoed",
               "RFC 9293 3.10.7.4 first (a segment outside the window is not acceptable: "
               "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop) and seventh (only data from RCV.NXT "
               "on is taken: the old part is trimmed, 3.3 / 3.4); RFC 862")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x40000000, sport=40004)
    c.open(0.010, ack_t=0.020)
    a = pattern(100)
    n = c.peer(0.030, "PA", 1, 1, a, note="(100 bytes)")
    c.rcv(100)
    echo_of(c, 0.030, n, a, "in[%d].tcp.data" % n)
    c.peer(0.040, "PA", 1, 101, a, note="(the same 100 bytes again: the peer retransmits)")
    c.stack(0.040, "A", why="RFC 9293 3.10.7.4 first: SEG.SEQ+SEG.LEN-1 < RCV.NXT, the segment "
            "is not acceptable: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> at once, and it is dropped "
            "(the echo server sees nothing: no second echo)")
    ab = pattern(100, 50)
    n = c.peer(0.050, "PA", 51, 101, ab, note="(bytes 50-149: 50 old, 50 new)")
    c.rcv(50)
    echo_of(c, 0.050, n, ab[50:], "in[%d].tcp.data[50:100]" % n,
            "; only bytes 100-149: the 50 before RCV.NXT are trimmed (RFC 9293 3.10.7.4: the "
            "acceptable part of the segment), ACK = IRS+151")
    c.peer(0.060, "A", 151, 151, note="(ACKs everything)  -> no answer")
    expect_end_fin(v, c, 0.060 + DRAIN_S)
    v.total("the SYN-ACK, the echo, the ACK for the duplicate, the echo of the 50 new bytes, "
            "the FIN at the end")
    return v


def tcp_retransmit():
    v = Vector("tcp-retransmit",
               "the peer does not ACK the echo: the stack sends the same segment again 1 s "
               "later (the initial RTO) and again 2 s after that (backed off); the peer's ACK "
               "then stops the timer (no third retransmission at +4 s)",
               "RFC 6298 2.1 (RTO 1 s until a first RTT sample), 5.1, 5.4 (retransmit the "
               "earliest unacknowledged segment), 5.5 (RTO <- 2 * RTO), 5.2 (all acknowledged: "
               "stop the timer); RFC 9293 3.8.1")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x50000000, sport=40005)
    c.open(0.010, ack_t=0.020)
    d = pattern(64)
    n = c.peer(0.030, "PA", 1, 1, d, note="(64 bytes; the peer will not ACK the echo)")
    c.rcv(64)
    echo_of(c, 0.030, n, d, "in[%d].tcp.data" % n,
            "; RFC 6298 5.1: the retransmission timer starts, RTO = 1 s (no RTT sample yet, 2.1)")
    t1 = 0.030 + TCP_RTO_INIT_S
    c.stack(t1, "PA", 1, data=d, data_ref="in[%d].tcp.data" % n,
            why="RFC 6298 5.4: the timer expired (1 s after the segment, the initial RTO of 2.1): "
            "the earliest unacknowledged segment again, the same bytes, SEQ, ACK and window (only "
            "the IP ID is new); 5.5: RTO becomes 2 s")
    t2 = t1 + 2 * TCP_RTO_INIT_S
    c.stack(t2, "PA", 1, data=d, data_ref="in[%d].tcp.data" % n,
            why="RFC 6298 5.5/5.6: the backed-off timer (2 s) expired: the same segment again; "
            "RTO becomes 4 s")
    c.peer(3.500, "A", 65, 65, note="(the peer finally ACKs the echo)")
    expect_end_fin(v, c, 3.500 + DRAIN_S,
                   "; nothing at 7.030000 (the 4 s timer): the ACK at 3.5 stopped it (RFC 6298 "
                   "5.2)")
    v.total("the SYN-ACK, the echo, 2 retransmissions (+1 s, +2 s later), the FIN at the end")
    return v


def tcp_zero_window_probe():
    v = Vector("tcp-zero-window-probe",
               "the peer sends data with a zero window: the stack ACKs it (delayed ACK), holds "
               "the echo and probes the closed window with one byte 1 s, then 2 s, then 4 s "
               "apart, each refused and answered by the peer; when the window opens the whole "
               "echo goes out",
               "RFC 9293 3.8.6.1 (zero window probing: send a byte of new data, with the "
               "retransmission timer's backoff) / RFC 1122 4.2.2.17 (MUST probe; SHOULD wait an "
               "RTO, SHOULD back off exponentially); RFC 6298 5.5")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x60000000, sport=40006)
    c.open(0.010, ack_t=0.020)
    d = pattern(20)
    n = c.peer(0.030, "PA", 1, 1, d, win=0, note="(20 bytes, and window 0: the peer can take "
               "nothing more)")
    c.rcv(20)
    c.stack(0.030 + TCP_DELACK_S, "A",
            why="the echo cannot go out (the send window is 0), so no segment carries the ACK: "
            "the delayed-ACK timer sends it 40 ms later (RFC 1122 4.2.3.2); the server read the "
            "20 bytes: window 65535 - 20, right edge held (RFC 1122 4.2.3.3)")
    probe_why = ("RFC 9293 3.8.6.1 / RFC 1122 4.2.2.17: a zero-window probe: one octet of new "
                 "data (the echo's first byte), SEQ = SND.UNA, %s")
    psh_why = ("; PSH %s: not required, 19 bytes stay queued (RFC 1122 4.2.2.2 / RFC 9293 3.9.1 "
               "require it only on the segment that empties the send queue): the stack's first "
               "probe carries no PSH, the later ones (sent by its retransmission path) do")
    t = 0.030
    for i, gap in enumerate((1, 2, 4)):
        t += gap * TCP_RTO_INIT_S
        c.stack(t, "A" if i == 0 else "PA", 1, data=d[:1], data_ref="in[%d].tcp.data[0:1]" % n,
                why=probe_why % ("the first one RTO (1 s) after the window closed" if i == 0 else
                                 "%d s after the previous probe (backed off, RFC 6298 5.5)" % gap)
                + psh_why % ("off" if i == 0 else "on"))
        c.peer(t + 0.001, "A", 21, 1, win=0, note="(answers the probe: still window 0, the byte "
               "is not taken: ACK = ISS+1)")
    n2 = c.peer(7.500, "A", 21, 1, win=PEER_WIN, note="(window update: the peer opens its "
                "window)")
    c.stack(7.500, "PA", 1, data=d, data_ref="in[%d].tcp.data" % n,
            why="RFC 9293 3.8.6: the window is open again (the peer's update in in[%d]): the echo "
            "goes out, all 20 bytes from SND.UNA (the refused probe byte included)" % n2)
    c.peer(7.510, "A", 21, 21, note="(ACKs the echo)")
    expect_end_fin(v, c, 7.510 + DRAIN_S)
    v.total("the SYN-ACK, the delayed ACK, 3 probes (1, 2, 4 s apart; the peer's answers to "
            "them are not answered), the echo once the window opens, the FIN at the end")
    return v


def tcp_fin_from_peer():
    v = Vector("tcp-fin-from-peer",
               "passive close: the peer's FIN (with the ACK of the echo) is ACKed at once, the "
               "echo server then closes, so the stack's FIN follows (CLOSE-WAIT -> LAST-ACK); "
               "the peer's ACK of it ends the connection with no TIME-WAIT: a later segment on "
               "the same ports is answered with a RST",
               "RFC 9293 3.6 (case 2: the remote closes first), 3.10.7.4 eighth (FIN: "
               "RCV.NXT+1, ACK it, ESTABLISHED -> CLOSE-WAIT), 3.10.4 (CLOSE in CLOSE-WAIT: FIN, "
               "LAST-ACK), 3.10.7.4 fifth (LAST-ACK: our FIN acknowledged -> CLOSED), "
               "3.10.7.2 (LISTEN: an ACK gets <SEQ=SEG.ACK><CTL=RST>)")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x70000000, sport=40007)
    c.open(0.010, ack_t=0.020)
    d = b"bye bye, echo"
    n = c.peer(0.030, "PA", 1, 1, d, note="(13 bytes)")
    c.rcv(len(d))
    echo_of(c, 0.030, n, d, "in[%d].tcp.data" % n)
    c.peer(0.040, "FA", 14, 14, note="(the peer closes: FIN, with the ACK of the echo)")
    c.rcv(1)
    c.stack(0.040, "A", why="RFC 9293 3.10.7.4 eighth: the FIN advances RCV.NXT by one and is "
            "acknowledged, ACK = IRS+15; sent at once (the stack ACKs a FIN without delay), "
            "before the echo server has seen the end of the stream; ESTABLISHED -> CLOSE-WAIT")
    c.stack(0.040, "FA", why="the echo server reads the end of the stream and closes (apps/"
            "stream.c): RFC 9293 3.10.4 CLOSE in CLOSE-WAIT: <SEQ=SND.NXT><CTL=FIN,ACK>, "
            "CLOSE-WAIT -> LAST-ACK")
    n = c.peer(0.050, "A", 15, 15, note="(ACKs the stack's FIN: LAST-ACK -> CLOSED, the TCB is "
               "deleted)  -> no answer")
    n = c.peer(0.060, "A", 15, 15, note="(a stray ACK on the same ports, after the close)")
    expect_tcp(v, 0.060, v.take_k(), ECHO, c.sport, (c.iss + 15) & 0xFFFFFFFF, 0, "R", 0,
               seq_ref="in[%d].tcp.ack" % n, ack_ref="",
               why="the connection is gone (the passive closer has no TIME-WAIT, RFC 9293 3.6): "
               "the segment meets the echo port's listener, RFC 9293 3.10.7.2 LISTEN: an ACK "
               "gets <SEQ=SEG.ACK><CTL=RST>")
    v.total("the SYN-ACK, the echo, the ACK of the FIN, the stack's FIN, the RST for the stray "
            "segment; no FIN retransmission (it was ACKed) and nothing at the end of the replay "
            "(the connection is closed)")
    return v


def tcp_rst_in_window():
    v = Vector("tcp-rst-in-window",
               "a RST whose sequence number is inside the window but not RCV.NXT does not reset "
               "the connection: it gets a challenge ACK, and the connection goes on (the next "
               "data is echoed)",
               "RFC 5961 3.2 (RST in the window, SEQ != RCV.NXT: MUST send a challenge ACK "
               "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and drop the segment); RFC 9293 3.10.7.4 "
               "second")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x80000000, sport=40008)
    c.open(0.010, ack_t=0.020)
    c.peer(0.030, "R", 1001, note="(RST, SEG.SEQ = RCV.NXT + 1000: in the window, not exact)")
    c.stack(0.030, "A", why="RFC 5961 3.2 case 3: challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT>"
            "<CTL=ACK>; the connection stays ESTABLISHED")
    d = b"still there?"
    n = c.peer(0.040, "PA", 1, 1, d, note="(12 bytes)")
    c.rcv(len(d))
    echo_of(c, 0.040, n, d, "in[%d].tcp.data" % n, "; the connection survived the RST")
    c.peer(0.050, "A", 13, 13, note="(ACKs the echo)")
    expect_end_fin(v, c, 0.050 + DRAIN_S)
    v.total("the SYN-ACK, the challenge ACK, the echo, the FIN at the end")
    return v


def tcp_rst_out_of_window():
    v = Vector("tcp-rst-out-of-window",
               "RSTs whose sequence number lies outside the window (beyond it, and before "
               "RCV.NXT) are dropped without an answer; the connection goes on, and the echo "
               "that follows takes the IP ID right after the SYN-ACK's",
               "RFC 5961 3.2 case 1 (RST outside the window: silently drop); RFC 9293 3.10.7.4 "
               "first ('not acceptable ... unless the RST bit is set, if so drop the segment "
               "and return')")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0x90000000, sport=40009)
    c.open(0.010, ack_t=0.020)
    c.peer(0.030, "R", 1 + 70000, note="(RST, SEG.SEQ = RCV.NXT + 70000: beyond the 65535 "
           "window)  -> dropped")
    c.peer(0.035, "R", 1 - 1000, note="(RST, SEG.SEQ = RCV.NXT - 1000)  -> dropped")
    d = b"are you alive"
    n = c.peer(0.040, "PA", 1, 1, d, note="(13 bytes)")
    c.rcv(len(d))
    echo_of(c, 0.040, n, d, "in[%d].tcp.data" % n,
            "; the second datagram through its IP ID counter: nothing was sent for the two RSTs")
    c.peer(0.050, "A", 14, 14, note="(ACKs the echo)")
    expect_end_fin(v, c, 0.050 + DRAIN_S)
    v.total("the SYN-ACK, the echo, the FIN at the end; nothing for the RSTs")
    return v


def tcp_rst_exact():
    v = Vector("tcp-rst-exact",
               "a RST with SEQ = RCV.NXT resets the connection without an answer; the TCB is "
               "gone: the peer's next data segment on the same ports gets a RST with SEQ = "
               "SEG.ACK (and no echo)",
               "RFC 5961 3.2 case 2 / RFC 9293 3.10.7.4 second (exact RST: reset, enter CLOSED, "
               "delete the TCB); RFC 9293 3.10.7.2 (LISTEN: an ACK gets <SEQ=SEG.ACK><CTL=RST>)")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0xA0000000, sport=40010)
    c.open(0.010, ack_t=0.020)
    d = b"0123456789"
    n = c.peer(0.030, "PA", 1, 1, d, note="(10 bytes)")
    c.rcv(len(d))
    echo_of(c, 0.030, n, d, "in[%d].tcp.data" % n)
    c.peer(0.040, "A", 11, 11, note="(ACKs the echo)")
    c.peer(0.050, "R", 11, note="(RST, SEG.SEQ = RCV.NXT exactly)  -> the connection is reset, "
           "no answer")
    n = c.peer(0.060, "PA", 11, 11, b"anyone?", note="(7 bytes on the reset connection)")
    expect_tcp(v, 0.060, v.take_k(), ECHO, c.sport, (c.iss + 11) & 0xFFFFFFFF, 0, "R", 0,
               seq_ref="in[%d].tcp.ack" % n, ack_ref="",
               why="no connection any more: the echo port's listener answers, RFC 9293 3.10.7.2 "
               "LISTEN: an ACK gets <SEQ=SEG.ACK><CTL=RST>; the data is not echoed; the IP ID "
               "follows the echo's: nothing was sent for the exact RST")
    v.total("the SYN-ACK, the echo, the RST for the segment after the reset; nothing for the "
            "exact RST, and nothing at the end of the replay (no connection to close)")
    return v


def tcp_syn_in_window():
    v = Vector("tcp-syn-in-window",
               "a SYN on an established connection does not reset it: with its sequence number "
               "in the window it gets a challenge ACK, with an old one (a duplicate of the "
               "opening SYN) an ACK of the same form; the connection goes on",
               "RFC 5961 4.2 / RFC 9293 3.10.7.4 fourth (SYN in a synchronized state, whatever "
               "its sequence number: MUST send a challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>"
               " and drop it); RFC 9293 3.10.7.4 first (an unacceptable segment gets the same "
               "ACK)")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0xB0000000, sport=40011)
    c.open(0.010, ack_t=0.020)
    c.peer(0.030, "S", 501, options=mss_option(1460),
           note="(SYN with SEG.SEQ = RCV.NXT + 500: in the window)")
    c.stack(0.030, "A", why="RFC 5961 4.2: challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, "
            "the SYN is dropped, the connection stays")
    c.peer(0.040, "S", 0, options=mss_option(1460),
           note="(the opening SYN again, SEG.SEQ = IRS: before the window)")
    c.stack(0.040, "A", why="RFC 9293 3.10.7.4 first (not acceptable: <SEQ=SND.NXT><ACK=RCV.NXT>"
            "<CTL=ACK>) and fourth (a SYN: challenge ACK): the same segment either way")
    d = b"still here"
    n = c.peer(0.050, "PA", 1, 1, d, note="(10 bytes)")
    c.rcv(len(d))
    echo_of(c, 0.050, n, d, "in[%d].tcp.data" % n, "; the connection survived both SYNs")
    c.peer(0.060, "A", 11, 11, note="(ACKs the echo)")
    expect_end_fin(v, c, 0.060 + DRAIN_S)
    v.total("the SYN-ACK, two challenge ACKs, the echo, the FIN at the end; no RST and no second "
            "SYN-ACK")
    return v


def tcp_mss_default():
    v = Vector("tcp-mss-default",
               "a SYN without an MSS option limits the stack's segments to 536 bytes: 1000 "
               "bytes are echoed as 536, then (Nagle: a short segment waits for the ACK of what "
               "is in flight) 464 once the first is ACKed; the SYN-ACK still offers MSS 1460",
               "RFC 9293 3.7.1 / RFC 1122 4.2.2.6 (no MSS option: send at most 536); RFC 9293 "
               "3.7.4 / RFC 1122 4.2.3.4 (Nagle: SHOULD); RFC 862")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0xC0000000, sport=40012)
    c.open(0.010, ack_t=0.020, mss=None)
    d = pattern(1000)
    n = c.peer(0.030, "PA", 1, 1, d, note="(1000 bytes)")
    c.rcv(1000)
    echo_of(c, 0.030, n, d[:TCP_DEFAULT_MSS], "in[%d].tcp.data[0:%d]" % (n, TCP_DEFAULT_MSS),
            "; only the first 536 bytes: the peer sent no MSS option, so its MSS is 536 "
            "(RFC 9293 3.7.1); the other 464 wait (Nagle, RFC 9293 3.7.4: less than an MSS while "
            "data is unacknowledged)")
    c.peer(0.040, "A", 1001, 1 + TCP_DEFAULT_MSS, note="(ACKs the first 536 bytes)")
    c.stack(0.040, "PA", data=d[TCP_DEFAULT_MSS:], data_ref="in[%d].tcp.data[%d:1000]"
            % (n, TCP_DEFAULT_MSS),
            why="Nagle (RFC 9293 3.7.4): nothing is in flight any more: the held 464 bytes go "
            "out, SEQ = ISS+537")
    c.peer(0.050, "A", 1001, 1001, note="(ACKs the echo)")
    expect_end_fin(v, c, 0.050 + DRAIN_S)
    v.total("the SYN-ACK, the echo in two segments of 536 and 464 bytes, the FIN at the end")
    return v


def tcp_sack_permitted():
    v = Vector("tcp-sack-permitted",
               "a SYN with MSS 1460 and SACK-permitted (after NOP,NOP, as Linux sends it) gets a "
               "SYN-ACK with the options 02 04 05 b4 01 01 04 02 (MSS 1460, NOP, NOP, "
               "SACK-permitted); data in order is echoed with no SACK option (nothing to report); "
               "tcp-handshake shows the SYN-ACK without SACK-permitted for a SYN without it",
               "RFC 2018 2 (SACK-permitted on the SYN and the SYN-ACK, never later), 4 (SACK "
               "blocks only while data is missing); RFC 9293 3.7.1 (MSS), 3.10.7.2")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0xD0000000, sport=40013)
    c.open(0.010, ack_t=0.020, sack=True)
    d = b"sack me if you can"
    n = c.peer(0.030, "PA", 1, 1, d, note="(18 bytes, in order)")
    c.rcv(len(d))
    echo_of(c, 0.030, n, d, "in[%d].tcp.data" % n,
            "; no options (dataofs 5): RFC 2018 2 allows SACK-permitted on SYNs only, and there "
            "is no out-of-order data for a SACK option to report (RFC 2018 4)")
    c.peer(0.040, "A", 19, 19, note="(ACKs the echo)")
    expect_end_fin(v, c, 0.040 + DRAIN_S, "; no options")
    v.total("the SYN-ACK with SACK-permitted, the echo, the FIN at the end; no option but on the "
            "SYN-ACK")
    return v


def tcp_sack_blocks():
    v = Vector("tcp-sack-blocks",
               "on a SACK connection to the discard port, 100-byte segments 2, 4, 6, 8, 10 arrive "
               "before 0: each gets an immediate ACK (ACK = RCV.NXT) whose SACK blocks start with "
               "the block of the segment that arrived, then the others most recent first, at most "
               "4 (the oldest drops out); segment 3 merges 2-4 into one block; segments that "
               "fill (part of) the gap get an immediate ACK, with the blocks still held and no "
               "SACK option once everything is in order; the peer's sequence numbers wrap 2^32 "
               "inside a block",
               "RFC 2018 3 (block edges), 4 (SHOULD SACK while data is held; the first block MUST "
               "hold the arriving segment unless it advanced the ACK; then the most recently "
               "reported blocks; 4 blocks in 40 bytes); RFC 5681 4.2 (immediate ACK out of order "
               "and for a segment filling a gap); RFC 9293 3.4 (modulo 2^32)")
    hello(v)
    # The peer's ISN 0x300 below 2^32: stream byte 767 (IRS+768, in segment 7) is sequence 0.
    c = Conn(v, dport=DISCARD, irs=0xFFFFFD00, sport=40014)
    c.open(0.010, ack_t=0.020, sack=True)

    def seg(i):
        """Segment i: stream bytes 100*i .. 100*i+99, sequence IRS+1+100*i."""
        return (1 + 100 * i, 101 + 100 * i)

    def send(t, i, note):
        a, b = seg(i)
        return c.peer(t, "PA", a, 1, pattern(100, 100 * i), note="(segment %d, bytes %d-%d: %s)"
                      % (i, a - 1, b - 2, note))

    ooo = ("RFC 5681 4.2: out of order, an immediate duplicate ACK (ACK = RCV.NXT = IRS+%d); "
           "RFC 2018 4: ")
    t = 0.030
    send(t, 2, "bytes 0-199 missing")
    c.stack(t, "A", why=ooo % 1 + "the first block is the block holding the segment that "
            "arrived", sack=[seg(2)])
    t = 0.040
    send(t, 4, "another gap")
    c.stack(t, "A", why=ooo % 1 + "the block of the arriving segment first, then the block "
            "reported before", sack=[seg(4), seg(2)])
    t = 0.050
    send(t, 6, "a third block")
    c.stack(t, "A", why=ooo % 1 + "most recent first", sack=[seg(6), seg(4), seg(2)])
    t = 0.060
    send(t, 8, "a fourth block, past 2^32")
    c.stack(t, "A", why=ooo % 1 + "most recent first; segment 8's block lies past 2^32: "
            "IRS+801-IRS+901 = 0x%08x-0x%08x (RFC 9293 3.4)"
            % ((c.irs + 801) & 0xFFFFFFFF, (c.irs + 901) & 0xFFFFFFFF),
            sack=[seg(8), seg(6), seg(4), seg(2)])
    t = 0.070
    send(t, 10, "a fifth block")
    c.stack(t, "A", why=ooo % 1 + "4 blocks fill the 40 bytes of options (RFC 2018 3: 8n+2 "
            "bytes, n <= 4): the 4 most recently reported, the oldest (segment 2) is left out "
            "(it is still held)", sack=[seg(10), seg(8), seg(6), seg(4)])
    t = 0.080
    send(t, 3, "joins segments 2 and 4")
    c.stack(t, "A", why=ooo % 1 + "segments 2, 3 and 4 are one contiguous block now, reported "
            "first (the arriving segment's block); the blocks it swallowed are not repeated "
            "(they are subsets), then the others most recent first",
            sack=[(seg(2)[0], seg(4)[1]), seg(10), seg(8), seg(6)])
    t = 0.090
    send(t, 0, "in order: RCV.NXT moves to segment 1, still missing")
    c.rcv(100, unread=100)
    c.stack(t, "A", why="RFC 5681 4.2: the segment fills part of the gap: an immediate ACK, "
            "ACK = RCV.NXT = IRS+101 (before the discard server reads it: window 65535 - 100, "
            "right edge held, RFC 1122 4.2.3.3); RFC 2018 4: it advanced the ACK, so no block "
            "has to hold it; the 4 blocks held are reported, most recently reported first",
            sack=[(seg(2)[0], seg(4)[1]), seg(10), seg(8), seg(6)])
    c.rcv(0)
    t = 0.100
    send(t, 1, "fills the first gap")
    c.rcv(400, unread=400)
    c.stack(t, "A", why="RFC 5681 4.2: a gap filled: an immediate ACK of segments 0-4, "
            "ACK = RCV.NXT = IRS+501; RFC 2018 4: SACK goes on while data is held: the 3 blocks "
            "left, most recently reported first", sack=[seg(10), seg(8), seg(6)])
    c.rcv(0)
    t = 0.110
    send(t, 7, "joins segments 6 and 8; its byte 767 is sequence number 0")
    c.stack(t, "A", why=ooo % 501 + "segments 6-8 are one block now (it spans the wrap of "
            "2^32: IRS+601 = 0x%08x to IRS+901 = 0x%08x), first; then segment 10"
            % ((c.irs + 601) & 0xFFFFFFFF, (c.irs + 901) & 0xFFFFFFFF),
            sack=[(seg(6)[0], seg(8)[1]), seg(10)])
    t = 0.120
    send(t, 5, "fills the second gap")
    c.rcv(400, unread=400)
    c.stack(t, "A", why="RFC 5681 4.2: a gap filled: an immediate ACK, ACK = RCV.NXT = IRS+901 "
            "(in sequence space 0x%08x: past 2^32); RFC 2018 4: segment 10 is still held, its "
            "block is reported" % ((c.irs + 901) & 0xFFFFFFFF), sack=[seg(10)])
    c.rcv(0)
    t = 0.130
    send(t, 9, "fills the last gap")
    c.rcv(200, unread=200)
    c.stack(t, "A", why="RFC 5681 4.2: the last gap filled: an immediate ACK of everything, "
            "ACK = RCV.NXT = IRS+1101; no SACK option (dataofs 5): nothing out of order is held "
            "(RFC 2018 4: SACK 'SHOULD be included in all ACKs which do not ACK the highest "
            "sequence number in the data receiver's queue': this one does)")
    c.rcv(0)
    t = 0.200
    send(t, 11, "in order, after everything")
    c.rcv(100)
    c.stack(t + TCP_DELACK_S, "A",
            why="in order again: the lone segment's ACK is delayed by the stack's 40 ms (RFC "
            "1122 4.2.3.2); no SACK option: nothing is held")
    expect_end_fin(v, c, 0.200 + DRAIN_S, "; no SACK option")
    v.total("the SYN-ACK, one immediate ACK per out-of-order or gap-filling segment (11), the "
            "delayed ACK of the last segment, the FIN at the end; the discard server sends no "
            "data")
    return v


def tcp_dsack():
    v = Vector("tcp-dsack",
               "on a SACK connection to the discard port, a duplicate of data already ACKed gets "
               "an immediate ACK whose only block is the duplicate range (a D-SACK); the next ACK "
               "does not repeat it; a segment half old, half new gets a D-SACK of its old half "
               "before the blocks held; a duplicate of an out-of-order segment gets the D-SACK "
               "block first, then the larger block that holds it, then the other blocks",
               "RFC 2883 4 (the first block reports the duplicate, at most once; the second the "
               "block holding it, if above the ACK), 4.1.1 (example 1: a duplicate below the ACK), "
               "4.1.3 (example 3: a duplicate of out-of-order data), 4.1.4 (example 4: a duplicate "
               "subsegment); RFC 2018 4; RFC 9293 3.10.7.4 first (an "
               "old segment gets <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>); RFC 5681 4.2")
    hello(v)
    c = Conn(v, dport=DISCARD, irs=0xE0000000, sport=40015)
    c.open(0.010, ack_t=0.020, sack=True)

    def seg(a, b, t, note):
        return c.peer(t, "PA", a, 1, pattern(b - a, a - 1),
                      note="(bytes %d-%d: %s)" % (a - 1, b - 2, note))

    seg(1, 101, 0.030, "in order")
    c.rcv(100)
    c.stack(0.030 + TCP_DELACK_S, "A",
            why="a lone segment in order: the delayed ACK, 40 ms later (RFC 1122 4.2.3.2, the "
            "stack's 40 ms); no SACK option (nothing held, no duplicate)")
    seg(1, 101, 0.100, "the same bytes again: the peer did not see the ACK")
    c.stack(0.100, "A", why="RFC 9293 3.10.7.4 first: all old, not acceptable: "
            "<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> at once; RFC 2883 4 / 4.1.1: the first SACK "
            "block reports the duplicate, IRS+1-IRS+101, below the ACK (that is how the sender "
            "tells a D-SACK), and it is the only block (nothing is held out of order); as in its "
            "example 1",
            sack=[(1, 101)])
    seg(201, 301, 0.110, "out of order: bytes 100-199 missing")
    c.stack(0.110, "A", why="RFC 5681 4.2 / RFC 2018 4: an immediate duplicate ACK with the "
            "block of the arriving segment; no D-SACK: RFC 2883 4, each duplicate is reported "
            "in one D-SACK block only", sack=[(201, 301)])
    seg(51, 151, 0.120, "50 old bytes, then 50 new ones at RCV.NXT")
    c.rcv(50, unread=50)
    c.stack(0.120, "A", why="RFC 9293 3.10.7.4: acceptable, the old half trimmed, RCV.NXT = "
            "IRS+151; RFC 5681 4.2: it fills part of the gap, an immediate ACK (before the "
            "discard server reads the 50 bytes); RFC 2883 4 / 4.1.4 (example 4): the first block "
            "is the duplicate subsegment only, IRS+51-IRS+101 (below the ACK), then the block "
            "held (RFC 2018 4)",
            sack=[(51, 101), (201, 301)])
    c.rcv(0)
    seg(301, 401, 0.130, "joins the block held")
    c.stack(0.130, "A", why="RFC 2018 4: out of order, one block IRS+201-IRS+401 now; no D-SACK "
            "(the last one was reported)", sack=[(201, 401)])
    seg(501, 601, 0.140, "out of order, a second block")
    c.stack(0.140, "A", why="RFC 2018 4: the arriving segment's block first, then the other",
            sack=[(501, 601), (201, 401)])
    seg(201, 301, 0.150, "a duplicate of out-of-order data held (in the older block)")
    c.stack(0.150, "A", why="RFC 2883 4 / 4.1.3 (example 3): the first block is the duplicate, "
            "IRS+201-IRS+301 (inside the second block, which is how the sender tells a D-SACK "
            "above the ACK); the second block is the (larger) block held that contains it, "
            "IRS+201-IRS+401, though it is not the one that changed last; then the other block "
            "(RFC 2018 4)", sack=[(201, 301), (201, 401), (501, 601)])
    seg(151, 201, 0.160, "fills the first gap")
    c.rcv(250, unread=250)
    c.stack(0.160, "A", why="RFC 5681 4.2: a gap filled: an immediate ACK, ACK = RCV.NXT = "
            "IRS+401; RFC 2018 4: the block still held; no D-SACK (RFC 2883 4: reported once)",
            sack=[(501, 601)])
    c.rcv(0)
    seg(401, 501, 0.170, "fills the last gap")
    c.rcv(200, unread=200)
    c.stack(0.170, "A", why="RFC 5681 4.2: the last gap filled: an immediate ACK of everything, "
            "ACK = RCV.NXT = IRS+601; no SACK option: nothing held, no duplicate")
    c.rcv(0)
    expect_end_fin(v, c, 0.170 + DRAIN_S)
    v.total("the SYN-ACK, the delayed ACK of the first segment, one immediate ACK for each later "
            "segment (7), the FIN at the end")
    return v


def tcp_sack_rack():
    # RTT 100 ms for every segment: the peer answers each one 100 ms after it was sent.
    rtt = 0.100
    t1, t2, t3 = 0.120, 0.125, 0.130           # the peer's segments, echoed at once
    reo_wnd = rtt / 4                          # RFC 8985 6.2 step 4, see below
    t_lost = t2 + rtt + reo_wnd                # RFC 8985 6.2 step 5
    v = Vector("tcp-sack-rack",
               "on a SACK connection (peer MSS 400), three 400-byte segments echoed 5 ms apart; "
               "the peer ACKs the first and SACKs the third, 100 ms after each was sent: the stack "
               "sends only the second again, when RACK judges it lost, at xmit_ts(2) + RACK.rtt "
               "+ RACK.reo_wnd = 0.125 + 0.100 + 0.100/4 = 0.250 s (the reordering timer), not "
               "at the SACK, not the SACKed third, not after an RTO",
               "RFC 8985 6.2 (steps 1-5: RACK.rtt, min_RTT, reo_wnd = min(reo_wnd_mult * "
               "min_RTT / 4, SRTT), lost when now >= xmit_ts + RACK.rtt + reo_wnd), 6.3 (the "
               "reordering timer); RFC 2018; RFC 6675 / RFC 6937 (recovery sends the lost "
               "segment); RFC 6298 2.2 (SRTT); RFC 5681 3.1 (IW 4 * 400)")
    hello(v)
    c = Conn(v, dport=ECHO, irs=0xF0000000, sport=40016)
    c.open(0.010, ack_t=0.020, mss=400, sack=True)
    ds = [pattern(400, 400 * i) for i in range(3)]
    ns = []
    for i, t in enumerate((t1, t2, t3)):
        n = c.peer(t, "PA", 1 + 400 * i, 1, ds[i], note="(400 bytes, segment %d)" % (i + 1))
        ns.append(n)
        c.rcv(400)
        echo_of(c, t, n, ds[i], "in[%d].tcp.data" % n,
                "; E%d: a full segment for the peer's MSS 400 (RFC 9293 3.7.1), so Nagle does "
                "not hold it; the initial window 4 * 400 (RFC 5681 3.1, SMSS <= 1095) lets all "
                "three go; no SACK option (nothing held); xmit_ts(E%d) = %.3f"
                % (i + 1, i + 1, t))
    c.peer(t1 + rtt, "A", 1201, 401,
           note="(ACKs E1, 100 ms after it was sent: RFC 6298 first sample R = 100 ms, SRTT = "
           "100 ms; RACK: min_RTT = RACK.rtt = 100 ms, RACK.xmit_ts = %.3f)" % t1)
    c.peer(t3 + rtt, "A", 1201, 401, sack=[(801, 1201)],
           note="(a duplicate ACK that SACKs E3, 100 ms after it was sent: RACK.rtt = 100 ms, "
           "RACK.xmit_ts = %.3f; E2, sent at %.3f before it, is missing)" % (t3, t2))
    c.stack(t_lost, "PA", 401, data=ds[1], data_ref="in[%d].tcp.data" % ns[1],
            why="RFC 8985 6.2 step 5: E2 was sent before the most recently sent delivered segment "
            "(E3), so it is lost when now >= xmit_ts(E2) + RACK.rtt + RACK.reo_wnd, with RACK.rtt "
            "= 0.100 (E3: %.3f - %.3f, step 2) and RACK.reo_wnd = min(reo_wnd_mult * min_RTT / "
            "4, SRTT) = min(1 * 0.100 / 4, 0.100) = 0.025 (step 4: no reordering seen, not in "
            "recovery, 1 segment SACKed < DupThresh 3, no D-SACK so reo_wnd_mult = 1; min_RTT = "
            "0.100: the RFC 6298 sample of E1, and every segment's RTT is 0.100, so any min "
            "filter gives it; SRTT = 0.100 by RFC 6298 2.2): %.3f + 0.100 + "
            "0.025 = %.3f; at the SACK (%.3f) that is still ahead, so the reordering timer "
            "(6.3) fires then, and the loss starts recovery, which sends the lost segment first "
            "(RFC 6675 5, PRR RFC 6937: pipe 0 < ssthresh, one segment): the same 400 bytes, "
            "SEQ = ISS+401, ACK = RCV.NXT; E3 (SACKed) is not sent again; an RTO would come "
            "only at %.3f (1 s after the ACK at %.3f, RFC 6298 2.4/5.3)"
            % (t3 + rtt, t3, t2, t_lost, t3 + rtt, t1 + rtt + TCP_RTO_INIT_S, t1 + rtt))
    c.peer(t_lost + rtt, "A", 1201, 1201, note="(ACKs everything: the resent E2 arrived)")
    expect_end_fin(v, c, t_lost + rtt + DRAIN_S,
                   "; nothing between: every segment is acknowledged, no timer is left")
    assert us(t_lost) == 250000
    v.total("the SYN-ACK, the three echoes, the one retransmission of E2 at exactly %.6f, the "
            "FIN at the end; no ACKs of the peer's pure ACKs, no other retransmission, no loss "
            "probe" % t_lost)
    return v


VECTORS = [tcp_handshake, tcp_rst_closed_port, tcp_data_both_ways, tcp_delayed_ack,
           tcp_out_of_order, tcp_duplicate, tcp_retransmit, tcp_zero_window_probe,
           tcp_fin_from_peer, tcp_rst_in_window, tcp_rst_out_of_window, tcp_rst_exact,
           tcp_syn_in_window, tcp_mss_default, tcp_sack_permitted, tcp_sack_blocks, tcp_dsack,
           tcp_sack_rack]

if __name__ == "__main__":
    main(VECTORS)
