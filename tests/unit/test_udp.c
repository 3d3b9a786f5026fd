/*
 * test_udp.c - UDP on the wire (RFC 768, RFC 1122 4.1): parse and validate,
 * checksums in and out, port demultiplexing (specific before wildcard,
 * connected peers, broadcasts), bounded receive queues, port unreachable and
 * its quote, ICMP errors back to sockets, MTU and routing limits, and the
 * loopback path. Frames are injected on cap0 and what the stack sends is
 * taken apart with the tests' own code (ut_csum, hand-written offsets); the
 * application side uses the socket-like API, on the fixture's virtual clock.
 */
#include "helpers.h"

#include "../../stack/udp.h"
#include "../../stack/socket.h"
#include "../../stack/ipv4.h"
#include "../../stack/icmp.h"
#include "../../stack/route.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../drivers/capture.h"

#include <arpa/inet.h>
#include <string.h>

#define PORT_OPEN    7000
#define PORT_CLOSED  7001
#define PORT_PEER    5000

/* Builders ---------------------------------------------------------------- */

static struct sockaddr_in
sin_of(uint32_t addr, uint16_t port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(addr);
    a.sin_port = htons(port);
    return a;
}

/* A UDP socket bound to addr:port (SO_REUSEADDR if reuse). */
static int
udp_sock(uint32_t addr, uint16_t port, bool reuse)
{
    struct sockaddr_in a = sin_of(addr, port);
    int one = 1, fd = ts_socket(AF_INET, SOCK_DGRAM, 0);

    ck_assert_int_ge(fd, 0);
    if (reuse)
        ck_assert_int_eq(ts_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)), 0);
    ck_assert_int_eq(ts_bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* The checksum of a UDP datagram u[0..n) whose checksum field is zero,
 * from the RFC 768 pseudo-header, with the tests' own ut_csum. */
static uint16_t
ref_udp_csum(uint32_t src, uint32_t dst, const uint8_t *u, size_t n)
{
    uint8_t b[12 + UT_FRAME_MAX];

    b[0] = (uint8_t)(src >> 24); b[1] = (uint8_t)(src >> 16);
    b[2] = (uint8_t)(src >> 8);  b[3] = (uint8_t)src;
    b[4] = (uint8_t)(dst >> 24); b[5] = (uint8_t)(dst >> 16);
    b[6] = (uint8_t)(dst >> 8);  b[7] = (uint8_t)dst;
    b[8] = 0;                    b[9] = 17;                 /* zero, protocol */
    b[10] = (uint8_t)(n >> 8);   b[11] = (uint8_t)n;        /* UDP length */
    memcpy(b + 12, u, n);
    return ut_csum(b, 12 + n);
}

/* UDP header + data into u, with a correct checksum; returns 8 + n. */
static size_t
udp_bytes(uint8_t *u, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
          const uint8_t *data, size_t n)
{
    uint16_t c;

    u[0] = (uint8_t)(sport >> 8); u[1] = (uint8_t)sport;    /* source port */
    u[2] = (uint8_t)(dport >> 8); u[3] = (uint8_t)dport;    /* destination port */
    u[4] = (uint8_t)((8 + n) >> 8); u[5] = (uint8_t)(8 + n); /* length */
    u[6] = 0; u[7] = 0;                                      /* checksum, below */
    if (n)
        memcpy(u + 8, data, n);
    c = ref_udp_csum(src, dst, u, 8 + n);
    if (c == 0)
        c = 0xffff;
    u[6] = (uint8_t)(c >> 8);
    u[7] = (uint8_t)c;
    return 8 + n;
}

/* A frame from the peer (10.0.0.3:5000) to dst:dport carrying udp bytes u[0..n). */
static size_t
frame_with(uint8_t *f, const uint8_t eth_dst[6], uint32_t src, uint32_t dst, const uint8_t *u,
           size_t n)
{
    struct ut_ip ip = { .src = src, .dst = dst, .proto = 17, .ttl = 64, .id = 0x5151 };

    return ut_ipv4_frame(f, eth_dst, ut_mac_peer, &ip, u, n);
}

/* The usual valid datagram: peer:5000 -> us:dport, n bytes of ut_fill(n). */
static size_t
peer_datagram(uint8_t *f, uint16_t dport, size_t n)
{
    uint8_t data[UT_FRAME_MAX], u[UT_FRAME_MAX];
    size_t ulen;

    ut_fill(data, n, (unsigned)n);
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER, dport, data, n);
    return frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen);
}

/* Take one datagram from fd: asserts its size and source. */
static void
expect_datagram(int fd, size_t n, uint32_t src, uint16_t sport)
{
    uint8_t buf[UT_FRAME_MAX], want[UT_FRAME_MAX];
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    ssize_t got = ts_recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

    ck_assert_int_eq(got, (ssize_t)n);
    ck_assert_uint_eq(flen, sizeof(from));
    ck_assert_uint_eq(ntohl(from.sin_addr.s_addr), src);
    ck_assert_uint_eq(ntohs(from.sin_port), sport);
    ut_fill(want, n, (unsigned)n);
    if (n)
        ck_assert_mem_eq(buf, want, n);
}

