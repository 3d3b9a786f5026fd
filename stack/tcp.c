/*
 * tcp.c - TCP control blocks and the calls the socket layer makes: bind,
 * listen, accept, connect, send, recv, shutdown, close. Also the byte rings
 * that hold each connection's send and receive data, and ISNs (RFC 6528).
 *
 * Memory is bounded: max_pcbs control blocks, each with a send and a receive
 * ring of fixed size, all allocated once in tcp_init.
 * Leaves out (LIMIT): window scaling and timestamps (RFC 7323; windows stay
 * below 64 KiB), urgent data (URG is ignored safely, RFC 9293 3.8.5 lets us),
 * TCP-AO/MD5. SACK is in tcp_sack.c.
 */
#include "tcp_var.h"
#include "ipv4.h"
#include "netif.h"
#include "route.h"
#include "pkb.h"
#include "siphash.h"
#include "stats.h"
#include "trace.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>

static struct tcp_config cfg;
static struct tcp_pcb *pcbs;
static uint8_t *ring_mem;
static uint16_t next_port;
static uint64_t next_born;

#define EPHEMERAL_LO 49152u
#define EPHEMERAL_HI 65535u

const char *
tcp_state_name(enum tcp_state s)
{
    static const char *names[] = {
        "CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
        "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
    };
    return (unsigned)s < ARRAY_LEN(names) ? names[s] : "?";
}

void
tcp_defaults(struct tcp_config *c)
{
    *c = (struct tcp_config){
        .max_pcbs = 128,
        .sndbuf = 65535,
        .rcvbuf = 65535,
        .msl_us = 30 * US_PER_SEC,
        .rto_min_us = 1 * US_PER_SEC,       /* RFC 6298 2.4: SHOULD be 1 s */
        .rto_max_us = 60 * US_PER_SEC,      /* RFC 6298 2.5: MAY cap at >= 60 s */
        .rto_init_us = 1 * US_PER_SEC,      /* RFC 6298 2.1 */
        .syn_retries = 5,
        .data_retries = 8,
        .delack_us = 40 * 1000,                /* RFC 1122 4.2.3.2: MUST be < 0.5 s */
        .ka_idle_us = 7200 * US_PER_SEC,       /* RFC 1122 4.2.3.6: >= 2 hours by default */
        .ka_intvl_us = 75 * US_PER_SEC,
        .ka_count = 9,
        .isn_secret = 0,
        .orphan_timeout_us = 60 * US_PER_SEC,  /* Linux: tcp_fin_timeout, 60 s */
        .max_orphans = 0,                      /* a quarter of the table (tcp_init) */
    };
}

int
tcp_init(const struct tcp_config *c)
{
    tcp_shutdown_all();
    if (c)
        cfg = *c;
    else
        tcp_defaults(&cfg);
    if (cfg.sndbuf > 65535)
        cfg.sndbuf = 65535;
    if (cfg.rcvbuf > 65535)
        cfg.rcvbuf = 65535;     /* no window scaling: one window is at most 65535 */
    /* Orphans may take a quarter of the table by default: the rest stays for the living. */
    if (cfg.max_orphans == 0)
        cfg.max_orphans = cfg.max_pcbs / 4 > 0 ? cfg.max_pcbs / 4 : 1;
    if (cfg.orphan_timeout_us == 0)
        cfg.orphan_timeout_us = 60 * US_PER_SEC;
    pcbs = calloc(cfg.max_pcbs, sizeof(*pcbs));
    ring_mem = calloc(cfg.max_pcbs, (size_t)cfg.sndbuf + cfg.rcvbuf);
    if (pcbs == NULL || ring_mem == NULL) {
        tcp_shutdown_all();
        return TS_ENOMEM;
    }
    if (cfg.isn_secret == 0)
        cfg.isn_secret = ((uint64_t)rand32() << 32) | rand32();
    next_port = (uint16_t)(EPHEMERAL_LO + rand32() % (EPHEMERAL_HI - EPHEMERAL_LO + 1));
    tcp_challenge_reset();
    return TS_OK;
}

