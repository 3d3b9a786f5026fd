/*
 * test_tcp.c - TCP (RFC 9293, 6298, 5961) on the virtual clock, driven from the
 * wire side through cap0 and from the application side through tcp_*.
 *
 * The peer is 10.0.0.1 (ut_mac_gw). Segments are built and taken apart here
 * byte by byte with the tests' own checksum, never with the stack's code.
 */
#include "helpers.h"
#include "tcp_peer.h"

#include "../../stack/tcp_var.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../drivers/capture.h"
#include "../../stack/socket.h"

#include <string.h>

/* RFC 9293 3.4: sequence comparisons work across 2^32. */
START_TEST(test_tcp_seq_wraparound)
{
    ck_assert(seq_lt(0xfffffff0u, 0x10u));
    ck_assert(seq_gt(0x10u, 0xfffffff0u));
    ck_assert(seq_leq(5u, 5u));
    ck_assert(seq_geq(0u, 0xffffffffu));
    ck_assert(!seq_lt(0x10u, 0xfffffff0u));
    ck_assert(seq_lt(0x7fffffffu, 0x80000000u));
}
END_TEST

/* RFC 9293 3.10.7.1: a SYN to a closed port gets <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. */
START_TEST(test_tcp_closed_port_syn_gets_rst_ack)
{
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_syn(9999, 1000, 1460);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_RST | TCP_ACK);
    ck_assert_uint_eq(s.seq, 0);
    ck_assert_uint_eq(s.ack, 1001);
    ck_assert_uint_eq(s.sport, 9999);
    ck_assert_uint_eq(s.dport, PEER_PORT);
    ck_assert_uint_eq(STAT_GET(tcp, no_conn), 1);
}
END_TEST

/* RFC 9293 3.10.7.1: an ACK to a closed port gets <SEQ=SEG.ACK><CTL=RST>; a RST gets nothing. */
START_TEST(test_tcp_closed_port_ack_and_rst)
{
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_send_opts(PEER_PORT, 9999, 500, 777, TCP_ACK, 1000, NULL, 0, (const uint8_t *)"hi", 2);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_RST);
    ck_assert_uint_eq(s.seq, 777);
    peer_send_opts(PEER_PORT, 9999, 500, 777, TCP_RST, 1000, NULL, 0, NULL, 0);
    no_more_frames();
    ck_assert_uint_eq(STAT_GET(tcp, rst_no_conn), 1);
}
END_TEST

/* RFC 9293 3.10.7.2 + 3.7.1: SYN-ACK acknowledges SEG.SEQ+1 and carries our MSS. */
START_TEST(test_tcp_passive_open_handshake)
{
    struct tcp_pcb *l = listener(), *c;
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_syn(OUR_PORT, 1000, 1200);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(s.ack, 1001);
    ck_assert_uint_eq(s.mss, 1460);                /* 1500 - 20 - 20 */
    ck_assert_ptr_null(tcp_accept(l));             /* not established yet */
    peer_send(1001, s.seq + 1, TCP_ACK, 65535, NULL, 0);
    c = tcp_accept(l);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    ck_assert_uint_eq(c->snd_mss, 1200);           /* the peer's MSS is honoured */
    tcp_abort(c);
    tcp_close(l);
}
END_TEST

/* RFC 9293 3.7.1: without an MSS option the peer gets segments of at most 536 bytes. */
START_TEST(test_tcp_mss_default_536)
{
    struct tcp_pcb *l = listener(), *c;
    uint8_t buf[2000];
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_send_opts(PEER_PORT, OUR_PORT, 1000, 0, TCP_SYN, 65535, NULL, 0, NULL, 0);
    pop_seg(&s);
    peer_send(1001, s.seq + 1, TCP_ACK, 65535, NULL, 0);
    c = tcp_accept(l);
    ut_fill(buf, sizeof(buf), 1);
    ck_assert_int_eq(tcp_send(c, buf, 1000), 1000);
    pop_seg(&s);
    ck_assert_uint_eq(s.dlen, 536);
    no_more_frames();                   /* Nagle: the short rest waits for the ACK */
    peer_send(1001, s.seq + 536, TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.dlen, 464);
    tcp_abort(c);
    tcp_close(l);
}
END_TEST

/* RFC 9293 3.1: a malformed option length is dropped without harm (no answer, counted). */
START_TEST(test_tcp_bad_option_length_dropped)
{
    struct tcp_pcb *l = listener();
    uint8_t opt[4] = { 2, 0, 5, 0 };               /* MSS with length 0 */
    uint8_t opt2[4] = { 8, 40, 0, 0 };             /* length beyond the header */

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_send_opts(PEER_PORT, OUR_PORT, 1, 0, TCP_SYN, 1000, opt, 4, NULL, 0);
    peer_send_opts(PEER_PORT, OUR_PORT, 1, 0, TCP_SYN, 1000, opt2, 4, NULL, 0);
    no_more_frames();
    ck_assert_uint_eq(STAT_GET(tcp, bad_option), 2);
    tcp_close(l);
}
END_TEST

/* Data in: acknowledged, delivered in order, window from the free buffer (RFC 9293 3.8.6). */
START_TEST(test_tcp_data_in_acked_and_read)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(5000, &iss);
    struct seg s;
    char buf[64];

    peer_send(5001, iss + 1, TCP_ACK | TCP_PSH, 65535, "hello", 5);
    no_more_frames();                   /* one segment: the ACK is delayed ... */
    clock_advance(tcp_config_get()->delack_us);
    pop_seg(&s);                        /* ... by the delayed-ACK timer (RFC 1122 4.2.3.2) */
    ck_assert_uint_eq(s.flags, TCP_ACK);
    ck_assert_uint_eq(s.ack, 5006);
    ck_assert_uint_eq(s.wnd, 65535 - 5);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), 5);
    ck_assert_int_eq(memcmp(buf, "hello", 5), 0);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), TS_EAGAIN);
    tcp_abort(c);
}
END_TEST