static void
expect_empty(int fd)
{
    uint8_t buf[16];

    ck_assert_int_eq(ts_recv(fd, buf, sizeof(buf), 0), -1);
    ck_assert_int_eq(errno, EAGAIN);
}

/* A sent UDP datagram: checks IPv4 + UDP with our own checksum; returns the UDP bytes. */
static const uint8_t *
expect_udp_sent(struct ut_sent *s, uint32_t src, uint32_t dst, uint16_t dport, size_t n)
{
    struct udp_hdr h;

    ut_pop_ipv4(s);
    ck_assert_uint_eq(s->proto, 17);
    ck_assert_uint_eq(s->src, src);
    ck_assert_uint_eq(s->dst, dst);
    ck_assert_uint_eq(s->l4len, 8 + n);
    ck_assert_int_eq(udp_parse(s->l4, s->l4len, &h), TS_OK);
    ck_assert_uint_eq(h.dport, dport);
    ck_assert_uint_eq(h.len, 8 + n);
    /* RFC 1122 4.1.3.4: a checksum is always sent, and it verifies. */
    ck_assert_uint_ne(h.csum, 0);
    ck_assert_msg(ref_udp_csum(src, dst, s->l4, s->l4len) == 0, "UDP checksum does not verify");
    return s->l4;
}

/* Parse ------------------------------------------------------------------- */

/* RFC 768: 8 header bytes, and a length that covers the header and fits the data. */
START_TEST(test_udp_parse_malformed)
{
    uint8_t u[32] = { 0x13, 0x88, 0x00, 0x07, 0x00, 0x0c, 0xab, 0xcd, 1, 2, 3, 4 };
    struct udp_hdr h;

    for (size_t n = 0; n < 8; n++)
        ck_assert_int_eq(udp_parse(u, n, &h), TS_ETRUNC);
    ck_assert_int_eq(udp_parse(u, 12, &h), TS_OK);
    ck_assert_uint_eq(h.sport, 5000);
    ck_assert_uint_eq(h.dport, 7);
    ck_assert_uint_eq(h.len, 12);
    ck_assert_uint_eq(h.csum, 0xabcd);
    ck_assert_int_eq(udp_parse(u, 11, &h), TS_EBADLEN);       /* length beyond the data */
    u[5] = 7;
    ck_assert_int_eq(udp_parse(u, 12, &h), TS_EBADLEN);       /* below the header */
    u[5] = 8;
    ck_assert_int_eq(udp_parse(u, 12, &h), TS_OK);            /* header only, extra ignored */
}
END_TEST

/* RFC 768: fewer than 8 bytes after the IP header is not a datagram. */
START_TEST(test_udp_truncated_dropped)
{
    uint8_t f[UT_FRAME_MAX], u[4] = { 0x13, 0x88, 0x1b, 0x58 };
    int fd = udp_sock(0, PORT_OPEN, false);

    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, sizeof(u)));
    ck_assert_uint_eq(STAT_GET(udp, truncated), 1);
    ck_assert_uint_eq(capture_count(), 0);                   /* no ICMP for garbage */
    expect_empty(fd);
    ts_close(fd);
}
END_TEST

/* RFC 768: a length field above the data, or below 8, is a lie: dropped, no ICMP. */
START_TEST(test_udp_bad_len_dropped)
{
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[20];
    size_t ulen;

    ut_fill(data, sizeof(data), 1);
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER, PORT_CLOSED, data, sizeof(data));
    u[5] = (uint8_t)(ulen + 1);                              /* one byte more than sent */
    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen));
    u[5] = 7;                                                /* shorter than the header */
    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen));
    ck_assert_uint_eq(STAT_GET(udp, bad_len), 2);
    ck_assert_uint_eq(STAT_GET(udp, no_port), 0);
    ck_assert_uint_eq(capture_count(), 0);
}
END_TEST

/* RFC 768: octets after the UDP length are not data (IP payload may be longer). */
START_TEST(test_udp_trailing_bytes_ignored)
{
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[10];
    int fd = udp_sock(0, PORT_OPEN, false);
    size_t ulen;

    ut_fill(data, sizeof(data), sizeof(data));
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER, PORT_OPEN, data, sizeof(data));
    memset(u + ulen, 0xee, 6);                               /* six extra bytes in the IP payload */
    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen + 6));
    expect_datagram(fd, sizeof(data), UT_IP_PEER, PORT_PEER);
    ts_close(fd);
}
END_TEST

/* Checksums --------------------------------------------------------------- */

/* RFC 1122 4.1.3.4: a non-zero wrong checksum MUST be silently discarded. */
START_TEST(test_udp_bad_checksum_dropped)
{
    uint8_t f[UT_FRAME_MAX];
    int fd = udp_sock(0, PORT_OPEN, false);
    size_t len = peer_datagram(f, PORT_OPEN, 12);

    f[14 + 20 + 6] ^= 0x01;                                  /* flip a checksum bit */
    ut_inject(f, len);
    len = peer_datagram(f, PORT_CLOSED, 12);                 /* closed port: no ICMP either */
    f[14 + 20 + 8] ^= 0x80;                                  /* flip a data bit */
    ut_inject(f, len);
    ck_assert_uint_eq(STAT_GET(udp, bad_checksum), 2);
    ck_assert_uint_eq(STAT_GET(udp, delivered), 0);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
    ck_assert_uint_eq(capture_count(), 0);
    expect_empty(fd);
    ts_close(fd);
}
END_TEST

