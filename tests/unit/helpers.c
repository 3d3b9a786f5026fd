/*
 * helpers.c - the unit-test fixture and frame builders (see helpers.h).
 *
 * Frames are written byte by byte here, big-endian by hand, with a checksum
 * that shares no code with stack/checksum.c: if the stack and the tests were
 * wrong the same way, the tests would still pass, so the expected side is
 * built from the RFCs alone.
 */
#include "helpers.h"

#include "../../stack/stack.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/arp.h"
#include "../../stack/ipv4.h"
#include "../../stack/route.h"
#include "../../stack/trace.h"
#include "../../drivers/capture.h"

#include <stdlib.h>
#include <string.h>

const uint8_t ut_mac_us[6] = { 0x02, 0x74, 0x73, 0x00, 0x00, 0x02 };
const uint8_t ut_mac_gw[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x01 };
const uint8_t ut_mac_peer[6] = { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x03 };
const uint8_t ut_mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t ut_mac_zero[6];
struct netif *ut_nif;

/* Fixture ----------------------------------------------------------------- */

void
ut_config(struct stack_config *c)
{
    stack_defaults(c);
    c->pkb_count = UT_PKB_COUNT;
    c->virtual_clock = true;
    c->seed = UT_SEED;
    c->arp.cache_size = UT_ARP_CACHE;
    c->arp.pending_max = UT_ARP_PENDING;
    c->arp.reachable_us = UT_ARP_REACHABLE;
    c->arp.retry_us = UT_ARP_RETRY;
    c->arp.retries = UT_ARP_RETRIES;
    c->icmp.rate_per_sec = UT_ICMP_RATE;
    c->icmp.burst = UT_ICMP_BURST;
}

static void
ut_start(const struct stack_config *c)
{
    /* TS_TRACE=1 prints the stack's trace while the tests run (with CK_FORK=no in gdb). */
    trace_on = getenv("TS_TRACE") != NULL;
    netif_set_capture(NULL);
    ck_assert_int_eq(stack_init(c), TS_OK);
    ut_nif = capture_create("cap0", ut_mac_us);
    ck_assert_ptr_nonnull(ut_nif);
    ck_assert_int_eq(stack_add_interface(ut_nif, UT_IP_US, UT_PREFIX), TS_OK);
    ck_assert_int_eq(route_add(0, 0, UT_IP_GW, ut_nif), TS_OK);
}

void
ut_setup(void)
{
    struct stack_config c;

    ut_config(&c);
    ut_start(&c);
}

void
ut_restart(const struct stack_config *c)
{
    arp_flush();
    ck_assert_uint_eq(pkb_in_use(), 0);
    stack_shutdown();
    ut_start(c);
}

void
ut_teardown(void)
{
    size_t leaked;

    /* Packets parked in ARP are not leaks; everything else must be back in the pool. */
    arp_flush();
    leaked = pkb_in_use();
    stack_shutdown();
    netif_set_capture(NULL);
    capture_clear();
    ut_nif = NULL;
    ck_assert_msg(leaked == 0, "%zu packet buffer(s) leaked by this test", leaked);
}

TCase *
ut_tcase(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, ut_setup, ut_teardown);
    return tc;
}

/* Checksum and randomness ------------------------------------------------- */

/* RFC 1071 4.1 in its plainest form: bytes at even offsets are the high half. */
uint16_t
ut_csum(const uint8_t *b, size_t n)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < n; i++)
        sum += (i % 2 == 0) ? (uint64_t)b[i] << 8 : (uint64_t)b[i];
    while (sum > 0xffff)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)(~sum & 0xffff);
}

void
ut_fill(uint8_t *b, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        b[i] = (uint8_t)(0x41 + (i * 7 + seed * 13) % 57);
}

