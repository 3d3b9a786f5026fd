/*
 * socket.c - the socket-like API of socket.h: a fixed table of sockets, the
 * BSD calls with their argument checks and errno values, and ts_poll, which
 * turns the event loop (stack_poll) until a descriptor is ready.
 *
 * Each call first checks what every socket type shares (descriptor, flags,
 * address family and length), then goes through the socket's ops table.
 * SOCK_DGRAM has udp_sock_ops (over udp.c), SOCK_STREAM tcp_sock_ops (over
 * tcp.c, whose control blocks outlive the descriptor through FIN and
 * TIME-WAIT); listen/accept/shutdown are NULL for UDP (EOPNOTSUPP).
 * This is the one place where enum ts_err codes become errno values.
 * Called by apps; calls udp.c, tcp.c, stack_poll and the clock.
 */
#define _GNU_SOURCE                       /* strerrorname_np for the trace */
#include "socket.h"
#include "udp.h"
#include "tcp_var.h"         /* reads control blocks (state, addresses, error) */
#include "stack.h"
#include "netif.h"
#include "ipv4.h"
#include "icmp.h"
#include "pkb.h"
#include "clock.h"
#include "stats.h"
#include "trace.h"

#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define SOCK_RCVBUF_MIN  256
#define SOCK_RCVBUF_MAX  (1u << 20)
#define UDP_MAX_PAYLOAD  65507            /* 65535 - IPv4 header - UDP header */

struct ts_sock;

/* What a socket type implements. Functions return 0 (or a count) or -errno. */
struct sock_ops {
    const char *kind;                     /* "udp", for the trace */
    int (*open)(struct ts_sock *s);       /* 0, or -errno (no control block free) */
    int (*bind)(struct ts_sock *s, uint32_t addr, uint16_t port);
    int (*connect)(struct ts_sock *s, uint32_t addr, uint16_t port);
    int (*disconnect)(struct ts_sock *s);
    ssize_t (*sendto)(struct ts_sock *s, const void *buf, size_t len, bool has_to,
                      uint32_t addr, uint16_t port);
    ssize_t (*recvfrom)(struct ts_sock *s, void *buf, size_t len, int flags, uint32_t *addr,
                        uint16_t *port);
    short (*poll)(struct ts_sock *s);
    int (*getname)(const struct ts_sock *s, bool peer, uint32_t *addr, uint16_t *port);
    int (*take_error)(struct ts_sock *s); /* SO_ERROR: the pending errno (cleared) or 0 */
    void (*set_options)(struct ts_sock *s); /* push the SO_* values down to the pcb */
    /* Options of the protocol's own level (IPPROTO_TCP: TCP_NODELAY ...): 0 or
     * -errno. NULL: the protocol has none (ENOPROTOOPT). */
    int (*setopt)(struct ts_sock *s, int level, int name, int value);
    void (*close)(struct ts_sock *s);
    /* SOCK_STREAM only: NULL means EOPNOTSUPP. */
    int (*listen)(struct ts_sock *s, int backlog);
    int (*accept)(struct ts_sock *s, uint32_t *addr, uint16_t *port);
    int (*shutdown)(struct ts_sock *s, int how);
};

struct ts_sock {
    bool in_use;
    int fd;
    int type;                             /* SOCK_DGRAM or SOCK_STREAM */
    const struct sock_ops *ops;
    bool reuseaddr;                       /* SO_REUSEADDR */
    bool broadcast;                       /* SO_BROADCAST */
    bool keepalive;                       /* SO_KEEPALIVE (TCP) */
    bool abort_on_close;                  /* SO_LINGER on, 0 s (TCP): close resets */
    bool rd_shut;                         /* shutdown(SHUT_RD): reads see end of stream */
    int rcvbuf;                           /* SO_RCVBUF */
    union {
        struct udp_pcb udp;
        struct tcp_pcb *tcp;              /* TCP owns its control blocks (they outlive close) */
    } pcb;
};

static struct socket_config cfg;
static struct ts_sock *socks;             /* cfg.max_sockets entries, allocated once */
static unsigned nopen;
static int poll_depth;                    /* ts_poll running (the stack is inside it) */
static int handler_depth;                 /* the dispatcher is inside an app handler */

/* Helpers ----------------------------------------------------------------- */

/* Set errno, trace the failure (EAGAIN is routine: not traced), return -1. */
static int
sock_fail(int fd, const char *call, int err)
{
    if (err != EAGAIN)
        TRACE_EV("sock", "fd %d %s: %s", fd, call, strerrorname_np(err));
    errno = err;
    return -1;
}

static struct ts_sock *
sock_get(int fd)
{
    if (socks == NULL || fd < 0 || (unsigned)fd >= cfg.max_sockets || !socks[fd].in_use)
        return NULL;
    return &socks[fd];
}

