/*
 * http.c - a small HTTP/1.1 server (RFC 9110, RFC 9112): GET and HEAD of the
 * static files under a document root, and GET /status, the stack's live
 * state (status_page.c). Written only with the socket-like API as an app of
 * app.h, so the same file runs on tapstack and, built with -DTS_HOST, on the
 * Linux kernel (http-host, apps/httphost.c).
 *
 * One listening socket and at most http_max_conns connections, each with
 * fixed memory: a request buffer of HTTP_HEAD_MAX bytes, an output buffer and
 * the file being sent, read chunk by chunk as the socket takes it (POLLOUT).
 * Requests are parsed by http_parse.c and answered in order (pipelining);
 * connections persist per RFC 9112 9.3. Files come only from beneath the
 * root: http_path.c maps the path and opens it with openat2 RESOLVE_BENEATH.
 * Left out on purpose: request content (413), Range and conditional requests
 * (a full 200 is always allowed), directory listings, chunked responses, TLS,
 * HTTP/2.
 */
#define _GNU_SOURCE                         /* memfd_create */
#include "http.h"
#include "http_parse.h"
#include "http_path.h"
#ifndef TS_HOST
#include "status_page.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef HTTP_ROOT_DEFAULT
#define HTTP_ROOT_DEFAULT "apps/www"        /* the Makefile passes the absolute path */
#endif

/*
 * Policies, decided here once:
 *   full      at http_max_conns the listener is not polled: newcomers wait in the backlog,
 *             except that a connection that has waited HTTP_EVICT_IDLE_MS for a request
 *             (none, or half of one, received) is closed to make room, oldest first. Out of
 *             descriptors (EMFILE): the same; a file that cannot be opened for that is 503.
 *   timeouts  http_idle_timeout s between requests, and again for a request head to arrive
 *             whole (then 408); a response that makes no progress for as long is abandoned.
 *   min rate  a connection that has been sending for a whole window of http_min_rate_window
 *             s must have sent http_min_rate bytes a second over it, or it is reset
 *             (http.slow_closed): a reader that takes a trickle cannot keep a slot. When all
 *             slots are full and none is idle, the connection furthest behind that rate over
 *             the last HTTP_EVICT_RATE_SECS is reset for a newcomer (http.slow_evicted).
 *   /status   only for clients inside http_status_allow (tapstack: its own subnet and
 *             loopback unless --status-allow says otherwise); others get the 404 of any
 *             missing file (http.status_denied).
 *   content   none is taken: GET/HEAD with Content-Length > 0 or Transfer-Encoding is 413,
 *             unread, then close (http_parse.c).
 *   errors    every status from the parser closes the connection after the response; 404,
 *             301 and 503 keep it, and so do the path's 400, 404 and 414 (http_path.c): the
 *             request was framed, only its path refused. Closing is FIN first, then reading
 *             until the peer's FIN (at most HTTP_LINGER_MS), so that no RST destroys the
 *             response in flight.
 */
#define HTTP_OUT_MAX        16384           /* output buffer: the head, then file chunks */
#define HTTP_BACKLOG        128             /* ts_listen backlog: the waiting room when full */
#define HTTP_ACCEPT_BATCH   16              /* connections accepted per call */
#define HTTP_REQ_BATCH      16              /* responses begun per call (pipelining) */
#define HTTP_SEND_BUDGET    (256 * 1024)    /* bytes sent per call: let the others run */
#define HTTP_LINGER_MS      2000            /* after our FIN: wait this long for the peer's */
#define HTTP_LINGER_BYTES   65536           /* and discard at most this much meanwhile */
#define HTTP_EVICT_IDLE_MS  1000            /* when full: idle this long makes room */
#define HTTP_ACCEPT_PAUSE_MS 100            /* accept failed (EMFILE...): rest the listener */
#define HTTP_CONN_LIMIT     1024            /* the most http_max_conns may be */
#define HTTP_STATUS_MAX     (256 * 1024)    /* /status page, rendered once per request */
#define HTTP_RATE_SECS      60              /* the longest window http_min_rate_window may be */
#define HTTP_RATE_SCAN_MS   100             /* the rates are judged this often */
#define HTTP_EVICT_RATE_SECS 2              /* "behind" for eviction: over this many seconds */
#define HTTP_ALLOW_MAX      16              /* networks in http_status_allow */

unsigned short http_port = 80;
const char *http_root = HTTP_ROOT_DEFAULT;
unsigned http_idle_timeout = 10;
unsigned http_max_conns = 48;
unsigned http_min_rate = 1024;
unsigned http_min_rate_window = 10;

enum conn_state {
    CONN_FREE,
    CONN_READ,                /* waiting for or reading a request head */
    CONN_SEND,                /* sending a response: out[], then the body file */
    CONN_LINGER,              /* done and our side shut: read and discard until the peer's FIN */
};

