/*
 * tapstack.c - the program: parse options, bring the stack up on a tap (or
 * on lo alone with --loopback), start the apps, and run the main loop until
 * SIGINT/SIGTERM: one ts_poll() over every app's descriptors, then each ready
 * one's handler (app.c). Prints counters on SIGUSR1 and, with --stats, on exit.
 *
 *   tapstack --tap tap0 --ip 10.0.0.2/24 --gw 10.0.0.1 [--route N/P via G] [--trace]
 *   tapstack --loopback [--stay]      no tap, no root: the stack talks to itself
 *   tapstack --replay IN.pcap --write OUT.pcap --ip ...   deterministic replay
 */
#include "../stack/stack.h"
#include "../stack/netif.h"
#include "../stack/arp.h"
#include "../stack/route.h"
#include "../stack/pkb.h"
#include "../stack/stats.h"
#include "../stack/trace.h"
#include "../stack/socket.h"
#include "../stack/udp.h"
#include "../stack/tcp.h"
#include "../stack/impair.h"
#include "../stack/clock.h"
#include "../drivers/tap.h"
#include "../drivers/pcapfile.h"
#include "app.h"
#include "http.h"
#include "privdrop.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAC "02:74:73:00:00:02"   /* locally administered; "ts" */
#define LISTEN_BACKLOGS (4 * 128)         /* TCP control blocks the four listen backlogs may hold */
#define TCP_PCBS_MIN_DEFAULT 1024         /* --tcp-pcbs default: at least this */
#define DRAIN_DEFAULT_S 5                 /* --drain default, seconds */

struct static_route {
    uint32_t dst;
    uint8_t prefix;
    uint32_t gw;
};

struct options {
    bool loopback;            /* --loopback: lo only, servers + client, trace on */
    bool stay;                /* --stay: keep serving after the client is done */
    const char *tap;
    uint32_t ip;
    uint8_t prefix;
    uint32_t gw;
    uint8_t mac[6];
    bool mac_given;
    bool trace;
    bool stats;
    const char *pcap;
    unsigned pkbs;
    unsigned sockets;
    struct static_route routes[ROUTE_MAX];
    int nroutes;
    const char *replay;       /* --replay IN.pcap: frames in from a capture, virtual clock */
    const char *write;        /* --write OUT.pcap: the frames the stack sent (replay) */
    uint64_t seed;            /* --seed N (replay default 1) */
    bool seed_given;
    unsigned drain_s;         /* --drain S: virtual seconds after the last frame */
    bool impair;              /* --impair SPEC */
    struct impair_config impair_cfg;
    bool connect;             /* --connect A.B.C.D:PORT */
    unsigned msl_ms;          /* --msl MS: TIME-WAIT is twice this */
    unsigned tcp_pcbs;        /* --tcp-pcbs N: TCP control blocks (connections + TIME-WAIT) */
    unsigned rto_min_ms;      /* --rto-min MS: RFC 6298 2.4 says 1000; Linux uses 200 */
    bool no_sack;             /* --no-sack: NewReno without SACK (RFC 2018) */
    unsigned arp_locktime_ms; /* --arp-locktime MS: no second MAC change so soon (Linux: 1 s) */
    const char *user;         /* --user NAME: who to become after set-up, if root */
    bool sockets_given;       /* --sockets N: else the servers' needs size the table */
    bool tcp_pcbs_given;      /* --tcp-pcbs N: else sockets + listen backlogs, 1024 at least */
    struct { uint32_t net; uint8_t prefix; } allow[16];  /* --status-allow */
    int nallow;               /* -1: none given, so the own subnets and loopback */
    unsigned orphan_timeout_s; /* --tcp-orphan-timeout S: closed connections without progress */
    unsigned max_orphans;     /* --tcp-max-orphans N (0: a quarter of --tcp-pcbs) */
};


static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t dump_requested;

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
    long p;

    if (slash == NULL || (size_t)(slash - s) >= sizeof(buf))
        return -1;
    memcpy(buf, s, (size_t)(slash - s));
    buf[slash - s] = '\0';
    if (ip4_parse_str(buf, ip) != TS_OK)
        return -1;
    if (app_parse_num(slash + 1, 1, 32, &p) < 0)
        return -1;
    *prefix = (uint8_t)p;
    return 0;
}

/* Options with a syntax of their own --------------------------------------- */

static struct options opts;     /* what parse_options fills */
static int cmd_argc;            /* --route reads the words after its value */
static char **cmd_argv;

static void
parse_ip(const char *s)
{
    if (parse_cidr(s, &opts.ip, &opts.prefix) < 0)
        die_usage("bad --ip '%s': expected A.B.C.D/PREFIX, e.g. 10.0.0.2/24", s);
}

static void
parse_gw(const char *s)
{
    if (ip4_parse_str(s, &opts.gw) != TS_OK)
        die_usage("bad --gw '%s': expected A.B.C.D", s);
}

