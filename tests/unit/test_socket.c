/*
 * test_socket.c - the socket-like API (stack/socket.h): the BSD calls'
 * argument checks and errno values, descriptors, bind conflicts and
 * SO_REUSEADDR, options, names, and ts_poll on the virtual clock (timeouts,
 * readiness, re-entrancy). Traffic goes over lo (127.0.0.1 or our own
 * address) unless a test needs the wire; every test closes its sockets, and
 * the fixture then checks that no packet buffer is left.
 */
#include "helpers.h"

#include "../../stack/socket.h"
#include "../../stack/udp.h"
#include "../../stack/route.h"
#include "../../stack/netif.h"
#include "../../stack/pkb.h"
#include "../../stack/clock.h"
#include "../../stack/stack.h"
#include "../../drivers/capture.h"

#include <arpa/inet.h>
#include <string.h>

#define LOCALHOST IP4(127, 0, 0, 1)

static struct sockaddr_in
sin_of(uint32_t addr, uint16_t port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(addr);
    a.sin_port = htons(port);
    return a;
}

#define SA(p) ((struct sockaddr *)(p))

static int
dgram(void)
{
    int fd = ts_socket(AF_INET, SOCK_DGRAM, 0);

    ck_assert_int_ge(fd, 0);
    return fd;
}

/* -1 with errno e. */
#define ck_fails(call, e) \
    do { \
        errno = 0; \
        ck_assert_int_eq((call), -1); \
        ck_assert_int_eq(errno, (e)); \
    } while (0)

static int
bind_to(int fd, uint32_t addr, uint16_t port)
{
    struct sockaddr_in a = sin_of(addr, port);

    return ts_bind(fd, SA(&a), sizeof(a));
}

static void
set_int(int fd, int name, int v)
{
    ck_assert_int_eq(ts_setsockopt(fd, SOL_SOCKET, name, &v, sizeof(v)), 0);
}

static int
get_int(int fd, int name)
{
    int v = -1;
    socklen_t len = sizeof(v);

    ck_assert_int_eq(ts_getsockopt(fd, SOL_SOCKET, name, &v, &len), 0);
    ck_assert_uint_eq(len, sizeof(v));
    return v;
}

/* ts_socket --------------------------------------------------------------- */

/* Families, types and protocols: the errno values socket(2) uses. */
START_TEST(test_socket_create_errors)
{
    int fd;

    ck_fails(ts_socket(AF_INET6, SOCK_DGRAM, 0), EAFNOSUPPORT);
    ck_fails(ts_socket(AF_UNIX, SOCK_DGRAM, 0), EAFNOSUPPORT);
    ck_fails(ts_socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    ck_fails(ts_socket(AF_INET, SOCK_RAW, IPPROTO_UDP), EPROTONOSUPPORT);
    ck_fails(ts_socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP), EPROTONOSUPPORT);
    ck_fails(ts_socket(AF_INET, 99, 0), EINVAL);
    fd = ts_socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    ck_assert_int_eq(fd, 0);                                  /* the lowest free descriptor */
    ck_assert_int_eq(get_int(fd, SO_TYPE), SOCK_DGRAM);
    ck_assert_uint_eq(socket_count(), 1);
    ck_assert_int_eq(ts_close(fd), 0);
    ck_assert_uint_eq(socket_count(), 0);
}
END_TEST

/* EMFILE when the table is full; a closed slot is reused, lowest first. */
START_TEST(test_socket_emfile_and_lowest_fd)
{
    int fds[64];

    for (int i = 0; i < 64; i++) {
        fds[i] = dgram();
        ck_assert_int_eq(fds[i], i);
    }
    ck_fails(ts_socket(AF_INET, SOCK_DGRAM, 0), EMFILE);
    ck_assert_uint_eq(STAT_GET(sock, table_full), 1);
    ck_assert_int_eq(ts_close(40), 0);
    ck_assert_int_eq(ts_close(17), 0);
    ck_assert_int_eq(dgram(), 17);
    ck_assert_int_eq(dgram(), 40);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(ts_close(i), 0);
    ck_assert_uint_eq(STAT_GET(sock, opened), 66);
    ck_assert_uint_eq(STAT_GET(sock, closed), 66);
}
END_TEST

