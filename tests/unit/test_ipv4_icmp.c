/*
 * test_ipv4_icmp.c - the receive path from Ethernet to ICMP and back
 * (RFC 894, RFC 791, RFC 792, RFC 1122 3.2), loopback, and the routing
 * table (RFC 1812 5.2.4.3). Frames are injected on cap0; what the stack
 * sends is taken apart by ut_pop_ipv4 and its checksums verified with the
 * tests' own ut_csum.
 */
#include "helpers.h"

#include "../../stack/ether.h"
#include "../../stack/arp.h"
#include "../../stack/ipv4.h"
#include "../../stack/icmp.h"
#include "../../stack/route.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../drivers/capture.h"

#include <stdio.h>
#include <string.h>

#define PROTO_UNKNOWN 253         /* RFC 3692 experimental: no handler registered */

static void
expect_nothing(void)
{
    ck_assert_uint_eq(capture_count(), 0);
}

/* Check an ICMP message's checksum with ut_csum and the stack's parser. */
static void
check_icmp(const struct ut_sent *s, uint8_t type, uint8_t code)
{
    struct icmp_hdr h;

    ck_assert_uint_eq(s->proto, 1);
    ck_assert_uint_ge(s->l4len, 8);
    ck_assert_msg(ut_csum(s->l4, s->l4len) == 0, "ICMP checksum does not verify");
    ck_assert_int_eq(icmp_parse(s->l4, s->l4len, &h), TS_OK);
    ck_assert_uint_eq(s->l4[0], type);
    ck_assert_uint_eq(s->l4[1], code);
}

/* Pop and check an echo reply to `dst` via eth_dst matching ut_echo_frame(id, seq, n). */
static void
expect_echo_reply(const uint8_t eth_dst[6], uint32_t dst, uint16_t id, uint16_t seq, size_t n)
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
    check_icmp(&s, ICMP_ECHO_REPLY, 0);
    /* RFC 792: identifier, sequence number and data returned unchanged. */
    ck_assert_uint_eq(get_be16(s.l4 + 4), id);
    ck_assert_uint_eq(get_be16(s.l4 + 6), seq);
    ut_fill(data, n, seq);
    if (n)
        ck_assert_mem_eq(s.l4 + 8, data, n);
}

/* A datagram of protocol `proto` with plen bytes of ut_fill(plen) data. */
static size_t
proto_frame(uint8_t *f, const uint8_t eth_dst[6], uint32_t src, uint32_t dst, uint8_t proto,
            size_t plen)
{
    uint8_t data[256];
    struct ut_ip ip = { .src = src, .dst = dst, .proto = proto, .ttl = 61, .id = 0xb0c7 };

    ck_assert_uint_le(plen, sizeof(data));
    ut_fill(data, plen, (unsigned)plen);
    return ut_ipv4_frame(f, eth_dst, ut_mac_peer, &ip, data, plen);
}

/* A packet buffer holding bytes b[0..n) at the headroom mark. */
static struct pkb *
pkb_with(const uint8_t *b, size_t n)
{
    struct pkb *p = pkb_alloc();

    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_nonnull(pkb_put(p, n));
    memcpy(p->data, b, n);
    return p;
}

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
    expect_echo_reply(ut_mac_peer, UT_IP_PEER, 0x1d2e, (uint16_t)(7 + _i), n);
    expect_nothing();
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
    expect_nothing();
    len = ut_arp_frame(f, ut_mac_us, ut_mac_peer, ARP_OP_REPLY, ut_mac_peer, UT_IP_PEER,
                       ut_mac_us, UT_IP_US);
    ut_inject(f, len);
    expect_echo_reply(ut_mac_peer, UT_IP_PEER, 5, 1, 56);
    expect_nothing();
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
    expect_echo_reply(ut_mac_gw, far, 9, 9, 32);
    expect_nothing();
}
END_TEST

/* RFC 791 3.1 / RFC 894: Ethernet padding is not data: a 60-byte frame with a 28-byte datagram. */
START_TEST(test_ipv4_ethernet_padding_trimmed)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 3, 4, 0);
    ck_assert_uint_eq(len, 60);
    memset(f + 14 + 28, 0xaa, len - 14 - 28);      /* non-zero padding would break the sum */
    ut_inject(f, len);
    expect_echo_reply(ut_mac_peer, UT_IP_PEER, 3, 4, 0);
    expect_nothing();
}
END_TEST

/* RFC 1122 3.2.1.8: options are skipped, not refused: IHL 6 with NOPs still gets its echo. */
START_TEST(test_ipv4_options_accepted)
{
    static const uint8_t nops[4] = { 1, 1, 1, 1 };
    uint8_t f[UT_FRAME_MAX], icmp[128], data[40];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1, .id = 77,
                        .opts = nops, .optlen = sizeof(nops) };
    size_t ilen, len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, sizeof(data), 12);
    ilen = ut_icmp_echo(icmp, ICMP_ECHO_REQUEST, 0x99, 12, data, sizeof(data));
    len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, ilen);
    ck_assert_uint_eq(f[14], 0x46);
    ut_inject(f, len);
    expect_echo_reply(ut_mac_peer, UT_IP_PEER, 0x99, 12, sizeof(data));
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(ipv4, options), 1);
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
    expect_nothing();
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
    expect_nothing();
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
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, other_in), sizeof(types));
}
END_TEST

/* Malformed -------------------------------------------------------------- */

