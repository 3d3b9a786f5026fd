/*
 * route.c - a small routing table searched linearly for the longest prefix.
 * Sixteen entries and a loop read better than a trie; a router lab may swap
 * it for one (LAB(route_lookup)).
 */
#include "route.h"
#include "netif.h"

static struct route table[ROUTE_MAX];
static int nroutes;

int
route_add(uint32_t dst, uint8_t prefix, uint32_t gw, struct netif *nif)
{
    if (prefix > 32 || nif == NULL)
        return TS_EINVAL;
    if (nroutes >= ROUTE_MAX)
        return TS_ENOMEM;
    table[nroutes].dst = dst & prefix_mask(prefix);
    table[nroutes].prefix = prefix;
    table[nroutes].gw = gw;
    table[nroutes].nif = nif;
    nroutes++;
    return TS_OK;
}

void
route_flush(void)
{
    nroutes = 0;
}

const struct route *
route_lookup(uint32_t dst)
{
    const struct route *best = NULL;

    for (int i = 0; i < nroutes; i++) {
        const struct route *r = &table[i];

        if ((dst & prefix_mask(r->prefix)) != r->dst)
            continue;
        /* Longest prefix wins; among equals the first added. */
        if (best == NULL || r->prefix > best->prefix)
            best = r;
    }
    return best;
}

uint32_t
route_nexthop(const struct route *r, uint32_t dst)
{
    return r->gw ? r->gw : dst;
}

const struct route *
route_at(int i)
{
    return i >= 0 && i < nroutes ? &table[i] : NULL;
}

void
route_dump(FILE *f)
{
    char d[IP4_STRLEN], g[IP4_STRLEN];

    for (int i = 0; i < nroutes; i++) {
        fprintf(f, "%s/%u via %s dev %s\n", ip4_str(table[i].dst, d), table[i].prefix,
                table[i].gw ? ip4_str(table[i].gw, g) : "direct", table[i].nif->name);
    }
}
