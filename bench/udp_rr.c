/*
 * udp_rr.c - UDP request/response benchmark: send one datagram, wait for its
 * echo, count, repeat. One client, one datagram in flight, so the rate is
 * 1 / round-trip time: what the echo server (tapstack, or echo-host on the
 * kernel) costs per datagram, plus the path.
 *
 *   udp_rr HOST PORT [-n COUNT] [-t SECONDS] [-s SIZE] [-w WAIT_MS]
 *
 * Bounded by COUNT round trips AND SECONDS, whichever ends first (defaults
 * 1000000 and 10). An echo that does not come within WAIT_MS (default 1000)
 * counts as lost and the next datagram goes out. Each datagram carries a
 * sequence number, so a late echo is never taken for the current one.
 * Prints one line of key=value pairs; exits 0 if at least one round trip
 * completed, 1 otherwise (or on ECONNREFUSED: nothing listens), 2 on usage.
 * Uses the host's sockets (it is the client, run in the lab namespace).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RR_MAX_SIZE 65507

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
    fprintf(stderr, "usage: udp_rr HOST PORT [-n COUNT] [-t SECONDS] [-s SIZE] [-w WAIT_MS]\n"
                    "  one datagram in flight: send, wait for the echo, repeat\n"
                    "  -n COUNT    stop after COUNT round trips (default 1000000)\n"
                    "  -t SECONDS  stop after SECONDS (default 10)\n"
                    "  -s SIZE     payload bytes, 8..%d (default 64)\n"
                    "  -w WAIT_MS  an echo later than this is lost (default 1000)\n",
            RR_MAX_SIZE);
    exit(2);
}

static long
num(const char *s, long lo, long hi)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < lo || v > hi)
        usage();
    return v;
}

int
main(int argc, char **argv)
{
    long count = 1000000, seconds = 10, size = 64, wait_ms = 1000;
    static uint8_t out[RR_MAX_SIZE], in[RR_MAX_SIZE + 1];
    struct sockaddr_in to;
    uint64_t start, end, deadline, rtt_sum = 0, rtt_min = UINT64_MAX, rtt_max = 0;
    uint64_t done = 0, lost = 0, seq = 0, late = 0;
    int fd, c, rc = 0;
    double secs;

    while ((c = getopt(argc, argv, "n:t:s:w:h")) != -1) {
        switch (c) {
        case 'n': count = num(optarg, 1, 1000000000L); break;
        case 't': seconds = num(optarg, 1, 3600); break;
        case 's': size = num(optarg, 8, RR_MAX_SIZE); break;
        case 'w': wait_ms = num(optarg, 1, 60000); break;
        default: usage();
        }
    }
    if (argc - optind != 2)
        usage();
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons((uint16_t)num(argv[optind + 1], 1, 65535));
    if (inet_pton(AF_INET, argv[optind], &to.sin_addr) != 1)
        usage();
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    /* Connected: only the server's datagrams come in, and ICMP errors are reported. */
    if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
        perror("udp_rr: socket/connect");
        return 1;
    }
    for (long i = 8; i < size; i++)
        out[i] = (uint8_t)(i * 7);

    start = now_ns();
    deadline = start + (uint64_t)seconds * 1000000000ull;
    while ((long)done < count && now_ns() < deadline) {
        uint64_t t0, t1, wait_end;
        struct pollfd pfd = { .fd = fd, .events = POLLIN, .revents = 0 };
        int got = 0;

        seq++;
        memcpy(out, &seq, 8);
        t0 = now_ns();
        if (send(fd, out, (size_t)size, 0) != size) {
            if (errno == ECONNREFUSED) {
                fprintf(stderr, "udp_rr: ECONNREFUSED: nothing listens on %s:%s\n",
                        argv[optind], argv[optind + 1]);
                rc = 1;
                break;
            }
            perror("udp_rr: send");
            rc = 1;
            break;
        }
        wait_end = t0 + (uint64_t)wait_ms * 1000000ull;
        while (!got) {
            uint64_t now = now_ns();
            ssize_t n;
            uint64_t echoed;

            if (now >= wait_end)
                break;
            if (poll(&pfd, 1, (int)((wait_end - now + 999999) / 1000000)) <= 0)
                continue;
            n = recv(fd, in, sizeof(in), MSG_DONTWAIT);
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR)
                    continue;
                if (errno == ECONNREFUSED)
                    fprintf(stderr, "udp_rr: ECONNREFUSED: nothing listens on %s:%s\n",
                            argv[optind], argv[optind + 1]);
                else
                    perror("udp_rr: recv");
                rc = 1;
                goto out;
            }
            memcpy(&echoed, in, 8);
            if (n != size || echoed != seq || memcmp(in, out, (size_t)size) != 0) {
                late++;                    /* an echo of an earlier, lost datagram */
                continue;
            }
            got = 1;
        }
        if (!got) {
            lost++;
            continue;
        }
        t1 = now_ns();
        done++;
        rtt_sum += t1 - t0;
        if (t1 - t0 < rtt_min)
            rtt_min = t1 - t0;
        if (t1 - t0 > rtt_max)
            rtt_max = t1 - t0;
    }
out:
    end = now_ns();
    secs = (double)(end - start) / 1e9;
    printf("udp_rr: target=%s:%s size=%ld round_trips=%llu seconds=%.2f rate=%.1f "
           "rtt_avg_us=%.1f rtt_min_us=%.1f rtt_max_us=%.1f lost=%llu late=%llu\n",
           argv[optind], argv[optind + 1], size, (unsigned long long)done, secs,
           secs > 0 ? (double)done / secs : 0.0,
           done ? (double)rtt_sum / (double)done / 1000.0 : 0.0,
           done ? (double)rtt_min / 1000.0 : 0.0, (double)rtt_max / 1000.0,
           (unsigned long long)lost, (unsigned long long)late);
    close(fd);
    if (rc == 0 && done == 0)
        rc = 1;
    return rc;
}