struct http_conn {
    enum conn_state state;
    int fd;
    uint64_t since;           /* ms: when it entered this state (eviction picks the oldest) */
    uint64_t deadline;        /* ms: the timeout of this state */
    char in[HTTP_HEAD_MAX];   /* received, not yet parsed: at most one head (plus pipelined) */
    size_t inlen;
    bool in_eof;              /* the peer shut its side: answer what is here, then close */
    bool parse_due;           /* in[] changed so that a head may be complete */
    bool close_after;         /* close once this response is out */
    char out[HTTP_OUT_MAX];   /* being sent: out[outoff..outlen) */
    size_t outoff, outlen;
    int body_fd;              /* the file still being sent, -1 if none */
    uint64_t body_left;       /* its bytes not yet in out[] */
    size_t lingered;          /* bytes discarded while lingering */
    uint32_t peer;            /* the client's address, host order (/status is for some only) */
    /* The last seconds of sending, one entry per second: bytes sent, ms spent in CONN_SEND */
    struct rate_sec {
        uint64_t sec;
        uint32_t bytes, send_ms;
    } rate[HTTP_RATE_SECS + 1];
    uint64_t rate_mark;       /* ms: send time is accounted up to here */
    int64_t behind;           /* bytes short of http_min_rate over the window (> 0: behind) */
};

struct allow_net {
    uint32_t net, mask;       /* host order */
};

static struct http_conn *conns;
static unsigned nconns;
static int listen_fd = -1;
static short listen_events;
static uint64_t accept_paused_until;  /* ms: the listener is not polled before then */
static int root_fd = -1;
#ifndef TS_HOST
static char *status_page;     /* HTTP_STATUS_MAX bytes, allocated once at start */
#endif
static struct http_req req;   /* the request being answered (handlers do not nest) */
static struct allow_net status_allow[HTTP_ALLOW_MAX];
static unsigned nstatus_allow;

static uint64_t
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* RFC 9110 5.6.7: IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (C locale names). */
static void
http_date_of(time_t t, char *buf, size_t cap)
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static const char *
http_date_now(void)
{
    static char buf[40];
    static time_t last = -1;
    time_t t = time(NULL);

    if (t != last) {
        http_date_of(t, buf, sizeof(buf));
        last = t;
    }
    return buf;
}

/* Content-Type by extension (RFC 9110 8.3); anything unknown is a stream of bytes. */
static const char *
content_type(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        { "html", "text/html; charset=utf-8" },   { "htm", "text/html; charset=utf-8" },
        { "css", "text/css; charset=utf-8" },     { "js", "text/javascript; charset=utf-8" },
        { "txt", "text/plain; charset=utf-8" },   { "md", "text/markdown; charset=utf-8" },
        { "c", "text/plain; charset=utf-8" },     { "h", "text/plain; charset=utf-8" },
        { "json", "application/json" },           { "xml", "application/xml" },
        { "svg", "image/svg+xml" },               { "png", "image/png" },
        { "jpg", "image/jpeg" },                  { "jpeg", "image/jpeg" },
        { "gif", "image/gif" },                   { "webp", "image/webp" },
        { "ico", "image/vnd.microsoft.icon" },    { "pdf", "application/pdf" },
        { "wasm", "application/wasm" },           { "woff2", "font/woff2" },
        { "pcap", "application/vnd.tcpdump.pcap" }, { "gz", "application/gzip" },
    };
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');

    if (dot == NULL)
        return "application/octet-stream";
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcasecmp(dot + 1, types[i].ext) == 0)
            return types[i].type;
    }
    return "application/octet-stream";
}

/* Connections: the table and the listener --------------------------------- */

static struct http_conn *
conn_find(int fd)
{
    for (unsigned i = 0; i < nconns; i++) {
        if (conns[i].state != CONN_FREE && conns[i].fd == fd)
            return &conns[i];
    }
    return NULL;
}

static struct http_conn *
conn_free_slot(void)
{
    for (unsigned i = 0; i < nconns; i++) {
        if (conns[i].state == CONN_FREE)
            return &conns[i];
    }
    return NULL;
}

/*
 * The connection to close for a newcomer: the one that has waited longest for
 * a request, if for HTTP_EVICT_IDLE_MS at least; else the response furthest
 * behind http_min_rate (as judged by the last rate_judge), if any is behind.
 */
static struct http_conn *
conn_evictable(uint64_t now)
{
    struct http_conn *best = NULL, *slow = NULL;

    for (unsigned i = 0; i < nconns; i++) {
        struct http_conn *c = &conns[i];

        if (c->state == CONN_READ && now - c->since >= HTTP_EVICT_IDLE_MS &&
            (best == NULL || c->since < best->since))
            best = c;
        if (c->state == CONN_SEND && c->behind > 0 && (slow == NULL || c->behind > slow->behind))
            slow = c;
    }
    return best ? best : slow;
}


