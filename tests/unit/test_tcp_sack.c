/*
 * test_tcp_sack.c - SACK (RFC 2018), D-SACK (RFC 2883) and the loss recovery
 * built on them (RACK-TLP RFC 8985, RFC 6675 with PRR RFC 6937, undo
 * RFC 3708/4015), on the virtual clock, against the tests' own peer.
 */
#include "helpers.h"
#include "tcp_peer.h"

#include "../../stack/tcp_var.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../stack/stats.h"

#include <string.h>

#define MSS 1460

static const uint8_t opt_mss_sackok[8] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };

/* The peer's SYN with MSS 1460, and SACK-permitted if sackok. */
static void
peer_syn_opts(uint32_t seq, bool sackok)
{
    peer_send_opts(PEER_PORT, OUR_PORT, seq, 0, TCP_SYN, 65535, opt_mss_sackok,
                   sackok ? 8 : 4, NULL, 0);
}

/* An ACK of `ack` from the peer with one SACK block [start, end). */
static void
peer_ack_sack(uint32_t ack, uint32_t start, uint32_t end)
{
    uint8_t opt[12] = { 1, 1, 5, 10 };

    for (int b = 0; b < 4; b++) {
        opt[4 + b] = (uint8_t)(start >> (24 - 8 * b));
        opt[8 + b] = (uint8_t)(end >> (24 - 8 * b));
    }
    peer_send_opts(PEER_PORT, OUR_PORT, 101, ack, TCP_ACK, 65535, opt, sizeof(opt), NULL, 0);
}

/* Block k of a segment the stack sent is [start, end). */
static void
assert_block(const struct seg *s, unsigned k, uint32_t start, uint32_t end)
{
    ck_assert_uint_gt(s->nsack, k);
    ck_assert_uint_eq(s->sack[k][0], start);
    ck_assert_uint_eq(s->sack[k][1], end);
}

/* Passive open where both sides agree on SACK; the connection, our ISS in *iss. */
static struct tcp_pcb *
open_sack(uint32_t irs, uint32_t *iss)
{
    struct tcp_pcb *l = listener(), *c;
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_syn_opts(irs, true);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    ck_assert(s.sack_perm);
    *iss = s.seq;
    peer_send(irs + 1, s.seq + 1, TCP_ACK, 65535, NULL, 0);
    c = tcp_accept(l);
    ck_assert_ptr_nonnull(c);
    ck_assert(c->sack_ok);
    tcp_close(l);
    no_more_frames();
    return c;
}

/* Send n full segments of data and take them off the wire; returns how many went. */
static int
send_segments(struct tcp_pcb *c, unsigned n)
{
    static uint8_t buf[64 * MSS];
    struct seg s;
    int sent = 0;

    ut_fill(buf, sizeof(buf), 3);
    ck_assert_int_eq(tcp_send(c, buf, (size_t)n * MSS), (long)n * MSS);
    while (seg_waiting()) {
        pop_seg(&s);
        sent++;
    }
    return sent;
}

/* One segment out and its ACK `us` later: an RTT sample (RFC 6298). Returns SND.UNA. */
static uint32_t
measure_rtt(struct tcp_pcb *c, uint32_t iss, uint64_t us)
{
    ck_assert_int_eq(send_segments(c, 1), 1);
    clock_advance(us);
    peer_send(101, iss + 1 + MSS, TCP_ACK, 65535, NULL, 0);
    ck_assert(c->rtt_valid);
    ck_assert_uint_eq(c->srtt_us, us);
    return iss + 1 + MSS;
}

/* RFC 2018 2: SACK-permitted on the SYN-ACK only if the SYN had it; MSS first. */
START_TEST(test_sack_negotiation)
{
    struct tcp_pcb *l = listener();
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_syn_opts(1000, true);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(s.optlen, 8);
    ck_assert_mem_eq(s.opts, opt_mss_sackok, 8);
    peer_send_opts(PEER_PORT + 1, OUR_PORT, 2000, 0, TCP_SYN, 65535, opt_mss_sackok, 4, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.optlen, 4);                /* MSS only */
    ck_assert(!s.sack_perm);
    tcp_close(l);
}
END_TEST

