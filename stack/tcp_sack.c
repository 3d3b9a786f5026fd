/*
 * tcp_sack.c - selective acknowledgments (RFC 2018, D-SACK RFC 2883) and the
 * loss recovery built on them: the blocks we report; the sender's scoreboard;
 * RACK-TLP loss detection (RFC 8985); recovery by RFC 6675 paced by PRR
 * (RFC 6937); undo of needless retransmissions (RFC 3708, RFC 4015).
 * Called from tcp_in.c (ACKs), tcp_out.c (sending) and tcp_timer.c (the probe
 * and reordering timers); calls tcp_out.c to send. Connections without SACK
 * use NewReno in tcp_in.c. docs/tcp.md walks through it.
 */
#include "tcp_var.h"
#include "stats.h"
#include "trace.h"

/* RFC 8985 7.2: the worst-case delayed-ACK time, added to a one-segment flight's PTO. */
#define TLP_WC_DELACK_US (200 * US_PER_MS)
/* The smallest PTO: with a tiny SRTT (a virtual clock, a LAN) 2 * SRTT would probe data
 * that is merely queued. Linux uses the same 10 ms floor. */
#define TLP_MIN_US (10 * US_PER_MS)
/* RFC 8985 6.2 step 4: reordering windows kept over this many recoveries without D-SACK. */
#define REO_WND_PERSIST 16

/* Both SYNs seen: SACK is on if the peer offered it and we are allowed (RFC 2018 2). */
void
tcp_sack_init(struct tcp_pcb *pcb, bool peer_permits)
{
    pcb->sack_ok = peer_permits && !tcp_config_get()->no_sack;
    tcp_seg_clear(pcb);
    pcb->rack_xmit_us = 0;
    pcb->rack_order = 0;
    pcb->tx_order = 0;
    pcb->rack_fack = pcb->iss + 1;
    pcb->reo_wnd_mult = 1;
}

/* --- receiving: the blocks we report ------------------------------------------------------ */

/* A duplicate [start, end) arrived: report it first in the next ACK (RFC 2883 4). */
void
tcp_sack_note_dup(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
    if (!pcb->sack_ok || !seq_lt(start, end))
        return;
    pcb->dsack.start = start;
    pcb->dsack.end = end;
    pcb->dsack_pending = true;
    STAT_INC(tcp, dsack_out);
}

/*
 * Put the SACK blocks to report into h->sack (h->nsack of them), as many as
 * fit in `room` bytes of options with NOP, NOP, kind and length; return how
 * many. Order (RFC 2018 4, RFC 2883 4): the D-SACK block, then the range that
 * contains it, then the most recently changed ranges.
 */
unsigned
tcp_sack_blocks(struct tcp_pcb *pcb, struct tcp_hdr *h, size_t room)
{
    unsigned nb = 0, fit, i;
    int holder = -1;
    bool with_dsack = pcb->dsack_pending;

    h->nsack = 0;
    if (with_dsack) {
        h->sack[nb].start = pcb->dsack.start;
        h->sack[nb++].end = pcb->dsack.end;
        for (i = 0; i < (unsigned)pcb->nooo; i++) {
            if (seq_leq(pcb->ooo[i].start, pcb->dsack.start) &&
                seq_geq(pcb->ooo[i].end, pcb->dsack.end)) {
                holder = (int)i;
                h->sack[nb].start = pcb->ooo[i].start;
                h->sack[nb++].end = pcb->ooo[i].end;
                break;
            }
        }
    }
    for (i = 0; i < (unsigned)pcb->nooo && nb < TCP_SACK_MAX; i++) {
        if ((int)i != holder) {
            h->sack[nb].start = pcb->ooo[i].start;
            h->sack[nb++].end = pcb->ooo[i].end;
        }
    }
    fit = room >= 12 ? (unsigned)((room - 4) / 8) : 0;
    if (nb > fit)
        nb = fit;
    if (nb == 0)
        return 0;
    h->nsack = (uint8_t)nb;
    if (with_dsack)
        pcb->dsack_pending = false;       /* a D-SACK is reported once */
    return nb;
}

