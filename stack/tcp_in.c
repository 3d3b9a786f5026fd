/*
 * tcp_in.c - receiving segments: validate (tcp_input, after tcp_parse),
 * find the connection, then tcp_segment_arrives() follows RFC 9293 3.10.7
 * step by step with the RFC's own variable names. RFC 5961 hardens the RST,
 * SYN and ACK checks (challenge ACKs).
 *
 * Called by ipv4_input through the demux table. Calls tcp_out.c to answer.
 * LIMIT: data carried on a SYN is not queued (the peer sends it again);
 * an out-of-order FIN is forgotten until it arrives in order.
 */
#include "tcp_var.h"
#include "ipv4.h"
#include "icmp.h"
#include "netif.h"
#include "pkb.h"
#include "checksum.h"
#include "stats.h"
#include "trace.h"

#include <string.h>

void
tcp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih)
{
    struct tcp_hdr th;
    struct tcp_pcb *pcb;
    size_t seglen;
    char s1[IP4_STRLEN], s2[IP4_STRLEN], fl[8], os[128];
    int err;

    (void)nif;
    err = tcp_parse(p->data, p->len, &th);
    if (err == TS_ETRUNC)
        DROP(p, tcp, truncated);
    if (err == TS_EBADLEN)
        DROP(p, tcp, bad_hlen);
    if (err != TS_OK)
        DROP(p, tcp, bad_option);
    if (th.sack_bad)
        STAT_INC(tcp, sack_bad);
    /* RFC 9293 3.1: the checksum covers pseudo-header, header and data. */
    if (csum_fold(csum_add(csum_pseudo(ih->src, ih->dst, IPPROTO_TCP_, (uint16_t)p->len),
                           p->data, p->len)) != 0)
        DROP(p, tcp, bad_checksum);
    STAT_INC(tcp, rx);
    if (trace_on) {
        tcp_flags_str(th.flags, fl);
        tcp_opts_str(&th, os, sizeof(os));
        TRACE_IN(p, "tcp", "%s:%u > %s:%u [%s] seq %u ack %u win %u len %zu%s",
                 ip4_str(ih->src, s1), th.sport, ip4_str(ih->dst, s2), th.dport, fl, th.seq,
                 th.ack, th.wnd, p->len - th.hlen, os);
    }
    /* RFC 1122 4.2.3.10: never answer or accept segments to broadcast/multicast. */
    if (ih->to_bcast || ipv4_is_multicast(ih->dst))
        DROP(p, tcp, bcast);
    seglen = p->len - th.hlen + ((th.flags & TCP_SYN) ? 1 : 0) + ((th.flags & TCP_FIN) ? 1 : 0);
    pcb = tcp_lookup(ih->dst, th.dport, ih->src, th.sport);
    if (pcb == NULL) {
        /* RFC 9293 3.10.7.1: CLOSED - a RST is never answered; anything else gets one. */
        if (th.flags & TCP_RST)
            DROP(p, tcp, rst_no_conn);
        tcp_send_rst_reply(ih, &th, seglen);
        DROP(p, tcp, no_conn);
    }
    tcp_segment_arrives(pcb, p, &th, ih);
}

/*
 * An ICMP error quoting one of our segments (RFC 1122 4.2.3.9, RFC 5927).
 * Net, host and source-route unreachables are soft: never abort (they are
 * counted, not stored). Protocol and port unreachable abort a connection
 * that is still opening (SYN-SENT): "connection refused".
 * The quoted sequence number must lie in [SND.UNA, SND.NXT] (RFC 5927 4.1).
 */
void
tcp_icmp_error(uint8_t type, uint8_t code, const struct ipv4_hdr *q, const uint8_t *l4,
               size_t l4len)
{
    struct rd r = rd_init(l4, l4len);
    uint16_t sport = rd_be16(&r), dport = rd_be16(&r);
    uint32_t seq = rd_be32(&r);
    struct tcp_pcb *pcb;

    if (r.err || type != ICMP_UNREACH)
        return;
    pcb = tcp_lookup(q->src, sport, q->dst, dport);
    if (pcb == NULL || pcb->state == TCPS_LISTEN || seq_lt(seq, pcb->snd_una) ||
        seq_gt(seq, pcb->snd_max)) {
        STAT_INC(tcp, icmp_ignored);
        return;
    }
    STAT_INC(tcp, icmp_in);
    TRACE_EV("tcp", "port %u: ICMP unreachable code %u", pcb->local_port, code);
    if (pcb->state == TCPS_SYN_SENT && (code == ICMP_UNREACH_PROTO || code == ICMP_UNREACH_PORT)) {
        pcb->error = TS_ECONNREFUSED;
        tcp_set_state(pcb, TCPS_CLOSED);
        tcp_timers_cancel(pcb);
        if (pcb->orphan)
            tcp_pcb_free(pcb);
    }
}

