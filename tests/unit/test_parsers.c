/*
 * test_parsers.c - the four header parsers (ether_parse, arp_parse,
 * ipv4_parse, icmp_parse) and the address parsers, on their own: a valid
 * header first, then every truncation, every lying field, and seeded random
 * garbage. A parser may refuse anything, but must never read past n, crash,
 * or return a code outside enum ts_err; what it accepts must be valid.
 */
#include "helpers.h"

#include "../../stack/ether.h"
#include "../../stack/arp.h"
#include "../../stack/ipv4.h"
#include "../../stack/icmp.h"

#include <stdlib.h>
#include <string.h>

static bool
valid_code(int r)
{
    return r == TS_OK || r == TS_ETRUNC || r == TS_EBADLEN || r == TS_EBADSUM ||
           r == TS_EBADVER || r == TS_EBADVAL;
}

/*
 * Give a parser exactly n bytes in a heap block of exactly n bytes, so that
 * ASan and valgrind catch a read one byte past the end.
 */
static uint8_t *
exact_copy(const uint8_t *b, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);

    ck_assert_ptr_nonnull(c);
    if (n)
        memcpy(c, b, n);
    return c;
}

/* An IPv4 datagram (no Ethernet) holding an ICMP echo: 20 (+ options) + 8 + 36 bytes. */
static size_t
build_ip_echo(uint8_t *b, const uint8_t *opts, size_t optlen)
{
    uint8_t f[UT_FRAME_MAX], icmp[64], data[36];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1, .id = 0x1234,
                        .opts = opts, .optlen = optlen };
    size_t ilen, len;

    ut_fill(data, sizeof(data), 1);
    ilen = ut_icmp_echo(icmp, 8, 0x77, 3, data, sizeof(data));
    len = ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, ilen);
    memcpy(b, f + 14, len - 14);
    return 20 + optlen + ilen;
}

/* Ethernet --------------------------------------------------------------- */

/* RFC 894: destination, source, EtherType, read as they are. */
START_TEST(test_ether_parse_valid)
{
    uint8_t f[60];
    struct ether_hdr h;

    ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, 1, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_US);
    ck_assert_int_eq(ether_parse(f, 14, &h), TS_OK);
    ck_assert_mem_eq(h.dst, ut_mac_bcast, 6);
    ck_assert_mem_eq(h.src, ut_mac_peer, 6);
    ck_assert_uint_eq(h.type, ETH_TYPE_ARP);
    ck_assert_int_eq(ether_parse(f, sizeof(f), &h), TS_OK);
}
END_TEST

/* RFC 894: fewer than 14 bytes is no Ethernet header. */
START_TEST(test_ether_parse_truncated_every_length)
{
    uint8_t f[60];
    struct ether_hdr h;

    ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, 1, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_US);
    for (size_t n = 0; n < ETH_HDR_LEN; n++) {
        uint8_t *c = exact_copy(f, n);

        ck_assert_int_eq(ether_parse(c, n, &h), TS_ETRUNC);
        free(c);
    }
}
END_TEST

/* ARP -------------------------------------------------------------------- */

/* RFC 826: every field of an Ethernet/IPv4 ARP packet, host order out. */
START_TEST(test_arp_parse_valid)
{
    uint8_t f[60];
    struct arp_pkt a;

    ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, 2, ut_mac_peer, UT_IP_PEER, ut_mac_us, UT_IP_US);
    ck_assert_int_eq(arp_parse(f + 14, 28, &a), TS_OK);
    ck_assert_uint_eq(a.hrd, 1);
    ck_assert_uint_eq(a.pro, 0x0800);
    ck_assert_uint_eq(a.hln, 6);
    ck_assert_uint_eq(a.pln, 4);
    ck_assert_uint_eq(a.op, 2);
    ck_assert_mem_eq(a.sha, ut_mac_peer, 6);
    ck_assert_uint_eq(a.spa, UT_IP_PEER);
    ck_assert_mem_eq(a.tha, ut_mac_us, 6);
    ck_assert_uint_eq(a.tpa, UT_IP_US);
    /* Ethernet padding after the 28 bytes is not ARP's business. */
    ck_assert_int_eq(arp_parse(f + 14, 46, &a), TS_OK);
}
END_TEST

