/*
 * fuzz_frames.c - libFuzzer target: a whole stack fed a sequence of arbitrary
 * Ethernet frames through the capture driver, on a virtual clock.
 *
 * Each input is a fresh stack (stack_init ... stack_shutdown: cheap with the
 * small pool below, and it makes every crash replay on its own). The input is
 * a sequence of records; a short last record is ignored:
 *
 *   +--------+--------+--------+--------+---------------------------+
 *   |  length (BE16)  |  tick  |  ctl   |  frame (length bytes) ... |
 *   +--------+--------+--------+--------+---------------------------+
 *
 *   tick  advances the virtual clock before the frame, so ARP retries and
 *         expiry, the ICMP rate limit and TCP timers fire:
 *         (tick & 0x3f) units of 1 ms / 100 ms / 1 s / 60 s (tick >> 6).
 *   ctl   bit 0 set: the frame goes in exactly as it is.
 *         bit 0 clear: "fix-ups" make the frame likely to pass the checks
 *         that random bytes almost never pass, so deeper code is reached:
 *           always  dst MAC = ours, src MAC unicast, EtherType IPv4 (0x02:
 *                   ARP), ARP hrd/pro/hln/pln right, IPv4 version 4 and a
 *                   fitting IHL, header checksum right;
 *           0x04    ARP: dst MAC broadcast. IPv4 with TCP: answer the last
 *                   segment the stack sent: ports swapped, and the frame's
 *                   seq/ack fields become offsets from its ack and from its
 *                   seq + length (0/0: the exact answer; others: old,
 *                   future, out-of-window segments), so connections happen;
 *                   SACK block edges are offsets from its seq + length;
 *           0x08    addresses: to 10.0.0.2, from 10.0.0.x (x from the frame);
 *           0x10    IPv4 total length = the frame's length;
 *           0x20    ICMP/UDP/TCP checksum right;
 *           0x40    IPv4 not a fragment (MF and offset cleared).
 *         bit 7 (either mode): after the frame, answer every ARP request the
 *         stack sent since the tick with a reply from 02:00:00:00:00:<host>,
 *         so queued packets leave ARP's queue.
 *
 * (The control byte is separate from the frame: the first byte of a unicast
 * destination MAC is always even, so it cannot choose the fix-ups itself.)
 *
 * The stack: cap0 02:74:73:00:00:02 10.0.0.2/24, gateway 10.0.0.1, small
 * pools (exhaustion and eviction are reachable), and once sockets exist the
 * servers of apps/echo.c on UDP and TCP port 7 plus a connected UDP client.
 *
 * Invariants checked (abort() so libFuzzer reports the input):
 *   - every frame the stack sends parses: 60 bytes to the MTU, our source
 *     MAC, ARP or IPv4 with valid header and ICMP/UDP/TCP lengths and
 *     checksums, our source address, no 0/8, 127/8, multicast or limited
 *     broadcast destination, no fragment, TTL > 0, TCP never SYN with RST/FIN;
 *   - at the end (timers run out for up to 10 virtual minutes, sockets
 *     closed, up to 30 more minutes for TCP's FIN retransmits and TIME-WAIT,
 *     the loopback queue drained, then arp_flush()): pkb_in_use() == 0.
 * ASan/UBSan catch the memory errors; LeakSanitizer the malloc leaks.
 *
 * Replay one input with the trace on:
 *   FUZZ_TRACE=1 build/fuzz/fuzz_frames FILE
 */
#include "../../stack/stack.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/ether.h"
#include "../../stack/arp.h"
#include "../../stack/ipv4.h"
#include "../../stack/icmp.h"
#include "../../stack/route.h"
#include "../../stack/clock.h"
#include "../../stack/checksum.h"
#include "../../stack/trace.h"
#include "../../stack/socket.h"
#include "../../stack/loopback.h"
#include "../../drivers/capture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FRAMES   64         /* records per input: keeps one run short */
#define MAX_ASKED    8          /* ARP requests answered after one frame */

#define CTL_RAW      0x01
#define CTL_ARP      0x02
#define CTL_BCAST    0x04       /* ARP */
#define CTL_FOLLOW   0x04       /* IPv4 (TCP) */
#define CTL_ADDR     0x08
#define CTL_LEN      0x10
#define CTL_L4SUM    0x20
#define CTL_NOFRAG   0x40
#define CTL_ANSWER   0x80