/* enum ts_err -> errno: the one place where the stack's codes become errno values. */
static int
sock_errno(int err)
{
    switch (err) {
    case TS_ENOROUTE:     return ENETUNREACH;
    case TS_EMSGSIZE:     return EMSGSIZE;
    case TS_ENOMEM:       return ENOBUFS;
    case TS_EINVAL:       return EINVAL;
    case TS_EADDRINUSE:   return EADDRINUSE;
    case TS_EAGAIN:       return EAGAIN;
    case TS_ECONNREFUSED: return ECONNREFUSED;
    case TS_ECONNRESET:   return ECONNRESET;
    case TS_ETIMEDOUT:    return ETIMEDOUT;
    case TS_ENOTCONN:     return ENOTCONN;
    case TS_EISCONN:      return EISCONN;
    case TS_EPIPE:        return EPIPE;
    case TS_EINPROGRESS:  return EINPROGRESS;
    case TS_EALREADY:     return EALREADY;
    default:              return EIO;
    }
}

/* An ICMP error -> the errno the socket reports (as Linux's icmp_err_convert). */
static int
sock_icmp_errno(uint8_t type, uint8_t code)
{
    if (type != ICMP_UNREACH)
        return EHOSTUNREACH;
    switch (code) {
    case ICMP_UNREACH_NET:   return ENETUNREACH;
    case ICMP_UNREACH_HOST:  return EHOSTUNREACH;
    case ICMP_UNREACH_PROTO: return ENOPROTOOPT;
    case ICMP_UNREACH_PORT:  return ECONNREFUSED;
    case 4:                  return EMSGSIZE;   /* fragmentation needed and DF set */
    default:                 return EHOSTUNREACH;
    }
}

/* A caller's sockaddr -> host-order address and port; 0 or an errno. */
static int
sin_from(const struct sockaddr *sa, socklen_t len, uint32_t *addr, uint16_t *port)
{
    struct sockaddr_in sin;

    if (sa == NULL)
        return EFAULT;
    if (len < sizeof(sin))
        return EINVAL;
    memcpy(&sin, sa, sizeof(sin));         /* the caller's buffer may be unaligned */
    if (sin.sin_family != AF_INET)
        return EAFNOSUPPORT;
    *addr = ntohl(sin.sin_addr.s_addr);
    *port = ntohs(sin.sin_port);
    return 0;
}

/* Host-order address and port -> the caller's sockaddr, truncated to *len. */
static void
sin_to(uint32_t addr, uint16_t port, struct sockaddr *sa, socklen_t *len)
{
    struct sockaddr_in sin;

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(addr);
    sin.sin_port = htons(port);
    memcpy(sa, &sin, *len < sizeof(sin) ? *len : sizeof(sin));
    *len = sizeof(sin);
}

/* A broadcast address of one of our interfaces, or 255.255.255.255. */
static bool
sock_is_bcast(uint32_t addr)
{
    for (int i = 0; netif_at(i); i++) {
        if (netif_is_bcast(netif_at(i), addr))
            return true;
    }
    return addr == 0xffffffffu;
}

/* May a socket bind to addr? 0.0.0.0, 127/8, our addresses and broadcasts. */
static bool
sock_addr_is_local(uint32_t addr)
{
    if (addr == 0 || netif_by_addr(addr) != NULL || sock_is_bcast(addr))
        return true;
    return ipv4_is_loopback(addr) && stack_loopback() != NULL;
}

/* SOCK_DGRAM: the UDP ops ------------------------------------------------- */

static int
udp_sock_open(struct ts_sock *s)
{
    udp_pcb_init(&s->pcb.udp, s->fd, cfg.rcvbuf, cfg.rcvq_max);
    return 0;
}

static void
udp_sock_set_options(struct ts_sock *s)
{
    s->pcb.udp.reuseaddr = s->reuseaddr;
    s->pcb.udp.rcvbuf = (size_t)s->rcvbuf;
}

static int
udp_sock_bind(struct ts_sock *s, uint32_t addr, uint16_t port)
{
    if (!sock_addr_is_local(addr))
        return -EADDRNOTAVAIL;
    if (s->pcb.udp.lport != 0)
        return -EINVAL;                   /* bound already */
    return udp_bind(&s->pcb.udp, addr, port) == TS_OK ? 0 : -EADDRINUSE;
}

/* The destination checks shared by connect and sendto: 0 or -errno. */
static int
udp_sock_check_dst(struct ts_sock *s, uint32_t *addr, uint16_t port)
{
    /* RFC 1122 3.2.1.3(a): 0.0.0.0 is never a destination; Linux reads it as "this host". */
    if (*addr == 0)
        *addr = s->pcb.udp.laddr ? s->pcb.udp.laddr : IP4(127, 0, 0, 1);
    if (port == 0)
        return -EINVAL;
    /* LIMIT: ipv4_output has no "every interface" path for the limited broadcast. */
    if (*addr == 0xffffffffu)
        return -EINVAL;
    if (sock_is_bcast(*addr) && !s->broadcast)
        return -EACCES;                   /* as BSD: broadcasting needs SO_BROADCAST */
    return 0;
}