/* --no-sack: the option is neither offered (active open) nor accepted (passive). */
START_TEST(test_sack_off_by_config)
{
    struct stack_config cfg;
    struct tcp_pcb *l, *c;
    struct seg s;

    ut_config(&cfg);
    cfg.tcp.no_sack = true;
    ut_restart(&cfg);
    l = listener();
    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_syn_opts(1000, true);
    pop_seg(&s);
    ck_assert(!s.sack_perm);
    ck_assert_uint_eq(s.optlen, 4);
    tcp_close(l);
    c = tcp_new();
    ck_assert_int_eq(tcp_connect(c, UT_IP_GW, 80), TS_EINPROGRESS);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN);
    ck_assert(!s.sack_perm);
    tcp_abort(c);
}
END_TEST

/* Active open: our SYN offers SACK; a SYN-ACK without it leaves SACK off. */
START_TEST(test_sack_active_open)
{
    struct tcp_pcb *c = tcp_new();
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert_int_eq(tcp_connect(c, UT_IP_GW, 80), TS_EINPROGRESS);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN);
    ck_assert_uint_eq(s.optlen, 8);
    ck_assert_mem_eq(s.opts, opt_mss_sackok, 8);
    peer_send_opts(80, s.sport, 5000, s.seq + 1, TCP_SYN | TCP_ACK, 65535, opt_mss_sackok, 4,
                   NULL, 0);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    ck_assert(!c->sack_ok);
    pop_seg(&s);                                   /* our ACK: no SACK option either */
    ck_assert_uint_eq(s.optlen, 0);
    tcp_abort(c);
}
END_TEST

/* RFC 2018 4: out-of-order data is reported at once, the newest range first; ranges merge
 * as gaps fill; once all is in order the ACK carries no SACK option. */
START_TEST(test_sack_blocks_report_newest_first)
{
    uint32_t iss, r = 101;
    struct tcp_pcb *c = open_sack(100, &iss);
    uint8_t d[1000];
    struct seg s;

    memset(d, 'x', sizeof(d));
    peer_send(r + 1000, iss + 1, TCP_ACK, 65535, d, 1000);        /* B; A is missing */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, r);
    ck_assert_uint_eq(s.dlen, 0);
    ck_assert_uint_eq(s.nsack, 1);
    assert_block(&s, 0, r + 1000, r + 2000);
    peer_send(r + 3000, iss + 1, TCP_ACK, 65535, d, 1000);        /* D; C is missing */
    pop_seg(&s);
    ck_assert_uint_eq(s.nsack, 2);
    ck_assert_uint_eq(s.sack[0][0], r + 3000);                    /* the newest first */
    ck_assert_uint_eq(s.sack[1][0], r + 1000);
    peer_send(r + 5000, iss + 1, TCP_ACK, 65535, d, 1000);        /* F */
    peer_send(r + 1000, iss + 1, TCP_ACK, 65535, d, 1000);        /* B again: D-SACK */
    while (seg_waiting())
        pop_seg(&s);
    peer_send(r + 2000, iss + 1, TCP_ACK, 65535, d, 1000);        /* C joins B and D */
    pop_seg(&s);
    ck_assert_uint_eq(s.nsack, 2);
    assert_block(&s, 0, r + 1000, r + 4000);
    ck_assert_uint_eq(s.sack[1][0], r + 5000);
    peer_send(r + 4000, iss + 1, TCP_ACK, 65535, d, 1000);        /* E */
    pop_seg(&s);
    ck_assert_uint_eq(s.nsack, 1);
    assert_block(&s, 0, r + 1000, r + 6000);
    peer_send(r, iss + 1, TCP_ACK, 65535, d, 1000);               /* A: all in order */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, r + 6000);
    ck_assert_uint_eq(s.nsack, 0);
    ck_assert_uint_eq(s.optlen, 0);
    tcp_abort(c);
}
END_TEST

/* RFC 2883 4: a duplicate below RCV.NXT is the first block; a duplicate of a range held out
 * of order comes first, followed by the range that holds it. */
START_TEST(test_dsack_reports_duplicates)
{
    uint32_t iss, r = 101;
    struct tcp_pcb *c = open_sack(100, &iss);
    uint8_t d[500];
    struct seg s;

    memset(d, 'y', sizeof(d));
    peer_send(r, iss + 1, TCP_ACK | TCP_PSH, 65535, d, 500);
    clock_advance(200 * US_PER_MS);                               /* delayed ACK */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, r + 500);
    peer_send(r, iss + 1, TCP_ACK | TCP_PSH, 65535, d, 500);      /* the same again */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, r + 500);
    ck_assert_uint_eq(s.nsack, 1);
    assert_block(&s, 0, r, r + 500);
    ck_assert_uint_eq(STAT_GET(tcp, dsack_out), 1);
    peer_send(r + 1000, iss + 1, TCP_ACK, 65535, d, 500);         /* out of order */
    pop_seg(&s);
    ck_assert_uint_eq(s.nsack, 1);                                /* the D-SACK was said once */
    peer_send(r + 1000, iss + 1, TCP_ACK, 65535, d, 200);         /* part of it again */
    pop_seg(&s);
    ck_assert_uint_eq(s.nsack, 2);
    assert_block(&s, 0, r + 1000, r + 1200);
    assert_block(&s, 1, r + 1000, r + 1500);
    tcp_abort(c);
}
END_TEST

