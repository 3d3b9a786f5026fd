/*
 * ipv4.c - IPv4 receive and send (RFC 791, RFC 1122 3.2.1 and 3.3).
 *
 * Receive (ipv4_input): parse and validate in the classic order (size,
 * version, header length, total length against the frame, checksum), then
 * source and destination checks, then hand the payload to the protocol
 * registered with ipv4_register(). Send (ipv4_output): route, push the
 * header, ether_output. Each datagram's Identification comes from one of
 * IPV4_ID_COUNTERS counters, chosen by a keyed hash of (source, destination,
 * protocol) and advanced by a keyed pseudo-random step (ipv4_next_id).
 *
 * Called by ether_input and by icmp/udp/tcp. Leaves out: fragmentation and
 * reassembly (LIMIT: ipv4.fragment counts dropped fragments, ipv4.too_big
 * refused sends), forwarding, multicast, options processing (they are
 * accepted and skipped, RFC 1122 3.2.1.8 lets a host ignore most of them).
 * LAB(hooks): the INPUT hook sits before the demux in ipv4_input, OUTPUT and
 * POSTROUTING before ether_output in ipv4_output.
 */
#include "ipv4.h"
#include "icmp.h"
#include "ether.h"
#include "netif.h"
#include "route.h"
#include "pkb.h"
#include "clock.h"
#include "checksum.h"
#include "siphash.h"
#include "stats.h"
#include "trace.h"

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |Type of Service|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |Flags|      Fragment Offset    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |         Header Checksum       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options (IHL > 5)          |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

int
ipv4_parse(const uint8_t *b, size_t n, struct ipv4_hdr *h)
{
    struct rd r = rd_init(b, n);
    uint8_t vihl = rd_u8(&r);
    uint16_t frag;

    h->tos = rd_u8(&r);
    h->total_len = rd_be16(&r);
    h->id = rd_be16(&r);
    frag = rd_be16(&r);
    h->ttl = rd_u8(&r);
    h->proto = rd_u8(&r);
    h->csum = rd_be16(&r);
    h->src = rd_be32(&r);
    h->dst = rd_be32(&r);
    h->version = vihl >> 4;
    h->hlen = (uint8_t)((vihl & 0x0f) * 4);
    h->flags = (uint8_t)(frag >> 13);
    h->frag_off = frag & 0x1fff;
    h->to_bcast = false;
    if (r.err)
        return TS_ETRUNC;                  /* shorter than 20 bytes */
    if (h->version != 4 || h->hlen < IPV4_HDR_MIN)
        return TS_EBADVER;                 /* RFC 1122 3.2.1.1; IHL >= 5 (RFC 791) */
    if (h->hlen > n || h->total_len < h->hlen || h->total_len > n)
        return TS_EBADLEN;                 /* RFC 1122 3.2.1.2: lengths must fit the frame */
    if (csum(b, h->hlen) != 0)
        return TS_EBADSUM;                 /* RFC 1122 3.2.1.2: MUST verify and discard */
    return TS_OK;
}

void
ipv4_emit(uint8_t *b, const struct ipv4_hdr *h)
{
    struct wr w = wr_init(b, IPV4_HDR_MIN);

    wr_u8(&w, (uint8_t)(0x40 | (IPV4_HDR_MIN / 4)));
    wr_u8(&w, h->tos);
    wr_be16(&w, h->total_len);
    wr_be16(&w, h->id);
    wr_be16(&w, (uint16_t)((h->flags << 13) | h->frag_off));
    wr_u8(&w, h->ttl);
    wr_u8(&w, h->proto);
    wr_be16(&w, 0);                        /* checksum computed below */
    wr_be32(&w, h->src);
    wr_be32(&w, h->dst);
    put_be16(b + IPV4_CSUM_OFF, csum(b, IPV4_HDR_MIN));
}

/* State ------------------------------------------------------------------- */

static ipv4_handler handlers[256];

/* IP Identification ------------------------------------------------------- */

/*
 * RFC 6864 4.1: the ID of a datagram that may be fragmented (DF clear: all of ours) MUST be
 * unique for its (source, destination, protocol) within the maximum datagram lifetime. One
 * counter for everything does that, but anyone who gets two replies learns how many datagrams
 * the stack sent to everyone else in between (RFC 6274 3.5.2: idle scans, traffic counting).
 * So (RFC 7739 5.3, as Linux's ip_idents): a keyed hash of the tuple picks one of many
 * counters, and each datagram moves its counter on by 1..8, a keyed hash of the counter's
 * value. A host sees only its own counter, whose steps it cannot predict; the counters of
 * other destinations are unrelated. Cost: a counter repeats after 8192 datagrams at worst
 * (14563 on average) instead of 65536. tests/replay/tsrand.py models this.
 */