static int
udp_sock_connect(struct ts_sock *s, uint32_t addr, uint16_t port)
{
    int err = udp_sock_check_dst(s, &addr, port);

    if (err)
        return err;
    if (s->pcb.udp.connected)
        udp_disconnect(&s->pcb.udp);
    err = udp_connect(&s->pcb.udp, addr, port);
    return err == TS_OK ? 0 : -sock_errno(err);
}

static int
udp_sock_disconnect(struct ts_sock *s)
{
    udp_disconnect(&s->pcb.udp);
    return 0;
}

static int
udp_sock_take_error(struct ts_sock *s)
{
    struct udp_pcb *pcb = &s->pcb.udp;

    if (!pcb->err_pending)
        return 0;
    pcb->err_pending = false;
    return sock_icmp_errno(pcb->err_type, pcb->err_code);
}

static ssize_t
udp_sock_sendto(struct ts_sock *s, const void *buf, size_t len, bool has_to, uint32_t addr,
                uint16_t port)
{
    struct udp_pcb *pcb = &s->pcb.udp;
    int err = udp_sock_take_error(s);

    if (err)
        return -err;                      /* an ICMP error came back: report it once */
    if (!has_to) {
        if (!pcb->connected)
            return -EDESTADDRREQ;
        addr = pcb->raddr;
        port = pcb->rport;
    } else if ((err = udp_sock_check_dst(s, &addr, port)) != 0) {
        return err;
    }
    if (len > UDP_MAX_PAYLOAD)
        return -EMSGSIZE;                 /* not even IPv4's total length can say it */
    err = udp_output(pcb, buf, len, addr, port);
    if (err != TS_OK)
        return -sock_errno(err);
    return (ssize_t)len;
}

static ssize_t
udp_sock_recvfrom(struct ts_sock *s, void *buf, size_t len, int flags, uint32_t *addr,
                  uint16_t *port)
{
    int err = udp_sock_take_error(s);

    if (err)
        return -err;                      /* reported before any queued datagram, as Linux */
    if (!udp_readable(&s->pcb.udp))
        return -EAGAIN;
    return (ssize_t)udp_recv(&s->pcb.udp, buf, len, addr, port, (flags & MSG_PEEK) != 0);
}

static short
udp_sock_poll(struct ts_sock *s)
{
    short ev = 0;

    if (udp_readable(&s->pcb.udp))
        ev |= POLLIN;
    if (pkb_in_use() < pkb_total())
        ev |= POLLOUT;                    /* a datagram needs one free packet buffer */
    if (s->pcb.udp.err_pending)
        ev |= POLLERR;
    return ev;
}

static int
udp_sock_name(const struct ts_sock *s, bool peer, uint32_t *addr, uint16_t *port)
{
    const struct udp_pcb *pcb = &s->pcb.udp;

    if (peer && !pcb->connected)
        return -ENOTCONN;
    *addr = peer ? pcb->raddr : pcb->laddr;
    *port = peer ? pcb->rport : pcb->lport;
    return 0;
}

static void
udp_sock_close(struct ts_sock *s)
{
    udp_close(&s->pcb.udp);
}

static const struct sock_ops udp_sock_ops = {
    .kind = "udp",
    .open = udp_sock_open,
    .bind = udp_sock_bind,
    .connect = udp_sock_connect,
    .disconnect = udp_sock_disconnect,
    .sendto = udp_sock_sendto,
    .recvfrom = udp_sock_recvfrom,
    .poll = udp_sock_poll,
    .getname = udp_sock_name,
    .take_error = udp_sock_take_error,
    .set_options = udp_sock_set_options,
    .setopt = NULL,                       /* no IPPROTO_UDP options */
    .close = udp_sock_close,
    .listen = NULL,
    .accept = NULL,
    .shutdown = NULL,
};

/* SOCK_STREAM: the TCP ops ------------------------------------------------ */

static int
tcp_sock_open(struct ts_sock *s)
{
    s->pcb.tcp = tcp_new();
    return s->pcb.tcp ? 0 : -ENOBUFS;    /* every control block is in use */
}

static void
tcp_sock_set_options(struct ts_sock *s)
{
    /* LIMIT: SO_RCVBUF is kept for getsockopt; TCP's rings have stack_config.tcp's size. */
    if (s->pcb.tcp->keepalive != s->keepalive)
        tcp_set_keepalive(s->pcb.tcp, s->keepalive);
}