/* Every call on something that is not an open descriptor: EBADF. */
START_TEST(test_socket_ebadf)
{
    static const int bad[] = { -1, 3, 64, 1000 };
    struct sockaddr_in a = sin_of(LOCALHOST, 7);
    socklen_t len = sizeof(a);
    char buf[4];
    int v = 1;

    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        int fd = bad[i];

        ck_fails(ts_bind(fd, SA(&a), sizeof(a)), EBADF);
        ck_fails(ts_connect(fd, SA(&a), sizeof(a)), EBADF);
        ck_fails(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a)), EBADF);
        ck_fails(ts_send(fd, "x", 1, 0), EBADF);
        ck_fails(ts_recvfrom(fd, buf, sizeof(buf), 0, SA(&a), &len), EBADF);
        ck_fails(ts_recv(fd, buf, sizeof(buf), 0), EBADF);
        ck_fails(ts_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, sizeof(v)), EBADF);
        ck_fails(ts_getsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, &len), EBADF);
        ck_fails(ts_getsockname(fd, SA(&a), &len), EBADF);
        ck_fails(ts_getpeername(fd, SA(&a), &len), EBADF);
        ck_fails(ts_listen(fd, 1), EBADF);
        ck_fails(ts_accept(fd, NULL, NULL), EBADF);
        ck_fails(ts_shutdown(fd, SHUT_RDWR), EBADF);
        ck_fails(ts_close(fd), EBADF);
    }
    v = dgram();
    ck_assert_int_eq(ts_close(v), 0);
    ck_fails(ts_close(v), EBADF);                              /* closed twice */
}
END_TEST

/* ts_bind ----------------------------------------------------------------- */

/* EINVAL, EFAULT, EAFNOSUPPORT, EADDRNOTAVAIL: the argument checks of bind(2). */
START_TEST(test_socket_bind_errors)
{
    struct sockaddr_in a = sin_of(0, 7000);
    int fd = dgram();

    ck_fails(ts_bind(fd, NULL, sizeof(a)), EFAULT);
    ck_fails(ts_bind(fd, SA(&a), sizeof(a) - 1), EINVAL);
    a.sin_family = AF_INET6;
    ck_fails(ts_bind(fd, SA(&a), sizeof(a)), EAFNOSUPPORT);
    ck_fails(bind_to(fd, UT_IP_OTHER, 7000), EADDRNOTAVAIL);  /* on the subnet, not ours */
    ck_fails(bind_to(fd, IP4(192, 0, 2, 1), 7000), EADDRNOTAVAIL);
    ck_assert_int_eq(bind_to(fd, UT_IP_US, 7000), 0);
    ck_fails(bind_to(fd, UT_IP_US, 7001), EINVAL);            /* bound already */
    ck_assert_int_eq(ts_close(fd), 0);
    /* 127/8 is all ours (RFC 1122 3.2.1.3), and so is the subnet broadcast. */
    fd = dgram();
    ck_assert_int_eq(bind_to(fd, IP4(127, 0, 0, 5), 7000), 0);
    ck_assert_int_eq(ts_close(fd), 0);
    fd = dgram();
    ck_assert_int_eq(bind_to(fd, UT_IP_BCAST, 7000), 0);
    ck_assert_int_eq(ts_close(fd), 0);
}
END_TEST

/* EADDRINUSE on an overlapping address (equal, or either is 0.0.0.0); distinct ones share. */
START_TEST(test_socket_bind_eaddrinuse)
{
    int a = dgram(), b = dgram(), c = dgram();

    ck_assert_int_eq(bind_to(a, 0, 7000), 0);
    ck_fails(bind_to(b, 0, 7000), EADDRINUSE);
    ck_fails(bind_to(b, UT_IP_US, 7000), EADDRINUSE);          /* specific under a wildcard */
    ck_assert_int_eq(bind_to(b, UT_IP_US, 7001), 0);
    ck_fails(bind_to(c, 0, 7001), EADDRINUSE);                 /* wildcard over a specific */
    ck_assert_int_eq(bind_to(c, LOCALHOST, 7001), 0);          /* different specific: fine */
    ck_assert_int_eq(ts_close(a), 0);
    a = dgram();
    ck_assert_int_eq(bind_to(a, 0, 7000), 0);                  /* free again after close */
    ts_close(a);
    ts_close(b);
    ts_close(c);
}
END_TEST