static void
parse_mac(const char *s)
{
    if (mac_parse_str(s, opts.mac) != TS_OK)
        die_usage("bad --mac '%s': expected six hex pairs like 02:00:00:00:00:01", s);
    if (opts.mac[0] & 1)
        die_usage("bad --mac '%s': a multicast address cannot be a station's MAC", s);
    opts.mac_given = true;
}

static void
parse_seed(const char *s)
{
    char *end;

    errno = 0;
    opts.seed = strtoull(s, &end, 10);            /* 64 bits: wider than app_parse_num */
    if (errno || *end != '\0' || end == s || opts.seed == 0)
        die_usage("bad --seed '%s': expected a number from 1 to 2^64-1", s);
    opts.seed_given = true;
}

static void
parse_impair(const char *s)
{
    char why[200];

    if (impair_parse(s, &opts.impair_cfg, why, sizeof(why)) < 0) {
        fprintf(stderr, "tapstack: %s (see tapstack --help)\n", why);
        exit(2);
    }
    opts.impair = true;
}

/* "--connect A.B.C.D:PORT" */
static void
parse_connect(const char *s)
{
    char host[32];
    const char *colon = strrchr(s, ':');
    long n;

    if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
        die_usage("bad --connect '%s': expected A.B.C.D:PORT", s);
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    if (ip4_parse_str(host, &tcp_client_ip) != TS_OK || app_parse_num(colon + 1, 1, 65535, &n) < 0)
        die_usage("bad --connect '%s': expected A.B.C.D:PORT", s);
    tcp_client_port = (unsigned short)n;
    opts.connect = true;
}

/* "--route N/P via G": the route in s, or (s without " via ") in the next two words. */
static void
parse_route(const char *s)
{
    char net[64], via[16], gw[32];
    struct static_route *r;

    if (opts.nroutes == ROUTE_MAX)
        die_usage("too many --route options (at most %s)", "16");
    r = &opts.routes[opts.nroutes];
    if (strchr(s, ' ') != NULL) {
        if (sscanf(s, "%63s %15s %31s", net, via, gw) != 3)
            die_usage("bad --route '%s': expected N/P via GATEWAY", s);
    } else {
        if (optind + 1 >= cmd_argc)
            die_usage("--route %s needs 'via GATEWAY' after it", s);
        snprintf(net, sizeof(net), "%s", s);
        snprintf(via, sizeof(via), "%s", cmd_argv[optind]);
        snprintf(gw, sizeof(gw), "%s", cmd_argv[optind + 1]);
        optind += 2;
    }
    if (strcmp(via, "via") != 0)
        die_usage("bad --route: expected 'via' after the network, got '%s'", via);
    if (strcmp(net, "default") == 0) {
        r->dst = 0;
        r->prefix = 0;
    } else if (parse_cidr(net, &r->dst, &r->prefix) < 0) {
        die_usage("bad --route network '%s': expected A.B.C.D/PREFIX or default", net);
    } else if (r->dst & ~prefix_mask(r->prefix)) {
        die_usage("bad --route network '%s': host bits set beyond the prefix", net);
    }
    if (ip4_parse_str(gw, &r->gw) != TS_OK)
        die_usage("bad --route gateway '%s': expected A.B.C.D", gw);
    opts.nroutes++;
}


/* "--http-min-rate BYTES[,SECONDS]" */
static void
parse_min_rate(const char *s)
{
    char *end;
    long b, w = (long)http_min_rate_window;

    errno = 0;
    b = strtol(s, &end, 10);
    if (errno || end == s || b < 0 || b > 1000000000 || (*end != '\0' && *end != ','))
        die_usage("bad --http-min-rate '%s': expected BYTES[,SECONDS], e.g. 1024,10", s);
    if (*end == ',') {
        const char *ws = end + 1;

        w = strtol(ws, &end, 10);
        if (errno || end == ws || *end != '\0' || w < 2 || w > 60)
            die_usage("bad --http-min-rate '%s': the window is 2 to 60 seconds", s);
    }
    http_min_rate = (unsigned)b;
    http_min_rate_window = (unsigned)w;
}

/* "--status-allow 10.0.0.0/24,10.0.1.7" or "none": the networks that may read /status. */
static void
parse_allow(const char *s)
{
    struct options *o = &opts;
    char buf[256], *save = NULL;

    if (o->nallow < 0)
        o->nallow = 0;
    if (strcmp(s, "none") == 0)
        return;
    if (strlen(s) >= sizeof(buf))
        die_usage("bad --status-allow '%s': too long", s);
    strcpy(buf, s);
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *slash = strchr(tok, '/'), *end;
        long prefix = 32;
        uint32_t ip;

        if (o->nallow == (int)ARRAY_LEN(o->allow))
            die_usage("too many --status-allow networks (at most %s)", "16");
        if (slash) {
            *slash = '\0';                /* A.B.C.D/P, P from 0 (everyone) to 32 */
            errno = 0;
            prefix = strtol(slash + 1, &end, 10);
            if (errno || end == slash + 1 || *end != '\0' || prefix < 0 || prefix > 32)
                prefix = -1;
        }
        if (prefix < 0 || ip4_parse_str(tok, &ip) != TS_OK)
            die_usage("bad --status-allow '%s': expected A.B.C.D[/PREFIX], commas between, "
                      "or none", s);
        o->allow[o->nallow].net = ip;
        o->allow[o->nallow].prefix = (uint8_t)prefix;
        o->nallow++;
    }
    if (o->nallow == 0)
        die_usage("bad --status-allow '%s': no network in it", s);
}