static int
tcp_sock_setopt(struct ts_sock *s, int level, int name, int value)
{
    if (level != IPPROTO_TCP)
        return -ENOPROTOOPT;
    if (name != TCP_NODELAY)
        return -ENOPROTOOPT;
    tcp_set_nodelay(s->pcb.tcp, value != 0);
    return 0;
}

static int
tcp_sock_bind(struct ts_sock *s, uint32_t addr, uint16_t port)
{
    int err;

    if (!sock_addr_is_local(addr) || sock_is_bcast(addr))
        return -EADDRNOTAVAIL;
    if (s->pcb.tcp->local_port != 0)
        return -EINVAL;                   /* bound already */
    err = tcp_bind(s->pcb.tcp, addr, port, s->reuseaddr);
    return err == TS_OK ? 0 : -sock_errno(err);
}

static int
tcp_sock_listen(struct ts_sock *s, int backlog)
{
    struct tcp_pcb *pcb = s->pcb.tcp;

    if (pcb->state != TCPS_CLOSED && pcb->state != TCPS_LISTEN)
        return -EINVAL;
    /* Like Linux: a negative or huge backlog is clamped, not refused. */
    if (backlog < 1)
        backlog = 1;
    if (backlog > 128)
        backlog = 128;
    return tcp_listen(pcb, (unsigned)backlog) == TS_OK ? 0 : -EADDRINUSE;
}

static struct ts_sock *sock_alloc(int type, const struct sock_ops *ops, bool open);

static int
tcp_sock_accept(struct ts_sock *s, uint32_t *addr, uint16_t *port)
{
    struct tcp_pcb *l = s->pcb.tcp, *c;
    struct ts_sock *ns;

    if (l->state != TCPS_LISTEN)
        return -EINVAL;
    if (l->accept_head == NULL)
        return -EAGAIN;
    ns = sock_alloc(SOCK_STREAM, s->ops, false);
    if (ns == NULL)
        return -EMFILE;                   /* the connection waits in the queue */
    c = tcp_accept(l);
    ns->pcb.tcp = c;
    /* Accepted sockets inherit the listener's options, as on Linux. */
    ns->reuseaddr = s->reuseaddr;
    ns->keepalive = s->keepalive;
    ns->rcvbuf = s->rcvbuf;
    c->nodelay = l->nodelay;
    tcp_sock_set_options(ns);
    *addr = c->remote_ip;
    *port = c->remote_port;
    return ns->fd;
}

static int
tcp_sock_connect(struct ts_sock *s, uint32_t addr, uint16_t port)
{
    struct tcp_pcb *pcb = s->pcb.tcp;
    int err;

    if (pcb->state == TCPS_SYN_SENT)
        return -EALREADY;
    if (pcb->state == TCPS_LISTEN)
        return -EINVAL;
    if (pcb->state != TCPS_CLOSED)
        return -EISCONN;
    if (pcb->error)
        return -sock_errno(tcp_take_error(pcb));   /* how the last attempt ended */
    if (addr == 0)
        addr = IP4(127, 0, 0, 1);          /* Linux reads 0.0.0.0 as "this host" */
    if (port == 0)
        return -ECONNREFUSED;
    if (sock_is_bcast(addr) || ipv4_is_multicast(addr))
        return -ENETUNREACH;              /* TCP is point to point (RFC 1122 4.2.3.10) */
    err = tcp_connect(pcb, addr, port);
    return -sock_errno(err);             /* EINPROGRESS: POLLOUT says when it is open */
}

static ssize_t
tcp_sock_sendto(struct ts_sock *s, const void *buf, size_t len, bool has_to, uint32_t addr,
                uint16_t port)
{
    long n;

    (void)has_to;                         /* a stream ignores the address, as Linux */
    (void)addr;
    (void)port;
    if (len == 0)
        return 0;
    n = tcp_send(s->pcb.tcp, buf, len);
    return n < 0 ? -sock_errno((int)n) : (ssize_t)n;
}

static ssize_t
tcp_sock_recvfrom(struct ts_sock *s, void *buf, size_t len, int flags, uint32_t *addr,
                  uint16_t *port)
{
    long n;

    if (s->rd_shut && s->pcb.tcp->rcv.len == 0)
        return 0;
    n = (flags & MSG_PEEK) ? tcp_peek(s->pcb.tcp, buf, len) : tcp_recv(s->pcb.tcp, buf, len);
    if (n < 0)
        return -sock_errno((int)n);
    *addr = s->pcb.tcp->remote_ip;
    *port = s->pcb.tcp->remote_port;
    return (ssize_t)n;
}

static short
tcp_sock_poll(struct ts_sock *s)
{
    short ev = tcp_poll_events(s->pcb.tcp);

    if (s->rd_shut)
        ev |= POLLIN;                     /* reads return 0 at once */
    return ev;
}

