/*
 * capture.c - the unit-test driver: a ring of copies of sent frames.
 * When the ring is full the oldest frame is overwritten (tests pop often).
 */
#include "capture.h"
#include "../stack/netif.h"
#include "../stack/pkb.h"

#include <string.h>

static struct {
    uint8_t data[PKB_DATA_MAX];
    size_t len;
} ring[CAPTURE_MAX_FRAMES];
static size_t head, count;

static int
capture_xmit(struct netif *nif, struct pkb *p)
{
    size_t slot = (head + count) % CAPTURE_MAX_FRAMES;
    size_t n = p->len < PKB_DATA_MAX ? p->len : PKB_DATA_MAX;

    (void)nif;
    if (count == CAPTURE_MAX_FRAMES) {
        head = (head + 1) % CAPTURE_MAX_FRAMES;
        count--;
    }
    memcpy(ring[slot].data, p->data, n);
    ring[slot].len = n;
    count++;
    pkb_free(p);
    return TS_OK;
}

static int
capture_rx(struct netif *nif, int budget)
{
    (void)nif;
    (void)budget;
    return 0;
}

static const struct netif_ops capture_ops = {
    .xmit = capture_xmit,
    .rx = capture_rx,
    .close = NULL,
};

struct netif *
capture_create(const char *name, const uint8_t mac[6])
{
    capture_clear();
    return netif_add(name, mac, 0, &capture_ops, NULL, -1);
}

void
capture_inject(struct netif *nif, const uint8_t *frame, size_t len)
{
    struct pkb *p = pkb_alloc();
    uint8_t *b;

    if (p == NULL)
        return;
    if (len > PKB_DATA_MAX)
        len = PKB_DATA_MAX;
    b = pkb_put(p, len);
    memcpy(b, frame, len);
    netif_input(nif, p);
}

size_t
capture_count(void)
{
    return count;
}

size_t
capture_pop(uint8_t *buf, size_t cap)
{
    size_t n;

    if (count == 0)
        return 0;
    n = ring[head].len < cap ? ring[head].len : cap;
    memcpy(buf, ring[head].data, n);
    head = (head + 1) % CAPTURE_MAX_FRAMES;
    count--;
    return n;
}

void
capture_clear(void)
{
    head = 0;
    count = 0;
}