/* RFC 768: a zero checksum means the sender computed none: accepted. */
START_TEST(test_udp_zero_checksum_accepted)
{
    uint8_t f[UT_FRAME_MAX];
    int fd = udp_sock(0, PORT_OPEN, false);
    size_t len = peer_datagram(f, PORT_OPEN, 33);

    f[14 + 20 + 6] = 0;
    f[14 + 20 + 7] = 0;
    ut_inject(f, len);
    ck_assert_uint_eq(STAT_GET(udp, no_checksum), 1);
    ck_assert_uint_eq(STAT_GET(udp, bad_checksum), 0);
    expect_datagram(fd, 33, UT_IP_PEER, PORT_PEER);
    ts_close(fd);
}
END_TEST

/* RFC 768: a checksum received as 0xffff (a computed zero) verifies. */
START_TEST(test_udp_checksum_ffff_accepted)
{
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[4] = { 0, 0, 0x12, 0x34 };
    int fd = udp_sock(0, PORT_OPEN, false);
    size_t ulen;

    /* Choose data[0..1] so that the checksum computes to zero. */
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER, PORT_OPEN, data, sizeof(data));
    u[6] = u[7] = 0;
    data[0] = (uint8_t)(ref_udp_csum(UT_IP_PEER, UT_IP_US, u, ulen) >> 8);
    data[1] = (uint8_t)ref_udp_csum(UT_IP_PEER, UT_IP_US, u, ulen);
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER, PORT_OPEN, data, sizeof(data));
    ck_assert_uint_eq(get_be16(u + 6), 0xffff);
    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen));
    ck_assert_uint_eq(STAT_GET(udp, delivered), 1);
    ts_close(fd);
}
END_TEST

/* RFC 768: a checksum that computes to zero is sent as all ones. */
START_TEST(test_udp_checksum_zero_sent_as_ffff)
{
    struct sockaddr_in to = sin_of(UT_IP_PEER, PORT_PEER);
    uint8_t u[16], data[4] = { 0, 0, 0x56, 0x78 };
    struct ut_sent s;
    int fd = udp_sock(UT_IP_US, PORT_OPEN, false);
    const uint8_t *sent;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    udp_bytes(u, UT_IP_US, UT_IP_PEER, PORT_OPEN, PORT_PEER, data, sizeof(data));
    u[6] = u[7] = 0;
    data[0] = (uint8_t)(ref_udp_csum(UT_IP_US, UT_IP_PEER, u, 12) >> 8);
    data[1] = (uint8_t)ref_udp_csum(UT_IP_US, UT_IP_PEER, u, 12);
    ck_assert_int_eq(ts_sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&to, sizeof(to)),
                     4);
    sent = expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, PORT_PEER, sizeof(data));
    ck_assert_uint_eq(get_be16(sent + 6), 0xffff);
    ts_close(fd);
}
END_TEST

/* Sending ----------------------------------------------------------------- */

/* RFC 768 / RFC 1122 4.1.3.4: every header field on the wire, checksum always on. */
START_TEST(test_udp_send_fields)
{
    struct sockaddr_in to = sin_of(UT_IP_PEER, 9999);
    uint8_t data[100];
    struct ut_sent s;
    const uint8_t *u;
    int fd = udp_sock(0, 5353, false);

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, sizeof(data), 3);
    ck_assert_int_eq(ts_sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&to, sizeof(to)),
                     (ssize_t)sizeof(data));
    u = expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 9999, sizeof(data));
    ck_assert_mem_eq(s.eth_dst, ut_mac_peer, 6);
    ck_assert_uint_eq(s.ttl, IPV4_DEFAULT_TTL);
    ck_assert_uint_eq(get_be16(u), 5353);
    ck_assert_mem_eq(u + 8, data, sizeof(data));
    ck_assert_uint_eq(STAT_GET(udp, tx), 1);
    ck_assert_uint_eq(capture_count(), 0);
    ts_close(fd);
}
END_TEST

/* RFC 1122 2.3.2.2: a datagram to an unresolved neighbour waits for ARP, then goes. */
START_TEST(test_udp_send_waits_for_arp)
{
    struct sockaddr_in to = sin_of(UT_IP_PEER, 9);
    uint8_t f[UT_FRAME_MAX];
    struct ut_sent s;
    int fd = udp_sock(0, 0, false);

    ck_assert_int_eq(ts_sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
    ck_assert_uint_eq(ut_pop(f), 60);
    ck_assert_int_eq(f[12] << 8 | f[13], 0x0806);          /* an ARP request first */
    ut_inject(f, ut_arp_frame(f, ut_mac_us, ut_mac_peer, 2, ut_mac_peer, UT_IP_PEER, ut_mac_us,
                              UT_IP_US));
    expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 9, 1);
    ck_assert_mem_eq(s.eth_dst, ut_mac_peer, 6);
    ts_close(fd);
}
END_TEST