static int
tcp_sock_name(const struct ts_sock *s, bool peer, uint32_t *addr, uint16_t *port)
{
    const struct tcp_pcb *pcb = s->pcb.tcp;

    if (peer && (pcb->state == TCPS_CLOSED || pcb->state == TCPS_LISTEN ||
                 pcb->state == TCPS_SYN_SENT))
        return -ENOTCONN;
    *addr = peer ? pcb->remote_ip : pcb->local_ip;
    *port = peer ? pcb->remote_port : pcb->local_port;
    return 0;
}

static int
tcp_sock_take_error(struct ts_sock *s)
{
    int e = tcp_take_error(s->pcb.tcp);

    return e ? sock_errno(e) : 0;
}

static int
tcp_sock_shutdown(struct ts_sock *s, int how)
{
    int err;

    if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR)
        return -EINVAL;
    err = tcp_shutdown(s->pcb.tcp, how != SHUT_WR, how != SHUT_RD);
    if (err != TS_OK)
        return -sock_errno(err);
    if (how != SHUT_WR)
        s->rd_shut = true;
    return 0;
}

static void
tcp_sock_close(struct ts_sock *s)
{
    /* RFC 9293 3.10.4: ABORT (SO_LINGER 0 s): RST, and the control block is gone at once. */
    if (s->abort_on_close) {
        tcp_abort(s->pcb.tcp);
        s->pcb.tcp = NULL;
        return;
    }
    /* TCP keeps the control block through FIN/TIME-WAIT and frees it itself. */
    tcp_close(s->pcb.tcp);
    s->pcb.tcp = NULL;
}

static const struct sock_ops tcp_sock_ops = {
    .kind = "tcp",
    .open = tcp_sock_open,
    .bind = tcp_sock_bind,
    .connect = tcp_sock_connect,
    .disconnect = NULL,
    .sendto = tcp_sock_sendto,
    .recvfrom = tcp_sock_recvfrom,
    .poll = tcp_sock_poll,
    .getname = tcp_sock_name,
    .take_error = tcp_sock_take_error,
    .set_options = tcp_sock_set_options,
    .setopt = tcp_sock_setopt,
    .close = tcp_sock_close,
    .listen = tcp_sock_listen,
    .accept = tcp_sock_accept,
    .shutdown = tcp_sock_shutdown,
};

/* The calls --------------------------------------------------------------- */

/*
 * Every call has the same shape: find the socket (EBADF), check what all
 * socket types share in the order Linux checks it (flags, pointers, the
 * address's length and family), then hand host-order values to the ops.
 * The ops return -errno; sock_fail() sets errno, traces and returns -1.
 */

/*
 * Take the lowest free descriptor for a socket of this type, as open() and
 * socket() do: a linear scan of a small fixed table, no allocation after
 * socket_init(). NULL (EMFILE, counted) when the table is full. TCP's accept
 * takes its new descriptors here too.
 */
static struct ts_sock *
sock_alloc(int type, const struct sock_ops *ops, bool open)
{
    struct ts_sock *s = NULL;

    for (unsigned i = 0; i < cfg.max_sockets && s == NULL; i++) {
        if (!socks[i].in_use)
            s = &socks[i];
    }
    if (s == NULL) {
        STAT_INC(sock, table_full);
        return NULL;
    }
    memset(s, 0, sizeof(*s));             /* options back to their defaults */
    s->in_use = true;
    s->fd = (int)(s - socks);
    s->type = type;
    s->ops = ops;
    s->rcvbuf = (int)cfg.rcvbuf;
    if (open && s->ops->open(s) < 0) {
        s->in_use = false;                /* no control block: the caller says ENOBUFS */
        return NULL;
    }
    nopen++;
    STAT_INC(sock, opened);
    TRACE_EV("sock", "fd %d opened (%s)", s->fd, ops->kind);
    return s;
}

int
ts_socket(int domain, int type, int protocol)
{
    const struct sock_ops *ops;
    int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
    struct ts_sock *s;

    if (socks == NULL)
        return sock_fail(-1, "socket", ENETDOWN);   /* stack_init has not run */
    if (domain != AF_INET)
        return sock_fail(-1, "socket", EAFNOSUPPORT);
    /* The switch point per type: each gets its ops table. */
    switch (base) {
    case SOCK_DGRAM:
        if (protocol != 0 && protocol != IPPROTO_UDP)
            return sock_fail(-1, "socket", EPROTONOSUPPORT);
        ops = &udp_sock_ops;
        break;
    case SOCK_STREAM:
        if (protocol != 0 && protocol != IPPROTO_TCP)
            return sock_fail(-1, "socket", EPROTONOSUPPORT);
        ops = &tcp_sock_ops;
        break;
    case SOCK_RAW:
        return sock_fail(-1, "socket", EPROTONOSUPPORT);
    default:
        return sock_fail(-1, "socket", EINVAL);
    }
    s = sock_alloc(base, ops, true);
    if (s == NULL)
        return sock_fail(-1, "socket", nopen < cfg.max_sockets ? ENOBUFS : EMFILE);
    return s->fd;
}

