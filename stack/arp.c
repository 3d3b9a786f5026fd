/*
 * arp.c - ARP for IPv4 over Ethernet (RFC 826, RFC 1122 2.3.2, RFC 5227).
 *
 * Receive: parse, validate, apply RFC 826's merge rule to the cache, answer
 * requests for our own address only. Send: requests for next hops that
 * ipv4_output needs (packets wait meanwhile in a bounded per-entry queue),
 * retries on a timer, gratuitous announcements at start.
 *
 * What a peer may do to the cache (Linux with arp_accept=0): create an entry
 * only with a request for our address; update an existing entry with any
 * valid packet, but not change a MAC again within the locktime of its last
 * change; never be cached from off the subnet. A full cache replaces its least
 * recently used entry, never a route's next hop (the gateway) and, for a
 * peer's packet, never one with packets waiting; if nothing may go, the new
 * entry is refused. Each refusal has a counter and a trace line.
 *
 * Called by ether_input and ether_output; calls ether_send. Leaves out:
 * proxy ARP, RARP, address conflict detection beyond refusing our own
 * address as a sender, ICMP host unreachable on failure (LIMIT: counted as
 * arp.resolve_fail).
 */
#include "arp.h"
#include "ether.h"
#include "netif.h"
#include "pkb.h"
#include "clock.h"
#include "route.h"
#include "stats.h"
#include "trace.h"

#include <stdlib.h>
#include <string.h>

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     hardware type (1)         |     protocol type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  hlen (6)     |  plen (4)     |  opcode (1 request, 2 reply)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  sender MAC (6) | sender IP (4) | target MAC (6) | target IP (4)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

int
arp_parse(const uint8_t *b, size_t n, struct arp_pkt *a)
{
    struct rd r = rd_init(b, n);

    a->hrd = rd_be16(&r);
    a->pro = rd_be16(&r);
    a->hln = rd_u8(&r);
    a->pln = rd_u8(&r);
    a->op = rd_be16(&r);
    rd_bytes(&r, a->sha, 6);
    a->spa = rd_be32(&r);
    rd_bytes(&r, a->tha, 6);
    a->tpa = rd_be32(&r);
    if (r.err)
        return TS_ETRUNC;
    return TS_OK;
}

void
arp_emit(uint8_t *b, const struct arp_pkt *a)
{
    struct wr w = wr_init(b, ARP_PKT_LEN);

    wr_be16(&w, a->hrd);
    wr_be16(&w, a->pro);
    wr_u8(&w, a->hln);
    wr_u8(&w, a->pln);
    wr_be16(&w, a->op);
    wr_bytes(&w, a->sha, 6);
    wr_be32(&w, a->spa);
    wr_bytes(&w, a->tha, 6);
    wr_be32(&w, a->tpa);
}

/* State ------------------------------------------------------------------- */

enum arp_state { ARP_FREE, ARP_INCOMPLETE, ARP_REACHABLE };

struct arp_entry {
    enum arp_state state;
    uint32_t ip;
    uint8_t mac[6];
    struct netif *nif;
    unsigned tries;               /* requests sent while incomplete */
    uint64_t updated;             /* last time the mapping was confirmed */
    uint64_t used;                /* confirmed or used to send: the LRU order */
    uint64_t changed;             /* the MAC was last set or changed (locktime) */
    struct pkb_queue pending;     /* packets waiting for the MAC */
    struct timer timer;           /* retry (incomplete) or expiry (reachable) */
};

static struct arp_config cfg;
static struct arp_entry *cache;

static void arp_timer(void *arg);

void
arp_defaults(struct arp_config *c)
{
    *c = (struct arp_config){
        .cache_size = 64,
        .pending_max = 4,
        .reachable_us = 60 * US_PER_SEC,
        .retry_us = 1 * US_PER_SEC,
        .retries = 3,
        .locktime_us = 1 * US_PER_SEC,         /* as Linux's locktime */
    };
}

