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
"""
from veclib import (Vector, main, hello, echo_request, expect_echo_reply, expect_tcp, tcp_in,
                    mss_option, expect_end_fin, Conn, PEER_PORT, PEER_WIN,
                    TCP_RCVBUF, TCP_MSS, TCP_DEFAULT_MSS, TCP_DELACK_S, TCP_RTO_INIT_S, DRAIN_S)

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
        "SEG.LEN = 1 for the SYN; window 0, no options (nothing is offered); first IP ID")
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
        "previous RST's: nothing was sent for the RST at 0.040")
    n = v.send(0.060, echo_request(seq=1), "echo request seq 1 (the control)")
    expect_echo_reply(v, 0.060, n, v.take_k(),
                      why="the control: answered with the next IP ID (4 datagrams before it: "
                      "the 4 RSTs, none for the incoming RST)")
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
            "; the second datagram since the start (ipid(1)): nothing was sent for the two RSTs")
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


VECTORS = [tcp_handshake, tcp_rst_closed_port, tcp_data_both_ways, tcp_delayed_ack,
           tcp_out_of_order, tcp_duplicate, tcp_retransmit, tcp_zero_window_probe,
           tcp_fin_from_peer, tcp_rst_in_window, tcp_rst_out_of_window, tcp_rst_exact,
           tcp_syn_in_window, tcp_mss_default]

if __name__ == "__main__":
    main(VECTORS)