/* The option table --------------------------------------------------------- */

enum opt_kind {
    OPT_FLAG,                 /* no value: sets the bool at dst */
    OPT_STR,                  /* the value itself, at the const char * at dst */
    OPT_NUM,                  /* a number from lo to hi, at the unsigned at dst */
    OPT_PORT,                 /* a number from lo to hi, at the unsigned short at dst */
    OPT_FN,                   /* a syntax of its own: parse(value) */
    OPT_HELP,                 /* -h, --help */
};

struct opt_def {
    const char *name;         /* --name */
    const char *arg;          /* the value's name in --help (NULL: no value) */
    enum opt_kind kind;
    void *dst;                /* where the value goes (OPT_FLAG, OPT_STR, OPT_NUM, OPT_PORT) */
    long lo, hi;              /* OPT_NUM, OPT_PORT: the range */
    const char *unit;         /* OPT_NUM, OPT_PORT: what the error says is expected */
    bool *given;              /* set to true when the option is given (may be NULL) */
    void (*parse)(const char *arg);     /* OPT_FN */
    const char *help;         /* --help text, a printf format: %u is the default */
};

#define FLAG(n, d, h)               { n, NULL, OPT_FLAG, d, 0, 0, NULL, NULL, NULL, h }
#define STR(n, a, d, h)             { n, a, OPT_STR, d, 0, 0, NULL, NULL, NULL, h }
#define NUM(n, a, d, lo, hi, u, h)  { n, a, OPT_NUM, d, lo, hi, u, NULL, NULL, h }
#define FN(n, a, f, h)              { n, a, OPT_FN, NULL, 0, 0, NULL, NULL, f, h }

