/*
 * tcpconn.c - TCP connection benchmarks for bench/bench.sh (the client side, on the host's
 * sockets, run in the lab namespace). bench.sh compiles it into its temporary directory.
 *
 *   tcpconn crr  HOST PORT [-n COUNT] [-t SECONDS] [-w WAIT_MS]
 *       connect/request/response/close, one at a time: connect, send one byte, receive its
 *       echo, close (the client closes first, so TIME-WAIT stays on the client). Bounded by
 *       COUNT connections AND SECONDS. A step that takes longer than WAIT_MS (default 3000:
 *       room for two SYN retransmissions) fails that connection and the next one starts.
 *       Prints one line: connections=N seconds=S rate=R avg_us= max_us= slow= failed=
 *       (slow: connections that took more than 500 ms, i.e. a SYN was lost and resent).
 *
 *   tcpconn hold HOST PORT[,PORT...] [-n COUNT] [-w WAIT_MS] [-t SECONDS]
 *       open COUNT connections at once (non-blocking connects spread over the ports),
 *       wait at most WAIT_MS (default 3500) for them to complete, print
 *       "hold: attempted=N established=E failed=F pending=P port:E,..." and keep them open
 *       until SIGTERM/SIGINT or SECONDS (default 30), then close them all and exit.
 *
 * Exit status: 0 if at least one connection succeeded, 1 otherwise, 2 on usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_PORTS 16
#define MAX_HOLD  65536

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

static uint64_t
now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: tcpconn crr  HOST PORT [-n COUNT] [-t SECONDS] [-w WAIT_MS]\n"
            "       tcpconn hold HOST PORT[,PORT...] [-n COUNT] [-w WAIT_MS] [-t SECONDS]\n");
    exit(2);
}

static long
num(const char *s, long lo, long hi)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || v < lo || v > hi)
        usage();
    return v;
}

/* Wait for EVENTS on fd until the absolute deadline; 1 ready, 0 timed out or stopped. */
static int
wait_for(int fd, short events, uint64_t deadline)
{
    struct pollfd p = { .fd = fd, .events = events, .revents = 0 };

    while (!stop) {
        uint64_t now = now_ns();
        int r;

        if (now >= deadline)
            return 0;
        r = poll(&p, 1, (int)((deadline - now + 999999) / 1000000));
        if (r > 0)
            return 1;
        if (r < 0 && errno != EINTR)
            return 0;
    }
    return 0;
}

static int
nb_socket(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* One connection: connect, 1 byte out, 1 byte back, close. 0 ok, -1 failed. */
static int
crr_once(const struct sockaddr_in *to, long wait_ms)
{
    uint64_t deadline = now_ns() + (uint64_t)wait_ms * 1000000ull;
    int fd = nb_socket(), err = 0, ok = -1;
    socklen_t len = sizeof(err);
    char b = 'x';

    if (fd < 0)
        return -1;
    if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) < 0 && errno != EINPROGRESS)
        goto out;
    if (!wait_for(fd, POLLOUT, deadline) ||
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0)
        goto out;
    if (send(fd, &b, 1, MSG_NOSIGNAL) != 1)
        goto out;
    if (!wait_for(fd, POLLIN, deadline) || recv(fd, &b, 1, 0) != 1)
        goto out;
    ok = 0;
out:
    close(fd);
    return ok;
}

static int
crr(const struct sockaddr_in *to, long count, long seconds, long wait_ms)
{
    uint64_t start = now_ns(), end, deadline = start + (uint64_t)seconds * 1000000000ull;
    uint64_t sum = 0, max = 0, done = 0, failed = 0, slow = 0;
    double secs;

    while ((long)(done + failed) < count && now_ns() < deadline && !stop) {
        uint64_t t0 = now_ns(), dt;

        if (crr_once(to, wait_ms) < 0) {
            failed++;
            continue;
        }
        dt = now_ns() - t0;
        done++;
        sum += dt;
        if (dt > max)
            max = dt;
        if (dt > 500000000ull)
            slow++;
    }
    end = now_ns();
    secs = (double)(end - start) / 1e9;
    printf("tcpconn crr: connections=%llu seconds=%.2f rate=%.1f avg_us=%.1f max_us=%.1f "
           "slow=%llu failed=%llu\n", (unsigned long long)done, secs,
           secs > 0 ? (double)done / secs : 0.0, done ? (double)sum / (double)done / 1000.0 : 0.0,
           (double)max / 1000.0, (unsigned long long)slow, (unsigned long long)failed);
    return done ? 0 : 1;
}