/* RFC 2883 4 for partial duplicates: the part already held is the D-SACK block, whether the
 * segment spans two held ranges (example 6), half overlaps one, or arrives in order over one. */
START_TEST(test_dsack_partial_overlaps)
{
    uint32_t iss, r = 101;
    struct tcp_pcb *c = open_sack(100, &iss);
    uint8_t d[300];
    struct seg s;

    memset(d, 'z', sizeof(d));
    peer_send(r + 500, iss + 1, TCP_ACK, 65535, d, 100);          /* held: 500-600 */
    peer_send(r + 100, iss + 1, TCP_ACK, 65535, d, 100);          /*       100-200 */
    peer_send(r + 300, iss + 1, TCP_ACK, 65535, d, 100);          /*       300-400 */
    while (seg_waiting())
        pop_seg(&s);
    peer_send(r + 100, iss + 1, TCP_ACK, 65535, d, 300);          /* 100-400: 100-200 twice */
    pop_seg(&s);
    ck_assert_uint_eq(s.nsack, 3);
    assert_block(&s, 0, r + 100, r + 200);
    assert_block(&s, 1, r + 100, r + 400);
    ck_assert_uint_eq(s.sack[2][0], r + 500);
    peer_send(r + 550, iss + 1, TCP_ACK, 65535, d, 100);          /* 550-650: half held */
    pop_seg(&s);
    assert_block(&s, 0, r + 550, r + 600);
    assert_block(&s, 1, r + 500, r + 650);
    peer_send(r, iss + 1, TCP_ACK, 65535, d, 150);                /* in order, over 100-150 */
    pop_seg(&s);
    ck_assert_uint_eq(s.ack, r + 400);
    ck_assert_uint_eq(s.sack[0][0], r + 100);                    /* below the ACK: a D-SACK */
    ck_assert_uint_eq(s.sack[0][1], r + 150);
    ck_assert_uint_eq(s.sack[1][0], r + 500);
    tcp_abort(c);
}
END_TEST

/* A SACK option whose length is not 2 + 8n is ignored, counted, and the segment's ACK is
 * still taken (RFC 9293 3.1: an option must not break the segment). */
START_TEST(test_sack_bad_length_ignored)
{
    uint32_t iss;
    struct tcp_pcb *c = open_sack(100, &iss);
    uint8_t opt[12] = { 1, 5, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0 };

    ck_assert_int_eq(send_segments(c, 1), 1);
    peer_send_opts(PEER_PORT, OUR_PORT, 101, iss + 1 + MSS, TCP_ACK, 65535, opt, 12, NULL, 0);
    ck_assert_uint_eq(STAT_GET(tcp, sack_bad), 1);
    ck_assert_uint_eq(c->snd_una, iss + 1 + MSS);
    tcp_abort(c);
}
END_TEST

/* RFC 8985 6.2 + RFC 6675: segment 2 of 10 is lost; the peer ACKs 1 and SACKs 3-10. With
 * three or more SACKed and no reordering seen, the window is 0: segment 2 is lost at once
 * and is the only one sent again. The full ACK ends the recovery at ssthresh. */
