/*
 * pkb.h - packet buffers: one contiguous buffer per frame from a fixed pool.
 *
 * Each buffer has headroom in front so that udp -> ipv4 -> ether can push
 * their headers without copying. The pool is allocated once at start and
 * never grows: running out is a counted drop (pkb.alloc_fail), not a crash.
 *
 * OWNERSHIP: a function that receives a struct pkb * owns it. It must free it
 * (pkb_free) or pass it on to another function that takes ownership, on every
 * path. Functions that only look at a packet take a const struct pkb *.
 */
#ifndef TS_PKB_H
#define TS_PKB_H

#include "ts.h"

#define PKB_HEADROOM  128               /* room for ether + ipv4 + tcp headers */
#define PKB_DATA_MAX  2048              /* largest frame the buffer holds */
#define PKB_BUFSZ     (PKB_HEADROOM + PKB_DATA_MAX)

struct netif;

struct pkb {
    struct pkb *next;         /* for the queue that currently holds it */
    struct netif *nif;        /* interface it arrived on / leaves by */
    uint8_t *data;            /* first byte of the current layer */
    size_t len;               /* bytes from data to the end of the packet */
    uint8_t *nh;              /* the IPv4 header once ipv4_input has seen it */
    uint64_t frame_no;        /* trace number, given on arrival or departure */
    bool l2_bcast;            /* arrived in a link-layer broadcast frame (RFC 1122 3.3.6) */
    bool in_use;              /* catches double frees */
    uint8_t buf[PKB_BUFSZ];
};

/* Allocate the pool of `count` buffers once; returns TS_ENOMEM on failure. */
int pkb_pool_init(size_t count);
void pkb_pool_free(void);

/* Take a buffer: data at the headroom mark, len 0. NULL when the pool is empty. */
struct pkb *pkb_alloc(void);
/* Return a buffer to the pool (NULL is ignored). */
void pkb_free(struct pkb *p);
/* A copy of p (data only), or NULL when the pool is empty. */
struct pkb *pkb_clone(const struct pkb *p);

/* Consume n bytes at the front; returns the old data pointer, NULL if len < n. */
uint8_t *pkb_pull(struct pkb *p, size_t n);
/* Grow the front by n bytes of headroom; returns the new data pointer or NULL. */
uint8_t *pkb_push(struct pkb *p, size_t n);
/* Append n bytes at the tail; returns a pointer to them or NULL if no room. */
uint8_t *pkb_put(struct pkb *p, size_t n);
/* Cut the packet to len bytes (len <= p->len), e.g. dropping Ethernet padding. */
void pkb_trim(struct pkb *p, size_t len);
/* Reset to empty with data at the headroom mark. */
void pkb_reset(struct pkb *p);

/* Pool counters for stats and the tests' leak checks. */
size_t pkb_in_use(void);
size_t pkb_total(void);

/* A FIFO of packets, bounded by its owner. */
struct pkb_queue {
    struct pkb *head, *tail;
    size_t len;
};
void pkb_enqueue(struct pkb_queue *q, struct pkb *p);
struct pkb *pkb_dequeue(struct pkb_queue *q);
void pkb_queue_purge(struct pkb_queue *q);

#endif