/* RFC 9293 3.10.7.2: LISTEN. */
static void
tcp_listen_input(struct tcp_pcb *l, struct pkb *p, const struct tcp_hdr *th,
                 const struct ipv4_hdr *ih)
{
    struct tcp_pcb *c;

    if (th->flags & TCP_RST)
        DROP(p, tcp, rst_listen);             /* first: an incoming RST is ignored */
    if (th->flags & TCP_ACK) {
        tcp_send_rst_reply(ih, th, 0);        /* second: <SEQ=SEG.ACK><CTL=RST> */
        DROP(p, tcp, ack_listen);
    }
    if (!(th->flags & TCP_SYN))
        DROP(p, tcp, no_syn_listen);
    /* A bounded SYN queue and accept backlog: a flood fills them and is counted. When the
     * SYN queue holds half-open connections, the oldest gives way (as a SYN flood's
     * embryos never complete, a real client's handshake still fits in between). */
    if (l->n_syn_rcvd + l->n_accept >= l->backlog && !tcp_evict_embryo(l))
        DROP(p, tcp, backlog_full);
    c = tcp_pcb_alloc();
    if (c == NULL)
        DROP(p, tcp, no_pcb_syn);
    c->local_ip = ih->dst;
    c->local_port = th->dport;
    c->remote_ip = ih->src;
    c->remote_port = th->sport;
    c->parent = l;
    l->n_syn_rcvd++;
    /* third: RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, select ISS, send SYN-ACK. */
    c->irs = th->seq;
    c->rcv_nxt = th->seq + 1;
    c->iss = tcp_isn(c->local_ip, c->local_port, c->remote_ip, c->remote_port);
    c->snd_una = c->iss;
    c->snd_wnd = th->wnd;
    c->max_snd_wnd = th->wnd;
    c->snd_wl1 = th->seq;
    c->snd_wl2 = c->iss;
    /* RFC 9293 3.7.1: no segment larger than the peer's MSS (536 if absent) or our MTU. */
    tcp_set_snd_mss(c, th->mss);
    tcp_sack_init(c, th->sack_perm);          /* our SYN-ACK answers SACK-permitted */
    c->state = TCPS_SYN_RECEIVED;
    TRACE_EV("tcp", "port %u: SYN from %u, new connection in SYN-RECEIVED", th->dport,
             th->sport);
    tcp_send_syn(c);
    pkb_free(p);
}

/* RFC 9293 3.10.7.3: SYN-SENT. */
static void
tcp_synsent_input(struct tcp_pcb *pcb, struct pkb *p, const struct tcp_hdr *th,
                  const struct ipv4_hdr *ih)
{
    bool ack_ok = false;

    if (th->flags & TCP_ACK) {
        /* first: an ACK outside ISS < SEG.ACK =< SND.NXT gets a reset (unless it is one). */
        if (seq_leq(th->ack, pcb->iss) || seq_gt(th->ack, pcb->snd_nxt)) {
            if (!(th->flags & TCP_RST))
                tcp_send_rst_reply(ih, th, 0);
            DROP(p, tcp, bad_ack);
        }
        ack_ok = seq_leq(pcb->snd_una, th->ack) && seq_leq(th->ack, pcb->snd_nxt);
    }
    if (th->flags & TCP_RST) {
        /* second: a RST that acknowledges our SYN refuses the connection (RFC 5961 3.2). */
        if (!ack_ok)
            DROP(p, tcp, rst_bad);
        STAT_INC(tcp, refused);
        pcb->error = TS_ECONNREFUSED;
        tcp_set_state(pcb, TCPS_CLOSED);
        tcp_rexmit_stop(pcb);
        pkb_free(p);
        if (pcb->orphan)
            tcp_pcb_free(pcb);
        return;
    }
    if (!(th->flags & TCP_SYN))
        DROP(p, tcp, no_syn);                 /* fifth: neither SYN nor RST: drop */
    /* fourth: RCV.NXT = SEG.SEQ+1, IRS = SEG.SEQ, SND.UNA = SEG.ACK. */
    pcb->irs = th->seq;
    pcb->rcv_nxt = th->seq + 1;
    tcp_set_snd_mss(pcb, th->mss);
    tcp_sack_init(pcb, th->sack_perm);
    pcb->snd_wnd = th->wnd;
    pcb->max_snd_wnd = th->wnd;
    pcb->snd_wl1 = th->seq;
    pcb->snd_wl2 = th->ack;
    if (ack_ok) {
        pcb->snd_una = th->ack;
        tcp_rtt_sample(pcb, th->ack);
    }
    if (seq_gt(pcb->snd_una, pcb->iss)) {
        /* Our SYN is acknowledged: ESTABLISHED, and ACK theirs. */
        tcp_rexmit_stop(pcb);
        pcb->retries = 0;
        tcp_set_state(pcb, TCPS_ESTABLISHED);
        tcp_send_ack(pcb);
        tcp_output(pcb);
    } else {
        /* Simultaneous open: SYN-RECEIVED, send SYN,ACK with our ISS. */
        tcp_set_state(pcb, TCPS_SYN_RECEIVED);
        tcp_send_syn(pcb);
    }
    pkb_free(p);
}

