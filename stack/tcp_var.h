/*
 * tcp_var.h - TCP's internals: the control block and the calls between
 * tcp.c, tcp_wire.c, tcp_in.c, tcp_out.c, tcp_timer.c and tcp_sack.c (BSD's tcp_var.h).
 * The rest of the stack calls tcp.h; the socket layer and the status views
 * include this file too, to read a control block's fields (never to write them).
 */
#ifndef TS_TCP_VAR_H
#define TS_TCP_VAR_H

#include "tcp.h"

/* A byte ring: the send and receive buffers. */
struct tcp_ring {
    uint8_t *buf;
    uint32_t size;
    uint32_t head;            /* offset of the first byte */
    uint32_t len;             /* bytes held */
};

/* Out-of-order data already in the receive ring: [start, end) sequence ranges,
 * the most recently changed first (the order SACK reports them in, RFC 2018 4). */
#define TCP_OOO_MAX 8
struct tcp_range {
    uint32_t start, end;
};

/*
 * The sender's scoreboard, on connections with SACK: one record per segment
 * sent and not yet cumulatively acknowledged, in sequence order. RACK needs
 * each segment's transmit time; SACK recovery needs which were SACKed and
 * which are lost. A full table holds back new data until ACKs free it.
 */
#define TCP_SEGS_MAX 64
#define SEG_SACKED  0x01          /* the receiver has it (a SACK block covered it) */
#define SEG_LOST    0x02          /* judged lost (RACK or RTO), not yet sent again */
#define SEG_RETRANS 0x04          /* sent more than once */
struct tcp_seg {
    uint32_t start, end;      /* [start, end) in sequence space; end counts a FIN */
    uint64_t xmit_us;         /* when it was last sent */
    uint32_t order;           /* and in which place: ties in xmit_us go by it */
    uint8_t flags;
};

/* RFC 5681 3.2 (and RFC 6675's DupThresh): this many duplicate ACKs mean a segment is lost. */
#define TCP_DUPACK_THRESH 3

/* What the one retransmission timer is timing (RFC 8985 8: one at a time). */
enum tcp_timer_kind {
    TCP_TMR_RTO,              /* retransmission timeout (RFC 6298), also the persist timer */
    TCP_TMR_TLP,              /* tail loss probe (RFC 8985 7) */
    TCP_TMR_REO,              /* RACK reordering window (RFC 8985 6.2 step 5) */
};

/* Transmission control block, with RFC 9293's variable names. */
struct tcp_pcb {
    enum tcp_state state;
    uint32_t local_ip, remote_ip;
    uint16_t local_port, remote_port;

    /* send sequence variables (RFC 9293 3.3.1) */
    uint32_t snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2, iss;
    uint32_t snd_max;         /* highest sequence number sent (snd_nxt goes back on RTO) */
    uint32_t fin_seq;         /* our FIN's sequence number, once fin_sent */
    uint32_t max_snd_wnd;     /* largest window the peer offered (RFC 5961 5.2) */
    uint16_t snd_mss;         /* peer's MSS: the largest segment we send */
    /* receive sequence variables */
    uint32_t rcv_nxt, irs;
    uint16_t rcv_wnd_adv;     /* window last advertised */
    uint32_t rcv_adv;         /* right edge last advertised: RCV.NXT + window (SWS, 4.2.3.3) */

    /* congestion control (RFC 5681, NewReno RFC 6582) */
    uint32_t cwnd, ssthresh;
    uint32_t bytes_acked;     /* congestion avoidance byte counting (RFC 5681 3.1) */
    unsigned dupacks;         /* duplicate ACKs in a row */
    bool in_recovery;         /* fast recovery until `recover` is acknowledged */
    bool rto_recovery;        /* resending after a timeout until `recover` is acknowledged */
    uint32_t recover;
    uint64_t last_send;       /* for restarting cwnd after idle (RFC 5681 4.1) */

