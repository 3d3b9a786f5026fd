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
 * What exists today: AF_INET + SOCK_DGRAM (UDP). SOCK_STREAM (TCP: ts_listen,
 * ts_accept, ts_shutdown, stream ts_send/ts_recv) comes with the TCP issue;
 * until then ts_socket(AF_INET, SOCK_STREAM, 0) fails with EPROTONOSUPPORT.
 * docs/api.md has the full errno table and the differences from Linux.
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
 * A new socket: domain AF_INET, type SOCK_DGRAM (SOCK_NONBLOCK and
 * SOCK_CLOEXEC may be or-ed in and are ignored: it is non-blocking anyway),
 * protocol 0 or IPPROTO_UDP. Returns the descriptor.
 * EAFNOSUPPORT other domains; EPROTONOSUPPORT SOCK_STREAM (coming with TCP),
 * SOCK_RAW or a protocol that does not fit the type; EINVAL unknown type;
 * EMFILE the socket table is full (stack_config.sock.max_sockets, default 64).
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
 */
int ts_connect(int fd, const struct sockaddr *addr, socklen_t addrlen);

/* The local address (0.0.0.0:0 before bind) / the connected peer (ENOTCONN
 * if none). *addrlen in: room at addr; out: sizeof(struct sockaddr_in). */
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
 */
ssize_t ts_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
                    socklen_t *fromlen);
/* ts_recvfrom(fd, buf, len, flags, NULL, NULL). */
ssize_t ts_recv(int fd, void *buf, size_t len, int flags);

/* Options ----------------------------------------------------------------- */

/*
 * level SOL_SOCKET, an int value:
 *   SO_REUSEADDR  share a port with other sockets that also set it
 *   SO_RCVBUF     payload bytes the receive queue may hold (256..1048576;
 *                 Linux doubles the value, tapstack keeps it as given);
 *                 the queue also holds at most sock.rcvq_max datagrams
 *   SO_BROADCAST  allow sending to a broadcast address
 * ENOPROTOOPT other levels or names; EINVAL optlen < sizeof(int); EFAULT
 * optval is NULL; EBADF.
 */
int ts_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen);
/* The same names, plus SO_TYPE and SO_ERROR (the pending error, then cleared). */
int ts_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen);

/* Waiting ----------------------------------------------------------------- */

/*
 * Run the stack until one of fds is ready or timeout_ms passes (-1: no
 * limit; 0: one turn of the loop without waiting). For each entry revents
 * gets POLLIN (a datagram waits), POLLOUT (a datagram can be sent), POLLERR
 * (an ICMP error waits: the next call returns it), POLLNVAL (not an open
 * descriptor); entries with a negative fd are skipped. Returns how many
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

/* Release the descriptor; datagrams still queued are freed. EBADF. */
int ts_close(int fd);

/* Coming with TCP (SOCK_STREAM). On a UDP socket they fail with EOPNOTSUPP. */
int ts_listen(int fd, int backlog);
int ts_accept(int fd, struct sockaddr *addr, socklen_t *addrlen);
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

/* Allocate the table (calloc once); called by stack_init. 0 or -1. */
int socket_init(const struct socket_config *cfg);
/* Close every socket and free the table; called by stack_shutdown. */
void socket_shutdown(void);
/* Open sockets, for the stats and the tests. */
unsigned socket_count(void);

#endif
