/*
 * arp.h - the Address Resolution Protocol for IPv4 over Ethernet (RFC 826),
 * with a bounded cache, a bounded queue of packets waiting for resolution,
 * retries, and gratuitous announcements (RFC 5227 3).
 *
 * The cache takes what peers say the way Linux does with arp_accept=0: an
 * entry is created only by a request for our address (or by our own need to
 * send); replies and packets for others only update entries that exist;
 * senders that are not on-link are never cached; a MAC that just changed is
 * locked for `locktime_us`; a full cache never gives up a route's next hop.
 */
#ifndef TS_ARP_H
#define TS_ARP_H

#include "ts.h"
#include <stdio.h>

#define ARP_PKT_LEN     28
#define ARP_HRD_ETHER   1
#define ARP_OP_REQUEST  1
#define ARP_OP_REPLY    2

struct netif;
struct pkb;

struct arp_pkt {
    uint16_t hrd;             /* hardware type: 1 = Ethernet */
    uint16_t pro;             /* protocol type: 0x0800 = IPv4 */
    uint8_t hln;              /* 6 */
    uint8_t pln;              /* 4 */
    uint16_t op;
    uint8_t sha[6];           /* sender hardware address */
    uint32_t spa;             /* sender protocol address */
    uint8_t tha[6];           /* target hardware address */
    uint32_t tpa;             /* target protocol address */
};

/* One cache entry as the inspection views see it (arp_at): a copy, not the entry itself. */
struct arp_entry_view {
    uint32_t ip;
    uint8_t mac[6];           /* meaningful only when reachable */
    bool reachable;           /* false: incomplete, requests are going out */
    const struct netif *nif;
    uint64_t updated;         /* clock_now() when the mapping was last confirmed */
    size_t waiting;           /* packets waiting for the MAC */
};

struct arp_config {
    unsigned cache_size;      /* entries (default 64) */
    unsigned pending_max;     /* packets waiting per unresolved address (default 4) */
    uint64_t reachable_us;    /* how long a learned entry lives (default 60 s) */
    uint64_t retry_us;        /* time between requests (default 1 s) */
    unsigned retries;         /* requests before giving up (default 3) */
    uint64_t locktime_us;     /* a MAC that changed is not changed again so soon (default 1 s) */
};

/* Parse an ARP packet: TS_ETRUNC if short; the meaning is checked by arp_input. */
int arp_parse(const uint8_t *b, size_t n, struct arp_pkt *a);
void arp_emit(uint8_t *b, const struct arp_pkt *a);

/* Fill cfg with ARP's defaults (stack_defaults collects them). */
void arp_defaults(struct arp_config *cfg);
/* Set up the cache; NULL means the defaults. Returns TS_ENOMEM on failure. */
int arp_init(const struct arp_config *cfg);
/* Empty the cache, freeing every waiting packet (also on shutdown). */
void arp_flush(void);
void arp_shutdown(void);

/* From ether_input, Ethernet header already pulled. Owns p. */
void arp_input(struct netif *nif, struct pkb *p);

/*
 * Find the MAC for `ip` on nif.
 *   returns 1: mac[] filled; the caller keeps p and sends it.
 *   returns 0: unresolved; p now waits in the pending queue (ARP owns it)
 *              and a request went out. It is sent when the reply comes.
 *   (When the queue is full the oldest waiting packet is dropped and counted:
 *   RFC 1122 2.3.2.2 asks to keep the latest. When the cache is full of entries
 *   that may not go, p is dropped and counted as arp.cache_full_refused.)
 */
int arp_resolve(struct netif *nif, uint32_t ip, struct pkb *p, uint8_t mac[6]);

/* Announce our address with a gratuitous ARP request (RFC 5227 3). */
void arp_announce(struct netif *nif);

/* For tests and the inspection view: 1 and mac[] if `ip` is resolved. */
int arp_lookup(uint32_t ip, uint8_t mac[6]);
/* How many entries are in use, and how many packets are waiting in all. */
unsigned arp_count(void);
unsigned arp_pending_count(void);
void arp_dump(FILE *f);
/* The i-th entry in use (in cache order) copied into *v: true, or false past the last. */
bool arp_at(unsigned i, struct arp_entry_view *v);

#endif
