/*
 * discard.c - the UDP discard service (RFC 863): datagrams to port 9 are
 * read and thrown away, no answer. Useful to send at without a reply coming
 * back (and to see udp.rx grow while nothing goes out).
 *
 * Written only with the socket-like API; builds for tapstack and echo-host.
 */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DISCARD_BATCH 32

unsigned short discard_port = 9;
static int discard_fd = -1;
static unsigned long long discarded;       /* datagrams read, for the curious in gdb */

static int
discard_start(void)
{
    struct sockaddr_in me;

    discard_fd = ts_socket(AF_INET, SOCK_DGRAM, 0);
    if (discard_fd < 0)
        return -1;
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_port = htons(discard_port);
    me.sin_addr.s_addr = htonl(INADDR_ANY);
    if (ts_bind(discard_fd, (struct sockaddr *)&me, sizeof(me)) < 0) {
        int e = errno;

        ts_close(discard_fd);
        discard_fd = -1;
        errno = e;
        return -1;
    }
    return app_watch(&discard_app, discard_fd, POLLIN);
}

static void
discard_handler(int fd, short revents)
{
    static char buf[65536];

    (void)revents;
    for (int i = 0; i < DISCARD_BATCH; i++) {
        if (ts_recv(fd, buf, sizeof(buf), 0) < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                fprintf(stderr, "discard: recv: %s\n", strerror(errno));
            return;
        }
        discarded++;
    }
}

static void
discard_stop(void)
{
    if (discard_fd >= 0) {
        app_unwatch(discard_fd);
        ts_close(discard_fd);
        discard_fd = -1;
    }
}

const struct app discard_app = {
    .name = "discard",
    .start = discard_start,
    .handler = discard_handler,
    .stop = discard_stop,
    .tick = NULL,
};