int
ts_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    struct ts_sock *s = sock_get(fd);
    uint32_t a;
    uint16_t port;
    int err;

    if (s == NULL)
        return sock_fail(fd, "bind", EBADF);
    if ((err = sin_from(addr, addrlen, &a, &port)) != 0)
        return sock_fail(fd, "bind", err);
    if ((err = s->ops->bind(s, a, port)) < 0)
        return sock_fail(fd, "bind", -err);
    return 0;
}

int
ts_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    struct ts_sock *s = sock_get(fd);
    uint32_t a;
    uint16_t port;
    int err;

    if (s == NULL)
        return sock_fail(fd, "connect", EBADF);
    /* AF_UNSPEC dissolves a datagram socket's association (POSIX connect()). */
    if (addr && addrlen >= sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC)
        return s->ops->disconnect ? s->ops->disconnect(s) : sock_fail(fd, "connect", EAFNOSUPPORT);
    if ((err = sin_from(addr, addrlen, &a, &port)) != 0)
        return sock_fail(fd, "connect", err);
    if ((err = s->ops->connect(s, a, port)) < 0)
        return sock_fail(fd, "connect", -err);
    return 0;
}

ssize_t
ts_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
          socklen_t tolen)
{
    struct ts_sock *s = sock_get(fd);
    uint32_t a = 0;
    uint16_t port = 0;
    ssize_t n;
    int err;

    if (s == NULL)
        return sock_fail(fd, "sendto", EBADF);
    if (flags & ~(MSG_DONTWAIT | MSG_NOSIGNAL))
        return sock_fail(fd, "sendto", EOPNOTSUPP);
    if (buf == NULL && len > 0)
        return sock_fail(fd, "sendto", EFAULT);
    /* Linux: a non-NULL address must be a whole sockaddr_in, even on a connected socket. */
    if (to && (err = sin_from(to, tolen, &a, &port)) != 0)
        return sock_fail(fd, "sendto", err);
    n = s->ops->sendto(s, buf, len, to != NULL, a, port);
    if (n < 0)
        return sock_fail(fd, "sendto", (int)-n);
    return n;
}

ssize_t
ts_send(int fd, const void *buf, size_t len, int flags)
{
    return ts_sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t
ts_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    struct ts_sock *s = sock_get(fd);
    uint32_t a = 0;
    uint16_t port = 0;
    ssize_t n;

    if (s == NULL)
        return sock_fail(fd, "recvfrom", EBADF);
    if (flags & ~(MSG_DONTWAIT | MSG_PEEK))
        return sock_fail(fd, "recvfrom", EOPNOTSUPP);
    if ((buf == NULL && len > 0) || (from != NULL && fromlen == NULL))
        return sock_fail(fd, "recvfrom", EFAULT);
    n = s->ops->recvfrom(s, buf, len, flags, &a, &port);
    if (n < 0)
        return sock_fail(fd, "recvfrom", (int)-n);
    /* The source is written only when a datagram was taken, as recvfrom(2) does. */
    if (from)
        sin_to(a, port, from, fromlen);
    return n;
}

ssize_t
ts_recv(int fd, void *buf, size_t len, int flags)
{
    return ts_recvfrom(fd, buf, len, flags, NULL, NULL);
}

int
ts_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
    struct ts_sock *s = sock_get(fd);
    int v;

    if (s == NULL)
        return sock_fail(fd, "setsockopt", EBADF);
    if (optval == NULL)
        return sock_fail(fd, "setsockopt", EFAULT);
    if (optlen < sizeof(int))
        return sock_fail(fd, "setsockopt", EINVAL);
    memcpy(&v, optval, sizeof(v));        /* optval may be unaligned */
    if (level == SOL_SOCKET && optname == SO_LINGER) {
        struct linger l;

        if (s->type != SOCK_STREAM)
            return sock_fail(fd, "setsockopt", ENOPROTOOPT);
        if (optlen < sizeof(l))
            return sock_fail(fd, "setsockopt", EINVAL);
        memcpy(&l, optval, sizeof(l));
        /* Only "reset on close" changes anything: ts_close never blocks to linger. */
        s->abort_on_close = l.l_onoff && l.l_linger == 0;
        return 0;
    }
    if (level != SOL_SOCKET) {
        /* The protocol's own level, if it has options there. */
        int err = s->ops->setopt ? s->ops->setopt(s, level, optname, v) : -ENOPROTOOPT;

        return err < 0 ? sock_fail(fd, "setsockopt", -err) : 0;
    }
    /* Options live in the socket (getsockopt reads them there) and are pushed
     * down to the protocol's pcb by set_options, where input and bind use them. */
    switch (optname) {
    case SO_REUSEADDR:
        s->reuseaddr = v != 0;
        break;
    case SO_BROADCAST:
        s->broadcast = v != 0;
        break;
    case SO_KEEPALIVE:
        s->keepalive = v != 0;
        break;
    case SO_RCVBUF:
        /* Clamped like Linux, but not doubled: what you set is what the queue holds. */
        if (v < SOCK_RCVBUF_MIN)
            v = SOCK_RCVBUF_MIN;
        if ((unsigned)v > SOCK_RCVBUF_MAX)
            v = SOCK_RCVBUF_MAX;
        s->rcvbuf = v;
        break;
    default:
        return sock_fail(fd, "setsockopt", ENOPROTOOPT);
    }
    s->ops->set_options(s);
    return 0;
}

