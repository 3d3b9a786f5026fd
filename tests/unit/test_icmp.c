/*
 * test_icmp.c - ICMP for a host (RFC 792, RFC 1122 3.2.2): echo in every
 * size and over loopback, malformed messages, when errors are not sent, the
 * rate limit, and errors passed up to the protocol they quote. Frames are
 * injected on cap0; what the stack sends is taken apart by ut_pop_ipv4 and
 * its checksums verified with the tests' own ut_csum.
 */
#include "helpers.h"
#include "ip_expect.h"

#include "../../stack/ether.h"
#include "../../stack/arp.h"
#include "../../stack/ipv4.h"
#include "../../stack/icmp.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../drivers/capture.h"

#include <stdio.h>
#include <string.h>

/* Echo ------------------------------------------------------------------- */

static const size_t echo_sizes[] = { 0, 1, 56, 1472 };

/* RFC 792 / RFC 1122 3.2.2.6: every echo request gets one reply, data intact, sizes 0..1472. */
START_TEST(test_icmp_echo_reply_sizes)
{
    uint8_t f[UT_FRAME_MAX];
    size_t n = echo_sizes[_i], len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 0x1d2e, (uint16_t)(7 + _i), n);
    ut_inject(f, len);
    ck_assert_uint_eq(capture_count(), 1);
    ut_expect_echo_reply(ut_mac_peer, UT_IP_PEER, 0x1d2e, (uint16_t)(7 + _i), n);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, echo_in), 1);
    ck_assert_uint_eq(STAT_GET(icmp, echo_out), 1);
    ck_assert_uint_eq(STAT_GET(ipv4, delivered), 1);
}
END_TEST

/* RFC 1122 2.3.2.2: a reply to an unknown MAC waits for ARP, then goes out. */
START_TEST(test_icmp_echo_reply_waits_for_arp)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 5, 1, 56);
    struct arp_pkt a;

    ut_inject(f, len);
    len = ut_pop(f);
    ck_assert_uint_eq(get_be16(f + 12), ETH_TYPE_ARP);
    ck_assert_int_eq(arp_parse(f + 14, len - 14, &a), TS_OK);
    ck_assert_uint_eq(a.op, ARP_OP_REQUEST);
    ck_assert_uint_eq(a.tpa, UT_IP_PEER);
    ut_expect_nothing();
    len = ut_arp_frame(f, ut_mac_us, ut_mac_peer, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER,
                       ut_mac_us, UT_IP_US);
    ut_inject(f, len);
    ut_expect_echo_reply(ut_mac_peer, UT_IP_PEER, 5, 1, 56);
    ut_expect_nothing();
}
END_TEST

/* RFC 1122 3.3.1.1: a reply to an off-link source goes to the gateway's MAC. */
START_TEST(test_icmp_echo_reply_offlink_via_gateway)
{
    const uint32_t far = IP4(198, 51, 100, 7);
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_GW, ut_mac_gw);
    len = ut_echo_frame(f, ut_mac_gw, far, UT_IP_US, 9, 9, 32);
    ut_inject(f, len);
    ut_expect_echo_reply(ut_mac_gw, far, 9, 9, 32);
    ut_expect_nothing();
}
END_TEST

/* RFC 1122 3.2.2.6: echo requests to a broadcast address may be ignored (counted). */
START_TEST(test_icmp_echo_to_broadcast_ignored)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_BCAST, 1, 1, 8);
    memcpy(f, ut_mac_bcast, 6);
    ut_inject(f, len);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, 0xffffffffu, 1, 2, 8);
    memcpy(f, ut_mac_bcast, 6);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, bcast_echo), 2);
    ck_assert_uint_eq(STAT_GET(icmp, echo_out), 0);
}
END_TEST

/* RFC 1122 3.2.2: echo replies we did not ask for are counted and absorbed. */
START_TEST(test_icmp_echo_reply_in_counted)
{
    uint8_t f[UT_FRAME_MAX], icmp[64];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1 };
    size_t len = ut_icmp_echo(icmp, ICMP_ECHO_REPLY, 1, 1, NULL, 0);

    len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, len);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, echo_reply_in), 1);
}
END_TEST

/* RFC 1122 3.2.2: unknown (and unsupported) ICMP types MUST be silently discarded. */
START_TEST(test_icmp_unknown_type_discarded)
{
    static const uint8_t types[] = { 13, 15, 42, 200, 255 };
    uint8_t f[UT_FRAME_MAX], icmp[64], data[12];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1 };

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, sizeof(data), 0);
    for (size_t i = 0; i < sizeof(types); i++) {
        size_t len = ut_icmp_echo(icmp, types[i], 1, 1, data, sizeof(data));

        icmp[2] = icmp[3] = 0;
        put_be16(icmp + 2, ut_csum(icmp, len));
        len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, len);
        ut_inject(f, len);
    }
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, other_in), sizeof(types));
}
END_TEST