/*
 * Poll the listener only while a connection can be taken: a free slot, or
 * one idle long enough to make room. Otherwise new connections wait in the
 * backlog (and beyond it TCP drops their SYNs), which is TCP's own back
 * pressure, instead of being accepted only to be refused.
 */
static void
listener_update(uint64_t now)
{
    short ev = (now >= accept_paused_until && (conn_free_slot() || conn_evictable(now))) ?
               POLLIN : 0;

    if (listen_fd >= 0 && ev != listen_events) {
        app_set_events(listen_fd, ev);
        listen_events = ev;
    }
}

static void
conn_close(struct http_conn *c)
{
    if (c->state == CONN_FREE)
        return;
    app_unwatch(c->fd);
    ts_close(c->fd);
    if (c->body_fd >= 0)
        close(c->body_fd);
    c->body_fd = -1;
    c->fd = -1;
    c->state = CONN_FREE;
}

/*
 * A response too slow to finish: reset the connection (SO_LINGER 0 s) rather
 * than queue a FIN behind data its reader is not taking: the slot, the
 * descriptor and the stack's control block with its buffers are free at once.
 */
static void
conn_abort(struct http_conn *c)
{
    struct linger lg = { 1, 0 };

    ts_setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    conn_close(c);
}

/* Close c to make room for a newcomer, counted by why it could go. */
static void
conn_evict(struct http_conn *c)
{
    if (c->state == CONN_SEND) {
        APP_STAT_INC(http, slow_evicted);
        conn_abort(c);
    } else {
        APP_STAT_INC(http, idle_evicted);
        conn_close(c);
    }
}

/* Waiting for the next request: the idle timeout runs from now. */
static void
conn_enter_read(struct http_conn *c, uint64_t now)
{
    c->state = CONN_READ;
    c->since = now;
    c->deadline = now + (uint64_t)http_idle_timeout * 1000u;
    c->close_after = false;
    c->outoff = c->outlen = 0;
}

static void
conn_update_events(struct http_conn *c)
{
    bool can_read = !c->in_eof && c->inlen < sizeof(c->in);
    short ev = 0;

    switch (c->state) {
    case CONN_READ:
        ev = can_read ? POLLIN : 0;
        if (c->parse_due && c->inlen > 0)
            ev |= POLLOUT;                  /* pipelined requests left over: come back soon */
        break;
    case CONN_SEND:
        ev = POLLOUT | (can_read ? POLLIN : 0);
        break;
    case CONN_LINGER:
        ev = POLLIN;
        break;
    case CONN_FREE:
        return;
    }
    app_set_events(c->fd, ev);
}

/* The minimum rate -------------------------------------------------------- */

/* The entry of second t/1000 (ms), emptied first if it still holds an older second. */
static struct rate_sec *
rate_at(struct http_conn *c, uint64_t t)
{
    uint64_t sec = t / 1000u;
    struct rate_sec *r = &c->rate[sec % (HTTP_RATE_SECS + 1)];

    if (r->sec != sec) {
        r->sec = sec;
        r->bytes = r->send_ms = 0;
    }
    return r;
}

/* The time since rate_mark, spent in the state c is in now, goes to the seconds it covers. */
static void
rate_account(struct http_conn *c, uint64_t now)
{
    uint64_t t = c->rate_mark;

    if (c->state == CONN_SEND) {
        if (now - t > HTTP_RATE_SECS * 1000u)
            t = now - HTTP_RATE_SECS * 1000u;
        while (t < now) {
            uint64_t end = (t / 1000u + 1) * 1000u;

            if (end > now)
                end = now;
            rate_at(c, t)->send_ms += (uint32_t)(end - t);
            t = end;
        }
    }
    c->rate_mark = now;
}

/*
 * Over the last `secs` seconds (this one included): how far behind
 * http_min_rate the connection is, in bytes, counting only the time it had a
 * response to send. *busy_ms gets that time.
 */
static int64_t
rate_behind(struct http_conn *c, uint64_t now, unsigned secs, uint64_t *busy_ms)
{
    uint64_t sec = now / 1000u, bytes = 0, ms = 0;

    for (unsigned i = 0; i < secs && i <= sec; i++) {
        const struct rate_sec *r = &c->rate[(sec - i) % (HTTP_RATE_SECS + 1)];

        if (r->sec == sec - i) {
            bytes += r->bytes;
            ms += r->send_ms;
        }
    }
    *busy_ms = ms;
    return (int64_t)((uint64_t)http_min_rate * ms / 1000u) - (int64_t)bytes;
}

/*
 * A connection sending for (nearly) the whole window, yet below the rate over
 * it, is closed. The others keep how far behind the rate they are over the
 * last HTTP_EVICT_RATE_SECS, for conn_evictable: a short horizon, so that a
 * trickle is seen behind soon after the burst that filled its send buffer,
 * while the window, for closing, forgives a stall of a few seconds.
 */
