/*
 * test_ipv4.c - Ethernet and IPv4 (RFC 894, RFC 791, RFC 1122 3.2.1): the
 * receive path's checks, options and padding, protocol unreachable for an
 * unknown protocol, the routing table (RFC 1812 5.2.4.3), what ipv4_output
 * writes (IDs per RFC 6864), and seeded garbage. Frames are injected on
 * cap0; what the stack sends is taken apart by ut_pop_ipv4 and its checksums
 * verified with the tests' own ut_csum. ICMP itself is test_icmp.c.
 */
#include "helpers.h"
#include "ip_expect.h"

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

#include <string.h>

/* Receive ---------------------------------------------------------------- */

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
    ut_expect_echo_reply(ut_mac_peer, UT_IP_PEER, 3, 4, 0);
    ut_expect_nothing();
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
    ut_expect_echo_reply(ut_mac_peer, UT_IP_PEER, 0x99, 12, sizeof(data));
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(ipv4, options), 1);
}
END_TEST

/* Malformed -------------------------------------------------------------- */

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

static const struct ut_bad ip_bad[] = {
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

/* RFC 1122 3.2.1: each malformed echo request: no output, its counter +1. */
START_TEST(test_ipv4_malformed_dropped)
{
    ut_expect_bad_dropped(&ip_bad[_i]);
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
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(ether, too_short), ETH_HDR_LEN);
    ck_assert_uint_eq(STAT_GET(ipv4, truncated), IPV4_HDR_MIN);
    ck_assert_uint_eq(STAT_GET(ipv4, bad_len), len - ETH_HDR_LEN - IPV4_HDR_MIN);
    ck_assert_uint_eq(STAT_GET(ipv4, delivered), 0);
    /* The whole frame still works. */
    ut_inject(f, len);
    ut_expect_echo_reply(ut_mac_peer, UT_IP_PEER, 0x42, 1, 56);
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
    ut_expect_nothing();
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
    ut_expect_nothing();
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
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(ether, unknown_type), 2);
}
END_TEST

/* Protocol unreachable --------------------------------------------------- */

/* RFC 1122 3.2.2.1: unknown protocol -> protocol unreachable quoting header + 8 bytes exactly. */
START_TEST(test_ipv4_unknown_proto_unreach)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 24);
    ut_inject(f, len);
    ut_expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 20 + 8);
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(ipv4, unknown_proto), 1);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 1);
}
END_TEST

/* RFC 792: with options the whole header (IHL 6 = 24 bytes) is quoted, plus 8 data bytes. */
START_TEST(test_ipv4_unknown_proto_unreach_quotes_options)
{
    static const uint8_t nops[4] = { 1, 1, 1, 1 };
    uint8_t f[UT_FRAME_MAX], data[30];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = UT_PROTO_UNKNOWN, .id = 5,
                        .opts = nops, .optlen = sizeof(nops) };
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, sizeof(data), 30);
    len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, data, sizeof(data));
    ut_inject(f, len);
    ut_expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 24 + 8);
    ut_expect_nothing();
}
END_TEST