/* SO_REUSEADDR: sharing needs it on both sockets. */
START_TEST(test_socket_reuseaddr)
{
    int a = dgram(), b = dgram(), c = dgram();

    ck_assert_int_eq(get_int(a, SO_REUSEADDR), 0);
    set_int(a, SO_REUSEADDR, 1);
    ck_assert_int_eq(get_int(a, SO_REUSEADDR), 1);
    ck_assert_int_eq(bind_to(a, 0, 7000), 0);
    ck_fails(bind_to(b, 0, 7000), EADDRINUSE);                 /* b did not ask */
    set_int(b, SO_REUSEADDR, 1);
    ck_assert_int_eq(bind_to(b, 0, 7000), 0);
    set_int(c, SO_REUSEADDR, 1);
    ck_assert_int_eq(bind_to(c, UT_IP_US, 7000), 0);
    ts_close(a);
    ts_close(b);
    ts_close(c);
}
END_TEST

/* Names ------------------------------------------------------------------- */

/* getsockname/getpeername through bind, connect and an AF_UNSPEC disconnect. */
START_TEST(test_socket_names)
{
    struct sockaddr_in a, peer = sin_of(UT_IP_PEER, 53);
    struct sockaddr unspec = { .sa_family = AF_UNSPEC };
    socklen_t len = sizeof(a);
    int fd = dgram();
    uint16_t lport;

    ck_assert_int_eq(ts_getsockname(fd, SA(&a), &len), 0);
    ck_assert_uint_eq(len, sizeof(a));
    ck_assert_uint_eq(a.sin_family, AF_INET);
    ck_assert_uint_eq(a.sin_addr.s_addr, 0);                  /* 0.0.0.0:0 before bind */
    ck_assert_uint_eq(a.sin_port, 0);
    ck_fails(ts_getpeername(fd, SA(&a), &len), ENOTCONN);
    ck_fails(ts_getsockname(fd, NULL, &len), EFAULT);
    ck_assert_int_eq(ts_connect(fd, SA(&peer), sizeof(peer)), 0);
    len = sizeof(a);
    ck_assert_int_eq(ts_getpeername(fd, SA(&a), &len), 0);
    ck_assert_uint_eq(ntohl(a.sin_addr.s_addr), UT_IP_PEER);
    ck_assert_uint_eq(ntohs(a.sin_port), 53);
    ck_assert_int_eq(ts_getsockname(fd, SA(&a), &len), 0);
    ck_assert_uint_eq(ntohl(a.sin_addr.s_addr), UT_IP_US);    /* as Linux: the route's source */
    lport = ntohs(a.sin_port);
    ck_assert_uint_ge(lport, UDP_EPHEMERAL_FIRST);
    /* A short buffer gets what fits; the length says what the whole would be. */
    len = 4;
    memset(&a, 0xee, sizeof(a));
    ck_assert_int_eq(ts_getsockname(fd, SA(&a), &len), 0);
    ck_assert_uint_eq(len, sizeof(a));
    ck_assert_uint_eq(a.sin_family, AF_INET);
    ck_assert_uint_eq(a.sin_addr.s_addr, 0xeeeeeeeeu);        /* not written */
    /* AF_UNSPEC dissolves the association; the port stays. */
    ck_assert_int_eq(ts_connect(fd, &unspec, sizeof(unspec)), 0);
    len = sizeof(a);
    ck_fails(ts_getpeername(fd, SA(&a), &len), ENOTCONN);
    ck_assert_int_eq(ts_getsockname(fd, SA(&a), &len), 0);
    ck_assert_uint_eq(a.sin_addr.s_addr, 0);
    ck_assert_uint_eq(ntohs(a.sin_port), lport);
    ts_close(fd);
}
END_TEST

/* ts_connect -------------------------------------------------------------- */

START_TEST(test_socket_connect_errors)
{
    struct sockaddr_in a = sin_of(UT_IP_PEER, 0);
    int fd = dgram();

    ck_fails(ts_connect(fd, NULL, sizeof(a)), EFAULT);
    ck_fails(ts_connect(fd, SA(&a), 8), EINVAL);
    ck_fails(ts_connect(fd, SA(&a), sizeof(a)), EINVAL);       /* port 0 */
    a = sin_of(UT_IP_BCAST, 7);
    ck_fails(ts_connect(fd, SA(&a), sizeof(a)), EACCES);       /* broadcast, no SO_BROADCAST */
    a.sin_family = AF_INET6;
    ck_fails(ts_connect(fd, SA(&a), sizeof(a)), EAFNOSUPPORT);
    route_flush();                                             /* no routes at all */
    a = sin_of(UT_IP_PEER, 7);
    ck_fails(ts_connect(fd, SA(&a), sizeof(a)), ENETUNREACH);
    ts_close(fd);
}
END_TEST