/* Out-of-order data is kept and delivered in order; the gap gets an immediate ACK. */
START_TEST(test_tcp_out_of_order_reassembly)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(5000, &iss);
    struct seg s;
    char buf[64];

    peer_send(5004, iss + 1, TCP_ACK, 65535, "DEF", 3);     /* arrives first */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, 5001);                          /* duplicate ACK: gap at 5001 */
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), TS_EAGAIN);
    peer_send(5007, iss + 1, TCP_ACK, 65535, "GH", 2);
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, 5001);
    peer_send(5001, iss + 1, TCP_ACK, 65535, "ABC", 3);     /* fills the gap */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, 5009);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), 8);
    ck_assert_int_eq(memcmp(buf, "ABCDEFGH", 8), 0);
    ck_assert_uint_eq(STAT_GET(tcp, ooo_kept), 2);
    tcp_abort(c);
}
END_TEST

/* Duplicates are trimmed, not delivered twice; the sequence space wraps at 2^32. */
START_TEST(test_tcp_duplicate_and_wrap)
{
    uint32_t iss, irs = 0xfffffffcu;
    struct tcp_pcb *c = open_passive(irs, &iss);
    struct seg s;
    char buf[64];

    peer_send(irs + 1, iss + 1, TCP_ACK, 65535, "abcdef", 6);  /* crosses 2^32 */
    clock_advance(tcp_config_get()->delack_us);
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, irs + 7);
    peer_send(irs + 1, iss + 1, TCP_ACK, 65535, "abcdefgh", 8); /* 6 old, 2 new */
    clock_advance(tcp_config_get()->delack_us);
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, irs + 9);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), 8);
    ck_assert_int_eq(memcmp(buf, "abcdefgh", 8), 0);
    ck_assert_uint_eq(STAT_GET(tcp, dup_data), 1);
    tcp_abort(c);
}
END_TEST

/* RFC 6298 2.1, 5.5: first retransmission at RTO = 1 s, then the timer doubles. */
START_TEST(test_tcp_rto_timing_and_backoff)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    ck_assert_int_eq(tcp_send(c, "data", 4), 4);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss + 1);
    clock_advance(999999);
    no_more_frames();
    clock_advance(1);                                  /* exactly 1 s */
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_uint_eq(s.dlen, 4);
    clock_advance(1999999);
    no_more_frames();
    clock_advance(1);                                  /* 2 s later */
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss + 1);
    clock_advance(4000000);                            /* then 4 s */
    pop_seg(&s);
    ck_assert_uint_eq(STAT_GET(tcp, rexmit), 3);
    /* The ACK stops the timer (RFC 6298 5.2). */
    peer_send(101, iss + 5, TCP_ACK, 65535, NULL, 0);
    clock_advance(100000000);
    no_more_frames();
    tcp_abort(c);
}
END_TEST

/* RFC 6298 2.2/2.3 with Karn: a clean RTT sample sets SRTT; RTO stays at the 1 s floor. */
START_TEST(test_tcp_rtt_sample)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    ck_assert_int_eq(tcp_send(c, "x", 1), 1);
    pop_seg(&s);
    clock_advance(30000);
    peer_send(101, iss + 2, TCP_ACK, 65535, NULL, 0);
    ck_assert_uint_eq(c->srtt_us, 30000);
    ck_assert_uint_eq(c->rttvar_us, 15000);
    ck_assert_uint_eq(c->rto_us, 1000000);
    tcp_abort(c);
}
END_TEST

/* Retries exhausted: the connection ends with ETIMEDOUT for the application. */
START_TEST(test_tcp_data_retries_timeout)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;
    char buf[8];

    ck_assert_int_eq(tcp_send(c, "x", 1), 1);
    pop_seg(&s);
    /* 1 + 2 + 4 + ... s: eight retransmissions and the give-up fit in 1000 s. */
    for (int i = 0; i < 1000; i++) {
        uint8_t f[UT_FRAME_MAX];

        clock_advance(1000000);
        while (ut_pop(f) > 0)
            ;                                   /* retransmissions and ARP refreshes */
    }
    ck_assert_int_eq(c->state, TCPS_CLOSED);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), TS_ETIMEDOUT);
    ck_assert_uint_eq(STAT_GET(tcp, timeout_drop), 1);
    tcp_close(c);
}
END_TEST

/* RFC 5961 3.2: an in-window RST that is not at RCV.NXT gets a challenge ACK only. */
START_TEST(test_tcp_rst_in_window_challenge)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;
    char buf[8];

    peer_send(150, 0, TCP_RST, 0, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_ACK);
    ck_assert_uint_eq(s.ack, 101);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    peer_send(100000, 0, TCP_RST, 0, NULL, 0);         /* out of window: ignored */
    no_more_frames();
    peer_send(101, 0, TCP_RST, 0, NULL, 0);            /* exact: reset */
    no_more_frames();
    ck_assert_int_eq(c->state, TCPS_CLOSED);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), TS_ECONNRESET);
    tcp_close(c);
}
END_TEST

/* RFC 5961 4.2: a SYN on an established connection gets a challenge ACK. */
START_TEST(test_tcp_syn_in_window_challenge)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    peer_send_opts(PEER_PORT, OUR_PORT, 120, 0, TCP_SYN, 1000, NULL, 0, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_ACK);
    ck_assert_uint_eq(s.ack, 101);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    ck_assert_uint_eq(STAT_GET(tcp, challenge_ack), 1);
    tcp_abort(c);
}
END_TEST

/* Passive close: FIN -> CLOSE-WAIT; close -> LAST-ACK; ACK -> gone. */
START_TEST(test_tcp_passive_close)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;
    char buf[8];

    peer_send(101, iss + 1, TCP_FIN | TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, 102);
    ck_assert_int_eq(c->state, TCPS_CLOSE_WAIT);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), 0);      /* end of stream */
    tcp_close(c);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_FIN | TCP_ACK);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_int_eq(c->state, TCPS_LAST_ACK);
    peer_send(102, iss + 2, TCP_ACK, 65535, NULL, 0);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);             /* the control block is freed */
}
END_TEST

