/*
 * test_tcp_hostile.c - TCP against peers that misbehave on purpose, on the
 * virtual clock: a zero-window peer that ACKs every probe and never takes a
 * byte (orphans are reset within the orphan timeout, open connections probe
 * on), many orphans (the oldest is reset past the cap), a peer announcing an
 * MSS larger than our MTU carries (segments fit our MTU) or tiny (clamped to
 * TCP_MIN_SND_MSS), and a segment that cannot be handed to the interface
 * (SND.NXT stays; the timer sends it again).
 *
 * The peer is 10.0.0.1 (ut_mac_gw), built and parsed by tcp_peer.c.
 */
#include "helpers.h"
#include "tcp_peer.h"

#include "../../stack/tcp_var.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"

#include <string.h>

#define STEP_US (100ull * 1000)          /* the peer looks at the wire every 100 ms */

/* A connection from the peer's port `port` to OUR_PORT through listener l; ISS in *iss.
 * The peer's SYN carries MSS `mss` (0: no option); its ACK offers window `wnd`. */
static struct tcp_pcb *
open_from(struct tcp_pcb *l, uint16_t port, uint16_t mss, uint16_t wnd, uint32_t *iss)
{
    uint8_t opt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };
    struct tcp_pcb *c;
    struct seg s;

    peer_send_opts(port, OUR_PORT, 100, 0, TCP_SYN, 65535, opt, mss ? 4 : 0, NULL, 0);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    *iss = s.seq;
    peer_send_opts(port, OUR_PORT, 101, s.seq + 1, TCP_ACK, wnd, NULL, 0, NULL, 0);
    c = tcp_accept(l);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    return c;
}

/*
 * The hostile reader: for `us` microseconds, answer every segment from us with
 * an ACK of nothing new and a zero window (the probe byte refused). Returns
 * when the time is up or a RST came; the RST's peer port in *rst_port (0: none).
 */
static void
zero_window_peer(uint64_t us, uint16_t *rst_port)
{
    uint64_t end = clock_now() + us;
    struct seg s;

    *rst_port = 0;
    while (clock_now() < end) {
        clock_advance(STEP_US);
        while (seg_waiting()) {
            pop_seg(&s);
            if (s.flags & TCP_RST) {
                *rst_port = s.dport;
                return;
            }
            /* ACK what came before the probe byte, window still 0. */
            peer_send_opts(s.dport, OUR_PORT, 101, s.seq, TCP_ACK, 0, NULL, 0, NULL, 0);
        }
    }
}

/* Let `us` pass, looking at the wire every STEP_US (so ARP is answered in time): nothing
 * we sent is a RST. */
static void
quiet_peer(uint64_t us)
{
    uint64_t end = clock_now() + us;
    struct seg s;

    while (clock_now() < end) {
        clock_advance(STEP_US);
        while (seg_waiting()) {
            pop_seg(&s);
            ck_assert(!(s.flags & TCP_RST));
        }
    }
}

/* Throw away whatever frames are waiting (the last RSTs, ARP), unparsed. */
static void
drain(void)
{
    uint8_t f[UT_FRAME_MAX];

    while (ut_pop(f) > 0)
        ;
}

/* An orphan whose peer ACKs every zero-window probe but never takes a byte is reset
 * within the orphan timeout (default 60 s), counted, and its control block freed. */
START_TEST(test_tcp_orphan_zero_window_reset)
{
    struct tcp_pcb *l = listener(), *c;
    uint32_t iss;
    uint16_t rst;
    uint64_t t0;

    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert_uint_eq(tcp_config_get()->orphan_timeout_us, 60 * US_PER_SEC);
    c = open_from(l, PEER_PORT, 1460, 0, &iss);
    ck_assert_int_eq(tcp_send(c, "a page nobody reads", 19), 19);
    tcp_close(c);                                  /* as HTTP does after its timeout */
    ck_assert_uint_eq(tcp_orphan_count(), 1);
    t0 = clock_now();
    zero_window_peer(59 * US_PER_SEC, &rst);
    ck_assert_uint_eq(rst, 0);                     /* probes answered: alive so far */
    ck_assert_uint_ge(STAT_GET(tcp, window_probe), 4);
    zero_window_peer(2 * US_PER_SEC, &rst);
    ck_assert_uint_eq(rst, PEER_PORT);             /* reset, within the bound */
    ck_assert_uint_le(clock_now() - t0, 60 * US_PER_SEC + STEP_US);
    ck_assert_uint_eq(STAT_GET(tcp, orphan_timeout), 1);
    ck_assert_uint_eq(tcp_orphan_count(), 0);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 1);  /* only the listener is left */
    tcp_close(l);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 0);
}
END_TEST

