/*
 * udp.c - UDP for a host (RFC 768, RFC 1122 4.1).
 *
 * Receive (udp_input): parse, verify the checksum (zero means the sender sent
 * none), find the pcb with the most specific match (connected peer, then a
 * specific local address, then 0.0.0.0) and queue the datagram on it, or
 * answer "port unreachable" through icmp_send_unreach (never for broadcasts).
 * Send (udp_output): push the header, always with a checksum, ipv4_output.
 *
 * Called by ipv4 (demux table), icmp (errors quoting our datagrams) and the
 * socket layer (socket.c). Leaves out: multicast, IP_PKTINFO (which of our
 * addresses a datagram was sent to), sending without a checksum, and
 * fragmentation (LIMIT: a datagram larger than the route's MTU is refused
 * with EMSGSIZE; fragments that arrive are dropped by ipv4, ipv4.fragment).
 */
#include "udp.h"
#include "ipv4.h"
#include "icmp.h"
#include "netif.h"
#include "route.h"
#include "clock.h"
#include "checksum.h"
#include "stats.h"
#include "trace.h"

#include <string.h>

/*
 *  0      7 8     15 16    23 24    31
 * +--------+--------+--------+--------+
 * |     Source      |   Destination   |
 * |      Port       |      Port       |
 * +--------+--------+--------+--------+
 * |                 |                 |
 * |     Length      |    Checksum     |
 * +--------+--------+--------+--------+
 * |          data octets ...
 * +---------------- ...
 *
 * The checksum covers a pseudo-header (source and destination address, zero,
 * protocol 17, UDP length), the header and the data (RFC 768).
 */

int
udp_parse(const uint8_t *b, size_t n, struct udp_hdr *h)
{
    struct rd r = rd_init(b, n);

    h->sport = rd_be16(&r);
    h->dport = rd_be16(&r);
    h->len   = rd_be16(&r);
    h->csum  = rd_be16(&r);
    if (r.err)
        return TS_ETRUNC;                  /* shorter than 8 bytes */
    if (h->len < UDP_HDR_LEN || h->len > n)
        return TS_EBADLEN;                 /* length field lies */
    return TS_OK;
}

void
udp_emit(uint8_t *b, const struct udp_hdr *h)
{
    struct wr w = wr_init(b, UDP_HDR_LEN);

    wr_be16(&w, h->sport);
    wr_be16(&w, h->dport);
    wr_be16(&w, h->len);
    wr_be16(&w, h->csum);
}

uint16_t
udp_checksum(uint32_t src, uint32_t dst, const uint8_t *b, size_t n)
{
    uint16_t c = csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_UDP_, (uint16_t)n), b, n));

    return c ? c : 0xffff;                 /* RFC 768: a computed zero is sent as all ones */
}

/* State ------------------------------------------------------------------- */

static struct udp_pcb *pcbs;              /* every pcb that has a local port */
static uint16_t next_ephemeral;

void
udp_init(void)
{
    pcbs = NULL;
    /* A random start makes ports hard to guess (RFC 6056 3.3.1 in spirit). */
    next_ephemeral = (uint16_t)(UDP_EPHEMERAL_FIRST +
                                rand32() % (UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST + 1));
}

void
udp_pcb_init(struct udp_pcb *pcb, int fd, size_t rcvbuf, size_t rcvq_max)
{
    memset(pcb, 0, sizeof(*pcb));
    pcb->fd = fd;
    pcb->rcvbuf = rcvbuf;
    pcb->rcvq_max = rcvq_max;
}

/* Would binding addr:port clash with a pcb other than `self`? */
static bool
udp_port_clash(const struct udp_pcb *self, uint32_t addr, uint16_t port, bool reuse)
{
    for (const struct udp_pcb *q = pcbs; q; q = q->next) {
        if (q == self || q->lport != port)
            continue;
        if (q->laddr != 0 && addr != 0 && q->laddr != addr)
            continue;                      /* different specific addresses never overlap */
        if (reuse && q->reuseaddr)
            continue;                      /* both asked to share */
        return true;
    }
    return false;
}

static bool
udp_port_used(uint16_t port)
{
    for (const struct udp_pcb *q = pcbs; q; q = q->next) {
        if (q->lport == port)
            return true;
    }
    return false;
}