/* RFC 826: fewer than 28 bytes cannot hold Ethernet/IPv4 addresses. */
START_TEST(test_arp_parse_truncated_every_length)
{
    uint8_t f[60];
    struct arp_pkt a;

    ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, 1, ut_mac_peer, UT_IP_PEER, ut_mac_zero, UT_IP_US);
    for (size_t n = 0; n < ARP_PKT_LEN; n++) {
        uint8_t *c = exact_copy(f + 14, n);

        ck_assert_int_eq(arp_parse(c, n, &a), TS_ETRUNC);
        free(c);
    }
}
END_TEST

/* RFC 826: arp_emit writes back exactly what arp_parse read. */
START_TEST(test_arp_emit_roundtrip)
{
    uint8_t f[60], out[ARP_PKT_LEN];
    struct arp_pkt a;

    ut_arp_frame(f, ut_mac_bcast, ut_mac_peer, 1, ut_mac_peer, UT_IP_PEER, ut_mac_gw, UT_IP_US);
    ck_assert_int_eq(arp_parse(f + 14, 28, &a), TS_OK);
    arp_emit(out, &a);
    ck_assert_mem_eq(out, f + 14, ARP_PKT_LEN);
}
END_TEST

/* IPv4 ------------------------------------------------------------------- */

/* RFC 791 3.1: a valid header, host-order fields out. */
START_TEST(test_ipv4_parse_valid)
{
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, NULL, 0);

    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
    ck_assert_uint_eq(h.version, 4);
    ck_assert_uint_eq(h.hlen, 20);
    ck_assert_uint_eq(h.total_len, n);
    ck_assert_uint_eq(h.id, 0x1234);
    ck_assert_uint_eq(h.flags, 0);
    ck_assert_uint_eq(h.frag_off, 0);
    ck_assert_uint_eq(h.ttl, 64);
    ck_assert_uint_eq(h.proto, 1);
    ck_assert_uint_eq(h.src, UT_IP_PEER);
    ck_assert_uint_eq(h.dst, UT_IP_US);
    /* RFC 791 3.1: trailing bytes beyond total length (link padding) are allowed. */
    ck_assert_int_eq(ipv4_parse(b, n + 10, &h), TS_OK);
}
END_TEST

/* RFC 791 3.1: flags and fragment offset split as on the wire (3 + 13 bits). */
START_TEST(test_ipv4_parse_flags_and_offset)
{
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, NULL, 0);

    b[6] = 0x20 | 0x1f;           /* MF, offset high bits */
    b[7] = 0xff;
    put_be16(b + 10, 0);
    put_be16(b + 10, ut_csum(b, 20));
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
    ck_assert_uint_eq(h.flags, IPV4_FLAG_MF);
    ck_assert_uint_eq(h.frag_off, 0x1fff);
    b[6] = 0x40;                  /* DF only */
    b[7] = 0;
    put_be16(b + 10, 0);
    put_be16(b + 10, ut_csum(b, 20));
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
    ck_assert_uint_eq(h.flags, IPV4_FLAG_DF);
    ck_assert_uint_eq(h.frag_off, 0);
}
END_TEST

/* RFC 791 3.1: options make IHL > 5; the header length is IHL * 4. */
START_TEST(test_ipv4_parse_options)
{
    static const uint8_t nops[4] = { 1, 1, 1, 0 };      /* NOP NOP NOP EOL */
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, nops, sizeof(nops));

    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
    ck_assert_uint_eq(h.hlen, 24);
    ck_assert_uint_eq(h.total_len, n);
}
END_TEST

/* RFC 791 3.1: under 20 bytes is truncated; a shorter datagram than total length lies. */
START_TEST(test_ipv4_parse_truncated_every_length)
{
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t len = build_ip_echo(b, NULL, 0);

    for (size_t n = 0; n < len; n++) {
        uint8_t *c = exact_copy(b, n);

        ck_assert_int_eq(ipv4_parse(c, n, &h), n < IPV4_HDR_MIN ? TS_ETRUNC : TS_EBADLEN);
        free(c);
    }
}
END_TEST