/* ts_sendto / ts_send ----------------------------------------------------- */

START_TEST(test_socket_sendto_errors)
{
    static char big[70000];
    struct sockaddr_in a = sin_of(LOCALHOST, 9), bc = sin_of(UT_IP_BCAST, 9);
    int fd = dgram();
    uint8_t f[UT_FRAME_MAX];

    ck_fails(ts_send(fd, "x", 1, 0), EDESTADDRREQ);            /* not connected */
    ck_fails(ts_sendto(fd, NULL, 5, 0, SA(&a), sizeof(a)), EFAULT);
    ck_fails(ts_sendto(fd, "x", 1, MSG_OOB, SA(&a), sizeof(a)), EOPNOTSUPP);
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a) - 1), EINVAL);
    a.sin_port = 0;
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a)), EINVAL);
    a = sin_of(0xffffffffu, 9);
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a)), EINVAL);   /* LIMIT: limited bcast */
    a = sin_of(LOCALHOST, 9);
    a.sin_family = AF_INET6;
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a)), EAFNOSUPPORT);
    a = sin_of(LOCALHOST, 9);
    ck_fails(ts_sendto(fd, big, 1473, 0, SA(&a), sizeof(a)), EMSGSIZE);    /* lo's MTU 1500 */
    ck_fails(ts_sendto(fd, big, sizeof(big), 0, SA(&a), sizeof(a)), EMSGSIZE);
    /* Broadcast needs SO_BROADCAST; then it leaves as an Ethernet broadcast. */
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&bc), sizeof(bc)), EACCES);
    set_int(fd, SO_BROADCAST, 1);
    ck_assert_int_eq(get_int(fd, SO_BROADCAST), 1);
    ck_assert_int_eq(ts_sendto(fd, "x", 1, 0, SA(&bc), sizeof(bc)), 1);
    ck_assert_uint_eq(ut_pop(f), 60);
    ck_assert_mem_eq(f, ut_mac_bcast, 6);
    ck_assert_uint_eq(capture_count(), 0);
    /* A zero-length datagram is a datagram; MSG_DONTWAIT and MSG_NOSIGNAL are accepted. */
    ck_assert_int_eq(ts_sendto(fd, NULL, 0, MSG_DONTWAIT | MSG_NOSIGNAL, SA(&a), sizeof(a)), 0);
    ck_assert_uint_eq(STAT_GET(udp, tx), 2);
    ck_assert_int_eq(ts_poll(NULL, 0, 10), 0);                 /* let lo deliver (and refuse) it */
    ts_close(fd);
}
END_TEST

/* RFC 1122 3.2.1.3: a socket bound to 127/8 cannot talk to the wire (EINVAL), only to lo;
 * one bound to a broadcast address sends from our specific address. */
START_TEST(test_socket_source_address_rules)
{
    struct sockaddr_in peer = sin_of(UT_IP_PEER, 9), lo = sin_of(LOCALHOST, 9);
    int fd = dgram(), b = dgram();
    uint8_t f[UT_FRAME_MAX];

    ck_assert_int_eq(bind_to(fd, LOCALHOST, 0), 0);
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&peer), sizeof(peer)), EINVAL);
    ck_fails(ts_connect(fd, SA(&peer), sizeof(peer)), EINVAL);
    ck_assert_int_eq(ts_sendto(fd, "x", 1, 0, SA(&lo), sizeof(lo)), 1);
    ck_assert_uint_eq(capture_count(), 0);
    ut_learn(UT_IP_PEER, ut_mac_peer);
    ck_assert_int_eq(bind_to(b, UT_IP_BCAST, 0), 0);
    ck_assert_int_eq(ts_sendto(b, "y", 1, 0, SA(&peer), sizeof(peer)), 1);
    ck_assert_uint_eq(ut_pop(f), 60);
    ck_assert_uint_eq(f[14 + 12], 10);                         /* source 10.0.0.2 */
    ck_assert_uint_eq(f[14 + 15], 2);
    ck_assert_int_eq(ts_poll(NULL, 0, 10), 0);                 /* drain lo */
    capture_clear();
    ts_close(fd);
    ts_close(b);
}
END_TEST