/* Active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT for 2 MSL, then gone. */
START_TEST(test_tcp_active_close_time_wait)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    uint64_t msl = tcp_config_get()->msl_us;
    struct seg s;

    tcp_close(c);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_FIN | TCP_ACK);
    ck_assert_int_eq(c->state, TCPS_FIN_WAIT_1);
    peer_send(101, iss + 2, TCP_ACK, 65535, NULL, 0);
    ck_assert_int_eq(c->state, TCPS_FIN_WAIT_2);
    peer_send(101, iss + 2, TCP_FIN | TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, 102);
    ck_assert_int_eq(c->state, TCPS_TIME_WAIT);
    /* A retransmitted FIN in TIME-WAIT is acknowledged again and restarts the timer. */
    clock_advance(msl);
    peer_send(101, iss + 2, TCP_FIN | TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, 102);
    clock_advance(2 * msl - 1);
    ck_assert_uint_eq(tcp_count(TCPS_TIME_WAIT), 1);
    clock_advance(1);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
}
END_TEST

/* Simultaneous close: FIN-WAIT-1 -> CLOSING -> TIME-WAIT (RFC 9293 3.6, figure 13). */
START_TEST(test_tcp_simultaneous_close)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    tcp_shutdown(c, false, true);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_FIN | TCP_ACK);
    peer_send(101, iss + 1, TCP_FIN | TCP_ACK, 65535, NULL, 0);   /* their FIN, ours unacked */
    pop_seg(&s);
    ck_assert_int_eq(c->state, TCPS_CLOSING);
    peer_send(102, iss + 2, TCP_ACK, 65535, NULL, 0);
    ck_assert_int_eq(c->state, TCPS_TIME_WAIT);
    tcp_close(c);
    clock_advance(2 * tcp_config_get()->msl_us);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
}
END_TEST

/* RFC 1122 4.2.2.13: closing with unread data sends RST. */
START_TEST(test_tcp_close_unread_sends_rst)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    peer_send(101, iss + 1, TCP_ACK, 65535, "unread", 6);
    tcp_close(c);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags & TCP_RST, TCP_RST);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_uint_eq(STAT_GET(tcp, rst_unread), 1);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
}
END_TEST

/* Active open: SYN with MSS, SYN-ACK -> ESTABLISHED and our ACK (RFC 9293 3.10.7.3). */
START_TEST(test_tcp_active_open)
{
    struct tcp_pcb *c = tcp_new();
    struct seg s;
    uint8_t opt[4] = { 2, 4, 0x05, 0xb4 };

    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert_int_eq(tcp_connect(c, UT_IP_GW, 8000), TS_EINPROGRESS);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN);
    ck_assert_uint_eq(s.mss, 1460);
    ck_assert_int_eq(c->state, TCPS_SYN_SENT);
    peer_send_opts(8000, c->local_port, 9000, s.seq + 1, TCP_SYN | TCP_ACK, 65535, opt, 4, NULL,
                   0);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_ACK);
    ck_assert_uint_eq(s.ack, 9001);
    tcp_abort(c);
}
END_TEST

/* RFC 9293 3.10.7.3: a RST acknowledging our SYN means "connection refused". */
START_TEST(test_tcp_connect_refused)
{
    struct tcp_pcb *c = tcp_new();
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    tcp_connect(c, UT_IP_GW, 8000);
    pop_seg(&s);
    /* A RST with a wrong ACK is ignored ... */
    peer_send_opts(8000, c->local_port, 0, s.seq + 5, TCP_RST | TCP_ACK, 0, NULL, 0, NULL, 0);
    ck_assert_int_eq(c->state, TCPS_SYN_SENT);
    /* ... the right one refuses. */
    peer_send_opts(8000, c->local_port, 0, s.seq + 1, TCP_RST | TCP_ACK, 0, NULL, 0, NULL, 0);
    ck_assert_int_eq(c->state, TCPS_CLOSED);
    ck_assert_int_eq(tcp_take_error(c), TS_ECONNREFUSED);
    tcp_close(c);
}
END_TEST

/* Simultaneous open: SYN crosses SYN -> SYN-RECEIVED -> ESTABLISHED (RFC 9293 3.5). */
START_TEST(test_tcp_simultaneous_open)
{
    struct tcp_pcb *c = tcp_new();
    struct seg s;
    uint32_t iss;

    ut_learn(UT_IP_GW, ut_mac_gw);
    tcp_connect(c, UT_IP_GW, 8000);
    pop_seg(&s);
    iss = s.seq;
    peer_send_opts(8000, c->local_port, 3000, 0, TCP_SYN, 65535, NULL, 0, NULL, 0);
    ck_assert_int_eq(c->state, TCPS_SYN_RECEIVED);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(s.seq, iss);
    ck_assert_uint_eq(s.ack, 3001);
    peer_send_opts(8000, c->local_port, 3001, iss + 1, TCP_SYN | TCP_ACK, 65535, NULL, 0, NULL,
                   0);
    /* Their SYN,ACK in SYN-RECEIVED: the SYN is old (challenge ACK), the ACK opens it on
     * the next segment; a plain ACK completes the handshake. */
    while (seg_waiting())
        pop_seg(&s);
    peer_send_opts(8000, c->local_port, 3001, iss + 1, TCP_ACK, 65535, NULL, 0, NULL, 0);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    tcp_abort(c);
}
END_TEST

/* A SYN flood cannot grow the SYN queue past the backlog: each new SYN pushes out the
 * oldest half-open connection. A full accept queue refuses SYNs outright (counted). */
