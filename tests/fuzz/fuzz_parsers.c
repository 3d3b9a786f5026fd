/*
 * fuzz_parsers.c - libFuzzer target: each header parser alone on arbitrary
 * bytes. The first input byte chooses the parser (modulo their number), the
 * rest is the packet (or the string, copied and NUL-terminated).
 *
 *   0 ether_parse   1 arp_parse   2 ipv4_parse   3 icmp_parse
 *   4 ip4_parse_str 5 mac_parse_str 6 udp_parse    7 tcp_parse
 *
 * Besides ASan/UBSan, each TS_OK is checked for consistency with the bytes
 * (abort() on a mismatch): what the parser promises in its contract holds,
 * the fields are the bytes read big-endian, and X_emit(X_parse(b)) gives b
 * back (the checksum field may flip between the two zeros of one's
 * complement, 0x0000 and 0xffff, both of which verify).
 */
#include "../../stack/ts.h"
#include "../../stack/ether.h"
#include "../../stack/arp.h"
#include "../../stack/ipv4.h"
#include "../../stack/icmp.h"
#include "../../stack/udp.h"
#include "../../stack/tcp.h"
#include "../../stack/checksum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_MAX 65536

static void
fail(const char *parser, const char *what)
{
    fprintf(stderr, "fuzz_parsers: %s: %s\n", parser, what);
    abort();
}

static uint32_t
be32(const uint8_t *p)
{
    return ((uint32_t)get_be16(p) << 16) | get_be16(p + 2);
}

/* Equal except for a checksum field at `at` that may be 0x0000 in one and 0xffff in the other. */
static bool
same_but_csum(const uint8_t *a, const uint8_t *b, size_t n, size_t at)
{
    uint16_t x = get_be16(a + at), y = get_be16(b + at);

    if (memcmp(a, b, at) != 0 || memcmp(a + at + 2, b + at + 2, n - at - 2) != 0)
        return false;
    return x == y || (x == 0 && y == 0xffff) || (x == 0xffff && y == 0);
}

static void
fuzz_ether(const uint8_t *b, size_t n)
{
    struct ether_hdr h;
    uint8_t out[ETH_HDR_LEN];
    int r = ether_parse(b, n, &h);

    if ((r == TS_OK) != (n >= ETH_HDR_LEN) || (r != TS_OK && r != TS_ETRUNC))
        fail("ether", "TS_OK if and only if 14 bytes are there, TS_ETRUNC otherwise");
    if (r != TS_OK)
        return;
    ether_emit(out, &h);
    if (memcmp(out, b, ETH_HDR_LEN) != 0)
        fail("ether", "emit(parse(b)) != b");
}

static void
fuzz_arp(const uint8_t *b, size_t n)
{
    struct arp_pkt a;
    uint8_t out[ARP_PKT_LEN];
    int r = arp_parse(b, n, &a);

    if ((r == TS_OK) != (n >= ARP_PKT_LEN) || (r != TS_OK && r != TS_ETRUNC))
        fail("arp", "TS_OK if and only if 28 bytes are there, TS_ETRUNC otherwise");
    if (r != TS_OK)
        return;
    if (a.op != get_be16(b + 6) || a.spa != be32(b + 14) || a.tpa != be32(b + 24))
        fail("arp", "fields are not the bytes read big-endian");
    arp_emit(out, &a);
    if (memcmp(out, b, ARP_PKT_LEN) != 0)
        fail("arp", "emit(parse(b)) != b");
}

static void
fuzz_ipv4(const uint8_t *b, size_t n)
{
    struct ipv4_hdr h;
    uint8_t out[IPV4_HDR_MIN];
    int r = ipv4_parse(b, n, &h);

    if (n < IPV4_HDR_MIN && r != TS_ETRUNC)
        fail("ipv4", "fewer than 20 bytes must give TS_ETRUNC");
    if (r != TS_OK && r != TS_ETRUNC && r != TS_EBADVER && r != TS_EBADLEN && r != TS_EBADSUM)
        fail("ipv4", "an error outside the contract");
    if (r != TS_OK)
        return;
    /* The contract (ipv4.h): version 4, 20 <= hlen <= total_len <= n, checksum verifies. */
    if (h.version != 4 || h.hlen < IPV4_HDR_MIN || h.hlen > h.total_len || h.total_len > n)
        fail("ipv4", "TS_OK but version/hlen/total_len inconsistent");
    if (h.hlen != (b[0] & 0x0f) * 4 || h.total_len != get_be16(b + 2))
        fail("ipv4", "hlen/total_len are not the header's fields");
    if (csum(b, h.hlen) != 0)
        fail("ipv4", "TS_OK but the header checksum does not verify");
    if (h.src != be32(b + 12) || h.dst != be32(b + 16) || h.proto != b[9] || h.ttl != b[8])
        fail("ipv4", "addresses/proto/ttl are not the header's fields");
    if (h.hlen == IPV4_HDR_MIN) {
        ipv4_emit(out, &h);
        if (!same_but_csum(out, b, IPV4_HDR_MIN, 10))
            fail("ipv4", "emit(parse(b)) != b");
        if (csum(out, IPV4_HDR_MIN) != 0)
            fail("ipv4", "emit wrote a checksum that does not verify");
    }
}

static void
fuzz_icmp(const uint8_t *b, size_t n)
{
    static uint8_t out[BUF_MAX];
    struct icmp_hdr h;
    int r = icmp_parse(b, n, &h);

    if (n < ICMP_HDR_LEN && r != TS_ETRUNC)
        fail("icmp", "fewer than 8 bytes must give TS_ETRUNC");
    if (r != TS_OK && r != TS_ETRUNC && r != TS_EBADSUM)
        fail("icmp", "an error outside the contract");
    if (r != TS_OK)
        return;
    if (csum(b, n) != 0 || h.type != b[0] || h.code != b[1] || h.rest != be32(b + 4))
        fail("icmp", "TS_OK but checksum or fields inconsistent");
    memcpy(out, b, n);
    icmp_emit(out, n, &h);
    if (!same_but_csum(out, b, n, 2) || csum(out, n) != 0)
        fail("icmp", "emit(parse(b)) != b");
}

