/*
 * tcp_out.c - building and sending segments (RFC 9293 3.1, 3.8, 3.10).
 *
 * tcp_output sends what the send buffer holds and the peer's window allows,
 * in segments of at most the peer's MSS, and the FIN once all data is out.
 * Also the self-generated segments: SYN / SYN-ACK with the MSS and
 * SACK-permitted options, bare ACKs (with SACK blocks when data is missing),
 * RSTs for aborts and for segments to nowhere (3.10.7.1).
 * How much may go: the peer's window and cwnd (RFC 5681), Nagle and sender
 * SWS avoidance (RFC 1122 4.2.3.4), Limited Transmit (RFC 3042); ACKs may
 * wait for the delayed-ACK timer (tcp_ack_schedule). Calls ipv4_output.
 */
#include "tcp_var.h"
#include "ipv4.h"
#include "netif.h"
#include "route.h"
#include "pkb.h"
#include "checksum.h"
#include "stats.h"
#include "trace.h"

#include <string.h>

/* One segment to send: addresses, the header, and len payload bytes at off in ring. */
struct tcp_tx {
    uint32_t src, dst;
    struct tcp_hdr h;
    const struct tcp_ring *ring;  /* NULL when len is 0 */
    uint32_t off, len;
};

/*
 * Allocate a buffer for tx, write its header (tcp_emit) and payload, fill in
 * the checksum and hand it to IPv4. Returns what ipv4_output returns.
 */
static int
tcp_send_segment(const struct tcp_tx *tx)
{
    struct pkb *p = pkb_alloc();
    size_t hlen = tcp_emit_len(&tx->h);
    uint8_t *b;
    uint32_t sum;

    if (p == NULL)
        return TS_ENOMEM;
    b = pkb_put(p, hlen + tx->len);
    if (b == NULL) {
        pkb_free(p);
        return TS_EMSGSIZE;
    }
    tcp_emit(b, &tx->h);
    if (tx->len)
        tcp_ring_read_at(tx->ring, tx->off, b + hlen, tx->len);
    /* RFC 9293 3.1: the checksum covers the pseudo-header, header and data. */
    sum = csum_pseudo(tx->src, tx->dst, IPPROTO_TCP_, (uint16_t)(hlen + tx->len));
    put_be16(b + TCP_CSUM_OFF, csum_fold(csum_add(sum, b, hlen + tx->len)));
    if (trace_on) {
        char s1[IP4_STRLEN], s2[IP4_STRLEN], fl[8], os[128];
        const struct tcp_hdr *h = &tx->h;

        tcp_flags_str(h->flags, fl);
        tcp_opts_str(h, os, sizeof(os));
        TRACE_OUT(p, "tcp", "%s:%u > %s:%u [%s] seq %u ack %u win %u len %u%s",
                  ip4_str(tx->src, s1), h->sport, ip4_str(tx->dst, s2), h->dport, fl, h->seq,
                  (h->flags & TCP_ACK) ? h->ack : 0, h->wnd, tx->len, os);
    }
    STAT_INC(tcp, tx);
    return ipv4_output(p, tx->src, tx->dst, IPPROTO_TCP_, 0);
}

/* A segment with no payload and no options from src:sport to dst:dport. */
static int
tcp_send_bare(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint32_t seq,
              uint32_t ack, uint8_t flags)
{
    struct tcp_tx tx = {
        .src = src, .dst = dst,
        .h = { .sport = sport, .dport = dport, .seq = seq, .ack = ack, .flags = flags },
    };

    return tcp_send_segment(&tx);
}

/* Our MSS: what fits in the outgoing interface's MTU (RFC 9293 3.7.1). */
static uint16_t
tcp_our_mss(const struct tcp_pcb *pcb)
{
    const struct route *r = route_lookup(pcb->remote_ip);
    uint16_t mtu = r ? r->nif->mtu : IPV4_MIN_DATAGRAM;

    return (uint16_t)(mtu - IPV4_HDR_MIN - TCP_HDR_MIN);
}

