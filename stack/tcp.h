/*
 * tcp.h - the Transmission Control Protocol (RFC 9293), with RTO per RFC 6298,
 * ISNs per RFC 6528 and RST/SYN/ACK hardening per RFC 5961.
 *
 * tcp_in.c     parse, tcp_input (demux), tcp_segment_arrives (RFC 9293 3.10.7)
 * tcp_out.c    tcp_output (data, SYN, FIN from the send buffer), RST/ACK sends
 * tcp_timer.c  retransmission (RFC 6298), TIME-WAIT, RTT estimation
 * tcp_sack.c   SACK (RFC 2018, D-SACK RFC 2883) both ways, RACK-TLP loss detection
 *              (RFC 8985), SACK recovery (RFC 6675) paced by PRR (RFC 6937), undo of
 *              spurious retransmissions (RFC 3708 detection, RFC 4015 response)
 * tcp.c        control blocks, buffers, the calls the socket layer makes
 *
 * The socket layer (socket.c) calls tcp_listen/connect/send/recv/shutdown/
 * close and asks tcp_poll_events() which of POLLIN/POLLOUT/POLLERR/POLLHUP hold.
 */
#ifndef TS_TCP_H
#define TS_TCP_H

#include "ts.h"
#include "clock.h"
#include <stdio.h>

#define TCP_HDR_MIN       20
#define TCP_DEFAULT_MSS   536       /* RFC 9293 3.7.1: when the peer sends no MSS option */
#define TCP_RCV_MSS       1460      /* the MSS we offer on Ethernet (1500 - 40) */
/*
 * The smallest send MSS we accept from a peer (Linux: tcp_min_snd_mss, the fix for
 * CVE-2019-11479). A SYN announcing less is clamped up to it and counted (tcp.mss_clamped).
 * 48, as Linux: every peer Linux serves, we serve; no real link needs less (RFC 791's
 * smallest MTU, 68, would allow 28); and 40 bytes of headers per 48 of data bound the
 * amplification a peer can ask for to under 2x, where MSS 1 would make it 41x.
 */
#define TCP_MIN_SND_MSS   48

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

struct netif;
struct pkb;
struct ipv4_hdr;

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4): never with < directly. */
static inline bool seq_lt(uint32_t a, uint32_t b)  { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b)  { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* A parsed segment header, host order. */
struct tcp_hdr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t hlen;             /* data offset in bytes */
    uint8_t flags;
    uint16_t wnd;
    uint16_t csum;
    uint16_t urp;
    uint16_t mss;             /* MSS option, 0 if absent */
    bool sack_perm;           /* SACK-permitted option (RFC 2018 2), meaningful on a SYN */
    bool sack_bad;            /* a SACK option of a length that is not 2 + 8n: ignored */
    uint8_t nsack;            /* SACK blocks (RFC 2018 3) */
    struct { uint32_t start, end; } sack[4];
};

/* RFC 9293 3.3.2 states. */
enum tcp_state {
    TCPS_CLOSED, TCPS_LISTEN, TCPS_SYN_SENT, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED,
    TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_CLOSE_WAIT, TCPS_CLOSING, TCPS_LAST_ACK, TCPS_TIME_WAIT,
};
const char *tcp_state_name(enum tcp_state s);

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

/* At most 4 SACK blocks fit in 40 bytes of options (2 NOPs, kind, length, 4 * 8). */
#define TCP_SACK_MAX 4

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

struct tcp_config {
    unsigned max_pcbs;        /* control blocks in all (default 128) */
    uint32_t sndbuf, rcvbuf;  /* bytes per connection (default 65535 each) */
    uint64_t msl_us;          /* TIME-WAIT lasts 2*MSL (default MSL 30 s; short in tests) */
    uint32_t rto_min_us, rto_max_us, rto_init_us;   /* RFC 6298: 1 s, 60 s, 1 s */
    unsigned syn_retries, data_retries;             /* then ETIMEDOUT (default 5, 8) */
    uint32_t delack_us;       /* delayed-ACK timer (default 40 ms; RFC 1122: < 500 ms) */
    uint64_t ka_idle_us;      /* keep-alive: idle time before the first probe (2 h) */
    uint64_t ka_intvl_us;     /* between probes (75 s) */
    unsigned ka_count;        /* unanswered probes before ETIMEDOUT (9) */
    uint64_t isn_secret;      /* RFC 6528 key; from the seed */
    bool no_sack;             /* do not offer or accept SACK (RFC 2018): NewReno only */
    uint64_t orphan_timeout_us; /* an orphan without progress this long is reset (60 s) */
    unsigned max_orphans;     /* orphans (closed, not yet done) at most; past it the oldest is
                               * reset (0: a quarter of max_pcbs) */
};

int tcp_parse(const uint8_t *b, size_t n, struct tcp_hdr *h);

/* Set up the control block table; NULL = defaults. TS_ENOMEM on failure. */
int tcp_init(const struct tcp_config *cfg);
void tcp_shutdown_all(void);
void tcp_defaults(struct tcp_config *cfg);

/* Registered with ipv4_register(IPPROTO_TCP). Owns p. */
void tcp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih);
/* Registered with icmp_register_err(IPPROTO_TCP): unreachables about our segments. */
void tcp_icmp_error(uint8_t type, uint8_t code, const struct ipv4_hdr *quoted,
                    const uint8_t *l4, size_t l4len);