/* Delete or close a connection reset by the peer. */
static void
tcp_reset_by_peer(struct tcp_pcb *pcb, int err)
{
    STAT_INC(tcp, rst_in);
    if (pcb->parent && pcb->state == TCPS_SYN_RECEIVED) {
        tcp_pcb_free(pcb);                    /* passive: the listener carries on */
        return;
    }
    if (pcb->state != TCPS_TIME_WAIT && pcb->state != TCPS_CLOSING &&
        pcb->state != TCPS_LAST_ACK)
        pcb->error = err;
    tcp_set_state(pcb, TCPS_CLOSED);
    tcp_rexmit_stop(pcb);
    timer_cancel(&pcb->timewait);
    if (pcb->orphan || pcb->parent)
        tcp_pcb_free(pcb);
}

/* Remove out-of-order range i, keeping the others in their order. */
static void
tcp_ooo_remove(struct tcp_pcb *pcb, int i)
{
    for (; i + 1 < pcb->nooo; i++)
        pcb->ooo[i] = pcb->ooo[i + 1];
    pcb->nooo--;
}

/*
 * The first part of [start, end) that the out-of-order ranges already hold:
 * data that came twice, for a D-SACK block (RFC 2883 4). False if none.
 */
static bool
tcp_ooo_overlap(const struct tcp_pcb *pcb, uint32_t start, uint32_t end, struct tcp_range *dup)
{
    bool found = false;

    for (int i = 0; i < pcb->nooo; i++) {
        uint32_t s = seq_gt(start, pcb->ooo[i].start) ? start : pcb->ooo[i].start;
        uint32_t e = seq_lt(end, pcb->ooo[i].end) ? end : pcb->ooo[i].end;

        if (seq_lt(s, e) && (!found || seq_lt(s, dup->start))) {
            dup->start = s;
            dup->end = e;
            found = true;
        }
    }
    return found;
}

/*
 * Add [start, end) to the out-of-order ranges, merging neighbours; the range
 * it ends up in moves to the front (the first SACK block, RFC 2018 4). False
 * if there is no room.
 */
static bool
tcp_ooo_add(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
    struct tcp_range r = { start, end };
    int i;

    for (i = 0; i < pcb->nooo;) {
        struct tcp_range *o = &pcb->ooo[i];

        if (seq_leq(r.start, o->end) && seq_geq(r.end, o->start)) {
            if (seq_lt(o->start, r.start))
                r.start = o->start;
            if (seq_gt(o->end, r.end))
                r.end = o->end;
            tcp_ooo_remove(pcb, i);       /* merged into r */
        } else {
            i++;
        }
    }
    if (pcb->nooo == TCP_OOO_MAX)
        return false;                     /* (only when nothing merged) */
    for (i = pcb->nooo; i > 0; i--)
        pcb->ooo[i] = pcb->ooo[i - 1];
    pcb->ooo[0] = r;
    pcb->nooo++;
    return true;
}

/* After RCV.NXT moved: take in every out-of-order range it now reaches. */
static void
tcp_ooo_advance(struct tcp_pcb *pcb)
{
    bool again = true;

    while (again) {
        again = false;
        for (int i = 0; i < pcb->nooo; i++) {
            struct tcp_range *r = &pcb->ooo[i];

            if (seq_gt(r->start, pcb->rcv_nxt))
                continue;
            if (seq_gt(r->end, pcb->rcv_nxt)) {
                pcb->rcv.len += r->end - pcb->rcv_nxt;
                pcb->rcv_nxt = r->end;
            }
            tcp_ooo_remove(pcb, i);
            again = true;
            break;
        }
    }
}

/*
 * How many duplicate ACKs mean "lost": 3 (RFC 5681 3.2), or fewer when so
 * little is in flight that three can never come and nothing new may be sent
 * to make them: Early Retransmit, RFC 5827 3.1 (ER_thresh = oflight - 1).
 */
static unsigned
tcp_dupthresh(const struct tcp_pcb *pcb)
{
    uint32_t mss = pcb->snd_mss, flight = tcp_flight_size(pcb);
    uint32_t segs = (flight + mss - 1) / mss;
    uint32_t unsent = pcb->snd.len > flight ? pcb->snd.len - flight : 0;
    bool can_send = unsent > 0 && seq_lt(pcb->snd_max, pcb->snd_una + pcb->snd_wnd);

    if (segs < TCP_DUPACK_THRESH + 1 && segs >= 2 && !can_send)
        return segs - 1;
    return TCP_DUPACK_THRESH;
}