START_TEST(test_tcp_backlog_bounds_syn_flood)
{
    struct tcp_pcb *l = listener();
    struct seg s;
    uint32_t iss[4];

    ut_learn(UT_IP_GW, ut_mac_gw);
    for (uint16_t i = 0; i < 10; i++)
        peer_send_opts((uint16_t)(30000 + i), OUR_PORT, 1000u * i, 0, TCP_SYN, 1000, NULL, 0,
                       NULL, 0);
    for (int i = 0; i < 10; i++) {
        pop_seg(&s);
        ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
        if (i >= 6)
            iss[i - 6] = s.seq;
    }
    no_more_frames();
    ck_assert_uint_eq(tcp_count(TCPS_SYN_RECEIVED), 4);    /* never more than the backlog */
    ck_assert_uint_eq(STAT_GET(tcp, syn_evicted), 6);
    /* The four youngest complete their handshakes and fill the accept queue ... */
    for (uint16_t i = 0; i < 4; i++)
        peer_send_opts((uint16_t)(30006 + i), OUR_PORT, 1000u * (6 + i) + 1, iss[i] + 1, TCP_ACK,
                       1000, NULL, 0, NULL, 0);
    ck_assert_uint_eq(tcp_count(TCPS_ESTABLISHED), 4);
    /* ... and then, with nothing half-open to push out, a SYN is refused. */
    peer_send_opts(31000, OUR_PORT, 5, 0, TCP_SYN, 1000, NULL, 0, NULL, 0);
    no_more_frames();
    ck_assert_uint_eq(STAT_GET(tcp, backlog_full), 1);
    tcp_close(l);                                         /* resets the unaccepted four */
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
    while (seg_waiting())
        pop_seg(&s);
}
END_TEST

/* A send that does not fit is partial, then EAGAIN (bounded send buffer). */
START_TEST(test_tcp_send_buffer_bounded)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    static uint8_t big[70000];
    long n;

    /* The peer offers no window, so nothing leaves and the buffer fills. */
    peer_send(101, iss + 1, TCP_ACK, 0, NULL, 0);
    n = tcp_send(c, big, sizeof(big));
    ck_assert_int_eq(n, (long)tcp_config_get()->sndbuf);
    ck_assert_int_eq(tcp_send(c, big, 1), TS_EAGAIN);
    tcp_abort(c);
    while (seg_waiting()) {
        struct seg s;
        pop_seg(&s);
    }
}
END_TEST


/* RFC 5681 4.2: every second segment is ACKed at once, a lone one after the timer. */
START_TEST(test_tcp_delayed_ack_every_second_segment)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;
    char buf[8];

    peer_send(101, iss + 1, TCP_ACK, 65535, "aaaa", 4);
    no_more_frames();
    peer_send(105, iss + 1, TCP_ACK, 65535, "bbbb", 4);
    pop_seg(&s);                                   /* the second: at once */
    ck_assert_uint_eq(s.ack, 109);
    peer_send(109, iss + 1, TCP_ACK, 65535, "cccc", 4);
    clock_advance(tcp_config_get()->delack_us - 1);
    no_more_frames();
    clock_advance(1);
    pop_seg(&s);                                   /* the lone one: at the timer */
    ck_assert_uint_eq(s.ack, 113);
    ck_assert_uint_eq(STAT_GET(tcp, delayed_ack), 1);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), 8);
    tcp_abort(c);
}
END_TEST

/* RFC 1122 4.2.3.4: Nagle holds small segments while data is unacknowledged; TCP_NODELAY not. */
START_TEST(test_tcp_nagle_and_nodelay)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    ck_assert_int_eq(tcp_send(c, "a", 1), 1);      /* nothing in flight: goes */
    pop_seg(&s);
    ck_assert_int_eq(tcp_send(c, "b", 1), 1);      /* "a" unacked: waits */
    ck_assert_int_eq(tcp_send(c, "c", 1), 1);
    no_more_frames();
    peer_send(101, iss + 2, TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);                                   /* the ACK releases "bc" together */
    ck_assert_uint_eq(s.dlen, 2);
    ck_assert_int_eq(memcmp(s.data, "bc", 2), 0);
    tcp_set_nodelay(c, true);
    ck_assert_int_eq(tcp_send(c, "d", 1), 1);
    pop_seg(&s);                                   /* NODELAY: at once, "bc" in flight */
    ck_assert_uint_eq(s.dlen, 1);
    tcp_abort(c);
}
END_TEST

/* RFC 5681 3.1: slow start from the initial window, cwnd += SMSS per ACK. */
START_TEST(test_tcp_slow_start_growth)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    static uint8_t buf[60000];
    struct seg s;
    int sent = 0;

    tcp_send(c, buf, sizeof(buf));
    while (seg_waiting()) {
        pop_seg(&s);
        sent++;
    }
    ck_assert_int_eq(sent, 3);                     /* IW: 3 segments of 1460 (RFC 5681 3.1) */
    ck_assert_uint_eq(c->cwnd, 3 * 1460);
    peer_send(101, iss + 1 + 1460, TCP_ACK, 65535, NULL, 0);
    ck_assert_uint_eq(c->cwnd, 4 * 1460);          /* +1 SMSS */
    sent = 0;
    while (seg_waiting()) {
        pop_seg(&s);
        sent++;
    }
    ck_assert_int_eq(sent, 2);                     /* one acked, window of 4: two more */
    tcp_abort(c);
}
END_TEST

/* RFC 5681 3.2 + RFC 6582: three duplicate ACKs -> fast retransmit; partial ACK resends
 * the next hole; the full ACK ends recovery with cwnd = ssthresh. */