/* ENOBUFS when the pool is empty, and POLLOUT says so. */
START_TEST(test_socket_enobufs)
{
    struct sockaddr_in a = sin_of(LOCALHOST, 9);
    struct pkb *held[UT_PKB_COUNT + 1];          /* the last one gets the NULL */
    struct pollfd p;
    int fd = dgram();
    size_t n = 0;

    while ((held[n] = pkb_alloc()) != NULL)
        n++;
    p = (struct pollfd){ .fd = fd, .events = POLLOUT };
    ck_assert_int_eq(ts_poll(&p, 1, 0), 0);                    /* not writable */
    ck_fails(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a)), ENOBUFS);
    pkb_free(held[--n]);
    ck_assert_int_eq(ts_poll(&p, 1, 0), 1);
    ck_assert_int_eq(p.revents, POLLOUT);
    while (n > 0)
        pkb_free(held[--n]);
    ts_close(fd);
}
END_TEST

/* ts_recvfrom / ts_recv --------------------------------------------------- */

/* EAGAIN, flags, MSG_PEEK and truncation of a longer datagram. */
START_TEST(test_socket_recv)
{
    struct sockaddr_in me = sin_of(LOCALHOST, 7000), from;
    socklen_t flen = sizeof(from);
    int srv = dgram(), cli = dgram();
    struct pollfd p = { .fd = srv, .events = POLLIN };
    char buf[32];

    ck_assert_int_eq(ts_bind(srv, SA(&me), sizeof(me)), 0);
    ck_fails(ts_recv(srv, buf, sizeof(buf), 0), EAGAIN);
    ck_fails(ts_recv(srv, buf, sizeof(buf), MSG_OOB), EOPNOTSUPP);
    ck_fails(ts_recv(srv, NULL, 5, 0), EFAULT);
    ck_fails(ts_recvfrom(srv, buf, sizeof(buf), 0, SA(&from), NULL), EFAULT);
    ck_assert_int_eq(ts_sendto(cli, "0123456789", 10, 0, SA(&me), sizeof(me)), 10);
    ck_assert_int_eq(ts_sendto(cli, "second", 6, 0, SA(&me), sizeof(me)), 6);
    ck_assert_int_eq(ts_poll(&p, 1, 10), 1);
    /* MSG_PEEK: looked at, left in place. */
    ck_assert_int_eq(ts_recv(srv, buf, sizeof(buf), MSG_PEEK), 10);
    ck_assert_int_eq(ts_recvfrom(srv, buf, 3, MSG_DONTWAIT, SA(&from), &flen), 3);
    ck_assert_mem_eq(buf, "012", 3);                           /* the rest is discarded */
    ck_assert_uint_eq(ntohl(from.sin_addr.s_addr), LOCALHOST);
    ck_assert_int_eq(ts_recv(srv, buf, sizeof(buf), 0), 6);
    ck_assert_mem_eq(buf, "second", 6);
    ck_fails(ts_recv(srv, buf, sizeof(buf), 0), EAGAIN);
    ts_close(srv);
    ts_close(cli);
}
END_TEST

/* Options ----------------------------------------------------------------- */

START_TEST(test_socket_options)
{
    int fd = dgram(), v = 1;
    socklen_t len = 1;

    ck_fails(ts_setsockopt(fd, IPPROTO_IP, SO_REUSEADDR, &v, sizeof(v)), ENOPROTOOPT);
    ck_fails(ts_setsockopt(fd, SOL_SOCKET, SO_LINGER, &v, sizeof(v)), ENOPROTOOPT);
    ck_fails(ts_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &v, 1), EINVAL);
    ck_fails(ts_setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, NULL, sizeof(v)), EFAULT);
    ck_fails(ts_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len), EINVAL);
    ck_fails(ts_getsockopt(fd, SOL_SOCKET, SO_RCVBUF, NULL, &len), EFAULT);
    len = sizeof(v);
    ck_fails(ts_getsockopt(fd, SOL_SOCKET, SO_SNDBUF, &v, &len), ENOPROTOOPT);
    ck_assert_int_eq(get_int(fd, SO_RCVBUF), 65536);           /* the default */
    set_int(fd, SO_RCVBUF, 1);
    ck_assert_int_eq(get_int(fd, SO_RCVBUF), 256);             /* clamped up */
    set_int(fd, SO_RCVBUF, 1 << 30);
    ck_assert_int_eq(get_int(fd, SO_RCVBUF), 1 << 20);         /* clamped down */
    set_int(fd, SO_RCVBUF, 5000);
    ck_assert_int_eq(get_int(fd, SO_RCVBUF), 5000);            /* not doubled */
    ck_assert_int_eq(get_int(fd, SO_ERROR), 0);
    ck_fails(ts_listen(fd, 5), EOPNOTSUPP);                    /* SOCK_STREAM only */
    ck_fails(ts_accept(fd, NULL, NULL), EOPNOTSUPP);
    ck_fails(ts_shutdown(fd, SHUT_WR), EOPNOTSUPP);
    ts_close(fd);
}
END_TEST

