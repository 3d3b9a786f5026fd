/*
 * udpclient.c - the client of `tapstack --loopback`: talks to the stack's own
 * servers over 127.0.0.1 and prints what happens, with the trace on.
 *
 *   1. a connected socket sends "hello 1..3" to 127.0.0.1:7 (echo) and
 *      prints each datagram that comes back;
 *   2. an unconnected socket sends one datagram to 127.0.0.1:9 (discard: no
 *      answer) and one to 192.0.2.1:7 (no route: ENETUNREACH at once);
 *   3. the same socket, connected to 127.0.0.1:1 where nothing listens,
 *      sends again: an ICMP port unreachable comes back over lo, and the
 *      next ts_recv() fails with ECONNREFUSED.
 * Then it asks the program to end: status 0 if everything came back within
 * CLIENT_TIMEOUT_MS, 1 otherwise. Only the socket-like API is used.
 */
#define _GNU_SOURCE                        /* strerrorname_np */
#include "app.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define CLIENT_COUNT       3
#define CLIENT_TIMEOUT_MS  2000
#define CLIENT_CLOSED_PORT 1               /* tcpmux: nobody listens there */

static int echo_sock = -1;                 /* connected to 127.0.0.1:7 */
static int other_sock = -1;                /* discard, no route, then refused */
static int echoes;                         /* echoes received */
static bool refused;                       /* ECONNREFUSED seen */
static struct timespec started_at;

static struct sockaddr_in
client_addr(const char *ip, unsigned short port)
{
    struct sockaddr_in a;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, ip, &a.sin_addr);
    return a;
}

static long
client_elapsed_ms(void)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - started_at.tv_sec) * 1000 + (now.tv_nsec - started_at.tv_nsec) / 1000000;
}

static void
client_report(const char *what, ssize_t r)
{
    if (r < 0)
        printf("client: %s -> -1 %s (%s)\n", what, strerrorname_np(errno), strerror(errno));
    else
        printf("client: %s -> %zd\n", what, r);
}

static int
client_start(void)
{
    struct sockaddr_in echo = client_addr("127.0.0.1", echo_port);
    struct sockaddr_in discard = client_addr("127.0.0.1", discard_port);
    struct sockaddr_in far = client_addr("192.0.2.1", echo_port);      /* TEST-NET-1 */
    struct sockaddr_in closed = client_addr("127.0.0.1", CLIENT_CLOSED_PORT);
    char msg[32];

    clock_gettime(CLOCK_MONOTONIC, &started_at);
    echo_sock = ts_socket(AF_INET, SOCK_DGRAM, 0);
    other_sock = ts_socket(AF_INET, SOCK_DGRAM, 0);
    if (echo_sock < 0 || other_sock < 0)
        return -1;
    if (ts_connect(echo_sock, (struct sockaddr *)&echo, sizeof(echo)) < 0)
        return -1;
    printf("client: fd %d connected to 127.0.0.1:%u (echo)\n", echo_sock, echo_port);
    for (int i = 1; i <= CLIENT_COUNT; i++) {
        snprintf(msg, sizeof(msg), "hello %d", i);
        printf("client: send \"%s\" to 127.0.0.1:%u\n", msg, echo_port);
        if (ts_send(echo_sock, msg, strlen(msg), 0) < 0)
            client_report("send", -1);
    }
    client_report("sendto 127.0.0.1:9 (discard, no answer expected)",
                  ts_sendto(other_sock, "into the void", 13, 0, (struct sockaddr *)&discard,
                            sizeof(discard)));
    client_report("sendto 192.0.2.1:7 (no route but lo's)",
                  ts_sendto(other_sock, "far away", 8, 0, (struct sockaddr *)&far,
                            sizeof(far)));
    if (ts_connect(other_sock, (struct sockaddr *)&closed, sizeof(closed)) < 0)
        return -1;
    client_report("send to 127.0.0.1:1 (closed port, connected socket)",
                  ts_send(other_sock, "anyone?", 7, 0));
    if (app_watch(&client_app, echo_sock, POLLIN) < 0 ||
        app_watch(&client_app, other_sock, POLLIN) < 0)
        return -1;
    return 0;
}

static void
client_handler(int fd, short revents)
{
    char buf[2048];
    struct sockaddr_in from;
    socklen_t flen = sizeof(from);
    char ip[INET_ADDRSTRLEN];
    ssize_t n;

    if (fd == other_sock) {
        /* POLLERR: the ICMP error waits; the next call returns it. */
        n = ts_recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && errno == ECONNREFUSED) {
            printf("client: recv on fd %d (revents 0x%x) -> -1 ECONNREFUSED: "
                   "ICMP port unreachable came back from 127.0.0.1:%d\n",
                   fd, (unsigned)revents, CLIENT_CLOSED_PORT);
            refused = true;
        } else if (n < 0 && errno != EAGAIN) {
            client_report("recv", -1);
        }
    }
    while (fd == echo_sock &&
           (n = ts_recvfrom(fd, buf, sizeof(buf) - 1, 0, (struct sockaddr *)&from, &flen)) >= 0) {
        buf[n] = '\0';
        printf("client: got \"%s\" back from %s:%u (%zd bytes)\n", buf,
               inet_ntop(AF_INET, &from.sin_addr, ip, sizeof(ip)), ntohs(from.sin_port), n);
        echoes++;
        flen = sizeof(from);
    }
    if (echoes == CLIENT_COUNT && refused) {
        printf("client: all %d echoes back and the closed port refused: done in %ld ms\n",
               CLIENT_COUNT, client_elapsed_ms());
        app_exit(0);
    }
}

static void
client_tick(void)
{
    if (app_exit_requested(NULL) || client_elapsed_ms() < CLIENT_TIMEOUT_MS)
        return;
    printf("client: timeout after %d ms: %d of %d echoes, refused %s\n", CLIENT_TIMEOUT_MS,
           echoes, CLIENT_COUNT, refused ? "yes" : "no");
    app_exit(1);
}

static void
client_stop(void)
{
    int fds[2] = { echo_sock, other_sock };

    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0) {
            app_unwatch(fds[i]);
            ts_close(fds[i]);
        }
    }
    echo_sock = other_sock = -1;
}

const struct app client_app = {
    .name = "client",
    .start = client_start,
    .handler = client_handler,
    .stop = client_stop,
    .tick = client_tick,
};