    /* SACK (RFC 2018): both sides said SACK-permitted on their SYNs */
    bool sack_ok;
    bool dsack_pending;       /* report `dsack` first in the next ACK (RFC 2883) */
    struct tcp_range dsack;
    /* the sender's scoreboard, a ring of nsegs records from seg_head */
    struct tcp_seg segs[TCP_SEGS_MAX];
    unsigned seg_head, nsegs;
    /* RACK (RFC 8985 6): the most recently sent segment known delivered */
    uint64_t rack_xmit_us;
    uint32_t rack_order, tx_order;   /* transmissions counted: the order within a tick */
    uint32_t rack_rtt_us, rack_fack, min_rtt_us;
    bool reordering_seen;
    unsigned reo_wnd_mult, reo_wnd_persist;
    bool dsack_round_on;
    uint32_t dsack_round;
    /* TLP (RFC 8985 7): one probe outstanding at most */
    uint64_t reo_deadline_us; /* when the next segment may be judged lost, 0 if none waits */
    bool tlp_out, tlp_retrans;
    uint32_t tlp_end;
    enum tcp_timer_kind timer_kind;
    /* PRR (RFC 6937) during SACK recovery */
    uint32_t prr_delivered, prr_out, recover_fs;
    /* undo (RFC 3708 / RFC 4015): all retransmissions D-SACKed means none was needed */
    bool undo_valid;
    uint32_t undo_marker, undo_high, prior_cwnd, prior_ssthresh;   /* resent: [marker, high) */
    int undo_retrans;

    /* acknowledgement and sending policy */
    unsigned ack_pending;     /* data segments received since our last ACK */
    bool wnd_update_due;      /* the app's reading opened the window: announce it */
    struct timer delack;      /* delayed ACK (RFC 5681 4.2, RFC 1122 4.2.3.2) */
    bool nodelay;             /* TCP_NODELAY: Nagle off (RFC 1122 4.2.3.4) */
    bool keepalive;           /* SO_KEEPALIVE (RFC 1122 4.2.3.6) */
    unsigned ka_probes;       /* unanswered keep-alive probes */
    struct timer keepalive_timer;

    /* send buffer: bytes from snd_una on (sent and unacked, then unsent) */
    struct tcp_ring snd;
    /* receive buffer: in-order bytes not yet read; ooo ranges lie beyond them */
    struct tcp_ring rcv;
    struct tcp_range ooo[TCP_OOO_MAX];
    int nooo;

    bool fin_queued;          /* close/shutdown asked: send FIN after the data */
    bool fin_sent;            /* our FIN has a sequence number (snd_nxt counted it) */
    bool fin_rcvd;            /* peer's FIN processed: reads return 0 when drained */
    bool synchronized;        /* reached ESTABLISHED once (reads after it see end of stream) */
    bool syn_timed_out;       /* our SYN or SYN-ACK was retransmitted (RFC 6298 5.7) */
    int error;                /* pending TS_E* for the socket, 0 if none */

    /* RFC 6298 retransmission */
    uint32_t srtt_us, rttvar_us, rto_us;
    bool rtt_valid;           /* have a first measurement */
    bool rtt_timing;          /* a segment is being timed (Karn: never a retransmitted one) */
    uint32_t rtt_seq;
    uint64_t rtt_start;
    unsigned retries;         /* consecutive timeouts */
    struct timer rexmit;
    struct timer timewait;

    /* listening socket: children in SYN-RECEIVED and established, awaiting accept */
    struct tcp_pcb *parent;
    struct tcp_pcb *accept_next;     /* accept queue link (in parent's queue) */
    struct tcp_pcb *accept_head, *accept_tail;
    unsigned backlog, n_syn_rcvd, n_accept;

    bool orphan;              /* the socket was closed; TCP frees the pcb when done */
    uint64_t orphan_order;    /* when it became an orphan, in order: the oldest is reset first */
    uint64_t orphan_progress; /* clock_now() when an orphan last made progress (SND.UNA moved) */
    struct timer orphan_timer; /* resets an orphan that makes no progress (tcp_config) */
    bool tx_failed;           /* tcp_output could not hand a segment down: the timer retries */
    uint64_t born;            /* allocation order: the oldest half-open one is evicted first */
    bool in_use;
};