static void
rate_judge(struct http_conn *c, uint64_t now)
{
    unsigned horizon = http_min_rate_window < HTTP_EVICT_RATE_SECS ? http_min_rate_window :
                       HTTP_EVICT_RATE_SECS;
    uint64_t busy;

    rate_account(c, now);
    c->behind = 0;
    if (http_min_rate == 0 || c->state != CONN_SEND)
        return;
    if (rate_behind(c, now, http_min_rate_window, &busy) > 0 &&
        busy >= (uint64_t)(http_min_rate_window - 1) * 1000u) {
        APP_STAT_INC(http, slow_closed);
        conn_abort(c);
        return;
    }
    c->behind = rate_behind(c, now, horizon, &busy);
    if (busy < 1000u)
        c->behind = 0;                      /* too soon to say: not a victim yet */
}

/* /status: who may read it ------------------------------------------------ */

int
http_status_allow(uint32_t net, unsigned prefix)
{
    uint32_t mask = prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);

    if (nstatus_allow == HTTP_ALLOW_MAX) {
        errno = ENOSPC;
        return -1;
    }
    status_allow[nstatus_allow].net = net & mask;
    status_allow[nstatus_allow].mask = mask;
    nstatus_allow++;
    return 0;
}

static bool
status_allowed(uint32_t peer)
{
#ifdef TS_HOST
    (void)peer;
    return true;                            /* http-host's /status is a 404 note anyway */
#endif
    for (unsigned i = 0; i < nstatus_allow; i++) {
        if ((peer & status_allow[i].mask) == status_allow[i].net)
            return true;
    }
    return false;
}

/* Responses ---------------------------------------------------------------- */

/* Append to out[]; false (and nothing appended) if it does not fit. */
static bool __attribute__((format(printf, 2, 3)))
out_add(struct http_conn *c, const char *fmt, ...)
{
    size_t room = sizeof(c->out) - c->outlen;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(c->out + c->outlen, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= room) {
        c->out[c->outlen] = '\0';
        return false;
    }
    c->outlen += (size_t)n;
    return true;
}

/*
 * The status line and the fields every response has. RFC 9110 6.6.1: an
 * origin server with a clock MUST send Date. RFC 9112 9.6: "close" when we
 * will close; RFC 9112 9.3 (C.2.2): "keep-alive" to an HTTP/1.0 client that
 * asked for it.
 */
static void
head_start(struct http_conn *c, int status, unsigned version)
{
    c->outoff = c->outlen = 0;
    out_add(c, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: tapstack\r\n", status, http_reason(status),
            http_date_now());
    if (c->close_after)
        out_add(c, "Connection: close\r\n");
    else if (version == 10)
        out_add(c, "Connection: keep-alive\r\n");
}

static const char *
error_text(int status)
{
    switch (status) {
    case 400: return "The request could not be understood: its syntax is wrong, or the path "
                     "is not allowed (dot-segments, encoded slashes, backslashes, control "
                     "bytes, invalid UTF-8).";
    case 403: return "The file exists but may not be read.";
    case 404: return "There is no such file here.";
    case 405: return "This server answers GET and HEAD only.";
    case 408: return "The request did not arrive in time.";
    case 413: return "This server takes no request content (no body on GET or HEAD).";
    case 414: return "The request line or the path is longer than this server reads.";
    case 431: return "The request header section is longer than this server reads.";
    case 501: return "This server does not know that method.";
    case 503: return "The server is out of resources for a moment: try again.";
    case 505: return "This server speaks HTTP/1.0 and HTTP/1.1.";
    default:  return "The server could not answer.";
    }
}

/*
 * An error (or the host build's /status note): a small HTML page. 405 carries
 * Allow (RFC 9110 15.5.6 MUST); a HEAD gets the fields without the content
 * (RFC 9110 9.3.2). `note` replaces the standard text when not NULL. The
 * request's version and method come from req (a timeout has none: 1.1, GET).
 */
static void
respond_error_to(struct http_conn *c, int status, const char *note, unsigned version,
                 bool head_only)
{
    char body[1024];
    int n;

    n = snprintf(body, sizeof(body),
                 "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 "<title>%d %s</title></head>\n<body><h1>%d %s</h1>\n<p>%s</p>\n"
                 "<hr><p>tapstack</p></body></html>\n",
                 status, http_reason(status), status, http_reason(status),
                 note ? note : error_text(status));
    if (n < 0 || (size_t)n >= sizeof(body))
        n = 0;
    head_start(c, status, version);
    if (status == 405)
        out_add(c, "Allow: GET, HEAD\r\n");
    if (status == 503)
        out_add(c, "Retry-After: 1\r\n");
    out_add(c, "Content-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n", n);
    if (!head_only && !out_add(c, "%s", body))
        c->close_after = true;              /* cannot happen: the body is < 1 KiB */
    c->state = CONN_SEND;
}