/*
 * The send MSS from the MSS option of the peer's SYN (0: none). RFC 9293 3.7.1 and
 * RFC 1122 4.2.2.6: Eff.snd.MSS = min(SendMSS, MTU - IP and TCP headers), 536 without
 * the option; the peer's MTU may be larger than ours (9000 against our 1500), and
 * what we send must fit our own. Options are accounted per segment: the SACK blocks
 * go inside snd_mss beside the payload (RFC 6691), and we send no IP options. A peer
 * that asks for less than TCP_MIN_SND_MSS (say 1, for 40 bytes of header per byte
 * of data) is given the floor instead (Linux tcp_min_snd_mss, CVE-2019-11479).
 */
void
tcp_set_snd_mss(struct tcp_pcb *pcb, uint16_t peer_mss)
{
    uint16_t mss = peer_mss ? peer_mss : TCP_DEFAULT_MSS, ours = tcp_our_mss(pcb);

    if (mss < TCP_MIN_SND_MSS) {
        STAT_INC(tcp, mss_clamped);
        TRACE_EV("tcp", "port %u: peer MSS %u below the floor: %u instead", pcb->local_port, mss,
                 TCP_MIN_SND_MSS);
        mss = TCP_MIN_SND_MSS;
    }
    if (mss > ours)
        mss = ours;                       /* our own interface must carry it */
    pcb->snd_mss = mss;
}

/*
 * Send a segment of this connection: our ACK and window, and the options it
 * needs: MSS and SACK-permitted on a SYN (RFC 9293 3.7.1, RFC 2018 2); SACK
 * blocks when data is missing or a duplicate arrived (RFC 2018 4, RFC 2883),
 * as many as fit beside the payload within the peer's MSS (RFC 6691).
 * Payload: n bytes at offset off of the send ring.
 */
static int
tcp_send_conn(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, uint32_t off, uint32_t n)
{
    uint16_t wnd = tcp_rcv_window(pcb);
    struct tcp_tx tx = {
        .src = pcb->local_ip, .dst = pcb->remote_ip,
        .h = { .sport = pcb->local_port, .dport = pcb->remote_port, .seq = seq,
               .ack = pcb->rcv_nxt, .flags = flags, .wnd = wnd },
        .ring = &pcb->snd, .off = off, .len = n,
    };
    int err;

    if (flags & TCP_SYN) {
        tx.h.mss = tcp_our_mss(pcb);      /* RFC 9293 3.2 */
        /* We offer SACK on our SYN, and on a SYN-ACK only if the SYN offered it. */
        tx.h.sack_perm = pcb->sack_ok || (pcb->state == TCPS_SYN_SENT &&
                                          !tcp_config_get()->no_sack);
    } else if ((flags & TCP_ACK) && pcb->sack_ok && n + 12 <= pcb->snd_mss) {
        tcp_sack_blocks(pcb, &tx.h, pcb->snd_mss - n);
    }
    pcb->rcv_wnd_adv = wnd;
    if (flags & TCP_ACK) {
        /* This segment carries our ACK: nothing is owed any more. */
        pcb->rcv_adv = pcb->rcv_nxt + wnd;
        pcb->ack_pending = 0;
        pcb->wnd_update_due = false;
        timer_cancel(&pcb->delack);
    }
    err = tcp_send_segment(&tx);
    if (err < 0 && (n || (flags & (TCP_SYN | TCP_FIN)))) {
        /* Not handed to the interface (no buffer, too big, no route): the caller keeps
         * SND.NXT where it was and the retransmission timer tries again. */
        STAT_INC(tcp, tx_fail);
        TRACE_EV("tcp", "port %u: segment seq %u len %u not sent (error %d)", pcb->local_port,
                 seq, n, err);
        return err;
    }
    if (n || (flags & (TCP_SYN | TCP_FIN)))
        pcb->last_send = clock_now();
    return err;
}