/* The next ephemeral port no pcb uses, or 0 when all 16384 are taken. */
static uint16_t
udp_ephemeral(void)
{
    const unsigned span = UDP_EPHEMERAL_LAST - UDP_EPHEMERAL_FIRST + 1;

    for (unsigned i = 0; i < span; i++) {
        uint16_t port = next_ephemeral;

        next_ephemeral = port == UDP_EPHEMERAL_LAST ? UDP_EPHEMERAL_FIRST
                                                    : (uint16_t)(port + 1);
        if (!udp_port_used(port))
            return port;
    }
    return 0;
}

int
udp_bind(struct udp_pcb *pcb, uint32_t addr, uint16_t port)
{
    char s[IP4_STRLEN];

    if (pcb->lport != 0)
        return TS_EINVAL;
    if (port == 0)
        port = udp_ephemeral();
    if (port == 0 || udp_port_clash(pcb, addr, port, pcb->reuseaddr))
        return TS_EADDRINUSE;
    pcb->laddr = addr;
    pcb->lport = port;
    pcb->next = pcbs;
    pcbs = pcb;
    TRACE_EV("udp", "fd %d bound to %s:%u", pcb->fd, ip4_str(addr, s), port);
    return TS_OK;
}

int
udp_connect(struct udp_pcb *pcb, uint32_t addr, uint16_t port)
{
    const struct route *rt;
    char s1[IP4_STRLEN], s2[IP4_STRLEN];
    int err;

    rt = route_lookup(addr);
    if (rt == NULL)
        return TS_ENOROUTE;
    if (ipv4_is_loopback(pcb->laddr) && !(rt->nif->flags & NETIF_LOOPBACK))
        return TS_EINVAL;                  /* RFC 1122 3.2.1.3: 127/8 never leaves the host */
    if (pcb->lport == 0 && (err = udp_bind(pcb, 0, 0)) != TS_OK)
        return err;
    /* Like Linux: an unbound address becomes the source routing picks for the peer. */
    if (pcb->laddr == 0) {
        pcb->laddr = ipv4_source_for(addr);
        pcb->laddr_from_connect = true;
    }
    pcb->raddr = addr;
    pcb->rport = port;
    pcb->connected = true;
    pcb->err_pending = false;
    TRACE_EV("udp", "fd %d connected %s:%u > %s:%u", pcb->fd, ip4_str(pcb->laddr, s1),
             pcb->lport, ip4_str(addr, s2), port);
    return TS_OK;
}

void
udp_disconnect(struct udp_pcb *pcb)
{
    if (pcb->laddr_from_connect)
        pcb->laddr = 0;
    pcb->laddr_from_connect = false;
    pcb->raddr = 0;
    pcb->rport = 0;
    pcb->connected = false;
    pcb->err_pending = false;
}

void
udp_close(struct udp_pcb *pcb)
{
    for (struct udp_pcb **pp = &pcbs; *pp; pp = &(*pp)->next) {
        if (*pp == pcb) {
            *pp = pcb->next;
            break;
        }
    }
    pkb_queue_purge(&pcb->rcvq);
    pcb->rcvq_bytes = 0;
    pcb->next = NULL;
    pcb->lport = 0;
}

bool
udp_readable(const struct udp_pcb *pcb)
{
    return pcb->rcvq.len > 0;
}

/* Receive ----------------------------------------------------------------- */

/*
 * How well pcb matches a datagram: -1 not at all; otherwise higher is more
 * specific. A connected pcb takes only its peer's datagrams (RFC 1122 4.1.3.4
 * leaves the filter to the application; connect() is how BSD asks for it).
 */
static int
udp_match(const struct udp_pcb *q, uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport)
{
    int score = 0;

    if (q->lport != dport)
        return -1;
    if (q->laddr != 0) {
        if (q->laddr != dst)
            return -1;                     /* bound elsewhere (also: not to a broadcast) */
        score += 1;
    }
    if (q->connected) {
        if (q->raddr != src || q->rport != sport)
            return -1;
        score += 2;
    }
    return score;
}

/* Put p (data at the UDP header) on pcb's queue, or drop it if the queue is full. */
static void
udp_deliver(struct udp_pcb *pcb, struct pkb *p, size_t payload)
{
    /* Bounded in bytes and in datagrams; an empty queue takes any one datagram
     * (else one larger than rcvbuf could never be received). */
    if (pcb->rcvq.len >= pcb->rcvq_max ||
        (pcb->rcvq.len > 0 && pcb->rcvq_bytes + payload > pcb->rcvbuf))
        DROP(p, udp, rcvq_full);
    pkb_pull(p, UDP_HDR_LEN);              /* the header stays in the buffer, in front */
    pkb_enqueue(&pcb->rcvq, p);
    pcb->rcvq_bytes += payload;
    STAT_INC(udp, delivered);
}