void
tcp_shutdown_all(void)
{
    for (unsigned i = 0; pcbs && i < cfg.max_pcbs; i++) {
        if (pcbs[i].in_use)
            tcp_timers_cancel(&pcbs[i]);
    }
    free(pcbs);
    free(ring_mem);
    pcbs = NULL;
    ring_mem = NULL;
}

const struct tcp_config *
tcp_config_get(void)
{
    return &cfg;
}

/* Control blocks ---------------------------------------------------------- */

/*
 * The table is full: give up the TIME-WAIT block closest to its end, as
 * Linux does when its TIME-WAIT table overflows. TIME-WAIT guards against
 * old duplicates of a connection that has already closed cleanly (RFC 9293
 * 3.4.2); cutting it short is a documented trade-off against refusing new
 * connections (LIMIT: counted as tcp.tw_recycled). NULL if there is none.
 */
static struct tcp_pcb *
tcp_recycle_time_wait(void)
{
    struct tcp_pcb *oldest = NULL;

    for (unsigned i = 0; i < cfg.max_pcbs; i++) {
        struct tcp_pcb *p = &pcbs[i];

        if (p->in_use && p->state == TCPS_TIME_WAIT && p->orphan &&
            (oldest == NULL || p->timewait.expires < oldest->timewait.expires))
            oldest = p;
    }
    if (oldest == NULL)
        return NULL;
    STAT_INC(tcp, tw_recycled);
    tcp_pcb_free(oldest);
    return oldest;
}

/* The first free control block, initialised, or NULL. */
static struct tcp_pcb *
tcp_free_slot(void)
{
    for (unsigned i = 0; pcbs && i < cfg.max_pcbs; i++) {
        struct tcp_pcb *pcb = &pcbs[i];
        uint8_t *mem = ring_mem + (size_t)i * (cfg.sndbuf + cfg.rcvbuf);

        if (pcb->in_use)
            continue;
        memset(pcb, 0, sizeof(*pcb));
        pcb->in_use = true;
        pcb->state = TCPS_CLOSED;
        pcb->snd = (struct tcp_ring){ mem, cfg.sndbuf, 0, 0 };
        pcb->rcv = (struct tcp_ring){ mem + cfg.sndbuf, cfg.rcvbuf, 0, 0 };
        pcb->snd_mss = TCP_DEFAULT_MSS;
        pcb->rto_us = cfg.rto_init_us;
        pcb->born = ++next_born;
        tcp_timers_init(pcb);
        return pcb;
    }
    return NULL;
}

struct tcp_pcb *
tcp_pcb_alloc(void)
{
    struct tcp_pcb *pcb = tcp_free_slot();

    if (pcb == NULL && pcbs && tcp_recycle_time_wait() != NULL)
        pcb = tcp_free_slot();
    if (pcb == NULL)
        STAT_INC(tcp, no_pcb);
    return pcb;
}

/* Remove pcb from its listener's accept queue, if it is there. */
static void
tcp_unlink_child(struct tcp_pcb *pcb)
{
    struct tcp_pcb *l = pcb->parent, **pp;

    if (l == NULL)
        return;
    for (pp = &l->accept_head; *pp; pp = &(*pp)->accept_next) {
        if (*pp == pcb) {
            *pp = pcb->accept_next;
            l->n_accept--;
            break;
        }
    }
    l->accept_tail = NULL;
    for (struct tcp_pcb *c = l->accept_head; c; c = c->accept_next)
        l->accept_tail = c;
    if (pcb->state == TCPS_SYN_RECEIVED && l->n_syn_rcvd > 0)
        l->n_syn_rcvd--;
    pcb->parent = NULL;
    pcb->accept_next = NULL;
}