static const uint8_t our_mac[6] = { 0x02, 0x74, 0x73, 0x00, 0x00, 0x02 };
static const uint32_t our_ip = IP4(10, 0, 0, 2);
static const uint32_t gw_ip = IP4(10, 0, 0, 1);

static struct netif *nif;
static uint32_t asked[MAX_ASKED];   /* IPs the stack sent ARP requests for */
static unsigned nasked;
static struct {                     /* the last TCP segment the stack sent */
    bool seen;
    uint16_t sport, dport;
    uint32_t seq, ack, len;         /* len counts SYN and FIN */
} last_tcp;

static void
fail(const char *what, const uint8_t *frame, size_t n)
{
    fprintf(stderr, "fuzz_frames: invariant broken: %s\n", what);
    if (frame) {
        fprintf(stderr, "  frame (%zu bytes):", n);
        for (size_t i = 0; i < n && i < 64; i++)
            fprintf(stderr, "%s%02x", i % 16 ? " " : "\n    ", frame[i]);
        fputc('\n', stderr);
    }
    abort();
}

/* Sockets ------------------------------------------------------------------ */

/* Echo servers on UDP and TCP 0.0.0.0:7 and a connected UDP client. */
#define MAX_CONNS 4

static int udp_fd = -1;
static int cli_fd = -1;                /* UDP 0.0.0.0:1024 connected to 10.0.0.1:9 */
static int tcp_lfd = -1;               /* stays -1 while SOCK_STREAM is not supported */
static int conns[MAX_CONNS];

static struct sockaddr_in
any_port(uint16_t port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    return a;
}

/*
 * Echo servers on UDP and TCP port 7 (as apps/echo.c): the send paths get
 * exercised too; data starting with 'Q' makes the TCP server close first. And a connected UDP client (as apps/udpclient.c) that has
 * sent one datagram to 10.0.0.1:9, so an ICMP port unreachable quoting it
 * reaches udp_icmp_error and the socket's ECONNREFUSED.
 */