/*
 * New data (or our SYN/FIN) acknowledged (RFC 9293 3.10.7.4 fifth, RFC 5681,
 * RFC 6582 NewReno): drop it from the send buffer, move SND.UNA, sample the
 * RTT, grow or deflate cwnd, restart or stop the timer. Returns the bytes that
 * count for congestion control (the SYN does not).
 */
static uint32_t
tcp_ack_new_data(struct tcp_pcb *pcb, const struct tcp_hdr *th, bool was_recovery)
{
    uint32_t mss = pcb->snd_mss, acked = th->ack - pcb->snd_una, data = acked;

    if (seq_leq(pcb->snd_una, pcb->iss)) {
        data--;                               /* the SYN's number is not data */
        acked--;                              /* and does not open the congestion window */
    }
    if (pcb->fin_sent && seq_gt(th->ack, pcb->fin_seq))
        data--;                               /* nor is the FIN's */
    tcp_ring_consume(&pcb->snd, data);
    pcb->snd_una = th->ack;
    if (seq_lt(pcb->snd_nxt, pcb->snd_una))
        pcb->snd_nxt = pcb->snd_una;          /* after go-back-N the peer may know more */
    pcb->retries = 0;
    pcb->dupacks = 0;
    tcp_orphan_progress(pcb);
    tcp_rtt_sample(pcb, th->ack);
    if (pcb->sack_ok) {
        ;                                     /* congestion control: tcp_sack_ack */
    } else if (was_recovery && seq_geq(th->ack, pcb->recover)) {
        /* RFC 6582 3.2 step 3: full ACK ends recovery; deflate to
         * min(ssthresh, max(FlightSize, SMSS) + SMSS). */
        uint32_t f = tcp_flight_size(pcb);
        uint32_t cap = (f > mss ? f : mss) + mss;

        pcb->cwnd = pcb->ssthresh < cap ? pcb->ssthresh : cap;
        pcb->in_recovery = false;
        TRACE_EV("tcp", "port %u: recovery done, cwnd %u", pcb->local_port, pcb->cwnd);
    } else if (was_recovery) {
        /* Step 4: partial ACK - the next hole is lost too: resend it, deflate by acked. */
        STAT_INC(tcp, partial_ack);
        tcp_retransmit_first(pcb);
        pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked + mss : mss;
    } else if (acked > 0) {
        tcp_cwnd_grow(pcb, acked);            /* slow start or congestion avoidance */
    }
    /* RFC 6298 5.2/5.3: stop the timer when all is acked, else restart it. */
    if (pcb->snd_una == pcb->snd_max)
        tcp_rexmit_stop(pcb);
    else
        tcp_rexmit_restart(pcb);
    return acked;
}

/*
 * RFC 5681 2: a duplicate ACK (without SACK): the same ACK and window, no data,
 * data in flight. A zero window's answers to our probes are not: nothing is lost.
 */
static bool
tcp_is_dup_ack(const struct tcp_pcb *pcb, const struct tcp_hdr *th, uint32_t dlen, bool fin)
{
    return !pcb->sack_ok && th->ack == pcb->snd_una && dlen == 0 && !fin &&
           th->wnd == pcb->snd_wnd && th->wnd > 0 && tcp_flight_size(pcb) > 0 &&
           pcb->state != TCPS_SYN_RECEIVED;
}

/* Count a duplicate ACK: at the threshold, fast retransmit (RFC 5681 3.2); in recovery, inflate. */
static void
tcp_ack_duplicate(struct tcp_pcb *pcb, const struct tcp_hdr *th)
{
    uint32_t mss = pcb->snd_mss;
    unsigned thresh = tcp_dupthresh(pcb);

    pcb->dupacks++;
    STAT_INC(tcp, dup_ack);
    if (pcb->dupacks == thresh && !pcb->in_recovery && seq_gt(th->ack - 1, pcb->recover - 1)) {
        uint32_t f = tcp_flight_size(pcb);

        STAT_INC(tcp, fast_rexmit);
        pcb->ssthresh = f / 2 > 2 * mss ? f / 2 : 2 * mss;     /* eq. 4 */
        pcb->recover = pcb->snd_max;
        pcb->in_recovery = true;
        pcb->rtt_timing = false;
        tcp_retransmit_first(pcb);
        pcb->cwnd = pcb->ssthresh + TCP_DUPACK_THRESH * mss;
        TRACE_EV("tcp", "port %u: %u duplicate ACKs: fast retransmit, cwnd %u ssthresh %u",
                 pcb->local_port, thresh, pcb->cwnd, pcb->ssthresh);
    } else if (pcb->in_recovery) {
        pcb->cwnd += mss;                     /* step 5 (RFC 6582 3.2): inflate */
    }
}

