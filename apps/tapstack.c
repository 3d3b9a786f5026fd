/*
 * tapstack.c - the program: parse options, bring the stack up on a tap,
 * run the event loop until SIGINT/SIGTERM, print counters on SIGUSR1 and,
 * with --stats, on exit.
 *
 *   tapstack --tap tap0 --ip 10.0.0.2/24 --gw 10.0.0.1 [--trace] [--pcap F]
 */
#include "../stack/stack.h"
#include "../stack/netif.h"
#include "../stack/arp.h"
#include "../stack/route.h"
#include "../stack/pkb.h"
#include "../stack/stats.h"
#include "../stack/trace.h"
#include "../drivers/tap.h"
#include "../drivers/pcapfile.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAC "02:74:73:00:00:02"   /* locally administered; "ts" */

struct options {
    const char *tap;
    uint32_t ip;
    uint8_t prefix;
    uint32_t gw;
    uint8_t mac[6];
    bool mac_given;
    bool trace;
    bool stats;
    const char *pcap;
    size_t pkbs;
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t dump_requested;

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: tapstack --tap NAME --ip A.B.C.D/PREFIX [options]\n"
        "\n"
        "A teaching TCP/IP stack in one process, attached to a Linux tap device.\n"
        "Run it inside the lab namespace: ip netns exec tslab ./tapstack --tap tap0 \\\n"
        "    --ip 10.0.0.2/24 --gw 10.0.0.1     (or simply: make run)\n"
        "\n"
        "  --tap NAME        tap device to attach to (created if it does not exist)\n"
        "  --ip A/P          the stack's address and prefix length, e.g. 10.0.0.2/24\n"
        "  --gw A            default gateway (optional)\n"
        "  --mac M           the stack's MAC (default " DEFAULT_MAC ", never the tap's own)\n"
        "  --trace           print every frame decoded layer by layer, and every drop\n"
        "  --pcap FILE       capture every frame in and out to FILE (tcpdump format)\n"
        "  --stats           print the counters on exit (kill -USR1 prints them any time)\n"
        "  --pkbs N          packet buffers in the pool (default 1024, 16..65536)\n"
        "  -h, --help        this text\n"
        "\n"
        "Prints 'tapstack: ready ...' when it can take traffic. Ctrl-C stops it.\n");
}

static void __attribute__((noreturn))
die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "tapstack: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see tapstack --help)\n");
    exit(2);
}

static int
parse_cidr(const char *s, uint32_t *ip, uint8_t *prefix)
{
    char buf[32];
    const char *slash = strchr(s, '/');
    char *end;
    long p;

    if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
        return -1;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    if (ip4_parse_str(buf, ip) != TS_OK)
        return -1;
    errno = 0;
    p = strtol(slash + 1, &end, 10);
    if (errno || *end != '\0' || end == slash + 1 || p < 1 || p > 32)
        return -1;
    *prefix = (uint8_t)p;
    return 0;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        { "tap",   required_argument, NULL, 't' },
        { "ip",    required_argument, NULL, 'i' },
        { "gw",    required_argument, NULL, 'g' },
        { "mac",   required_argument, NULL, 'm' },
        { "trace", no_argument,       NULL, 'T' },
        { "pcap",  required_argument, NULL, 'p' },
        { "stats", no_argument,       NULL, 's' },
        { "pkbs",  required_argument, NULL, 'n' },
        { "help",  no_argument,       NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    char *end;
    long n;

    memset(o, 0, sizeof(*o));
    o->pkbs = 1024;
    mac_parse_str(DEFAULT_MAC, o->mac);
    if (argc < 2) {
        usage(stderr);
        exit(2);
    }
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            o->tap = optarg;
            break;
        case 'i':
            if (parse_cidr(optarg, &o->ip, &o->prefix) < 0)
                die_usage("bad --ip '%s': expected A.B.C.D/PREFIX, e.g. 10.0.0.2/24", optarg);
            break;
        case 'g':
            if (ip4_parse_str(optarg, &o->gw) != TS_OK)
                die_usage("bad --gw '%s': expected A.B.C.D", optarg);
            break;
        case 'm':
            if (mac_parse_str(optarg, o->mac) != TS_OK)
                die_usage("bad --mac '%s': expected six hex pairs like 02:00:00:00:00:01",
                          optarg);
            if (o->mac[0] & 1)
                die_usage("bad --mac '%s': a multicast address cannot be a station's MAC",
                          optarg);
            o->mac_given = true;
            break;
        case 'T':
            o->trace = true;
            break;
        case 'p':
            o->pcap = optarg;
            break;
        case 's':
            o->stats = true;
            break;
        case 'n':
            errno = 0;
            n = strtol(optarg, &end, 10);
            if (errno || *end != '\0' || n < 16 || n > 65536)
                die_usage("bad --pkbs '%s': expected a number from 16 to 65536", optarg);
            o->pkbs = (size_t)n;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        case ':':
            die_usage("option %s needs a value", argv[optind - 1]);
        default:
            die_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    if (o->tap == NULL)
        die_usage("%s", "--tap NAME is required");
    if (o->ip == 0)
        die_usage("%s", "--ip A.B.C.D/PREFIX is required");
    if (o->gw && (o->gw & prefix_mask(o->prefix)) != (o->ip & prefix_mask(o->prefix))) {
        char s[IP4_STRLEN];

        die_usage("--gw %s is not inside the --ip subnet", ip4_str(o->gw, s));
    }
}

static void
on_signal(int sig)
{
    if (sig == SIGUSR1)
        dump_requested = 1;
    else
        stop_requested = 1;
}

static long
rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    }
    fclose(f);
    return kb;
}