START_TEST(test_tcp_fast_retransmit_newreno)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    static uint8_t buf[14600];
    struct seg s;
    uint32_t base;

    c->cwnd = 10 * 1460;                           /* a window of ten segments in flight */
    tcp_send(c, buf, sizeof(buf));
    while (seg_waiting())
        pop_seg(&s);
    base = iss + 1;
    /* Segments 1 and 3 are lost; the peer ACKs 1 for each segment it gets. */
    peer_send(101, base, TCP_ACK, 65535, NULL, 0);
    peer_send(101, base, TCP_ACK, 65535, NULL, 0);
    no_more_frames();
    peer_send(101, base, TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);                                   /* third dupack: fast retransmit */
    ck_assert_uint_eq(s.seq, base);
    ck_assert_uint_eq(s.dlen, 1460);
    ck_assert(c->in_recovery);
    ck_assert_uint_eq(c->ssthresh, 5 * 1460);      /* FlightSize / 2 */
    while (seg_waiting())
        pop_seg(&s);
    /* Partial ACK: up to the start of segment 3. */
    peer_send(101, base + 2 * 1460, TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + 2 * 1460);     /* the next hole, at once */
    ck_assert_uint_eq(STAT_GET(tcp, partial_ack), 1);
    ck_assert(c->in_recovery);
    while (seg_waiting())
        pop_seg(&s);
    peer_send(101, base + 10 * 1460, TCP_ACK, 65535, NULL, 0);   /* everything */
    ck_assert(!c->in_recovery);
    ck_assert_uint_le(c->cwnd, c->ssthresh);
    ck_assert_uint_eq(STAT_GET(tcp, fast_rexmit), 1);
    ck_assert_uint_eq(STAT_GET(tcp, rexmit), 0);   /* no timeout was needed */
    tcp_abort(c);
}
END_TEST

/* RFC 9293 3.8.6.1: a zero window is probed with backoff, never given up while the peer
 * answers, and sending resumes when the window opens. */
START_TEST(test_tcp_zero_window_probe_and_reopen)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;
    uint64_t gap = 1000000;

    peer_send(101, iss + 1, TCP_ACK, 0, NULL, 0);  /* window 0 */
    ck_assert_int_eq(tcp_send(c, "hello", 5), 5);
    no_more_frames();
    for (int i = 0; i < 12; i++) {
        clock_advance(gap - 1);
        no_more_frames();
        clock_advance(1);
        pop_seg(&s);                               /* a one-byte probe */
        ck_assert_uint_eq(s.seq, iss + 1);
        ck_assert_uint_eq(s.dlen, 1);
        peer_send(101, iss + 1, TCP_ACK, 0, NULL, 0);   /* still closed */
        gap = gap * 2 > 60000000 ? 60000000 : gap * 2;  /* backoff up to 60 s */
    }
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);   /* 12 probes > data_retries: alive */
    peer_send(101, iss + 1, TCP_ACK, 1000, NULL, 0);    /* the window opens */
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_uint_eq(s.dlen, 5);
    ck_assert_uint_ge(STAT_GET(tcp, window_probe), 12);
    tcp_abort(c);
}
END_TEST

/* RFC 1122 4.2.3.3: reading a little does not move the window edge (no silly window);
 * reading a full segment's worth does, with a window update. */
START_TEST(test_tcp_receiver_sws_avoidance)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    static uint8_t data[1460];
    struct seg s;
    char buf[2000];

    peer_send(101, iss + 1, TCP_ACK, 65535, data, 1460);
    peer_send(1561, iss + 1, TCP_ACK, 65535, data, 1460);
    pop_seg(&s);
    ck_assert_uint_eq(s.wnd, 65535 - 2920);
    ck_assert_int_eq(tcp_recv(c, buf, 100), 100);  /* 100 bytes freed: no update */
    no_more_frames();
    ck_assert_int_eq(tcp_recv(c, buf, 1460), 1460); /* 1560 freed: >= one MSS */
    no_more_frames();                              /* not yet: the app may send data ... */
    clock_advance(0);                              /* ... until the end of this loop turn */
    pop_seg(&s);
    ck_assert_uint_eq(s.wnd, 65535 - 2920 + 1560);
    ck_assert_uint_eq(s.dlen, 0);
    ck_assert_uint_eq(STAT_GET(tcp, window_update), 1);
    /* Data sent right after a read carries the update: no separate ACK (an echo). */
    peer_send(3021, iss + 1, TCP_ACK, 65535, data, 1460);
    peer_send(4481, iss + 1, TCP_ACK, 65535, data, 1460);
    pop_seg(&s);                                   /* the ACK of every second segment */
    ck_assert_int_eq(tcp_recv(c, buf, 2000), 2000);
    ck_assert_int_eq(tcp_send(c, "echo", 4), 4);
    pop_seg(&s);
    ck_assert_uint_eq(s.dlen, 4);
    ck_assert_uint_eq(s.wnd, 65535 - 2920 + 1560 - 2920 + 2000);
    clock_advance(0);
    no_more_frames();
    ck_assert_uint_eq(STAT_GET(tcp, window_update), 1);
    tcp_abort(c);
}
END_TEST

/* RFC 1122 4.2.3.6: keep-alive probes after the idle time, ETIMEDOUT when unanswered. */
START_TEST(test_tcp_keepalive_probes_and_timeout)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    const struct tcp_config *cf = tcp_config_get();
    struct seg s;
    char buf[4];

    tcp_set_keepalive(c, true);
    clock_advance(cf->ka_idle_us - 1);
    no_more_frames();
    clock_advance(1);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss);                 /* SND.UNA - 1 */
    ck_assert_uint_eq(s.dlen, 0);
    peer_send(101, iss + 1, TCP_ACK, 65535, NULL, 0);   /* answered: idle again */
    clock_advance(cf->ka_idle_us);
    pop_seg(&s);
    for (unsigned i = 1; i < cf->ka_count; i++) {
        clock_advance(cf->ka_intvl_us);
        pop_seg(&s);
    }
    clock_advance(cf->ka_intvl_us);
    pop_seg(&s);                                   /* the RST */
    ck_assert_uint_eq(s.flags & TCP_RST, TCP_RST);
    ck_assert_int_eq(c->state, TCPS_CLOSED);
    ck_assert_int_eq(tcp_recv(c, buf, sizeof(buf)), TS_ETIMEDOUT);
    ck_assert_uint_eq(STAT_GET(tcp, keepalive_probe), cf->ka_count + 1);
    tcp_close(c);
}
END_TEST