/* The calls the socket layer makes. Negative TS_E* on error. */
struct tcp_pcb *tcp_new(void);                        /* NULL: table full */
int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port, bool reuse);
int tcp_listen(struct tcp_pcb *pcb, unsigned backlog);
struct tcp_pcb *tcp_accept(struct tcp_pcb *listener); /* NULL: none ready */
int tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);
long tcp_send(struct tcp_pcb *pcb, const void *buf, size_t len);
long tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len);
/* Copy without taking (MSG_PEEK). */
long tcp_peek(const struct tcp_pcb *pcb, void *buf, size_t len);
int tcp_shutdown(struct tcp_pcb *pcb, bool rd, bool wr);
/* Close: FIN after the data, or RST if unread data is left (RFC 9293 3.10.4). */
void tcp_close(struct tcp_pcb *pcb);
void tcp_abort(struct tcp_pcb *pcb);
/* Which of POLLIN, POLLOUT, POLLERR, POLLHUP hold now. */
short tcp_poll_events(const struct tcp_pcb *pcb);
/* TCP_NODELAY and SO_KEEPALIVE. */
void tcp_set_nodelay(struct tcp_pcb *pcb, bool on);
void tcp_set_keepalive(struct tcp_pcb *pcb, bool on);
/* Take the pending error (0 if none). */
int tcp_take_error(struct tcp_pcb *pcb);

/* For tests and the status views. */
unsigned tcp_count(enum tcp_state s);   /* TCPS_CLOSED counts all in use */
unsigned tcp_orphan_count(void);        /* closed by the app, not yet done (not TIME-WAIT) */
void tcp_dump(FILE *f);
const struct tcp_pcb *tcp_pcb_at(unsigned i);
const struct tcp_config *tcp_config_get(void);

/* Internal between tcp_*.c ------------------------------------------------ */
struct tcp_pcb *tcp_pcb_alloc(void);
struct tcp_pcb *tcp_lookup(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
bool tcp_evict_embryo(struct tcp_pcb *listener);
void tcp_pcb_free(struct tcp_pcb *pcb);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state s);
uint32_t tcp_isn(uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
uint16_t tcp_rcv_window(const struct tcp_pcb *pcb);
void tcp_segment_arrives(struct tcp_pcb *pcb, struct pkb *p, const struct tcp_hdr *th,
                         const struct ipv4_hdr *ih);
/* tcp_out.c */
/* "S", "S.", "P.", "FR"...: tcpdump's letters for the flags, for the trace. */
void tcp_flags_str(uint8_t flags, char out[8]);
/* " <mss 1460,sackOK>", " <sack 1-2 5-6>", "": a segment's options for the trace. */
void tcp_opts_str(const struct tcp_hdr *h, char *out, size_t n);
void tcp_output(struct tcp_pcb *pcb);
int tcp_send_seg(struct tcp_pcb *pcb, uint32_t start, uint32_t end);
void tcp_set_snd_mss(struct tcp_pcb *pcb, uint16_t peer_mss);
void tcp_send_ack(struct tcp_pcb *pcb);
void tcp_send_syn(struct tcp_pcb *pcb);
void tcp_send_rst(struct tcp_pcb *pcb);
void tcp_send_rst_reply(const struct ipv4_hdr *ih, const struct tcp_hdr *th, size_t seglen);
void tcp_retransmit_first(struct tcp_pcb *pcb);
bool tcp_fin_acked(const struct tcp_pcb *pcb);
uint32_t tcp_flight_size(const struct tcp_pcb *pcb);
void tcp_ack_received(struct tcp_pcb *pcb, uint32_t ack, uint32_t acked, bool dup);
void tcp_ack_schedule(struct tcp_pcb *pcb, bool now);
/* tcp_sack.c */
size_t tcp_sack_option(struct tcp_pcb *pcb, uint8_t *opt, size_t room);
void tcp_sack_note_dup(struct tcp_pcb *pcb, uint32_t start, uint32_t end);
bool tcp_seg_record(struct tcp_pcb *pcb, uint32_t start, uint32_t end);
void tcp_seg_clear(struct tcp_pcb *pcb);
uint32_t tcp_pipe(const struct tcp_pcb *pcb);
void tcp_sack_output(struct tcp_pcb *pcb);
void tcp_sack_init(struct tcp_pcb *pcb, bool peer_permits);
void tcp_sack_ack(struct tcp_pcb *pcb, const struct tcp_hdr *th, uint32_t acked);
void tcp_sack_on_rto(struct tcp_pcb *pcb);
void tcp_sack_arm_timer(struct tcp_pcb *pcb);
void tcp_rack_timeout(struct tcp_pcb *pcb);
void tcp_tlp_fire(struct tcp_pcb *pcb);
void tcp_cwnd_grow(struct tcp_pcb *pcb, uint32_t acked);
/* tcp_timer.c */
void tcp_timers_init(struct tcp_pcb *pcb);
void tcp_timers_cancel(struct tcp_pcb *pcb);
void tcp_keepalive_reset(struct tcp_pcb *pcb);
void tcp_on_rto(struct tcp_pcb *pcb);
void tcp_rexmit_restart(struct tcp_pcb *pcb);
void tcp_rexmit_arm(struct tcp_pcb *pcb, enum tcp_timer_kind kind, uint64_t us);
void tcp_rexmit_stop(struct tcp_pcb *pcb);
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t ack);
void tcp_timewait_start(struct tcp_pcb *pcb);
void tcp_orphan_start(struct tcp_pcb *pcb);
void tcp_orphan_progress(struct tcp_pcb *pcb);
/* Ring helpers (tcp.c) */
uint32_t ring_free(const struct tcp_ring *r);
void ring_write_at(struct tcp_ring *r, uint32_t off, const uint8_t *src, uint32_t n);
void ring_read_at(const struct tcp_ring *r, uint32_t off, uint8_t *dst, uint32_t n);
void ring_consume(struct tcp_ring *r, uint32_t n);

#endif