/* RFC 6335 6: unbound senders get distinct ports from 49152-65535. */
START_TEST(test_udp_ephemeral_ports)
{
    struct sockaddr_in to = sin_of(UT_IP_PEER, 9), me;
    uint16_t ports[8];
    int fds[8];

    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (int i = 0; i < 8; i++) {
        socklen_t len = sizeof(me);

        fds[i] = ts_socket(AF_INET, SOCK_DGRAM, 0);
        ck_assert_int_eq(ts_sendto(fds[i], "e", 1, 0, (struct sockaddr *)&to, sizeof(to)), 1);
        ck_assert_int_eq(ts_getsockname(fds[i], (struct sockaddr *)&me, &len), 0);
        ports[i] = ntohs(me.sin_port);
        ck_assert_uint_ge(ports[i], UDP_EPHEMERAL_FIRST);
        for (int j = 0; j < i; j++)
            ck_assert_uint_ne(ports[i], ports[j]);
        ck_assert_uint_eq(ntohl(me.sin_addr.s_addr), 0);     /* only the port was chosen */
    }
    capture_clear();
    for (int i = 0; i < 8; i++)
        ts_close(fds[i]);
}
END_TEST

/* RFC 791 3.2 (no fragmentation here): 1472 bytes fit a 1500 MTU, 1473 are EMSGSIZE. */
START_TEST(test_udp_emsgsize)
{
    static uint8_t data[70000];
    struct sockaddr_in to = sin_of(UT_IP_PEER, 9);
    struct ut_sent s;
    int fd = udp_sock(0, 0, false);

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, 1473, 9);
    ck_assert_int_eq(ts_sendto(fd, data, 1472, 0, (struct sockaddr *)&to, sizeof(to)), 1472);
    expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 9, 1472);
    ck_assert_uint_eq(s.len, 1514);
    ck_assert_int_eq(ts_sendto(fd, data, 1473, 0, (struct sockaddr *)&to, sizeof(to)), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    ck_assert_int_eq(ts_sendto(fd, data, sizeof(data), 0, (struct sockaddr *)&to, sizeof(to)), -1);
    ck_assert_int_eq(errno, EMSGSIZE);
    ck_assert_uint_eq(capture_count(), 0);
    ck_assert_uint_eq(STAT_GET(udp, tx), 1);
    ck_assert_uint_eq(pkb_in_use(), 0);
    ts_close(fd);
}
END_TEST

/* RFC 1122 3.3.1: no matching route is ENETUNREACH; the longest prefix chooses the next hop. */
START_TEST(test_udp_routes)
{
    struct sockaddr_in far = sin_of(IP4(192, 0, 2, 1), 9), net5 = sin_of(IP4(192, 168, 5, 7), 9);
    struct ut_sent s;
    int fd = udp_sock(0, 0, false);

    ut_learn(UT_IP_GW, ut_mac_gw);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    /* The default route: to the gateway's MAC, the IP destination unchanged. */
    ck_assert_int_eq(ts_sendto(fd, "a", 1, 0, (struct sockaddr *)&far, sizeof(far)), 1);
    expect_udp_sent(&s, UT_IP_US, IP4(192, 0, 2, 1), 9, 1);
    ck_assert_mem_eq(s.eth_dst, ut_mac_gw, 6);
    /* A static route (what --route adds) beats the default: via the peer. */
    ck_assert_int_eq(route_add(IP4(192, 168, 5, 0), 24, UT_IP_PEER, ut_nif), TS_OK);
    ck_assert_int_eq(ts_sendto(fd, "b", 1, 0, (struct sockaddr *)&net5, sizeof(net5)), 1);
    expect_udp_sent(&s, UT_IP_US, IP4(192, 168, 5, 7), 9, 1);
    ck_assert_mem_eq(s.eth_dst, ut_mac_peer, 6);
    /* Without a default route, 192.0.2.1 is unreachable: sendto and connect say so. */
    route_flush();
    ck_assert_int_eq(route_add(IP4(10, 0, 0, 0), 24, 0, ut_nif), TS_OK);
    ck_assert_int_eq(ts_sendto(fd, "c", 1, 0, (struct sockaddr *)&far, sizeof(far)), -1);
    ck_assert_int_eq(errno, ENETUNREACH);
    ck_assert_int_eq(ts_connect(fd, (struct sockaddr *)&far, sizeof(far)), -1);
    ck_assert_int_eq(errno, ENETUNREACH);
    ck_assert_uint_eq(capture_count(), 0);
    ts_close(fd);
}
END_TEST

/* Demultiplexing ---------------------------------------------------------- */