/* RFC 1122 4.2.3.9: port unreachable while opening -> ECONNREFUSED; a quote whose
 * sequence number is not ours is ignored (RFC 5927 4.1). */
START_TEST(test_tcp_icmp_port_unreachable)
{
    struct tcp_pcb *c = tcp_new();
    struct seg s;
    uint8_t icmp[8 + 28], f[UT_FRAME_MAX];
    struct ut_ip ip = { .src = UT_IP_GW, .dst = UT_IP_US, .proto = 1 };
    uint16_t sum;

    ut_learn(UT_IP_GW, ut_mac_gw);
    tcp_connect(c, UT_IP_GW, 8000);
    pop_seg(&s);
    for (int pass = 0; pass < 2; pass++) {
        uint32_t seq = pass == 0 ? s.seq + 1000 : s.seq;       /* first a wrong one */

        memset(icmp, 0, sizeof(icmp));
        icmp[0] = 3;                                        /* destination unreachable */
        icmp[1] = 3;                                        /* port */
        /* The quoted IP header: our SYN, 10.0.0.2 -> 10.0.0.1, TCP. */
        icmp[8] = 0x45; icmp[11] = 40; icmp[16] = 64; icmp[17] = 6;
        icmp[20] = 10; icmp[23] = 2; icmp[24] = 10; icmp[27] = 1;
        sum = ut_csum(icmp + 8, 20);
        icmp[18] = (uint8_t)(sum >> 8); icmp[19] = (uint8_t)sum;
        /* ... and the first 8 bytes of TCP: ports and sequence number. */
        icmp[28] = (uint8_t)(s.sport >> 8); icmp[29] = (uint8_t)s.sport;
        icmp[30] = (uint8_t)(8000 >> 8); icmp[31] = (uint8_t)(8000 & 0xff);
        icmp[32] = (uint8_t)(seq >> 24); icmp[33] = (uint8_t)(seq >> 16);
        icmp[34] = (uint8_t)(seq >> 8); icmp[35] = (uint8_t)seq;
        sum = ut_csum(icmp, sizeof(icmp));
        icmp[2] = (uint8_t)(sum >> 8); icmp[3] = (uint8_t)sum;
        ut_inject(f, ut_ipv4_frame(f, ut_mac_us, ut_mac_gw, &ip, icmp, sizeof(icmp)));
        if (pass == 0) {
            ck_assert_int_eq(c->state, TCPS_SYN_SENT);
            ck_assert_uint_eq(STAT_GET(tcp, icmp_ignored), 1);
        }
    }
    ck_assert_int_eq(c->state, TCPS_CLOSED);
    ck_assert_int_eq(tcp_take_error(c), TS_ECONNREFUSED);
    tcp_close(c);
}
END_TEST

/* A full table of TIME-WAIT blocks gives up the oldest for a new connection
 * (counted), rather than refusing every SYN for 2 MSL. */
START_TEST(test_tcp_time_wait_recycled_when_full)
{
    struct stack_config cfg;
    struct tcp_pcb *l, *c;
    struct seg s;

    ut_config(&cfg);
    cfg.tcp.max_pcbs = 4;
    ut_restart(&cfg);
    l = listener();
    ut_learn(UT_IP_GW, ut_mac_gw);
    /* Three connections, each closed by us first: three blocks in TIME-WAIT. */
    for (uint16_t i = 0; i < 3; i++) {
        uint16_t port = (uint16_t)(41000 + i);

        peer_send_opts(port, OUR_PORT, 100, 0, TCP_SYN, 65535, NULL, 0, NULL, 0);
        pop_seg(&s);
        peer_send_opts(port, OUR_PORT, 101, s.seq + 1, TCP_ACK, 65535, NULL, 0, NULL, 0);
        c = tcp_accept(l);
        ck_assert_ptr_nonnull(c);
        tcp_close(c);
        pop_seg(&s);                                   /* our FIN */
        peer_send_opts(port, OUR_PORT, 101, s.seq + 1, TCP_FIN | TCP_ACK, 65535, NULL, 0,
                       NULL, 0);
        pop_seg(&s);                                   /* ACK of theirs */
        clock_advance(1000);
    }
    ck_assert_uint_eq(tcp_count(TCPS_TIME_WAIT), 3);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 4);      /* listener + 3: the table is full */
    peer_send_opts(42000, OUR_PORT, 500, 0, TCP_SYN, 65535, NULL, 0, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);     /* answered, not dropped */
    ck_assert_uint_eq(STAT_GET(tcp, tw_recycled), 1);
    ck_assert_uint_eq(tcp_count(TCPS_TIME_WAIT), 2);
    tcp_close(l);
    clock_advance(2 * tcp_config_get()->msl_us);
    while (seg_waiting())
        pop_seg(&s);
}
END_TEST

/* RFC 6298 3 (Karn): no RTT sample from a retransmitted segment; the backed-off RTO
 * stays until a segment sent once is acknowledged. */
START_TEST(test_tcp_karn_no_sample_from_retransmission)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct seg s;

    ck_assert_int_eq(tcp_send(c, "x", 1), 1);
    pop_seg(&s);
    clock_advance(1000000);
    pop_seg(&s);                                   /* the retransmission */
    clock_advance(5000);
    peer_send(101, iss + 2, TCP_ACK, 65535, NULL, 0);
    ck_assert(!c->rtt_valid);                      /* ambiguous: not measured */
    ck_assert_uint_eq(c->rto_us, 2000000);         /* still backed off */
    ck_assert_int_eq(tcp_send(c, "y", 1), 1);
    pop_seg(&s);
    clock_advance(30000);
    peer_send(101, iss + 3, TCP_ACK, 65535, NULL, 0);
    ck_assert(c->rtt_valid);
    ck_assert_uint_eq(c->srtt_us, 30000);
    ck_assert_uint_eq(c->rto_us, 1000000);         /* a fresh sample: back to the floor */
    tcp_abort(c);
}
END_TEST