static void
dump_stats(void)
{
    printf("--- stats ---\n");
    stats_dump(stdout, 0);
    printf("arp.entries %u\n", arp_count());
    printf("arp.waiting %u\n", arp_pending_count());
    printf("rss_kb %ld\n", rss_kb());
    printf("--- end stats ---\n");
    fflush(stdout);
    pcapfile_capture_flush();
}

int
main(int argc, char **argv)
{
    struct options o;
    struct stack_config cfg;
    struct netif *nif;
    struct sigaction sa;
    uint8_t host_mac[6];
    char err[256], s1[IP4_STRLEN], s2[IP4_STRLEN], m[MAC_STRLEN];

    parse_options(argc, argv, &o);
    setvbuf(stdout, NULL, _IOLBF, 0);

    stack_defaults(&cfg);
    cfg.pkb_count = o.pkbs;
    if (stack_init(&cfg) != TS_OK) {
        fprintf(stderr, "tapstack: out of memory allocating %zu packet buffers\n", o.pkbs);
        return 1;
    }
    trace_on = o.trace;
    /* The stack's MAC must differ from the tap's own (the host side's). */
    if (tap_host_mac(o.tap, host_mac) == 0 && memcmp(host_mac, o.mac, 6) == 0) {
        if (o.mac_given) {
            fprintf(stderr, "tapstack: --mac %s is the tap's own MAC; choose another\n",
                    mac_str(o.mac, m));
            return 2;
        }
        o.mac[5] ^= 0x01;
    }
    nif = tap_open(o.tap, o.mac, err, sizeof(err));
    if (nif == NULL) {
        fprintf(stderr, "tapstack: %s\n", err);
        return 1;
    }
    if (stack_add_interface(nif, o.ip, o.prefix) != TS_OK ||
        (o.gw && route_add(0, 0, o.gw, nif) != TS_OK)) {
        fprintf(stderr, "tapstack: cannot install routes\n");
        return 1;
    }
    if (o.pcap && pcapfile_capture_open(o.pcap, err, sizeof(err)) < 0) {
        fprintf(stderr, "tapstack: %s\n", err);
        return 1;
    }

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;          /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    arp_announce(nif);
    printf("tapstack: ready on %s %s/%u mac %s gw %s\n", nif->name, ip4_str(o.ip, s1), o.prefix,
           mac_str(nif->mac, m), o.gw ? ip4_str(o.gw, s2) : "none");
    printf("tapstack: try: ip netns exec tslab ping %s   (Ctrl-C stops the stack)\n",
           ip4_str(o.ip, s1));
    fflush(stdout);

    while (!stop_requested) {
        if (stack_poll(1000) != TS_OK) {
            fprintf(stderr, "tapstack: poll failed: %s\n", strerror(errno));
            break;
        }
        if (dump_requested) {
            dump_requested = 0;
            dump_stats();
        }
    }

    printf("tapstack: stopping\n");
    if (o.stats)
        dump_stats();
    pcapfile_capture_close();
    stack_shutdown();
    return 0;
}