/* RFC 9293 3.10.7.4 fifth: update SND.WND, only from a newer segment (SND.WL1, SND.WL2). */
static void
tcp_update_window(struct tcp_pcb *pcb, const struct tcp_hdr *th, uint32_t seq)
{
    uint32_t old_wnd = pcb->snd_wnd;

    if (seq_lt(pcb->snd_wl1, seq) || (pcb->snd_wl1 == seq && seq_leq(pcb->snd_wl2, th->ack))) {
        pcb->snd_wnd = th->wnd;
        pcb->snd_wl1 = seq;
        pcb->snd_wl2 = th->ack;
        if (th->wnd > pcb->max_snd_wnd)
            pcb->max_snd_wnd = th->wnd;
        /* The window opened after a refused probe byte: send from SND.UNA again. */
        if (old_wnd == 0 && th->wnd > 0 && tcp_flight_size(pcb) <= 1) {
            pcb->snd_nxt = pcb->snd_una;
            tcp_seg_clear(pcb);
            tcp_rexmit_stop(pcb);
        }
    }
    if (pcb->snd_wnd == 0)
        pcb->retries = 0;                     /* the peer answers our probes: keep probing */
}

/* Our FIN acknowledged: move on (RFC 9293 3.10.7.4 fifth, per state). May free an orphan. */
static void
tcp_our_fin_acked(struct tcp_pcb *pcb)
{
    switch (pcb->state) {
    case TCPS_FIN_WAIT_1:
        tcp_set_state(pcb, TCPS_FIN_WAIT_2);
        tcp_rexmit_stop(pcb);
        /* LIMIT: an orphan in FIN-WAIT-2 waits 2*MSL at most for the peer's FIN. */
        if (pcb->orphan)
            timer_arm(&pcb->timewait, 2 * tcp_config_get()->msl_us);
        break;
    case TCPS_CLOSING:
        tcp_set_state(pcb, TCPS_TIME_WAIT);
        tcp_timewait_start(pcb);
        break;
    case TCPS_LAST_ACK:
        tcp_set_state(pcb, TCPS_CLOSED);
        tcp_timers_cancel(pcb);
        if (pcb->orphan)
            tcp_pcb_free(pcb);                /* the caller sees state CLOSED and stops */
        break;
    default:
        break;
    }
}

/*
 * RFC 9293 3.10.7.4 fifth (ACK), with RFC 5681 congestion control and
 * RFC 6582 NewReno recovery (SACK recovery: tcp_sack_ack): new data
 * acknowledged or a duplicate ACK, then the send window, then our FIN.
 */
static void
tcp_ack_process(struct tcp_pcb *pcb, const struct tcp_hdr *th, uint32_t seq, uint32_t dlen,
                bool fin)
{
    uint32_t acked = 0;

    if (seq_lt(pcb->snd_una, th->ack))
        acked = tcp_ack_new_data(pcb, th, pcb->in_recovery);
    else if (tcp_is_dup_ack(pcb, th, dlen, fin))
        tcp_ack_duplicate(pcb, th);
    if (pcb->sack_ok) {
        /* The scoreboard, RACK, SACK recovery and the timer to run (tcp_sack.c). */
        tcp_sack_ack(pcb, th, acked);
        tcp_sack_arm_timer(pcb);
    }
    tcp_update_window(pcb, th, seq);
    if (tcp_fin_acked(pcb))
        tcp_our_fin_acked(pcb);
}

/*
 * RFC 5961 3.2/4.2: answer a suspicious RST or SYN with an ACK, but no more
 * than CHALLENGE_ACK_LIMIT a second for the whole stack (RFC 5961 7 SHOULD),
 * so a flood of forged segments cannot make us flood in turn.
 */
#define CHALLENGE_ACK_LIMIT 100

/* The challenge ACKs sent in the current second, for all connections (tcp_init resets it). */
static struct {
    uint64_t window_start;    /* when the current second began */
    unsigned sent;            /* challenge ACKs sent in it */
} challenge;

void
tcp_challenge_reset(void)
{
    challenge.window_start = 0;
    challenge.sent = 0;
}

static void
tcp_challenge_ack(struct tcp_pcb *pcb)
{
    uint64_t now = clock_now();

    if (now - challenge.window_start >= US_PER_SEC) {
        challenge.window_start = now;
        challenge.sent = 0;
    }
    if (challenge.sent >= CHALLENGE_ACK_LIMIT) {
        STAT_INC(tcp, challenge_ack_limited);
        return;
    }
    challenge.sent++;
    STAT_INC(tcp, challenge_ack);
    tcp_send_ack(pcb);
}

/*
 * RFC 9293 3.10.7.4 first check: is the segment acceptable? One departure,
 * as BSD and Linux: a segment without data may sit at the right edge of the
 * window, SEG.SEQ = RCV.NXT + RCV.WND. A sender that filled our window to
 * the byte sends every later ACK there; if its last data segment is lost,
 * the RFC's test would throw away all its ACKs until it resends.
 */