/* RFC 6298 5.7: after the SYN timed out, data starts with RTO = 3 s. */
START_TEST(test_tcp_rto_3s_after_syn_timeout)
{
    struct tcp_pcb *c = tcp_new();
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    tcp_connect(c, UT_IP_GW, 8000);
    pop_seg(&s);
    clock_advance(1000000);
    pop_seg(&s);                                   /* the SYN again */
    ck_assert_uint_eq(s.flags, TCP_SYN);
    peer_send_opts(8000, c->local_port, 9000, s.seq + 1, TCP_SYN | TCP_ACK, 65535, NULL, 0,
                   NULL, 0);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    ck_assert_uint_ge(c->rto_us, 3000000);
    tcp_abort(c);
    while (seg_waiting())
        pop_seg(&s);
}
END_TEST

/* The socket API over TCP on 127.0.0.1 ------------------------------------ */

static struct sockaddr_in
sin_of(uint32_t ip, uint16_t port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(ip);
    a.sin_port = htons(port);
    return a;
}

/* Wait (virtual time) until fd shows one of `events`; returns revents. */
static short
wait_for(int fd, short events)
{
    struct pollfd p = { .fd = fd, .events = events };

    for (int i = 0; i < 50; i++) {
        int r = ts_poll(&p, 1, 100);

        ck_assert_int_ge(r, 0);
        if (r > 0)
            return p.revents;
    }
    ck_abort_msg("fd %d never became ready", fd);
    return 0;
}

static int
tcp_listener(uint16_t port)
{
    int fd = ts_socket(AF_INET, SOCK_STREAM, 0), one = 1;
    struct sockaddr_in a = sin_of(0, port);

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ts_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    ck_assert_int_eq(ts_bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    ck_assert_int_eq(ts_listen(fd, 8), 0);
    return fd;
}

/* Listen, non-blocking connect, accept, data both ways, orderly close (RFC 9293 3.5, 3.6). */
START_TEST(test_tcp_socket_loopback_roundtrip)
{
    int l = tcp_listener(7000), c, a;
    struct sockaddr_in dst = sin_of(IP4(127, 0, 0, 1), 7000), peer;
    socklen_t plen = sizeof(peer);
    char buf[64];
    int err = -1;
    socklen_t elen = sizeof(err);

    c = ts_socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_eq(ts_connect(c, (struct sockaddr *)&dst, sizeof(dst)), -1);
    ck_assert_int_eq(errno, EINPROGRESS);
    ck_assert(wait_for(c, POLLOUT) & POLLOUT);
    ck_assert_int_eq(ts_getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
    ck_assert_int_eq(err, 0);
    ck_assert(wait_for(l, POLLIN) & POLLIN);
    a = ts_accept(l, (struct sockaddr *)&peer, &plen);
    ck_assert_int_ge(a, 0);
    ck_assert_uint_eq(ntohl(peer.sin_addr.s_addr), IP4(127, 0, 0, 1));
    ck_assert_int_eq(ts_accept(l, NULL, NULL), -1);
    ck_assert_int_eq(errno, EAGAIN);
    ck_assert_int_eq(ts_send(c, "ping", 4, 0), 4);
    wait_for(a, POLLIN);
    ck_assert_int_eq(ts_recv(a, buf, sizeof(buf), 0), 4);
    ck_assert_int_eq(memcmp(buf, "ping", 4), 0);
    ck_assert_int_eq(ts_send(a, "pong!", 5, 0), 5);
    wait_for(c, POLLIN);
    ck_assert_int_eq(ts_recv(c, buf, sizeof(buf), 0), 5);
    /* Half-close: the client's FIN reads as end of stream at the server. */
    ck_assert_int_eq(ts_shutdown(c, SHUT_WR), 0);
    wait_for(a, POLLIN);
    ck_assert_int_eq(ts_recv(a, buf, sizeof(buf), 0), 0);
    ck_assert_int_eq(ts_send(a, "bye", 3, 0), 3);      /* the other half still works */
    wait_for(c, POLLIN);
    ck_assert_int_eq(ts_recv(c, buf, sizeof(buf), 0), 3);
    ck_assert_int_eq(ts_close(a), 0);
    wait_for(c, POLLIN);
    ck_assert_int_eq(ts_recv(c, buf, sizeof(buf), 0), 0);
    ck_assert_int_eq(ts_close(c), 0);
    ck_assert_int_eq(ts_close(l), 0);
    /* The active closer waits in TIME-WAIT, then everything is gone. */
    clock_advance(2 * tcp_config_get()->msl_us + 1000000);
    for (int i = 0; i < 5; i++)
        stack_poll(0);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
    ck_assert_uint_eq(pkb_in_use(), 0);
}
END_TEST

/* SO_LINGER on with 0 s: ts_close aborts (RFC 9293 3.10.4): the peer is reset at once, even with
 * data queued and unsent, and the control block is gone without FIN-WAIT or TIME-WAIT. */
START_TEST(test_tcp_socket_linger_zero_aborts)
{
    int l = tcp_listener(7002), c, a;
    struct sockaddr_in dst = sin_of(IP4(127, 0, 0, 1), 7002);
    struct linger lg = { 1, 0 }, got = { 0, 5 };
    socklen_t glen = sizeof(got);
    static char big[200000];
    char buf[64];
    ssize_t sent = 0, n;
    uint64_t rst0 = STAT_GET(tcp, rst_out);

    c = ts_socket(AF_INET, SOCK_STREAM, 0);
    ts_connect(c, (struct sockaddr *)&dst, sizeof(dst));
    ck_assert(wait_for(l, POLLIN) & POLLIN);
    a = ts_accept(l, NULL, NULL);
    ck_assert_int_ge(a, 0);
    ck_assert_int_eq(ts_setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(int)), -1);
    ck_assert_int_eq(errno, EINVAL);                   /* a struct linger, not an int */
    ck_assert_int_eq(ts_setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)), 0);
    ck_assert_int_eq(ts_getsockopt(a, SOL_SOCKET, SO_LINGER, &got, &glen), 0);
    ck_assert_int_eq(got.l_onoff, 1);
    ck_assert_int_eq(got.l_linger, 0);
    /* More than the client's window and our send buffer: data waits unsent. */
    for (int i = 0; i < 4; i++) {
        ssize_t w = ts_send(a, big + sent, sizeof(big) - (size_t)sent, 0);

        if (w > 0)
            sent += w;
        stack_poll(0);
    }
    ck_assert_int_gt(sent, 0);
    ck_assert_int_eq(ts_close(a), 0);
    ck_assert_uint_gt(STAT_GET(tcp, rst_out), rst0);
    for (int i = 0; i < 5; i++)
        stack_poll(0);
    do {
        n = ts_recv(c, buf, sizeof(buf), 0);           /* what arrived before the RST */
    } while (n > 0);
    ck_assert_int_eq(n, -1);
    ck_assert_int_eq(errno, ECONNRESET);               /* the RST, not a FIN */
    ts_close(c);
    ts_close(l);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);      /* nothing lingers: no TIME-WAIT */
}
END_TEST