static void
respond_error(struct http_conn *c, int status, const char *note)
{
    respond_error_to(c, status, note, req.version, req.method == HTTP_HEAD);
}

/* 301 to the directory's URL with its slash (RFC 9110 15.4.2), the path percent-encoded. */
static void
respond_redirect(struct http_conn *c, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    static char loc[3 * HTTP_PATH_MAX + 2];
    size_t j = 0;

    for (const unsigned char *p = (const unsigned char *)path; *p && j + 4 < sizeof(loc); p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("-._~/!$&'()*+,;=:@", *p)) {
            loc[j++] = (char)*p;
        } else {
            loc[j++] = '%';
            loc[j++] = hex[*p >> 4];
            loc[j++] = hex[*p & 15];
        }
    }
    loc[j++] = '/';
    loc[j] = '\0';
    head_start(c, 301, req.version);
    if (!out_add(c, "Location: %s\r\nContent-Length: 0\r\n\r\n", loc)) {
        c->close_after = true;
        respond_error(c, 414, NULL);
        return;
    }
    c->state = CONN_SEND;
}

/*
 * Move the next chunk of the body file into out[] (after what is there).
 * false: the file ended early or failed; the promised Content-Length cannot
 * be kept, so the connection must be closed.
 */
static bool
body_fill(struct http_conn *c)
{
    size_t room, want;
    ssize_t n;

    if (c->outoff == c->outlen)
        c->outoff = c->outlen = 0;
    room = sizeof(c->out) - c->outlen;
    want = c->body_left < room ? (size_t)c->body_left : room;
    if (want == 0)
        return true;
    do {
        n = read(c->body_fd, c->out + c->outlen, want);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return false;                       /* shrank under us, or an I/O error */
    c->outlen += (size_t)n;
    c->body_left -= (uint64_t)n;
    if (c->body_left == 0) {
        close(c->body_fd);
        c->body_fd = -1;
    }
    return true;
}

/* 200 with the file open in fd, size bytes: the head, then (unless HEAD) the body. */
static void
respond_body_fd(struct http_conn *c, int fd, uint64_t size, const char *type, time_t mtime,
                const char *extra)
{
    char lm[40];

    head_start(c, 200, req.version);
    out_add(c, "Content-Type: %s\r\nContent-Length: %llu\r\n", type, (unsigned long long)size);
    if (mtime) {
        http_date_of(mtime, lm, sizeof(lm));
        out_add(c, "Last-Modified: %s\r\n", lm);
    }
    out_add(c, "%s\r\n", extra ? extra : "");
    c->state = CONN_SEND;
    if (req.method == HTTP_HEAD || size == 0) {
        close(fd);
        return;
    }
    c->body_fd = fd;
    c->body_left = size;
    if (!body_fill(c))                      /* the first chunk goes out with the head */
        c->close_after = true;
}

/*
 * A file beneath the root (apps/http_path.c): the request's path mapped to a
 * relative one (merged slashes; 400, 404 or 414 if refused), then opened with
 * openat2 and RESOLVE_BENEATH, so neither the path nor a symlink in the root
 * leads out of it. /status is answered in its place (respond).
 */
static void
respond_file(struct http_conn *c, const char *rel)
{
    static char canon[HTTP_PATH_MAX + 1];
    const char *name = rel;
    size_t n = strlen(rel);
    struct stat st;
    int fd;

    if (root_fd < 0) {
        respond_error(c, 404, NULL);
        return;
    }
    fd = http_path_open(root_fd, rel, &st);
    if (fd >= 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        if (rel[n - 1] != '/' && strcmp(rel, ".") != 0) {
            /* to the merged path: "//dir" must not become "//dir/", another host's URL */
            snprintf(canon, sizeof(canon), "/%s", rel);
            respond_redirect(c, canon);
            return;
        }
        fd = http_path_open_index(root_fd, rel, &st);   /* LIMIT: no index.html, no listing */
        name = "index.html";
    }
    if (fd < 0) {
        respond_error(c, http_path_error_status(errno), NULL);
        return;
    }
    if (!S_ISREG(st.st_mode)) {             /* devices, FIFOs, sockets are never served */
        close(fd);
        respond_error(c, 404, NULL);
        return;
    }
    respond_body_fd(c, fd, (uint64_t)st.st_size, content_type(name), st.st_mtime, NULL);
}

#ifdef TS_HOST
static void
respond_status(struct http_conn *c)
{
    respond_error(c, 404, "This is http-host: the same server on the Linux kernel, whose state "
                          "has its own views: <code>ss -tan</code>, <code>ip neigh</code>, "
                          "<code>ip route</code>, <code>nstat -a</code>. tapstack serves its "
                          "own here.");
}
#else
/*
 * /status: the page is rendered into status_page, then handed to an
 * anonymous in-memory file and sent like any file: a snapshot per request,
 * streamed under flow control, with no buffer held per connection.
 */
static void
respond_status(struct http_conn *c)
{
    char v[16], extra[64] = "Cache-Control: no-store\r\n";
    bool text = http_query_get(req.query, "format", v, sizeof(v)) && strcmp(v, "text") == 0;
    size_t n = status_page_render(status_page, HTTP_STATUS_MAX, !text);
    size_t done = 0;
    int fd;

    if (n >= HTTP_STATUS_MAX)
        n = HTTP_STATUS_MAX - 1;            /* cut short: still a snapshot, just the top */
    if (http_query_get(req.query, "refresh", v, sizeof(v))) {
        int secs = atoi(v);

        if (secs >= 1 && secs <= 3600)      /* "Refresh": not standard, every browser knows it */
            snprintf(extra, sizeof(extra), "Cache-Control: no-store\r\nRefresh: %d\r\n", secs);
    }
    fd = memfd_create("tapstack-status", MFD_CLOEXEC);
    while (fd >= 0 && done < n) {
        ssize_t w = write(fd, status_page + done, n - done);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            fd = -1;
            break;
        }
        done += (size_t)w;
    }
    if (fd < 0 || lseek(fd, 0, SEEK_SET) != 0) {
        if (fd >= 0)
            close(fd);
        respond_error(c, 500, "The status page could not be prepared.");
        return;
    }
    respond_body_fd(c, fd, n, text ? "text/plain; charset=utf-8" : "text/html; charset=utf-8", 0,
                    extra);
}
#endif