int
arp_init(const struct arp_config *c)
{
    struct arp_config def;

    arp_shutdown();
    arp_defaults(&def);
    cfg = c ? *c : def;
    /* Zero fields take the defaults (struct stack_config promises it). */
    if (cfg.cache_size == 0)
        cfg.cache_size = def.cache_size;
    if (cfg.pending_max == 0)
        cfg.pending_max = def.pending_max;
    if (cfg.reachable_us == 0)
        cfg.reachable_us = def.reachable_us;
    if (cfg.retry_us == 0)
        cfg.retry_us = def.retry_us;
    if (cfg.retries == 0)
        cfg.retries = def.retries;
    if (cfg.locktime_us == 0)
        cfg.locktime_us = def.locktime_us;
    cache = calloc(cfg.cache_size, sizeof(*cache));
    if (cache == NULL)
        return TS_ENOMEM;
    for (unsigned i = 0; i < cfg.cache_size; i++)
        timer_init(&cache[i].timer, "arp", arp_timer, &cache[i]);
    return TS_OK;
}

static void
arp_entry_clear(struct arp_entry *e)
{
    timer_cancel(&e->timer);
    pkb_queue_purge(&e->pending);
    e->state = ARP_FREE;
    e->ip = 0;
    e->tries = 0;
}

void
arp_flush(void)
{
    for (unsigned i = 0; cache && i < cfg.cache_size; i++)
        arp_entry_clear(&cache[i]);
}

void
arp_shutdown(void)
{
    arp_flush();
    free(cache);
    cache = NULL;
}

static struct arp_entry *
arp_find(uint32_t ip)
{
    for (unsigned i = 0; i < cfg.cache_size; i++) {
        if (cache[i].state != ARP_FREE && cache[i].ip == ip)
            return &cache[i];
    }
    return NULL;
}

/* True if a route goes through ip on nif: the gateway's entry must stay. */
static bool
arp_is_next_hop(const struct arp_entry *e)
{
    const struct route *r;

    for (int i = 0; (r = route_at(i)) != NULL; i++) {
        if (r->gw != 0 && r->gw == e->ip && r->nif == e->nif)
            return true;
    }
    return false;
}

/*
 * A slot for a new entry: a free one, else the least recently used entry that may go (counted
 * as arp.cache_full). A route's next hop never goes. An entry with packets waiting goes only
 * for our own resolution (by_peer false), never for a peer's ARP packet, so a peer cannot make
 * us drop what we are sending. NULL when nothing may go; the caller counts the refusal.
 */
static struct arp_entry *
arp_new_entry(uint32_t ip, struct netif *nif, bool by_peer)
{
    struct arp_entry *e = NULL;
    struct pkb *p;
    char s1[IP4_STRLEN], s2[IP4_STRLEN];

    for (unsigned i = 0; i < cfg.cache_size; i++) {
        struct arp_entry *c = &cache[i];

        if (c->state == ARP_FREE) {
            e = c;
            break;
        }
        if ((by_peer && c->pending.len > 0) || arp_is_next_hop(c))
            continue;
        if (e == NULL || c->used < e->used)
            e = c;
    }
    if (e == NULL)
        return NULL;
    if (e->state != ARP_FREE) {
        STAT_INC(arp, cache_full);
        TRACE_EV("arp", "cache full: %s (least recently used) gives way to %s",
                 ip4_str(e->ip, s1), ip4_str(ip, s2));
        while ((p = pkb_dequeue(&e->pending)) != NULL)
            stats_drop_out(p, ST_arp_evicted_pending);
        arp_entry_clear(e);
    }
    e->ip = ip;
    e->nif = nif;
    e->updated = clock_now();
    e->used = e->updated;
    return e;
}

