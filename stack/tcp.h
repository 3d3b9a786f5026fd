/*
 * tcp.h - the Transmission Control Protocol (RFC 9293), with RTO per RFC 6298,
 * ISNs per RFC 6528 and RST/SYN/ACK hardening per RFC 5961.
 *
 * tcp_wire.c   the segment on the wire: tcp_parse, tcp_emit, the trace's text
 * tcp_in.c     tcp_input (checksum, demux), tcp_segment_arrives (RFC 9293 3.10.7)
 * tcp_out.c    tcp_output (data, SYN, FIN from the send buffer), RST/ACK sends
 * tcp_timer.c  retransmission (RFC 6298), TIME-WAIT, RTT estimation
 * tcp_sack.c   SACK (RFC 2018, D-SACK RFC 2883) both ways, RACK-TLP loss detection
 *              (RFC 8985), SACK recovery (RFC 6675) paced by PRR (RFC 6937), undo of
 *              spurious retransmissions (RFC 3708 detection, RFC 4015 response)
 * tcp.c        control blocks, buffers, the calls the socket layer makes
 *
 * The socket layer (socket.c) calls tcp_listen/connect/send/recv/shutdown/
 * close and asks tcp_poll_events() which of POLLIN/POLLOUT/POLLERR/POLLHUP hold.
 *
 * This file is what the rest of the stack sees: the segment header, the states,
 * the configuration and the calls IPv4, ICMP and the socket layer make. The
 * control block and the calls between the TCP files are in tcp_var.h (BSD's
 * split); code that reads a control block's fields includes that too.
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

#define TCP_CSUM_OFF      16        /* the checksum field's offset in the header */

/* Option kinds (RFC 9293 3.2, RFC 2018) and the lengths of the fixed-size ones. */
#define TCPOPT_EOL        0         /* end of option list */
#define TCPOPT_NOP        1         /* no-operation (padding between options) */
#define TCPOPT_MSS        2         /* maximum segment size, SYN only */
#define TCPOPT_SACK_PERM  4         /* SACK-permitted (RFC 2018 2), SYN only */
#define TCPOPT_SACK       5         /* SACK blocks (RFC 2018 3) */
#define TCPOLEN_MSS       4
#define TCPOLEN_SACK_PERM 2

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

struct netif;
struct pkb;
struct ipv4_hdr;
struct tcp_pcb;             /* the control block: tcp_var.h */

/* At most 4 SACK blocks fit in 40 bytes of options (2 NOPs, kind, length, 4 * 8). */
#define TCP_SACK_MAX 4

/* Sequence numbers compare modulo 2^32 (RFC 9293 3.4): never with < directly. */
static inline bool seq_lt(uint32_t a, uint32_t b)  { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b)  { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* A segment header in host order: what tcp_parse reads and tcp_emit writes (tcp_wire.c
 * has the diagram). */
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
    struct { uint32_t start, end; } sack[TCP_SACK_MAX];
};

/* RFC 9293 3.3.2 states. */
enum tcp_state {
    TCPS_CLOSED, TCPS_LISTEN, TCPS_SYN_SENT, TCPS_SYN_RECEIVED, TCPS_ESTABLISHED,
    TCPS_FIN_WAIT_1, TCPS_FIN_WAIT_2, TCPS_CLOSE_WAIT, TCPS_CLOSING, TCPS_LAST_ACK, TCPS_TIME_WAIT,
};
const char *tcp_state_name(enum tcp_state s);

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

/* Parse a segment header and its options from n bytes; TS_ETRUNC, TS_EBADLEN or TS_EBADVAL. */
int tcp_parse(const uint8_t *b, size_t n, struct tcp_hdr *h);
/* The header length tcp_emit writes for h: 20 bytes and the options h holds. */
size_t tcp_emit_len(const struct tcp_hdr *h);
/* Write h (fields, MSS/SACK-permitted/SACK options) into b; the checksum is left 0. */
void tcp_emit(uint8_t *b, const struct tcp_hdr *h);
/* "S", "S.", "P.", "FR"...: tcpdump's letters for the flags, for the trace. */
void tcp_flags_str(uint8_t flags, char out[8]);
/* " <mss 1460,sackOK>", " <sack 1-2 5-6>", "": a segment's options for the trace. */
void tcp_opts_str(const struct tcp_hdr *h, char *out, size_t n);

/* Set up the control block table; NULL = defaults. TS_ENOMEM on failure. */
int tcp_init(const struct tcp_config *cfg);
/* Free the table and the rings (tcp_init again to use TCP). */
void tcp_shutdown_all(void);
/* The defaults tcp_init(NULL) uses. */
void tcp_defaults(struct tcp_config *cfg);

/* Registered with ipv4_register(IPPROTO_TCP). Owns p. */
void tcp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih);
/* Registered with icmp_register_err(IPPROTO_TCP): unreachables about our segments. */
void tcp_icmp_error(uint8_t type, uint8_t code, const struct ipv4_hdr *quoted,
                    const uint8_t *l4, size_t l4len);

/* The calls the socket layer makes. Negative TS_E* on error. */
struct tcp_pcb *tcp_new(void);                        /* NULL: table full */
/* Local address and port (0: an ephemeral one); TS_EADDRINUSE unless reuse allows it. */
int tcp_bind(struct tcp_pcb *pcb, uint32_t ip, uint16_t port, bool reuse);
/* Passive open (RFC 9293 3.10.1): LISTEN with at most backlog children at a time. */
int tcp_listen(struct tcp_pcb *pcb, unsigned backlog);
struct tcp_pcb *tcp_accept(struct tcp_pcb *listener); /* NULL: none ready */
/* Active open (RFC 9293 3.10.1): send our SYN; the result comes through tcp_poll_events. */
int tcp_connect(struct tcp_pcb *pcb, uint32_t ip, uint16_t port);
/* Queue up to len bytes for sending (RFC 9293 3.10.2); bytes taken, TS_EAGAIN if none fit. */
long tcp_send(struct tcp_pcb *pcb, const void *buf, size_t len);
/* Take up to len in-order bytes (RFC 9293 3.10.3); 0 at end of stream. */
long tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len);
/* Copy without taking (MSG_PEEK). */
long tcp_peek(const struct tcp_pcb *pcb, void *buf, size_t len);
/* Stop reading (rd) and/or writing (wr: FIN after the data). */
int tcp_shutdown(struct tcp_pcb *pcb, bool rd, bool wr);
/* Close: FIN after the data, or RST if unread data is left (RFC 9293 3.10.4). */
void tcp_close(struct tcp_pcb *pcb);
/* RFC 9293 3.10.5 ABORT: RST to the peer, CLOSED now. */
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
void tcp_dump(FILE *f);                 /* one line per control block in use */
const struct tcp_pcb *tcp_pcb_at(unsigned i);   /* slot i if in use, else NULL */
const struct tcp_config *tcp_config_get(void);  /* the configuration tcp_init took */
/* The window we advertise now (free receive space, SWS-avoiding; RFC 1122 4.2.3.3). */
uint16_t tcp_rcv_window(const struct tcp_pcb *pcb);


#endif