static void
sockets_open(void)
{
    struct sockaddr_in a = any_port(7), c = any_port(1024), peer = any_port(9);

    udp_fd = ts_socket(AF_INET, SOCK_DGRAM, 0);
    if (udp_fd < 0 || ts_bind(udp_fd, (struct sockaddr *)&a, sizeof(a)) != 0)
        fail("cannot open the UDP echo socket on 0.0.0.0:7", NULL, 0);
    peer.sin_addr.s_addr = htonl(gw_ip);
    cli_fd = ts_socket(AF_INET, SOCK_DGRAM, 0);
    if (cli_fd < 0 || ts_bind(cli_fd, (struct sockaddr *)&c, sizeof(c)) != 0 ||
        ts_connect(cli_fd, (struct sockaddr *)&peer, sizeof(peer)) != 0 ||
        ts_send(cli_fd, "tapstack", 8, 0) != 8)
        fail("cannot open the UDP client socket 0.0.0.0:1024 -> 10.0.0.1:9", NULL, 0);
    for (int i = 0; i < MAX_CONNS; i++)
        conns[i] = -1;
    tcp_lfd = ts_socket(AF_INET, SOCK_STREAM, 0);
    if (tcp_lfd >= 0 && (ts_bind(tcp_lfd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
                         ts_listen(tcp_lfd, MAX_CONNS) != 0))
        fail("cannot listen on TCP 0.0.0.0:7", NULL, 0);
}

static void
serve_tcp(void)
{
    static uint8_t buf[PKB_DATA_MAX];
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    int c;

    while ((c = ts_accept(tcp_lfd, (struct sockaddr *)&from, &fl)) >= 0) {
        int i = 0;

        while (i < MAX_CONNS && conns[i] >= 0)
            i++;
        if (i == MAX_CONNS)
            ts_close(c);
        else
            conns[i] = c;
        fl = sizeof(from);
    }
    for (int i = 0; i < MAX_CONNS; i++) {
        long n;

        if (conns[i] < 0)
            continue;
        n = (long)ts_recv(conns[i], buf, sizeof(buf), 0);
        if (n > 0) {
            (void)ts_send(conns[i], buf, (size_t)n, 0);
            if (buf[0] == 'Q')
                (void)ts_shutdown(conns[i], SHUT_WR);  /* we close first: TIME-WAIT is ours */
        } else if (n == 0 || errno != EAGAIN) {
            ts_close(conns[i]);                /* end of stream, reset, timeout */
            conns[i] = -1;
        }
    }
}

static void
sockets_serve(void)
{
    static uint8_t buf[PKB_DATA_MAX];

    if (udp_fd >= 0) {
        for (int i = 0; i < 64; i++) {
            struct sockaddr_in from;
            socklen_t fl = sizeof(from);
            long n = (long)ts_recvfrom(udp_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
                                       &fl);

            if (n < 0)
                break;
            (void)ts_sendto(udp_fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
        }
    }
    for (int i = 0; cli_fd >= 0 && i < 8; i++) {
        long n = (long)ts_recv(cli_fd, buf, sizeof(buf), 0);

        if (n < 0 && errno == ECONNREFUSED)
            (void)ts_send(cli_fd, "again", 5, 0);      /* as a client retrying would */
        if (n < 0)
            break;
    }
    if (tcp_lfd >= 0)
        serve_tcp();
}

static void
sockets_close(void)
{
    if (udp_fd >= 0)
        ts_close(udp_fd);
    if (cli_fd >= 0)
        ts_close(cli_fd);
    udp_fd = cli_fd = -1;
    for (int i = 0; i < MAX_CONNS; i++) {
        if (conns[i] >= 0)
            ts_close(conns[i]);
        conns[i] = -1;
    }
    if (tcp_lfd >= 0)
        ts_close(tcp_lfd);
    tcp_lfd = -1;
}

/* Fix-ups ------------------------------------------------------------------ */

/* 10.0.0.x with x taken from the frame (so the fuzzer still chooses the host). */
static uint32_t
lab_host(uint32_t ip)
{
    return IP4(10, 0, 0, 0) | (ip & 0xff);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, (uint16_t)(v >> 16));
    put_be16(p + 2, (uint16_t)v);
}

static uint32_t
get_be32(const uint8_t *p)
{
    return ((uint32_t)get_be16(p) << 16) | get_be16(p + 2);
}

static void
fix_arp(uint8_t *b, size_t n, uint8_t ctl)
{
    if (n < ARP_PKT_LEN)
        return;
    put_be16(b, ARP_HRD_ETHER);
    put_be16(b + 2, ETH_TYPE_IPV4);
    b[4] = 6;
    b[5] = 4;
    put_be16(b + 6, (b[7] & 1) ? ARP_OP_REQUEST : ARP_OP_REPLY);
    b[8] &= 0xfe;                                   /* sender MAC unicast */
    if (ctl & CTL_ADDR) {
        put_be32(b + 14, lab_host(get_be32(b + 14)));
        put_be32(b + 24, our_ip);
    }
}

/* Offset of the checksum field in the transport header, 0 if none we fix. */
static size_t
l4_csum_off(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_ICMP_: return 2;
    case IPPROTO_UDP_:  return 6;
    case IPPROTO_TCP_:  return 16;
    default:            return 0;
    }
}


/*
 * In a FOLLOW segment, the edges of SACK blocks (option kind 5) are offsets
 * from the end of the stack's last segment too (0xfffffa24 = 1500 bytes
 * before it), so the blocks land on data the stack has in flight.
 */
static void
follow_sack(uint8_t *th, size_t len, uint32_t base)
{
    size_t hl = (size_t)(th[12] >> 4) * 4;

    if (hl > len)
        return;
    for (size_t i = 20; i + 1 < hl;) {
        size_t olen;

        if (th[i] == 0)
            break;
        if (th[i] == 1) {
            i++;
            continue;
        }
        olen = th[i + 1];
        if (olen < 2 || i + olen > hl)
            break;
        if (th[i] == 5)
            for (size_t e = i + 2; e + 4 <= i + olen; e += 4)
                put_be32(th + e, base + get_be32(th + e));
        i += olen;
    }
}