/* Malformed -------------------------------------------------------------- */

static void
bad_icmp_checksum(uint8_t *f, size_t *len)
{
    (void)len;
    f[14 + 20 + 2] ^= 0x01;
}

static void
bad_icmp_data(uint8_t *f, size_t *len)
{
    f[*len - 1] ^= 0x80;          /* last data byte: the ICMP sum covers the data */
}

static void
bad_icmp_truncated(uint8_t *f, size_t *len)
{
    put_be16(f + 14 + 2, 20 + 4); /* only 4 bytes of ICMP in the datagram */
    ut_ip_fix_csum(f, *len);
}

static const struct ut_bad icmp_bad[] = {
    /* RFC 792: the checksum covers the whole ICMP message. */
    { "bad ICMP checksum", bad_icmp_checksum, ST_icmp_bad_checksum },
    { "ICMP data changed", bad_icmp_data, ST_icmp_bad_checksum },
    { "ICMP truncated", bad_icmp_truncated, ST_icmp_truncated },
};

/* RFC 792: each malformed echo request: no output, its counter +1. */
START_TEST(test_icmp_malformed_dropped)
{
    ut_expect_bad_dropped(&icmp_bad[_i]);
}
END_TEST

/* Errors ----------------------------------------------------------------- */

/* RFC 1122 3.2.2: no ICMP error about a datagram sent to a broadcast address. */
START_TEST(test_icmp_no_error_about_broadcast)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_bcast, UT_IP_PEER, UT_IP_BCAST, UT_PROTO_UNKNOWN, 16);
    ut_inject(f, len);
    len = ut_proto_frame(f, ut_mac_bcast, UT_IP_PEER, 0xffffffffu, UT_PROTO_UNKNOWN, 16);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(ipv4, unknown_proto), 2);
    ck_assert_uint_eq(STAT_GET(icmp, err_suppressed), 2);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
}
END_TEST

/* RFC 1122 3.2.2: no ICMP error about a non-first fragment (here dropped as a fragment first). */
START_TEST(test_icmp_no_error_about_fragment)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 16);
    put_be16(f + 14 + 6, 100);    /* offset 800 bytes */
    ut_ip_fix_csum(f, len);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(ipv4, fragment), 1);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
}
END_TEST

/* RFC 1122 3.2.2: no ICMP error about a datagram whose source is not a unique host (0.0.0.0).
 * (RFC 1122 3.2.1.3: 0/8 is a source only towards 255.255.255.255, so IP drops it first.) */
START_TEST(test_icmp_no_error_about_unspecified_source)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    len = ut_proto_frame(f, ut_mac_us, 0, UT_IP_US, UT_PROTO_UNKNOWN, 16);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
    ck_assert_uint_eq(STAT_GET(ipv4, bad_src), 1);
}
END_TEST

/* An ICMP message of `type` in an IP datagram from the peer, as the unreachable path sees it. */
static struct pkb *
icmp_datagram(uint8_t type, struct ipv4_hdr *ih)
{
    static const uint8_t quote[28];   /* stands for the quoted datagram */
    uint8_t f[UT_FRAME_MAX], icmp[64];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1 };
    size_t len = ut_icmp_echo(icmp, type, 0, 0, quote, sizeof(quote));
    struct pkb *p;

    icmp[2] = icmp[3] = 0;
    put_be16(icmp + 2, ut_csum(icmp, len));
    len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, len);
    ck_assert_int_eq(ipv4_parse(f + 14, len - 14, ih), TS_OK);
    p = ut_pkb_with(f + 14, ih->total_len);
    p->nh = p->data;
    pkb_pull(p, ih->hlen);
    return p;
}

/* RFC 1122 3.2.2: never an ICMP error about an ICMP error (types 3, 4, 5, 11, 12). */
START_TEST(test_icmp_no_error_about_icmp_error)
{
    static const uint8_t errors[] = { 3, 4, 5, 11, 12 };
    struct ipv4_hdr ih;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (size_t i = 0; i < sizeof(errors); i++) {
        struct pkb *p = icmp_datagram(errors[i], &ih);

        icmp_send_unreach(p, &ih, ICMP_UNREACH_PORT);
        pkb_free(p);                      /* icmp_send_unreach does not take orig */
        ck_assert_msg(capture_count() == 0, "error sent about ICMP type %u", errors[i]);
    }
    ck_assert_uint_eq(STAT_GET(icmp, err_suppressed), sizeof(errors));
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
}
END_TEST