/* A malformed variant of the 56-byte echo request from the peer. */
struct ip_bad {
    const char *what;
    void (*mutate)(uint8_t *f, size_t *len);
    enum stat_id ctr;
};

static void
bad_ip_checksum(uint8_t *f, size_t *len)
{
    (void)len;
    f[14 + 10] ^= 0x5a;
}

static void
bad_version_6(uint8_t *f, size_t *len)
{
    f[14] = 0x65;
    ut_ip_fix_csum(f, *len);
}

static void
bad_ihl_4(uint8_t *f, size_t *len)
{
    f[14] = 0x44;
    ut_ip_fix_csum(f, *len);
}

static void
bad_ihl_beyond_frame(uint8_t *f, size_t *len)
{
    /* A 28-byte datagram in a 60-byte frame (46 bytes of IP) claiming a 60-byte header. */
    *len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 1, 1, 0);
    f[14] = 0x4f;
    ut_ip_fix_csum(f, *len);
}

static void
bad_total_len_beyond_frame(uint8_t *f, size_t *len)
{
    put_be16(f + 14 + 2, (uint16_t)(*len - 14 + 1));
    ut_ip_fix_csum(f, *len);
}

static void
bad_total_len_below_ihl(uint8_t *f, size_t *len)
{
    put_be16(f + 14 + 2, 19);
    ut_ip_fix_csum(f, *len);
}

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

static void
bad_ip_truncated(uint8_t *f, size_t *len)
{
    (void)f;
    *len = 14 + 19;
}

static void
bad_not_for_us(uint8_t *f, size_t *len)
{
    put_be16(f + 14 + 16, (uint16_t)(UT_IP_OTHER >> 16));
    put_be16(f + 14 + 18, (uint16_t)UT_IP_OTHER);
    ut_ip_fix_csum(f, *len);
    ut_icmp_fix_csum(f, *len);
}

static void
bad_src_loopback(uint8_t *f, size_t *len)
{
    f[14 + 12] = 127;
    f[14 + 13] = 0;
    f[14 + 14] = 0;
    f[14 + 15] = 1;
    ut_ip_fix_csum(f, *len);
}

static void
bad_dst_loopback(uint8_t *f, size_t *len)
{
    f[14 + 16] = 127;
    f[14 + 17] = 0;
    f[14 + 18] = 0;
    f[14 + 19] = 1;
    ut_ip_fix_csum(f, *len);
}

static void
bad_src_broadcast(uint8_t *f, size_t *len)
{
    memset(f + 14 + 12, 0xff, 4);
    ut_ip_fix_csum(f, *len);
}

static void
bad_src_multicast(uint8_t *f, size_t *len)
{
    f[14 + 12] = 224;
    ut_ip_fix_csum(f, *len);
}

static void
bad_src_class_e(uint8_t *f, size_t *len)
{
    f[14 + 12] = 240;
    ut_ip_fix_csum(f, *len);
}

static void
bad_src_directed_bcast(uint8_t *f, size_t *len)
{
    f[14 + 15] = 255;             /* 10.0.0.255 */
    ut_ip_fix_csum(f, *len);
}

static void
bad_fragment_mf(uint8_t *f, size_t *len)
{
    f[14 + 6] = 0x20;             /* MF, offset 0: a first fragment */
    ut_ip_fix_csum(f, *len);
}

static void
bad_fragment_offset(uint8_t *f, size_t *len)
{
    f[14 + 7] = 0x10;             /* offset 16 * 8, MF clear: a last fragment */
    ut_ip_fix_csum(f, *len);
}

static const struct ip_bad ip_bad[] = {
    /* RFC 1122 3.2.1.2: the header checksum MUST be verified. */
    { "bad IP checksum", bad_ip_checksum, ST_ipv4_bad_checksum },
    /* RFC 1122 3.2.1.1: version other than 4 MUST be discarded. */
    { "version 6", bad_version_6, ST_ipv4_bad_version },
    /* RFC 791 3.1: IHL is at least 5. */
    { "IHL 4", bad_ihl_4, ST_ipv4_bad_hlen },
    /* RFC 791 3.1: the header cannot extend beyond the data. */
    { "IHL beyond frame", bad_ihl_beyond_frame, ST_ipv4_bad_hlen },
    /* RFC 1122 3.2.1.2: total length must fit in what arrived ... */
    { "total length beyond frame", bad_total_len_beyond_frame, ST_ipv4_bad_len },
    /* RFC 791 3.1: ... and include the header. */
    { "total length < IHL", bad_total_len_below_ihl, ST_ipv4_bad_len },
    /* RFC 791 3.1: fewer than 20 bytes. */
    { "IP header truncated", bad_ip_truncated, ST_ipv4_truncated },
    /* RFC 792: the checksum covers the whole ICMP message. */
    { "bad ICMP checksum", bad_icmp_checksum, ST_icmp_bad_checksum },
    { "ICMP data changed", bad_icmp_data, ST_icmp_bad_checksum },
    { "ICMP truncated", bad_icmp_truncated, ST_icmp_truncated },
    /* RFC 1122 3.3.4.2: not one of our addresses. */
    { "destination not ours", bad_not_for_us, ST_ipv4_not_for_us },
    /* RFC 1122 3.2.1.3: 127/8 never from the wire, broadcast/multicast never a source. */
    { "source 127.0.0.1", bad_src_loopback, ST_ipv4_martian_lo },
    { "destination 127.0.0.1", bad_dst_loopback, ST_ipv4_martian_lo },
    { "source 255.255.255.255", bad_src_broadcast, ST_ipv4_bad_src },
    { "source multicast", bad_src_multicast, ST_ipv4_bad_src },
    { "source class E", bad_src_class_e, ST_ipv4_bad_src },
    { "source directed broadcast", bad_src_directed_bcast, ST_ipv4_bad_src },
    /* RFC 791 3.2: fragments need reassembly (LIMIT: not implemented, counted). */
    { "first fragment (MF)", bad_fragment_mf, ST_ipv4_fragment },
    { "last fragment (offset)", bad_fragment_offset, ST_ipv4_fragment },
};