/* RFC 1122 3.2.1.1: a datagram whose version is not 4 MUST be discarded. */
START_TEST(test_ipv4_parse_wrong_version)
{
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, NULL, 0);

    for (unsigned v = 0; v < 16; v++) {
        if (v == 4)
            continue;
        b[0] = (uint8_t)(v << 4 | 5);
        put_be16(b + 10, 0);
        put_be16(b + 10, ut_csum(b, 20));
        ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADVER);
    }
}
END_TEST

/* RFC 791 3.1: IHL is at least 5 (a 20-byte header). */
START_TEST(test_ipv4_parse_ihl_below_5)
{
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, NULL, 0);

    for (unsigned ihl = 0; ihl < 5; ihl++) {
        b[0] = (uint8_t)(0x40 | ihl);
        put_be16(b + 10, 0);
        put_be16(b + 10, ut_csum(b, 20));
        ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADVER);
    }
}
END_TEST

/* RFC 1122 3.2.1.2: a header length beyond the data is a lie. */
START_TEST(test_ipv4_parse_ihl_beyond_data)
{
    uint8_t b[128];
    struct ipv4_hdr h;

    build_ip_echo(b, NULL, 0);
    b[0] = 0x4f;                  /* 60-byte header ... */
    put_be16(b + 2, 20);          /* total length honest about the 20 bytes given */
    put_be16(b + 10, 0);
    put_be16(b + 10, ut_csum(b, 20));
    for (size_t n = 20; n < 60; n++)
        ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADLEN);
}
END_TEST

/* RFC 1122 3.2.1.2: total length beyond the data received is a lie. */
START_TEST(test_ipv4_parse_total_len_beyond_data)
{
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, NULL, 0);

    put_be16(b + 2, (uint16_t)(n + 1));
    put_be16(b + 10, 0);
    put_be16(b + 10, ut_csum(b, 20));
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADLEN);
    put_be16(b + 2, 0xffff);
    put_be16(b + 10, 0);
    put_be16(b + 10, ut_csum(b, 20));
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADLEN);
}
END_TEST

/* RFC 791 3.1: total length includes the header, so it is never below IHL * 4. */
START_TEST(test_ipv4_parse_total_len_below_ihl)
{
    static const uint8_t nops[4] = { 1, 1, 1, 1 };
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, nops, sizeof(nops));

    for (uint16_t tl = 0; tl < 24; tl++) {
        put_be16(b + 2, tl);
        put_be16(b + 10, 0);
        put_be16(b + 10, ut_csum(b, 24));
        ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADLEN);
    }
    put_be16(b + 2, 24);          /* exactly the header: an empty datagram is fine */
    put_be16(b + 10, 0);
    put_be16(b + 10, ut_csum(b, 24));
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
}
END_TEST

/* RFC 1122 3.2.1.2: the header checksum MUST be verified; any single-bit error shows. */
START_TEST(test_ipv4_parse_bad_checksum)
{
    static const uint8_t nops[4] = { 1, 1, 1, 1 };
    uint8_t b[128];
    struct ipv4_hdr h;
    size_t n = build_ip_echo(b, nops, sizeof(nops));

    /* Flip each bit of the fields no earlier check looks at (id .. options). */
    for (size_t i = 4; i < 24; i++) {
        for (int bit = 0; bit < 8; bit++) {
            b[i] ^= (uint8_t)(1 << bit);
            ck_assert_int_eq(ipv4_parse(b, n, &h), TS_EBADSUM);
            b[i] ^= (uint8_t)(1 << bit);
        }
    }
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
    /* The checksum covers the header only: the payload is not its business. */
    b[30] ^= 0xff;
    ck_assert_int_eq(ipv4_parse(b, n, &h), TS_OK);
}
END_TEST