void
tcp_send_syn(struct tcp_pcb *pcb)
{
    uint8_t flags = pcb->state == TCPS_SYN_RECEIVED ? (TCP_SYN | TCP_ACK) : TCP_SYN;

    tcp_send_conn(pcb, pcb->iss, flags, 0, 0);
    pcb->snd_nxt = pcb->iss + 1;
    pcb->snd_max = pcb->snd_nxt;
    tcp_rexmit_restart(pcb);
}

void
tcp_send_ack(struct tcp_pcb *pcb)
{
    tcp_send_conn(pcb, pcb->snd_nxt, TCP_ACK, 0, 0);
}

/* RFC 9293 3.10.4 ABORT: <SEQ=SND.NXT><CTL=RST>. */
void
tcp_send_rst(struct tcp_pcb *pcb)
{
    STAT_INC(tcp, rst_out);
    tcp_send_bare(pcb->local_ip, pcb->local_port, pcb->remote_ip, pcb->remote_port, pcb->snd_nxt,
                  0, TCP_RST);
}

/* RFC 9293 3.10.7.1: the reset for a segment that belongs to no connection. */
void
tcp_send_rst_reply(const struct ipv4_hdr *ih, const struct tcp_hdr *th, size_t seglen)
{
    STAT_INC(tcp, rst_out);
    if (th->flags & TCP_ACK)
        tcp_send_bare(ih->dst, th->dport, ih->src, th->sport, th->ack, 0, TCP_RST);
    else
        tcp_send_bare(ih->dst, th->dport, ih->src, th->sport, 0, th->seq + (uint32_t)seglen,
                      TCP_RST | TCP_ACK);
}

/* Our FIN has been sent and acknowledged. */
bool
tcp_fin_acked(const struct tcp_pcb *pcb)
{
    return pcb->fin_sent && seq_gt(pcb->snd_una, pcb->fin_seq);
}

/* RFC 5681's FlightSize: sent and not yet acknowledged. */
uint32_t
tcp_flight_size(const struct tcp_pcb *pcb)
{
    return pcb->snd_max - pcb->snd_una;
}

/* RFC 5681 3.1: the initial window, from the segment size. */
static uint32_t
tcp_initial_window(const struct tcp_pcb *pcb)
{
    uint32_t mss = pcb->snd_mss;

    if (mss > 2190)
        return 2 * mss;
    if (mss > 1095)
        return 3 * mss;
    return 4 * mss;
}

/*
 * Send what the windows allow (the peer's window and cwnd, RFC 5681), then
 * the FIN once everything else is out. Small segments wait while data is in
 * flight (Nagle, RFC 1122 4.2.3.4) unless TCP_NODELAY; a tiny usable window
 * is not filled with a tiny segment (sender SWS avoidance, same section).
 */