uint32_t
ut_rand(uint32_t *state)
{
    uint32_t x = *state ? *state : 0x12345678u;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Builders ---------------------------------------------------------------- */

static void
be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static size_t
pad60(uint8_t *f, size_t len)
{
    if (len < 60) {
        memset(f + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

size_t
ut_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    be16(f + 12, type);
    return 14;
}

size_t
ut_arp_frame(uint8_t *f, const uint8_t eth_dst[6], const uint8_t eth_src[6], uint16_t op,
             const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
    uint8_t *a = f + ut_eth(f, eth_dst, eth_src, 0x0806);

    be16(a, 1);                   /* hrd: Ethernet */
    be16(a + 2, 0x0800);          /* pro: IPv4 */
    a[4] = 6;                     /* hln */
    a[5] = 4;                     /* pln */
    be16(a + 6, op);
    memcpy(a + 8, sha, 6);
    be32(a + 14, spa);
    memcpy(a + 18, tha, 6);
    be32(a + 24, tpa);
    return pad60(f, 14 + 28);
}

size_t
ut_ipv4_frame(uint8_t *f, const uint8_t eth_dst[6], const uint8_t eth_src[6],
              const struct ut_ip *ip, const uint8_t *payload, size_t plen)
{
    uint8_t *h = f + ut_eth(f, eth_dst, eth_src, 0x0800);
    size_t hlen = 20 + ip->optlen;

    h[0] = (uint8_t)(0x40 | (hlen / 4));
    h[1] = 0;
    be16(h + 2, (uint16_t)(hlen + plen));
    be16(h + 4, ip->id);
    be16(h + 6, ip->frag);
    h[8] = ip->ttl ? ip->ttl : 64;
    h[9] = ip->proto;
    be16(h + 10, 0);
    be32(h + 12, ip->src);
    be32(h + 16, ip->dst);
    if (ip->optlen)
        memcpy(h + 20, ip->opts, ip->optlen);
    be16(h + 10, ut_csum(h, hlen));
    if (plen)
        memmove(h + hlen, payload, plen);
    return pad60(f, 14 + hlen + plen);
}

size_t
ut_icmp_echo(uint8_t *b, uint8_t type, uint16_t id, uint16_t seq, const uint8_t *data, size_t n)
{
    b[0] = type;
    b[1] = 0;
    be16(b + 2, 0);
    be16(b + 4, id);
    be16(b + 6, seq);
    if (n)
        memmove(b + 8, data, n);
    be16(b + 2, ut_csum(b, 8 + n));
    return 8 + n;
}

size_t
ut_echo_frame(uint8_t *f, const uint8_t eth_src[6], uint32_t src, uint32_t dst, uint16_t id,
              uint16_t seq, size_t n)
{
    uint8_t icmp[UT_FRAME_MAX];
    uint8_t data[UT_FRAME_MAX];
    struct ut_ip ip = { .src = src, .dst = dst, .proto = 1, .id = (uint16_t)(0x4000 + seq) };
    size_t len;

    ck_assert_uint_le(n, UT_FRAME_MAX - 64);
    ut_fill(data, n, seq);
    len = ut_icmp_echo(icmp, 8, id, seq, data, n);
    return ut_ipv4_frame(f, ut_mac_us, eth_src, &ip, icmp, len);
}

void
ut_ip_fix_csum(uint8_t *f, size_t len)
{
    uint8_t *h = f + 14;
    size_t hlen = (size_t)(h[0] & 0x0f) * 4;

    if (hlen < 20)
        hlen = 20;
    if (14 + hlen > len)
        hlen = len - 14;
    be16(h + 10, 0);
    be16(h + 10, ut_csum(h, hlen));
}

void
ut_icmp_fix_csum(uint8_t *f, size_t len)
{
    uint8_t *h = f + 14;
    size_t hlen = (size_t)(h[0] & 0x0f) * 4;
    size_t total = (size_t)(h[2] << 8 | h[3]);
    uint8_t *icmp = h + hlen;

    ck_assert_uint_le(14 + total, len);
    ck_assert_uint_ge(total, hlen + 4);
    be16(icmp + 2, 0);
    be16(icmp + 2, ut_csum(icmp, total - hlen));
}

/* Driving cap0 ------------------------------------------------------------- */

void
ut_inject(const uint8_t *f, size_t len)
{
    capture_inject(ut_nif, f, len);
}

size_t
ut_pop(uint8_t *f)
{
    return capture_pop(f, UT_FRAME_MAX);
}

void
ut_learn(uint32_t ip, const uint8_t mac[6])
{
    uint8_t f[UT_FRAME_MAX], got[6];
    size_t len = ut_arp_frame(f, ut_mac_bcast, mac, 1, mac, ip, ut_mac_zero, UT_IP_US);

    ut_inject(f, len);
    len = ut_pop(f);
    ck_assert_uint_eq(len, 60);
    ck_assert_int_eq(f[12] << 8 | f[13], 0x0806);
    ck_assert_uint_eq(f[14 + 7], 2);                /* a reply */
    ck_assert_uint_eq(capture_count(), 0);
    ck_assert_int_eq(arp_lookup(ip, got), 1);
    ck_assert_mem_eq(got, mac, 6);
}

void
ut_pop_ipv4(struct ut_sent *s)
{
    const uint8_t *h;
    struct ipv4_hdr ih;

    memset(s, 0, sizeof(*s));
    s->len = ut_pop(s->frame);
    ck_assert_msg(s->len > 0, "expected a frame, none was sent");
    ck_assert_uint_ge(s->len, 60);                  /* RFC 894: padded to the minimum */
    memcpy(s->eth_dst, s->frame, 6);
    memcpy(s->eth_src, s->frame + 6, 6);
    s->type = (uint16_t)(s->frame[12] << 8 | s->frame[13]);
    ck_assert_uint_eq(s->type, 0x0800);
    ck_assert_mem_eq(s->eth_src, ut_mac_us, 6);
    ck_assert_uint_ge(s->len, 14 + 20);
    h = s->ip = s->frame + 14;
    ck_assert_uint_eq(h[0] >> 4, 4);
    s->ip_hlen = (size_t)(h[0] & 0x0f) * 4;
    ck_assert_uint_ge(s->ip_hlen, 20);
    s->ip_total = (size_t)(h[2] << 8 | h[3]);
    ck_assert_uint_ge(s->ip_total, s->ip_hlen);
    ck_assert_uint_le(14 + s->ip_total, s->len);
    ck_assert_msg(ut_csum(h, s->ip_hlen) == 0, "IPv4 header checksum does not verify");
    s->id = (uint16_t)(h[4] << 8 | h[5]);
    s->frag = (uint16_t)(h[6] << 8 | h[7]);
    s->ttl = h[8];
    s->proto = h[9];
    s->src = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
    s->dst = (uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 | (uint32_t)h[18] << 8 | h[19];
    s->l4 = h + s->ip_hlen;
    s->l4len = s->ip_total - s->ip_hlen;
    /* The stack's own parser must agree with ours. */
    ck_assert_int_eq(ipv4_parse(h, s->len - 14, &ih), TS_OK);
    ck_assert_uint_eq(ih.total_len, s->ip_total);
    ck_assert_uint_eq(ih.src, s->src);
    ck_assert_uint_eq(ih.dst, s->dst);
}