void
tcp_pcb_free(struct tcp_pcb *pcb)
{
    tcp_timers_cancel(pcb);
    tcp_unlink_child(pcb);
    /* A listener takes its unaccepted children with it (RFC 9293 3.10.4: reset them). */
    while (pcb->accept_head) {
        struct tcp_pcb *c = pcb->accept_head;

        pcb->accept_head = c->accept_next;
        c->parent = NULL;
        c->accept_next = NULL;
        tcp_send_rst(c);
        tcp_timers_cancel(c);
        c->in_use = false;
    }
    for (unsigned i = 0; i < cfg.max_pcbs; i++) {
        /* Children still in SYN-RECEIVED point at their parent: detach and drop them. */
        if (pcbs[i].in_use && pcbs[i].parent == pcb) {
            tcp_timers_cancel(&pcbs[i]);
            pcbs[i].in_use = false;
        }
    }
    pcb->in_use = false;
    pcb->state = TCPS_CLOSED;
}

void
tcp_set_state(struct tcp_pcb *pcb, enum tcp_state s)
{
    char a[IP4_STRLEN], b[IP4_STRLEN];

    TRACE_EV("tcp", "%s:%u %s:%u %s -> %s", ip4_str(pcb->local_ip, a), pcb->local_port,
             ip4_str(pcb->remote_ip, b), pcb->remote_port, tcp_state_name(pcb->state),
             tcp_state_name(s));
    if (pcb->state == TCPS_SYN_RECEIVED && pcb->parent && pcb->parent->n_syn_rcvd > 0)
        pcb->parent->n_syn_rcvd--;
    pcb->state = s;
    if (s == TCPS_ESTABLISHED) {
        pcb->synchronized = true;
        /* RFC 6298 5.7: a SYN that timed out means RTO starts data at 3 s at least. */
        if (pcb->syn_timed_out && pcb->rto_us < 3 * US_PER_SEC)
            pcb->rto_us = 3 * US_PER_SEC;
    }
}

/* Rings: a connection's send and receive bytes -------------------------- */

uint32_t
tcp_ring_space(const struct tcp_ring *r)
{
    return r->size - r->len;
}

/* Write n bytes at offset off past the first held byte (off may exceed len: OOO data). */
void
tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *src, uint32_t n)
{
    uint32_t pos = (r->head + off) % r->size;
    uint32_t first = n < r->size - pos ? n : r->size - pos;

    memcpy(r->buf + pos, src, first);
    memcpy(r->buf, src + first, n - first);
}

void
tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *dst, uint32_t n)
{
    uint32_t pos = (r->head + off) % r->size;
    uint32_t first = n < r->size - pos ? n : r->size - pos;

    memcpy(dst, r->buf + pos, first);
    memcpy(dst + first, r->buf, n - first);
}

void
tcp_ring_consume(struct tcp_ring *r, uint32_t n)
{
    if (n > r->len)
        n = r->len;
    r->head = (r->head + n) % r->size;
    r->len -= n;
}

/*
 * The receive window: free space in the receive ring (RFC 9293 3.8.6), but
 * the right edge moves only by at least min(half the buffer, one MSS):
 * receiver-side silly window avoidance (RFC 1122 4.2.3.3). It never shrinks.
 */