/* ECONNREFUSED from a RST to our SYN; EADDRINUSE for a second listener (RFC 9293 3.10.7.1). */
START_TEST(test_tcp_socket_errors)
{
    int l = tcp_listener(7001), l2 = ts_socket(AF_INET, SOCK_STREAM, 0);
    int c = ts_socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = sin_of(0, 7001), nowhere = sin_of(IP4(127, 0, 0, 1), 7999);
    char buf[4];

    ck_assert_int_eq(ts_bind(l2, (struct sockaddr *)&a, sizeof(a)), -1);
    ck_assert_int_eq(errno, EADDRINUSE);
    ck_assert_int_eq(ts_recv(l2, buf, sizeof(buf), 0), -1);
    ck_assert_int_eq(errno, ENOTCONN);
    ck_assert_int_eq(ts_connect(c, (struct sockaddr *)&nowhere, sizeof(nowhere)), -1);
    ck_assert_int_eq(errno, EINPROGRESS);
    ck_assert(wait_for(c, POLLOUT) & (POLLERR | POLLHUP));
    ck_assert_int_eq(ts_send(c, "x", 1, 0), -1);
    ck_assert_int_eq(errno, ECONNREFUSED);
    ts_close(c);
    ts_close(l2);
    ts_close(l);
    stack_poll(0);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
}
END_TEST

Suite *
tcp_suite(void)
{
    Suite *s = suite_create("tcp");
    TCase *tc = ut_tcase("tcp");

    tcase_add_test(tc, test_tcp_seq_wraparound);
    tcase_add_test(tc, test_tcp_closed_port_syn_gets_rst_ack);
    tcase_add_test(tc, test_tcp_closed_port_ack_and_rst);
    tcase_add_test(tc, test_tcp_passive_open_handshake);
    tcase_add_test(tc, test_tcp_mss_default_536);
    tcase_add_test(tc, test_tcp_bad_option_length_dropped);
    tcase_add_test(tc, test_tcp_data_in_acked_and_read);
    tcase_add_test(tc, test_tcp_out_of_order_reassembly);
    tcase_add_test(tc, test_tcp_duplicate_and_wrap);
    tcase_add_test(tc, test_tcp_rto_timing_and_backoff);
    tcase_add_test(tc, test_tcp_rtt_sample);
    tcase_add_test(tc, test_tcp_data_retries_timeout);
    tcase_add_test(tc, test_tcp_rst_in_window_challenge);
    tcase_add_test(tc, test_tcp_syn_in_window_challenge);
    tcase_add_test(tc, test_tcp_passive_close);
    tcase_add_test(tc, test_tcp_active_close_time_wait);
    tcase_add_test(tc, test_tcp_simultaneous_close);
    tcase_add_test(tc, test_tcp_close_unread_sends_rst);
    tcase_add_test(tc, test_tcp_active_open);
    tcase_add_test(tc, test_tcp_connect_refused);
    tcase_add_test(tc, test_tcp_simultaneous_open);
    tcase_add_test(tc, test_tcp_backlog_bounds_syn_flood);
    tcase_add_test(tc, test_tcp_send_buffer_bounded);
    tcase_add_test(tc, test_tcp_delayed_ack_every_second_segment);
    tcase_add_test(tc, test_tcp_nagle_and_nodelay);
    tcase_add_test(tc, test_tcp_slow_start_growth);
    tcase_add_test(tc, test_tcp_fast_retransmit_newreno);
    tcase_add_test(tc, test_tcp_zero_window_probe_and_reopen);
    tcase_add_test(tc, test_tcp_receiver_sws_avoidance);
    tcase_add_test(tc, test_tcp_keepalive_probes_and_timeout);
    tcase_add_test(tc, test_tcp_icmp_port_unreachable);
    tcase_add_test(tc, test_tcp_karn_no_sample_from_retransmission);
    tcase_add_test(tc, test_tcp_rto_3s_after_syn_timeout);
    tcase_add_test(tc, test_tcp_time_wait_recycled_when_full);
    suite_add_tcase(s, tc);
    tc = ut_tcase("tcp-socket");
    tcase_add_test(tc, test_tcp_socket_loopback_roundtrip);
    tcase_add_test(tc, test_tcp_socket_linger_zero_aborts);
    tcase_add_test(tc, test_tcp_socket_errors);
    suite_add_tcase(s, tc);
    return s;
}
