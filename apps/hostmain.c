/*
 * hostmain.c - the sample servers on the Linux kernel: the same echo.c and
 * discard.c, built with -DTS_HOST (shim_host.h maps ts_* to the real calls)
 * and dispatched by the same app.c around one poll(). For benchmarks
 * (tapstack against the kernel) and as proof that the API is the real one.
 *
 *   echo-host [--echo-port N] [--discard-port N]      (ports 7 and 9 need root)
 */
#include "app.h"

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
    fprintf(f, "usage: echo-host [--echo-port N] [--discard-port N]\n"
               "\n"
               "tapstack's echo (RFC 862, port 7), discard (RFC 863, port 9) and chargen\n"
               "(RFC 864, TCP port 19) servers,\n"
               "built from the same sources against the Linux kernel's sockets.\n"
               "Prints 'echo-host: ready ...' when serving; Ctrl-C stops it.\n");
}

static unsigned short
parse_port(const char *s)
{
    long v;

    if (app_parse_num(s, 1, 65535, &v) < 0) {
        fprintf(stderr, "echo-host: bad port '%s': expected 1..65535\n", s);
        exit(2);
    }
    return (unsigned short)v;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "echo-port",    required_argument, NULL, 'e' },
        { "discard-port", required_argument, NULL, 'd' },
        { "help",         no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct sigaction sa;
    int c, rc = 0;

    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 'e':
            echo_port = parse_port(optarg);
            break;
        case 'd':
            discard_port = parse_port(optarg);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;             /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    tcp_echo_port = echo_port;
    tcp_discard_port = discard_port;
    /* The benchmarks' reference: the kernel's limits, not the lab's per-service caps. */
    stream_max_conns = 1024;
    if (app_start(&echo_app) < 0 || app_start(&discard_app) < 0 ||
        app_start(&tcp_echo_app) < 0 || app_start(&tcp_discard_app) < 0 ||
        app_start(&tcp_chargen_app) < 0) {
        app_stop_all();
        return 1;
    }
    printf("echo-host: ready: echo on port %u, discard on port %u (udp and tcp), chargen on "
           "tcp %u (Linux kernel sockets)\n", echo_port, discard_port, tcp_chargen_port);
    while (!stop_requested) {
        if (app_poll(1000) < 0 && errno != EINTR) {
            fprintf(stderr, "echo-host: poll: %s\n", strerror(errno));
            rc = 1;
            break;
        }
    }
    app_stop_all();
    return rc;
}