/* tcp.c: control blocks, rings, ISNs --------------------------------------- */
/* A free control block, initialised (a TIME-WAIT one recycled if none); NULL if none. */
struct tcp_pcb *tcp_pcb_alloc(void);
/* The connection for a segment: exact 4-tuple, then a listener on lip, then on 0.0.0.0. */
struct tcp_pcb *tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
/* A child of l reached ESTABLISHED: append it to l's accept queue (tcp_accept takes it). */
void tcp_accept_push(struct tcp_pcb *l, struct tcp_pcb *c);
/* Free the listener's oldest half-open child; false if it has none. */
bool tcp_evict_embryo(struct tcp_pcb *listener);
/* Release pcb (timers, accept queue, children); the slot is free again. */
void tcp_pcb_free(struct tcp_pcb *pcb);
/* Change state (traced); ESTABLISHED marks the connection synchronized. */
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state s);
/* RFC 6528 initial sequence number for this 4-tuple. */
uint32_t tcp_isn(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
/* Room left in the ring, in bytes. */
uint32_t tcp_ring_space(const struct tcp_ring *r);
/* Copy n bytes in at offset off past the first held byte (off may pass len: OOO data). */
void tcp_ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *src, uint32_t n);
/* Copy n bytes out from offset off past the first held byte; the ring is unchanged. */
void tcp_ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *dst, uint32_t n);
/* Drop the first n held bytes (at most len). */
void tcp_ring_consume(struct tcp_ring *r, uint32_t n);

/* tcp_in.c: arriving segments ----------------------------------------------- */
/* Forget the challenge ACKs counted this second (RFC 5961 7 rate limit); tcp_init calls it. */
void tcp_challenge_reset(void);
/* RFC 9293 3.10.7: process a segment for pcb (any state). Owns p. */
void tcp_segment_arrives(struct tcp_pcb *pcb, struct pkb *p, const struct tcp_hdr *th,
                         const struct ipv4_hdr *ih);

/* tcp_out.c: sending -------------------------------------------------------- */
/* Send what the windows, Nagle and SWS avoidance allow, then the FIN. */
void tcp_output(struct tcp_pcb *pcb);
/* Send [start, end) of the send ring again (FIN if end covers it); ipv4_output's result. */
int tcp_send_seg(struct tcp_pcb *pcb, uint32_t start, uint32_t end);
/* The send MSS from the peer's MSS option (0: none), clamped to our MTU and the floor. */
void tcp_set_snd_mss(struct tcp_pcb *pcb, uint16_t peer_mss);
/* A bare ACK now: <SEQ=SND.NXT><ACK=RCV.NXT>, with SACK blocks if due. */
void tcp_send_ack(struct tcp_pcb *pcb);
/* Our SYN (SYN-SENT) or SYN-ACK (SYN-RECEIVED) with ISS; starts the timer. */
void tcp_send_syn(struct tcp_pcb *pcb);
/* RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST>. */
void tcp_send_rst(struct tcp_pcb *pcb);
/* RFC 9293 3.10.7.1: the reset answering a segment (seglen: its length in sequence space). */
void tcp_send_rst_reply(const struct ipv4_hdr *ih, const struct tcp_hdr *th, size_t seglen);
/* Send the earliest unacknowledged segment again: SYN, zero-window probe or data. */
void tcp_retransmit_first(struct tcp_pcb *pcb);
/* Our FIN has been sent and acknowledged. */
bool tcp_fin_acked(const struct tcp_pcb *pcb);
/* RFC 5681 FlightSize: sent and not yet acknowledged. */
uint32_t tcp_flight_size(const struct tcp_pcb *pcb);
/* ACK now (now, or a second segment owes one), else arm the delayed-ACK timer. */
void tcp_ack_schedule(struct tcp_pcb *pcb, bool now);