/* Send what is ready; 1 the response is out, 0 wait for POLLOUT, -1 closed. */
static int
conn_send(struct http_conn *c, uint64_t now)
{
    size_t budget = HTTP_SEND_BUDGET;

    for (;;) {
        ssize_t n;

        if (c->outoff == c->outlen) {
            if (c->body_fd < 0)
                return 1;
            if (!body_fill(c)) {
                conn_close(c);              /* the file shrank: the length we sent is a lie */
                return -1;
            }
        }
        /* MSG_NOSIGNAL: a peer gone away is EPIPE here, not a SIGPIPE for the process */
        n = ts_send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ENOBUFS)
                return 0;                   /* the send buffer is full: flow control */
            conn_close(c);                  /* EPIPE, ECONNRESET: the peer is gone */
            return -1;
        }
        c->outoff += (size_t)n;
        rate_at(c, now)->bytes += (uint32_t)n;
        c->deadline = now + (uint64_t)http_idle_timeout * 1000u;
        if ((size_t)n >= budget)
            return 0;                       /* POLLOUT brings us back after the others */
        budget -= (size_t)n;
    }
}

/* The last response is out and we close: FIN first, then read until the peer's FIN. */
static void
conn_linger(struct http_conn *c, uint64_t now)
{
    if (c->in_eof) {
        conn_close(c);                      /* nothing more can come: FIN now */
        return;
    }
    /*
     * RFC 9112 9.6: close in stages: closing with unread input would send an
     * RST that can destroy the response still in the client's buffers.
     */
    ts_shutdown(c->fd, SHUT_WR);
    c->state = CONN_LINGER;
    c->since = now;
    c->deadline = now + HTTP_LINGER_MS;
    c->lingered = 0;
    c->inlen = 0;
}