static int
hold(struct sockaddr_in to, const char *ports_arg, long count, long wait_ms, long seconds)
{
    static int fds[MAX_HOLD];
    static unsigned char state[MAX_HOLD];   /* 0 pending, 1 established, 2 failed */
    static struct pollfd pfd[MAX_HOLD];
    static int pidx[MAX_HOLD];
    unsigned short ports[MAX_PORTS];
    long per_port[MAX_PORTS] = { 0 };
    int nports = 0;
    long est = 0, failed = 0, pending;
    uint64_t deadline;
    char buf[256], *save = NULL, *tok;
    struct rlimit rl;

    snprintf(buf, sizeof(buf), "%s", ports_arg);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (nports == MAX_PORTS)
            usage();
        ports[nports++] = (unsigned short)num(tok, 1, 65535);
    }
    if (nports == 0)
        usage();
    /* One descriptor per connection: raise the soft limit to the hard one. */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    for (long i = 0; i < count; i++) {
        fds[i] = nb_socket();
        if (fds[i] < 0) {
            state[i] = 2;
            failed++;
            continue;
        }
        to.sin_port = htons(ports[i % nports]);
        if (connect(fds[i], (struct sockaddr *)&to, sizeof(to)) < 0 && errno != EINPROGRESS) {
            state[i] = 2;
            failed++;
        }
    }
    deadline = now_ns() + (uint64_t)wait_ms * 1000000ull;
    for (;;) {
        nfds_t n = 0;
        uint64_t now = now_ns();

        for (long i = 0; i < count; i++) {
            if (state[i] == 0) {
                pfd[n].fd = fds[i];
                pfd[n].events = POLLOUT;
                pfd[n].revents = 0;
                pidx[n++] = (int)i;
            }
        }
        if (n == 0 || now >= deadline || stop)
            break;
        if (poll(pfd, n, (int)((deadline - now + 999999) / 1000000)) <= 0)
            continue;
        for (nfds_t k = 0; k < n; k++) {
            int i = pidx[k], err = 0;
            socklen_t len = sizeof(err);

            if (!pfd[k].revents)
                continue;
            if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
                state[i] = 1;
                est++;
                per_port[i % nports]++;
            } else {
                state[i] = 2;
                failed++;
            }
        }
    }
    pending = count - est - failed;
    printf("hold: attempted=%ld established=%ld failed=%ld pending=%ld", count, est, failed,
           pending);
    for (int p = 0; p < nports; p++)
        printf(" %u:%ld", ports[p], per_port[p]);
    printf("\n");
    fflush(stdout);
    deadline = now_ns() + (uint64_t)seconds * 1000000000ull;
    while (!stop && now_ns() < deadline)
        usleep(50000);
    for (long i = 0; i < count; i++) {
        if (fds[i] >= 0)
            close(fds[i]);
    }
    return est ? 0 : 1;
}

int
main(int argc, char **argv)
{
    long count = 2000, seconds = -1, wait_ms = -1;
    struct sockaddr_in to;
    struct sigaction sa;
    const char *mode, *host, *port;
    int c;

    if (argc < 4)
        usage();
    mode = argv[1];
    host = argv[2];
    port = argv[3];
    optind = 4;
    while ((c = getopt(argc, argv, "n:t:w:")) != -1) {
        switch (c) {
        case 'n': count = num(optarg, 1, MAX_HOLD); break;
        case 't': seconds = num(optarg, 1, 3600); break;
        case 'w': wait_ms = num(optarg, 1, 60000); break;
        default: usage();
        }
    }
    if (optind != argc)
        usage();
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &to.sin_addr) != 1)
        usage();
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (strcmp(mode, "crr") == 0) {
        to.sin_port = htons((unsigned short)num(port, 1, 65535));
        return crr(&to, count, seconds < 0 ? 10 : seconds, wait_ms < 0 ? 3000 : wait_ms);
    }
    if (strcmp(mode, "hold") == 0) {
        return hold(to, port, count, wait_ms < 0 ? 3500 : wait_ms, seconds < 0 ? 30 : seconds);
    }
    usage();
    return 2;
}