/* RFC 1122 3.2.1 / RFC 792: each malformed echo request: no output, its counter +1. */
START_TEST(test_ipv4_malformed_dropped)
{
    const struct ip_bad *c = &ip_bad[_i];
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
END_TEST

/* RFC 791 3.1 / RFC 894: an echo request cut at every byte is dropped by the right layer. */
START_TEST(test_ipv4_truncated_every_length)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 0x42, 1, 56);
    for (size_t cut = 0; cut < len; cut++)
        ut_inject(f, cut);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(ether, too_short), ETH_HDR_LEN);
    ck_assert_uint_eq(STAT_GET(ipv4, truncated), IPV4_HDR_MIN);
    ck_assert_uint_eq(STAT_GET(ipv4, bad_len), len - ETH_HDR_LEN - IPV4_HDR_MIN);
    ck_assert_uint_eq(STAT_GET(ipv4, delivered), 0);
    /* The whole frame still works. */
    ut_inject(f, len);
    expect_echo_reply(ut_mac_peer, UT_IP_PEER, 0x42, 1, 56);
}
END_TEST

/* Ethernet --------------------------------------------------------------- */

/* IEEE 802.3: unicast frames for another MAC are not ours (a bridge floods them). */
START_TEST(test_ether_not_for_us)
{
    static const uint8_t other[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 1, 1, 8);
    memcpy(f, other, 6);
    ut_inject(f, len);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(ether, not_for_us), 1);
    ck_assert_uint_eq(STAT_GET(ipv4, rx), 0);
}
END_TEST

/* IEEE 802.3 3.2.3: a group address is never a source. */
START_TEST(test_ether_group_source_dropped)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 1, 1, 8);
    f[6] |= 0x01;
    ut_inject(f, len);
    memset(f + 6, 0xff, 6);
    ut_inject(f, len);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(ether, bad_src), 2);
}
END_TEST

/* RFC 894: EtherTypes other than IPv4 and ARP (here IPv6, and a raw 802.3 length) are dropped. */
START_TEST(test_ether_unknown_type_dropped)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    len = ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 1, 1, 8);
    put_be16(f + 12, 0x86dd);
    ut_inject(f, len);
    put_be16(f + 12, 0x0040);
    ut_inject(f, len);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(ether, unknown_type), 2);
}
END_TEST

/* ICMP errors ------------------------------------------------------------ */

/* Pop a destination unreachable and check it quotes exactly `quote` bytes of `orig`. */
static void
expect_unreach(uint8_t code, uint32_t dst, const uint8_t *orig, size_t quote)
{
    struct ut_sent s;

    ut_pop_ipv4(&s);
    ck_assert_mem_eq(s.eth_dst, ut_mac_peer, 6);
    ck_assert_uint_eq(s.src, UT_IP_US);
    ck_assert_uint_eq(s.dst, dst);
    ck_assert_uint_eq(s.ttl, IPV4_DEFAULT_TTL);
    check_icmp(&s, ICMP_UNREACH, code);
    ck_assert_uint_eq(get_be16(s.l4 + 4), 0);           /* RFC 792: unused, zero */
    ck_assert_uint_eq(get_be16(s.l4 + 6), 0);
    /* RFC 792: the internet header plus the first 64 bits of the original data. */
    ck_assert_uint_eq(s.l4len, 8 + quote);
    ck_assert_mem_eq(s.l4 + 8, orig, quote);
    /* RFC 1812 4.3.2.3: an error datagram stays within 576 bytes. */
    ck_assert_uint_le(s.ip_total, IPV4_MIN_DATAGRAM);
}

/* RFC 1122 3.2.2.1: unknown protocol -> protocol unreachable quoting header + 8 bytes exactly. */
START_TEST(test_ipv4_unknown_proto_unreach)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 24);
    ut_inject(f, len);
    expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 20 + 8);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(ipv4, unknown_proto), 1);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 1);
}
END_TEST

/* RFC 792: with options the whole header (IHL 6 = 24 bytes) is quoted, plus 8 data bytes. */
START_TEST(test_ipv4_unknown_proto_unreach_quotes_options)
{
    static const uint8_t nops[4] = { 1, 1, 1, 1 };
    uint8_t f[UT_FRAME_MAX], data[30];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = PROTO_UNKNOWN, .id = 5,
                        .opts = nops, .optlen = sizeof(nops) };
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, sizeof(data), 30);
    len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, data, sizeof(data));
    ut_inject(f, len);
    expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 24 + 8);
    expect_nothing();
}
END_TEST

/* RFC 792: fewer than 8 data bytes: quote what there is, never the Ethernet padding. */
START_TEST(test_ipv4_unknown_proto_short_payload_no_padding_quoted)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 3);
    ck_assert_uint_eq(len, 60);
    memset(f + 14 + 23, 0xaa, len - 14 - 23);
    ut_inject(f, len);
    expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 20 + 3);
    expect_nothing();
}
END_TEST

