/*
 * httphost.c - the HTTP server on the Linux kernel: the same apps/http.c,
 * built with -DTS_HOST (shim_host.h maps ts_* to the real calls) and run by
 * the same dispatcher (app.c) around one poll(). For comparisons (tapstack
 * against the kernel: bench/, tests/e2e/t_http.sh) and for developing the
 * server without the stack. /status answers 404 with a note here: the kernel
 * has its own views (ss, ip neigh, ip route, nstat).
 *
 *   http-host [--port N] [--root DIR] [--idle-timeout S] [--max-conns N]
 */
#include "http.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void
usage(FILE *f)
{
    fprintf(f, "usage: http-host [--port N] [--root DIR] [--idle-timeout S] [--max-conns N]\n"
               "\n"
               "tapstack's HTTP/1.1 server (GET, HEAD, static files) built from the same\n"
               "sources against the Linux kernel's sockets, listening on 0.0.0.0.\n"
               "\n"
               "  --port N          TCP port (default 80; below 1024 needs root)\n"
               "  --root DIR        document root (default %s)\n"
               "  --idle-timeout S  close connections idle this many seconds (default %u)\n"
               "  --max-conns N     connections served at once (default %u, at most %d\n"
               "                    with the dispatcher's table)\n"
               "\n"
               "Prints 'http-host: ready ...' when serving; Ctrl-C stops it.\n",
            http_root, http_idle_timeout, http_max_conns, APP_WATCH_MAX - 1);
}

static long
parse_num(const char *what, const char *s, long lo, long hi)
{
    long v;

    if (app_parse_num(s, lo, hi, &v) < 0) {
        fprintf(stderr, "http-host: bad %s '%s': expected %ld..%ld\n", what, s, lo, hi);
        exit(2);
    }
    return v;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "port",         required_argument, NULL, 'p' },
        { "root",         required_argument, NULL, 'r' },
        { "idle-timeout", required_argument, NULL, 't' },
        { "max-conns",    required_argument, NULL, 'm' },
        { "help",         no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct sigaction sa;
    int c, rc = 0;

    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'p':
            http_port = (unsigned short)parse_num("port", optarg, 1, 65535);
            break;
        case 'r':
            http_root = optarg;
            break;
        case 't':
            http_idle_timeout = (unsigned)parse_num("idle timeout", optarg, 1, 86400);
            break;
        case 'm':
            /* the listener takes one of the dispatcher's APP_WATCH_MAX places */
            http_max_conns = (unsigned)parse_num("max-conns", optarg, 1, APP_WATCH_MAX - 1);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return 2;
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;             /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);              /* http.c sends with MSG_NOSIGNAL; belt and braces */

    if (app_start(&http_app) < 0) {
        app_stop_all();
        return 1;
    }
    printf("http-host: ready: http on port %u, root %s, idle timeout %u s, max %u connections "
           "(Linux kernel sockets)\n", http_port, http_root, http_idle_timeout, http_max_conns);
    while (!stop_requested) {
        if (app_poll(1000) < 0 && errno != EINTR) {
            fprintf(stderr, "http-host: poll: %s\n", strerror(errno));
            rc = 1;
            break;
        }
    }
    app_stop_all();
    return rc;
}