/* tcp_sack.c: SACK, RACK-TLP, SACK recovery --------------------------------- */
/* Put the SACK blocks to report into h (as many as fit in room option bytes); 0 if none. */
unsigned tcp_sack_blocks(struct tcp_pcb *pcb, struct tcp_hdr *h, size_t room);
/* A duplicate [start, end) arrived: report it first in the next ACK (RFC 2883 4). */
void tcp_sack_note_dup(struct tcp_pcb *pcb, uint32_t start, uint32_t end);
/* Record a segment [start, end) just sent in the scoreboard; false when it is full. */
bool tcp_seg_record(struct tcp_pcb *pcb, uint32_t start, uint32_t end);
/* Empty the scoreboard. */
void tcp_seg_clear(struct tcp_pcb *pcb);
/* RFC 6675 "pipe": bytes in the network, neither SACKed nor judged lost. */
uint32_t tcp_pipe(const struct tcp_pcb *pcb);
/* Send again what is judged lost while pipe stays within cwnd (RFC 6675 5). */
void tcp_sack_output(struct tcp_pcb *pcb);
/* Both SYNs seen: SACK on if the peer offered it and the config allows (RFC 2018 2). */
void tcp_sack_init(struct tcp_pcb *pcb, bool peer_permits);
/* An acceptable ACK on a SACK connection: scoreboard, RACK, recovery, cwnd. */
void tcp_sack_ack(struct tcp_pcb *pcb, const struct tcp_hdr *th, uint32_t acked);
/* A retransmission timeout on a SACK connection: all not SACKed is lost (RFC 6675 5.1). */
void tcp_sack_on_rto(struct tcp_pcb *pcb);
/* Choose and arm the one timer: RTO, tail loss probe or RACK reordering (RFC 8985 8). */
void tcp_sack_arm_timer(struct tcp_pcb *pcb);
/* The RACK reordering timer fired: the segments it waited for are lost (RFC 8985 6.3). */
void tcp_rack_timeout(struct tcp_pcb *pcb);
/* The tail loss probe timer fired: send one probe segment (RFC 8985 7.3). */
void tcp_tlp_fire(struct tcp_pcb *pcb);
/* cwnd after acked new bytes outside recovery: slow start or avoidance (RFC 5681 3.1). */
void tcp_cwnd_grow(struct tcp_pcb *pcb, uint32_t acked);

/* tcp_timer.c: timers and RTT ----------------------------------------------- */
/* Set up pcb's timers (not armed). */
void tcp_timers_init(struct tcp_pcb *pcb);
/* Disarm all of pcb's timers. */
void tcp_timers_cancel(struct tcp_pcb *pcb);
/* Any segment from the peer: the keep-alive idle period starts again. */
void tcp_keepalive_reset(struct tcp_pcb *pcb);
/* RFC 5681 3.1 / RFC 6298 5.5: a timeout: ssthresh, cwnd to the loss window, go back. */
void tcp_on_rto(struct tcp_pcb *pcb);
/* RFC 6298 5.1/5.3: (re)start the retransmission timer to expire after RTO. */
void tcp_rexmit_restart(struct tcp_pcb *pcb);
/* Arm the one retransmission timer for kind (RTO, TLP or RACK) after us. */
void tcp_rexmit_arm(struct tcp_pcb *pcb, enum tcp_timer_kind kind, uint64_t us);
/* Stop the retransmission timer. */
void tcp_rexmit_stop(struct tcp_pcb *pcb);
/* ack covered the timed segment: an RTT sample (RFC 6298 2; Karn: never a resend). */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t ack);
/* RFC 9293 3.4.2: (re)start the 2*MSL TIME-WAIT timer. */
void tcp_timewait_start(struct tcp_pcb *pcb);
/* The app closed pcb: from now on it must make progress or be reset. */
void tcp_orphan_start(struct tcp_pcb *pcb);
/* New data or our FIN acknowledged: an orphan's progress clock starts again. */
void tcp_orphan_progress(struct tcp_pcb *pcb);

#endif