void
tcp_output(struct tcp_pcb *pcb)
{
    uint32_t mss = pcb->snd_mss, start, pipe = 0;
    bool sent = false;

    switch (pcb->state) {
    case TCPS_ESTABLISHED:
    case TCPS_CLOSE_WAIT:
    case TCPS_FIN_WAIT_1:
    case TCPS_CLOSING:
    case TCPS_LAST_ACK:
        break;
    default:
        return;                           /* nothing to send in other states */
    }
    if (pcb->cwnd == 0) {
        /* First data: the initial window (RFC 5681 3.1), ssthresh arbitrarily high. */
        pcb->cwnd = tcp_initial_window(pcb);
        pcb->ssthresh = 65535;
        pcb->recover = pcb->iss;
    }
    /* RFC 5681 4.1: after an idle period longer than RTO, restart from the initial window. */
    if (tcp_flight_size(pcb) == 0 && clock_now() - pcb->last_send > pcb->rto_us &&
        pcb->cwnd > tcp_initial_window(pcb))
        pcb->cwnd = tcp_initial_window(pcb);
    /* With SACK, what is judged lost goes first (RFC 6675 5 NextSeg rule 1). */
    if (pcb->sack_ok) {
        tcp_sack_output(pcb);
        pipe = tcp_pipe(pcb);             /* kept up to date below as segments go */
    }
    for (;;) {
        uint32_t off = pcb->snd_nxt - pcb->snd_una;          /* into the send ring */
        uint32_t unsent, wnd, cwnd, usable, n, flight = tcp_flight_size(pcb);
        bool fin, resend = seq_lt(pcb->snd_nxt, pcb->snd_max);
        uint8_t flags = TCP_ACK;

        if (pcb->fin_sent && seq_gt(pcb->snd_nxt, pcb->fin_seq))
            break;                        /* everything, FIN included, is out */
        unsent = off < pcb->snd.len ? pcb->snd.len - off : 0;
        cwnd = pcb->cwnd;
        if (pcb->sack_ok) {
            /* With SACK, cwnd limits the data still in the network (RFC 6675 "pipe"), not
             * all that is unacknowledged; the peer's window limits what is beyond SND.UNA. */
            uint32_t room = cwnd > pipe ? cwnd - pipe : 0;

            wnd = pcb->snd_wnd;
            usable = seq_gt(pcb->snd_una + wnd, pcb->snd_nxt) ? pcb->snd_una + wnd - pcb->snd_nxt
                                                               : 0;
            if (usable > room)
                usable = room;
            if (pcb->nsegs == TCP_SEGS_MAX)
                break;                    /* the scoreboard is full (a FIN too): wait for ACKs */
        } else {
            /* Limited Transmit (RFC 3042): each of the first two duplicate ACKs lets one new
             * segment out beyond cwnd, so that a small flight can still make three. */
            if (!pcb->in_recovery && pcb->dupacks > 0 && pcb->dupacks < TCP_DUPACK_THRESH &&
                !resend)
                cwnd += pcb->dupacks * mss;
            wnd = pcb->snd_wnd < cwnd ? pcb->snd_wnd : cwnd;
            usable = seq_gt(pcb->snd_una + wnd, pcb->snd_nxt) ? pcb->snd_una + wnd - pcb->snd_nxt
                                                               : 0;
        }
        n = unsent < usable ? unsent : usable;
        if (n > mss)
            n = mss;
        /* The FIN goes with (or after) the last byte of data (RFC 9293 3.10.4). */
        fin = pcb->fin_queued && n == unsent;
        if (n == 0 && !fin)
            break;
        /* Nagle and SWS: a short segment waits for the ACK of what is in flight. */
        if (n > 0 && n < mss && !resend && !(n == unsent && (pcb->nodelay || flight == 0)) &&
            n < pcb->max_snd_wnd / 2)
            break;
        if (n)
            flags |= TCP_PSH;
        if (fin)
            flags |= TCP_FIN;
        if (tcp_send_conn(pcb, pcb->snd_nxt, flags, off, n) < 0) {
            /* Not handed down (no buffer, too big): SND.NXT stays, and the timer sends it
             * again as it would a lost segment (tcp_rexmit_fire). */
            pcb->tx_failed = true;
            if (!pcb->rexmit.armed)
                tcp_rexmit_restart(pcb);
            break;
        }
        pcb->tx_failed = false;
        if (!pcb->rtt_timing && !resend) {
            /* Time this segment (RFC 6298 3: one measurement per RTT, never a resend). */
            pcb->rtt_timing = true;
            pcb->rtt_seq = pcb->snd_nxt + n + (fin ? 1 : 0);
            pcb->rtt_start = clock_now();
        }
        start = pcb->snd_nxt;
        sent = true;
        pcb->snd_nxt += n;
        if (fin) {
            pcb->fin_seq = pcb->snd_nxt;
            pcb->snd_nxt++;
            if (!pcb->fin_sent) {
                pcb->fin_sent = true;
                if (pcb->state == TCPS_ESTABLISHED)
                    tcp_set_state(pcb, TCPS_FIN_WAIT_1);
                else if (pcb->state == TCPS_CLOSE_WAIT)
                    tcp_set_state(pcb, TCPS_LAST_ACK);
            }
        }
        if (seq_gt(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        if (pcb->sack_ok) {
            tcp_seg_record(pcb, start, pcb->snd_nxt);
            pipe += pcb->snd_nxt - start;
        }
        if (!pcb->rexmit.armed)
            tcp_rexmit_restart(pcb);
    }
    if (sent && pcb->sack_ok)
        tcp_sack_arm_timer(pcb);          /* a tail loss probe may now be due sooner */
    /* Data waiting, window closed, nothing in flight: the persist timer probes (3.8.6.1). */
    if (tcp_flight_size(pcb) == 0 && pcb->snd.len > 0 && !pcb->rexmit.armed)
        tcp_rexmit_restart(pcb);
}

/*
 * Send the earliest unacknowledged segment again: the SYN, a zero-window
 * probe, or data (fast retransmit, NewReno partial ACK).
 */
void
tcp_retransmit_first(struct tcp_pcb *pcb)
{
    uint32_t data = pcb->snd_max - pcb->snd_una;
    uint32_t n;
    uint8_t flags = TCP_ACK;

    if (pcb->state == TCPS_SYN_SENT || pcb->state == TCPS_SYN_RECEIVED) {
        tcp_send_conn(pcb, pcb->iss, pcb->state == TCPS_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK, 0,
                      0);
        return;
    }
    if (pcb->fin_sent && data > 0 && seq_geq(pcb->fin_seq, pcb->snd_una))
        data--;                           /* the FIN's number is not data */
    if (data > pcb->snd.len)
        data = pcb->snd.len;
    if (data == 0 && pcb->snd.len > 0 && pcb->snd_wnd == 0) {
        /* Zero-window probe: one byte beyond the window (RFC 9293 3.8.6.1); PSH when
         * it is the last byte queued (RFC 1122 4.2.2.2). */
        tcp_send_conn(pcb, pcb->snd_una, pcb->snd.len == 1 ? TCP_ACK | TCP_PSH : TCP_ACK, 0, 1);
        if (seq_lt(pcb->snd_nxt, pcb->snd_una + 1))
            pcb->snd_nxt = pcb->snd_una + 1;
        if (seq_lt(pcb->snd_max, pcb->snd_nxt))
            pcb->snd_max = pcb->snd_nxt;
        return;
    }
    n = data < pcb->snd_mss ? data : pcb->snd_mss;
    if (n)
        flags |= TCP_PSH;
    if (pcb->fin_sent && pcb->snd_una + n == pcb->fin_seq)
        flags |= TCP_FIN;                 /* the FIN is the earliest, or rides along */
    if (n == 0 && !(flags & TCP_FIN))
        return;
    tcp_send_conn(pcb, pcb->snd_una, flags, 0, n);
}

/*
 * Send a segment of the scoreboard again: [start, end) from the send ring,
 * with the FIN if end covers it. For SACK recovery, RTO recovery and TLP.
 */
int
tcp_send_seg(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
    bool fin = pcb->fin_sent && end == pcb->fin_seq + 1;
    uint32_t n = end - start - (fin ? 1 : 0);
    uint8_t flags = TCP_ACK;

    if (n)
        flags |= TCP_PSH;
    if (fin)
        flags |= TCP_FIN;
    return tcp_send_conn(pcb, start, flags, start - pcb->snd_una, n);
}

/* Send our ACK now, or let it wait for a second segment or the delayed-ACK timer. */
void
tcp_ack_schedule(struct tcp_pcb *pcb, bool now)
{
    /* RFC 5681 4.2: ACK at least every second full-sized segment; RFC 1122 4.2.3.2: < 0.5 s. */
    if (now || ++pcb->ack_pending >= 2) {
        tcp_send_ack(pcb);
        return;
    }
    if (!pcb->delack.armed)
        timer_arm(&pcb->delack, tcp_config_get()->delack_us);
}
