/*
 * pcapfile.h - pcap files through libpcap: the capture of every frame in and
 * out (--pcap), readable by tcpdump, tshark and Wireshark.
 * and the replay driver: frames in from a capture on the virtual clock (each
 * frame arrives at its own timestamp), frames out to another capture.
 */
#ifndef TS_PCAPFILE_H
#define TS_PCAPFILE_H

#include <stddef.h>
#include <stdint.h>

/* Start capturing both directions of every interface to path (Ethernet link
 * type). Returns 0, or -1 with a one-line reason in err. */
int pcapfile_capture_open(const char *path, char *err, size_t errlen);
/* Write out buffered frames (also called on SIGUSR1). */
void pcapfile_capture_flush(void);
/* Flush and close. */
void pcapfile_capture_close(void);

struct netif;

/*
 * Replay: open `in` (Ethernet link type) and register an interface `name`
 * with MAC mac whose frames are read from it; frames the stack sends on it go
 * to `out` (NULL: nowhere). The virtual clock must be on: each input frame is
 * delivered when the clock reaches its timestamp minus the first one's (the
 * replay starts at virtual time 0). NULL with a one-line reason in err on failure.
 */
struct netif *pcapfile_replay_open(const char *name, const uint8_t mac[6], const char *in,
                                   const char *out, char *err, size_t errlen);
/* Frames not yet delivered (0 when the input is exhausted). */
size_t pcapfile_replay_left(const struct netif *nif);
/* Virtual time of the last frame delivered (the replay runs --drain past it). */
uint64_t pcapfile_replay_last_time(const struct netif *nif);

#endif