/* RFC 1122 4.2.2.17: an open connection with the same peer keeps probing, long past the
 * orphan timeout; only orphans die. */
START_TEST(test_tcp_open_zero_window_probes_on)
{
    struct tcp_pcb *l = listener(), *c;
    uint32_t iss;
    uint16_t rst;
    uint64_t probes;

    ut_learn(UT_IP_GW, ut_mac_gw);
    c = open_from(l, PEER_PORT, 1460, 0, &iss);
    ck_assert_int_eq(tcp_send(c, "still wanted", 12), 12);
    zero_window_peer(65 * US_PER_SEC, &rst);
    probes = STAT_GET(tcp, window_probe);
    zero_window_peer(240 * US_PER_SEC, &rst);
    ck_assert_uint_eq(rst, 0);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    ck_assert_uint_ge(STAT_GET(tcp, window_probe), probes + 3);   /* every 60 s at most */
    ck_assert_uint_eq(STAT_GET(tcp, orphan_timeout), 0);
    ck_assert_uint_eq(STAT_GET(tcp, timeout_drop), 0);
    tcp_abort(c);
    tcp_close(l);
}
END_TEST

/* An orphan that makes progress, however slowly, is not reset: each ACK of new data
 * starts its clock again (here 1460 bytes every 40 s, against a 60 s timeout). */
START_TEST(test_tcp_orphan_progress_keeps_it)
{
    struct tcp_pcb *l = listener(), *c;
    static uint8_t data[4 * 1460];
    uint32_t iss, acked;

    ut_learn(UT_IP_GW, ut_mac_gw);
    c = open_from(l, PEER_PORT, 1460, 1460, &iss);
    ut_fill(data, sizeof(data), 3);
    ck_assert_int_eq(tcp_send(c, data, sizeof(data)), (long)sizeof(data));
    tcp_close(c);
    for (acked = 1460; acked <= sizeof(data); acked += 1460) {
        quiet_peer(40 * US_PER_SEC);
        peer_send(101, iss + 1 + acked, TCP_ACK, 1460, NULL, 0);
    }
    ck_assert_uint_eq(STAT_GET(tcp, orphan_timeout), 0);
    ck_assert_uint_eq(tcp_orphan_count(), 1);      /* all data taken; the FIN is on its way */
    ck_assert_uint_eq(c->snd.len, 0);
    tcp_abort(c);
    tcp_close(l);
    drain();
}
END_TEST

/* An orphan in FIN-WAIT-2 whose peer never sends its FIN is gone after the orphan
 * timeout (Linux: tcp_fin_timeout), even when 2 MSL is longer. */
START_TEST(test_tcp_orphan_fin_wait_2_bounded)
{
    struct stack_config cfg;
    struct tcp_pcb *l, *c;
    uint32_t iss;
    struct seg s;

    ut_config(&cfg);
    cfg.tcp.orphan_timeout_us = 10 * US_PER_SEC;
    cfg.tcp.msl_us = 120 * US_PER_SEC;
    ut_restart(&cfg);
    l = listener();
    ut_learn(UT_IP_GW, ut_mac_gw);
    c = open_from(l, PEER_PORT, 1460, 65535, &iss);
    tcp_close(c);
    pop_seg(&s);
    ck_assert(s.flags & TCP_FIN);
    peer_send(101, s.seq + 1, TCP_ACK, 65535, NULL, 0);        /* our FIN acked, none back */
    ck_assert_int_eq(c->state, TCPS_FIN_WAIT_2);
    clock_advance(10 * US_PER_SEC - 1);
    ck_assert_uint_eq(tcp_orphan_count(), 1);
    clock_advance(1);
    ck_assert_uint_eq(tcp_orphan_count(), 0);
    ck_assert_uint_eq(STAT_GET(tcp, orphan_timeout), 1);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_RST);
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 1);  /* the listener */
    tcp_close(l);
}
END_TEST

/* Past the cap on orphans (tcp_max_orphans) the oldest orphan is reset, counted; the
 * default cap is a quarter of the control blocks. */