/* Every option, in --help's order: getopt_long's array, the parse and --help come from here. */
static const struct opt_def opt_table[] = {
    STR("tap", "NAME", &opts.tap, "tap device to attach to (created if it does not exist)"),
    FN("ip", "A/P", parse_ip, "the stack's address and prefix length, e.g. 10.0.0.2/24"),
    FN("gw", "A", parse_gw, "default gateway (the same as --route default via A)"),
    FN("route", "N/P via G", parse_route, "a static route through gateway G (repeatable), e.g.\n"
       "--route 192.168.5.0/24 via 10.0.0.1; G must be on the --ip subnet"),
    FN("mac", "M", parse_mac, "the stack's MAC (default " DEFAULT_MAC ", never the tap's own)"),
    FLAG("loopback", &opts.loopback,
         "no tap, no root: only lo 127.0.0.1/8, the servers below and a\n"
         "client that sends datagrams to 127.0.0.1:7 and prints the\n"
         "echoes, trace on; exits 0 once everything came back"),
    FLAG("stay", &opts.stay, "with --loopback: keep serving after the client is done"),
    FLAG("trace", &opts.trace, "print every frame decoded layer by layer, and every drop"),
    STR("pcap", "FILE", &opts.pcap, "capture every frame in and out to FILE (tcpdump format)"),
    FLAG("stats", &opts.stats, "print the counters on exit (kill -USR1 prints them any time)"),
    NUM("pkbs", "N", &opts.pkbs, 16, 65536, "a number",
        "packet buffers in the pool (default %u, 16..65536)"),
    { "sockets", "N", OPT_NUM, &opts.sockets, 4, 4096, "a number", &opts.sockets_given, NULL,
      "size of the socket table (default: what the servers may hold,\n"
      "%u with the defaults below; 4..4096)" },
    FN("connect", "A:P", parse_connect,
       "also run a TCP client: connect to A:P, send a line (--send TEXT),\n"
       "print what comes back, exit 0 when the server closes"),
    STR("send", "TEXT", &tcp_client_message,
        "what --connect sends (default \"hello from tapstack\")"),
    FN("impair", "SPEC", parse_impair,
       "impair the interface in both directions, seeded by --seed:\n"
       "drop=1%%,dup=0.5%%,reorder=1%%,delay=5ms,jitter=1ms,corrupt=0.1%%"),
    FN("seed", "N", parse_seed, "seed for ISNs, ports, IP IDs and --impair (default: the clock;\n"
       "1 with --replay)"),
    NUM("msl", "MS", &opts.msl_ms, 1, 600000, "milliseconds",
        "maximum segment lifetime; TIME-WAIT lasts 2*MSL (default %u)"),
    NUM("rto-min", "MS", &opts.rto_min_ms, 10, 60000, "milliseconds",
        "smallest retransmission timeout (default %u, RFC 6298 2.4;\n"
        "Linux uses 200), 10..60000"),
    FLAG("no-sack", &opts.no_sack, "neither offer nor accept SACK (RFC 2018): loss recovery is\n"
         "then NewReno (RFC 6582) instead of SACK + RACK-TLP"),
    NUM("arp-locktime", "MS", &opts.arp_locktime_ms, 1, 600000, "milliseconds",
        "an ARP entry whose MAC changed keeps it at least this long:\n"
        "later replies are ignored, so the first one wins (default %u,\n"
        "as Linux; 1..600000)"),
    { "tcp-pcbs", "N", OPT_NUM, &opts.tcp_pcbs, 4, 8192, "a number", &opts.tcp_pcbs_given, NULL,
      "TCP control blocks: connections, listeners and TIME-WAIT\n"
      "together (default %u, or --sockets + 512 if more; 4..8192;\n"
      "128 KiB of buffers each, touched only as data passes)" },
    NUM("tcp-orphan-timeout", "S", &opts.orphan_timeout_s, 1, 3600, "seconds",
        "reset a connection its app has closed once it makes no\n"
        "progress for S seconds (zero window, dead peer, FIN-WAIT-2;\n"
        "default %u, 1..3600)"),
    NUM("tcp-max-orphans", "N", &opts.max_orphans, 1, 8192, "a number",
        "connections closed by their app and not yet done, at most;\n"
        "past it the oldest is reset (default a quarter of --tcp-pcbs,\n"
        "1..8192)"),
    { "http-port", "N", OPT_PORT, &http_port, 1, 65535, "a port", NULL, NULL,
      "the HTTP server's port (default %u)" },
    STR("http-root", "DIR", &http_root, "the HTTP server's document root (default apps/www)"),
    NUM("http-idle-timeout", "S", &http_idle_timeout, 1, 86400, "seconds",
        "close idle HTTP connections after S seconds (default %u)"),
    NUM("http-max-conns", "N", &http_max_conns, 1, 1024, "a number",
        "HTTP connections served at once (default %u, 1..1024)"),
    STR("user", "NAME", &opts.user,
        "started as root: once the tap, files and sockets are open, run\n"
        "as NAME, with no group and no capability (default nobody);\n"
        "--user root keeps root. Ignored, with a note, when not root"),
    FN("http-min-rate", "B[,S]", parse_min_rate,
       "a response must average B bytes/s over every S seconds of\n"
       "sending, or it is closed; the slowest makes room when all\n"
       "slots are full (default 1024,10; S 2..60; 0 turns it off)"),
    FN("status-allow", "LIST", parse_allow,
       "who may read /status: CIDRs or addresses, comma separated,\n"
       "or none (default: the stack's own subnet and 127.0.0.0/8);\n"
       "others get 404"),
    NUM("idle-timeout", "S", &stream_idle_timeout, 1, 86400, "seconds",
        "TCP echo, discard and chargen close a connection idle for S\n"
        "seconds (default %u, 1..86400)"),
    NUM("svc-max-conns", "N", &stream_max_conns, 1, 1024, "a number",
        "connections at once per TCP echo, discard, chargen (default %u,\n"
        "1..1024); newcomers wait in the listen backlog. --sockets and\n"
        "--tcp-pcbs, unless given, follow from these and --http-max-conns"),
    STR("replay", "IN.pcap", &opts.replay,
        "replay: no tap; frames come from IN.pcap on a virtual clock, each\n"
        "at its own timestamp (docs/replay.md)"),
    STR("write", "OUT.pcap", &opts.write,
        "with --replay: write the frames the stack sent to OUT.pcap"),
    NUM("drain", "S", &opts.drain_s, 0, 3600, "seconds",
        "with --replay: run the clock S seconds past the last frame\n"
        "so late timers fire (default %u, 0..3600)"),
    { "help", NULL, OPT_HELP, NULL, 0, 0, NULL, NULL, NULL, "this text" },
};

#define NOPTS ARRAY_LEN(opt_table)
#define OPT_VAL0 1000             /* getopt_long's val for opt_table[i]: OPT_VAL0 + i */

static unsigned opt_default[NOPTS];  /* each numeric option's value before parsing, for --help */

/* The socket table the servers may hold at once (size_tables). */
static unsigned
servers_need(void)
{
    return 2 + stream_sockets_max() + 1 + http_max_conns + 2;
}

/* The value an option's --help names as its default. */
static unsigned
opt_value(const struct opt_def *d)
{
    if (d->kind == OPT_PORT)
        return *(unsigned short *)d->dst;
    if (d->kind == OPT_NUM)
        return *(unsigned *)d->dst;
    return 0;
}