/* ts_poll ----------------------------------------------------------------- */

/* The timeout runs on the virtual clock: exactly timeout_ms passes, instantly. */
START_TEST(test_socket_poll_timeout)
{
    int fd = dgram();
    struct pollfd p = { .fd = fd, .events = POLLIN };
    uint64_t t0 = clock_now();

    ck_assert_int_eq(bind_to(fd, 0, 7000), 0);
    ck_assert_int_eq(ts_poll(&p, 1, 0), 0);                    /* one turn, no wait */
    ck_assert_uint_eq(clock_now(), t0);
    ck_assert_int_eq(ts_poll(&p, 1, 250), 0);
    ck_assert_int_eq(p.revents, 0);
    ck_assert_uint_eq(clock_now(), t0 + 250 * US_PER_MS);
    ck_assert_int_eq(ts_poll(NULL, 0, 1000), 0);               /* a plain sleep */
    ck_assert_uint_eq(clock_now(), t0 + 1250 * US_PER_MS);
    /* No timer, no frame, no timeout: nothing can happen, so it returns at once. */
    ck_assert_int_eq(ts_poll(&p, 1, -1), 0);
    ck_assert_uint_eq(clock_now(), t0 + 1250 * US_PER_MS);
    ts_close(fd);
}
END_TEST

/* Timers due during a wait fire at their own time (ARP retries here). */
START_TEST(test_socket_poll_runs_timers)
{
    struct sockaddr_in a = sin_of(UT_IP_OTHER, 9);             /* nobody answers ARP */
    int fd = dgram();
    uint64_t t0 = clock_now();

    ck_assert_int_eq(ts_sendto(fd, "x", 1, 0, SA(&a), sizeof(a)), 1);
    ck_assert_uint_eq(STAT_GET(arp, req_out), 1);
    ck_assert_int_eq(ts_poll(NULL, 0, 2500), 0);
    ck_assert_uint_eq(STAT_GET(arp, req_out), 3);              /* at 1 s and 2 s */
    ck_assert_uint_eq(clock_now(), t0 + 2500 * US_PER_MS);
    capture_clear();
    ts_close(fd);
}
END_TEST

/* revents: POLLOUT, POLLIN, POLLNVAL; negative descriptors skipped; the count. */
START_TEST(test_socket_poll_events)
{
    struct sockaddr_in me = sin_of(LOCALHOST, 7000);
    int srv = dgram(), cli = dgram();
    struct pollfd p[4] = {
        { .fd = srv, .events = POLLIN },
        { .fd = cli, .events = POLLIN | POLLOUT },
        { .fd = -1, .events = POLLIN },
        { .fd = 42, .events = POLLIN },
    };

    ck_assert_int_eq(ts_bind(srv, SA(&me), sizeof(me)), 0);
    ck_assert_int_eq(ts_poll(p, 4, 0), 2);
    ck_assert_int_eq(p[0].revents, 0);
    ck_assert_int_eq(p[1].revents, POLLOUT);
    ck_assert_int_eq(p[2].revents, 0);
    ck_assert_int_eq(p[3].revents, POLLNVAL);
    ck_assert_int_eq(ts_sendto(cli, "hi", 2, 0, SA(&me), sizeof(me)), 2);
    ck_assert_int_eq(ts_poll(p, 2, 1000), 2);
    ck_assert_int_eq(p[0].revents, POLLIN);
    ck_fails(ts_poll(NULL, 1, 0), EFAULT);
    ck_assert_int_eq(ts_recv(srv, p, sizeof(p), 0), 2);
    ts_close(srv);
    ts_close(cli);
}
END_TEST