START_TEST(test_tcp_orphan_cap_resets_oldest)
{
    struct stack_config cfg;
    struct tcp_pcb *l, *c;
    uint32_t iss;
    struct seg s;

    ck_assert_uint_eq(tcp_config_get()->max_orphans, tcp_config_get()->max_pcbs / 4);
    ut_config(&cfg);
    cfg.tcp.max_pcbs = 16;
    cfg.tcp.max_orphans = 2;
    ut_restart(&cfg);
    l = listener();
    ut_learn(UT_IP_GW, ut_mac_gw);
    for (uint16_t i = 0; i < 3; i++) {
        c = open_from(l, (uint16_t)(41000 + i), 1460, 0, &iss);
        ck_assert_int_eq(tcp_send(c, "zzz", 3), 3);
        tcp_close(c);
        clock_advance(1000);
    }
    ck_assert_uint_eq(STAT_GET(tcp, orphan_overflow), 1);
    ck_assert_uint_eq(tcp_orphan_count(), 2);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_RST);
    ck_assert_uint_eq(s.dport, 41000);             /* the oldest */
    no_more_frames();
    ck_assert_uint_eq(tcp_count(TCPS_CLOSED), 3);  /* listener + 2 orphans */
    for (unsigned i = 0; i < 16; i++) {
        const struct tcp_pcb *p = tcp_pcb_at(i);

        if (p && p->orphan)
            tcp_abort((struct tcp_pcb *)p);
    }
    tcp_close(l);
    drain();
}
END_TEST

/* RFC 9293 3.7.1, RFC 1122 4.2.2.6: a peer announcing MSS 8960 (MTU 9000) gets segments
 * our own 1500-byte MTU carries: 1460 bytes at most, nothing dropped as too big. */
START_TEST(test_tcp_mss_bounded_by_our_mtu)
{
    struct tcp_pcb *l = listener(), *c;
    static uint8_t data[20000];
    uint32_t iss, got = 0;
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    c = open_from(l, PEER_PORT, 8960, 65535, &iss);
    ck_assert_uint_eq(c->snd_mss, 1460);
    ut_fill(data, sizeof(data), 7);
    ck_assert_int_eq(tcp_send(c, data, sizeof(data)), (long)sizeof(data));
    while (got < sizeof(data)) {
        ck_assert(seg_waiting());
        while (seg_waiting()) {
            pop_seg(&s);
            ck_assert_uint_le(s.dlen, 1460);
            ck_assert_uint_eq(s.seq, iss + 1 + got);
            ck_assert_mem_eq(s.data, data + got, s.dlen);
            got += (uint32_t)s.dlen;
        }
        peer_send(101, iss + 1 + got, TCP_ACK, 65535, NULL, 0);
    }
    ck_assert_uint_eq(STAT_GET(ipv4, too_big), 0);
    ck_assert_uint_eq(STAT_GET(tcp, tx_fail), 0);
    ck_assert_uint_eq(STAT_GET(tcp, mss_clamped), 0);
    tcp_abort(c);
    tcp_close(l);
}
END_TEST

/* CVE-2019-11479: MSS 1 is clamped to the floor (counted) and segments carry
 * TCP_MIN_SND_MSS bytes; an MSS at the floor is taken as it is. Both ways of opening. */
START_TEST(test_tcp_mss_floor)
{
    struct tcp_pcb *l = listener(), *c;
    static uint8_t data[1000];
    uint8_t opt[4] = { 2, 4, 0, 1 };
    uint32_t iss;
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    ut_fill(data, sizeof(data), 9);
    c = open_from(l, PEER_PORT, 1, 65535, &iss);
    ck_assert_uint_eq(STAT_GET(tcp, mss_clamped), 1);
    ck_assert_uint_eq(c->snd_mss, TCP_MIN_SND_MSS);
    ck_assert_int_eq(tcp_send(c, data, sizeof(data)), (long)sizeof(data));
    pop_seg(&s);
    ck_assert_uint_eq(s.dlen, TCP_MIN_SND_MSS);
    while (seg_waiting()) {
        pop_seg(&s);
        ck_assert_uint_eq(s.dlen, TCP_MIN_SND_MSS);
    }
    tcp_abort(c);
    pop_seg(&s);                                   /* the RST */

    c = open_from(l, PEER_PORT + 1, TCP_MIN_SND_MSS, 65535, &iss);
    ck_assert_uint_eq(c->snd_mss, TCP_MIN_SND_MSS);
    ck_assert_uint_eq(STAT_GET(tcp, mss_clamped), 1);
    tcp_abort(c);
    pop_seg(&s);
    tcp_close(l);

    /* Active open: the SYN-ACK's MSS 1 is clamped as well. */
    c = tcp_new();
    ck_assert_int_eq(tcp_connect(c, UT_IP_GW, 8000), TS_EINPROGRESS);
    pop_seg(&s);
    peer_send_opts(8000, c->local_port, 9000, s.seq + 1, TCP_SYN | TCP_ACK, 65535, opt, 4, NULL,
                   0);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    ck_assert_uint_eq(c->snd_mss, TCP_MIN_SND_MSS);
    ck_assert_uint_eq(STAT_GET(tcp, mss_clamped), 2);
    tcp_abort(c);
    drain();
}
END_TEST

