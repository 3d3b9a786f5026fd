/*
 * socket.h - the socket-like API: how an application talks to tapstack.
 *
 * If you have written a poll() server on Linux, you know this API already.
 * Every call is the BSD one with a `ts_` prefix, takes the same arguments
 * (the host's struct sockaddr_in, struct pollfd, POLLIN/POLLOUT,
 * SOL_SOCKET/SO_*) and fails the same way: it returns -1 and sets errno to
 * the value Linux would use. Three things differ:
 *
 *   1. Descriptors are tapstack's own small ints (0, 1, 2, ... the lowest
 *      free one, as with open()). They mean nothing to the kernel: never pass
 *      one to close(), read() or poll(), and never pass a kernel fd here.
 *   2. Every socket is non-blocking. A call that would wait fails with
 *      EAGAIN instead; wait for readiness with ts_poll().
 *   3. ts_poll() is where the stack runs. Frames are read, timers fire and
 *      the loopback queue drains only inside ts_poll() (it turns the event
 *      loop, stack_poll(), until one of your descriptors is ready or the
 *      timeout ends). A program that never calls ts_poll() never receives.
 *
 * A complete UDP echo server (apps/echo.c is this, with error reports):
 *
 *     int fd = ts_socket(AF_INET, SOCK_DGRAM, 0);
 *     struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(7),
 *                               .sin_addr.s_addr = htonl(INADDR_ANY) };
 *     ts_bind(fd, (struct sockaddr *)&me, sizeof(me));
 *     for (;;) {
 *         struct pollfd pfd = { .fd = fd, .events = POLLIN };
 *         char buf[2048];
 *         struct sockaddr_in peer;
 *         socklen_t plen = sizeof(peer);
 *
 *         ts_poll(&pfd, 1, -1);
 *         ssize_t n = ts_recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
 *         if (n >= 0)
 *             ts_sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
 *     }
 *
 * What exists: AF_INET with SOCK_DGRAM (UDP) and SOCK_STREAM (TCP: ts_listen,
 * ts_accept, ts_connect, ts_shutdown, stream ts_send/ts_recv). A TCP server
 * is the same loop with ts_listen/ts_accept; apps/stream.c is one.
 * docs/api.md has the full errno table and the differences from Linux;
 * docs/tcp.md explains what TCP does underneath.
 */
#ifndef TS_SOCKET_H
#define TS_SOCKET_H

#include <errno.h>
#include <netinet/in.h>       /* struct sockaddr_in, htons, INADDR_ANY, IPPROTO_UDP */
#include <netinet/tcp.h>      /* TCP_NODELAY */
#include <poll.h>             /* struct pollfd, POLLIN, POLLOUT, POLLERR, POLLNVAL */
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>       /* AF_INET, SOCK_DGRAM, SOL_SOCKET, SO_*, MSG_*, socklen_t */
#include <sys/types.h>        /* ssize_t */

/* Opening and naming ------------------------------------------------------ */

/*
 * A new socket: domain AF_INET, type SOCK_DGRAM (protocol 0 or IPPROTO_UDP)
 * or SOCK_STREAM (protocol 0 or IPPROTO_TCP). SOCK_NONBLOCK and SOCK_CLOEXEC
 * may be or-ed into the type and are ignored: it is non-blocking anyway.
 * Returns the descriptor.
 * EAFNOSUPPORT other domains; EPROTONOSUPPORT SOCK_RAW or a protocol that
 * does not fit the type; EINVAL unknown type; EMFILE the socket table is full
 * (stack_config.sock.max_sockets, default 64); ENOBUFS (SOCK_STREAM) every
 * TCP control block is in use, even after recycling the oldest TIME-WAIT one
 * (stack_config.tcp.max_pcbs; counted as tcp.no_pcb); ENETDOWN stack_init
 * has not run.
 */
int ts_socket(int domain, int type, int protocol);

/*
 * Give the socket its local address and port. Port 0 picks an ephemeral one
 * (49152-65535); address INADDR_ANY (0.0.0.0) means every address of the
 * stack. EADDRINUSE another socket has the port on an overlapping address
 * (the same one, or one of them is 0.0.0.0) and not both set SO_REUSEADDR,
 * or no ephemeral port is free; EADDRNOTAVAIL the address is not one of the
 * stack's; EINVAL already bound or addrlen too small; EAFNOSUPPORT the
 * family is not AF_INET; EFAULT addr is NULL; EBADF not a descriptor.
 * TCP: SO_REUSEADDR on this socket alone lets it take a port that only
 * connections hold (TIME-WAIT, say), never one a listener or a merely bound
 * socket holds; a broadcast address is EADDRNOTAVAIL; a socket that already
 * listened or connected is bound (EINVAL).
 */