START_TEST(test_rack_resends_only_the_hole)
{
    uint32_t iss, base;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;

    c->cwnd = 10 * MSS;
    ck_assert_int_eq(send_segments(c, 10), 10);
    base = iss + 1;
    clock_advance(10 * US_PER_MS);
    peer_ack_sack(base + MSS, base + 2 * MSS, base + 10 * MSS);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + MSS);                         /* segment 2, alone */
    ck_assert_uint_eq(s.dlen, MSS);
    no_more_frames();
    ck_assert(c->in_recovery);
    ck_assert_uint_eq(c->ssthresh, 9 * MSS / 2);                  /* FlightSize / 2 */
    ck_assert_uint_eq(STAT_GET(tcp, rack_lost), 1);
    ck_assert_uint_eq(STAT_GET(tcp, sack_rexmit), 1);
    ck_assert_uint_eq(STAT_GET(tcp, fast_rexmit), 1);
    clock_advance(10 * US_PER_MS);
    peer_send(101, base + 10 * MSS, TCP_ACK, 65535, NULL, 0);
    ck_assert(!c->in_recovery);
    ck_assert_uint_eq(c->cwnd, c->ssthresh);                      /* RFC 6937: exit at ssthresh */
    ck_assert_uint_eq(c->nsegs, 0);
    ck_assert_uint_eq(STAT_GET(tcp, rexmit), 0);                  /* no timeout */
    tcp_abort(c);
}
END_TEST

/* RFC 8985 6.2 step 4-5: with one segment SACKed and no reordering seen, a segment sent
 * before it waits a reordering window of min_RTT / 4 more; the timer then resends it. */
START_TEST(test_rack_reordering_window_timer)
{
    uint32_t iss, base;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;

    ck_assert_int_eq(send_segments(c, 3), 3);                     /* the initial window */
    base = iss + 1;
    clock_advance(8 * US_PER_MS);
    peer_send(101, base + MSS, TCP_ACK, 65535, NULL, 0);          /* RTT 8 ms */
    while (seg_waiting())
        pop_seg(&s);                                              /* the window grew */
    peer_ack_sack(base + MSS, base + 2 * MSS, base + 3 * MSS);
    no_more_frames();                                             /* not yet: 8 + 2 ms */
    ck_assert_uint_eq(c->min_rtt_us, 8000);
    ck_assert_int_eq(c->timer_kind, TCP_TMR_REO);
    clock_advance(1999);
    no_more_frames();
    clock_advance(1);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + MSS);
    ck_assert_uint_eq(STAT_GET(tcp, rack_lost), 1);
    tcp_abort(c);
}
END_TEST

/* RFC 6937: during recovery PRR sends ssthresh / RecoverFS of what is delivered while pipe is
 * above ssthresh: with ssthresh half the flight, one new segment for every two SACKed. */
START_TEST(test_prr_sends_half_of_what_is_delivered)
{
    uint32_t iss, base, high;
    struct tcp_pcb *c = open_sack(100, &iss);
    static uint8_t more[24 * MSS];
    struct seg s;
    int rexmit = 0, fresh = 0;

    c->cwnd = 20 * MSS;
    c->snd_wnd = 65535;
    ck_assert_int_eq(send_segments(c, 20), 20);
    base = iss + 1;
    ck_assert_int_eq(tcp_send(c, more, sizeof(more)), (long)sizeof(more));
    no_more_frames();
    high = c->snd_max;
    clock_advance(10 * US_PER_MS);
    /* Segment 1 lost; 2-4 SACKed: RACK judges 1 lost (3 SACKed, window 0): recovery. */
    peer_ack_sack(base, base + MSS, base + 4 * MSS);
    ck_assert(c->in_recovery);
    ck_assert_uint_eq(c->ssthresh, 10 * MSS);
    while (seg_waiting()) {
        pop_seg(&s);
        if (s.seq == base)
            rexmit++;
    }
    ck_assert_int_eq(rexmit, 1);
    /* Ten more ACKs, each SACKing one more segment. */
    for (unsigned k = 4; k < 14; k++) {
        peer_ack_sack(base, base + MSS, base + (k + 1) * MSS);
        while (seg_waiting()) {
            pop_seg(&s);
            ck_assert(seq_geq(s.seq, high));           /* new data only, nothing resent */
            fresh++;
        }
    }
    ck_assert_int_ge(fresh, 4);                        /* about half of ten (5 here) */
    ck_assert_int_le(fresh, 6);
    ck_assert_uint_eq(STAT_GET(tcp, sack_rexmit), 1);
    tcp_abort(c);
}
END_TEST

/* RACK finds a lost retransmission (RFC 8985 2.2): new data sent after the resend is SACKed,
 * the resend is not: an RTT later it goes again, without waiting for the RTO. */