uint16_t
tcp_rcv_window(const struct tcp_pcb *pcb)
{
    uint32_t w = tcp_ring_space(&pcb->rcv);
    uint32_t offered = seq_gt(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
    uint32_t step = pcb->rcv.size / 2 < TCP_RCV_MSS ? pcb->rcv.size / 2 : TCP_RCV_MSS;

    if (w > 65535)
        w = 65535;
    if (w > offered && w - offered < step)
        w = offered;                    /* too small a gain to announce */
    return (uint16_t)w;
}

/* ISN (RFC 6528) ---------------------------------------------------------- */

/*
 * RFC 6528 3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
 * M a 4-microsecond timer. In replay and tests the key comes from the seed and
 * M from the virtual clock, so the ISN is a documented function of both.
 */
uint32_t
tcp_isn(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
    uint64_t m0 = ((uint64_t)lip << 32) | rip;
    uint64_t m1 = ((uint64_t)lport << 16) | rport;
    uint32_t f = (uint32_t)siphash24(cfg.isn_secret, ~cfg.isn_secret, m0, m1);

    return (uint32_t)(clock_now() / 4) + f;
}

/* Ports ------------------------------------------------------------------- */

static bool
tcp_port_conflict(const struct tcp_pcb *self, uint32_t ip, uint16_t port, bool reuse)
{
    for (unsigned i = 0; i < cfg.max_pcbs; i++) {
        const struct tcp_pcb *o = &pcbs[i];

        if (!o->in_use || o == self || o->local_port != port || o->parent)
            continue;
        if (o->local_ip != 0 && ip != 0 && o->local_ip != ip)
            continue;
        /* SO_REUSEADDR: a port held only by connections (e.g. TIME-WAIT) may be bound. */
        if (reuse && o->state != TCPS_LISTEN && o->state != TCPS_CLOSED)
            continue;
        return true;
    }
    return false;
}

int
tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port, bool reuse)
{
    if (port == 0) {
        for (unsigned n = 0; n <= EPHEMERAL_HI - EPHEMERAL_LO; n++) {
            uint16_t p = next_port;

            next_port = next_port == EPHEMERAL_HI ? (uint16_t)EPHEMERAL_LO : next_port + 1;
            if (!tcp_port_conflict(pcb, ip, p, false)) {
                port = p;
                break;
            }
        }
        if (port == 0)
            return TS_EADDRINUSE;
    } else if (tcp_port_conflict(pcb, ip, port, reuse)) {
        return TS_EADDRINUSE;
    }
    pcb->local_ip = ip;
    pcb->local_port = port;
    return TS_OK;
}

/* Find the connection for a segment: the exact 4-tuple first, then a
 * listener on the specific address, then one on 0.0.0.0. */
struct tcp_pcb *
tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
    struct tcp_pcb *wild = NULL, *spec = NULL;

    for (unsigned i = 0; pcbs && i < cfg.max_pcbs; i++) {
        struct tcp_pcb *pcb = &pcbs[i];

        if (!pcb->in_use || pcb->local_port != lport)
            continue;
        if (pcb->state == TCPS_LISTEN) {
            if (pcb->local_ip == lip)
                spec = pcb;
            else if (pcb->local_ip == 0)
                wild = pcb;
            continue;
        }
        if (pcb->state != TCPS_CLOSED && pcb->remote_port == rport && pcb->remote_ip == rip &&
            pcb->local_ip == lip)
            return pcb;
    }
    return spec ? spec : wild;
}

/* Free the listener's oldest half-open (SYN-RECEIVED) child; false if it has none. */
bool
tcp_evict_embryo(struct tcp_pcb *l)
{
    struct tcp_pcb *oldest = NULL;

    if (l->n_syn_rcvd == 0)
        return false;
    for (unsigned i = 0; i < cfg.max_pcbs; i++) {
        struct tcp_pcb *c = &pcbs[i];

        if (c->in_use && c->parent == l && c->state == TCPS_SYN_RECEIVED &&
            (oldest == NULL || c->born < oldest->born))
            oldest = c;
    }
    if (oldest == NULL)
        return false;
    STAT_INC(tcp, syn_evicted);
    tcp_pcb_free(oldest);
    return true;
}

/* Socket-facing calls ----------------------------------------------------- */

struct tcp_pcb *
tcp_new(void)
{
    return tcp_pcb_alloc();
}