/* Most specific first: addr:port before 0.0.0.0:port, whichever was bound first. */
START_TEST(test_udp_demux_specific_before_wildcard)
{
    uint8_t f[UT_FRAME_MAX];
    int first_wild = _i == 0;
    int wild, spec;

    if (first_wild) {
        wild = udp_sock(0, PORT_OPEN, true);
        spec = udp_sock(UT_IP_US, PORT_OPEN, true);
    } else {
        spec = udp_sock(UT_IP_US, PORT_OPEN, true);
        wild = udp_sock(0, PORT_OPEN, true);
    }
    ut_inject(f, peer_datagram(f, PORT_OPEN, 5));
    expect_datagram(spec, 5, UT_IP_PEER, PORT_PEER);
    expect_empty(wild);
    /* To 127.0.0.1 (via lo) only the wildcard matches. */
    {
        struct sockaddr_in lo = sin_of(IP4(127, 0, 0, 1), PORT_OPEN);
        int c = udp_sock(0, 0, false);
        struct pollfd p = { .fd = wild, .events = POLLIN };

        ck_assert_int_eq(ts_sendto(c, "hello", 5, 0, (struct sockaddr *)&lo, sizeof(lo)), 5);
        ck_assert_int_eq(ts_poll(&p, 1, 100), 1);
        ck_assert_int_eq(ts_recv(wild, f, sizeof(f), 0), 5);
        expect_empty(spec);
        ts_close(c);
    }
    ck_assert_uint_eq(capture_count(), 0);
    ts_close(wild);
    ts_close(spec);
}
END_TEST

/* connect() filters the peer: only its datagrams; a connected match beats the wildcard. */
START_TEST(test_udp_connected_filters_peer)
{
    struct sockaddr_in peer = sin_of(UT_IP_PEER, PORT_PEER);
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[3] = { 1, 2, 3 };
    int wild = udp_sock(0, PORT_OPEN, true);
    int conn = udp_sock(0, PORT_OPEN, true);
    size_t ulen;

    ck_assert_int_eq(ts_connect(conn, (struct sockaddr *)&peer, sizeof(peer)), 0);
    ut_inject(f, peer_datagram(f, PORT_OPEN, 3));             /* from 10.0.0.3:5000 */
    expect_datagram(conn, 3, UT_IP_PEER, PORT_PEER);
    expect_empty(wild);
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER + 1, PORT_OPEN, data, 3);
    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen));   /* other port */
    expect_empty(conn);
    ck_assert_int_eq(ts_recv(wild, f, sizeof(f), 0), 3);
    /* With the wildcard gone, a stranger finds no socket: port unreachable. */
    ts_close(wild);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_inject(f, frame_with(f, ut_mac_us, UT_IP_PEER, UT_IP_US, u, ulen));
    expect_empty(conn);
    ck_assert_uint_eq(STAT_GET(udp, no_port), 1);
    ck_assert_uint_eq(capture_count(), 1);
    capture_clear();
    ts_close(conn);
}
END_TEST

/* Broadcasts go to every matching socket bound to 0.0.0.0 (or to the broadcast address). */
START_TEST(test_udp_broadcast_delivery)
{
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[4] = { 9, 8, 7, 6 };
    int w1 = udp_sock(0, PORT_OPEN, true);
    int w2 = udp_sock(0, PORT_OPEN, true);
    int spec = udp_sock(UT_IP_US, PORT_OPEN, true);
    size_t ulen = udp_bytes(u, UT_IP_PEER, UT_IP_BCAST, PORT_PEER, PORT_OPEN, data, 4);

    ut_inject(f, frame_with(f, ut_mac_bcast, UT_IP_PEER, UT_IP_BCAST, u, ulen));
    ck_assert_int_eq(ts_recv(w1, f, sizeof(f), 0), 4);
    ck_assert_int_eq(ts_recv(w2, f, sizeof(f), 0), 4);
    expect_empty(spec);                                      /* bound to 10.0.0.2 only */
    ck_assert_uint_eq(STAT_GET(udp, delivered), 2);
    ck_assert_uint_eq(capture_count(), 0);
    ts_close(w1);
    ts_close(w2);
    ts_close(spec);
}
END_TEST

/* RFC 1122 4.1.3.1 + 3.2.2: no port unreachable for a broadcast (directed or limited). */
START_TEST(test_udp_no_icmp_for_broadcast)
{
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[4] = { 1, 2, 3, 4 };
    size_t ulen;

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_BCAST, PORT_PEER, PORT_CLOSED, data, 4);
    ut_inject(f, frame_with(f, ut_mac_bcast, UT_IP_PEER, UT_IP_BCAST, u, ulen));
    ulen = udp_bytes(u, UT_IP_PEER, 0xffffffffu, PORT_PEER, PORT_CLOSED, data, 4);
    ut_inject(f, frame_with(f, ut_mac_bcast, UT_IP_PEER, 0xffffffffu, u, ulen));
    ck_assert_uint_eq(STAT_GET(udp, bcast_no_port), 2);
    ck_assert_uint_eq(STAT_GET(udp, no_port), 0);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 0);
    ck_assert_uint_eq(capture_count(), 0);
}
END_TEST

/* Port unreachable ------------------------------------------------------- */

/* RFC 1122 4.1.3.1 / RFC 792: a closed port answers type 3 code 3, quoting exactly the
 * IP header (options included) and the first 8 bytes of the datagram. */