/* RFC 1122 3.2.2: no ICMP error about a datagram sent to a broadcast address. */
START_TEST(test_icmp_no_error_about_broadcast)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = proto_frame(f, ut_mac_bcast, UT_IP_PEER, UT_IP_BCAST, PROTO_UNKNOWN, 16);
    ut_inject(f, len);
    len = proto_frame(f, ut_mac_bcast, UT_IP_PEER, 0xffffffffu, PROTO_UNKNOWN, 16);
    ut_inject(f, len);
    expect_nothing();
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
    len = proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 16);
    put_be16(f + 14 + 6, 100);    /* offset 800 bytes */
    ut_ip_fix_csum(f, len);
    ut_inject(f, len);
    expect_nothing();
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

    len = proto_frame(f, ut_mac_us, 0, UT_IP_US, PROTO_UNKNOWN, 16);
    ut_inject(f, len);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
    ck_assert_uint_eq(STAT_GET(ipv4, bad_src), 1);
}
END_TEST

/* Build an ICMP message of `type` in an IP datagram from the peer, as the unreachable path sees it. */
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
    p = pkb_with(f + 14, ih->total_len);
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
    expect_unreach(ICMP_UNREACH_PORT, UT_IP_PEER, p->nh, 20 + 8);
    pkb_free(p);
    expect_nothing();
}
END_TEST

/* RFC 1812 4.3.2.8 / RFC 1122 3.2.2: errors are rate limited: a burst, then a steady rate. */
START_TEST(test_icmp_error_rate_limit)
{
    uint8_t f[UT_FRAME_MAX], out[UT_FRAME_MAX];
    size_t len, sent = 0;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 16);
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
    expect_nothing();
    clock_advance(1);
    ut_inject(f, len);
    expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 28);
    ut_inject(f, len);
    expect_nothing();
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
    len = proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 16);
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

/* What the error handler registered for PROTO_UNKNOWN was called with. */
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
    struct ut_ip q = { .src = UT_IP_US, .dst = UT_IP_PEER, .proto = PROTO_UNKNOWN, .id = 3 };
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
    icmp_register_err(PROTO_UNKNOWN, record_err);
    len = unreach_frame(f, 28);
    ut_inject(f, len);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(icmp, unreach_in), 1);
    ck_assert_int_eq(err_calls, 1);
    ck_assert_uint_eq(err_type, ICMP_UNREACH);
    ck_assert_uint_eq(err_code, ICMP_UNREACH_PORT);
    ck_assert_uint_eq(err_quoted.proto, PROTO_UNKNOWN);
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
    icmp_register_err(PROTO_UNKNOWN, record_err);
    len = unreach_frame(f, 20 + 4);
    ut_inject(f, len);
    len = unreach_frame(f, 12);
    ut_inject(f, len);
    expect_nothing();
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
    p = pkb_with(icmp, len);
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
    expect_nothing();                                       /* nothing on the wire */
    netif_set_capture(NULL);
    /* Request and reply, each captured once (when it leaves), on lo, from dst to dst. */
    ck_assert_int_eq(nseen, 2);
    for (int i = 0; i < 2; i++) {
        const uint8_t *h = seen[i].frame + 14;

        ck_assert_uint_eq(seen[i].dir, dirs[i]);
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

/* Routing ---------------------------------------------------------------- */

/* RFC 1812 5.2.4.3: the longest matching prefix wins, whatever the order of insertion. */
START_TEST(test_route_longest_prefix_match)
{
    for (int order = 0; order < 2; order++) {
        const struct route *r;

        route_flush();
        if (order == 0) {
            ck_assert_int_eq(route_add(0, 0, UT_IP_GW, ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 0, 0, 0), 8, 0, ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 1, 0, 0), 16, IP4(10, 0, 0, 5), ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 1, 2, 0), 24, 0, ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 1, 2, 3), 32, IP4(10, 0, 0, 6), ut_nif), TS_OK);
        } else {
            ck_assert_int_eq(route_add(IP4(10, 1, 2, 3), 32, IP4(10, 0, 0, 6), ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 1, 2, 0), 24, 0, ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 1, 0, 0), 16, IP4(10, 0, 0, 5), ut_nif), TS_OK);
            ck_assert_int_eq(route_add(IP4(10, 0, 0, 0), 8, 0, ut_nif), TS_OK);
            ck_assert_int_eq(route_add(0, 0, UT_IP_GW, ut_nif), TS_OK);
        }
        r = route_lookup(IP4(10, 1, 2, 3));
        ck_assert_ptr_nonnull(r);
        ck_assert_uint_eq(r->prefix, 32);
        ck_assert_uint_eq(route_nexthop(r, IP4(10, 1, 2, 3)), IP4(10, 0, 0, 6));
        r = route_lookup(IP4(10, 1, 2, 4));
        ck_assert_uint_eq(r->prefix, 24);
        ck_assert_uint_eq(route_nexthop(r, IP4(10, 1, 2, 4)), IP4(10, 1, 2, 4));  /* direct */
        r = route_lookup(IP4(10, 1, 3, 1));
        ck_assert_uint_eq(r->prefix, 16);
        ck_assert_uint_eq(route_nexthop(r, IP4(10, 1, 3, 1)), IP4(10, 0, 0, 5));
        r = route_lookup(IP4(10, 200, 0, 1));
        ck_assert_uint_eq(r->prefix, 8);
        r = route_lookup(IP4(11, 0, 0, 0));
        ck_assert_uint_eq(r->prefix, 0);
        ck_assert_uint_eq(route_nexthop(r, IP4(11, 0, 0, 0)), UT_IP_GW);
        r = route_lookup(0xffffffffu);
        ck_assert_uint_eq(r->prefix, 0);
    }
}
END_TEST