/* RFC 1122 3.2.2: an ICMP query (echo) is not an error: an error about it may be sent. */
START_TEST(test_icmp_error_about_icmp_query_allowed)
{
    struct ipv4_hdr ih;
    struct pkb *p;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    p = icmp_datagram(ICMP_ECHO_REQUEST, &ih);
    icmp_send_unreach(p, &ih, ICMP_UNREACH_PORT);
    ut_expect_unreach(ICMP_UNREACH_PORT, UT_IP_PEER, p->nh, 20 + 8);
    pkb_free(p);
    ut_expect_nothing();
}
END_TEST

/* RFC 1812 4.3.2.8 / RFC 1122 3.2.2: errors are rate limited: a burst, then a steady rate. */
START_TEST(test_icmp_error_rate_limit)
{
    uint8_t f[UT_FRAME_MAX], out[UT_FRAME_MAX];
    size_t len, sent = 0;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 16);
    for (int i = 0; i < UT_ICMP_BURST + 5; i++) {
        ut_inject(f, len);
        while (ut_pop(out))
            sent++;
    }
    ck_assert_uint_eq(sent, UT_ICMP_BURST);
    ck_assert_uint_eq(STAT_GET(icmp, rate_limited), 5);
    /* One token comes back every 1/rate seconds. */
    clock_advance(US_PER_SEC / UT_ICMP_RATE - 1);
    ut_inject(f, len);
    ut_expect_nothing();
    clock_advance(1);
    ut_inject(f, len);
    ut_expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 28);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, rate_limited), 7);
    /* A long pause (shorter than the ARP entry's life) refills to the burst, not beyond. */
    clock_advance(10 * US_PER_SEC);
    sent = 0;
    for (int i = 0; i < UT_ICMP_BURST + 3; i++) {
        ut_inject(f, len);
        while (ut_pop(out))
            sent++;
    }
    ck_assert_uint_eq(sent, UT_ICMP_BURST);
    ck_assert_uint_eq(STAT_GET(icmp, rate_limited), 10);
    ck_assert_uint_eq(STAT_GET(ipv4, unknown_proto), 2 * UT_ICMP_BURST + 5 + 3 + 3);
}
END_TEST

/* RFC 1812 4.3.2.8: the rate holds under a fast flood too: time between errors adds up. */
START_TEST(test_icmp_error_rate_refills_under_fast_flood)
{
    uint8_t f[UT_FRAME_MAX], out[UT_FRAME_MAX];
    size_t len, sent = 0;
    /* Datagrams every 5 us for exactly 1/rate seconds: exactly one token accrues. */
    const unsigned step = 5, n = (unsigned)(US_PER_SEC / UT_ICMP_RATE / 5);

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 16);
    for (int i = 0; i < UT_ICMP_BURST; i++) {
        ut_inject(f, len);
        ck_assert_uint_gt(ut_pop(out), 0);
    }
    for (unsigned i = 0; i < n; i++) {
        clock_advance(step);
        ut_inject(f, len);
        while (ut_pop(out))
            sent++;
    }
    ck_assert_uint_eq(clock_now(), US_PER_SEC / UT_ICMP_RATE);
    ck_assert_msg(sent == 1, "%zu errors in 1/%u s of flood, want 1", sent, UT_ICMP_RATE);
}
END_TEST

/* stack.h contract: zero ICMP config fields take ICMP's defaults (100/s, burst 50). */
START_TEST(test_icmp_zero_config_takes_defaults)
{
    struct stack_config c;
    uint8_t f[UT_FRAME_MAX], out[UT_FRAME_MAX];
    size_t len, sent = 0;

    ut_config(&c);
    c.icmp.rate_per_sec = 0;
    c.icmp.burst = 0;
    ut_restart(&c);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 16);
    for (int i = 0; i < 55; i++) {
        ut_inject(f, len);
        while (ut_pop(out))
            sent++;
    }
    ck_assert_uint_eq(sent, 50);
    ck_assert_uint_eq(STAT_GET(icmp, rate_limited), 5);
    clock_advance(US_PER_SEC / 100);
    ut_inject(f, len);
    ck_assert_uint_gt(ut_pop(out), 0);
}
END_TEST

/* What the error handler registered for UT_PROTO_UNKNOWN was called with. */
static int err_calls;
static uint8_t err_type, err_code;
static struct ipv4_hdr err_quoted;
static uint8_t err_l4[64];
static size_t err_l4len;