/* Read what waits into in[] (or, lingering, discard it). false: the connection was closed. */
static bool
conn_read(struct http_conn *c, uint64_t now)
{
    bool was_empty = c->state == CONN_READ && c->inlen == 0;

    static char discard[4096];

    while (c->state == CONN_LINGER) {
        ssize_t n = ts_recv(c->fd, discard, sizeof(discard), 0);

        if (n > 0 && c->lingered + (size_t)n <= HTTP_LINGER_BYTES) {
            c->lingered += (size_t)n;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            return true;
        conn_close(c);                      /* the peer's FIN, an error, or too much */
        return false;
    }
    while (!c->in_eof && c->inlen < sizeof(c->in)) {
        ssize_t n = ts_recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

        if (n > 0) {
            /* a head can only have completed if a line did: parse on LF, not on every byte */
            if (memchr(c->in + c->inlen, '\n', (size_t)n) != NULL)
                c->parse_due = true;
            c->inlen += (size_t)n;
            continue;
        }
        if (n == 0) {
            c->in_eof = true;
            break;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            break;
        conn_close(c);                      /* ECONNRESET and the like */
        return false;
    }
    if (c->inlen == sizeof(c->in) || c->in_eof)
        c->parse_due = true;                /* full: the parser says 431; EOF: last chance */
    if (was_empty && c->inlen > 0) {
        /* a new request began: its head has a whole timeout to arrive, however long it trickles */
        c->since = now;
        c->deadline = now + (uint64_t)http_idle_timeout * 1000u;
    }
    return true;
}

/* Answer the request in req; `n` is what http_parse_request returned. */
static void
respond(struct http_conn *c, int n)
{
    static char rel[HTTP_PATH_MAX];
    int rc;

    if (n < 0) {
        /* every parse error closes: what follows in the stream is not framed */
        c->close_after = true;
        c->inlen = 0;
        respond_error(c, -n, NULL);
        return;
    }
    memmove(c->in, c->in + n, c->inlen - (size_t)n);
    c->inlen -= (size_t)n;
    c->close_after = !req.keep_alive;
    rc = http_path_map(req.path, rel, sizeof(rel));
    if (rc < 0) {
        respond_error(c, -rc, NULL);        /* 400, 404, 414: the connection stays framed */
    } else if (strcmp(rel, "status") == 0 && !status_allowed(c->peer)) {
        APP_STAT_INC(http, status_denied);  /* "/status", also "//status" (merged slashes) */
        respond_error(c, 404, NULL);        /* the same answer as for any missing file */
    } else if (strcmp(rel, "status") == 0) {
        respond_status(c);
    } else {
        respond_file(c, rel);
    }
}

/* Parse, answer and send, in order, as far as the socket lets us. */
static void
conn_run(struct http_conn *c, uint64_t now)
{
    int responses = 0;

    rate_account(c, now);                   /* the state until now; it may change below */
    for (;;) {
        int n;

        if (c->state == CONN_SEND) {
            int r = conn_send(c, now);

            if (r < 0)
                return;                     /* closed */
            if (r == 0)
                break;
            if (c->close_after) {
                conn_linger(c, now);
                if (c->state == CONN_FREE)
                    return;
                break;
            }
            conn_enter_read(c, now);
        }
        if (c->state != CONN_READ)
            break;
        if (c->inlen == 0 || !c->parse_due) {
            if (c->in_eof && c->inlen == 0) {
                conn_close(c);              /* the client is done and so are we */
                return;
            }
            break;
        }
        if (responses == HTTP_REQ_BATCH)
            break;                          /* POLLOUT (conn_update_events) brings us back */
        n = http_parse_request(c->in, c->inlen, &req);
        if (n == HTTP_NEED_MORE) {
            c->parse_due = false;
            if (c->in_eof) {
                conn_close(c);              /* half a request and nothing more will come */
                return;
            }
            break;
        }
        respond(c, n);
        responses++;
    }
    conn_update_events(c);
}

/* The handler and the app ------------------------------------------------- */

static void
http_accept(uint64_t now)
{
    for (int i = 0; i < HTTP_ACCEPT_BATCH; i++) {
        struct http_conn *c = conn_free_slot();
        struct http_conn *victim = c ? NULL : conn_evictable(now);
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        int one = 1, fd;

        if (c == NULL && victim == NULL)
            break;                          /* full: the rest wait in the backlog */
        fd = ts_accept(listen_fd, (struct sockaddr *)&peer, &plen);
        if (fd < 0) {
            static uint64_t last_report;

            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNABORTED ||
                errno == EINTR)
                break;
            if ((errno == EMFILE || errno == ENFILE) && (victim = conn_evictable(now))) {
                conn_evict(victim);         /* out of descriptors: an idle or slow one makes room */
                continue;
            }
            /* EMFILE, ENOBUFS...: the connection stays queued and the listener readable;
             * rest it instead of spinning, and say so at most once a second */
            if (now - last_report >= 1000 || last_report == 0) {
                fprintf(stderr, "http: accept: %s (pausing accepts)\n", strerror(errno));
                last_report = now;
            }
            accept_paused_until = now + HTTP_ACCEPT_PAUSE_MS;
            break;
        }
        if (victim) {
            conn_evict(victim);             /* full: the longest idle, or the slowest, makes room */
            c = victim;
        }
        if (app_watch(&http_app, fd, POLLIN) < 0) {
            ts_close(fd);                   /* the dispatcher's table is full (APP_WATCH_MAX) */
            continue;
        }
        /* Responses are written whole: no need to wait for ACKs of small tails (Nagle) */
        ts_setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        c->fd = fd;
        c->body_fd = -1;
        c->body_left = 0;
        c->inlen = 0;
        c->in_eof = false;
        c->parse_due = false;
        c->peer = plen >= sizeof(peer) && peer.sin_family == AF_INET ?
                  ntohl(peer.sin_addr.s_addr) : 0;
        memset(c->rate, 0, sizeof(c->rate));
        c->rate_mark = now;
        c->behind = 0;
        conn_enter_read(c, now);
    }
}

static void
http_handler(int fd, short revents)
{
    uint64_t now = now_ms();
    struct http_conn *c;

    if (fd == listen_fd) {
        http_accept(now);
        listener_update(now);
        return;
    }
    c = conn_find(fd);
    if (c == NULL)
        return;
    if (revents & (POLLERR | POLLNVAL)) {
        conn_close(c);                      /* reset, or gone: there is nobody to answer */
    } else if (!(revents & (POLLIN | POLLHUP)) || conn_read(c, now)) {
        conn_run(c, now);
    }
    listener_update(now);
}

/* After every loop turn: the timeouts (RFC 9112 9.5: a server may close idle connections). */
static void
http_tick(void)
{
    static uint64_t last_judged;
    uint64_t now = now_ms();
    bool judge = now - last_judged >= HTTP_RATE_SCAN_MS;

    if (judge)
        last_judged = now;
    for (unsigned i = 0; i < nconns; i++) {
        struct http_conn *c = &conns[i];

        if (judge && c->state == CONN_SEND)
            rate_judge(c, now);
        if (c->state == CONN_FREE || now < c->deadline)
            continue;
        rate_account(c, now);               /* the state until now; a 408 changes it */
        if (c->state == CONN_READ && c->inlen > 0) {
            /* RFC 9110 15.5.9: half a request for too long: 408, then close */
            c->close_after = true;
            c->inlen = 0;
            respond_error_to(c, 408, NULL, 11, false);
            c->deadline = now + HTTP_LINGER_MS;
            conn_run(c, now);
        } else {
            conn_close(c);                  /* idle, not reading our response, or lingering */
        }
    }
    listener_update(now);
}

static void
http_stop(void)
{
    for (unsigned i = 0; conns && i < nconns; i++)
        conn_close(&conns[i]);
    if (listen_fd >= 0) {
        app_unwatch(listen_fd);
        ts_close(listen_fd);
        listen_fd = -1;
    }
    if (root_fd >= 0)
        close(root_fd);
    root_fd = -1;
    free(conns);
    conns = NULL;
    nconns = 0;
#ifndef TS_HOST
    free(status_page);
    status_page = NULL;
#endif
}

/*
 * Open the document root. A root that is "/" or lies under /proc, /dev or
 * /sys is refused (-1, EINVAL): nothing there is a web site. A root that
 * cannot be opened, or a kernel without openat2 (before Linux 5.6), leaves
 * root_fd at -1: every file is a 404 and /status still works.
 */
static int
root_open(void)
{
    char *abs = realpath(http_root, NULL);

    if (abs != NULL && !http_path_root_allowed(abs)) {
        fprintf(stderr, "http: document root %s (%s) refused: it must not be / nor lie under "
                "/proc, /dev or /sys\n", http_root, abs);
        free(abs);
        errno = EINVAL;
        return -1;
    }
    free(abs);
    root_fd = open(http_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) {
        fprintf(stderr, "http: document root %s: %s (every file is a 404)\n", http_root,
                strerror(errno));
        return 0;
    }
    if (http_path_probe(root_fd) < 0) {
        fprintf(stderr, "http: openat2: %s (Linux 5.6 or later is needed to confine files to "
                "the root): serving no files, only /status\n", strerror(errno));
        close(root_fd);
        root_fd = -1;
    }
    return 0;
}

/* The document root's descriptor, -1 if none is open (tapstack checks it after the drop). */
int
http_root_dirfd(void)
{
    return root_fd;
}

static int
http_start(void)
{
    struct sockaddr_in me;
    int one = 1, e;

    if (http_max_conns < 1 || http_max_conns > HTTP_CONN_LIMIT || http_idle_timeout < 1 ||
        http_min_rate_window < 2 || http_min_rate_window > HTTP_RATE_SECS) {
        errno = EINVAL;
        return -1;
    }
    conns = calloc(http_max_conns, sizeof(*conns));
#ifndef TS_HOST
    status_page = malloc(HTTP_STATUS_MAX);
    if (status_page == NULL) {
        free(conns);
        conns = NULL;
    }
#endif
    if (conns == NULL) {
        errno = ENOMEM;
        return -1;
    }
    nconns = http_max_conns;
    for (unsigned i = 0; i < nconns; i++) {
        conns[i].fd = -1;
        conns[i].body_fd = -1;
    }
    if (root_open() < 0) {
        e = errno;
        http_stop();
        errno = e;
        return -1;
    }

    listen_fd = ts_socket(AF_INET, SOCK_STREAM, 0);
    if (listen_fd < 0)
        goto fail;
    /* a restarted server gets its port back while old connections sit in TIME-WAIT */
    ts_setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_port = htons(http_port);
    me.sin_addr.s_addr = htonl(INADDR_ANY);
    if (ts_bind(listen_fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
        ts_listen(listen_fd, HTTP_BACKLOG) < 0)
        goto fail;
    listen_events = POLLIN;
    if (app_watch(&http_app, listen_fd, POLLIN) < 0)
        goto fail;
    return 0;

fail:
    e = errno;
    http_stop();
    errno = e;
    return -1;
}

const struct app http_app = {
    .name = "http",
    .start = http_start,
    .handler = http_handler,
    .stop = http_stop,
    .tick = http_tick,
};