/* RFC 1812 5.2.4.3: the fixture's table: own address via lo, subnet direct, rest via gateway. */
START_TEST(test_route_fixture_table)
{
    const struct route *r;

    r = route_lookup(UT_IP_US);
    ck_assert_ptr_eq(r->nif, stack_loopback());
    r = route_lookup(UT_IP_PEER);
    ck_assert_ptr_eq(r->nif, ut_nif);
    ck_assert_uint_eq(route_nexthop(r, UT_IP_PEER), UT_IP_PEER);
    r = route_lookup(IP4(127, 9, 9, 9));
    ck_assert_ptr_eq(r->nif, stack_loopback());
    r = route_lookup(IP4(8, 8, 8, 8));
    ck_assert_ptr_eq(r->nif, ut_nif);
    ck_assert_uint_eq(route_nexthop(r, IP4(8, 8, 8, 8)), UT_IP_GW);
}
END_TEST

/* RFC 1122 3.3.1: no matching route is ENETUNREACH: lookup NULL, send refused and counted. */
START_TEST(test_route_no_match_enetunreach)
{
    uint8_t payload[16];

    route_flush();
    ck_assert_int_eq(route_add(IP4(10, 0, 0, 0), 24, 0, ut_nif), TS_OK);
    ck_assert_ptr_null(route_lookup(IP4(192, 168, 1, 1)));
    ck_assert_ptr_null(route_lookup(IP4(10, 0, 1, 0)));
    ck_assert_ptr_null(route_lookup(IP4(9, 255, 255, 255)));
    ck_assert_ptr_nonnull(route_lookup(IP4(10, 0, 0, 255)));
    ck_assert_uint_eq(ipv4_source_for(IP4(192, 168, 1, 1)), 0);
    memset(payload, 1, sizeof(payload));
    ck_assert_int_eq(ipv4_output(pkb_with(payload, sizeof(payload)), 0, IP4(192, 168, 1, 1),
                                 PROTO_UNKNOWN, 0), TS_ENOROUTE);
    ck_assert_uint_eq(STAT_GET(ipv4, no_route), 1);
    expect_nothing();
}
END_TEST

/* Bounded table: bad prefixes refused, a full table refused, host bits masked off. */
START_TEST(test_route_add_limits)
{
    const struct route *r;

    route_flush();
    ck_assert_int_eq(route_add(IP4(10, 0, 0, 0), 33, 0, ut_nif), TS_EINVAL);
    ck_assert_int_eq(route_add(IP4(10, 0, 0, 0), 8, 0, NULL), TS_EINVAL);
    ck_assert_int_eq(route_add(IP4(172, 16, 5, 77), 12, 0, ut_nif), TS_OK);
    r = route_at(0);
    ck_assert_uint_eq(r->dst, IP4(172, 16, 0, 0));
    ck_assert_ptr_eq(route_lookup(IP4(172, 31, 255, 1)), r);
    ck_assert_ptr_null(route_lookup(IP4(172, 32, 0, 1)));
    for (int i = 1; i < ROUTE_MAX; i++)
        ck_assert_int_eq(route_add(IP4(192, 168, i, 0), 24, 0, ut_nif), TS_OK);
    ck_assert_int_eq(route_add(IP4(192, 168, 200, 0), 24, 0, ut_nif), TS_ENOMEM);
    ck_assert_ptr_null(route_lookup(IP4(192, 168, 200, 1)));
}
END_TEST

/* Among routes of equal prefix length the first added wins (a stable, documented choice). */
START_TEST(test_route_equal_prefix_first_added_wins)
{
    const struct route *r;

    route_flush();
    ck_assert_int_eq(route_add(IP4(10, 9, 0, 0), 16, IP4(10, 0, 0, 5), ut_nif), TS_OK);
    ck_assert_int_eq(route_add(IP4(10, 9, 0, 0), 16, IP4(10, 0, 0, 6), ut_nif), TS_OK);
    ck_assert_int_eq(route_add(IP4(10, 9, 0, 0), 16, IP4(10, 0, 0, 7), ut_nif), TS_OK);
    r = route_lookup(IP4(10, 9, 1, 1));
    ck_assert_ptr_eq(r, route_at(0));
    ck_assert_uint_eq(route_nexthop(r, IP4(10, 9, 1, 1)), IP4(10, 0, 0, 5));
}
END_TEST

/* RFC 919 / RFC 922: limited and directed broadcast; RFC 3021: /31 and /32 have no directed one. */
START_TEST(test_netif_broadcast_addresses)
{
    ck_assert(netif_is_bcast(ut_nif, 0xffffffffu));
    ck_assert(netif_is_bcast(ut_nif, UT_IP_BCAST));
    ck_assert(!netif_is_bcast(ut_nif, UT_IP_US));
    ck_assert(!netif_is_bcast(ut_nif, IP4(10, 0, 0, 0)));
    ck_assert(!netif_is_bcast(ut_nif, IP4(10, 0, 1, 255)));
    netif_set_addr(ut_nif, IP4(10, 0, 0, 2), 31);
    ck_assert(!netif_is_bcast(ut_nif, IP4(10, 0, 0, 3)));
    ck_assert(netif_is_bcast(ut_nif, 0xffffffffu));
    netif_set_addr(ut_nif, IP4(10, 0, 0, 2), 32);
    ck_assert(!netif_is_bcast(ut_nif, IP4(10, 0, 0, 2)));
    netif_set_addr(ut_nif, IP4(10, 0, 0, 2), 8);
    ck_assert(netif_is_bcast(ut_nif, IP4(10, 255, 255, 255)));
    netif_set_addr(ut_nif, UT_IP_US, UT_PREFIX);
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
    len = proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 16);
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

