/*
 * netif.h - network interfaces: name, MAC, IPv4 address/prefix, MTU, driver.
 *
 * A driver (tap, loopback, capture, pcapfile) fills in struct netif_ops and
 * calls netif_input() for every frame it receives; the stack calls
 * netif_output() for every frame it sends, which hands it to ops->xmit.
 * Both points number the frame for the trace and copy it to the pcap capture.
 */
#ifndef TS_NETIF_H
#define TS_NETIF_H

#include "ts.h"

#define NETIF_MAX       4
#define NETIF_NAMELEN   16

#define NETIF_LOOPBACK  0x1     /* no ARP; frames come back on the next loop turn */

struct netif;
struct pkb;

struct netif_ops {
    /* Send one frame (data/len is the whole Ethernet frame). Owns p. */
    int (*xmit)(struct netif *nif, struct pkb *p);
    /* Read up to `budget` frames, each passed to netif_input(); returns how many. */
    int (*rx)(struct netif *nif, int budget);
    /* Release the driver's resources. */
    void (*close)(struct netif *nif);
    /* Virtual clock only: when the next frame is due (replay), UINT64_MAX if none. */
    uint64_t (*next_time)(struct netif *nif);
};

struct netif {
    char name[NETIF_NAMELEN];
    uint8_t mac[6];
    uint32_t addr;            /* host order; 0 = none */
    uint8_t prefix;           /* netmask length */
    uint16_t mtu;             /* largest IPv4 datagram */
    unsigned flags;
    int fd;                   /* for poll(); -1 if the driver has none */
    const struct netif_ops *ops;
    void *drv;                /* the driver's own state */
    struct impair *impair;    /* --impair on this interface, NULL when off */
};

/* Register an interface; returns it, or NULL if NETIF_MAX are in use. */
struct netif *netif_add(const char *name, const uint8_t mac[6], unsigned flags,
                        const struct netif_ops *ops, void *drv, int fd);
void netif_set_addr(struct netif *nif, uint32_t addr, uint8_t prefix);
/* Remove all interfaces (calls ops->close). */
void netif_remove_all(void);

/* The i-th interface, or NULL past the last one (for loops). */
struct netif *netif_at(int i);
/* Interface that owns IPv4 address `ip`, or NULL. */
struct netif *netif_by_addr(uint32_t ip);
/* True if `ip` is the directed broadcast of nif's subnet or 255.255.255.255. */
bool netif_is_bcast(const struct netif *nif, uint32_t ip);

/* From the driver: a received frame, p->data/len the whole frame. Owns p. */
void netif_input(struct netif *nif, struct pkb *p);
/* To the driver: a frame ready to go. Owns p. */
int netif_output(struct netif *nif, struct pkb *p);
/* The halves behind the impairment stage: up to ether_input / down to the driver. Own p. */
void netif_deliver(struct netif *nif, struct pkb *p);
int netif_xmit(struct netif *nif, struct pkb *p);

/* Copy every frame in/out to this hook (the pcap capture). dir: '<' in, '>' out. */
typedef void (*netif_capture_fn)(const struct netif *nif, const uint8_t *frame, size_t len,
                                 char dir);
void netif_set_capture(netif_capture_fn fn);

#endif