/* One option's --help lines: "  --name ARG" then the text, continuation lines indented. */
static void
usage_option(FILE *f, const struct opt_def *d, unsigned def)
{
    char left[64], text[512];
    const char *line = text;

    if (d->kind == OPT_HELP)
        snprintf(left, sizeof(left), "-h, --%s", d->name);
    else
        snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "", d->arg ? d->arg : "");
    snprintf(text, sizeof(text), d->help, def);
    fprintf(f, strlen(left) < 18 ? "  %-17s " : "  %s  ", left);
    for (const char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
        fprintf(f, "%.*s\n%20s", (int)(nl - line), line, "");
    fprintf(f, "%s\n", line);
}

static void
usage(FILE *f)
{
    fprintf(f,
        "usage: tapstack --tap NAME --ip A.B.C.D/PREFIX [options]\n"
        "       tapstack --loopback [--stay] [--trace] [--pcap FILE] [--stats]\n"
        "\n"
        "A teaching TCP/IP stack in one process, attached to a Linux tap device.\n"
        "Run it inside the lab namespace: ip netns exec tslab ./tapstack --tap tap0 \\\n"
        "    --ip 10.0.0.2/24 --gw 10.0.0.1     (or simply: make run)\n"
        "Then, from the lab: ping 10.0.0.2, or nc -u 10.0.0.2 7 (UDP echo).\n"
        "\n");
    for (size_t i = 0; i < NOPTS; i++) {
        /* --sockets' default is the servers' need, computed from the defaults. */
        unsigned def = opt_table[i].dst == &opts.sockets ? servers_need() : opt_default[i];

        usage_option(f, &opt_table[i], def);
    }
    fprintf(f,
        "\n"
        "Services, on every address of the stack: echo on port 7 (UDP and TCP, RFC 862),\n"
        "discard on port 9 (UDP and TCP, RFC 863), chargen on TCP port 19 (RFC 864),\n"
        "HTTP on port 80 (GET/HEAD, /status shows the stack's state).\n"
        "Prints 'tapstack: ready ...' when it can take traffic. Ctrl-C stops it.\n");
}

/* Store one option's value where the table says, or a one-line error and exit 2. */
static void
opt_apply(const struct opt_def *d, const char *arg)
{
    long n;

    switch (d->kind) {
    case OPT_FLAG:
        *(bool *)d->dst = true;
        break;
    case OPT_STR:
        *(const char **)d->dst = arg;
        break;
    case OPT_NUM:
    case OPT_PORT:
        if (app_parse_num(arg, d->lo, d->hi, &n) < 0) {
            fprintf(stderr, "tapstack: bad --%s '%s': expected %s from %ld to %ld "
                    "(see tapstack --help)\n", d->name, arg, d->unit, d->lo, d->hi);
            exit(2);
        }
        if (d->kind == OPT_PORT)
            *(unsigned short *)d->dst = (unsigned short)n;
        else
            *(unsigned *)d->dst = (unsigned)n;
        break;
    case OPT_FN:
        d->parse(arg);
        break;
    case OPT_HELP:
        usage(stdout);
        exit(0);
    }
    if (d->given)
        *d->given = true;
}

/* The defaults: the library's (stack_defaults), and tapstack's own where it differs. */
static void
set_defaults(struct options *o)
{
    struct stack_config def;

    stack_defaults(&def);
    memset(o, 0, sizeof(*o));
    o->pkbs = (unsigned)def.pkb_count;
    o->nallow = -1;
    o->drain_s = DRAIN_DEFAULT_S;
    o->msl_ms = (unsigned)(def.tcp.msl_us / US_PER_MS);
    o->tcp_pcbs = TCP_PCBS_MIN_DEFAULT;       /* tapstack's; the library's is def.tcp.max_pcbs */
    o->rto_min_ms = (unsigned)(def.tcp.rto_min_us / US_PER_MS);
    o->arp_locktime_ms = (unsigned)(def.arp.locktime_us / US_PER_MS);
    o->orphan_timeout_s = (unsigned)(def.tcp.orphan_timeout_us / US_PER_SEC);
    mac_parse_str(DEFAULT_MAC, o->mac);
}

/* The rules between options, once all are read. */
static void
check_options(const struct options *o)
{
    if (o->loopback) {
        if (o->tap || o->ip || o->gw || o->nroutes)
            die_usage("%s", "--loopback runs on lo alone: no --tap, --ip, --gw or --route");
        return;
    }
    if (o->stay)
        die_usage("%s", "--stay goes with --loopback");
    if ((o->write || o->drain_s != DRAIN_DEFAULT_S) && o->replay == NULL)
        die_usage("%s", "--write and --drain go with --replay");
    if (o->replay && o->tap)
        die_usage("%s", "--replay takes the place of --tap: give one of them");
    if (o->tap == NULL && o->replay == NULL)
        die_usage("%s", "--tap NAME (or --replay FILE) is required");
    if (o->ip == 0)
        die_usage("%s", "--ip A.B.C.D/PREFIX is required");
    if (o->gw && (o->gw & prefix_mask(o->prefix)) != (o->ip & prefix_mask(o->prefix))) {
        char s[IP4_STRLEN];

        die_usage("--gw %s is not inside the --ip subnet", ip4_str(o->gw, s));
    }
    for (int i = 0; i < o->nroutes; i++) {
        char s[IP4_STRLEN];

        if ((o->routes[i].gw & prefix_mask(o->prefix)) != (o->ip & prefix_mask(o->prefix)))
            die_usage("--route gateway %s is not inside the --ip subnet (not on-link)",
                      ip4_str(o->routes[i].gw, s));
    }
}