/* A segment that cannot have a buffer does not advance SND.NXT; it is counted, and the
 * retransmission timer sends it once buffers are back (before: it waited forever). */
START_TEST(test_tcp_output_no_buffer_keeps_snd_nxt)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    struct pkb *held[UT_PKB_COUNT + 1];
    unsigned n = 0;
    struct seg s;

    while (n < ARRAY_LEN(held) && (held[n] = pkb_alloc()) != NULL)
        n++;
    ck_assert_uint_lt(n, ARRAY_LEN(held));         /* the pool is empty now */
    ck_assert_int_eq(tcp_send(c, "hello", 5), 5);
    ck_assert_uint_eq(c->snd_nxt, iss + 1);
    ck_assert_uint_eq(c->snd_max, iss + 1);
    ck_assert_uint_ge(STAT_GET(tcp, tx_fail), 1);
    no_more_frames();
    while (n > 0)
        pkb_free(held[--n]);
    clock_advance(c->rto_us);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_uint_eq(s.dlen, 5);
    ck_assert_uint_eq(c->snd_nxt, iss + 6);
    peer_send(101, iss + 6, TCP_ACK, 65535, NULL, 0);
    ck_assert_uint_eq(c->snd.len, 0);
    tcp_abort(c);
    pop_seg(&s);
}
END_TEST

/* A segment too big for the interface (an MSS bigger than the MTU, set here by hand)
 * is refused by IPv4: SND.NXT stays, and once it fits the timer sends it. */
START_TEST(test_tcp_output_too_big_keeps_snd_nxt)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);
    static uint8_t data[3000];
    struct seg s;

    c->snd_mss = 1600;                             /* more than a 1500-byte MTU carries */
    ut_fill(data, sizeof(data), 5);
    ck_assert_int_eq(tcp_send(c, data, sizeof(data)), (long)sizeof(data));
    ck_assert_uint_eq(STAT_GET(ipv4, too_big), 1);
    ck_assert_uint_eq(STAT_GET(tcp, tx_fail), 1);
    ck_assert_uint_eq(c->snd_nxt, iss + 1);
    no_more_frames();
    c->snd_mss = 1460;
    clock_advance(c->rto_us);
    pop_seg(&s);
    ck_assert_uint_eq(s.seq, iss + 1);
    ck_assert_uint_eq(s.dlen, 1460);
    ck_assert_mem_eq(s.data, data, 1460);
    tcp_abort(c);
    drain();
}
END_TEST

/* A segment that never can be handed down is given up like a lost one: ETIMEDOUT. */
START_TEST(test_tcp_output_failure_times_out)
{
    uint32_t iss;
    struct tcp_pcb *c = open_passive(100, &iss);

    static uint8_t data[3000];

    c->snd_mss = 1600;
    ck_assert_int_eq(tcp_send(c, data, sizeof(data)), (long)sizeof(data));
    for (int i = 0; i < 20 && c->state != TCPS_CLOSED; i++)
        clock_advance(60 * US_PER_SEC);
    ck_assert_int_eq(c->state, TCPS_CLOSED);
    ck_assert_int_eq(tcp_take_error(c), TS_ETIMEDOUT);
    ck_assert_uint_eq(STAT_GET(tcp, timeout_drop), 1);
    ck_assert_uint_eq(c->snd_nxt, iss + 1);
    tcp_abort(c);
    drain();
}
END_TEST

Suite *
tcp_hostile_suite(void)
{
    Suite *s = suite_create("tcp_hostile");
    TCase *tc = ut_tcase("orphans");

    tcase_add_test(tc, test_tcp_orphan_zero_window_reset);
    tcase_add_test(tc, test_tcp_open_zero_window_probes_on);
    tcase_add_test(tc, test_tcp_orphan_progress_keeps_it);
    tcase_add_test(tc, test_tcp_orphan_fin_wait_2_bounded);
    tcase_add_test(tc, test_tcp_orphan_cap_resets_oldest);
    suite_add_tcase(s, tc);
    tc = ut_tcase("mss");
    tcase_add_test(tc, test_tcp_mss_bounded_by_our_mtu);
    tcase_add_test(tc, test_tcp_mss_floor);
    tcase_add_test(tc, test_tcp_output_no_buffer_keeps_snd_nxt);
    tcase_add_test(tc, test_tcp_output_too_big_keeps_snd_nxt);
    tcase_add_test(tc, test_tcp_output_failure_times_out);
    suite_add_tcase(s, tc);
    return s;
}