static void
fix_ipv4(uint8_t *b, size_t n, uint8_t ctl)
{
    size_t hlen, tlen, off;

    if (n < IPV4_HDR_MIN)
        return;
    hlen = (size_t)(b[0] & 0x0f) * 4;
    if (hlen < IPV4_HDR_MIN || hlen > n)
        hlen = IPV4_HDR_MIN;
    b[0] = (uint8_t)(0x40 | (hlen / 4));
    if (ctl & CTL_LEN)
        put_be16(b + 2, (uint16_t)n);
    if (ctl & CTL_NOFRAG)
        put_be16(b + 6, get_be16(b + 6) & 0x4000);  /* keep DF only */
    if (ctl & CTL_ADDR) {
        put_be32(b + 12, lab_host(get_be32(b + 12)));
        put_be32(b + 16, our_ip);
    }
    tlen = get_be16(b + 2);
    if ((ctl & CTL_FOLLOW) && b[9] == IPPROTO_TCP_ && last_tcp.seen && tlen >= hlen &&
        tlen <= n && tlen - hlen >= 20) {
        uint8_t *th = b + hlen;

        put_be16(th, last_tcp.dport);
        put_be16(th + 2, last_tcp.sport);
        put_be32(th + 4, last_tcp.ack + get_be32(th + 4));
        put_be32(th + 8, last_tcp.seq + last_tcp.len + get_be32(th + 8));
        follow_sack(th, tlen - hlen, last_tcp.seq + last_tcp.len);
    }
    off = l4_csum_off(b[9]);
    if ((ctl & CTL_L4SUM) && off && tlen >= hlen && tlen <= n && tlen - hlen >= off + 2) {
        uint8_t *l4 = b + hlen;
        size_t l4len = tlen - hlen;
        uint32_t sum = 0;
        uint16_t c;

        put_be16(l4 + off, 0);
        if (b[9] != IPPROTO_ICMP_)
            sum = csum_pseudo(get_be32(b + 12), get_be32(b + 16), b[9], (uint16_t)l4len);
        c = csum_fold(csum_add(sum, l4, l4len));
        if (c == 0 && b[9] == IPPROTO_UDP_)
            c = 0xffff;                             /* RFC 768: 0 means "no checksum" */
        put_be16(l4 + off, c);
    }
    put_be16(b + 10, 0);
    put_be16(b + 10, csum(b, hlen));
}

static void
fixup(uint8_t *f, size_t n, uint8_t ctl)
{
    if (n < ETH_HDR_LEN)
        return;
    memcpy(f, (ctl & CTL_ARP) && (ctl & CTL_BCAST) ? ether_bcast : our_mac, 6);
    f[6] &= 0xfe;
    put_be16(f + 12, (ctl & CTL_ARP) ? ETH_TYPE_ARP : ETH_TYPE_IPV4);
    if (ctl & CTL_ARP)
        fix_arp(f + ETH_HDR_LEN, n - ETH_HDR_LEN, ctl);
    else
        fix_ipv4(f + ETH_HDR_LEN, n - ETH_HDR_LEN, ctl);
}

/* Checking what the stack sends --------------------------------------------- */

static void
check_ipv4_out(const uint8_t *f, size_t n)
{
    const uint8_t *b = f + ETH_HDR_LEN;
    struct ipv4_hdr ih;
    struct icmp_hdr icmp;
    const uint8_t *l4;
    size_t l4len;

    if (ipv4_parse(b, n - ETH_HDR_LEN, &ih) != TS_OK)
        fail("sent an IPv4 datagram that does not parse", f, n);
    if (ih.src != our_ip)
        fail("sent an IPv4 datagram with a source that is not ours", f, n);
    /* RFC 1122 3.2.1.3: these never appear as a destination on the wire. */
    if ((ih.dst >> 24) == 0 || ipv4_is_loopback(ih.dst) || ipv4_is_multicast(ih.dst) ||
        ih.dst == 0xffffffffu)
        fail("sent an IPv4 datagram to 0/8, 127/8, multicast or 255.255.255.255", f, n);
    if (ih.ttl == 0 || (ih.flags & IPV4_FLAG_MF) || ih.frag_off != 0)
        fail("sent an IPv4 datagram with TTL 0 or as a fragment", f, n);
    if (ih.total_len > nif->mtu)
        fail("sent an IPv4 datagram larger than the MTU (no fragmentation)", f, n);
    l4 = b + ih.hlen;
    l4len = ih.total_len - ih.hlen;
    if (ih.proto == IPPROTO_ICMP_ && icmp_parse(l4, l4len, &icmp) != TS_OK)
        fail("sent an ICMP message with a bad length or checksum", f, n);
    if (ih.proto == IPPROTO_UDP_) {
        if (l4len < 8 || get_be16(l4 + 4) != l4len)
            fail("sent a UDP datagram whose length field lies", f, n);
        if (get_be16(l4 + 6) != 0 &&
            csum_fold(csum_add(csum_pseudo(ih.src, ih.dst, ih.proto, (uint16_t)l4len), l4,
                               l4len)) != 0)
            fail("sent a UDP datagram with a bad checksum", f, n);
    }
    if (ih.proto == IPPROTO_TCP_) {
        size_t doff = l4len >= 20 ? (size_t)(l4[12] >> 4) * 4 : 0;

        if (l4len < 20 || doff < 20 || doff > l4len ||
            csum_fold(csum_add(csum_pseudo(ih.src, ih.dst, ih.proto, (uint16_t)l4len), l4,
                               l4len)) != 0)
            fail("sent a TCP segment that is short or has a bad offset or checksum", f, n);
        /* RFC 9293 3.1: SYN never comes with RST or FIN from a correct sender. */
        if ((l4[13] & 0x02) && (l4[13] & 0x05))
            fail("sent a TCP segment with SYN and RST or FIN", f, n);
        last_tcp.seen = true;
        last_tcp.sport = get_be16(l4);
        last_tcp.dport = get_be16(l4 + 2);
        last_tcp.seq = get_be32(l4 + 4);
        last_tcp.ack = get_be32(l4 + 8);
        last_tcp.len = (uint32_t)(l4len - doff) + ((l4[13] & 0x02) ? 1 : 0) +
                       ((l4[13] & 0x01) ? 1 : 0);
    }
}

