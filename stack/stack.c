/*
 * stack.c - start-up, shut-down and the event loop turn (docs/architecture.md
 * "The event loop"). The loop owns time: it refreshes the clock, waits in poll()
 * no longer than the next timer, and runs timers after the frames.
 */
#include "stack.h"
#include "netif.h"
#include "pkb.h"
#include "ether.h"
#include "arp.h"
#include "ipv4.h"
#include "icmp.h"
#include "udp.h"
#include "socket.h"
#include "route.h"
#include "tcp.h"
#include "impair.h"
#include "clock.h"
#include "stats.h"
#include "loopback.h"

#include <errno.h>
#include <poll.h>
#include <time.h>

#define PKB_COUNT_DEFAULT 1024           /* packet buffers: 2.2 MiB */
#define RX_BATCH_DEFAULT 32              /* frames per driver per turn */

static struct stack_config cfg;
static struct netif *lo;

/* The one home of the defaults: the stack's own here, each module's from its X_defaults(). */
void
stack_defaults(struct stack_config *c)
{
    *c = (struct stack_config){
        .pkb_count = PKB_COUNT_DEFAULT,
        .rx_batch = RX_BATCH_DEFAULT,
        .virtual_clock = false,
        .seed = 0,
    };
    arp_defaults(&c->arp);
    icmp_defaults(&c->icmp);
    socket_defaults(&c->sock);
    tcp_defaults(&c->tcp);
}

int
stack_init(const struct stack_config *c)
{
    struct timespec ts;

    if (c)
        cfg = *c;
    else
        stack_defaults(&cfg);
    clock_use_virtual(cfg.virtual_clock);
    clock_refresh();
    clock_gettime(CLOCK_REALTIME, &ts);
    rand_seed(cfg.seed ? cfg.seed : (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20));
    stats_reset();
    if (pkb_pool_init(cfg.pkb_count ? cfg.pkb_count : PKB_COUNT_DEFAULT) != TS_OK)
        return TS_ENOMEM;
    if (arp_init(&cfg.arp) != TS_OK)
        return TS_ENOMEM;
    if (socket_init(&cfg.sock) != 0)
        return TS_ENOMEM;
    icmp_init(&cfg.icmp);
    ipv4_init();
    udp_init();
    route_flush();
    ipv4_register(IPPROTO_ICMP_, icmp_input);
    ipv4_register(IPPROTO_UDP_, udp_input);
    icmp_register_err(IPPROTO_UDP_, udp_icmp_error);
    if (tcp_init(&cfg.tcp) != TS_OK)
        return TS_ENOMEM;
    ipv4_register(IPPROTO_TCP_, tcp_input);
    icmp_register_err(IPPROTO_TCP_, tcp_icmp_error);
    /* RFC 1122 3.2.1.3: 127/8 is internal host loopback. */
    lo = loopback_create();
    if (lo == NULL)
        return TS_ENOMEM;
    netif_set_addr(lo, IP4(127, 0, 0, 1), 8);
    route_add(IP4(127, 0, 0, 0), 8, 0, lo);
    return TS_OK;
}

void
stack_shutdown(void)
{
    socket_shutdown();                    /* frees the datagrams still queued on sockets */
    tcp_shutdown_all();
    impair_detach_all();
    arp_shutdown();
    netif_remove_all();
    route_flush();
    lo = NULL;
    pkb_pool_free();
}

struct netif *
stack_loopback(void)
{
    return lo;
}

bool
stack_has_work(void)
{
    return loopback_pending(lo);
}

int
stack_add_interface(struct netif *nif, uint32_t addr, uint8_t prefix)
{
    int err;

    if (prefix > 32)
        return TS_EINVAL;
    netif_set_addr(nif, addr, prefix);
    err = route_add(addr, prefix, 0, nif);            /* connected route */
    if (err == TS_OK && lo)
        err = route_add(addr, 32, 0, lo);             /* our own address: via lo */
    return err;
}

/*
 * Virtual clock: move time to the earliest of the next timer, the next frame a
 * replay driver holds, and now + timeout_ms (timeout_ms < 0: no limit). Timers
 * due on the way fire at their own times (clock_advance_to).
 */
uint64_t
stack_next_event(void)
{
    uint64_t next = timer_next_delay(), t = UINT64_MAX;

    if (next != UINT64_MAX)
        t = clock_now() + next;
    for (int i = 0; netif_at(i); i++) {
        struct netif *nif = netif_at(i);
        uint64_t f;

        if (nif->ops->next_time && (f = nif->ops->next_time(nif)) < t)
            t = f;
    }
    return t;
}

static void
stack_virtual_wait(int timeout_ms)
{
    uint64_t now = clock_now(), t;

    if (timeout_ms == 0)
        return;
    t = stack_next_event();
    if (timeout_ms > 0 && now + (uint64_t)timeout_ms * US_PER_MS < t)
        t = now + (uint64_t)timeout_ms * US_PER_MS;
    if (t != UINT64_MAX && t > now)
        clock_advance_to(t);
}

int
stack_poll(int timeout_ms)
{
    struct pollfd fds[NETIF_MAX];
    struct netif *owner[NETIF_MAX];
    uint64_t next;
    int nfds = 0, n;
    bool interrupted;

    clock_refresh();
    for (int i = 0; netif_at(i); i++) {
        struct netif *nif = netif_at(i);

        if (nif->fd >= 0) {
            fds[nfds].fd = nif->fd;
            fds[nfds].events = POLLIN;
            fds[nfds].revents = 0;
            owner[nfds++] = nif;
        }
    }
    /* Wait no longer than the next timer, and not at all if loopback has work. */
    next = timer_next_delay();
    if (next != UINT64_MAX) {
        uint64_t ms = (next + 999) / 1000;

        if (timeout_ms < 0 || ms < (uint64_t)timeout_ms)
            timeout_ms = (int)ms;
    }
    if (stack_has_work())
        timeout_ms = 0;
    if (cfg.virtual_clock) {
        /* Virtual time: jump to the next event instead of sleeping. */
        stack_virtual_wait(timeout_ms);
        timeout_ms = 0;
    }
    n = poll(fds, (nfds_t)nfds, timeout_ms);
    if (n < 0 && errno != EINTR)
        return TS_EIO;
    interrupted = n < 0;
    clock_refresh();
    for (int i = 0; n > 0 && i < nfds; i++) {
        if (fds[i].revents & (POLLIN | POLLERR | POLLHUP))
            owner[i]->ops->rx(owner[i], cfg.rx_batch);
    }
    /* Drivers without a descriptor (replay) deliver what is due now. */
    for (int i = 0; netif_at(i); i++) {
        struct netif *nif = netif_at(i);

        if (nif->fd < 0 && nif->ops->next_time)
            nif->ops->rx(nif, cfg.rx_batch);
    }
    timer_run_due();
    /* Loopback frames sent during this turn come back in now (no recursion). */
    if (lo)
        lo->ops->rx(lo, cfg.rx_batch);
    return interrupted ? STACK_INTR : TS_OK;
}