/* Record ip -> mac as reachable, and send whatever was waiting for it. */
static void
arp_learn(struct arp_entry *e, const uint8_t mac[6])
{
    struct pkb *p;

    if (e->state != ARP_REACHABLE || memcmp(e->mac, mac, 6) != 0)
        e->changed = clock_now();
    memcpy(e->mac, mac, 6);
    e->state = ARP_REACHABLE;
    e->tries = 0;
    e->updated = clock_now();
    e->used = e->updated;
    timer_arm(&e->timer, cfg.reachable_us);
    while ((p = pkb_dequeue(&e->pending)) != NULL)
        ether_send(e->nif, p, e->mac, ETH_TYPE_IPV4);
}

/* Count a refusal that does not end the packet (a request is still answered); trace it. */
static void
arp_refuse(struct pkb *p, enum stat_id id, uint32_t ip)
{
    const struct stat_desc *d = &stats_desc[id];
    char s[IP4_STRLEN];

    stats_ctr[id]++;
    TRACE_IN(p, "arp", "%s not learned (%s.%s): %s", ip4_str(ip, s), d->layer, d->name, d->desc);
}

/*
 * RFC 826 merge rule: a known sender's MAC is refreshed. A different MAC within the locktime
 * of the last change is refused (arp.locked), as Linux does: the first answer wins, and a
 * forged reply cannot flip a fresh entry. After the locktime the update is taken, also from a
 * gratuitous ARP (RFC 5227 3).
 */
static void
arp_merge(struct pkb *p, struct arp_entry *e, const uint8_t mac[6])
{
    if (e->state == ARP_REACHABLE && memcmp(e->mac, mac, 6) != 0 &&
        clock_now() - e->changed < cfg.locktime_us) {
        arp_refuse(p, ST_arp_locked, e->ip);
        return;
    }
    arp_learn(e, mac);
}

/* On-link on nif: a unicast address of its subnet (RFC 1122 3.3.1.1), the only ones we ask for. */
static bool
arp_on_link(const struct netif *nif, uint32_t ip)
{
    uint32_t mask = prefix_mask(nif->prefix);

    if (nif->addr == 0 || (ip & mask) != (nif->addr & mask) || netif_is_bcast(nif, ip))
        return false;
    /* The subnet's own number (host part zero) is no host, except on a /31 (RFC 3021). */
    return nif->prefix >= 31 || (ip & ~mask) != 0;
}

/* Receive ----------------------------------------------------------------- */

static int arp_send(struct netif *nif, uint16_t op, const uint8_t *dst_mac,
                    const uint8_t tha[6], uint32_t tpa);

void
arp_input(struct netif *nif, struct pkb *p)
{
    struct arp_pkt a;
    struct arp_entry *e;
    char s1[IP4_STRLEN], s2[IP4_STRLEN], m[MAC_STRLEN];

    if (arp_parse(p->data, p->len, &a) != TS_OK)
        DROP(p, arp, truncated);
    /* RFC 826: only Ethernet hardware and IPv4 protocol addresses are ours to speak. */
    if (a.hrd != ARP_HRD_ETHER || a.hln != 6)
        DROP(p, arp, bad_hw);
    if (a.pro != ETH_TYPE_IPV4 || a.pln != 4)
        DROP(p, arp, bad_proto);
    if (a.op != ARP_OP_REQUEST && a.op != ARP_OP_REPLY)
        DROP(p, arp, bad_op);
    if (a.op == ARP_OP_REQUEST)
        TRACE_IN(p, "arp", "request who-has %s tell %s (%s)", ip4_str(a.tpa, s1),
                 ip4_str(a.spa, s2), mac_str(a.sha, m));
    else
        TRACE_IN(p, "arp", "reply %s is-at %s", ip4_str(a.spa, s2), mac_str(a.sha, m));
    /* A group MAC is never a sender; our own IP from elsewhere is a conflict (RFC 5227 2.1.1). */
    if ((a.sha[0] & 1) || (a.spa != 0 && a.spa == nif->addr))
        DROP(p, arp, bad_sender);
    STAT_INC(arp, rx);
    if (a.op == ARP_OP_REQUEST)
        STAT_INC(arp, req_in);
    else
        STAT_INC(arp, reply_in);

    /* We only ever ask for on-link addresses: an off-link sender's mapping is of no use to
     * us, neither cached nor answered (RFC 1122 3.3.1.1). Sender 0.0.0.0 is a probe. */
    if (a.spa != 0 && !arp_on_link(nif, a.spa))
        DROP(p, arp, off_subnet);

    /* RFC 826 merge rule: if the sender is known, refresh its MAC (within the locktime, not). */
    e = a.spa != 0 ? arp_find(a.spa) : NULL;
    if (e)
        arp_merge(p, e, a.sha);
    /* Am I the target? If not, that is all (RFC 826). */
    if (nif->addr == 0 || a.tpa != nif->addr)
        DROP(p, arp, not_for_us);
    if (e == NULL && a.spa != 0) {
        /* A reply we did not ask for (no entry waits for it) creates nothing (Linux,
         * arp_accept=0): else any host could plant entries, or fill the cache, at will. */
        if (a.op == ARP_OP_REPLY)
            DROP(p, arp, unsolicited);
        /* A request for us: add the sender (RFC 826), it is about to talk to us. */
        e = arp_new_entry(a.spa, nif, true);
        if (e)
            arp_learn(e, a.sha);
        else
            arp_refuse(p, ST_arp_cache_full_refused, a.spa);
    }
    if (a.op == ARP_OP_REQUEST) {
        /* Answer to the asker's MAC, swapping sender and target (RFC 826). */
        if (arp_send(nif, ARP_OP_REPLY, a.sha, a.sha, a.spa) >= 0)
            STAT_INC(arp, reply_out);
    }
    pkb_free(p);
}

