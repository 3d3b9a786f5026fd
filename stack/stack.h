/*
 * stack.h - bringing the stack up and turning its event loop.
 *
 * One turn of the loop (stack_poll): poll() the drivers' descriptors with the
 * timeout set by the next timer, read a bounded batch of frames from each
 * ready driver and process each to completion, run due timers, feed the
 * loopback queue back in. Nothing else in the stack blocks.
 */
#ifndef TS_STACK_H
#define TS_STACK_H

#include "ts.h"
#include "arp.h"
#include "icmp.h"
#include "socket.h"
#include "tcp.h"

struct netif;

struct stack_config {
    size_t pkb_count;         /* packet buffers in the pool (default 1024) */
    int rx_batch;             /* frames read per driver per turn (default 32) */
    bool virtual_clock;       /* unit tests and replay */
    uint64_t seed;            /* seeds ISNs, ports, IP IDs (0: from the clock) */
    struct arp_config arp;    /* zero fields take ARP's defaults */
    struct icmp_config icmp;  /* zero fields take ICMP's defaults */
    struct socket_config sock; /* zero fields take the socket layer's defaults */
    struct tcp_config tcp;    /* stack_defaults fills it (tcp_defaults) */
};

/* Fill cfg with every default: the stack's own and each module's (arp_defaults,
 * icmp_defaults, socket_defaults, tcp_defaults). Apps start from these. */
void stack_defaults(struct stack_config *cfg);
/* Allocate pools and the socket table, register protocols (ICMP, UDP),
 * create `lo` 127.0.0.1/8. TS_OK or TS_ENOMEM. */
int stack_init(const struct stack_config *cfg);
/* Free everything (sockets, pools, ARP cache, interfaces); safe to call stack_init again after. */
void stack_shutdown(void);

/*
 * Add an Ethernet interface with address/prefix: also installs its connected
 * route and a host route for its own address through `lo`.
 */
int stack_add_interface(struct netif *nif, uint32_t addr, uint8_t prefix);

/*
 * One loop turn, waiting at most timeout_ms (-1 = until a timer or frame).
 * Returns TS_OK, TS_EIO (poll() failed), or STACK_INTR when a signal cut the
 * wait short (the turn still ran). Apps call ts_poll (socket.h), which turns
 * it until one of their descriptors is ready.
 */
int stack_poll(int timeout_ms);
#define STACK_INTR 1

/* Virtual clock: the absolute time of the next timer or replayed frame (UINT64_MAX: none). */
uint64_t stack_next_event(void);

/* The loopback interface. */
struct netif *stack_loopback(void);
/* True if a turn has work without waiting (frames queued on `lo` to come back in). */
bool stack_has_work(void);

#endif
