/*
 * stream.c - the TCP sample services, each a poll()-style server written
 * only with the socket-like API:
 *
 *   echo     port 7  (RFC 862)  what arrives goes back; closes after the peer's FIN
 *   discard  port 9  (RFC 863)  what arrives is thrown away
 *   chargen  port 19 (RFC 864)  sends a rotating line of characters as fast as the
 *                               peer takes them; for measuring the send path
 *
 * One listener per service, and a fixed table of connections shared by all
 * three. The handler does a bounded amount of work per call. Flow control is
 * the socket's: a short ts_send() means "the send buffer is full", so the
 * connection stops reading (echo) and waits for POLLOUT before it goes on.
 * The same file builds against the kernel (echo-host) through shim_host.h.
 *
 * Hostile peers: each service holds at most stream_max_conns connections
 * (beyond that newcomers wait in the listen backlog, svc.at_cap), and a
 * connection that moves no byte either way for stream_idle_timeout seconds
 * is closed (svc.idle_closed). With the caps, tapstack sizes its socket table
 * so that these services can never take the sockets the HTTP server needs
 * (stream_sockets_max, docs/limits.md).
 */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STREAM_CAP_LIMIT 1024      /* the most stream_max_conns may be */
#define STREAM_CONN_MAX  (3 * STREAM_CAP_LIMIT)  /* the table: every service at its cap */
#define STREAM_BUF       65536     /* echo: bytes read and not yet sent back (a ring) */
#define STREAM_BATCH     8         /* reads or writes per handler call */

enum service { SVC_ECHO, SVC_DISCARD, SVC_CHARGEN };

struct conn {
    int fd;                        /* -1: free slot */
    enum service svc;
    size_t off, len;               /* echo: pending bytes, len of them from buf[off] (a ring) */
    bool eof;                      /* the peer sent FIN */
    unsigned line;                 /* chargen: where the pattern is */
    char *buf;                     /* STREAM_BUF bytes, taken at accept, given back at close */
    uint64_t last;                 /* ms: when a byte last moved either way (idle timeout) */
};

unsigned short tcp_echo_port = 7, tcp_discard_port = 9, tcp_chargen_port = 19;
unsigned stream_idle_timeout = 60;
unsigned stream_max_conns = 24;
static int listen_fd[3] = { -1, -1, -1 };
static short listen_events[3];
static unsigned nconns[3];                 /* connections open, per service */
static struct conn conns[STREAM_CONN_MAX];
static bool conns_ready;

static const struct app *const service_app[3] = { &tcp_echo_app, &tcp_discard_app,
                                                  &tcp_chargen_app };

unsigned
stream_sockets_max(void)
{
    return 3 + 3 * stream_max_conns;
}

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void
conns_init(void)
{
    if (conns_ready)
        return;
    for (int i = 0; i < STREAM_CONN_MAX; i++)
        conns[i].fd = -1;
    conns_ready = true;
}

static struct conn *
conn_find(int fd)
{
    for (int i = 0; i < STREAM_CONN_MAX; i++) {
        if (conns[i].fd == fd)
            return &conns[i];
    }
    return NULL;
}

/*
 * A listener is watched only while its service can take a connection: below
 * its cap, a free slot in the table, and not resting after a failed accept.
 * Otherwise newcomers wait in the backlog (TCP's own back pressure): a
 * readable listener we cannot serve would spin the loop. Out of descriptors
 * (EMFILE), the listeners rest STREAM_PAUSE_MS, since the descriptors may be
 * another app's and no close of ours would tell us.
 */
#define STREAM_PAUSE_MS 100
#define STREAM_SCAN_MS  250                /* idle connections are looked for this often */
static uint64_t paused_until;              /* ms: no accepts before then */
static unsigned nopen;                     /* connections open, all services */

static void
listeners_update(uint64_t now)
{
    for (int s = 0; s < 3; s++) {
        short ev = nconns[s] < stream_max_conns && nopen < STREAM_CONN_MAX &&
                   now >= paused_until ? POLLIN : 0;

        if (listen_fd[s] >= 0 && ev != listen_events[s]) {
            app_set_events(listen_fd[s], ev);
            listen_events[s] = ev;
        }
    }
}

static void
conn_close(struct conn *c)
{
    app_unwatch(c->fd);
    ts_close(c->fd);
    c->fd = -1;
    free(c->buf);
    c->buf = NULL;
    nconns[c->svc]--;
    nopen--;
    listeners_update(now_ms());                /* room again: take what waits */
}