int ts_bind(int fd, const struct sockaddr *addr, socklen_t addrlen);

/*
 * UDP: fix the peer. Afterwards ts_send() goes there, only the peer's
 * datagrams are received, and an ICMP error about a datagram sent to it
 * (port unreachable) makes the next call fail with ECONNREFUSED. Binds an
 * ephemeral port first if needed. A sockaddr with sa_family AF_UNSPEC
 * dissolves the association. Returns 0 at once: nothing is sent.
 * ENETUNREACH no route to addr; EACCES a broadcast address without
 * SO_BROADCAST; EINVAL port 0, addrlen too small, or bound to 127/8 and
 * addr is not reached through lo (127/8 never leaves the host); EAFNOSUPPORT;
 * EADDRINUSE no ephemeral port free; EFAULT; EBADF.
 *
 * TCP: send a SYN and return -1 with EINPROGRESS (never 0: the handshake
 * needs the loop). Binds an ephemeral port and picks the source address of
 * the route first if needed; 0.0.0.0 means 127.0.0.1. ts_poll() then reports
 * POLLOUT when the connection is open, or POLLERR|POLLHUP (no POLLOUT) when
 * it failed; SO_ERROR says which: 0, ECONNREFUSED (RST, or ICMP port or
 * protocol unreachable, in answer to the SYN) or ETIMEDOUT (no answer after
 * 5 retransmissions: 63 s at the default RTO). An error not yet taken by
 * SO_ERROR is returned once by the next ts_send, ts_recv or ts_connect.
 * Afterwards the same socket may connect again. Immediate errors: EALREADY
 * the SYN is out; EISCONN connected, or closing; EINVAL a listening socket;
 * ECONNREFUSED port 0; ENETUNREACH no route, or a broadcast or multicast
 * address (TCP is point to point, RFC 1122 4.2.3.10); EADDRINUSE no
 * ephemeral port free; EAFNOSUPPORT also for AF_UNSPEC; EINVAL addrlen;
 * EFAULT; EBADF.
 */
int ts_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/* The local address (0.0.0.0:0 before bind) / the connected peer (ENOTCONN
 * if none; TCP: ENOTCONN also while listening, while the SYN is out, and
 * once the connection is closed or reset).
 * *addrlen in: room at addr; out: sizeof(struct sockaddr_in). */
int ts_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen);
int ts_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen);

/* Sending and receiving --------------------------------------------------- */

/*
 * Send one datagram of len bytes to `to` (or to the connected peer when to is
 * NULL). Binds an ephemeral port first if needed. Returns len once the
 * datagram is handed to IP (it may still wait for ARP; UDP does not promise
 * delivery). flags: 0, MSG_DONTWAIT or MSG_NOSIGNAL (both no-ops here).
 * EMSGSIZE larger than the route's MTU allows (1472 bytes on Ethernet: no
 * fragmentation); ENETUNREACH no route; EDESTADDRREQ no `to` and not
 * connected; EACCES broadcast without SO_BROADCAST; ECONNREFUSED (connected
 * socket) an ICMP port unreachable came back for an earlier datagram;
 * ENOBUFS no packet buffer free (retry after ts_poll reports POLLOUT);
 * EINVAL port 0, tolen too small, 255.255.255.255, bound to 127/8 and the
 * destination is not reached through lo; EAFNOSUPPORT; EOPNOTSUPP
 * other flags; EFAULT buf is NULL with len > 0; EBADF.
 *
 * TCP: copy as much of buf as the send buffer takes (at most 65535 bytes
 * per connection) and return that count, which may be less than len; TCP
 * sends it when the windows allow. `to` is ignored. len 0 returns 0.
 * EAGAIN the buffer is full (wait for POLLOUT), or the handshake has not
 * finished; EPIPE after ts_shutdown(SHUT_WR) or ts_close's FIN: our side is
 * closed (no SIGPIPE is ever raised: MSG_NOSIGNAL changes nothing);
 * ECONNRESET the peer reset the connection, ETIMEDOUT retransmissions or
 * keep-alive gave up, ECONNREFUSED the connect failed (each reported once,
 * then ENOTCONN); ENOTCONN never connected, or listening.
 */
ssize_t ts_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
                  socklen_t tolen);
