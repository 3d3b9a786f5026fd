/*
 * icmp.c - ICMP for a host (RFC 792, RFC 1122 3.2.2).
 *
 * Receive: verify the checksum over the whole message, answer echo requests
 * (every size the MTU allows) by turning the buffer around in place, pass
 * destination-unreachable errors up to the protocol they quote.
 * Send: destination unreachable, never about an ICMP error, a broadcast or a
 * non-first fragment, and never faster than a token bucket allows.
 *
 * Called by ipv4 (demux table, unknown protocols) and udp (closed ports).
 * Leaves out: timestamp, redirect handling, echoing IP options in the reply
 * (RFC 1122 3.2.2.6 SHOULD for record route; options are skipped instead).
 */
#include "icmp.h"
#include "ipv4.h"
#include "netif.h"
#include "pkb.h"
#include "clock.h"
#include "checksum.h"
#include "stats.h"
#include "trace.h"

#include <string.h>

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |          Checksum             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  echo: Identifier | Sequence  /  errors: unused (zero)         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  echo: data ...   /  errors: IP header + first 8 data bytes   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

int
icmp_parse(const uint8_t *b, size_t n, struct icmp_hdr *h)
{
    struct rd r = rd_init(b, n);

    h->type = rd_u8(&r);
    h->code = rd_u8(&r);
    h->csum = rd_be16(&r);
    h->rest = rd_be32(&r);
    if (r.err)
        return TS_ETRUNC;
    if (csum(b, n) != 0)
        return TS_EBADSUM;                /* RFC 792: checksum over the whole message */
    return TS_OK;
}

void
icmp_emit(uint8_t *b, size_t n, const struct icmp_hdr *h)
{
    struct wr w = wr_init(b, ICMP_HDR_LEN);

    wr_u8(&w, h->type);
    wr_u8(&w, h->code);
    wr_be16(&w, 0);
    wr_be32(&w, h->rest);
    put_be16(b + ICMP_CSUM_OFF, csum(b, n));
}

/* State ------------------------------------------------------------------- */

static struct icmp_config cfg;
static uint64_t tokens_micro;             /* tokens * 10^6: refill in whole us is exact */
static uint64_t last_refill;
static icmp_err_handler err_handlers[256];

void
icmp_defaults(struct icmp_config *c)
{
    *c = (struct icmp_config){ .rate_per_sec = 100, .burst = 50 };
}

void
icmp_init(const struct icmp_config *c)
{
    struct icmp_config def;

    icmp_defaults(&def);
    cfg = c ? *c : def;
    /* Zero fields take the defaults (struct stack_config promises it). */
    if (cfg.rate_per_sec == 0)
        cfg.rate_per_sec = def.rate_per_sec;
    if (cfg.burst == 0)
        cfg.burst = def.burst;
    tokens_micro = (uint64_t)cfg.burst * US_PER_SEC;
    last_refill = clock_now();
    for (int i = 0; i < 256; i++)
        err_handlers[i] = NULL;
}

void
icmp_register_err(uint8_t proto, icmp_err_handler fn)
{
    err_handlers[proto] = fn;
}

/*
 * Token bucket: refill rate_per_sec tokens a second, up to burst. Counted in
 * millionths of a token, so dt_us * rate is exact and no fraction is lost
 * when errors are asked for every few microseconds (a flood).
 */
static bool
icmp_rate_ok(void)
{
    uint64_t now = clock_now();
    uint64_t cap = (uint64_t)cfg.burst * US_PER_SEC;  /* in millionths of a token */
    uint64_t dt = now - last_refill;

    /* After `burst` seconds any rate >= 1 has filled it: clamp so dt * rate cannot overflow. */
    if (dt > (uint64_t)cfg.burst * US_PER_SEC)
        dt = (uint64_t)cfg.burst * US_PER_SEC;
    tokens_micro += dt * cfg.rate_per_sec;
    if (tokens_micro > cap)
        tokens_micro = cap;
    last_refill = now;
    if (tokens_micro < US_PER_SEC)
        return false;
    tokens_micro -= US_PER_SEC;
    return true;
}

/* Receive ----------------------------------------------------------------- */

static void
icmp_echo(struct pkb *p, const struct ipv4_hdr *ih, const struct icmp_hdr *h)
{
    struct icmp_hdr reply = *h;

    /* RFC 1122 3.2.2.6: a host MAY ignore echo requests to a broadcast address. */
    if (ih->to_bcast)
        DROP(p, icmp, bcast_echo);
    /* Turn the message around in place: same id, seq and data (RFC 792). */
    reply.type = ICMP_ECHO_REPLY;
    reply.code = ICMP_ECHO_CODE;
    icmp_emit(p->data, p->len, &reply);
    p->frame_no = 0;                      /* a new frame for the trace */
    TRACE_OUT(p, "icmp", "echo reply id %u seq %u len %zu", h->rest >> 16, h->rest & 0xffff,
              p->len - ICMP_HDR_LEN);
    STAT_INC(icmp, echo_out);
    /* RFC 1122 3.2.2.6: the reply's source is the request's specific destination. */
    ipv4_output(p, ih->dst, ih->src, IPPROTO_ICMP_, 0);
}