/* After every loop turn: close what has been idle too long; rest the listeners no longer. */
static void
stream_tick(void)
{
    static uint64_t last_scan;
    uint64_t now = now_ms();

    if (now - last_scan < STREAM_SCAN_MS)
        return;                            /* the three services share this tick */
    last_scan = now;
    for (int i = 0; i < STREAM_CONN_MAX && nopen > 0; i++) {
        struct conn *c = &conns[i];

        if (c->fd >= 0 && now - c->last >= (uint64_t)stream_idle_timeout * 1000u) {
            APP_STAT_INC(svc, idle_closed);
            conn_close(c);
        }
    }
    listeners_update(now);
}

static int
stream_listen(enum service svc, unsigned short port)
{
    struct sockaddr_in me;
    int fd = ts_socket(AF_INET, SOCK_STREAM, 0), one = 1;

    conns_init();
    if (fd < 0)
        return -1;
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_port = htons(port);
    me.sin_addr.s_addr = htonl(INADDR_ANY);       /* every address of the host */
    ts_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ts_bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 || ts_listen(fd, 128) < 0) {
        int e = errno;

        ts_close(fd);
        errno = e;
        return -1;
    }
    listen_fd[svc] = fd;
    listen_events[svc] = POLLIN;
    return app_watch(service_app[svc], fd, POLLIN);
}

/* Take the waiting connections; at the cap, or with the table full, they wait in the backlog. */
static void
stream_accept(enum service svc, int lfd)
{
    uint64_t now = now_ms();

    for (int n = 0; n < STREAM_BATCH; n++) {
        struct conn *c = conn_find(-1);
        int fd;

        if (nconns[svc] >= stream_max_conns || c == NULL)
            break;                                 /* the backlog holds the rest */
        fd = ts_accept(lfd, NULL, NULL);
        if (fd < 0) {
            /* Out of descriptors: rest a moment. EAGAIN: none left. */
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS)
                paused_until = now + STREAM_PAUSE_MS;
            break;
        }
        /* One buffer per connection, for its lifetime: memory follows the connections. */
        c->buf = malloc(STREAM_BUF);
        if (c->buf == NULL) {
            ts_close(fd);
            return;
        }
        c->fd = fd;
        c->svc = svc;
        c->off = c->len = 0;
        c->eof = false;
        c->line = 0;
        c->last = now;
        if (app_watch(service_app[svc], fd, svc == SVC_CHARGEN ? POLLIN | POLLOUT : POLLIN) < 0) {
            ts_close(fd);
            free(c->buf);
            c->buf = NULL;
            c->fd = -1;
            continue;
        }
        nconns[svc]++;
        nopen++;
        if (nconns[svc] == stream_max_conns)
            APP_STAT_INC(svc, at_cap);             /* from now on newcomers wait */
    }
    listeners_update(now);
}

/*
 * Echo: buf is a ring. Read into its free part, send from its filled part,
 * as far as each goes: data keeps flowing both ways, and when the peer stops
 * taking our data the ring fills and we stop reading (backpressure: our
 * receive window closes in turn).
 */
static void
echo_conn(struct conn *c)
{
    for (int n = 0; n < STREAM_BATCH; n++) {
        bool progress = false;

        if (!c->eof && c->len < STREAM_BUF) {
            size_t tail = (c->off + c->len) % STREAM_BUF;
            size_t room = tail >= c->off || c->len == 0 ? STREAM_BUF - tail : c->off - tail;
            ssize_t r = ts_recv(c->fd, c->buf + tail, room, 0);

            if (r == 0)
                c->eof = true;
            else if (r < 0 && errno != EAGAIN) {
                conn_close(c);                     /* reset, timed out ... */
                return;
            } else if (r > 0) {
                c->len += (size_t)r;
                c->last = now_ms();
                progress = true;
            }
        }
        if (c->len > 0) {
            size_t chunk = c->off + c->len <= STREAM_BUF ? c->len : STREAM_BUF - c->off;
            ssize_t w = ts_send(c->fd, c->buf + c->off, chunk, MSG_NOSIGNAL);

            if (w < 0 && errno != EAGAIN) {
                conn_close(c);
                return;
            }
            if (w > 0) {
                c->off = (c->off + (size_t)w) % STREAM_BUF;
                c->len -= (size_t)w;
                c->last = now_ms();
                progress = true;
            }
        }
        if (c->eof && c->len == 0) {
            conn_close(c);                         /* all echoed: our FIN follows theirs */
            return;
        }
        if (!progress)
            break;
    }
    /* Wait for what can move next: room to send, data to read (unless the ring is full). */
    app_set_events(c->fd, (short)((c->len > 0 ? POLLOUT : 0) |
                                  (!c->eof && c->len < STREAM_BUF ? POLLIN : 0)));
}

