/*
 * loopback.c - the stack's own interface `lo`. xmit puts the frame on a bounded queue;
 * rx (called by the event loop each turn) feeds back the frames that were
 * queued before it started, so a reply to a reply waits for the next turn.
 */
#include "loopback.h"
#include "netif.h"
#include "pkb.h"
#include "stats.h"

static struct pkb_queue queue;

static int
loopback_xmit(struct netif *nif, struct pkb *p)
{
    (void)nif;
    if (queue.len >= LOOPBACK_QUEUE_MAX) {
        STAT_INC(loop, queue_full);
        pkb_free(p);
        return TS_ENOMEM;
    }
    STAT_INC(loop, queued);
    pkb_enqueue(&queue, p);
    return TS_OK;
}

static int
loopback_rx(struct netif *nif, int budget)
{
    size_t n = queue.len;
    int done = 0;

    /* Only what was queued before this call: frames sent in reply wait a turn. */
    while (n-- > 0 && done < budget) {
        struct pkb *p = pkb_dequeue(&queue);

        p->frame_no = 0;                  /* arrives as a new frame */
        netif_input(nif, p);
        done++;
    }
    return done;
}

static void
loopback_close(struct netif *nif)
{
    (void)nif;
    pkb_queue_purge(&queue);
}

static const struct netif_ops loopback_ops = {
    .xmit = loopback_xmit,
    .rx = loopback_rx,
    .close = loopback_close,
};

struct netif *
loopback_create(void)
{
    static const uint8_t zero[6];
    struct netif *nif = netif_add("lo", zero, NETIF_LOOPBACK, &loopback_ops, NULL, -1);

    if (nif)
        nif->mtu = 1500;
    return nif;
}

bool
loopback_pending(const struct netif *lo)
{
    (void)lo;
    return queue.len > 0;
}