/* An error quoting one of our datagrams: hand it to the protocol that sent it. */
static void
icmp_error_up(struct pkb *p, const struct icmp_hdr *h)
{
    struct ipv4_hdr q;
    struct rd r = rd_init(p->data + ICMP_HDR_LEN, p->len - ICMP_HDR_LEN);
    uint8_t vihl = rd_u8(&r);
    size_t qhlen = (size_t)(vihl & 0x0f) * 4;

    rd_bytes(&r, NULL, 8);                /* TOS .. TTL: on to the protocol */
    q.proto = rd_u8(&r);
    rd_bytes(&r, NULL, 2);
    q.src = rd_be32(&r);
    q.dst = rd_be32(&r);
    q.hlen = (uint8_t)qhlen;
    /* The quote must hold a whole IP header and 8 bytes (RFC 792). */
    if (r.err || (vihl >> 4) != 4 || qhlen < IPV4_HDR_MIN ||
        p->len < ICMP_HDR_LEN + qhlen + ICMP_QUOTE_DATA)
        DROP(p, icmp, truncated);
    if (err_handlers[q.proto])
        err_handlers[q.proto](h->type, h->code, &q, p->data + ICMP_HDR_LEN + qhlen,
                              p->len - ICMP_HDR_LEN - qhlen);
    pkb_free(p);
}

void
icmp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih)
{
    struct icmp_hdr h;
    int err;

    (void)nif;
    err = icmp_parse(p->data, p->len, &h);
    if (err == TS_ETRUNC)
        DROP(p, icmp, truncated);
    if (err == TS_EBADSUM)
        DROP(p, icmp, bad_checksum);
    STAT_INC(icmp, rx);
    switch (h.type) {
    case ICMP_ECHO_REQUEST:
        TRACE_IN(p, "icmp", "echo request id %u seq %u len %zu", h.rest >> 16, h.rest & 0xffff,
                 p->len - ICMP_HDR_LEN);
        STAT_INC(icmp, echo_in);
        icmp_echo(p, ih, &h);
        return;
    case ICMP_ECHO_REPLY:
        TRACE_IN(p, "icmp", "echo reply id %u seq %u len %zu", h.rest >> 16, h.rest & 0xffff,
                 p->len - ICMP_HDR_LEN);
        STAT_INC(icmp, echo_reply_in);
        pkb_free(p);
        return;
    case ICMP_UNREACH:
        TRACE_IN(p, "icmp", "destination unreachable code %u", h.code);
        STAT_INC(icmp, unreach_in);
        icmp_error_up(p, &h);
        return;
    default:
        TRACE_IN(p, "icmp", "type %u code %u (ignored)", h.type, h.code);
        /* RFC 1122 3.2.2: unknown types MUST be silently discarded. */
        DROP(p, icmp, other_in);
    }
}

/* Send -------------------------------------------------------------------- */

static bool
icmp_is_error_type(uint8_t type)
{
    return type == ICMP_UNREACH || type == ICMP_SOURCE_QUENCH || type == ICMP_REDIRECT ||
           type == ICMP_TIME_EXCEEDED || type == ICMP_PARAM_PROBLEM;
}

void
icmp_send_unreach(const struct pkb *orig, const struct ipv4_hdr *ih, uint8_t code)
{
    const uint8_t *end = orig->data + orig->len;
    size_t quote;
    struct pkb *p;
    uint8_t *b;
    struct icmp_hdr h = { ICMP_UNREACH, code, 0, 0 };

    /* RFC 1122 3.2.2: never an error about an ICMP error ... */
    if (ih->proto == IPPROTO_ICMP_ && orig->data < end && icmp_is_error_type(orig->data[0]))
        goto suppressed;
    /* ... nor about a broadcast/multicast datagram, a non-first fragment, or a
     * source that is not a unique host. */
    if (ih->to_bcast || ipv4_is_multicast(ih->dst) || ih->frag_off != 0 || ih->src == 0 ||
        ipv4_is_multicast(ih->src) || ipv4_is_reserved(ih->src) || ih->src == 0xffffffffu)
        goto suppressed;
    if (!icmp_rate_ok()) {
        STAT_INC(icmp, rate_limited);
        return;
    }
    p = pkb_alloc();
    if (p == NULL)
        return;
    /* Quote the IP header and the first 8 data bytes (RFC 792, RFC 1122 3.2.2). */
    quote = (size_t)(end - orig->nh);
    if (quote > (size_t)ih->hlen + ICMP_QUOTE_DATA)
        quote = (size_t)ih->hlen + ICMP_QUOTE_DATA;
    b = pkb_put(p, ICMP_HDR_LEN + quote);
    memcpy(b + ICMP_HDR_LEN, orig->nh, quote);
    icmp_emit(b, ICMP_HDR_LEN + quote, &h);
    TRACE_OUT(p, "icmp", "destination unreachable code %u (quoting %zu bytes)", code, quote);
    STAT_INC(icmp, unreach_out);
    ipv4_output(p, ih->dst, ih->src, IPPROTO_ICMP_, 0);
    return;
suppressed:
    STAT_INC(icmp, err_suppressed);
}