/* RFC 791 3.1: ipv4_emit writes a header that parses back, checksum included. */
START_TEST(test_ipv4_emit_roundtrip)
{
    uint8_t b[40];
    struct ipv4_hdr h = { .version = 4, .hlen = 20, .tos = 0x10, .total_len = 40, .id = 0xbeef,
                          .flags = IPV4_FLAG_DF, .frag_off = 0, .ttl = 17, .proto = 253,
                          .src = UT_IP_US, .dst = IP4(192, 0, 2, 1) };
    struct ipv4_hdr g;

    memset(b, 0xee, sizeof(b));
    ipv4_emit(b, &h);
    ck_assert_uint_eq(ut_csum(b, 20), 0);
    ck_assert_int_eq(ipv4_parse(b, sizeof(b), &g), TS_OK);
    ck_assert_uint_eq(g.tos, 0x10);
    ck_assert_uint_eq(g.id, 0xbeef);
    ck_assert_uint_eq(g.flags, IPV4_FLAG_DF);
    ck_assert_uint_eq(g.ttl, 17);
    ck_assert_uint_eq(g.proto, 253);
    ck_assert_uint_eq(g.src, UT_IP_US);
    ck_assert_uint_eq(g.dst, IP4(192, 0, 2, 1));
}
END_TEST

/* ICMP ------------------------------------------------------------------- */

/* RFC 792: type, code, checksum and the rest-of-header word. */
START_TEST(test_icmp_parse_valid)
{
    uint8_t b[128], data[37];
    struct icmp_hdr h;
    size_t n;

    ut_fill(data, sizeof(data), 4);
    n = ut_icmp_echo(b, 8, 0xabcd, 0x0102, data, sizeof(data));        /* odd length */
    ck_assert_int_eq(icmp_parse(b, n, &h), TS_OK);
    ck_assert_uint_eq(h.type, 8);
    ck_assert_uint_eq(h.code, 0);
    ck_assert_uint_eq(h.rest, 0xabcd0102u);
    n = ut_icmp_echo(b, 0, 1, 2, NULL, 0);                             /* header only */
    ck_assert_int_eq(icmp_parse(b, n, &h), TS_OK);
}
END_TEST

/* RFC 792: under 8 bytes there is no header; cut data no longer matches the checksum. */
START_TEST(test_icmp_parse_truncated_every_length)
{
    uint8_t b[128], data[56];
    struct icmp_hdr h;
    size_t len;

    ut_fill(data, sizeof(data), 6);
    len = ut_icmp_echo(b, 8, 0x77, 1, data, sizeof(data));
    for (size_t n = 0; n < len; n++) {
        uint8_t *c = exact_copy(b, n);

        /* The data is chosen so that no cut happens to keep the sum: check that first. */
        if (n >= ICMP_HDR_LEN)
            ck_assert_uint_ne(ut_csum(b, n), 0);
        ck_assert_int_eq(icmp_parse(c, n, &h), n < ICMP_HDR_LEN ? TS_ETRUNC : TS_EBADSUM);
        free(c);
    }
}
END_TEST

/* RFC 792: the checksum covers the whole message, header and data. */
START_TEST(test_icmp_parse_bad_checksum)
{
    uint8_t b[128], data[20];
    struct icmp_hdr h;
    size_t n;

    ut_fill(data, sizeof(data), 8);
    n = ut_icmp_echo(b, 8, 1, 1, data, sizeof(data));
    for (size_t i = 0; i < n; i++) {
        b[i] ^= 0x01;
        ck_assert_int_eq(icmp_parse(b, n, &h), TS_EBADSUM);
        b[i] ^= 0x01;
    }
    ck_assert_int_eq(icmp_parse(b, n, &h), TS_OK);
}
END_TEST

/* RFC 792: icmp_emit computes the checksum over the whole message. */
START_TEST(test_icmp_emit_checksum)
{
    uint8_t b[64];
    struct icmp_hdr h = { .type = 3, .code = 2, .csum = 0, .rest = 0 };
    struct icmp_hdr g;

    ut_fill(b, sizeof(b), 2);
    icmp_emit(b, 35, &h);
    ck_assert_uint_eq(ut_csum(b, 35), 0);
    ck_assert_int_eq(icmp_parse(b, 35, &g), TS_OK);
    ck_assert_uint_eq(g.type, 3);
    ck_assert_uint_eq(g.code, 2);
    ck_assert_uint_eq(g.rest, 0);
}
END_TEST

/* Garbage ---------------------------------------------------------------- */

/*
 * RFC 1122 1.2.2 (robustness): 10,000 seeded inputs, half random bytes and
 * half a valid datagram with a few bytes changed, through every parser.
 * Whatever a parser accepts must satisfy its own checks.
 */