START_TEST(test_udp_port_unreach_quote)
{
    static const uint8_t opts[4] = { 0x01, 0x01, 0x01, 0x00 };    /* NOP NOP NOP EOL */
    uint8_t f[UT_FRAME_MAX], u[UT_FRAME_MAX], data[100];
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 17, .ttl = 33, .id = 0x7777 };
    size_t ulen, hlen;
    struct ut_sent s;

    if (_i == 1) {
        ip.opts = opts;
        ip.optlen = sizeof(opts);
    }
    hlen = 20 + ip.optlen;
    ut_learn(UT_IP_PEER, ut_mac_peer);
    ut_fill(data, sizeof(data), 4);
    ulen = udp_bytes(u, UT_IP_PEER, UT_IP_US, PORT_PEER, PORT_CLOSED, data, sizeof(data));
    ut_inject(f, ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, u, ulen));
    ut_pop_ipv4(&s);
    ck_assert_uint_eq(s.proto, 1);
    ck_assert_uint_eq(s.src, UT_IP_US);
    ck_assert_uint_eq(s.dst, UT_IP_PEER);
    ck_assert_mem_eq(s.eth_dst, ut_mac_peer, 6);
    ck_assert_uint_eq(s.l4len, 8 + hlen + 8);
    ck_assert_msg(ut_csum(s.l4, s.l4len) == 0, "ICMP checksum does not verify");
    ck_assert_uint_eq(s.l4[0], ICMP_UNREACH);
    ck_assert_uint_eq(s.l4[1], ICMP_UNREACH_PORT);
    ck_assert_uint_eq(get_be16(s.l4 + 4), 0);                 /* unused, zero */
    ck_assert_uint_eq(get_be16(s.l4 + 6), 0);
    ck_assert_mem_eq(s.l4 + 8, f + 14, hlen + 8);             /* the quote, byte for byte */
    ck_assert_uint_eq(capture_count(), 0);
    ck_assert_uint_eq(STAT_GET(udp, no_port), 1);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 1);
}
END_TEST

/* RFC 1812 4.3.2.8 (as icmp.c applies it): a flood to a closed port is rate limited. */
START_TEST(test_udp_port_unreach_rate_limited)
{
    uint8_t f[UT_FRAME_MAX];

    ut_learn(UT_IP_PEER, ut_mac_peer);
    for (int i = 0; i < UT_ICMP_BURST + 5; i++) {
        ut_inject(f, peer_datagram(f, PORT_CLOSED, 1));
        capture_clear();
    }
    ck_assert_uint_eq(STAT_GET(udp, no_port), UT_ICMP_BURST + 5);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), UT_ICMP_BURST);
    ck_assert_uint_eq(STAT_GET(icmp, rate_limited), 5);
}
END_TEST

/* ICMP errors back to sockets --------------------------------------------- */

/* Inject an ICMP type 3 code `code` from the peer quoting the datagram in s. */
static void
inject_unreach(const struct ut_sent *s, uint8_t code)
{
    uint8_t icmp[8 + 60 + 8], f[UT_FRAME_MAX];
    size_t q = s->ip_hlen + 8, n = 8 + q;
    uint16_t c;
    struct ut_ip ip = { .src = UT_IP_PEER, .dst = UT_IP_US, .proto = 1, .id = 0x0bad };

    memset(icmp, 0, 8);
    icmp[0] = ICMP_UNREACH;
    icmp[1] = code;
    memcpy(icmp + 8, s->ip, q);
    c = ut_csum(icmp, n);
    icmp[2] = (uint8_t)(c >> 8);
    icmp[3] = (uint8_t)c;
    ut_inject(f, ut_ipv4_frame(f, ut_mac_us, ut_mac_peer, &ip, icmp, n));
}

/* RFC 1122 4.1.3.3: ICMP errors reach the application: ECONNREFUSED on a connected socket. */
START_TEST(test_udp_icmp_error_connected)
{
    struct sockaddr_in peer = sin_of(UT_IP_PEER, 7);
    struct ut_sent s;
    struct pollfd p;
    int fd = ts_socket(AF_INET, SOCK_DGRAM, 0), err = 0;
    socklen_t elen = sizeof(err);

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ck_assert_int_eq(ts_connect(fd, (struct sockaddr *)&peer, sizeof(peer)), 0);
    ck_assert_int_eq(ts_send(fd, "ping", 4, 0), 4);
    expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 7, 4);
    inject_unreach(&s, ICMP_UNREACH_PORT);
    ck_assert_uint_eq(STAT_GET(udp, err_in), 1);
    p = (struct pollfd){ .fd = fd, .events = POLLIN };
    ck_assert_int_eq(ts_poll(&p, 1, 0), 1);
    ck_assert_int_eq(p.revents, POLLERR);                     /* reported even if not asked */
    ck_assert_int_eq(ts_recv(fd, &s, 1, 0), -1);
    ck_assert_int_eq(errno, ECONNREFUSED);
    expect_empty(fd);                                         /* reported once */
    /* The next error through send(), and SO_ERROR reads and clears one. */
    ck_assert_int_eq(ts_send(fd, "ping", 4, 0), 4);
    expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 7, 4);
    inject_unreach(&s, ICMP_UNREACH_PORT);
    ck_assert_int_eq(ts_send(fd, "ping", 4, 0), -1);
    ck_assert_int_eq(errno, ECONNREFUSED);
    ck_assert_int_eq(ts_send(fd, "ping", 4, 0), 4);
    expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 7, 4);
    inject_unreach(&s, ICMP_UNREACH_HOST);
    ck_assert_int_eq(ts_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
    ck_assert_int_eq(err, EHOSTUNREACH);
    ck_assert_int_eq(ts_getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen), 0);
    ck_assert_int_eq(err, 0);
    ts_close(fd);
}
END_TEST