static void
check_arp_out(const uint8_t *f, size_t n)
{
    struct arp_pkt a;

    if (arp_parse(f + ETH_HDR_LEN, n - ETH_HDR_LEN, &a) != TS_OK || a.hrd != ARP_HRD_ETHER ||
        a.pro != ETH_TYPE_IPV4 || a.hln != 6 || a.pln != 4)
        fail("sent an ARP packet that does not parse", f, n);
    if (memcmp(a.sha, our_mac, 6) != 0 || a.spa != our_ip)
        fail("sent an ARP packet with a sender that is not us", f, n);
    if (a.op == ARP_OP_REQUEST) {
        if (memcmp(f, ether_bcast, 6) != 0)
            fail("sent an ARP request that is not broadcast", f, n);
        if (nasked < MAX_ASKED && a.tpa != our_ip)
            asked[nasked++] = a.tpa;
    } else if (a.op != ARP_OP_REPLY) {
        fail("sent an ARP packet with a bad opcode", f, n);
    }
}

/* Pop and check every frame the stack has sent so far. */
static void
check_sent(void)
{
    static uint8_t f[PKB_DATA_MAX];
    struct ether_hdr eh;
    size_t n;

    if (capture_count() >= CAPTURE_MAX_FRAMES)
        fail("capture ring full: frames were lost unchecked", NULL, 0);
    while ((n = capture_pop(f, sizeof(f))) > 0) {
        if (n < ETH_MIN_FRAME || ether_parse(f, n, &eh) != TS_OK)
            fail("sent a runt frame", f, n);
        if (n > ETH_HDR_LEN + (size_t)nif->mtu)
            fail("sent a frame larger than the MTU", f, n);
        if (memcmp(eh.src, our_mac, 6) != 0)
            fail("sent a frame with a source MAC that is not ours", f, n);
        if (eh.type == ETH_TYPE_ARP)
            check_arp_out(f, n);
        else if (eh.type == ETH_TYPE_IPV4)
            check_ipv4_out(f, n);
        else
            fail("sent a frame with an EtherType we do not speak", f, n);
    }
}

/* One loop turn (the loopback queue comes back in), the servers, the checks. */
static void
settle(void)
{
    stack_poll(0);
    sockets_serve();
    check_sent();
}

/* Reply to the ARP requests collected by check_sent, from 02:00:00:00:00:<host>. */
static void
answer_arp(void)
{
    uint32_t ips[MAX_ASKED];
    unsigned n = nasked;
    uint8_t f[ETH_MIN_FRAME];
    struct arp_pkt a;
    struct ether_hdr eh;

    memcpy(ips, asked, sizeof(ips));
    nasked = 0;
    for (unsigned i = 0; i < n; i++) {
        memset(f, 0, sizeof(f));
        memcpy(eh.dst, our_mac, 6);
        memcpy(eh.src, (const uint8_t[6]){ 0x02, 0, 0, 0, 0, (uint8_t)ips[i] }, 6);
        eh.type = ETH_TYPE_ARP;
        ether_emit(f, &eh);
        a = (struct arp_pkt){ .hrd = ARP_HRD_ETHER, .pro = ETH_TYPE_IPV4, .hln = 6, .pln = 4,
                              .op = ARP_OP_REPLY, .spa = ips[i], .tpa = our_ip };
        memcpy(a.sha, eh.src, 6);
        memcpy(a.tha, our_mac, 6);
        arp_emit(f + ETH_HDR_LEN, &a);
        capture_inject(nif, f, sizeof(f));
        settle();
    }
}