static void
discard_conn(struct conn *c)
{
    for (int n = 0; n < STREAM_BATCH; n++) {
        ssize_t r = ts_recv(c->fd, c->buf, STREAM_BUF, 0);

        if (r == 0 || (r < 0 && errno != EAGAIN)) {
            conn_close(c);                         /* FIN or error: done */
            return;
        }
        if (r < 0)
            return;
        c->last = now_ms();
    }
}

/* RFC 864: lines of 72 printable characters, each starting one further on. */
static size_t
chargen_fill(struct conn *c)
{
    size_t n = 0;

    while (n + 74 <= STREAM_BUF) {
        for (int i = 0; i < 72; i++)
            c->buf[n++] = (char)(' ' + 1 + (c->line + (unsigned)i) % 94);
        c->buf[n++] = '\r';
        c->buf[n++] = '\n';
        c->line = (c->line + 1) % 94;
    }
    return n;
}

static void
chargen_conn(struct conn *c, short revents)
{
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        ssize_t r = ts_recv(c->fd, c->buf, STREAM_BUF, 0);

        if (r == 0 || (r < 0 && errno != EAGAIN)) {
            conn_close(c);                         /* the reader went away */
            return;
        }
    }
    for (int n = 0; n < STREAM_BATCH; n++) {
        if (c->len == 0) {
            c->off = 0;
            c->len = chargen_fill(c);
        }
        ssize_t w = ts_send(c->fd, c->buf + c->off, c->len, MSG_NOSIGNAL);

        if (w < 0) {
            if (errno != EAGAIN)
                conn_close(c);
            return;                                /* full: POLLOUT brings us back */
        }
        c->off += (size_t)w;
        c->len -= (size_t)w;
        if (w > 0)
            c->last = now_ms();
    }
}

static void
stream_handler(int fd, short revents)
{
    struct conn *c;

    for (int s = 0; s < 3; s++) {
        if (fd == listen_fd[s]) {
            stream_accept((enum service)s, fd);
            return;
        }
    }
    c = conn_find(fd);
    if (c == NULL)
        return;
    switch (c->svc) {
    case SVC_ECHO:
        echo_conn(c);
        break;
    case SVC_DISCARD:
        discard_conn(c);
        break;
    case SVC_CHARGEN:
        chargen_conn(c, revents);
        break;
    }
}

static void
stream_stop(enum service svc)
{
    for (int i = 0; i < STREAM_CONN_MAX; i++) {
        if (conns[i].fd >= 0 && conns[i].svc == svc)
            conn_close(&conns[i]);
    }
    if (listen_fd[svc] >= 0) {
        app_unwatch(listen_fd[svc]);
        ts_close(listen_fd[svc]);
        listen_fd[svc] = -1;
    }
}

static int tcp_echo_start(void) { return stream_listen(SVC_ECHO, tcp_echo_port); }
static int tcp_discard_start(void) { return stream_listen(SVC_DISCARD, tcp_discard_port); }
static int tcp_chargen_start(void) { return stream_listen(SVC_CHARGEN, tcp_chargen_port); }
static void tcp_echo_stop(void) { stream_stop(SVC_ECHO); }
static void tcp_discard_stop(void) { stream_stop(SVC_DISCARD); }
static void tcp_chargen_stop(void) { stream_stop(SVC_CHARGEN); }

const struct app tcp_echo_app = {
    .name = "tcp-echo", .start = tcp_echo_start, .handler = stream_handler,
    .stop = tcp_echo_stop, .tick = stream_tick,
};
const struct app tcp_discard_app = {
    .name = "tcp-discard", .start = tcp_discard_start, .handler = stream_handler,
    .stop = tcp_discard_stop, .tick = stream_tick,
};
const struct app tcp_chargen_app = {
    .name = "tcp-chargen", .start = tcp_chargen_start, .handler = stream_handler,
    .stop = tcp_chargen_stop, .tick = stream_tick,
};
