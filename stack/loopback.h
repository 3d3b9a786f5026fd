/*
 * loopback.h - the `lo` interface: frames sent on it are queued and fed back
 * to netif_input on the next event-loop turn, never by recursion.
 */
#ifndef TS_LOOPBACK_H
#define TS_LOOPBACK_H

#include <stdbool.h>

#define LOOPBACK_QUEUE_MAX 256

struct netif;

/* Create `lo` (MAC 00:00:00:00:00:00, NETIF_LOOPBACK); NULL if no slot. */
struct netif *loopback_create(void);
/* True if frames are waiting to come back in. */
bool loopback_pending(const struct netif *lo);

#endif