void
udp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih)
{
    struct udp_hdr h;
    struct udp_pcb *best = NULL;
    int best_score = -1, err;
    size_t payload;
    char s1[IP4_STRLEN], s2[IP4_STRLEN];

    (void)nif;
    STAT_INC(udp, rx);
    err = udp_parse(p->data, p->len, &h);
    if (err == TS_ETRUNC)
        DROP(p, udp, truncated);           /* RFC 768: the header is 8 bytes */
    if (err == TS_EBADLEN)
        DROP(p, udp, bad_len);             /* RFC 768: length counts header and data */
    /* Octets after the UDP length are not part of the datagram (RFC 768). */
    pkb_trim(p, h.len);
    payload = (size_t)h.len - UDP_HDR_LEN;
    if (h.csum == 0)
        STAT_INC(udp, no_checksum);        /* RFC 768: zero means the sender sent none */
    else if (csum_fold(csum_add(csum_pseudo(ih->src, ih->dst, IPPROTO_UDP_, h.len), p->data,
                                p->len)) != 0)
        DROP(p, udp, bad_checksum);        /* RFC 1122 4.1.3.4: MUST silently discard */

    if (ih->to_bcast) {
        /* A broadcast goes to every pcb that matches, like BSD and Linux. */
        struct udp_pcb *last = NULL;

        for (struct udp_pcb *q = pcbs; q; q = q->next) {
            if (udp_match(q, ih->src, h.sport, ih->dst, h.dport) < 0)
                continue;
            if (last) {
                struct pkb *c = pkb_clone(p);

                if (c)
                    udp_deliver(last, c, payload);
            }
            last = q;
        }
        TRACE_IN(p, "udp", "%s:%u > %s:%u len %zu%s", ip4_str(ih->src, s1), h.sport,
                 ip4_str(ih->dst, s2), h.dport, payload, last ? " (broadcast)" : "");
        /* RFC 1122 4.1.3.1 + 3.2.2: no port unreachable about a broadcast. */
        if (last == NULL)
            DROP(p, udp, bcast_no_port);
        udp_deliver(last, p, payload);
        return;
    }
    /* Unicast: the most specific match wins; among equals the first listed. */
    for (struct udp_pcb *q = pcbs; q; q = q->next) {
        int score = udp_match(q, ih->src, h.sport, ih->dst, h.dport);

        if (score > best_score) {
            best = q;
            best_score = score;
        }
    }
    if (best == NULL) {
        TRACE_IN(p, "udp", "%s:%u > %s:%u len %zu", ip4_str(ih->src, s1), h.sport,
                 ip4_str(ih->dst, s2), h.dport, payload);
        /* RFC 1122 4.1.3.1: SHOULD send port unreachable (quotes IP header + 8 bytes). */
        icmp_send_unreach(p, ih, ICMP_UNREACH_PORT);
        DROP(p, udp, no_port);
    }
    TRACE_IN(p, "udp", "%s:%u > %s:%u len %zu (fd %d)", ip4_str(ih->src, s1), h.sport,
             ip4_str(ih->dst, s2), h.dport, payload, best->fd);
    udp_deliver(best, p, payload);
}

size_t
udp_recv(struct udp_pcb *pcb, void *buf, size_t cap, uint32_t *src, uint16_t *sport, bool peek)
{
    struct pkb *p = pcb->rcvq.head;
    struct rd r;
    size_t n;

    /* The IPv4 and UDP headers are still in the buffer in front of the payload. */
    r = rd_init(p->nh + 12, 4);
    *src = rd_be32(&r);
    r = rd_init(p->data - UDP_HDR_LEN, 2);
    *sport = rd_be16(&r);
    n = p->len < cap ? p->len : cap;
    if (n)
        memcpy(buf, p->data, n);
    if (!peek) {
        pkb_dequeue(&pcb->rcvq);
        pcb->rcvq_bytes -= p->len;
        pkb_free(p);
    }
    return n;
}