static void
fuzz_ip4_str(const char *s)
{
    char buf[IP4_STRLEN];
    uint32_t ip = 0x12345678, again = 0;

    if (ip4_parse_str(s, &ip) != TS_OK) {
        if (ip != 0x12345678)
            fail("ip4_parse_str", "wrote the result although it failed");
        return;
    }
    for (const char *c = s; *c; c++) {
        if (!((*c >= '0' && *c <= '9') || *c == '.'))
            fail("ip4_parse_str", "accepted a character other than a digit or a dot");
    }
    ip4_str(ip, buf);
    if (ip4_parse_str(buf, &again) != TS_OK || again != ip)
        fail("ip4_parse_str", "parse(str(ip)) != ip");
}

static void
fuzz_mac_str(const char *s)
{
    char buf[MAC_STRLEN];
    uint8_t mac[6], again[6];

    if (mac_parse_str(s, mac) != TS_OK)
        return;
    if (strlen(s) != MAC_STRLEN - 1)
        fail("mac_parse_str", "accepted a string that is not 17 characters long");
    mac_str(mac, buf);
    if (mac_parse_str(buf, again) != TS_OK || memcmp(mac, again, 6) != 0)
        fail("mac_parse_str", "parse(str(mac)) != mac");
}

static void
fuzz_udp(const uint8_t *b, size_t n)
{
    struct udp_hdr h;
    uint8_t out[UDP_HDR_LEN];
    int r = udp_parse(b, n, &h);

    if (n < UDP_HDR_LEN && r != TS_ETRUNC)
        fail("udp", "fewer than 8 bytes must give TS_ETRUNC");
    if (r != TS_OK && r != TS_ETRUNC && r != TS_EBADLEN)
        fail("udp", "an error outside the contract");
    if (r != TS_OK)
        return;
    /* RFC 768: the length covers header and data, and must fit what arrived. */
    if (h.len < UDP_HDR_LEN || h.len > n || h.len != get_be16(b + 4))
        fail("udp", "TS_OK but the length field is inconsistent");
    udp_emit(out, &h);
    if (memcmp(out, b, UDP_HDR_LEN) != 0)
        fail("udp", "emit(parse(b)) != b");
}

static void
fuzz_tcp(const uint8_t *b, size_t n)
{
    struct tcp_hdr h;
    int r = tcp_parse(b, n, &h);

    if (n < TCP_HDR_MIN && r != TS_ETRUNC)
        fail("tcp", "fewer than 20 bytes must give TS_ETRUNC");
    if (r != TS_OK && r != TS_ETRUNC && r != TS_EBADLEN && r != TS_EBADVAL)
        fail("tcp", "an error outside the contract");
    if (r != TS_OK)
        return;
    /* RFC 9293 3.1: the data offset covers at least the fixed header and fits the segment. */
    if (h.hlen < TCP_HDR_MIN || h.hlen > n || h.hlen != (b[12] >> 4) * 4)
        fail("tcp", "TS_OK but the data offset is inconsistent");
    if (h.sport != get_be16(b) || h.dport != get_be16(b + 2) || h.seq != be32(b + 4) ||
        h.ack != be32(b + 8) || h.flags != (b[13] & 0x3f) || h.wnd != get_be16(b + 14))
        fail("tcp", "fields are not the bytes read big-endian");
    if (h.mss != 0 && h.hlen == TCP_HDR_MIN)
        fail("tcp", "an MSS without options");
    /* RFC 2018 3: at most 4 blocks fit; none claimed without the bytes of an option. */
    if (h.nsack > TCP_SACK_MAX || (h.nsack > 0 && h.hlen < TCP_HDR_MIN + 10))
        fail("tcp", "SACK blocks the options cannot hold");
    if ((h.sack_perm || h.sack_bad) && h.hlen == TCP_HDR_MIN)
        fail("tcp", "a SACK option without options");
    if (h.nsack > 0) {
        bool kind5 = false;

        for (size_t i = TCP_HDR_MIN; i < h.hlen; i++)
            kind5 |= b[i] == 5;
        if (!kind5)
            fail("tcp", "SACK blocks without a kind 5 byte");
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned which;
    uint8_t *copy;
    size_t n;

    if (size < 1)
        return 0;
    which = data[0] % 8;
    n = size - 1 < BUF_MAX ? size - 1 : BUF_MAX;
    /*
     * A heap copy of exactly the packet (one byte more for a string's NUL),
     * so ASan reports any read past the end.
     */
    copy = malloc(which == 4 || which == 5 ? n + 1 : n);
    if (copy == NULL && (n > 0 || which == 4 || which == 5))
        return 0;
    if (n > 0)
        memcpy(copy, data + 1, n);
    switch (which) {
    case 0: fuzz_ether(copy, n); break;
    case 1: fuzz_arp(copy, n); break;
    case 2: fuzz_ipv4(copy, n); break;
    case 3: fuzz_icmp(copy, n); break;
    case 6: fuzz_udp(copy, n); break;
    case 7: fuzz_tcp(copy, n); break;
    default:
        copy[n] = '\0';
        if (which == 4)
            fuzz_ip4_str((const char *)copy);
        else
            fuzz_mac_str((const char *)copy);
        break;
    }
    free(copy);
    return 0;
}