static bool
tcp_seq_acceptable(const struct tcp_pcb *pcb, uint32_t seq, uint32_t seglen, uint32_t wnd)
{
    uint32_t rn = pcb->rcv_nxt;

    if (seglen == 0 && wnd == 0)
        return seq == rn;
    if (seglen == 0)
        return seq_leq(rn, seq) && seq_leq(seq, rn + wnd);
    if (wnd == 0)
        return false;
    return (seq_leq(rn, seq) && seq_lt(seq, rn + wnd)) ||
           (seq_leq(rn, seq + seglen - 1) && seq_lt(seq + seglen - 1, rn + wnd));
}

/* An arriving segment as the steps of RFC 9293 3.10.7.4 trim and judge it. */
struct tcp_rx {
    struct pkb *p;
    const struct tcp_hdr *th;
    const struct ipv4_hdr *ih;
    const uint8_t *data;      /* the segment text still to take */
    uint32_t seq, dlen;       /* its first sequence number and length, once trimmed */
    uint32_t seglen;          /* SEG.LEN as it arrived: text, SYN and FIN */
    uint32_t wnd;             /* RCV.WND when it arrived */
    bool fin;                 /* a FIN still to process (false once it lies outside) */
    bool dup_noted;           /* a D-SACK already reports its duplicate front */
    bool need_ack, ack_now;   /* an ACK is owed: soon, or at once */
    bool dup_now;             /* out of order: the duplicate ACK goes before any data */
};

/* A retransmitted SYN in SYN-RECEIVED: our SYN,ACK was lost; send it again. */
static bool
tcp_syn_again(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    const struct tcp_hdr *th = s->th;

    return pcb->state == TCPS_SYN_RECEIVED && (th->flags & TCP_SYN) && !(th->flags & TCP_ACK) &&
           s->seq == pcb->irs;
}

/* Trim what lies before RCV.NXT (duplicate data, noted for a D-SACK) and beyond the window. */
static void
tcp_trim_to_window(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    if (seq_lt(s->seq, pcb->rcv_nxt)) {
        uint32_t cut = pcb->rcv_nxt - s->seq;

        if (s->th->flags & TCP_SYN)
            cut--;                            /* the SYN held the first number */
        if (cut > s->dlen) {
            s->fin = false;                   /* the FIN too is old */
            cut = s->dlen;
        }
        if (cut > 0) {
            tcp_sack_note_dup(pcb, s->seq, s->seq + cut);   /* rides on our next ACK */
            s->dup_noted = true;
        }
        s->data += cut;
        s->dlen -= cut;
        s->seq += cut;
        STAT_INC(tcp, dup_data);
    }
    if (seq_gt(s->seq + s->dlen, pcb->rcv_nxt + s->wnd)) {
        s->dlen = pcb->rcv_nxt + s->wnd - s->seq;
        s->fin = false;
    }
}

/*
 * RFC 9293 3.10.7.4 first: check the sequence number. An unacceptable segment
 * is answered with an ACK (unless it is a RST) and dropped; an acceptable one
 * is trimmed to the window. Zero window: ACKs and RSTs at RCV.NXT still count.
 */