/* Send -------------------------------------------------------------------- */

/* Build and send one ARP packet; TS_ENOMEM (counted as pkb.alloc_fail) if no buffer. */
static int
arp_send(struct netif *nif, uint16_t op, const uint8_t *dst_mac, const uint8_t tha[6],
         uint32_t tpa)
{
    struct pkb *p = pkb_alloc();
    struct arp_pkt a;
    uint8_t *b;
    char s1[IP4_STRLEN], s2[IP4_STRLEN], m[MAC_STRLEN];

    if (p == NULL)
        return TS_ENOMEM;
    b = pkb_put(p, ARP_PKT_LEN);
    a.hrd = ARP_HRD_ETHER;
    a.pro = ETH_TYPE_IPV4;
    a.hln = 6;
    a.pln = 4;
    a.op = op;
    memcpy(a.sha, nif->mac, 6);
    a.spa = nif->addr;
    memcpy(a.tha, tha, 6);
    a.tpa = tpa;
    arp_emit(b, &a);
    p->nif = nif;
    if (op == ARP_OP_REQUEST)
        TRACE_OUT(p, "arp", "request who-has %s tell %s%s", ip4_str(tpa, s1),
                  ip4_str(nif->addr, s2), tpa == nif->addr ? " (gratuitous)" : "");
    else
        TRACE_OUT(p, "arp", "reply %s is-at %s", ip4_str(nif->addr, s2), mac_str(nif->mac, m));
    return ether_send(nif, p, dst_mac, ETH_TYPE_ARP);
}

static void
arp_send_request(struct arp_entry *e)
{
    static const uint8_t zero[6];

    e->tries++;
    if (arp_send(e->nif, ARP_OP_REQUEST, ether_bcast, zero, e->ip) >= 0)
        STAT_INC(arp, req_out);
    timer_arm(&e->timer, cfg.retry_us);
}

int
arp_resolve(struct netif *nif, uint32_t ip, struct pkb *p, uint8_t mac[6])
{
    struct arp_entry *e = arp_find(ip);

    if (e && e->state == ARP_REACHABLE) {
        memcpy(mac, e->mac, 6);
        e->used = clock_now();
        return 1;
    }
    if (e == NULL) {
        e = arp_new_entry(ip, nif, false);
        if (e == NULL) {
            /* Every entry is a route's next hop: nothing may go (counted). */
            stats_drop_out(p, ST_arp_cache_full_refused);
            return 0;
        }
        e->state = ARP_INCOMPLETE;
        e->tries = 0;
        pkb_enqueue(&e->pending, p);
        arp_send_request(e);
        return 0;
    }
    /* Still resolving: wait in a bounded queue. RFC 1122 2.3.2.2: SHOULD save at least
     * one packet, the latest: when the queue is full the oldest one gives way. */
    if (e->pending.len >= cfg.pending_max)
        stats_drop_out(pkb_dequeue(&e->pending), ST_arp_pending_full);
    pkb_enqueue(&e->pending, p);
    return 0;
}

