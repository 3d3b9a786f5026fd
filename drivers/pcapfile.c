/*
 * pcapfile.c - the --pcap capture, written with libpcap's dump functions
 * (pcap_open_dead + pcap_dump) so the file is exactly what tcpdump writes.
 * Timestamps: wall-clock time in real mode, the virtual clock otherwise.
 */
#include "pcapfile.h"
#include "../stack/netif.h"
#include "../stack/clock.h"
#include "../stack/pkb.h"
#include "../stack/stats.h"

#include <string.h>

#include <pcap/pcap.h>
#include <stdio.h>
#include <sys/time.h>

static pcap_t *dead;
static pcap_dumper_t *dumper;

static void
pcapfile_capture_frame(const struct netif *nif, const uint8_t *frame, size_t len, char dir)
{
    struct pcap_pkthdr h;

    (void)nif;
    (void)dir;
    if (clock_is_virtual()) {
        uint64_t t = clock_now();

        h.ts.tv_sec = (time_t)(t / US_PER_SEC);
        h.ts.tv_usec = (suseconds_t)(t % US_PER_SEC);
    } else {
        gettimeofday(&h.ts, NULL);
    }
    h.caplen = (bpf_u_int32)len;
    h.len = (bpf_u_int32)len;
    pcap_dump((u_char *)dumper, &h, frame);
}

int
pcapfile_capture_open(const char *path, char *err, size_t errlen)
{
    dead = pcap_open_dead(DLT_EN10MB, 65535);
    if (dead == NULL) {
        snprintf(err, errlen, "libpcap: cannot create a capture handle");
        return -1;
    }
    dumper = pcap_dump_open(dead, path);
    if (dumper == NULL) {
        snprintf(err, errlen, "cannot write capture %s: %s", path, pcap_geterr(dead));
        pcap_close(dead);
        dead = NULL;
        return -1;
    }
    netif_set_capture(pcapfile_capture_frame);
    return 0;
}

void
pcapfile_capture_flush(void)
{
    if (dumper)
        pcap_dump_flush(dumper);
}

void
pcapfile_capture_close(void)
{
    netif_set_capture(NULL);
    if (dumper)
        pcap_dump_close(dumper);
    if (dead)
        pcap_close(dead);
    dumper = NULL;
    dead = NULL;
}

/* Replay ------------------------------------------------------------------ */

struct replay {
    pcap_t *in;
    pcap_t *out_dead;
    pcap_dumper_t *out;
    uint64_t t0;                  /* timestamp of the first input frame, in us */
    bool started;
    bool have_next;               /* next frame read ahead and waiting for its time */
    struct pcap_pkthdr next_hdr;
    const u_char *next_data;
    uint64_t last_time;           /* virtual time of the last frame delivered */
};

static struct replay replay;

static uint64_t
ts_us(const struct timeval *tv)
{
    return (uint64_t)tv->tv_sec * US_PER_SEC + (uint64_t)tv->tv_usec;
}

/* Read the next input frame ahead; false at the end of the file. */
static bool
replay_peek(struct replay *r)
{
    struct pcap_pkthdr *h;
    const u_char *data;

    if (r->have_next)
        return true;
    if (r->in == NULL || pcap_next_ex(r->in, &h, &data) != 1)
        return false;
    r->next_hdr = *h;
    r->next_data = data;
    r->have_next = true;
    if (!r->started) {
        r->t0 = ts_us(&h->ts);
        r->started = true;
    }
    return true;
}

/* The virtual time at which the next frame is due, or UINT64_MAX. */
static uint64_t
replay_next_time(struct netif *nif)
{
    (void)nif;
    if (!replay_peek(&replay))
        return UINT64_MAX;
    return ts_us(&replay.next_hdr.ts) - replay.t0;
}

/* Deliver every frame whose time has come (bounded by budget). */
static int
replay_rx(struct netif *nif, int budget)
{
    int done = 0;

    while (done < budget && replay_peek(&replay) &&
           ts_us(&replay.next_hdr.ts) - replay.t0 <= clock_now()) {
        struct pkb *p = pkb_alloc();
        size_t n = replay.next_hdr.caplen;

        replay.have_next = false;
        replay.last_time = ts_us(&replay.next_hdr.ts) - replay.t0;
        done++;
        if (p == NULL)
            continue;
        if (n > PKB_DATA_MAX) {
            STAT_INC(netif, rx_too_big);
            pkb_free(p);
            continue;
        }
        memcpy(pkb_put(p, n), replay.next_data, n);
        netif_input(nif, p);
    }
    return done;
}

static int
replay_xmit(struct netif *nif, struct pkb *p)
{
    struct pcap_pkthdr h;
    uint64_t t = clock_now() + replay.t0;

    (void)nif;
    if (replay.out) {
        h.ts.tv_sec = (time_t)(t / US_PER_SEC);
        h.ts.tv_usec = (suseconds_t)(t % US_PER_SEC);
        h.caplen = (bpf_u_int32)p->len;
        h.len = (bpf_u_int32)p->len;
        pcap_dump((u_char *)replay.out, &h, p->data);
    }
    pkb_free(p);
    return TS_OK;
}

static void
replay_close(struct netif *nif)
{
    (void)nif;
    if (replay.out)
        pcap_dump_close(replay.out);
    if (replay.out_dead)
        pcap_close(replay.out_dead);
    if (replay.in)
        pcap_close(replay.in);
    memset(&replay, 0, sizeof(replay));
}

static const struct netif_ops replay_ops = {
    .xmit = replay_xmit,
    .rx = replay_rx,
    .close = replay_close,
    .next_time = replay_next_time,
};

struct netif *
pcapfile_replay_open(const char *name, const uint8_t mac[6], const char *in, const char *out,
                     char *err, size_t errlen)
{
    char perr[PCAP_ERRBUF_SIZE];
    struct netif *nif;

    memset(&replay, 0, sizeof(replay));
    replay.in = pcap_open_offline(in, perr);
    if (replay.in == NULL) {
        snprintf(err, errlen, "cannot read %s: %s", in, perr);
        return NULL;
    }
    if (pcap_datalink(replay.in) != DLT_EN10MB) {
        snprintf(err, errlen, "%s is not an Ethernet capture (link type %d)", in,
                 pcap_datalink(replay.in));
        replay_close(NULL);
        return NULL;
    }
    if (out) {
        replay.out_dead = pcap_open_dead(DLT_EN10MB, 65535);
        replay.out = replay.out_dead ? pcap_dump_open(replay.out_dead, out) : NULL;
        if (replay.out == NULL) {
            snprintf(err, errlen, "cannot write %s: %s", out,
                     replay.out_dead ? pcap_geterr(replay.out_dead) : "libpcap");
            replay_close(NULL);
            return NULL;
        }
    }
    replay_peek(&replay);             /* fixes t0 before the first frame is due */
    nif = netif_add(name, mac, 0, &replay_ops, NULL, -1);
    if (nif == NULL) {
        snprintf(err, errlen, "too many interfaces");
        replay_close(NULL);
    }
    return nif;
}

size_t
pcapfile_replay_left(const struct netif *nif)
{
    (void)nif;
    return replay_peek(&replay) ? 1 : 0;
}

uint64_t
pcapfile_replay_last_time(const struct netif *nif)
{
    (void)nif;
    return replay.last_time;
}