/* --- the scoreboard ------------------------------------------------------------------------ */

static struct tcp_seg *
seg_at(struct tcp_pcb *pcb, unsigned i)
{
    return &pcb->segs[(pcb->seg_head + i) % TCP_SEGS_MAX];
}

static uint32_t
seg_len(const struct tcp_seg *s)
{
    return s->end - s->start;
}

/* Send scoreboard segment s again and note it; false if it could not be handed down (out
 * of buffers: it stays as it is, and the timer tries again). */
static bool
seg_send_again(struct tcp_pcb *pcb, struct tcp_seg *s)
{
    if (tcp_send_seg(pcb, s->start, s->end) < 0)
        return false;
    s->flags = (uint8_t)((s->flags & ~SEG_LOST) | SEG_RETRANS);
    s->xmit_us = clock_now();
    s->order = ++pcb->tx_order;
    pcb->rtt_timing = false;              /* Karn (RFC 6298 3) */
    return true;
}

/* A new segment [start, end) went out: record it. False when the table is full. */
bool
tcp_seg_record(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
    struct tcp_seg *s;

    if (pcb->nsegs == TCP_SEGS_MAX)
        return false;
    s = seg_at(pcb, pcb->nsegs++);
    s->start = start;
    s->end = end;
    s->xmit_us = clock_now();
    s->order = ++pcb->tx_order;
    s->flags = 0;
    if (pcb->in_recovery)
        pcb->prr_out += end - start;
    return true;
}

void
tcp_seg_clear(struct tcp_pcb *pcb)
{
    pcb->seg_head = 0;
    pcb->nsegs = 0;
}

/* RFC 6675 2 "pipe": data in the network, i.e. neither SACKed nor judged lost. */
uint32_t
tcp_pipe(const struct tcp_pcb *pcb)
{
    uint32_t pipe = 0;

    for (unsigned i = 0; i < pcb->nsegs; i++) {
        const struct tcp_seg *s = &pcb->segs[(pcb->seg_head + i) % TCP_SEGS_MAX];

        if (!(s->flags & (SEG_SACKED | SEG_LOST)))
            pipe += seg_len(s);
    }
    return pipe;
}

static unsigned
segs_sacked(struct tcp_pcb *pcb)
{
    unsigned n = 0;

    for (unsigned i = 0; i < pcb->nsegs; i++)
        if (seg_at(pcb, i)->flags & SEG_SACKED)
            n++;
    return n;
}

/* --- RACK (RFC 8985 6) --------------------------------------------------------------------- */

/*
 * Was segment 1 sent after segment 2? By transmit time, and within one clock
 * tick by transmission order (RFC 8985 6.2 breaks ties by sequence number,
 * which would put a retransmission before new data sent in the same tick).
 */
static bool
rack_sent_after(uint64_t t1, uint32_t order1, uint64_t t2, uint32_t order2)
{
    return t1 > t2 || (t1 == t2 && seq_gt(order1, order2));
}

/* The newest-sent segment an ACK delivers: its RTT becomes RACK.rtt (RFC 8985 6.2 step 2). */
struct rack_ack {
    bool any;
    uint64_t xmit_us;
    uint32_t order;
};

/*
 * Segment s has been delivered (cumulatively ACKed or SACKed): steps 1-3.
 * A retransmitted segment ACKed sooner than the minimum RTT after its resend
 * may be the original's ACK: it tells nothing about time (step 2).
 */
static void
rack_delivered(struct tcp_pcb *pcb, const struct tcp_seg *s, uint64_t now, struct rack_ack *ra)
{
    uint32_t rtt = (uint32_t)(now - s->xmit_us);

    if ((s->flags & SEG_RETRANS) && rtt < pcb->min_rtt_us)
        return;
    if (!(s->flags & SEG_RETRANS) && (pcb->min_rtt_us == 0 || rtt < pcb->min_rtt_us))
        pcb->min_rtt_us = rtt ? rtt : 1;  /* step 1 (LIMIT: the minimum over the connection) */
    if (!ra->any || rack_sent_after(s->xmit_us, s->order, ra->xmit_us, ra->order)) {
        ra->any = true;
        ra->xmit_us = s->xmit_us;
        ra->order = s->order;
        pcb->rack_rtt_us = rtt;
    }
    if (rack_sent_after(s->xmit_us, s->order, pcb->rack_xmit_us, pcb->rack_order)) {
        pcb->rack_xmit_us = s->xmit_us;
        pcb->rack_order = s->order;
    }
    /* Step 3: a never-resent segment delivered below the highest one delivered came late. */
    if (seq_gt(s->end, pcb->rack_fack))
        pcb->rack_fack = s->end;
    else if (seq_lt(s->end, pcb->rack_fack) && !(s->flags & SEG_RETRANS))
        pcb->reordering_seen = true;
}

