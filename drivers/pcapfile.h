/*
 * pcapfile.h - pcap files through libpcap: the capture of every frame in and
 * out (--pcap), readable by tcpdump, tshark and Wireshark.
 * (Replay of an input capture on a virtual clock comes with the replay issue.)
 */
#ifndef TS_PCAPFILE_H
#define TS_PCAPFILE_H

#include <stddef.h>

/* Start capturing both directions of every interface to path (Ethernet link
 * type). Returns 0, or -1 with a one-line reason in err. */
int pcapfile_capture_open(const char *path, char *err, size_t errlen);
/* Write out buffered frames (also called on SIGUSR1). */
void pcapfile_capture_flush(void);
/* Flush and close. */
void pcapfile_capture_close(void);

#endif
