/*
 * pcapfile.c - the --pcap capture, written with libpcap's dump functions
 * (pcap_open_dead + pcap_dump) so the file is exactly what tcpdump writes.
 * Timestamps: wall-clock time in real mode, the virtual clock otherwise.
 */
#include "pcapfile.h"
#include "../stack/netif.h"
#include "../stack/clock.h"

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
