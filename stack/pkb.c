/*
 * pkb.c - the packet buffer pool (see pkb.h for the ownership rule).
 *
 * A free list over an array allocated once. Nothing here allocates after
 * pkb_pool_init(), so memory is bounded by the pool size chosen at start.
 */
#include "pkb.h"
#include "stats.h"

#include <stdlib.h>
#include <string.h>
#include <assert.h>

static struct pkb *pool;
static struct pkb *free_list;
static size_t pool_size;
static size_t used;

int
pkb_pool_init(size_t count)
{
    pkb_pool_free();
    pool = calloc(count, sizeof(*pool));
    if (pool == NULL)
        return TS_ENOMEM;
    pool_size = count;
    for (size_t i = count; i-- > 0;) {
        pool[i].next = free_list;
        free_list = &pool[i];
    }
    return TS_OK;
}

void
pkb_pool_free(void)
{
    free(pool);
    pool = NULL;
    free_list = NULL;
    pool_size = 0;
    used = 0;
}

void
pkb_reset(struct pkb *p)
{
    p->data = p->buf + PKB_HEADROOM;
    p->len = 0;
    p->nh = NULL;
}

struct pkb *
pkb_alloc(void)
{
    struct pkb *p = free_list;

    if (p == NULL) {
        STAT_INC(pkb, alloc_fail);
        return NULL;
    }
    free_list = p->next;
    p->next = NULL;
    p->nif = NULL;
    p->frame_no = 0;
    p->l2_bcast = false;
    p->in_use = true;
    pkb_reset(p);
    used++;
    return p;
}

void
pkb_free(struct pkb *p)
{
    if (p == NULL)
        return;
    assert(p->in_use);          /* a double free is a programmer error */
    p->in_use = false;
    p->next = free_list;
    free_list = p;
    used--;
}

struct pkb *
pkb_clone(const struct pkb *p)
{
    struct pkb *c = pkb_alloc();

    if (c == NULL)
        return NULL;
    c->data = c->buf + (p->data - p->buf);
    c->len = p->len;
    memcpy(c->data, p->data, p->len);
    if (p->nh)
        c->nh = c->buf + (p->nh - p->buf);
    if (p->nh && p->nh < p->data)
        memcpy(c->nh, p->nh, (size_t)(p->data - p->nh));
    c->nif = p->nif;
    c->frame_no = p->frame_no;
    return c;
}

uint8_t *
pkb_pull(struct pkb *p, size_t n)
{
    uint8_t *old = p->data;

    if (p->len < n)
        return NULL;
    p->data += n;
    p->len -= n;
    return old;
}

uint8_t *
pkb_push(struct pkb *p, size_t n)
{
    if ((size_t)(p->data - p->buf) < n)
        return NULL;
    p->data -= n;
    p->len += n;
    return p->data;
}

uint8_t *
pkb_put(struct pkb *p, size_t n)
{
    size_t tail = (size_t)(p->data - p->buf) + p->len;
    uint8_t *t = p->data + p->len;

    if (PKB_BUFSZ - tail < n)
        return NULL;
    p->len += n;
    return t;
}

void
pkb_trim(struct pkb *p, size_t len)
{
    if (len < p->len)
        p->len = len;
}

size_t
pkb_in_use(void)
{
    return used;
}

size_t
pkb_total(void)
{
    return pool_size;
}

void
pkb_enqueue(struct pkb_queue *q, struct pkb *p)
{
    p->next = NULL;
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->len++;
}

struct pkb *
pkb_dequeue(struct pkb_queue *q)
{
    struct pkb *p = q->head;

    if (p == NULL)
        return NULL;
    q->head = p->next;
    if (q->head == NULL)
        q->tail = NULL;
    q->len--;
    p->next = NULL;
    return p;
}

void
pkb_queue_purge(struct pkb_queue *q)
{
    struct pkb *p;

    while ((p = pkb_dequeue(q)) != NULL)
        pkb_free(p);
}