START_TEST(test_rack_lost_retransmission)
{
    uint32_t iss, base;
    struct tcp_pcb *c = open_sack(100, &iss);
    static uint8_t more[20 * MSS];
    struct seg s;
    uint32_t high;

    c->cwnd = 10 * MSS;
    ck_assert_int_eq(send_segments(c, 10), 10);
    base = iss + 1;
    ck_assert_int_eq(tcp_send(c, more, sizeof(more)), (long)sizeof(more));
    no_more_frames();                                             /* cwnd is full */
    clock_advance(10 * US_PER_MS);
    high = c->snd_max;
    peer_ack_sack(base + MSS, base + 2 * MSS, base + 10 * MSS);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + MSS);                         /* the hole */
    while (seg_waiting())
        pop_seg(&s);                                              /* new data PRR allows */
    ck_assert(seq_gt(c->snd_max, high));
    high = c->snd_max;
    /* 10 ms on: everything after the hole arrived, the resend did not. */
    clock_advance(10 * US_PER_MS);
    peer_ack_sack(base + MSS, base + 2 * MSS, high);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + MSS);                         /* again */
    ck_assert_uint_eq(STAT_GET(tcp, sack_rexmit), 2);
    ck_assert_uint_eq(STAT_GET(tcp, rexmit), 0);
    ck_assert_uint_eq(STAT_GET(tcp, fast_rexmit), 1);             /* one recovery */
    tcp_abort(c);
}
END_TEST

/* RFC 3708 / RFC 4015: every retransmission of a recovery D-SACKed: nothing was lost, the
 * old cwnd and ssthresh come back, and reordering is now expected (RFC 8985 6.2). */
START_TEST(test_dsack_undoes_spurious_recovery)
{
    uint32_t iss, base, cwnd0, ssthresh0;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;

    c->cwnd = 10 * MSS;
    ck_assert_int_eq(send_segments(c, 10), 10);
    base = iss + 1;
    cwnd0 = c->cwnd;
    ssthresh0 = c->ssthresh;
    clock_advance(10 * US_PER_MS);
    peer_ack_sack(base + MSS, base + 2 * MSS, base + 10 * MSS);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + MSS);
    ck_assert(c->in_recovery);
    ck_assert_uint_lt(c->ssthresh, ssthresh0);
    /* Segment 2 was only late: the full ACK, then a D-SACK for the copy. First a D-SACK for
     * segment 5, which was never resent (the network duplicated it): no undo for that. */
    peer_send(101, base + 10 * MSS, TCP_ACK, 65535, NULL, 0);
    peer_ack_sack(base + 10 * MSS, base + 4 * MSS, base + 5 * MSS);
    ck_assert_uint_eq(STAT_GET(tcp, dsack_in), 1);
    ck_assert_uint_eq(STAT_GET(tcp, undo), 0);
    peer_ack_sack(base + 10 * MSS, base + MSS, base + 2 * MSS);
    ck_assert_uint_eq(STAT_GET(tcp, dsack_in), 2);
    ck_assert_uint_eq(STAT_GET(tcp, undo), 1);
    ck_assert_uint_ge(c->cwnd, cwnd0);
    ck_assert_uint_eq(c->ssthresh, ssthresh0);
    ck_assert(c->reordering_seen);
    tcp_abort(c);
}
END_TEST

/* RFC 8985 7: no ACK comes back for a flight: after PTO = 2 * SRTT (at least 10 ms) a probe
 * goes (the last segment again, no new data being queued), then the RTO is armed. */
START_TEST(test_tlp_probes_the_tail)
{
    uint32_t iss, base;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;

    base = measure_rtt(c, iss, 6 * US_PER_MS);
    ck_assert_int_eq(send_segments(c, 3), 3);
    clock_advance(12 * US_PER_MS - 1);
    no_more_frames();
    clock_advance(1);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + 2 * MSS);                     /* the last segment */
    ck_assert_uint_eq(STAT_GET(tcp, tlp), 1);
    ck_assert(c->tlp_out);
    ck_assert_int_eq(c->timer_kind, TCP_TMR_RTO);
    /* The first two were lost: the probe's ACK, an RTT later, SACKs segment 3; RACK now
     * knows 1 and 2 are lost (sent long before the probe) and resends them. */
    clock_advance(6 * US_PER_MS);
    peer_ack_sack(base, base + 2 * MSS, base + 3 * MSS);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base);
    ck_assert_uint_eq(STAT_GET(tcp, rexmit), 0);
    tcp_abort(c);
}
END_TEST

/* RFC 6298 5.4 with SACK (RFC 6675 5.1): after a timeout, segments the peer SACKed are not
 * sent again; the holes go in order as slow start allows. */