/* Step 4: grow the reordering window once per round trip that brings a D-SACK. */
static void
rack_update_reo_wnd(struct tcp_pcb *pcb, bool dsack)
{
    if (pcb->dsack_round_on && seq_geq(pcb->snd_una, pcb->dsack_round))
        pcb->dsack_round_on = false;
    if (dsack && !pcb->dsack_round_on) {
        pcb->dsack_round_on = true;
        pcb->dsack_round = pcb->snd_max;
        pcb->reo_wnd_mult++;
        pcb->reo_wnd_persist = REO_WND_PERSIST;
    }
}

/* After a recovery: a window grown by D-SACKs shrinks back after 16 quiet ones. */
static void
rack_recovery_done(struct tcp_pcb *pcb)
{
    if (pcb->reo_wnd_persist > 0 && --pcb->reo_wnd_persist == 0)
        pcb->reo_wnd_mult = 1;
}

/* The reordering window: none until reordering has been seen and while recovering. */
static uint32_t
rack_reo_wnd(struct tcp_pcb *pcb)
{
    uint32_t w;

    if (!pcb->reordering_seen &&
        (pcb->in_recovery || pcb->rto_recovery || segs_sacked(pcb) >= TCP_DUPACK_THRESH))
        return 0;
    w = pcb->min_rtt_us / 4 * pcb->reo_wnd_mult;
    if (pcb->rtt_valid && w > pcb->srtt_us)
        w = pcb->srtt_us;
    return w;
}

/*
 * Step 5: every segment sent before the RACK segment, neither SACKed nor
 * already lost, is lost once RACK.rtt + reo_wnd has passed since it was
 * sent. Returns how many were newly judged lost; the earliest deadline still
 * ahead goes to reo_deadline_us (0 if none) for the reordering timer.
 */
static unsigned
rack_detect_loss(struct tcp_pcb *pcb, uint64_t now)
{
    uint64_t reo = rack_reo_wnd(pcb), next = 0;
    unsigned lost = 0;

    for (unsigned i = 0; i < pcb->nsegs; i++) {
        struct tcp_seg *s = seg_at(pcb, i);
        uint64_t deadline;

        if (s->flags & (SEG_SACKED | SEG_LOST))
            continue;
        if (!rack_sent_after(pcb->rack_xmit_us, pcb->rack_order, s->xmit_us, s->order))
            continue;
        deadline = s->xmit_us + pcb->rack_rtt_us + reo;
        if (now >= deadline) {
            s->flags |= SEG_LOST;
            lost++;
            STAT_INC(tcp, rack_lost);
            TRACE_EV("tcp", "port %u: RACK: %u-%u lost (sent %llu us ago, rtt %u reo_wnd %llu)",
                     pcb->local_port, s->start, s->end,
                     (unsigned long long)(now - s->xmit_us), pcb->rack_rtt_us,
                     (unsigned long long)reo);
        } else if (next == 0 || deadline < next) {
            next = deadline;
        }
    }
    pcb->reo_deadline_us = next;
    return lost;
}

/* --- recovery ------------------------------------------------------------------------------ */

/*
 * Loss found outside recovery: RFC 6675 5 step 4 with RFC 5681 eq. 4:
 * ssthresh = max(FlightSize / 2, 2 * SMSS), recover until HighData; PRR
 * starts counting (RFC 6937). What cwnd was is kept for an undo.
 */