#define IPV4_ID_COUNTERS  2048u
#define IPV4_ID_STEP_MASK 7u           /* step = 1 + (hash & mask): 1..8 */

static uint64_t id_key0, id_key1;
static uint16_t id_counter[IPV4_ID_COUNTERS];

/* The key from one draw of the shared generator (so the draws after it stay where they were),
 * expanded by a private generator; each counter's start from the key. */
static void
ipv4_id_init(void)
{
    uint64_t st;

    rand_seed_r(&st, rand32());
    id_key0 = (uint64_t)rand32_r(&st) << 32;
    id_key0 |= rand32_r(&st);
    id_key1 = (uint64_t)rand32_r(&st) << 32;
    id_key1 |= rand32_r(&st);
    /* The second words keep the three uses apart: proto < 2^8, 1 << 32, 2 << 32 | value. */
    for (uint32_t c = 0; c < IPV4_ID_COUNTERS; c++)
        id_counter[c] = (uint16_t)siphash24(id_key0, id_key1, c, 1ull << 32);
}

static uint16_t
ipv4_next_id(uint32_t src, uint32_t dst, uint8_t proto)
{
    uint64_t h = siphash24(id_key0, id_key1, (uint64_t)src << 32 | dst, proto);
    uint32_t c = (uint32_t)(h % IPV4_ID_COUNTERS);
    uint64_t step = siphash24(id_key0, id_key1, c, 2ull << 32 | id_counter[c]);

    id_counter[c] = (uint16_t)(id_counter[c] + 1 + (step & IPV4_ID_STEP_MASK));
    return id_counter[c];
}

void
ipv4_register(uint8_t proto, ipv4_handler fn)
{
    handlers[proto] = fn;
}

void
ipv4_init(void)
{
    for (int i = 0; i < 256; i++)
        handlers[i] = NULL;
    ipv4_id_init();
}

static const char *
proto_name(uint8_t proto)
{
    switch (proto) {
    case IPPROTO_ICMP_: return "ICMP";
    case IPPROTO_TCP_:  return "TCP";
    case IPPROTO_UDP_:  return "UDP";
    default:            return "proto";
    }
}

/* Receive ----------------------------------------------------------------- */