int
tcp_listen(struct tcp_pcb *pcb, unsigned backlog)
{
    int err;

    if (pcb->state != TCPS_CLOSED && pcb->state != TCPS_LISTEN)
        return TS_EISCONN;
    if (pcb->local_port == 0 && (err = tcp_bind(pcb, 0, 0, false)) != TS_OK)
        return err;
    pcb->backlog = backlog ? backlog : 1;
    if (pcb->state != TCPS_LISTEN)
        tcp_set_state(pcb, TCPS_LISTEN);
    return TS_OK;
}

/* A child of l reached ESTABLISHED: append it to l's accept queue (tcp_accept takes it). */
void
tcp_accept_push(struct tcp_pcb *l, struct tcp_pcb *c)
{
    if (l->accept_tail)
        l->accept_tail->accept_next = c;
    else
        l->accept_head = c;
    l->accept_tail = c;
    l->n_accept++;
}

struct tcp_pcb *
tcp_accept(struct tcp_pcb *l)
{
    struct tcp_pcb *c = l->accept_head;

    if (c == NULL)
        return NULL;
    l->accept_head = c->accept_next;
    if (l->accept_head == NULL)
        l->accept_tail = NULL;
    l->n_accept--;
    c->accept_next = NULL;
    c->parent = NULL;
    return c;
}

int
tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port)
{
    const struct route *r = route_lookup(ip);
    int err;

    if (pcb->state == TCPS_SYN_SENT)
        return TS_EALREADY;
    if (pcb->state != TCPS_CLOSED)
        return TS_EISCONN;
    if (r == NULL)
        return TS_ENOROUTE;
    if (pcb->local_ip == 0)
        pcb->local_ip = ipv4_source_for(ip);
    pcb->remote_ip = ip;
    pcb->remote_port = port;
    if (pcb->local_port == 0 && (err = tcp_bind(pcb, pcb->local_ip, 0, false)) != TS_OK)
        return err;
    /* RFC 9293 3.10.1: pick an ISS, send SYN, enter SYN-SENT. */
    pcb->iss = tcp_isn(pcb->local_ip, pcb->local_port, ip, port);
    pcb->snd_una = pcb->iss;
    pcb->snd_nxt = pcb->iss;
    tcp_set_state(pcb, TCPS_SYN_SENT);
    tcp_send_syn(pcb);
    return TS_EINPROGRESS;
}

long
tcp_send(struct tcp_pcb *pcb, const void *buf, size_t len)
{
    uint32_t room, n, unsent_off;

    if (pcb->error)
        return tcp_take_error(pcb);
    switch (pcb->state) {
    case TCPS_ESTABLISHED:
    case TCPS_CLOSE_WAIT:
        break;
    case TCPS_SYN_SENT:
    case TCPS_SYN_RECEIVED:
        return TS_EAGAIN;           /* RFC 9293 3.10.2: queue until established */
    case TCPS_CLOSED:
    case TCPS_LISTEN:
        return TS_ENOTCONN;
    default:
        return TS_EPIPE;            /* RFC 9293 3.10.2: "connection closing" */
    }
    if (pcb->fin_queued)
        return TS_EPIPE;
    room = tcp_ring_space(&pcb->snd);
    if (room == 0)
        return TS_EAGAIN;
    n = len < room ? (uint32_t)len : room;
    unsent_off = pcb->snd.len;
    tcp_ring_write_at(&pcb->snd, unsent_off, buf, n);
    pcb->snd.len += n;
    tcp_output(pcb);
    return (long)n;
}