static void
sack_enter_recovery(struct tcp_pcb *pcb)
{
    uint32_t flight = tcp_flight_size(pcb), mss = pcb->snd_mss;

    pcb->undo_valid = true;
    pcb->undo_marker = pcb->snd_una;
    pcb->undo_high = pcb->snd_una;
    pcb->undo_retrans = 0;
    pcb->prior_cwnd = pcb->cwnd;
    pcb->prior_ssthresh = pcb->ssthresh;
    pcb->ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
    pcb->recover = pcb->snd_max;
    pcb->in_recovery = true;
    pcb->prr_delivered = 0;
    pcb->prr_out = 0;
    pcb->recover_fs = flight ? flight : 1;
    pcb->rtt_timing = false;              /* Karn: the timed segment may be resent */
    pcb->tlp_out = false;
    STAT_INC(tcp, fast_rexmit);
    TRACE_EV("tcp", "port %u: loss: SACK recovery until %u, cwnd %u ssthresh %u",
             pcb->local_port, pcb->recover, pcb->cwnd, pcb->ssthresh);
}

/*
 * RFC 6937 3 (PRR-SSRB): cwnd for this ACK so that, over the recovery, we
 * send ssthresh/RecoverFS of what is delivered while pipe is above ssthresh,
 * then grow back towards ssthresh no faster than slow start.
 */
static void
prr_update(struct tcp_pcb *pcb, uint32_t delivered, bool entered)
{
    uint32_t pipe = tcp_pipe(pcb), mss = pcb->snd_mss;
    int64_t sndcnt;

    pcb->prr_delivered += delivered;
    if (pipe > pcb->ssthresh) {
        uint64_t share = ((uint64_t)pcb->prr_delivered * pcb->ssthresh + pcb->recover_fs - 1) /
                         pcb->recover_fs;

        sndcnt = (int64_t)share - pcb->prr_out;
    } else {
        int64_t limit = (int64_t)pcb->prr_delivered - pcb->prr_out;

        if (limit < (int64_t)delivered)
            limit = delivered;
        limit += mss;
        sndcnt = (int64_t)(pcb->ssthresh - pipe);
        if (sndcnt > limit)
            sndcnt = limit;
    }
    if (sndcnt < 0)
        sndcnt = 0;
    if (entered && sndcnt < mss)
        sndcnt = mss;                     /* the first lost segment goes at once (RFC 6675 4.3) */
    pcb->cwnd = pipe + (uint32_t)sndcnt;
}

/*
 * RACK found `lost` segments: outside a recovery that starts one; inside one,
 * PRR sets cwnd for what this ACK delivered.
 */
static void
sack_after_detection(struct tcp_pcb *pcb, unsigned lost, uint32_t delivered)
{
    bool entered = false;

    if (lost > 0 && !pcb->in_recovery && !pcb->rto_recovery) {
        sack_enter_recovery(pcb);
        entered = true;
    }
    if (pcb->in_recovery)
        prr_update(pcb, delivered, entered);
}

/* All retransmissions of the last recovery were duplicates: nothing was lost (RFC 4015). */
static void
sack_undo(struct tcp_pcb *pcb)
{
    if (pcb->cwnd < pcb->prior_cwnd)
        pcb->cwnd = pcb->prior_cwnd;
    if (pcb->ssthresh < pcb->prior_ssthresh)
        pcb->ssthresh = pcb->prior_ssthresh;
    if (pcb->in_recovery) {
        pcb->in_recovery = false;
        rack_recovery_done(pcb);
    }
    pcb->undo_valid = false;
    pcb->reordering_seen = true;          /* the "lost" segments were only late */
    STAT_INC(tcp, undo);
    TRACE_EV("tcp", "port %u: D-SACK: the retransmissions were not needed: cwnd %u ssthresh %u "
             "restored", pcb->local_port, pcb->cwnd, pcb->ssthresh);
}