/* ts_sendto(fd, buf, len, flags, NULL, 0): the connected peer. */
ssize_t ts_send(int fd, const void *buf, size_t len, int flags);

/*
 * Take the oldest datagram: copy at most len bytes of it into buf (the rest
 * of a longer datagram is discarded, as on Linux) and its source into *from
 * (may be NULL; *fromlen as for ts_getsockname). Returns the bytes copied.
 * flags: 0, MSG_DONTWAIT, MSG_PEEK (look without taking it).
 * EAGAIN nothing waiting; ECONNREFUSED (connected socket) an ICMP error came
 * back, reported once, before any queued datagram; EOPNOTSUPP other flags;
 * EFAULT; EBADF.
 *
 * TCP: copy up to len bytes of the stream (any amount that has arrived in
 * order: a stream has no message boundaries); *from is the peer. Returns 0
 * at the end of the stream: the peer's FIN has been read up to, or after
 * ts_shutdown(SHUT_RD) once the buffer is empty, or the connection ended
 * and its error was reported. MSG_PEEK copies without taking (and reports
 * no error). Reading opens the receive window: an ACK announces it once it
 * grew by a full segment or half the buffer (RFC 1122 4.2.3.3).
 * EAGAIN nothing yet; ECONNRESET, ETIMEDOUT, ECONNREFUSED as for ts_send,
 * once, after the data that arrived before it is read; ENOTCONN never
 * connected, listening, or the SYN is still out (Linux: EAGAIN).
 */
ssize_t ts_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                    socklen_t *fromlen);
/* ts_recvfrom(fd, buf, len, flags, NULL, NULL). */
ssize_t ts_recv(int fd, void *buf, size_t len, int flags);

/* Options ----------------------------------------------------------------- */

/*
 * level SOL_SOCKET, an int value:
 *   SO_REUSEADDR  share a port with other sockets that also set it (TCP:
 *                 see ts_bind)
 *   SO_RCVBUF     UDP: payload bytes the receive queue may hold
 *                 (256..1048576; Linux doubles the value, tapstack keeps it
 *                 as given); the queue also holds at most sock.rcvq_max
 *                 datagrams. TCP: kept for getsockopt only; the buffers are
 *                 stack_config.tcp.sndbuf/rcvbuf (65535 bytes)
 *   SO_BROADCAST  allow sending to a broadcast address (UDP)
 *   SO_KEEPALIVE  TCP: probe an idle connection (RFC 1122 4.2.3.6): first
 *                 after 2 hours without a segment from the peer, then every
 *                 75 s; 9 unanswered probes end it with a RST and ETIMEDOUT
 *                 (stack_config.tcp.ka_*; no per-socket TCP_KEEP* options)
 * level IPPROTO_TCP (TCP sockets only):
 *   TCP_NODELAY   turn Nagle's algorithm off: short segments go at once
 *                 (RFC 1122 4.2.3.4); what Nagle held back goes now
 *   SO_LINGER     TCP, a struct linger: l_onoff with l_linger 0 makes
 *                 ts_close reset the connection (an abort); any other value
 *                 is the ordinary close, which never blocks. EINVAL optlen
 *                 < sizeof(struct linger); ENOPROTOOPT on UDP
 * Accepted sockets inherit SO_REUSEADDR, SO_KEEPALIVE, SO_RCVBUF and
 * TCP_NODELAY from the listener. Not there: SO_SNDBUF and other
 * names (ENOPROTOOPT). ENOPROTOOPT other levels or names; EINVAL optlen <
 * sizeof(int); EFAULT optval is NULL; EBADF.
 */
int ts_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
/* The same SOL_SOCKET names, plus SO_TYPE and SO_ERROR (the pending error,
 * then cleared; for a TCP connect: 0, ECONNREFUSED or ETIMEDOUT). Level
 * SOL_SOCKET only: TCP_NODELAY cannot be read back (ENOPROTOOPT). */
int ts_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);

/* Waiting ----------------------------------------------------------------- */

