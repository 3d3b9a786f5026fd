/*
 * netif.c - the interface table and the two doors of the stack:
 * netif_input() (driver -> ether_input) and netif_output() (stack -> driver).
 *
 * LAB(hooks): a router lab adds PREROUTING/POSTROUTING-like taps here.
 */
#include "netif.h"
#include "pkb.h"
#include "ether.h"
#include "impair.h"
#include "stats.h"
#include "trace.h"

#include <string.h>
#include <stdio.h>

static struct netif ifs[NETIF_MAX];
static int nifs;
static netif_capture_fn capture_fn;

struct netif *
netif_add(const char *name, const uint8_t mac[6], unsigned flags,
          const struct netif_ops *ops, void *drv, int fd)
{
    struct netif *nif;

    if (nifs >= NETIF_MAX)
        return NULL;
    nif = &ifs[nifs++];
    memset(nif, 0, sizeof(*nif));
    snprintf(nif->name, sizeof(nif->name), "%s", name);
    memcpy(nif->mac, mac, 6);
    nif->flags = flags;
    nif->mtu = 1500;
    nif->ops = ops;
    nif->drv = drv;
    nif->fd = fd;
    return nif;
}

void
netif_set_addr(struct netif *nif, uint32_t addr, uint8_t prefix)
{
    nif->addr = addr;
    nif->prefix = prefix;
}

void
netif_remove_all(void)
{
    for (int i = 0; i < nifs; i++) {
        if (ifs[i].ops && ifs[i].ops->close)
            ifs[i].ops->close(&ifs[i]);
    }
    nifs = 0;
}

struct netif *
netif_at(int i)
{
    return i >= 0 && i < nifs ? &ifs[i] : NULL;
}

struct netif *
netif_by_addr(uint32_t ip)
{
    for (int i = 0; i < nifs; i++) {
        if (ifs[i].addr != 0 && ifs[i].addr == ip)
            return &ifs[i];
    }
    return NULL;
}

bool
netif_is_bcast(const struct netif *nif, uint32_t ip)
{
    uint32_t mask = prefix_mask(nif->prefix);

    if (ip == 0xffffffffu)
        return true;
    /* Directed broadcast of the attached subnet (RFC 1122 3.3.6). */
    return nif->addr != 0 && nif->prefix < 31 && ip == ((nif->addr & mask) | ~mask);
}

void
netif_set_capture(netif_capture_fn fn)
{
    capture_fn = fn;
}

void
netif_input(struct netif *nif, struct pkb *p)
{
    p->nif = nif;
    trace_number(p);
    STAT_INC(netif, rx);
    /* As it arrived on the wire (a loopback frame was captured once, leaving). */
    if (capture_fn && !(nif->flags & NETIF_LOOPBACK))
        capture_fn(nif, p->data, p->len, '<');
    if (nif->impair && impair_input(nif, p))
        return;                                     /* dropped, or held for later */
    netif_deliver(nif, p);
}

void
netif_deliver(struct netif *nif, struct pkb *p)
{
    ether_input(nif, p);
}

int
netif_output(struct netif *nif, struct pkb *p)
{
    p->nif = nif;
    trace_number(p);
    if (nif->impair && impair_output(nif, p))
        return TS_OK;                               /* dropped, or held for later */
    return netif_xmit(nif, p);
}

int
netif_xmit(struct netif *nif, struct pkb *p)
{
    int err;

    if (capture_fn)
        capture_fn(nif, p->data, p->len, '>');      /* as it leaves for the wire */
    err = nif->ops->xmit(nif, p);
    if (err < 0)
        STAT_INC(netif, tx_err);
    else
        STAT_INC(netif, tx);
    return err;
}