START_TEST(test_rto_skips_sacked_segments)
{
    uint32_t iss, base;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;

    base = measure_rtt(c, iss, 6 * US_PER_MS);
    ck_assert_int_eq(send_segments(c, 3), 3);
    clock_advance(12 * US_PER_MS);                                /* the probe */
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + 2 * MSS);
    clock_advance(1000 * US_PER_MS);                              /* the RTO */
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base);
    ck_assert_uint_eq(STAT_GET(tcp, rexmit), 1);
    ck_assert_uint_eq(c->cwnd, MSS);
    no_more_frames();
    peer_ack_sack(base + MSS, base + 2 * MSS, base + 3 * MSS);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + MSS);                         /* the hole, not segment 3 */
    no_more_frames();
    peer_send(101, base + 3 * MSS, TCP_ACK, 65535, NULL, 0);
    ck_assert_uint_eq(c->nsegs, 0);
    ck_assert(!c->rto_recovery);
    tcp_abort(c);
}
END_TEST

/* The scoreboard holds 64 segments: a 65th, even a bare FIN, waits for an ACK to free a
 * record, so that everything in flight can be resent (a FIN left out never would be). */
START_TEST(test_scoreboard_full_holds_data_and_fin)
{
    uint32_t iss, base;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;

    base = iss + 1;
    c->cwnd = 65535;
    tcp_set_nodelay(c, true);
    for (int i = 0; i < TCP_SEGS_MAX; i++) {
        ck_assert_int_eq(tcp_send(c, "x", 1), 1);
        pop_seg(&s);
    }
    ck_assert_uint_eq(c->nsegs, TCP_SEGS_MAX);
    tcp_shutdown(c, false, true);
    no_more_frames();                               /* the FIN waits */
    peer_send(101, base + 1, TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, base + TCP_SEGS_MAX);
    ck_assert_uint_eq(s.dlen, 0);
    ck_assert(s.flags & TCP_FIN);
    ck_assert_uint_eq(c->nsegs, TCP_SEGS_MAX);      /* and is on the scoreboard */
    ck_assert_int_eq(tcp_send(c, "y", 1), TS_EPIPE);
    tcp_abort(c);
}
END_TEST

/* A sender that filled our window to the byte sends its ACKs at SEG.SEQ = RCV.NXT + RCV.WND:
 * they are taken (as BSD and Linux do), not dropped as out of window. */
START_TEST(test_ack_at_right_window_edge_accepted)
{
    uint32_t iss;
    struct tcp_pcb *c = open_sack(100, &iss);
    struct seg s;
    uint32_t wnd = c->rcv_wnd_adv;

    ck_assert_int_eq(send_segments(c, 1), 1);
    peer_send(101 + wnd, iss + 1 + MSS, TCP_ACK, 65535, NULL, 0);
    ck_assert_uint_eq(c->snd_una, iss + 1 + MSS);
    ck_assert_uint_eq(STAT_GET(tcp, out_of_window), 0);
    peer_send(101 + wnd + 1, iss + 1 + MSS, TCP_ACK, 65535, NULL, 0);
    pop_seg(&s);                                                  /* beyond: answered, dropped */
    ck_assert_uint_eq(STAT_GET(tcp, out_of_window), 1);
    tcp_abort(c);
}
END_TEST

Suite *
tcp_sack_suite(void)
{
    Suite *s = suite_create("tcp_sack");
    TCase *tc = ut_tcase("tcp-sack");

    tcase_add_test(tc, test_sack_negotiation);
    tcase_add_test(tc, test_sack_off_by_config);
    tcase_add_test(tc, test_sack_active_open);
    tcase_add_test(tc, test_sack_blocks_report_newest_first);
    tcase_add_test(tc, test_dsack_reports_duplicates);
    tcase_add_test(tc, test_dsack_partial_overlaps);
    tcase_add_test(tc, test_sack_bad_length_ignored);
    tcase_add_test(tc, test_rack_resends_only_the_hole);
    tcase_add_test(tc, test_rack_reordering_window_timer);
    tcase_add_test(tc, test_rack_lost_retransmission);
    tcase_add_test(tc, test_prr_sends_half_of_what_is_delivered);
    tcase_add_test(tc, test_dsack_undoes_spurious_recovery);
    tcase_add_test(tc, test_tlp_probes_the_tail);
    tcase_add_test(tc, test_rto_skips_sacked_segments);
    tcase_add_test(tc, test_ack_at_right_window_edge_accepted);
    tcase_add_test(tc, test_scoreboard_full_holds_data_and_fin);
    suite_add_tcase(s, tc);
    return s;
}