void
arp_announce(struct netif *nif)
{
    static const uint8_t zero[6];

    if (nif->addr == 0 || (nif->flags & NETIF_LOOPBACK))
        return;
    /* RFC 5227 3: sender and target IP both ours, target MAC zero, broadcast. */
    if (arp_send(nif, ARP_OP_REQUEST, ether_bcast, zero, nif->addr) >= 0)
        STAT_INC(arp, gratuitous_out);
}

/* Timers ------------------------------------------------------------------ */

static void
arp_timer(void *arg)
{
    struct arp_entry *e = arg;
    char s[IP4_STRLEN];

    if (e->state == ARP_INCOMPLETE && e->tries < cfg.retries) {
        TRACE_EV("arp", "retry %u for %s", e->tries + 1, ip4_str(e->ip, s));
        arp_send_request(e);
        return;
    }
    if (e->state == ARP_INCOMPLETE) {
        /* RFC 1122 2.3.2.1: give up after a bounded number of requests. */
        struct pkb *p;

        TRACE_EV("arp", "%s unresolved after %u requests: %zu packets dropped",
                 ip4_str(e->ip, s), e->tries, e->pending.len);
        while ((p = pkb_dequeue(&e->pending)) != NULL)
            stats_drop_out(p, ST_arp_resolve_fail);
    } else {
        TRACE_EV("arp", "entry for %s expired", ip4_str(e->ip, s));
    }
    arp_entry_clear(e);
}

/* Inspection -------------------------------------------------------------- */

int
arp_lookup(uint32_t ip, uint8_t mac[6])
{
    struct arp_entry *e = cache ? arp_find(ip) : NULL;

    if (e == NULL || e->state != ARP_REACHABLE)
        return 0;
    memcpy(mac, e->mac, 6);
    return 1;
}

unsigned
arp_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; cache && i < cfg.cache_size; i++)
        n += cache[i].state != ARP_FREE;
    return n;
}

unsigned
arp_pending_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; cache && i < cfg.cache_size; i++)
        n += (unsigned)cache[i].pending.len;
    return n;
}

bool
arp_at(unsigned i, struct arp_entry_view *v)
{
    for (unsigned k = 0; cache && k < cfg.cache_size; k++) {
        const struct arp_entry *e = &cache[k];

        if (e->state == ARP_FREE) {
            continue;
        }
        if (i > 0) {                        /* an entry before the one asked for */
            i--;
            continue;
        }
        v->ip = e->ip;
        memcpy(v->mac, e->mac, sizeof(v->mac));
        v->reachable = e->state == ARP_REACHABLE;
        v->nif = e->nif;
        v->updated = e->updated;
        v->waiting = e->pending.len;
        return true;
    }
    return false;
}

void
arp_dump(FILE *f)
{
    char s[IP4_STRLEN], m[MAC_STRLEN];
    uint64_t now = clock_now();

    for (unsigned i = 0; cache && i < cfg.cache_size; i++) {
        struct arp_entry *e = &cache[i];

        if (e->state == ARP_FREE)
            continue;
        fprintf(f, "%-15s %-17s %-10s %s age %llus waiting %zu\n", ip4_str(e->ip, s),
                e->state == ARP_REACHABLE ? mac_str(e->mac, m) : "(incomplete)",
                e->state == ARP_REACHABLE ? "reachable" : "incomplete", e->nif->name,
                (unsigned long long)((now - e->updated) / US_PER_SEC), e->pending.len);
    }
}