START_TEST(test_parsers_random_garbage)
{
    uint8_t valid[128];
    size_t vlen = build_ip_echo(valid, NULL, 0);
    uint32_t seed = 0xC0FFEEu;
    int accepted_ip = 0;

    for (int i = 0; i < 10000; i++) {
        uint8_t buf[128];
        size_t n = ut_rand(&seed) % 100;
        uint8_t *c;
        struct ether_hdr eh;
        struct arp_pkt ah;
        struct ipv4_hdr ih;
        struct icmp_hdr icmph;
        int r;

        if (i % 2 == 0) {
            for (size_t k = 0; k < n; k++)
                buf[k] = (uint8_t)ut_rand(&seed);
        } else {
            n = vlen;
            memcpy(buf, valid, vlen);
            for (int k = 0, flips = 1 + (int)(ut_rand(&seed) % 3); k < flips; k++)
                buf[ut_rand(&seed) % vlen] = (uint8_t)ut_rand(&seed);
            if (ut_rand(&seed) % 2) {
                /* Keep the header checksum right so the later checks are reached. */
                size_t hl = (size_t)(buf[0] & 0x0f) * 4;

                if (hl >= 20 && hl <= n) {
                    put_be16(buf + 10, 0);
                    put_be16(buf + 10, ut_csum(buf, hl));
                }
            }
            if (ut_rand(&seed) % 4 == 0)
                n = ut_rand(&seed) % (vlen + 1);
        }
        c = exact_copy(buf, n);
        r = ether_parse(c, n, &eh);
        ck_assert(valid_code(r));
        ck_assert_int_eq(r, n >= 14 ? TS_OK : TS_ETRUNC);
        r = arp_parse(c, n, &ah);
        ck_assert(valid_code(r));
        ck_assert_int_eq(r, n >= 28 ? TS_OK : TS_ETRUNC);
        r = ipv4_parse(c, n, &ih);
        ck_assert(valid_code(r));
        if (r == TS_OK) {
            accepted_ip++;
            ck_assert_uint_eq(ih.version, 4);
            ck_assert_uint_ge(ih.hlen, 20);
            ck_assert_uint_le(ih.hlen, ih.total_len);
            ck_assert_uint_le(ih.total_len, n);
            ck_assert_uint_eq(ut_csum(c, ih.hlen), 0);
        }
        r = icmp_parse(c, n, &icmph);
        ck_assert(valid_code(r));
        if (r == TS_OK) {
            ck_assert_uint_ge(n, 8);
            ck_assert_uint_eq(ut_csum(c, n), 0);
        }
        free(c);
    }
    /* The mutated half must reach the deep checks, or the loop tests little. */
    ck_assert_int_gt(accepted_ip, 100);
}
END_TEST

/* Address strings -------------------------------------------------------- */

/* RFC 791 2.3 dotted decimal: four decimal parts 0..255, nothing else. */
START_TEST(test_util_ip4_parse_str)
{
    static const char *const bad[] = {
        "", ".", "1", "1.2.3", "1.2.3.", "1.2.3.4.", "1.2.3.4.5", "1..3.4", ".1.2.3",
        "256.0.0.1", "1.2.3.256", "999.1.1.1", "1000.1.1.1", "0001.2.3.4", "a.b.c.d",
        "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "1.2.3.+4", "1,2,3,4", "1.2.3.4/24",
        "0x0a.0.0.1", "10.0.0.2\n",
    };
    uint32_t ip = 0xdeadbeef;

    ck_assert_int_eq(ip4_parse_str("10.0.0.2", &ip), TS_OK);
    ck_assert_uint_eq(ip, UT_IP_US);
    ck_assert_int_eq(ip4_parse_str("0.0.0.0", &ip), TS_OK);
    ck_assert_uint_eq(ip, 0);
    ck_assert_int_eq(ip4_parse_str("255.255.255.255", &ip), TS_OK);
    ck_assert_uint_eq(ip, 0xffffffffu);
    ck_assert_int_eq(ip4_parse_str("192.168.1.254", &ip), TS_OK);
    ck_assert_uint_eq(ip, IP4(192, 168, 1, 254));
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        ip = 0x01020304;
        ck_assert_msg(ip4_parse_str(bad[i], &ip) == TS_EINVAL, "accepted \"%s\"", bad[i]);
        ck_assert_uint_eq(ip, 0x01020304);          /* untouched on failure */
    }
}
END_TEST

