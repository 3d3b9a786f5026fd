/*
 * ip_expect.c - the checks test_ipv4.c and test_icmp.c share (ip_expect.h).
 */
#include "ip_expect.h"

#include "../../stack/icmp.h"
#include "../../stack/ipv4.h"
#include "../../stack/pkb.h"
#include "../../drivers/capture.h"

#include <string.h>

void
ut_expect_nothing(void)
{
    ck_assert_uint_eq(capture_count(), 0);
}

void
ut_check_icmp(const struct ut_sent *s, uint8_t type, uint8_t code)
{
    struct icmp_hdr h;

    ck_assert_uint_eq(s->proto, 1);
    ck_assert_uint_ge(s->l4len, 8);
    ck_assert_msg(ut_csum(s->l4, s->l4len) == 0, "ICMP checksum does not verify");
    ck_assert_int_eq(icmp_parse(s->l4, s->l4len, &h), TS_OK);
    ck_assert_uint_eq(s->l4[0], type);
    ck_assert_uint_eq(s->l4[1], code);
}

void
ut_expect_echo_reply(const uint8_t eth_dst[6], uint32_t dst, uint16_t id, uint16_t seq, size_t n)
{
    struct ut_sent s;
    uint8_t data[UT_FRAME_MAX];

    ut_pop_ipv4(&s);
    /* RFC 826 / RFC 1122 2.3.2: to the MAC the ARP cache holds for the next hop. */
    ck_assert_mem_eq(s.eth_dst, eth_dst, 6);
    ck_assert_uint_eq(s.len, 14 + 28 + n < 60 ? 60 : 14 + 28 + n);
    /* RFC 792: addresses swapped; RFC 1122 3.2.1.7: a fresh TTL (64). */
    ck_assert_uint_eq(s.src, UT_IP_US);
    ck_assert_uint_eq(s.dst, dst);
    ck_assert_uint_eq(s.ttl, IPV4_DEFAULT_TTL);
    ck_assert_uint_eq(s.ip_hlen, 20);
    ck_assert_uint_eq(s.ip_total, 28 + n);
    ck_assert_uint_eq(s.frag & 0x3fff, 0);             /* MF clear, offset 0 */
    ut_check_icmp(&s, ICMP_ECHO_REPLY, 0);
    /* RFC 792: identifier, sequence number and data returned unchanged. */
    ck_assert_uint_eq(get_be16(s.l4 + 4), id);
    ck_assert_uint_eq(get_be16(s.l4 + 6), seq);
    ut_fill(data, n, seq);
    if (n)
        ck_assert_mem_eq(s.l4 + 8, data, n);
}

size_t
ut_proto_frame(uint8_t *f, const uint8_t eth_dst[6], uint32_t src, uint32_t dst, uint8_t proto,
               size_t plen)
{
    uint8_t data[256];
    struct ut_ip ip = { .src = src, .dst = dst, .proto = proto, .ttl = 61, .id = 0xb0c7 };

    ck_assert_uint_le(plen, sizeof(data));
    ut_fill(data, plen, (unsigned)plen);
    return ut_ipv4_frame(f, eth_dst, ut_mac_peer, &ip, data, plen);
}

struct pkb *
ut_pkb_with(const uint8_t *b, size_t n)
{
    struct pkb *p = pkb_alloc();

    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(pkb_put(p, n));
    memcpy(p->data, b, n);
    return p;
}

void
ut_expect_unreach(uint8_t code, uint32_t dst, const uint8_t *orig, size_t quote)
{
    struct ut_sent s;

    ut_pop_ipv4(&s);
    ck_assert_mem_eq(s.eth_dst, ut_mac_peer, 6);
    ck_assert_uint_eq(s.src, UT_IP_US);
    ck_assert_uint_eq(s.dst, dst);
    ck_assert_uint_eq(s.ttl, IPV4_DEFAULT_TTL);
    ut_check_icmp(&s, ICMP_UNREACH, code);
    ck_assert_uint_eq(get_be16(s.l4 + 4), 0);           /* RFC 792: unused, zero */
    ck_assert_uint_eq(get_be16(s.l4 + 6), 0);
    /* RFC 792: the internet header plus the first 64 bits of the original data. */
    ck_assert_uint_eq(s.l4len, 8 + quote);
    ck_assert_mem_eq(s.l4 + 8, orig, quote);
    /* RFC 1812 4.3.2.3: an error datagram stays within 576 bytes. */
    ck_assert_uint_le(s.ip_total, IPV4_MIN_DATAGRAM);
}

void
ut_expect_bad_dropped(const struct ut_bad *c)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 0x42, 1, 56);
    c->mutate(f, &len);
    ut_inject(f, len);
    ck_assert_msg(capture_count() == 0, "%s: something was sent", c->what);
    ck_assert_msg(stats_ctr[c->ctr] == 1, "%s: %s.%s is %llu, want 1", c->what,
                  stats_desc[c->ctr].layer, stats_desc[c->ctr].name,
                  (unsigned long long)stats_ctr[c->ctr]);
    ck_assert_uint_eq(STAT_GET(icmp, echo_out), 0);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
}
