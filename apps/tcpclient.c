/*
 * tcpclient.c - `tapstack --connect A.B.C.D:PORT`: the stack opens a TCP
 * connection out to a server (in the lab namespace, say `nc -l 8000`),
 * sends a message, half-closes, prints everything that comes back until the
 * server closes, and reports. Written only with the socket-like API, like a
 * non-blocking client on Linux: connect() says EINPROGRESS, POLLOUT says the
 * handshake is done, SO_ERROR says how it went.
 *
 * Ends the program with status 0 when the server closed cleanly, 1 on an
 * error (refused, reset, timed out) or after tcp_client_timeout_ms.
 */
#define _GNU_SOURCE                        /* strerrorname_np */
#include "app.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

uint32_t tcp_client_ip;                    /* host order; set by --connect */
unsigned short tcp_client_port;
const char *tcp_client_message = "hello from tapstack\n";
long tcp_client_timeout_ms = 10000;

static int fd = -1;
static size_t sent, received;
static bool connected;
static struct timespec started_at;

static long
elapsed_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - started_at.tv_sec) * 1000 + (now.tv_nsec - started_at.tv_nsec) / 1000000;
}

static void
client_done(int status, const char *why)
{
    printf("client: %s after %ld ms: sent %zu bytes, received %zu\n", why, elapsed_ms(), sent,
           received);
    app_unwatch(fd);
    ts_close(fd);
    fd = -1;
    app_exit(status);
}

static int
client_start(void)
{
    struct sockaddr_in to;
    char a[INET_ADDRSTRLEN];

    clock_gettime(CLOCK_MONOTONIC, &started_at);
    fd = ts_socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons(tcp_client_port);
    to.sin_addr.s_addr = htonl(tcp_client_ip);
    inet_ntop(AF_INET, &to.sin_addr, a, sizeof(a));
    printf("client: connecting to %s:%u\n", a, tcp_client_port);
    if (ts_connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 && errno != EINPROGRESS) {
        printf("client: connect: %s (%s)\n", strerrorname_np(errno), strerror(errno));
        ts_close(fd);
        fd = -1;
        return -1;
    }
    return app_watch(&tcp_client_app, fd, POLLOUT);
}

static void
client_handler(int s, short revents)
{
    char buf[4096];

    if (!connected) {
        int err = 0;
        socklen_t len = sizeof(err);

        /* The handshake ended: SO_ERROR tells how (0: open). */
        ts_getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (revents & (POLLERR | POLLHUP))) {
            errno = err ? err : ECONNREFUSED;
            printf("client: connect: %s (%s)\n", strerrorname_np(errno), strerror(errno));
            client_done(1, "failed");
            return;
        }
        connected = true;
        printf("client: connected\n");
    }
    if (sent < strlen(tcp_client_message)) {
        ssize_t w = ts_send(s, tcp_client_message + sent, strlen(tcp_client_message) - sent,
                            MSG_NOSIGNAL);

        if (w > 0)
            sent += (size_t)w;
        if (sent == strlen(tcp_client_message))
            ts_shutdown(s, SHUT_WR);        /* our FIN: "that was all" */
        app_set_events(s, sent < strlen(tcp_client_message) ? POLLOUT : POLLIN);
        if (sent < strlen(tcp_client_message))
            return;
    }
    for (;;) {
        ssize_t r = ts_recv(s, buf, sizeof(buf), 0);

        if (r > 0) {
            printf("client: received %zd bytes: %.*s%s", r, (int)(r < 200 ? r : 200), buf,
                   r > 0 && buf[(r < 200 ? r : 200) - 1] == '\n' ? "" : "\n");
            received += (size_t)r;
            continue;
        }
        if (r == 0) {
            client_done(0, "server closed");
            return;
        }
        if (errno != EAGAIN) {
            printf("client: recv: %s (%s)\n", strerrorname_np(errno), strerror(errno));
            client_done(1, "failed");
        }
        return;
    }
}

static void
client_tick(void)
{
    if (fd >= 0 && elapsed_ms() > tcp_client_timeout_ms)
        client_done(1, "timed out");
}

static void
client_stop(void)
{
    if (fd >= 0) {
        app_unwatch(fd);
        ts_close(fd);
        fd = -1;
    }
}

const struct app tcp_client_app = {
    .name = "tcp-client",
    .start = client_start,
    .handler = client_handler,
    .stop = client_stop,
    .tick = client_tick,
};