static void
record_err(uint8_t type, uint8_t code, const struct ipv4_hdr *q, const uint8_t *l4, size_t l4len)
{
    err_calls++;
    err_type = type;
    err_code = code;
    err_quoted = *q;
    err_l4len = l4len;
    memcpy(err_l4, l4, l4len < sizeof(err_l4) ? l4len : sizeof(err_l4));
}

/* An unreachable from the peer quoting `qlen` bytes of a datagram we sent it. */
static size_t
unreach_frame(uint8_t *f, size_t qlen)
{
    uint8_t inner[UT_FRAME_MAX], icmp[128];
    struct ut_ip q = { .src = UT_IP_US, .dst = UT_IP_PEER, .proto = UT_PROTO_UNKNOWN, .id = 3 };
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1 };
    uint8_t l4[8] = { 0xc0, 0x01, 0x00, 0x35, 0x00, 0x10, 0xab, 0xcd };

    ut_ipv4_frame(inner, ut_mac_peer, ut_mac_us, &q, l4, sizeof(l4));
    memset(icmp, 0, sizeof(icmp));
    icmp[0] = ICMP_UNREACH;
    icmp[1] = ICMP_UNREACH_PORT;
    memcpy(icmp + 8, inner + 14, qlen);
    put_be16(icmp + 2, ut_csum(icmp, 8 + qlen));
    return ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, 8 + qlen);
}

/* RFC 1122 3.2.2.1: an unreachable quoting our datagram reaches the protocol that sent it. */
START_TEST(test_icmp_unreach_in_passed_to_protocol)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    err_calls = 0;
    icmp_register_err(UT_PROTO_UNKNOWN, record_err);
    len = unreach_frame(f, 28);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, unreach_in), 1);
    ck_assert_int_eq(err_calls, 1);
    ck_assert_uint_eq(err_type, ICMP_UNREACH);
    ck_assert_uint_eq(err_code, ICMP_UNREACH_PORT);
    ck_assert_uint_eq(err_quoted.proto, UT_PROTO_UNKNOWN);
    ck_assert_uint_eq(err_quoted.src, UT_IP_US);
    ck_assert_uint_eq(err_quoted.dst, UT_IP_PEER);
    ck_assert_uint_eq(err_l4len, 8);
    ck_assert_uint_eq(get_be16(err_l4), 0xc001);
    ck_assert_uint_eq(get_be16(err_l4 + 2), 0x0035);
}
END_TEST

/* RFC 792: a quote shorter than an IP header + 8 bytes is dropped, not passed up. */
START_TEST(test_icmp_unreach_in_short_quote_dropped)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    err_calls = 0;
    icmp_register_err(UT_PROTO_UNKNOWN, record_err);
    len = unreach_frame(f, 20 + 4);
    ut_inject(f, len);
    len = unreach_frame(f, 12);
    ut_inject(f, len);
    ut_expect_nothing();
    ck_assert_int_eq(err_calls, 0);
    ck_assert_uint_eq(STAT_GET(icmp, truncated), 2);
}
END_TEST

/* Loopback --------------------------------------------------------------- */

/* Every frame that crosses netif_input/netif_output, as the pcap hook sees it. */
static struct {
    char dir;
    char ifname[16];
    uint8_t frame[256];
    size_t len;
} seen[8];
static int nseen;

static void
record_frame(const struct netif *nif, const uint8_t *frame, size_t len, char dir)
{
    if (nseen >= (int)ARRAY_LEN(seen))
        return;
    seen[nseen].dir = dir;
    snprintf(seen[nseen].ifname, sizeof(seen[nseen].ifname), "%s", nif->name);
    seen[nseen].len = len < sizeof(seen[0].frame) ? len : sizeof(seen[0].frame);
    memcpy(seen[nseen].frame, frame, seen[nseen].len);
    nseen++;
}