void
udp_icmp_error(uint8_t type, uint8_t code, const struct ipv4_hdr *quoted, const uint8_t *l4,
               size_t l4len)
{
    struct rd r = rd_init(l4, l4len);
    uint16_t sport = rd_be16(&r), dport = rd_be16(&r);
    char s[IP4_STRLEN];

    if (r.err)
        return;                            /* icmp.c checked 8 bytes; be safe anyway */
    /* The quote is a datagram we sent: its source is us, its destination the peer. */
    for (struct udp_pcb *q = pcbs; q; q = q->next) {
        if (q->lport != sport || !q->connected || q->raddr != quoted->dst ||
            q->rport != dport || (q->laddr != 0 && q->laddr != quoted->src))
            continue;
        /* RFC 1122 4.1.3.3: UDP MUST pass ICMP errors up to the application. */
        q->err_pending = true;
        q->err_type = type;
        q->err_code = code;
        STAT_INC(udp, err_in);
        TRACE_EV("udp", "fd %d: ICMP type %u code %u from %s:%u, reported to the socket",
                 q->fd, type, code, ip4_str(quoted->dst, s), dport);
        return;
    }
    /* LIMIT: an unconnected socket cannot be told (no IP_RECVERR); BSD does the same. */
    STAT_INC(udp, err_unconnected);
}

/* Send -------------------------------------------------------------------- */

int
udp_output(struct udp_pcb *pcb, const void *data, size_t len, uint32_t dst, uint16_t dport)
{
    const struct route *rt = route_lookup(dst);
    struct udp_hdr h;
    struct pkb *p;
    uint8_t *b;
    uint32_t src;
    int err;
    char s1[IP4_STRLEN], s2[IP4_STRLEN];

    if (rt == NULL)
        return TS_ENOROUTE;
    /* No fragmentation here: the datagram must fit the route's MTU (RFC 791 3.2). */
    if (len > (size_t)rt->nif->mtu - IPV4_HDR_MIN - UDP_HDR_LEN)
        return TS_EMSGSIZE;
    if (ipv4_is_loopback(pcb->laddr) && !(rt->nif->flags & NETIF_LOOPBACK))
        return TS_EINVAL;                  /* RFC 1122 3.2.1.3: 127/8 never leaves the host */
    if (pcb->lport == 0 && (err = udp_bind(pcb, 0, 0)) != TS_OK)
        return err;
    p = pkb_alloc();
    if (p == NULL)
        return TS_ENOMEM;
    b = pkb_put(p, UDP_HDR_LEN + len);
    if (b == NULL) {                       /* the MTU is larger than a buffer */
        pkb_free(p);
        return TS_EMSGSIZE;
    }
    if (len)
        memcpy(b + UDP_HDR_LEN, data, len);
    /* RFC 1122 4.1.3.5 / 3.2.1.3: the source is one of our specific addresses,
     * never 0.0.0.0 or a broadcast a socket may be bound to. */
    src = pcb->laddr;
    if (src == 0 || (netif_by_addr(src) == NULL && !ipv4_is_loopback(src)))
        src = ipv4_source_for(dst);
    h.sport = pcb->lport;
    h.dport = dport;
    h.len = (uint16_t)(UDP_HDR_LEN + len);
    h.csum = 0;
    udp_emit(b, &h);
    /* RFC 1122 4.1.3.4: checksums MUST default to on; we always send one. */
    put_be16(b + UDP_CSUM_OFF, udp_checksum(src, dst, b, h.len));
    p->nif = rt->nif;
    TRACE_OUT(p, "udp", "%s:%u > %s:%u len %zu (fd %d)", ip4_str(src, s1), h.sport,
              ip4_str(dst, s2), dport, len, pcb->fd);
    STAT_INC(udp, tx);
    err = ipv4_output(p, src, dst, IPPROTO_UDP_, 0);
    /* Past this point the datagram is on its way (or waits for ARP): only
     * errors found before it left are the caller's. */
    return err == TS_ENOROUTE || err == TS_EMSGSIZE ? err : TS_OK;
}

/* Init/dump --------------------------------------------------------------- */

const struct udp_pcb *
udp_pcb_at(unsigned i)
{
    const struct udp_pcb *q = pcbs;

    while (q != NULL && i > 0) {
        q = q->next;
        i--;
    }
    return q;
}

void
udp_dump(FILE *f)
{
    char s1[IP4_STRLEN], s2[IP4_STRLEN], peer[IP4_STRLEN + 8];

    for (const struct udp_pcb *q = pcbs; q; q = q->next) {
        if (q->connected)
            snprintf(peer, sizeof(peer), "%s:%u", ip4_str(q->raddr, s2), q->rport);
        else
            snprintf(peer, sizeof(peer), "*:*");
        fprintf(f, "udp fd %d %s:%u %s rcvq %zu/%zu (%zu bytes)\n", q->fd,
                ip4_str(q->laddr, s1), q->lport, peer, q->rcvq.len, q->rcvq_max,
                q->rcvq_bytes);
    }
}