/* Parse argv through opt_table into *o; any error is one line on stderr and exit 2. */
static void
parse_options(int argc, char **argv, struct options *o)
{
    struct option longopts[NOPTS + 1];
    int c;

    set_defaults(&opts);
    for (size_t i = 0; i < NOPTS; i++) {
        const struct opt_def *d = &opt_table[i];

        longopts[i] = (struct option){ d->name, d->arg ? required_argument : no_argument, NULL,
                                       OPT_VAL0 + (int)i };
        opt_default[i] = opt_value(d);
    }
    longopts[NOPTS] = (struct option){ NULL, 0, NULL, 0 };
    if (argc < 2) {
        usage(stderr);
        exit(2);
    }
    cmd_argc = argc;
    cmd_argv = argv;
    opterr = 0;
    /* "+": no permuting, so --route can take the two words after it. */
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            exit(0);
        }
        if (c == ':')
            die_usage("option %s needs a value", argv[optind - 1]);
        if (c < OPT_VAL0 || c >= OPT_VAL0 + (int)NOPTS)
            die_usage("unknown option '%s'", argv[optind - 1]);
        opt_apply(&opt_table[c - OPT_VAL0], optarg);
    }
    if (optind < argc)
        die_usage("unexpected argument '%s'", argv[optind]);
    check_options(&opts);
    *o = opts;
}

/*
 * Defaults that belong together. The socket table holds every socket the
 * servers may hold at once: UDP echo and discard, the TCP services' listeners
 * and their caps, HTTP's listener and slots, and the two clients (--loopback's
 * and --connect's). Sized so, the small services can never take the sockets
 * HTTP needs. The TCP control blocks hold those sockets' connections plus
 * what waits in the four listen backlogs, with the rest for TIME-WAIT.
 */
static void
size_tables(struct options *o)
{
    unsigned need = servers_need();

    if (!o->sockets_given)
        o->sockets = need < 4096 ? need : 4096;
    if (o->sockets < need)
        fprintf(stderr, "tapstack: note: a socket table of %u is below the %u the servers may "
                "hold: echo, discard and chargen can take sockets HTTP needs "
                "(see --svc-max-conns)\n", o->sockets, need);
    if (!o->tcp_pcbs_given && o->sockets + LISTEN_BACKLOGS > o->tcp_pcbs)
        o->tcp_pcbs = o->sockets + LISTEN_BACKLOGS < 8192 ? o->sockets + LISTEN_BACKLOGS : 8192;
}

/* /status readers: --status-allow, or else the own subnet and loopback. */
static void
status_allow_setup(const struct options *o)
{
    if (o->nallow >= 0) {
        for (int i = 0; i < o->nallow; i++)
            http_status_allow(o->allow[i].net, o->allow[i].prefix);
        return;
    }
    http_status_allow(0x7f000000u, 8);
    if (o->ip)
        http_status_allow(o->ip, o->prefix);
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
    printf("sock.open %u\n", socket_count());
    /* TCP control blocks by state: "tcp_state.TIME-WAIT 3" (tcp_count(CLOSED) = all in use). */
    printf("tcp_state.all %u\n", tcp_count(TCPS_CLOSED));
    for (int st = TCPS_LISTEN; st <= TCPS_TIME_WAIT; st++)
        printf("tcp_state.%s %u\n", tcp_state_name((enum tcp_state)st),
               tcp_count((enum tcp_state)st));
    printf("tcp_orphans %u\n", tcp_orphan_count());
    printf("rss_kb %ld\n", rss_kb());
    printf("--- end stats ---\n");
    printf("--- sockets ---\n");
    udp_dump(stdout);
    tcp_dump(stdout);
    printf("--- end sockets ---\n");
    printf("--- routes ---\n");
    route_dump(stdout);
    printf("--- end routes ---\n");
    fflush(stdout);
    pcapfile_capture_flush();
}

/* The servers every tapstack runs. Your own app (docs/api.md): one line here. */
static const struct app *const services[] = {
    &echo_app,
    &discard_app,
    &tcp_echo_app,
    &tcp_discard_app,
    &tcp_chargen_app,
    &http_app,
};