/* RFC 1122 3.2.1.3: 127.0.0.1 and our own address loop back inside the host, one turn per hop. */
START_TEST(test_icmp_loopback_echo)
{
    static const uint32_t dsts[] = { IP4(127, 0, 0, 1), UT_IP_US };
    static const char dirs[2] = { '>', '>' };
    static const uint8_t types[2] = { ICMP_ECHO_REQUEST, ICMP_ECHO_REPLY };
    const uint32_t dst = dsts[_i];
    uint8_t icmp[128], data[56];
    size_t len;
    struct pkb *p;

    nseen = 0;
    netif_set_capture(record_frame);
    ut_fill(data, sizeof(data), 1);
    len = ut_icmp_echo(icmp, ICMP_ECHO_REQUEST, 0x1234, 1, data, sizeof(data));
    p = ut_pkb_with(icmp, len);
    ck_assert_uint_eq(ipv4_source_for(dst), dst);
    ck_assert_int_eq(ipv4_output(p, 0, dst, IPPROTO_ICMP_, 0), TS_OK);
    ck_assert_uint_eq(STAT_GET(loop, queued), 1);
    ck_assert_uint_eq(STAT_GET(icmp, echo_in), 0);          /* no recursion */
    ck_assert_int_eq(stack_poll(0), TS_OK);                 /* request in, reply queued */
    ck_assert_uint_eq(STAT_GET(icmp, echo_in), 1);
    ck_assert_uint_eq(STAT_GET(icmp, echo_out), 1);
    ck_assert_uint_eq(STAT_GET(icmp, echo_reply_in), 0);
    ck_assert_int_eq(stack_poll(0), TS_OK);                 /* reply in */
    ck_assert_uint_eq(STAT_GET(icmp, echo_reply_in), 1);
    ck_assert_int_eq(stack_poll(0), TS_OK);
    ck_assert_uint_eq(STAT_GET(loop, queued), 2);
    ck_assert_uint_eq(STAT_GET(ipv4, delivered), 2);
    ut_expect_nothing();                                       /* nothing on the wire */
    netif_set_capture(NULL);
    /* Request and reply, each captured once (when it leaves), on lo, from dst to dst. */
    ck_assert_int_eq(nseen, 2);
    for (int i = 0; i < 2; i++) {
        const uint8_t *h = seen[i].frame + 14;

        ck_assert_int_eq(seen[i].dir, dirs[i]);
        ck_assert_str_eq(seen[i].ifname, "lo");
        ck_assert_uint_eq(seen[i].len, 14 + 20 + len);
        ck_assert_mem_eq(seen[i].frame, ut_mac_zero, 6);    /* as on Linux's lo */
        ck_assert_uint_eq(get_be16(seen[i].frame + 12), ETH_TYPE_IPV4);
        ck_assert_uint_eq(ut_csum(h, 20), 0);
        ck_assert_uint_eq((uint32_t)get_be16(h + 12) << 16 | get_be16(h + 14), dst);
        ck_assert_uint_eq((uint32_t)get_be16(h + 16) << 16 | get_be16(h + 18), dst);
        ck_assert_uint_eq(h[20], types[i]);
        ck_assert_uint_eq(ut_csum(h + 20, len), 0);
    }
    ck_assert_uint_eq(pkb_in_use(), 0);
}
END_TEST

Suite *
icmp_suite(void)
{
    Suite *s = suite_create("icmp");
    TCase *echo = ut_tcase("echo");
    TCase *bad = ut_tcase("malformed");
    TCase *err = ut_tcase("errors");
    TCase *lo = ut_tcase("loopback");

    tcase_add_loop_test(echo, test_icmp_echo_reply_sizes, 0, (int)ARRAY_LEN(echo_sizes));
    tcase_add_test(echo, test_icmp_echo_reply_waits_for_arp);
    tcase_add_test(echo, test_icmp_echo_reply_offlink_via_gateway);
    tcase_add_test(echo, test_icmp_echo_to_broadcast_ignored);
    tcase_add_test(echo, test_icmp_echo_reply_in_counted);
    tcase_add_test(echo, test_icmp_unknown_type_discarded);
    tcase_add_loop_test(bad, test_icmp_malformed_dropped, 0, (int)ARRAY_LEN(icmp_bad));
    tcase_add_test(err, test_icmp_no_error_about_broadcast);
    tcase_add_test(err, test_icmp_no_error_about_fragment);
    tcase_add_test(err, test_icmp_no_error_about_unspecified_source);
    tcase_add_test(err, test_icmp_no_error_about_icmp_error);
    tcase_add_test(err, test_icmp_error_about_icmp_query_allowed);
    tcase_add_test(err, test_icmp_error_rate_limit);
    tcase_add_test(err, test_icmp_error_rate_refills_under_fast_flood);
    tcase_add_test(err, test_icmp_unreach_in_passed_to_protocol);
    tcase_add_test(err, test_icmp_unreach_in_short_quote_dropped);
    tcase_add_test(err, test_icmp_zero_config_takes_defaults);
    tcase_add_loop_test(lo, test_icmp_loopback_echo, 0, 2);
    suite_add_tcase(s, echo);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, err);
    suite_add_tcase(s, lo);
    return s;
}