/* A D-SACK block [start, end) (RFC 2883): a segment arrived twice. */
static void
sack_dsack(struct tcp_pcb *pcb, uint32_t start, uint32_t end)
{
    uint32_t mss = pcb->snd_mss;

    STAT_INC(tcp, dsack_in);
    /* Only a duplicate of what this recovery resent counts: the network may duplicate too. */
    if (pcb->undo_valid && pcb->undo_retrans > 0 && seq_geq(start, pcb->undo_marker) &&
        seq_leq(end, pcb->undo_high)) {
        pcb->undo_retrans -= (int)((end - start + mss - 1) / mss);
        if (pcb->undo_retrans <= 0)
            sack_undo(pcb);
    }
}

/* Mark the segments that lie wholly inside [start, end) as SACKed; bytes newly SACKed. */
static uint32_t
sack_mark(struct tcp_pcb *pcb, uint32_t start, uint32_t end, uint64_t now, struct rack_ack *ra)
{
    uint32_t newly = 0;

    for (unsigned i = 0; i < pcb->nsegs; i++) {
        struct tcp_seg *s = seg_at(pcb, i);

        if (seq_geq(s->start, end))
            break;
        if ((s->flags & SEG_SACKED) || seq_lt(s->start, start) || seq_gt(s->end, end))
            continue;
        s->flags = (uint8_t)((s->flags | SEG_SACKED) & ~SEG_LOST);
        newly += seg_len(s);
        rack_delivered(pcb, s, now, ra);
    }
    return newly;
}

/*
 * RFC 8985 7.4: after a probe that resent old data, an ACK beyond it without
 * a D-SACK means the probe repaired a loss: reduce cwnd as for one loss.
 */
static void
tlp_ack(struct tcp_pcb *pcb, uint32_t ack, bool dsack)
{
    uint32_t mss = pcb->snd_mss;

    if (!pcb->tlp_out || seq_lt(ack, pcb->tlp_end))
        return;
    if (!pcb->tlp_retrans || dsack) {
        pcb->tlp_out = false;
        return;
    }
    if (seq_gt(ack, pcb->tlp_end)) {
        pcb->tlp_out = false;
        if (pcb->in_recovery)
            return;                       /* cwnd is already reduced for this loss */
        pcb->ssthresh = pcb->cwnd / 2 > 2 * mss ? pcb->cwnd / 2 : 2 * mss;
        pcb->cwnd = pcb->ssthresh;
        STAT_INC(tcp, tlp_recovered);
        TRACE_EV("tcp", "port %u: the loss probe repaired a loss: cwnd %u", pcb->local_port,
                 pcb->cwnd);
    }
}

/*
 * An acceptable ACK on a SACK connection (after tcp_ack_process moved
 * SND.UNA; `acked` bytes newly acknowledged): update
 * the scoreboard, find losses, enter or leave recovery, set cwnd, and choose
 * the timer.
 */
void
tcp_sack_ack(struct tcp_pcb *pcb, const struct tcp_hdr *th, uint32_t acked)
{
    uint64_t now = clock_now();
    uint32_t delivered = 0;
    bool dsack = false;
    struct rack_ack ra = { false, 0, 0 };
    unsigned lost;

    /* Cumulatively acknowledged segments leave the scoreboard. */
    while (pcb->nsegs > 0) {
        struct tcp_seg *s = seg_at(pcb, 0);

        if (seq_leq(s->end, pcb->snd_una)) {
            if (!(s->flags & SEG_SACKED)) {
                delivered += seg_len(s);
                rack_delivered(pcb, s, now, &ra);
            }
            pcb->seg_head = (pcb->seg_head + 1) % TCP_SEGS_MAX;
            pcb->nsegs--;
            continue;
        }
        if (seq_lt(s->start, pcb->snd_una)) {       /* partly acknowledged */
            if (!(s->flags & SEG_SACKED))
                delivered += pcb->snd_una - s->start;
            s->start = pcb->snd_una;
        }
        break;
    }
    /* The SACK blocks (RFC 2018 3). The first is a D-SACK if it lies below the ACK or
     * inside the second block (RFC 2883 4); blocks outside what we sent are ignored. */
    for (unsigned k = 0; k < th->nsack; k++) {
        uint32_t start = th->sack[k].start, end = th->sack[k].end;

        if (!seq_lt(start, end))
            continue;
        if (k == 0 && (seq_leq(end, th->ack) ||
                       (th->nsack > 1 && seq_geq(start, th->sack[1].start) &&
                        seq_leq(end, th->sack[1].end)))) {
            dsack = true;
            sack_dsack(pcb, start, end);
            continue;
        }
        if (!seq_lt(pcb->snd_una, end) || seq_gt(end, pcb->snd_max)) {
            STAT_INC(tcp, sack_ignored);
            continue;
        }
        delivered += sack_mark(pcb, start, end, now, &ra);
    }
    tlp_ack(pcb, th->ack, dsack);
    rack_update_reo_wnd(pcb, dsack);
    lost = rack_detect_loss(pcb, now);

    if (pcb->in_recovery && seq_geq(pcb->snd_una, pcb->recover)) {
        /* RFC 6675 5: the recovery point is acknowledged; RFC 6937: cwnd = ssthresh. */
        pcb->in_recovery = false;
        acked = 0;                        /* and this ACK does not grow it */
        pcb->cwnd = pcb->ssthresh;
        rack_recovery_done(pcb);
        TRACE_EV("tcp", "port %u: recovery done, cwnd %u", pcb->local_port, pcb->cwnd);
    }
    if (pcb->rto_recovery && seq_geq(pcb->snd_una, pcb->recover)) {
        pcb->rto_recovery = false;
        rack_recovery_done(pcb);
    }
    sack_after_detection(pcb, lost, delivered);
    if (!pcb->in_recovery && acked > 0)
        tcp_cwnd_grow(pcb, acked);        /* also slow start after a timeout */
}