/*
 * Run the stack until one of fds is ready or timeout_ms passes (-1: no
 * limit; 0: one turn of the loop without waiting). For each entry revents
 * gets POLLIN (a datagram waits), POLLOUT (a datagram can be sent), POLLERR
 * (an ICMP error waits: the next call returns it), POLLNVAL (not an open
 * descriptor); entries with a negative fd are skipped. TCP: POLLIN on a
 * listener means a connection waits for ts_accept; on a connection, data or
 * the peer's FIN waits (or it is closed, or SHUT_RD: ts_recv returns at
 * once). POLLOUT: open (ESTABLISHED or CLOSE-WAIT), not shut for writing,
 * and room in the send buffer. POLLERR: an error waits (SO_ERROR or the
 * next call). POLLHUP: closed, or FINs went both ways. POLLERR and POLLHUP
 * are reported even when not asked for. Returns how many
 * entries have revents set, 0 on timeout.
 * EINTR a signal arrived and nothing is ready; EINVAL called while a
 * ts_poll is already running (from inside the stack) or from inside an app
 * handler (see ts_handler_enter) - handlers must return to the loop, not
 * wait in it; EFAULT fds is NULL with nfds > 0; EIO a driver failed.
 * On the virtual clock (unit tests) time moves only here: a wait jumps
 * straight to the next timer or the timeout; with no timer and timeout -1
 * there is nothing to wait for, and it returns 0.
 */
int ts_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);

/* Closing ----------------------------------------------------------------- */

/*
 * Release the descriptor at once. UDP: datagrams still queued are freed.
 * TCP: with unread data, send a RST and forget the connection (RFC 1122
 * 4.2.2.13, counted as tcp.rst_unread); otherwise send a FIN after the data
 * still queued. The control block lives on without the descriptor through
 * FIN-WAIT, CLOSING or LAST-ACK and TIME-WAIT (2*MSL), and TCP frees it
 * itself. A listener resets the established connections nobody accepted
 * and drops those still in the handshake. With SO_LINGER on and 0 s, a TCP
 * connection is aborted instead (RFC 9293 3.10.4: RST, the control block
 * freed at once, unsent data dropped). Never blocks. EBADF.
 */
int ts_close(int fd);

/* TCP (SOCK_STREAM) only; on a UDP socket they fail with EOPNOTSUPP. */

/*
 * Take connections on the bound address (an unbound socket gets an
 * ephemeral port). backlog, clamped to 1..128, bounds the connections still
 * in the handshake and those waiting for ts_accept together. When it is
 * full, a new SYN pushes out the oldest half-open one (tcp.syn_evicted); if
 * all are established and waiting, the SYN is dropped unanswered
 * (tcp.backlog_full) and the client retries. Calling it again on a listener
 * sets a new backlog.
 * EINVAL the socket is connected or connecting; EADDRINUSE no ephemeral
 * port free; EOPNOTSUPP; EBADF.
 */
int ts_listen(int fd, int backlog);
/*
 * The oldest established connection in the listener's queue, as a new
 * descriptor (the lowest free one); its peer goes to *addr as for
 * ts_getsockname. The new socket inherits the options listed at
 * ts_setsockopt. EAGAIN none waiting (ts_poll reports POLLIN when one
 * does); EMFILE the socket table is full: the connection stays queued and
 * a later ts_accept takes it (counted as sock.table_full); EINVAL not
 * listening; EFAULT addr without addrlen; EOPNOTSUPP; EBADF.
 */
int ts_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
/*
 * SHUT_WR: send a FIN after the data already queued (a half-close: the
 * peer reads end of stream, and we can still receive); later ts_send fails
 * with EPIPE. SHUT_RD: ts_recv returns 0 once the buffer is empty (data
 * that still arrives is taken in and can be read; nothing is sent).
 * SHUT_RDWR: both. Repeating one is harmless (0).
 * EINVAL another `how`; ENOTCONN never connected, listening, the SYN still
 * out, or the connection is closed; EOPNOTSUPP; EBADF.
 */
int ts_shutdown(int fd, int how);

/* Not in BSD: the app dispatcher (apps/app.c) ----------------------------- */

/* The dispatcher brackets its calls of app handlers with these; in between,
 * ts_poll fails with EINVAL. (The host build makes them no-ops.) */
void ts_handler_enter(void);
void ts_handler_leave(void);

/* For the stack, not for apps --------------------------------------------- */

struct socket_config {
    unsigned max_sockets;     /* size of the socket table (default 64) */
    unsigned rcvbuf;          /* default SO_RCVBUF, payload bytes (default 65536) */
    unsigned rcvq_max;        /* datagrams a receive queue holds (default 64) */
};

/* Fill cfg with the socket layer's defaults (stack_defaults collects them). */
void socket_defaults(struct socket_config *cfg);
/* Allocate the table (calloc once); called by stack_init. 0 or -1. */
int socket_init(const struct socket_config *cfg);
/* Close every socket and free the table; called by stack_shutdown. */
void socket_shutdown(void);
/* Open sockets, for the stats and the tests. */
unsigned socket_count(void);

#endif