static int nested_result, nested_errno;

static void
nested_poll(void *arg)
{
    (void)arg;
    nested_result = ts_poll(NULL, 0, 0);
    nested_errno = errno;
}

/* Not re-entrant: refused (EINVAL) from inside the stack and from inside a handler. */
START_TEST(test_socket_poll_not_reentrant)
{
    struct timer t;

    timer_init(&t, "test-nested-poll", nested_poll, NULL);
    timer_arm(&t, 100 * US_PER_MS);
    nested_result = 0;
    ck_assert_int_eq(ts_poll(NULL, 0, 200), 0);
    ck_assert_int_eq(nested_result, -1);                       /* the timer ran inside ts_poll */
    ck_assert_int_eq(nested_errno, EINVAL);
    ts_handler_enter();
    ck_fails(ts_poll(NULL, 0, 0), EINVAL);
    ts_handler_leave();
    ck_assert_int_eq(ts_poll(NULL, 0, 0), 0);
}
END_TEST

/* ECONNREFUSED on a connected socket, over lo: POLLERR, then once from ts_send. */
START_TEST(test_socket_econnrefused)
{
    struct sockaddr_in closed = sin_of(LOCALHOST, 4);
    int fd = dgram();
    struct pollfd p = { .fd = fd, .events = POLLOUT };

    ck_assert_int_eq(ts_connect(fd, SA(&closed), sizeof(closed)), 0);
    ck_assert_int_eq(ts_send(fd, "?", 1, 0), 1);
    ck_assert_int_eq(ts_poll(&p, 1, 1000), 1);                 /* POLLOUT at once ... */
    ck_assert_int_eq(ts_poll(&p, 1, 1000), 1);                 /* ... then the error came */
    ck_assert_int_eq(p.revents, POLLOUT | POLLERR);
    ck_fails(ts_send(fd, "?", 1, 0), ECONNREFUSED);
    ck_assert_int_eq(ts_send(fd, "?", 1, 0), 1);               /* reported once */
    ts_close(fd);                                              /* the second error is dropped */
    ck_assert_int_eq(ts_poll(NULL, 0, 10), 0);
    ck_assert_uint_eq(STAT_GET(udp, err_unconnected), 1);      /* its socket is gone */
}
END_TEST

/* Closing frees queued datagrams; shutting the stack down closes what is left. */
START_TEST(test_socket_close_frees_queue)
{
    struct sockaddr_in me = sin_of(UT_IP_US, 7000);
    int srv = dgram(), cli = dgram();

    ck_assert_int_eq(ts_bind(srv, SA(&me), sizeof(me)), 0);
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(ts_sendto(cli, "q", 1, 0, SA(&me), sizeof(me)), 1);
    ck_assert_int_eq(ts_poll(NULL, 0, 10), 0);
    ck_assert_uint_eq(pkb_in_use(), 5);
    ck_assert_int_eq(ts_close(srv), 0);
    ck_assert_uint_eq(pkb_in_use(), 0);
    ts_close(cli);
}
END_TEST

Suite *
socket_suite(void)
{
    Suite *s = suite_create("socket");
    TCase *tc = ut_tcase("socket");

    tcase_add_test(tc, test_socket_create_errors);
    tcase_add_test(tc, test_socket_emfile_and_lowest_fd);
    tcase_add_test(tc, test_socket_ebadf);
    tcase_add_test(tc, test_socket_bind_errors);
    tcase_add_test(tc, test_socket_bind_eaddrinuse);
    tcase_add_test(tc, test_socket_reuseaddr);
    tcase_add_test(tc, test_socket_names);
    tcase_add_test(tc, test_socket_connect_errors);
    tcase_add_test(tc, test_socket_sendto_errors);
    tcase_add_test(tc, test_socket_source_address_rules);
    tcase_add_test(tc, test_socket_enobufs);
    tcase_add_test(tc, test_socket_recv);
    tcase_add_test(tc, test_socket_options);
    tcase_add_test(tc, test_socket_poll_timeout);
    tcase_add_test(tc, test_socket_poll_runs_timers);
    tcase_add_test(tc, test_socket_poll_events);
    tcase_add_test(tc, test_socket_poll_not_reentrant);
    tcase_add_test(tc, test_socket_econnrefused);
    tcase_add_test(tc, test_socket_close_frees_queue);
    suite_add_tcase(s, tc);
    return s;
}
