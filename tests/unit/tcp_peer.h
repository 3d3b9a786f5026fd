/*
 * tcp_peer.h - the TCP tests' peer: builds segments from 10.0.0.1
 * (ut_mac_gw) byte by byte with the tests' own checksum, injects them, and
 * takes apart what the stack sent, never with the stack's own code.
 * Shared by test_tcp.c and test_tcp_sack.c.
 */
#ifndef TS_UT_TCP_PEER_H
#define TS_UT_TCP_PEER_H

#include "helpers.h"
#include "../../stack/tcp_var.h"

#define PEER_PORT 40000
#define OUR_PORT  7

/* A segment as the tests see it. */
struct seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    uint16_t mss;                 /* option present: its value */
    bool sack_perm;               /* SACK-permitted option present */
    unsigned nsack;               /* SACK blocks: [start, end) */
    uint32_t sack[4][2];
    uint8_t opts[40];             /* the raw options */
    size_t optlen;
    uint8_t data[UT_FRAME_MAX];
    size_t dlen;
};

/* Build a TCP segment from the peer and inject it. opts/optlen: raw options. */
void peer_send_opts(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
                    uint16_t wnd, const uint8_t *opts, size_t optlen, const uint8_t *data,
                    size_t n);
/* From PEER_PORT to OUR_PORT, no options. */
void peer_send(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const void *data,
               size_t n);
/* A SYN with the MSS option. */
void peer_syn(uint16_t dport, uint32_t seq, uint16_t mss);
/* Pop the next segment the stack sent (ARP answered on the way); checksums asserted. */
void pop_seg(struct seg *s);
/* True if a frame is waiting. */
bool seg_waiting(void);
void no_more_frames(void);
/* A listener on OUR_PORT with backlog 4. */
struct tcp_pcb *listener(void);
/* Passive open with the peer's ISN irs; the accepted connection, our ISS in *iss. */
struct tcp_pcb *open_passive(uint32_t irs, uint32_t *iss);

#endif
