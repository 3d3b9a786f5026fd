/*
 * echo.c - the UDP echo service (RFC 862): every datagram that arrives on
 * port 7 goes back, unchanged, to the address and port it came from.
 *
 * Written only with the socket-like API (socket.h), in the shape of a
 * poll()-based server: start() opens and binds the socket and asks the
 * dispatcher to watch it; the handler drains what is waiting. The same file
 * builds against the Linux kernel's sockets (echo-host, see hostmain.c).
 */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define ECHO_BATCH 32                      /* datagrams per call: let other apps run too */

unsigned short echo_port = 7;
static int echo_fd = -1;

static int
echo_start(void)
{
    struct sockaddr_in me;

    echo_fd = ts_socket(AF_INET, SOCK_DGRAM, 0);
    if (echo_fd < 0)
        return -1;
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_port = htons(echo_port);
    me.sin_addr.s_addr = htonl(INADDR_ANY); /* every address of the host */
    if (ts_bind(echo_fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
        int e = errno;

        ts_close(echo_fd);
        echo_fd = -1;
        errno = e;
        return -1;
    }
    return app_watch(&echo_app, echo_fd, POLLIN);
}

static void
echo_handler(int fd, short revents)
{
    static char buf[65536];                /* the largest datagram the host can hand us */

    (void)revents;                         /* POLLIN; an unconnected socket gets no POLLERR */
    for (int i = 0; i < ECHO_BATCH; i++) {
        struct sockaddr_in peer;
        socklen_t plen = sizeof(peer);
        ssize_t n = ts_recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);

        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fprintf(stderr, "echo: recvfrom: %s\n", strerror(errno));
            return;                        /* drained */
        }
        if (ts_sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen) < 0)
            fprintf(stderr, "echo: sendto: %s\n", strerror(errno));
    }
}

static void
echo_stop(void)
{
    if (echo_fd >= 0) {
        app_unwatch(echo_fd);
        ts_close(echo_fd);
        echo_fd = -1;
    }
}

const struct app echo_app = {
    .name = "echo",
    .start = echo_start,
    .handler = echo_handler,
    .stop = echo_stop,
    .tick = NULL,
};