/* Start the servers (and, in loopback mode, the client; with --connect, the TCP client). */
static int
start_apps(bool loopback, bool connect)
{
    for (size_t i = 0; i < ARRAY_LEN(services); i++) {
        if (app_start(services[i]) < 0)
            return -1;
    }
    if (loopback && app_start(&client_app) < 0)
        return -1;
    if (connect && app_start(&tcp_client_app) < 0)
        return -1;
    return 0;
}

/* Who to become after set-up, looked up before anything is opened so that a bad --user fails
 * first. Only root switches users: an unprivileged start stays who it is. */
static int
user_lookup(const struct options *o, struct priv_user *u)
{
    char err[256];

    memset(u, 0, sizeof(*u));
    if (geteuid() != 0 && o->user == NULL)
        return 0;
    if (priv_lookup(o->user ? o->user : PRIV_USER_DEFAULT, u, err, sizeof(err)) < 0) {
        fprintf(stderr, "tapstack: %s (see tapstack --help)\n", err);
        return -1;
    }
    if (geteuid() != 0 && u->uid != geteuid())
        fprintf(stderr, "tapstack: note: not started as root, so --user %s is ignored: "
                "running as uid %u\n", u->name, (unsigned)geteuid());
    return 0;
}

/* Once the tap, the files and the apps' sockets are open: give up root (privdrop.c) and check
 * that the user left can still read the document root. who gets the ready line's words. */
static int
become_user(const struct priv_user *u, char *who, size_t wholen)
{
    enum priv_mode mode;
    char err[256];
    int root = http_root_dirfd();

    if (priv_drop(u, &mode, err, sizeof(err)) < 0) {
        fprintf(stderr, "tapstack: cannot drop privileges: %s\n", err);
        return -1;
    }
    /* The descriptor was opened as root; what the server opens beneath it, it opens as u. */
    if (root >= 0 && priv_check_dir(root, http_root, err, sizeof(err)) < 0) {
        fprintf(stderr, "tapstack: %s\n", err);
        return -1;
    }
    if (mode == PRIV_DROPPED)
        snprintf(who, wholen, "user %s (root dropped)", u->name);
    else if (mode == PRIV_KEPT_ROOT)
        snprintf(who, wholen, "user %s (uid 0: --user kept root)", u->name);
    else
        snprintf(who, wholen, "user uid %u (not started as root)", (unsigned)geteuid());
    return 0;
}

/* Replay: the virtual time to stop at, once the input is exhausted: --drain seconds
 * after the last frame (UINT64_MAX while frames remain, or when not replaying). */
static uint64_t
replay_end(const struct options *o, struct netif *nif)
{
    if (o->replay == NULL || pcapfile_replay_left(nif) != 0)
        return UINT64_MAX;
    return pcapfile_replay_last_time(nif) + (uint64_t)o->drain_s * US_PER_SEC;
}

/* The main loop: one ts_poll over every app's descriptors, then dispatch. */
static int
run(const struct options *o, struct netif *nif)
{
    int status = 0;
    /* The client keeps its own time: wake up often enough for its timeout. */
    int timeout_ms = o->loopback ? 100 : 1000;

    while (!stop_requested) {
        uint64_t end = replay_end(o, nif);

        if (end != UINT64_MAX && clock_now() >= end)
            break;                        /* replay done: input and drain time used up */
        if (end != UINT64_MAX && (end - clock_now()) / US_PER_MS < (uint64_t)timeout_ms)
            timeout_ms = (int)((end - clock_now() + US_PER_MS - 1) / US_PER_MS);
        if (app_poll(timeout_ms) < 0 && errno != EINTR) {
            fprintf(stderr, "tapstack: poll failed: %s\n", strerror(errno));
            status = 1;
            break;
        }
        if (dump_requested) {
            dump_requested = 0;
            dump_stats();
        }
        if (app_exit_requested(&status) && !o->stay)
            break;
    }
    return status;
}

static void
install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;          /* no SA_RESTART: poll() returns EINTR */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static void
finish(const struct options *o)
{
    printf("tapstack: stopping\n");
    app_stop_all();
    if (o->stats)
        dump_stats();
    pcapfile_capture_close();
    stack_shutdown();
}

/* --loopback: lo alone, the servers and the client, trace on; no tap, no root. */
static int
main_loopback(const struct options *o, struct stack_config *cfg, const struct priv_user *u)
{
    char err[256], who[128];
    int status;

    if (stack_init(cfg) != TS_OK) {
        fprintf(stderr, "tapstack: out of memory allocating %u packet buffers\n", o->pkbs);
        return 1;
    }
    trace_on = true;
    if (o->pcap && pcapfile_capture_open(o->pcap, err, sizeof(err)) < 0) {
        fprintf(stderr, "tapstack: %s\n", err);
        return 1;
    }
    install_signals();
    printf("tapstack: ready on lo 127.0.0.1/8 (loopback mode: no tap, no root); "
           "echo %u (udp, tcp), discard %u (udp, tcp), chargen %u (tcp), http %u; "
           "a client talks to them over 127.0.0.1\n", echo_port, discard_port, tcp_chargen_port,
           http_port);
    if (start_apps(true, o->connect) < 0 || become_user(u, who, sizeof(who)) < 0) {
        finish(o);
        return 1;
    }
    printf("tapstack: %s\n", who);
    status = run(o, NULL);
    finish(o);
    if (status == 0)
        printf("tapstack: loopback demo passed\n");
    return status;
}

