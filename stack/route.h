/*
 * route.h - the routing table: longest-prefix match over connected routes,
 * static routes and the default gateway (RFC 1812 5.2.4.3, RFC 1122 3.3.1).
 */
#ifndef TS_ROUTE_H
#define TS_ROUTE_H

#include "ts.h"
#include <stdio.h>

#define ROUTE_MAX 16

struct netif;

struct route {
    uint32_t dst;             /* network, host order */
    uint8_t prefix;           /* 0 = default route */
    uint32_t gw;              /* next hop; 0 = directly connected */
    struct netif *nif;
};

/* Add a route; TS_ENOMEM when the table is full, TS_EINVAL for a bad prefix. */
int route_add(uint32_t dst, uint8_t prefix, uint32_t gw, struct netif *nif);
/* Remove every route. */
void route_flush(void);
/* Longest-prefix match for dst: the route, or NULL (ENETUNREACH). */
const struct route *route_lookup(uint32_t dst);
/* The next hop for dst through route r: the gateway, or dst itself. */
uint32_t route_nexthop(const struct route *r, uint32_t dst);
void route_dump(FILE *f);
/* The i-th route or NULL. */
const struct route *route_at(int i);

#endif