long
tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len)
{
    uint32_t n;

    if (pcb->rcv.len == 0) {
        if (pcb->error)
            return tcp_take_error(pcb);
        if (pcb->fin_rcvd || (pcb->state == TCPS_CLOSED && pcb->synchronized))
            return 0;               /* end of stream */
        if (pcb->state == TCPS_LISTEN || pcb->state == TCPS_SYN_SENT ||
            pcb->state == TCPS_CLOSED)
            return TS_ENOTCONN;
        return TS_EAGAIN;
    }
    n = len < pcb->rcv.len ? (uint32_t)len : pcb->rcv.len;
    tcp_ring_read_at(&pcb->rcv, 0, buf, n);
    tcp_ring_consume(&pcb->rcv, n);
    /* Announce the window reading opened, once it moves enough (RFC 1122 4.2.3.3). */
    if (pcb->state == TCPS_ESTABLISHED || pcb->state == TCPS_FIN_WAIT_1 ||
        pcb->state == TCPS_FIN_WAIT_2) {
        uint32_t offered = seq_gt(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;

        /* It goes at the end of this turn of the loop, unless data the app sends now
         * carries it first (an echo would otherwise send the same ACK twice). */
        if (tcp_rcv_window(pcb) > offered && !pcb->wnd_update_due) {
            pcb->wnd_update_due = true;
            timer_arm(&pcb->delack, 0);
        }
    }
    return (long)n;
}

long
tcp_peek(const struct tcp_pcb *pcb, void *buf, size_t len)
{
    uint32_t n = len < pcb->rcv.len ? (uint32_t)len : pcb->rcv.len;

    if (n == 0)
        return pcb->fin_rcvd || pcb->state == TCPS_CLOSED ? 0 : TS_EAGAIN;
    tcp_ring_read_at(&pcb->rcv, 0, buf, n);
    return (long)n;
}

int
tcp_shutdown(struct tcp_pcb *pcb, bool rd, bool wr)
{
    (void)rd;                       /* reads after SHUT_RD just see end of stream */
    if (pcb->state == TCPS_LISTEN || pcb->state == TCPS_CLOSED || pcb->state == TCPS_SYN_SENT)
        return TS_ENOTCONN;
    if (wr && !pcb->fin_queued &&
        (pcb->state == TCPS_ESTABLISHED || pcb->state == TCPS_CLOSE_WAIT ||
         pcb->state == TCPS_SYN_RECEIVED)) {
        /* RFC 9293 3.10.4: FIN after all queued data. */
        pcb->fin_queued = true;
        tcp_output(pcb);
    }
    return TS_OK;
}

/*
 * Past the cap on orphans, reset the oldest (Linux: tcp_max_orphans), so that
 * connections the apps have given up on cannot take the table from live ones.
 */
static void
tcp_orphans_cap(void)
{
    while (tcp_orphan_count() > cfg.max_orphans) {
        struct tcp_pcb *oldest = NULL;

        for (unsigned i = 0; i < cfg.max_pcbs; i++) {
            struct tcp_pcb *p = &pcbs[i];

            if (p->in_use && p->orphan && p->state != TCPS_TIME_WAIT &&
                p->state != TCPS_CLOSED &&
                (oldest == NULL || p->orphan_order < oldest->orphan_order))
                oldest = p;
        }
        STAT_INC(tcp, orphan_overflow);
        TRACE_EV("tcp", "port %u: more than %u orphans: the oldest is reset", oldest->local_port,
                 cfg.max_orphans);
        tcp_abort(oldest);
    }
}

void
tcp_close(struct tcp_pcb *pcb)
{
    pcb->orphan = true;
    switch (pcb->state) {
    case TCPS_CLOSED:
    case TCPS_LISTEN:
    case TCPS_SYN_SENT:
        tcp_pcb_free(pcb);          /* RFC 9293 3.10.4: delete the TCB */
        return;
    default:
        break;
    }
    if (pcb->rcv.len > 0) {
        /* RFC 1122 4.2.2.13: closing with unread data sends RST. */
        STAT_INC(tcp, rst_unread);
        tcp_abort(pcb);
        return;
    }
    if (pcb->state == TCPS_TIME_WAIT)
        return;                     /* TIME-WAIT ends by itself (2 MSL) */
    if (pcb->state != TCPS_CLOSING && pcb->state != TCPS_LAST_ACK &&
        pcb->state != TCPS_FIN_WAIT_1 && pcb->state != TCPS_FIN_WAIT_2)
        tcp_shutdown(pcb, true, true);
    /* TCP frees it when done; until then it must make progress, and orphans are few. */
    tcp_orphan_start(pcb);
    tcp_orphans_cap();
}

void
tcp_abort(struct tcp_pcb *pcb)
{
    if (pcb->state != TCPS_CLOSED && pcb->state != TCPS_LISTEN && pcb->state != TCPS_SYN_SENT &&
        pcb->state != TCPS_TIME_WAIT)
        tcp_send_rst(pcb);
    tcp_pcb_free(pcb);
}

short
tcp_poll_events(const struct tcp_pcb *pcb)
{
    short ev = 0;

    if (pcb->state == TCPS_LISTEN)
        return pcb->accept_head ? POLLIN : 0;
    if (pcb->rcv.len > 0 || pcb->fin_rcvd)
        ev |= POLLIN;
    if ((pcb->state == TCPS_ESTABLISHED || pcb->state == TCPS_CLOSE_WAIT) && !pcb->fin_queued &&
        tcp_ring_space(&pcb->snd) > 0)
        ev |= POLLOUT;
    if (pcb->error)
        ev |= POLLERR;
    if (pcb->state == TCPS_CLOSED || (pcb->fin_rcvd && pcb->fin_sent))
        ev |= POLLHUP;
    if (pcb->state == TCPS_CLOSED)
        ev |= POLLIN;               /* reads return the error or end of stream */
    return ev;
}

void
tcp_set_nodelay(struct tcp_pcb *pcb, bool on)
{
    pcb->nodelay = on;
    if (on)
        tcp_output(pcb);                /* what Nagle held back may go now */
}

void
tcp_set_keepalive(struct tcp_pcb *pcb, bool on)
{
    pcb->keepalive = on;
    tcp_keepalive_reset(pcb);
}

int
tcp_take_error(struct tcp_pcb *pcb)
{
    int e = pcb->error;

    pcb->error = 0;
    return e;
}

/* Inspection -------------------------------------------------------------- */

unsigned
tcp_count(enum tcp_state s)
{
    unsigned n = 0;

    for (unsigned i = 0; pcbs && i < cfg.max_pcbs; i++) {
        if (pcbs[i].in_use && (s == TCPS_CLOSED || pcbs[i].state == s))
            n++;
    }
    return n;
}

unsigned
tcp_orphan_count(void)
{
    unsigned n = 0;

    for (unsigned i = 0; pcbs && i < cfg.max_pcbs; i++) {
        if (pcbs[i].in_use && pcbs[i].orphan && pcbs[i].state != TCPS_TIME_WAIT &&
            pcbs[i].state != TCPS_CLOSED)
            n++;
    }
    return n;
}

const struct tcp_pcb *
tcp_pcb_at(unsigned i)
{
    return pcbs && i < cfg.max_pcbs && pcbs[i].in_use ? &pcbs[i] : NULL;
}

void
tcp_dump(FILE *f)
{
    char a[IP4_STRLEN], b[IP4_STRLEN];

    for (unsigned i = 0; pcbs && i < cfg.max_pcbs; i++) {
        const struct tcp_pcb *p = &pcbs[i];

        if (!p->in_use)
            continue;
        fprintf(f, "%s:%u %s:%u %s snd_una %u snd_nxt %u snd_wnd %u rcv_nxt %u rcv_wnd %u "
                   "sndq %u rcvq %u rto %ums\n",
                ip4_str(p->local_ip, a), p->local_port, ip4_str(p->remote_ip, b), p->remote_port,
                tcp_state_name(p->state), p->snd_una - p->iss, p->snd_nxt - p->iss, p->snd_wnd,
                p->rcv_nxt - p->irs, tcp_rcv_window(p), p->snd.len, p->rcv.len,
                p->rto_us / 1000);
    }
}