/* IEEE 802 canonical form: six two-digit hex bytes separated by colons. */
START_TEST(test_util_mac_parse_str)
{
    static const uint8_t want[6] = { 0x02, 0x74, 0x73, 0x00, 0x00, 0x02 };
    static const uint8_t upper[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    static const char *const bad[] = {
        "", "02", "02:74:73:00:00", "02:74:73:00:00:", "02:74:73:00:00:02:",
        "02:74:73:00:00:02:03", "02-74-73-00-00-02", "2:74:73:0:0:2", "02:74:73:00:00:2",
        "02:74:73:00:00:002", "gg:74:73:00:00:02", "02:74:73:00:00:0g", "027473000002",
        " 02:74:73:00:00:02", "02:74:73:00:00:02 ", "02::74:73:00:00:02",
    };
    uint8_t mac[6];

    ck_assert_int_eq(mac_parse_str("02:74:73:00:00:02", mac), TS_OK);
    ck_assert_mem_eq(mac, want, 6);
    ck_assert_int_eq(mac_parse_str("AA:bb:Cc:dD:EE:ff", mac), TS_OK);
    ck_assert_mem_eq(mac, upper, 6);
    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        char *c = strdup(bad[i]);   /* exact-size heap copy: a read past NUL shows */

        ck_assert_ptr_nonnull(c);
        ck_assert_msg(mac_parse_str(c, mac) == TS_EINVAL, "accepted \"%s\"", bad[i]);
        free(c);
    }
}
END_TEST

Suite *
parsers_suite(void)
{
    Suite *s = suite_create("parsers");
    TCase *eth = tcase_create("ether");
    TCase *arp = tcase_create("arp");
    TCase *ip = tcase_create("ipv4");
    TCase *icmp = tcase_create("icmp");
    TCase *fuzz = tcase_create("garbage");
    TCase *str = tcase_create("strings");

    tcase_add_test(eth, test_ether_parse_valid);
    tcase_add_test(eth, test_ether_parse_truncated_every_length);
    tcase_add_test(arp, test_arp_parse_valid);
    tcase_add_test(arp, test_arp_parse_truncated_every_length);
    tcase_add_test(arp, test_arp_emit_roundtrip);
    tcase_add_test(ip, test_ipv4_parse_valid);
    tcase_add_test(ip, test_ipv4_parse_flags_and_offset);
    tcase_add_test(ip, test_ipv4_parse_options);
    tcase_add_test(ip, test_ipv4_parse_truncated_every_length);
    tcase_add_test(ip, test_ipv4_parse_wrong_version);
    tcase_add_test(ip, test_ipv4_parse_ihl_below_5);
    tcase_add_test(ip, test_ipv4_parse_ihl_beyond_data);
    tcase_add_test(ip, test_ipv4_parse_total_len_beyond_data);
    tcase_add_test(ip, test_ipv4_parse_total_len_below_ihl);
    tcase_add_test(ip, test_ipv4_parse_bad_checksum);
    tcase_add_test(ip, test_ipv4_emit_roundtrip);
    tcase_add_test(icmp, test_icmp_parse_valid);
    tcase_add_test(icmp, test_icmp_parse_truncated_every_length);
    tcase_add_test(icmp, test_icmp_parse_bad_checksum);
    tcase_add_test(icmp, test_icmp_emit_checksum);
    tcase_add_test(fuzz, test_parsers_random_garbage);
    tcase_set_timeout(fuzz, 60);
    tcase_add_test(str, test_util_ip4_parse_str);
    tcase_add_test(str, test_util_mac_parse_str);
    suite_add_tcase(s, eth);
    suite_add_tcase(s, arp);
    suite_add_tcase(s, ip);
    suite_add_tcase(s, icmp);
    suite_add_tcase(s, fuzz);
    suite_add_tcase(s, str);
    return s;
}