static bool
tcp_check_sequence(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    uint32_t seq = s->seq, dlen = s->dlen;

    if (tcp_syn_again(pcb, s)) {
        tcp_retransmit_first(pcb);
        stats_drop(s->p, ST_tcp_dup_syn);
        return false;
    }
    if (!tcp_seq_acceptable(pcb, seq, s->seglen, s->wnd) &&
        !(s->wnd == 0 && seq == pcb->rcv_nxt)) {
        if (!(s->th->flags & TCP_RST)) {
            /* Old data again: say so with a D-SACK block (RFC 2883 4). */
            if (dlen > 0 && seq_lt(seq, pcb->rcv_nxt))
                tcp_sack_note_dup(pcb, seq, seq_lt(seq + dlen, pcb->rcv_nxt) ? seq + dlen
                                                                             : pcb->rcv_nxt);
            tcp_send_ack(pcb);                /* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
        }
        /* TIME-WAIT: a retransmitted FIN is acknowledged and restarts 2 MSL (3.10.7.4). */
        if (pcb->state == TCPS_TIME_WAIT && s->fin)
            tcp_timewait_start(pcb);
        stats_drop(s->p, ST_tcp_out_of_window);
        return false;
    }
    tcp_trim_to_window(pcb, s);
    tcp_keepalive_reset(pcb);                 /* the peer is alive */
    return true;
}

/*
 * RFC 9293 3.10.7.4 second: check the RST bit. RFC 5961 3.2: only a RST at
 * exactly RCV.NXT resets; one elsewhere in the window gets a challenge ACK.
 */
static bool
tcp_check_rst(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    if (!(s->th->flags & TCP_RST))
        return true;
    if (s->seq != pcb->rcv_nxt) {
        tcp_challenge_ack(pcb);
        stats_drop(s->p, ST_tcp_rst_in_window);
        return false;
    }
    pkb_free(s->p);
    tcp_reset_by_peer(pcb, pcb->state == TCPS_SYN_RECEIVED ? TS_ECONNREFUSED : TS_ECONNRESET);
    return false;
}

/* RFC 9293 3.10.7.4 fourth: a SYN in a synchronized state gets a challenge ACK (RFC 5961 4.2). */
static bool
tcp_check_syn(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    if (!(s->th->flags & TCP_SYN))
        return true;
    tcp_challenge_ack(pcb);
    stats_drop(s->p, ST_tcp_syn_in_window);
    return false;
}

/*
 * RFC 9293 3.10.7.4 fifth, SYN-RECEIVED: SND.UNA < SEG.ACK =< SND.NXT makes
 * the connection ESTABLISHED (and ready for accept); otherwise
 * <SEQ=SEG.ACK><CTL=RST>.
 */
static bool
tcp_ack_synrcvd(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    const struct tcp_hdr *th = s->th;

    if (!seq_lt(pcb->snd_una, th->ack) || seq_gt(th->ack, pcb->snd_max)) {
        tcp_send_rst_reply(s->ih, th, 0);
        stats_drop(s->p, ST_tcp_bad_ack);
        return false;
    }
    tcp_rexmit_stop(pcb);
    pcb->retries = 0;
    pcb->snd_wnd = th->wnd;
    pcb->max_snd_wnd = th->wnd;
    pcb->snd_wl1 = s->seq;
    pcb->snd_wl2 = th->ack;
    tcp_set_state(pcb, TCPS_ESTABLISHED);
    if (pcb->parent)
        tcp_accept_push(pcb->parent, pcb);
    return true;
}

/*
 * RFC 9293 3.10.7.4 fifth: check the ACK field. No ACK, no processing; an ACK
 * outside [SND.UNA - MAX.SND.WND, SND.NXT] is answered and dropped (RFC 5961
 * 5.2); a good one goes to tcp_ack_process. False when the segment is done.
 */
static bool
tcp_check_ack(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    const struct tcp_hdr *th = s->th;

    if (!(th->flags & TCP_ACK)) {
        stats_drop(s->p, ST_tcp_no_ack);
        return false;
    }
    if (pcb->state == TCPS_SYN_RECEIVED && !tcp_ack_synrcvd(pcb, s))
        return false;
    if (seq_lt(th->ack, pcb->snd_una - pcb->max_snd_wnd) || seq_gt(th->ack, pcb->snd_max)) {
        tcp_send_ack(pcb);
        stats_drop(s->p, ST_tcp_bad_ack);
        return false;
    }
    tcp_ack_process(pcb, th, s->seq, s->dlen, s->fin);
    if (pcb->state == TCPS_CLOSED) {
        pkb_free(s->p);                       /* LAST-ACK ended: the TCB is gone */
        return false;
    }
    return true;
}

/* In-order text at RCV.NXT, or out of order in place; sets the ACK it needs (RFC 5681 4.2). */
static void
tcp_take_text(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    uint32_t off = pcb->rcv.len + (s->seq - pcb->rcv_nxt);
    struct tcp_range dup = { 0, 0 };

    /* Some of it held out of order already: a D-SACK for that part (RFC 2883 4). */
    if (!s->dup_noted && tcp_ooo_overlap(pcb, s->seq, s->seq + s->dlen, &dup))
        tcp_sack_note_dup(pcb, dup.start, dup.end);
    if (s->seq == pcb->rcv_nxt) {
        tcp_ring_write_at(&pcb->rcv, off, s->data, s->dlen);
        pcb->rcv.len += s->dlen;
        pcb->rcv_nxt += s->dlen;
        /* Filling a gap is ACKed at once (RFC 5681 4.2); plain data may wait. */
        if (pcb->nooo > 0)
            s->ack_now = true;
        tcp_ooo_advance(pcb);
        s->need_ack = true;
        STAT_INC(tcp, data_in);
        return;
    }
    if (tcp_ooo_add(pcb, s->seq, s->seq + s->dlen)) {
        /* Out of order: keep it in place in the ring, ACK at once (RFC 5681 4.2). */
        tcp_ring_write_at(&pcb->rcv, off, s->data, s->dlen);
        STAT_INC(tcp, ooo_kept);
    } else {
        STAT_INC(tcp, ooo_full);
    }
    s->dup_now = true;
    s->fin = false;
}

/*
 * RFC 9293 3.10.7.4 seventh: process the segment text, in ESTABLISHED,
 * FIN-WAIT-1 and FIN-WAIT-2 only. Data for a socket already closed resets the
 * connection: nobody will read it (RFC 1122 4.2.2.13, as Linux).
 */
static bool
tcp_process_text(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    bool receiving = pcb->state == TCPS_ESTABLISHED || pcb->state == TCPS_FIN_WAIT_1 ||
                     pcb->state == TCPS_FIN_WAIT_2;

    if (s->dlen == 0)
        return true;
    if (pcb->orphan && (pcb->state == TCPS_FIN_WAIT_1 || pcb->state == TCPS_FIN_WAIT_2)) {
        pkb_free(s->p);
        STAT_INC(tcp, rst_unread);
        tcp_abort(pcb);
        return false;
    }
    if (receiving)
        tcp_take_text(pcb, s);
    else
        STAT_INC(tcp, data_after_fin);        /* the peer already sent its FIN */
    return true;
}

/* RFC 9293 3.10.7.4 eighth: check the FIN bit, once everything before it has arrived. */
static void
tcp_check_fin(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    if (s->fin && s->seq + s->dlen == pcb->rcv_nxt) {
        pcb->rcv_nxt++;
        pcb->fin_rcvd = true;
        s->ack_now = true;
        switch (pcb->state) {
        case TCPS_SYN_RECEIVED:
        case TCPS_ESTABLISHED:
            tcp_set_state(pcb, TCPS_CLOSE_WAIT);
            break;
        case TCPS_FIN_WAIT_1:
            /* Our FIN not yet acked: simultaneous close. */
            tcp_set_state(pcb, TCPS_CLOSING);
            break;
        case TCPS_FIN_WAIT_2:
            tcp_set_state(pcb, TCPS_TIME_WAIT);
            tcp_timewait_start(pcb);
            break;
        case TCPS_TIME_WAIT:
            tcp_timewait_start(pcb);          /* a retransmitted FIN restarts 2 MSL */
            break;
        default:
            break;                            /* CLOSE-WAIT, CLOSING, LAST-ACK: stay */
        }
    } else if (s->fin && pcb->state == TCPS_TIME_WAIT) {
        s->ack_now = true;
        tcp_timewait_start(pcb);
    }
}

/*
 * After the steps: send what the ACK or window opened up, with the ACK owed.
 * Out of order or duplicate: the duplicate ACK (with SACK blocks) goes at once,
 * before any data, which a sender would not count as a duplicate ACK (RFC 5681
 * 2, 4.2). Otherwise a data segment carries our ACK, or tcp_ack_schedule sends it.
 */
static void
tcp_answer(struct tcp_pcb *pcb, struct tcp_rx *s)
{
    uint32_t snd_nxt_before;

    if (s->dup_now) {
        tcp_send_ack(pcb);
        s->need_ack = s->ack_now = false;
    }
    snd_nxt_before = pcb->snd_nxt;
    tcp_output(pcb);
    if ((s->need_ack || s->ack_now) && pcb->snd_nxt == snd_nxt_before)
        tcp_ack_schedule(pcb, s->ack_now);
}

/*
 * RFC 9293 3.10.7: a segment arrives for pcb. LISTEN and SYN-SENT have their
 * own sections (3.10.7.2, 3.10.7.3); every other state takes the steps of
 * 3.10.7.4 in the RFC's order. Each step returns false once the segment is
 * done with (dropped and counted, or the connection reset or gone).
 */
void
tcp_segment_arrives(struct tcp_pcb *pcb, struct pkb *p, const struct tcp_hdr *th,
                    const struct ipv4_hdr *ih)
{
    uint32_t dlen = (uint32_t)(p->len - th->hlen);
    bool fin = th->flags & TCP_FIN;
    struct tcp_rx s = {
        .p = p, .th = th, .ih = ih, .data = p->data + th->hlen, .seq = th->seq, .dlen = dlen,
        .seglen = dlen + ((th->flags & TCP_SYN) ? 1 : 0) + (fin ? 1 : 0),
        .wnd = tcp_rcv_window(pcb), .fin = fin,
    };

    if (pcb->state == TCPS_LISTEN) {
        tcp_listen_input(pcb, p, th, ih);
        return;
    }
    if (pcb->state == TCPS_SYN_SENT) {
        tcp_synsent_input(pcb, p, th, ih);
        return;
    }
    if (pcb->state == TCPS_CLOSED)
        DROP(p, tcp, closed);
    if (!tcp_check_sequence(pcb, &s))     /* first */
        return;
    if (!tcp_check_rst(pcb, &s))          /* second */
        return;
    /* third, security: we send and honour no IP security options; nothing to check. */
    if (!tcp_check_syn(pcb, &s))          /* fourth */
        return;
    if (!tcp_check_ack(pcb, &s))          /* fifth */
        return;
    /* sixth: URG is ignored (RFC 9293 3.8.5 allows it; we never deliver urgent data). */
    if (!tcp_process_text(pcb, &s))       /* seventh */
        return;
    tcp_check_fin(pcb, &s);               /* eighth */
    pkb_free(p);
    tcp_answer(pcb, &s);
}