/*
 * Send again what is judged lost, earliest first, while pipe stays within
 * cwnd (RFC 6675 5 (C), NextSeg rule 1). Called by tcp_output before new data.
 */
void
tcp_sack_output(struct tcp_pcb *pcb)
{
    uint32_t pipe = tcp_pipe(pcb);

    for (unsigned i = 0; i < pcb->nsegs; i++) {
        struct tcp_seg *s = seg_at(pcb, i);
        uint32_t len = seg_len(s);

        if (!(s->flags & SEG_LOST))
            continue;
        if (pipe + len > pcb->cwnd)
            break;
        if (!seg_send_again(pcb, s))
            break;                        /* out of buffers: the timer will resend */
        pipe += len;
        STAT_INC(tcp, sack_rexmit);
        if (pcb->in_recovery) {
            pcb->prr_out += len;
            if (pcb->undo_valid) {
                pcb->undo_retrans++;
                if (seq_gt(s->end, pcb->undo_high))
                    pcb->undo_high = s->end;
            }
        }
        if (!pcb->rexmit.armed)
            tcp_rexmit_restart(pcb);
    }
}

/*
 * The retransmission timer expired (RFC 6298 5.4-5.6, RFC 5681 3.1; cwnd is
 * already one segment): everything not SACKed is lost and goes again in
 * order as slow start allows. SACKs are kept (RFC 6675 5.1), but a second
 * timeout in a row forgets them: the receiver may have discarded what it
 * SACKed (RFC 2018 8).
 */
void
tcp_sack_on_rto(struct tcp_pcb *pcb)
{
    for (unsigned i = 0; i < pcb->nsegs; i++) {
        struct tcp_seg *s = seg_at(pcb, i);

        if (pcb->retries > 1)
            s->flags &= (uint8_t)~SEG_SACKED;
        if (!(s->flags & SEG_SACKED))
            s->flags |= SEG_LOST;
    }
    pcb->rto_recovery = true;
    pcb->tlp_out = false;
    pcb->undo_valid = false;
    pcb->reo_deadline_us = 0;
}

static bool
sack_any_lost(struct tcp_pcb *pcb)
{
    for (unsigned i = 0; i < pcb->nsegs; i++)
        if (seg_at(pcb, i)->flags & SEG_LOST)
            return true;
    return false;
}

/*
 * Choose what the retransmission timer times (RFC 8985 8): the reordering
 * window if a segment waits on it; else a tail loss probe after
 * PTO = 2 * SRTT (RFC 8985 7.2) if that comes before the RTO; else the RTO.
 * A probe may also go during a recovery that has resent all it knows to be
 * lost: if the last retransmission or its ACK is lost, nothing later can
 * show it and only a timeout would (our extension of 7.2: Linux waits for
 * its 200 ms RTO there, RFC 6298's is 1 s).
 */