int
main(int argc, char **argv)
{
    struct options o;
    struct stack_config cfg;
    struct netif *nif;
    struct priv_user user;
    int rc;
    uint8_t host_mac[6];
    char err[256], s1[IP4_STRLEN], s2[IP4_STRLEN], m[MAC_STRLEN], who[128];
    int status;

    parse_options(argc, argv, &o);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (user_lookup(&o, &user) < 0)
        return 2;
    size_tables(&o);
    status_allow_setup(&o);

    stack_defaults(&cfg);
    cfg.pkb_count = o.pkbs;
    cfg.sock.max_sockets = o.sockets;
    cfg.tcp.msl_us = (uint64_t)o.msl_ms * US_PER_MS;
    cfg.tcp.max_pcbs = o.tcp_pcbs;
    cfg.tcp.rto_min_us = o.rto_min_ms * (uint32_t)US_PER_MS;
    cfg.tcp.no_sack = o.no_sack;
    cfg.arp.locktime_us = (uint64_t)o.arp_locktime_ms * US_PER_MS;
    cfg.tcp.orphan_timeout_us = (uint64_t)o.orphan_timeout_s * US_PER_SEC;
    cfg.tcp.max_orphans = o.max_orphans;
    if (cfg.tcp.rto_init_us < cfg.tcp.rto_min_us)
        cfg.tcp.rto_init_us = cfg.tcp.rto_min_us;
    /* Replay is deterministic: virtual time, and a fixed seed unless one is given. */
    cfg.virtual_clock = o.replay != NULL;
    cfg.seed = o.seed_given ? o.seed : o.replay ? 1 : 0;
    if (o.loopback)
        return main_loopback(&o, &cfg, &user);
    if (stack_init(&cfg) != TS_OK) {
        fprintf(stderr, "tapstack: out of memory allocating %u packet buffers\n", o.pkbs);
        return 1;
    }
    trace_on = o.trace;
    if (o.replay) {
        nif = pcapfile_replay_open("pcap0", o.mac, o.replay, o.write, err, sizeof(err));
    } else {
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
    }
    if (nif == NULL) {
        fprintf(stderr, "tapstack: %s\n", err);
        return 1;
    }
    if (o.impair && impair_attach(nif, &o.impair_cfg, cfg.seed ? cfg.seed : 1) != TS_OK) {
        fprintf(stderr, "tapstack: cannot attach --impair\n");
        return 1;
    }
    if ((rc = stack_add_interface(nif, o.ip, o.prefix)) != TS_OK ||
        (o.gw && (rc = route_add(0, 0, o.gw, nif)) != TS_OK)) {
        fprintf(stderr, "tapstack: cannot install routes: %s\n", ts_strerror(rc));
        return 1;
    }
    for (int i = 0; i < o.nroutes; i++) {
        const struct static_route *r = &o.routes[i];

        if ((rc = route_add(r->dst, r->prefix, r->gw, nif)) != TS_OK) {
            fprintf(stderr, "tapstack: cannot add route %s/%u: %s\n", ip4_str(r->dst, s1),
                    r->prefix, ts_strerror(rc));
            return 1;
        }
        printf("tapstack: route %s/%u via %s dev %s\n", ip4_str(r->dst, s1), r->prefix,
               ip4_str(r->gw, s2), nif->name);
    }
    if (o.pcap && pcapfile_capture_open(o.pcap, err, sizeof(err)) < 0) {
        fprintf(stderr, "tapstack: %s\n", err);
        return 1;
    }
    install_signals();
    if (start_apps(false, o.connect) < 0 || become_user(&user, who, sizeof(who)) < 0) {
        finish(&o);
        return 1;
    }

    arp_announce(nif);
    printf("tapstack: ready on %s %s/%u mac %s gw %s %s\n", nif->name, ip4_str(o.ip, s1),
           o.prefix, mac_str(nif->mac, m), o.gw ? ip4_str(o.gw, s2) : "none", who);
    printf("tapstack: services: echo %u (udp, tcp), discard %u (udp, tcp), chargen %u (tcp), "
           "http %u\n", echo_port, discard_port, tcp_chargen_port, http_port);
    if (o.replay == NULL)
        printf("tapstack: try, from the lab namespace (make run: ip netns exec tslab ...): "
               "ping %s | nc -u %s %u | curl http://%s/   (Ctrl-C stops the stack)\n",
               ip4_str(o.ip, s1), s1, echo_port, s1);
    fflush(stdout);

    status = run(&o, nif);
    finish(&o);
    return status;
}