/* RFC 791 3.1 / RFC 6864 4.1: a 20-byte header, no fragment bits, and a fresh ID per datagram. */
START_TEST(test_ipv4_output_header_fields)
{
    static const uint8_t payload[12] = "tapstack ip";
    struct ut_sent s[3];

    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(ipv4_output(pkb_with(payload, sizeof(payload)), 0, UT_IP_PEER,
                                     PROTO_UNKNOWN, i == 2 ? 1 : 0), TS_OK);
        ut_pop_ipv4(&s[i]);
        ck_assert_uint_eq(s[i].ip[0], 0x45);
        ck_assert_uint_eq(s[i].ip[1], 0);                    /* TOS */
        ck_assert_uint_eq(s[i].frag, 0);                     /* DF, MF clear, offset 0 */
        ck_assert_uint_eq(s[i].proto, PROTO_UNKNOWN);
        ck_assert_uint_eq(s[i].src, UT_IP_US);              /* the outgoing interface's */
        ck_assert_uint_eq(s[i].dst, UT_IP_PEER);
        ck_assert_uint_eq(s[i].ip_total, 20 + sizeof(payload));
        ck_assert_mem_eq(s[i].l4, payload, sizeof(payload));
    }
    ck_assert_uint_eq(s[0].ttl, IPV4_DEFAULT_TTL);
    ck_assert_uint_eq(s[2].ttl, 1);
    /* Not atomic (DF clear), so the ID must not repeat between these datagrams. */
    ck_assert_uint_ne(s[0].id, s[1].id);
    ck_assert_uint_ne(s[1].id, s[2].id);
    ck_assert_uint_ne(s[0].id, s[2].id);
    expect_nothing();
}
END_TEST

/* IP IDs (RFC 6864 4.1, RFC 6274 3.5.2) --------------------------------------------------- */

#define IPID_N 1000

/* Send one small datagram to dst through cap0 and return the ID it left with. */
static uint16_t
ipid_send(uint32_t dst, uint8_t proto)
{
    static const uint8_t payload[8] = "ip id..";
    struct ut_sent s;

    ck_assert_int_eq(ipv4_output(pkb_with(payload, sizeof(payload)), 0, dst, proto, 0), TS_OK);
    ut_pop_ipv4(&s);
    ck_assert_uint_eq(s.dst, dst);
    ck_assert_uint_eq(s.frag, 0);                  /* DF clear: the ID must be unique */
    return s.id;
}

/* The stack afresh with the fixture's seed, both hosts' MACs known. */
static void
ipid_restart(void)
{
    struct stack_config c;

    ut_config(&c);
    ut_restart(&c);
    ut_learn(UT_IP_GW, ut_mac_gw);
    ut_learn(UT_IP_PEER, ut_mac_peer);
}

/*
 * RFC 6864 4.1: the ID is unique per (source, destination, protocol) over many datagrams; and
 * (RFC 6274 3.5.2) the two hosts' sequences, merged in send order, are not one counter: the
 * next ID one host gets is not the last ID the other got, plus one.
 */
START_TEST(test_ipv4_id_unique_per_destination_not_one_counter)
{
    static uint8_t seen_a[65536], seen_b[65536];
    uint16_t a[IPID_N], b[IPID_N];
    int plus_one = 0, steps_one = 0;

    ipid_restart();
    memset(seen_a, 0, sizeof(seen_a));
    memset(seen_b, 0, sizeof(seen_b));
    for (int i = 0; i < IPID_N; i++) {
        a[i] = ipid_send(UT_IP_GW, PROTO_UNKNOWN);
        b[i] = ipid_send(UT_IP_PEER, PROTO_UNKNOWN);
        ck_assert_msg(!seen_a[a[i]]++, "ID %u to 10.0.0.1 repeated at datagram %d", a[i], i);
        ck_assert_msg(!seen_b[b[i]]++, "ID %u to 10.0.0.3 repeated at datagram %d", b[i], i);
    }
    /* One interleaved counter gives b[i] = a[i] + 1 and a[i + 1] = b[i] + 1 every time. */
    for (int i = 0; i < IPID_N; i++) {
        plus_one += (uint16_t)(b[i] - a[i]) == 1;
        plus_one += i + 1 < IPID_N && (uint16_t)(a[i + 1] - b[i]) == 1;
    }
    ck_assert_int_lt(plus_one, IPID_N / 100);
    /* Each host's own counter moves by 1..8, not always by the same amount. */
    for (int i = 0; i + 1 < IPID_N; i++) {
        uint16_t step = (uint16_t)(a[i + 1] - a[i]);

        ck_assert_uint_ge(step, 1);
        ck_assert_uint_le(step, 8);
        steps_one += step == 1;
    }
    ck_assert_int_lt(steps_one, IPID_N / 2);
    expect_nothing();
}
END_TEST