void
ipv4_input(struct netif *nif, struct pkb *p)
{
    struct ipv4_hdr ih;
    char s1[IP4_STRLEN], s2[IP4_STRLEN];
    int err;

    STAT_INC(ipv4, rx);
    err = ipv4_parse(p->data, p->len, &ih);
    if (err == TS_ETRUNC)
        DROP(p, ipv4, truncated);
    if (err == TS_EBADVER && ih.version != 4)
        DROP(p, ipv4, bad_version);
    if (err == TS_EBADVER)
        DROP(p, ipv4, bad_hlen);
    if (err == TS_EBADLEN && ih.hlen > p->len)
        DROP(p, ipv4, bad_hlen);
    if (err == TS_EBADLEN)
        DROP(p, ipv4, bad_len);
    if (err == TS_EBADSUM)
        DROP(p, ipv4, bad_checksum);
    TRACE_IN(p, "ipv4", "%s > %s %s(%u) ttl %u id %u len %u%s%s", ip4_str(ih.src, s1),
             ip4_str(ih.dst, s2), proto_name(ih.proto), ih.proto, ih.ttl, ih.id, ih.total_len,
             ih.flags & IPV4_FLAG_MF ? " MF" : "", ih.frag_off ? " frag" : "");
    /* Drop the Ethernet padding: total length is the truth (RFC 791 3.1). */
    pkb_trim(p, ih.total_len);

    /* RFC 1122 3.2.1.3: a source must be a unique host address. */
    if (ih.src == 0xffffffffu || ipv4_is_multicast(ih.src) || ipv4_is_reserved(ih.src) ||
        netif_is_bcast(nif, ih.src))
        DROP(p, ipv4, bad_src);
    /* RFC 1122 3.2.1.3: 0/8 is a source only for a host learning its address, and then
     * only to 255.255.255.255 (as Linux): anything else would be answered to 0.0.0.0. */
    if ((ih.src >> 24) == 0 && ih.dst != 0xffffffffu)
        DROP(p, ipv4, bad_src);
    /* RFC 1122 3.2.1.3: 127/8 must never appear on the wire. */
    if (!(nif->flags & NETIF_LOOPBACK) && (ipv4_is_loopback(ih.src) || ipv4_is_loopback(ih.dst)))
        DROP(p, ipv4, martian_lo);
    /* Our own address as the source, from the wire: a spoof or a loop (Linux: martian). */
    if (!(nif->flags & NETIF_LOOPBACK) && netif_by_addr(ih.src) != NULL)
        DROP(p, ipv4, own_src);
    /* RFC 1122 3.3.4.2: accept our own addresses (any interface) and broadcasts. */
    if (netif_is_bcast(nif, ih.dst))
        ih.to_bcast = true;
    else if (p->l2_bcast)
        DROP(p, ipv4, l2_bcast);      /* RFC 1122 3.3.6: unicast IP in a link broadcast */
    else if (netif_by_addr(ih.dst) == NULL &&
             !((nif->flags & NETIF_LOOPBACK) && ipv4_is_loopback(ih.dst)))
        DROP(p, ipv4, not_for_us);
    if (ih.hlen > IPV4_HDR_MIN)
        STAT_INC(ipv4, options);          /* RFC 1122 3.2.1.8: skipped, not refused */
    /* RFC 791 3.2: fragments need reassembly, which this stack leaves out. */
    if ((ih.flags & IPV4_FLAG_MF) || ih.frag_off != 0)
        DROP(p, ipv4, fragment);

    p->nh = p->data;
    pkb_pull(p, ih.hlen);
    if (handlers[ih.proto] == NULL) {
        /* RFC 1122 3.2.2.1: a host SHOULD say "protocol unreachable". */
        icmp_send_unreach(p, &ih, ICMP_UNREACH_PROTO);
        DROP(p, ipv4, unknown_proto);
    }
    STAT_INC(ipv4, delivered);
    handlers[ih.proto](nif, p, &ih);
}

/* Send -------------------------------------------------------------------- */

uint32_t
ipv4_source_for(uint32_t dst)
{
    const struct route *r = route_lookup(dst);
    struct netif *own = netif_by_addr(dst);

    if (own)
        return dst;                       /* talking to ourselves: keep the address */
    if (r == NULL)
        return 0;
    return ipv4_is_loopback(dst) ? dst : r->nif->addr;
}

int
ipv4_output(struct pkb *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl)
{
    const struct route *r = route_lookup(dst);
    struct ipv4_hdr ih;
    uint8_t *b;
    uint32_t nexthop;
    char s1[IP4_STRLEN], s2[IP4_STRLEN], s3[IP4_STRLEN];

    if (r == NULL) {
        stats_drop_out(p, ST_ipv4_no_route);
        return TS_ENOROUTE;
    }
    if (p->len + IPV4_HDR_MIN > r->nif->mtu) {
        stats_drop_out(p, ST_ipv4_too_big);
        return TS_EMSGSIZE;
    }
    b = pkb_push(p, IPV4_HDR_MIN);
    if (b == NULL) {
        stats_drop_out(p, ST_ipv4_no_headroom);
        return TS_ENOMEM;
    }
    ih.version = 4;
    ih.hlen = IPV4_HDR_MIN;
    ih.tos = 0;
    ih.total_len = (uint16_t)p->len;
    ih.flags = 0;
    ih.frag_off = 0;
    ih.ttl = ttl ? ttl : IPV4_DEFAULT_TTL;
    ih.proto = proto;
    ih.src = src ? src : ipv4_source_for(dst);
    ih.dst = dst;
    ih.id = ipv4_next_id(ih.src, ih.dst, proto);
    ipv4_emit(b, &ih);
    p->nh = b;
    nexthop = route_nexthop(r, dst);
    p->nif = r->nif;
    TRACE_OUT(p, "ipv4", "%s > %s %s(%u) ttl %u id %u len %u next-hop %s dev %s", ip4_str(ih.src, s1),
              ip4_str(dst, s2), proto_name(proto), proto, ih.ttl, ih.id, ih.total_len,
              ip4_str(nexthop, s3), r->nif->name);
    STAT_INC(ipv4, tx);
    return ether_output(r->nif, p, nexthop);
}