/* RFC 792: fewer than 8 data bytes: quote what there is, never the Ethernet padding. */
START_TEST(test_ipv4_unknown_proto_short_payload_no_padding_quoted)
{
    uint8_t f[UT_FRAME_MAX];
    size_t len;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    len = ut_proto_frame(f, ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 3);
    ck_assert_uint_eq(len, 60);
    memset(f + 14 + 23, 0xaa, len - 14 - 23);
    ut_inject(f, len);
    ut_expect_unreach(ICMP_UNREACH_PROTO, UT_IP_PEER, f + 14, 20 + 3);
    ut_expect_nothing();
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
    ck_assert_int_eq(ipv4_output(ut_pkb_with(payload, sizeof(payload)), 0, IP4(192, 168, 1, 1),
                                 UT_PROTO_UNKNOWN, 0), TS_ENOROUTE);
    ck_assert_uint_eq(STAT_GET(ipv4, no_route), 1);
    ut_expect_nothing();
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

/* Output ----------------------------------------------------------------- */

/* RFC 791 3.1 / RFC 6864 4.1: a 20-byte header, no fragment bits, and a fresh ID per datagram. */
START_TEST(test_ipv4_output_header_fields)
{
    static const uint8_t payload[12] = "tapstack ip";
    struct ut_sent s[3];

    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(ipv4_output(ut_pkb_with(payload, sizeof(payload)), 0, UT_IP_PEER,
                                     UT_PROTO_UNKNOWN, i == 2 ? 1 : 0), TS_OK);
        ut_pop_ipv4(&s[i]);
        ck_assert_uint_eq(s[i].ip[0], 0x45);
        ck_assert_uint_eq(s[i].ip[1], 0);                    /* TOS */
        ck_assert_uint_eq(s[i].frag, 0);                     /* DF, MF clear, offset 0 */
        ck_assert_uint_eq(s[i].proto, UT_PROTO_UNKNOWN);
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
    ut_expect_nothing();
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

    ck_assert_int_eq(ipv4_output(ut_pkb_with(payload, sizeof(payload)), 0, dst, proto, 0), TS_OK);
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
        a[i] = ipid_send(UT_IP_GW, UT_PROTO_UNKNOWN);
        b[i] = ipid_send(UT_IP_PEER, UT_PROTO_UNKNOWN);
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
    ut_expect_nothing();
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
        alone[i] = ipid_send(UT_IP_GW, UT_PROTO_UNKNOWN);
    ipid_restart();
    for (int i = 0; i < 64; i++) {
        for (int j = 0; j < i % 5; j++) {
            ipid_send(UT_IP_PEER, UT_PROTO_UNKNOWN);
            ipid_send(UT_IP_PEER, IPPROTO_UDP_);
            ipid_send(UT_IP_GW, IPPROTO_UDP_);
        }
        busy[i] = ipid_send(UT_IP_GW, UT_PROTO_UNKNOWN);
        ck_assert_uint_eq(busy[i], alone[i]);
    }
    ut_expect_nothing();
}
END_TEST

/* --seed: the same seed gives the same IDs, another seed other IDs. */
START_TEST(test_ipv4_id_follows_seed)
{
    struct stack_config c;
    uint16_t first[3], again[3], other[3];

    ipid_restart();
    for (int i = 0; i < 3; i++)
        first[i] = ipid_send(UT_IP_PEER, UT_PROTO_UNKNOWN);
    ipid_restart();
    for (int i = 0; i < 3; i++)
        again[i] = ipid_send(UT_IP_PEER, UT_PROTO_UNKNOWN);
    ut_config(&c);
    c.seed = UT_SEED + 1;
    ut_restart(&c);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (int i = 0; i < 3; i++)
        other[i] = ipid_send(UT_IP_PEER, UT_PROTO_UNKNOWN);
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
    ck_assert_int_eq(ipv4_output(ut_pkb_with(payload, 1481), 0, UT_IP_PEER, UT_PROTO_UNKNOWN, 0),
                     TS_EMSGSIZE);
    ck_assert_uint_eq(STAT_GET(ipv4, too_big), 1);
    ut_expect_nothing();
    ck_assert_int_eq(ipv4_output(ut_pkb_with(payload, 1480), 0, UT_IP_PEER, UT_PROTO_UNKNOWN, 5),
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
    blen[2] = ut_proto_frame(base[2], ut_mac_us, UT_IP_PEER, UT_IP_US, UT_PROTO_UNKNOWN, 12);
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
    ut_expect_echo_reply(ut_mac_peer, UT_IP_PEER, 77, 78, 56);
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
    ut_expect_nothing();
    ck_assert_uint_eq(STAT_GET(arp, req_in), 1);
    ck_assert_uint_eq(STAT_GET(pkb, alloc_fail), 3);
    ck_assert_uint_eq(STAT_GET(arp, reply_out), 0);         /* not sent, so not counted */
    while (n > 0)
        pkb_free(held[--n]);
    ck_assert_uint_eq(pkb_in_use(), 0);
}
END_TEST

Suite *
ipv4_suite(void)
{
    Suite *s = suite_create("ipv4");
    TCase *in = ut_tcase("input");
    TCase *bad = ut_tcase("malformed");
    TCase *eth = ut_tcase("ether");
    TCase *unr = ut_tcase("unreachable");
    TCase *rt = ut_tcase("route");
    TCase *rob = ut_tcase("robustness");

    tcase_add_test(in, test_ipv4_ethernet_padding_trimmed);
    tcase_add_test(in, test_ipv4_options_accepted);
    tcase_add_loop_test(bad, test_ipv4_malformed_dropped, 0, (int)ARRAY_LEN(ip_bad));
    tcase_add_test(bad, test_ipv4_truncated_every_length);
    tcase_add_test(eth, test_ether_not_for_us);
    tcase_add_test(eth, test_ether_group_source_dropped);
    tcase_add_test(eth, test_ether_unknown_type_dropped);
    tcase_add_test(unr, test_ipv4_unknown_proto_unreach);
    tcase_add_test(unr, test_ipv4_unknown_proto_unreach_quotes_options);
    tcase_add_test(unr, test_ipv4_unknown_proto_short_payload_no_padding_quoted);
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
    suite_add_tcase(s, in);
    suite_add_tcase(s, bad);
    suite_add_tcase(s, eth);
    suite_add_tcase(s, unr);
    suite_add_tcase(s, rt);
    suite_add_tcase(s, rob);
    return s;
}