void
tcp_sack_arm_timer(struct tcp_pcb *pcb)
{
    uint64_t now = clock_now(), pto, rto_left;

    if (pcb->nsegs == 0 || tcp_flight_size(pcb) == 0)
        return;
    if (pcb->reo_deadline_us) {
        tcp_rexmit_arm(pcb, TCP_TMR_REO,
                       pcb->reo_deadline_us > now ? pcb->reo_deadline_us - now : 0);
        return;
    }
    if (!pcb->rto_recovery && !pcb->tlp_out && (!pcb->in_recovery || !sack_any_lost(pcb))) {
        pto = pcb->rtt_valid ? 2 * (uint64_t)pcb->srtt_us : US_PER_SEC;
        if (pto < TLP_MIN_US)
            pto = TLP_MIN_US;
        if (pcb->nsegs == 1)
            pto += TLP_WC_DELACK_US;
        rto_left = pcb->rexmit.armed && pcb->timer_kind == TCP_TMR_RTO &&
                   pcb->rexmit.expires > now ? pcb->rexmit.expires - now : pcb->rto_us;
        if (pto < rto_left) {
            tcp_rexmit_arm(pcb, TCP_TMR_TLP, pto);
            return;
        }
    }
    if (!pcb->rexmit.armed || pcb->timer_kind != TCP_TMR_RTO)
        tcp_rexmit_restart(pcb);
}

/* The reordering timer: the segments it waited for are now lost (RFC 8985 6.3). */
void
tcp_rack_timeout(struct tcp_pcb *pcb)
{
    sack_after_detection(pcb, rack_detect_loss(pcb, clock_now()), 0);
    tcp_output(pcb);
    tcp_sack_arm_timer(pcb);
}

/*
 * The probe timeout (RFC 8985 7.3): send one new segment if the peer's
 * window allows, beyond cwnd; else the last segment again. Then the RTO.
 */
void
tcp_tlp_fire(struct tcp_pcb *pcb)
{
    uint32_t before = pcb->snd_max, unsent = pcb->snd.len - (pcb->snd_nxt - pcb->snd_una);

    STAT_INC(tcp, tlp);
    if (pcb->fin_sent)
        unsent = 0;
    if (unsent > 0 && seq_lt(pcb->snd_nxt, pcb->snd_una + pcb->snd_wnd)) {
        uint32_t saved = pcb->cwnd;

        pcb->cwnd = tcp_pipe(pcb) + pcb->snd_mss;   /* the probe may exceed cwnd (7.3) */
        tcp_output(pcb);
        pcb->cwnd = saved;
    }
    if (pcb->snd_max != before) {
        pcb->tlp_retrans = false;
    } else if (pcb->nsegs > 0) {
        seg_send_again(pcb, seg_at(pcb, pcb->nsegs - 1));
        pcb->tlp_retrans = true;
    }
    TRACE_EV("tcp", "port %u: tail loss probe (%s), then the RTO", pcb->local_port,
             pcb->tlp_retrans ? "last segment again" : "new data");
    pcb->tlp_out = true;
    pcb->tlp_end = pcb->snd_max;
    tcp_rexmit_restart(pcb);
}

/*
 * cwnd after `acked` new bytes outside recovery (RFC 5681 3.1): slow start
 * adds min(acked, SMSS); congestion avoidance adds one SMSS each time a
 * whole cwnd has been acknowledged (byte counting, the RECOMMENDED way).
 */
void
tcp_cwnd_grow(struct tcp_pcb *pcb, uint32_t acked)
{
    uint32_t mss = pcb->snd_mss;

    if (pcb->cwnd < pcb->ssthresh) {
        pcb->cwnd += acked < mss ? acked : mss;
        return;
    }
    pcb->bytes_acked += acked;
    if (pcb->bytes_acked >= pcb->cwnd) {
        pcb->bytes_acked -= pcb->cwnd;
        pcb->cwnd += mss;
    }
}