int
ts_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
    struct ts_sock *s = sock_get(fd);
    int v;

    if (s == NULL)
        return sock_fail(fd, "getsockopt", EBADF);
    if (level != SOL_SOCKET)
        return sock_fail(fd, "getsockopt", ENOPROTOOPT);
    if (optval == NULL || optlen == NULL)
        return sock_fail(fd, "getsockopt", EFAULT);
    if (*optlen < sizeof(int))
        return sock_fail(fd, "getsockopt", EINVAL);
    if (optname == SO_LINGER) {
        struct linger l = { s->abort_on_close, 0 };

        if (*optlen < sizeof(l))
            return sock_fail(fd, "getsockopt", EINVAL);
        memcpy(optval, &l, sizeof(l));
        *optlen = sizeof(l);
        return 0;
    }
    switch (optname) {
    case SO_REUSEADDR: v = s->reuseaddr;            break;
    case SO_BROADCAST: v = s->broadcast;            break;
    case SO_KEEPALIVE: v = s->keepalive;            break;
    case SO_RCVBUF:    v = s->rcvbuf;               break;
    case SO_TYPE:      v = s->type;                 break;
    case SO_ERROR:     v = s->ops->take_error(s);   break;
    default:
        return sock_fail(fd, "getsockopt", ENOPROTOOPT);
    }
    memcpy(optval, &v, sizeof(v));
    *optlen = sizeof(v);
    return 0;
}

static int
sock_getname(int fd, struct sockaddr *addr, socklen_t *addrlen, bool peer)
{
    const char *call = peer ? "getpeername" : "getsockname";
    struct ts_sock *s = sock_get(fd);
    uint32_t a;
    uint16_t port;
    int err;

    if (s == NULL)
        return sock_fail(fd, call, EBADF);
    if (addr == NULL || addrlen == NULL)
        return sock_fail(fd, call, EFAULT);
    if ((err = s->ops->getname(s, peer, &a, &port)) < 0)
        return sock_fail(fd, call, -err);
    sin_to(a, port, addr, addrlen);
    return 0;
}

int
ts_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return sock_getname(fd, addr, addrlen, false);
}

int
ts_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return sock_getname(fd, addr, addrlen, true);
}

int
ts_close(int fd)
{
    struct ts_sock *s = sock_get(fd);

    if (s == NULL)
        return sock_fail(fd, "close", EBADF);
    /* The protocol lets go first (UDP: unlist the pcb, free queued datagrams),
     * then the descriptor becomes free for the next ts_socket. */
    s->ops->close(s);
    s->in_use = false;
    nopen--;
    STAT_INC(sock, closed);
    TRACE_EV("sock", "fd %d closed", fd);
    return 0;
}

int
ts_listen(int fd, int backlog)
{
    struct ts_sock *s = sock_get(fd);
    int err;

    if (s == NULL)
        return sock_fail(fd, "listen", EBADF);
    if (s->ops->listen == NULL)
        return sock_fail(fd, "listen", EOPNOTSUPP);
    if ((err = s->ops->listen(s, backlog)) < 0)
        return sock_fail(fd, "listen", -err);
    return 0;
}

int
ts_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    struct ts_sock *s = sock_get(fd);
    uint32_t a;
    uint16_t port;
    int nfd;

    if (s == NULL)
        return sock_fail(fd, "accept", EBADF);
    if (s->ops->accept == NULL)
        return sock_fail(fd, "accept", EOPNOTSUPP);
    if (addr != NULL && addrlen == NULL)
        return sock_fail(fd, "accept", EFAULT);
    nfd = s->ops->accept(s, &a, &port);
    if (nfd < 0)
        return sock_fail(fd, "accept", -nfd);
    if (addr)
        sin_to(a, port, addr, addrlen);
    return nfd;
}