/* An unconnected socket is not told (as on BSD/Linux without IP_RECVERR); counted. */
START_TEST(test_udp_icmp_error_unconnected_ignored)
{
    struct sockaddr_in peer = sin_of(UT_IP_PEER, 7);
    struct ut_sent s;
    int fd = udp_sock(0, 0, false);

    ut_learn(UT_IP_PEER, ut_mac_peer);
    ck_assert_int_eq(ts_sendto(fd, "ping", 4, 0, (struct sockaddr *)&peer, sizeof(peer)), 4);
    expect_udp_sent(&s, UT_IP_US, UT_IP_PEER, 7, 4);
    inject_unreach(&s, ICMP_UNREACH_PORT);
    ck_assert_uint_eq(STAT_GET(udp, err_unconnected), 1);
    ck_assert_uint_eq(STAT_GET(udp, err_in), 0);
    expect_empty(fd);
    ck_assert_int_eq(ts_sendto(fd, "ping", 4, 0, (struct sockaddr *)&peer, sizeof(peer)), 4);
    capture_clear();
    ts_close(fd);
}
END_TEST

/* Receive queue ----------------------------------------------------------- */

/* The queue holds SO_RCVBUF payload bytes: the rest is dropped and counted. */
START_TEST(test_udp_rcvq_full_bytes)
{
    uint8_t f[UT_FRAME_MAX];
    int fd = udp_sock(0, PORT_OPEN, false), small = 256;

    ck_assert_int_eq(ts_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
    for (int i = 0; i < 4; i++)
        ut_inject(f, peer_datagram(f, PORT_OPEN, 100));      /* 100, 200; 300 > 256 twice */
    ck_assert_uint_eq(STAT_GET(udp, delivered), 2);
    ck_assert_uint_eq(STAT_GET(udp, rcvq_full), 2);
    ck_assert_uint_eq(capture_count(), 0);                    /* no ICMP: the port is open */
    for (int i = 0; i < 2; i++)
        expect_datagram(fd, 100, UT_IP_PEER, PORT_PEER);
    expect_empty(fd);
    ut_inject(f, peer_datagram(f, PORT_OPEN, 100));          /* room again */
    expect_datagram(fd, 100, UT_IP_PEER, PORT_PEER);
    /* A datagram larger than SO_RCVBUF still fits an empty queue (else it never could). */
    ut_inject(f, peer_datagram(f, PORT_OPEN, 400));
    expect_datagram(fd, 400, UT_IP_PEER, PORT_PEER);
    ck_assert_uint_eq(pkb_in_use(), 0);
    ts_close(fd);
}
END_TEST

/* The queue also holds at most sock.rcvq_max datagrams (each pins a packet buffer). */
START_TEST(test_udp_rcvq_full_count)
{
    struct socket_config sc = { .max_sockets = 8, .rcvbuf = 65536, .rcvq_max = 4 };
    uint8_t f[UT_FRAME_MAX];
    int fd;

    ck_assert_int_eq(socket_init(&sc), 0);                    /* a smaller table for this test */
    fd = udp_sock(0, PORT_OPEN, false);
    for (int i = 0; i < 7; i++)
        ut_inject(f, peer_datagram(f, PORT_OPEN, 1));
    ck_assert_uint_eq(STAT_GET(udp, delivered), 4);
    ck_assert_uint_eq(STAT_GET(udp, rcvq_full), 3);
    ck_assert_uint_eq(pkb_in_use(), 4);
    ts_close(fd);                                             /* frees what was queued */
    ck_assert_uint_eq(pkb_in_use(), 0);
}
END_TEST

/* Loopback ---------------------------------------------------------------- */

/* To our own address: through lo (nothing on cap0), source kept, delivered next turn. */
START_TEST(test_udp_loopback_own_address)
{
    uint32_t dst = _i == 0 ? UT_IP_US : IP4(127, 0, 0, 1);
    struct sockaddr_in to = sin_of(dst, PORT_OPEN), from;
    socklen_t flen = sizeof(from);
    int srv = udp_sock(0, PORT_OPEN, false), cli = udp_sock(0, 40000, false);
    struct pollfd p = { .fd = srv, .events = POLLIN };
    uint8_t buf[32];
    uint64_t t0 = clock_now();

    ck_assert_int_eq(ts_sendto(cli, "loop", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);
    ck_assert_uint_eq(capture_count(), 0);
    ck_assert_uint_eq(STAT_GET(loop, queued), 1);
    expect_empty(srv);                                        /* not before the next turn */
    ck_assert_int_eq(ts_poll(&p, 1, 1000), 1);
    ck_assert_int_eq(p.revents, POLLIN);
    ck_assert_uint_eq(clock_now(), t0);                       /* no virtual time passed */
    ck_assert_int_eq(ts_recvfrom(srv, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen), 4);
    ck_assert_mem_eq(buf, "loop", 4);
    ck_assert_uint_eq(ntohl(from.sin_addr.s_addr), dst);     /* RFC 1122 3.2.1.3: ours */
    ck_assert_uint_eq(ntohs(from.sin_port), 40000);
    ck_assert_uint_eq(capture_count(), 0);
    ts_close(srv);
    ts_close(cli);
}
END_TEST

/* Over lo too: a closed port answers port unreachable, and the connected sender hears it. */
START_TEST(test_udp_loopback_refused)
{
    struct sockaddr_in to = sin_of(IP4(127, 0, 0, 1), PORT_CLOSED);
    int fd = ts_socket(AF_INET, SOCK_DGRAM, 0);
    struct pollfd p = { .fd = fd, .events = POLLIN };
    char c;

    ck_assert_int_eq(ts_connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
    ck_assert_int_eq(ts_send(fd, "?", 1, 0), 1);
    ck_assert_int_eq(ts_poll(&p, 1, 1000), 1);
    ck_assert_int_eq(p.revents, POLLERR);
    ck_assert_int_eq(ts_recv(fd, &c, 1, 0), -1);
    ck_assert_int_eq(errno, ECONNREFUSED);
    ck_assert_uint_eq(STAT_GET(icmp, unreach_out), 1);
    ck_assert_uint_eq(STAT_GET(udp, err_in), 1);
    ck_assert_uint_eq(capture_count(), 0);
    ts_close(fd);
}
END_TEST

/* udp_pcb_at: every pcb that has a port, once each, NULL past the last; a closed one is gone. */
START_TEST(test_udp_pcb_at_lists_bound)
{
    struct sockaddr_in peer = sin_of(UT_IP_PEER, 53);
    int a = udp_sock(0, 5000, false), b = ts_socket(AF_INET, SOCK_DGRAM, 0);
    unsigned seen = 0;
    const struct udp_pcb *q;

    ck_assert_ptr_nonnull(udp_pcb_at(0));
    ck_assert_ptr_null(udp_pcb_at(1));
    ck_assert_int_eq(ts_connect(b, (struct sockaddr *)&peer, sizeof(peer)), 0);
    for (unsigned i = 0; (q = udp_pcb_at(i)) != NULL; i++) {
        if (q->lport == 5000 && !q->connected)
            seen |= 1;
        else if (q->connected && q->raddr == UT_IP_PEER && q->rport == 53)
            seen |= 2;
    }
    ck_assert_uint_eq(seen, 3);
    ck_assert_ptr_null(udp_pcb_at(2));
    ck_assert_int_eq(ts_close(a), 0);
    ck_assert_ptr_nonnull(udp_pcb_at(0));
    ck_assert(udp_pcb_at(0)->connected);
    ck_assert_ptr_null(udp_pcb_at(1));
    ck_assert_int_eq(ts_close(b), 0);
    ck_assert_ptr_null(udp_pcb_at(0));
}
END_TEST

Suite *
udp_suite(void)
{
Suite *s = suite_create("udp");
    TCase *tc = ut_tcase("udp");

    tcase_add_test(tc, test_udp_parse_malformed);
    tcase_add_test(tc, test_udp_truncated_dropped);
    tcase_add_test(tc, test_udp_bad_len_dropped);
    tcase_add_test(tc, test_udp_trailing_bytes_ignored);
    tcase_add_test(tc, test_udp_bad_checksum_dropped);
    tcase_add_test(tc, test_udp_zero_checksum_accepted);
    tcase_add_test(tc, test_udp_checksum_ffff_accepted);
    tcase_add_test(tc, test_udp_checksum_zero_sent_as_ffff);
    tcase_add_test(tc, test_udp_send_fields);
    tcase_add_test(tc, test_udp_send_waits_for_arp);
    tcase_add_test(tc, test_udp_ephemeral_ports);
    tcase_add_test(tc, test_udp_emsgsize);
    tcase_add_test(tc, test_udp_routes);
    tcase_add_loop_test(tc, test_udp_demux_specific_before_wildcard, 0, 2);
    tcase_add_test(tc, test_udp_connected_filters_peer);
    tcase_add_test(tc, test_udp_broadcast_delivery);
    tcase_add_test(tc, test_udp_no_icmp_for_broadcast);
    tcase_add_loop_test(tc, test_udp_port_unreach_quote, 0, 2);
    tcase_add_test(tc, test_udp_port_unreach_rate_limited);
    tcase_add_test(tc, test_udp_icmp_error_connected);
    tcase_add_test(tc, test_udp_icmp_error_unconnected_ignored);
    tcase_add_test(tc, test_udp_rcvq_full_bytes);
    tcase_add_test(tc, test_udp_rcvq_full_count);
    tcase_add_loop_test(tc, test_udp_loopback_own_address, 0, 2);
    tcase_add_test(tc, test_udp_loopback_refused);
    tcase_add_test(tc, test_udp_pcb_at_lists_bound);
    suite_add_tcase(s, tc);
    return s;
}