/*
 * The idle scan (RFC 6274 3.5.2): a prober reads its own IDs to count what the stack sent to
 * others. With the same seed, the IDs 10.0.0.1 gets are the same whether or not the stack
 * also talks to 10.0.0.3 (any protocol) and to 10.0.0.1 over another protocol in between.
 */
START_TEST(test_ipv4_id_not_moved_by_other_traffic)
{
    uint16_t alone[64], busy[64];

    ipid_restart();
    for (int i = 0; i < 64; i++)
        alone[i] = ipid_send(UT_IP_GW, PROTO_UNKNOWN);
    ipid_restart();
    for (int i = 0; i < 64; i++) {
        for (int j = 0; j < i % 5; j++) {
            ipid_send(UT_IP_PEER, PROTO_UNKNOWN);
            ipid_send(UT_IP_PEER, IPPROTO_UDP_);
            ipid_send(UT_IP_GW, IPPROTO_UDP_);
        }
        busy[i] = ipid_send(UT_IP_GW, PROTO_UNKNOWN);
        ck_assert_uint_eq(busy[i], alone[i]);
    }
    expect_nothing();
}
END_TEST

/* --seed: the same seed gives the same IDs, another seed other IDs. */
START_TEST(test_ipv4_id_follows_seed)
{
    struct stack_config c;
    uint16_t first[3], again[3], other[3];

    ipid_restart();
    for (int i = 0; i < 3; i++)
        first[i] = ipid_send(UT_IP_PEER, PROTO_UNKNOWN);
    ipid_restart();
    for (int i = 0; i < 3; i++)
        again[i] = ipid_send(UT_IP_PEER, PROTO_UNKNOWN);
    ut_config(&c);
    c.seed = UT_SEED + 1;
    ut_restart(&c);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (int i = 0; i < 3; i++)
        other[i] = ipid_send(UT_IP_PEER, PROTO_UNKNOWN);
    ck_assert_mem_eq(first, again, sizeof(first));
    ck_assert_msg(memcmp(first, other, sizeof(first)) != 0, "seed %d and %d gave the same IDs",
                  UT_SEED, UT_SEED + 1);
}
END_TEST

/* RFC 791 3.2 (LIMIT: no fragmentation): a datagram over the MTU is refused and counted. */
START_TEST(test_ipv4_output_mtu)
{
    static uint8_t payload[1500];
    struct ut_sent s;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    memset(payload, 0x3c, sizeof(payload));
    ck_assert_int_eq(ipv4_output(pkb_with(payload, 1481), 0, UT_IP_PEER, PROTO_UNKNOWN, 0),
                     TS_EMSGSIZE);
    ck_assert_uint_eq(STAT_GET(ipv4, too_big), 1);
    expect_nothing();
    ck_assert_int_eq(ipv4_output(pkb_with(payload, 1480), 0, UT_IP_PEER, PROTO_UNKNOWN, 5),
                     TS_OK);
    ut_pop_ipv4(&s);
    ck_assert_uint_eq(s.len, 1514);
    ck_assert_uint_eq(s.ip_total, 1500);
    ck_assert_uint_eq(s.ttl, 5);
    ck_assert_uint_eq(s.l4len, 1480);
}
END_TEST

/* Robustness ------------------------------------------------------------- */

/*
 * RFC 1122 1.2.2: 10,000 seeded garbage frames (random bytes, and valid echo,
 * ARP and unknown-protocol frames with a few bytes changed and sometimes their
 * checksums mended): no crash, every buffer returned, the stack still answers.
 */
START_TEST(test_stack_garbage_frames)
{
    uint8_t f[UT_FRAME_MAX], base[3][UT_FRAME_MAX];
    size_t blen[3];
    uint32_t seed = 0x5eed;

    blen[0] = ut_echo_frame(base[0], ut_mac_peer, UT_IP_PEER, UT_IP_US, 1, 1, 40);
    blen[1] = ut_arp_frame(base[1], ut_mac_bcast, ut_mac_peer, ARP_OP_REQUEST, ut_mac_peer,
                           UT_IP_PEER, ut_mac_zero, UT_IP_US);
    blen[2] = proto_frame(base[2], ut_mac_us, UT_IP_PEER, UT_IP_US, PROTO_UNKNOWN, 12);
    for (int i = 0; i < 10000; i++) {
        size_t len;

        if (i % 4 == 0) {
            len = ut_rand(&seed) % 120;
            for (size_t k = 0; k < len; k++)
                f[k] = (uint8_t)ut_rand(&seed);
            if (len >= 14 && ut_rand(&seed) % 2) {
                memcpy(f, ut_mac_us, 6);                    /* get past Ethernet */
                f[6] &= 0xfe;
                put_be16(f + 12, ut_rand(&seed) % 2 ? ETH_TYPE_IPV4 : ETH_TYPE_ARP);
            }
        } else {
            int b = (int)(ut_rand(&seed) % 3);

            len = blen[b];
            memcpy(f, base[b], len);
            for (int k = 0, flips = 1 + (int)(ut_rand(&seed) % 4); k < flips; k++)
                f[14 + ut_rand(&seed) % (len - 14)] = (uint8_t)ut_rand(&seed);
            if (b != 1 && ut_rand(&seed) % 4 != 0) {
                ut_ip_fix_csum(f, len);
                if (b == 0 && (f[14] & 0x0f) == 5 && (size_t)get_be16(f + 16) <= len - 14 &&
                    get_be16(f + 16) >= 24 && ut_rand(&seed) % 2)
                    ut_icmp_fix_csum(f, len);
            }
            if (ut_rand(&seed) % 8 == 0)
                len = ut_rand(&seed) % (len + 1);
        }
        ut_inject(f, len);
        capture_clear();
        clock_advance(10 * US_PER_MS);                     /* let ARP give up, tokens refill */
        ck_assert_int_eq(stack_poll(0), TS_OK);             /* drain loopback */
    }
    ck_assert_int_eq(stack_poll(0), TS_OK);
    ck_assert_int_eq(stack_poll(0), TS_OK);
    capture_clear();
    ck_assert_uint_eq(STAT_GET(pkb, alloc_fail), 0);
    arp_flush();
    ck_assert_uint_eq(pkb_in_use(), 0);
    /* Still alive and correct. */
    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_inject(f, ut_echo_frame(f, ut_mac_peer, UT_IP_PEER, UT_IP_US, 77, 78, 56));
    expect_echo_reply(ut_mac_peer, UT_IP_PEER, 77, 78, 56);
}
END_TEST