int
ts_shutdown(int fd, int how)
{
    struct ts_sock *s = sock_get(fd);
    int err;

    if (s == NULL)
        return sock_fail(fd, "shutdown", EBADF);
    if (s->ops->shutdown == NULL)
        return sock_fail(fd, "shutdown", EOPNOTSUPP);
    if ((err = s->ops->shutdown(s, how)) < 0)
        return sock_fail(fd, "shutdown", -err);
    return 0;
}

/* Waiting ----------------------------------------------------------------- */

/* Fill every revents; returns how many entries have one. POLLERR and POLLHUP
 * are reported whether asked for or not, as poll(2) does. */
static int
sock_scan(struct pollfd *fds, nfds_t nfds)
{
    int ready = 0;

    for (nfds_t i = 0; i < nfds; i++) {
        struct ts_sock *s;

        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;                     /* poll(2): negative descriptors are skipped */
        s = sock_get(fds[i].fd);
        if (s == NULL)
            fds[i].revents = POLLNVAL;
        else
            fds[i].revents = (short)(s->ops->poll(s) & (fds[i].events | POLLERR | POLLHUP));
        if (fds[i].revents)
            ready++;
    }
    return ready;
}

void
ts_handler_enter(void)
{
    handler_depth++;
}

void
ts_handler_leave(void)
{
    if (handler_depth > 0)
        handler_depth--;
}

/*
 * At least one loop turn on every call, even when something is ready
 * already: an app that always has POLLOUT must not starve the stack.
 */
int
ts_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    uint64_t deadline = UINT64_MAX;
    int ready, r, err = 0;

    /* Not re-entrant: a nested loop would run protocol code (timers, input)
     * while the outer one is in the middle of it. Return to the loop instead. */
    if (poll_depth > 0 || handler_depth > 0)
        return sock_fail(-1, "poll", EINVAL);
    if (fds == NULL && nfds > 0)
        return sock_fail(-1, "poll", EFAULT);
    poll_depth++;
    clock_refresh();
    if (timeout_ms >= 0)
        deadline = clock_now() + (uint64_t)timeout_ms * US_PER_MS;
    ready = sock_scan(fds, nfds);
    for (;;) {
        uint64_t now = clock_now();
        int wait;

        if (ready > 0 || now >= deadline)
            wait = 0;
        else if (deadline == UINT64_MAX)
            wait = -1;
        else
            wait = (deadline - now + 999) / 1000 > INT_MAX ? INT_MAX
                                                          : (int)((deadline - now + 999) / 1000);
        /* One turn: frames in, timers, loopback; then look at the sockets again. */
        r = stack_poll(wait);
        ready = sock_scan(fds, nfds);
        if (r == TS_EIO) {
            err = EIO;
            break;
        }
        if (ready > 0 || wait == 0)
            break;
        if (r == STACK_INTR) {
            err = EINTR;                  /* a signal: let the caller look at its flags */
            break;
        }
        /* Virtual time moves inside stack_poll (to the next timer, replayed frame or the
         * deadline); with none of them and no deadline nothing can ever happen: return 0. */
        if (clock_is_virtual() && deadline == UINT64_MAX && !stack_has_work() &&
            stack_next_event() == UINT64_MAX)
            break;
    }
    poll_depth--;
    if (err)
        return sock_fail(-1, "poll", err);
    return ready;
}

/* Init -------------------------------------------------------------------- */

void
socket_defaults(struct socket_config *c)
{
    *c = (struct socket_config){ .max_sockets = 64, .rcvbuf = 65536, .rcvq_max = 64 };
}

/* One allocation for the whole table: memory is bounded by max_sockets. */
int
socket_init(const struct socket_config *c)
{
    struct socket_config def;

    socket_shutdown();
    socket_defaults(&def);
    cfg = *c;
    /* Zero fields take the defaults (struct stack_config promises it). */
    if (cfg.max_sockets == 0)
        cfg.max_sockets = def.max_sockets;
    if (cfg.max_sockets > INT_MAX / 2)
        return -1;
    if (cfg.rcvbuf == 0)
        cfg.rcvbuf = def.rcvbuf;
    if (cfg.rcvq_max == 0)
        cfg.rcvq_max = def.rcvq_max;
    socks = calloc(cfg.max_sockets, sizeof(*socks));
    if (socks == NULL)
        return -1;
    nopen = 0;
    poll_depth = 0;
    handler_depth = 0;
    return 0;
}

void
socket_shutdown(void)
{
    if (socks) {
        for (unsigned i = 0; i < cfg.max_sockets; i++) {
            if (socks[i].in_use)
                ts_close((int)i);
        }
    }
    free(socks);
    socks = NULL;
    nopen = 0;
}

unsigned
socket_count(void)
{
    return nopen;
}