/* The harness --------------------------------------------------------------- */

static void
stack_up(void)
{
    struct stack_config cfg;

    stack_defaults(&cfg);
    cfg.pkb_count = 32;            /* small: exhaustion is reachable, init is cheap */
    cfg.virtual_clock = true;
    cfg.seed = 0x7a9;              /* fixed: ISNs, ports and IP IDs replay exactly */
    cfg.arp.cache_size = 8;        /* small: eviction is reachable */
    cfg.sock.max_sockets = 8;
    cfg.sock.rcvq_max = 8;         /* small: a full receive queue is reachable */
    cfg.tcp.max_pcbs = 8;          /* small: a full table and backlog are reachable */
    cfg.tcp.sndbuf = 4096;         /* small buffers: a full window, and a cheap init */
    cfg.tcp.rcvbuf = 4096;
    if (stack_init(&cfg) != TS_OK)
        fail("stack_init failed", NULL, 0);
    nif = capture_create("cap0", our_mac);
    if (nif == NULL || stack_add_interface(nif, our_ip, 24) != TS_OK ||
        route_add(0, 0, gw_ip, nif) != TS_OK)
        fail("cannot set up cap0", NULL, 0);
    nasked = 0;
    memset(&last_tcp, 0, sizeof(last_tcp));
    arp_announce(nif);
    sockets_open();
    check_sent();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (getenv("FUZZ_TRACE")) {
        trace_on = true;
        trace_out = stderr;
    }
    return 0;
}

static uint64_t
tick_us(uint8_t t)
{
    static const uint64_t unit[4] = { US_PER_MS, 100 * US_PER_MS, US_PER_SEC, 60 * US_PER_SEC };

    return (uint64_t)(t & 0x3f) * unit[t >> 6];
}

/*
 * Move the virtual clock in steps of at most a minute, settling after each:
 * the capture ring (CAPTURE_MAX_FRAMES) must not overflow with what the
 * timers send (RTO doubling from 1 s allows ~6 retransmissions a minute).
 */
static void
advance(uint64_t us)
{
    while (us > 0) {
        uint64_t step = us < 60 * US_PER_SEC ? us : 60 * US_PER_SEC;

        clock_advance(step);
        settle();
        us -= step;
    }
}

/* Advance minute by minute while a timer is armed, for at most max_us. */
static void
run_out(uint64_t max_us)
{
    for (uint64_t t = 0; t < max_us && timer_next_delay() != UINT64_MAX; t += 60 * US_PER_SEC)
        advance(60 * US_PER_SEC);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[PKB_DATA_MAX];
    size_t off = 0;

    stack_up();
    for (int k = 0; k < MAX_FRAMES && size - off >= 4; k++) {
        size_t len = get_be16(data + off);
        uint8_t tick = data[off + 2], ctl = data[off + 3];

        off += 4;
        if (len > size - off)
            len = size - off;
        memcpy(frame, data + off, len < sizeof(frame) ? len : sizeof(frame));
        off += len;
        if (len > sizeof(frame))
            len = sizeof(frame);            /* the capture driver truncates the same way */
        nasked = 0;
        advance(tick_us(tick));
        if (!(ctl & CTL_RAW))
            fixup(frame, len, ctl);
        capture_inject(nif, frame, len);
        settle();
        if (ctl & CTL_ANSWER)
            answer_arp();
    }
    /* Let the timers run out: ARP gives up on unanswered requests, entries expire. */
    run_out(10 * 60 * US_PER_SEC);
    /*
     * Close the servers (an echo server answering itself over lo would never
     * stop, as on Linux); TCP then needs time for FIN retransmits and TIME-WAIT.
     */
    sockets_close();
    run_out(30 * 60 * US_PER_SEC);
    for (int i = 0; i < 64 && loopback_pending(stack_loopback()); i++)
        settle();
    if (loopback_pending(stack_loopback()))
        fail("the loopback queue never drains", NULL, 0);
    arp_flush();
    check_sent();
    if (pkb_in_use() != 0) {
        fprintf(stderr, "fuzz_frames: %zu packet buffers still in use\n", pkb_in_use());
        fail("packet buffer leak", NULL, 0);
    }
    stack_shutdown();
    return 0;
}
