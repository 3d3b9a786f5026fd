/*
 * shim_host.h - the socket-like API on the host's own BSD sockets.
 *
 * tapstack's API was made with the same names (plus ts_), arguments and
 * errno values as the real one, so this header is all it takes to run an app
 * from apps/ on the Linux kernel: build it with -DTS_HOST (app.h then
 * includes this instead of stack/socket.h). Two adjustments keep the
 * behaviour the same: sockets are opened non-blocking, as tapstack's always
 * are, and ts_handler_enter/leave (tapstack's re-entrancy guard) do nothing.
 */
#ifndef TS_SHIM_HOST_H
#define TS_SHIM_HOST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

static inline int
ts_socket(int domain, int type, int protocol)
{
    return socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
}

static inline int
ts_bind(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    return bind(fd, addr, addrlen);
}

static inline int
ts_connect(int fd, const struct sockaddr *addr, socklen_t addrlen)
{
    return connect(fd, addr, addrlen);
}

static inline int
ts_getsockname(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return getsockname(fd, addr, addrlen);
}

static inline int
ts_getpeername(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    return getpeername(fd, addr, addrlen);
}

static inline ssize_t
ts_sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
          socklen_t tolen)
{
    return sendto(fd, buf, len, flags, to, tolen);
}

static inline ssize_t
ts_send(int fd, const void *buf, size_t len, int flags)
{
    return send(fd, buf, len, flags);
}

static inline ssize_t
ts_recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
    return recvfrom(fd, buf, len, flags, from, fromlen);
}

static inline ssize_t
ts_recv(int fd, void *buf, size_t len, int flags)
{
    return recv(fd, buf, len, flags);
}

static inline int
ts_setsockopt(int fd, int level, int optname, const void *optval, socklen_t optlen)
{
    return setsockopt(fd, level, optname, optval, optlen);
}

static inline int
ts_getsockopt(int fd, int level, int optname, void *optval, socklen_t *optlen)
{
    return getsockopt(fd, level, optname, optval, optlen);
}

static inline int
ts_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    return poll(fds, nfds, timeout_ms);
}

static inline int
ts_close(int fd)
{
    return close(fd);
}

static inline int
ts_listen(int fd, int backlog)
{
    return listen(fd, backlog);
}

static inline int
ts_accept(int fd, struct sockaddr *addr, socklen_t *addrlen)
{
    int c = accept(fd, addr, addrlen);

    /* Non-blocking like every tapstack socket (accept4 would need _GNU_SOURCE first). */
    if (c >= 0)
        fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
    return c;
}

static inline int
ts_shutdown(int fd, int how)
{
    return shutdown(fd, how);
}

static inline void
ts_handler_enter(void)
{
}

static inline void
ts_handler_leave(void)
{
}

#endif