/* Bounded memory: an empty pool is a counted drop, never a crash, and nothing leaks. */
START_TEST(test_pkb_pool_empty_counted)
{
    struct pkb *held[UT_PKB_COUNT];
    uint8_t f[UT_FRAME_MAX];
    size_t len, n = 0;

    while (n < UT_PKB_COUNT && (held[n] = pkb_alloc()) != NULL)
        n++;
    ck_assert_uint_eq(n, UT_PKB_COUNT);
    ck_assert_ptr_null(pkb_alloc());
    ck_assert_uint_eq(STAT_GET(pkb, alloc_fail), 1);
    /* A frame arriving with no buffer is lost at the driver, counted. */
    len = ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, ARP_OP_REQUEST, ut_mac_peer, UT_IP_PEER,
                       ut_mac_zero, UT_IP_US);
    ut_inject(f, len);
    ck_assert_uint_eq(STAT_GET(pkb, alloc_fail), 2);
    /* One buffer free: the request arrives, but the reply finds the pool empty. */
    pkb_free(held[--n]);
    ut_inject(f, len);
    expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_in), 1);
    ck_assert_uint_eq(STAT_GET(pkb, alloc_fail), 3);
    ck_assert_uint_eq(STAT_GET(arp, reply_out), 0);         /* not sent, so not counted */
    while (n > 0)
        pkb_free(held[--n]);
    ck_assert_uint_eq(pkb_in_use(), 0);
}
END_TEST

Suite *
ipv4_icmp_suite(void)
{
    Suite *s = suite_create("ipv4_icmp");
    TCase *echo = ut_tcase("echo");
    TCase *bad = ut_tcase("malformed");
    TCase *eth = ut_tcase("ether");
    TCase *err = ut_tcase("errors");
    TCase *lo = ut_tcase("loopback");
    TCase *rt = ut_tcase("route");
    TCase *rob = ut_tcase("robustness");

    tcase_add_loop_test(echo, test_icmp_echo_reply_sizes, 0, (int)ARRAY_LEN(echo_sizes));
    tcase_add_test(echo, test_icmp_echo_reply_waits_for_arp);
    tcase_add_test(echo, test_icmp_echo_reply_offlink_via_gateway);
    tcase_add_test(echo, test_ipv4_ethernet_padding_trimmed);
    tcase_add_test(echo, test_ipv4_options_accepted);
    tcase_add_test(echo, test_icmp_echo_to_broadcast_ignored);
    tcase_add_test(echo, test_icmp_echo_reply_in_counted);
    tcase_add_test(echo, test_icmp_unknown_type_discarded);
    tcase_add_loop_test(bad, test_ipv4_malformed_dropped, 0, (int)ARRAY_LEN(ip_bad));
    tcase_add_test(bad, test_ipv4_truncated_every_length);
    tcase_add_test(eth, test_ether_not_for_us);
    tcase_add_test(eth, test_ether_group_source_dropped);
    tcase_add_test(eth, test_ether_unknown_type_dropped);
    tcase_add_test(err, test_ipv4_unknown_proto_unreach);
    tcase_add_test(err, test_ipv4_unknown_proto_unreach_quotes_options);
    tcase_add_test(err, test_ipv4_unknown_proto_short_payload_no_padding_quoted);
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
    tcase_add_test(rt, test_route_longest_prefix_match);
    tcase_add_test(rt, test_route_fixture_table);
    tcase_add_test(rt, test_route_no_match_enetunreach);
    tcase_add_test(rt, test_route_add_limits);
    tcase_add_test(rt, test_route_equal_prefix_first_added_wins);
    tcase_add_test(rt, test_netif_broadcast_addresses);
    tcase_add_test(rt, test_ipv4_output_header_fields);
    tcase_add_test(rt, test_ipv4_output_mtu);
    tcase_add_test(rt, test_ipv4_id_unique_per_destination_not_one_counter);
    tcase_add_test(rt, test_ipv4_id_not_moved_by_other_traffic);
    tcase_add_test(rt, test_ipv4_id_follows_seed);
    tcase_add_test(rob, test_stack_garbage_frames);
    tcase_add_test(rob, test_pkb_pool_empty_counted);
    tcase_set_timeout(rob, 120);
    suite_add_tcase(s, echo);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, eth);
    suite_add_tcase(s, err);
    suite_add_tcase(s, lo);
    suite_add_tcase(s, rt);
    suite_add_tcase(s, rob);
    return s;
}
