/*
 * tcp_timer.c - TCP's clocks: the retransmission timer with RTT estimation
 * (RFC 6298: SRTT/RTTVAR, Karn's algorithm, exponential backoff) and the
 * congestion response to a timeout (RFC 5681 3.1), the persist timer that
 * shares it (zero-window probes, RFC 9293 3.8.6.1), the delayed ACK
 * (RFC 1122 4.2.3.2), keep-alive (RFC 1122 4.2.3.6), TIME-WAIT (2*MSL), and
 * the orphan timer that resets a closed socket's connection that stopped
 * making progress (as Linux's tcp_orphan_retries and tcp_fin_timeout do).
 */
#include "tcp_var.h"
#include "stats.h"
#include "trace.h"

static void tcp_rexmit_fire(void *arg);
static void tcp_timewait_fire(void *arg);
static void tcp_delack_fire(void *arg);
static void tcp_keepalive_fire(void *arg);
static void tcp_orphan_fire(void *arg);

static uint64_t next_orphan_order;

void
tcp_timers_init(struct tcp_pcb *pcb)
{
    timer_init(&pcb->rexmit, "tcp-rexmit", tcp_rexmit_fire, pcb);
    timer_init(&pcb->timewait, "tcp-timewait", tcp_timewait_fire, pcb);
    timer_init(&pcb->delack, "tcp-delack", tcp_delack_fire, pcb);
    timer_init(&pcb->keepalive_timer, "tcp-keepalive", tcp_keepalive_fire, pcb);
    timer_init(&pcb->orphan_timer, "tcp-orphan", tcp_orphan_fire, pcb);
}

void
tcp_timers_cancel(struct tcp_pcb *pcb)
{
    timer_cancel(&pcb->rexmit);
    timer_cancel(&pcb->timewait);
    timer_cancel(&pcb->delack);
    timer_cancel(&pcb->keepalive_timer);
    timer_cancel(&pcb->orphan_timer);
}

/* RFC 6298 5.1/5.3: (re)start the timer to expire after RTO. */
void
tcp_rexmit_restart(struct tcp_pcb *pcb)
{
    tcp_rexmit_arm(pcb, TCP_TMR_RTO, pcb->rto_us);
}

/* The one retransmission timer times the RTO, a loss probe or RACK's window (RFC 8985 8). */
void
tcp_rexmit_arm(struct tcp_pcb *pcb, enum tcp_timer_kind kind, uint64_t us)
{
    pcb->timer_kind = kind;
    timer_arm(&pcb->rexmit, us);
}

void
tcp_rexmit_stop(struct tcp_pcb *pcb)
{
    timer_cancel(&pcb->rexmit);
}

/*
 * An ACK covered the timed segment: take an RTT sample (RFC 6298 2.2, 2.3).
 * Karn's algorithm (RFC 6298 3): retransmission clears rtt_timing, so a
 * retransmitted segment is never measured.
 */
void
tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t ack)
{
    const struct tcp_config *c = tcp_config_get();
    uint32_t r, rto;

    if (!pcb->rtt_timing || seq_lt(ack, pcb->rtt_seq))
        return;
    pcb->rtt_timing = false;
    r = (uint32_t)(clock_now() - pcb->rtt_start);
    if (!pcb->rtt_valid) {
        /* 2.2: SRTT <- R, RTTVAR <- R/2 */
        pcb->srtt_us = r;
        pcb->rttvar_us = r / 2;
        pcb->rtt_valid = true;
    } else {
        /* 2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, SRTT <- 7/8 SRTT + 1/8 R' */
        uint32_t delta = pcb->srtt_us > r ? pcb->srtt_us - r : r - pcb->srtt_us;

        pcb->rttvar_us = (3 * pcb->rttvar_us + delta) / 4;
        pcb->srtt_us = (7 * pcb->srtt_us + r) / 8;
    }
    /* RTO <- SRTT + max(G, 4*RTTVAR), G = 1 ms here; clamped to [min, max] (2.4, 2.5). */
    rto = pcb->srtt_us + (4 * pcb->rttvar_us > 1000 ? 4 * pcb->rttvar_us : 1000);
    if (rto < c->rto_min_us)
        rto = c->rto_min_us;
    if (rto > c->rto_max_us)
        rto = c->rto_max_us;
    pcb->rto_us = rto;
}

/*
 * RFC 5681 3.1 eq. 4 and after: a timeout means heavy loss. ssthresh to half
 * the flight, cwnd to one segment (the loss window), leave fast recovery,
 * and go back to SND.UNA: everything after it is sent again as ACKs return.
 */
void
tcp_on_rto(struct tcp_pcb *pcb)
{
    uint32_t flight = tcp_flight_size(pcb), mss = pcb->snd_mss;

    pcb->ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
    pcb->cwnd = mss;
    pcb->in_recovery = false;
    pcb->recover = pcb->snd_max;          /* RFC 6582 4: no fast retransmit for old dupacks */
    pcb->dupacks = 0;
    pcb->bytes_acked = 0;
    if (pcb->sack_ok)
        tcp_sack_on_rto(pcb);             /* resend what was not SACKed, in order */
    else
        pcb->snd_nxt = pcb->snd_una;      /* go back N */
    TRACE_EV("tcp", "port %u: timeout: cwnd %u ssthresh %u, resending from snd_una",
             pcb->local_port, pcb->cwnd, pcb->ssthresh);
}

/* The peer stopped answering: (RST,) CLOSED, ETIMEDOUT for the app, free if orphaned. */
static void
tcp_drop_timed_out(struct tcp_pcb *pcb, bool rst)
{
    if (rst)
        tcp_send_rst(pcb);
    pcb->error = TS_ETIMEDOUT;
    tcp_set_state(pcb, TCPS_CLOSED);
    tcp_timers_cancel(pcb);
    if (pcb->orphan)
        tcp_pcb_free(pcb);
}

static void
tcp_rexmit_fire(void *arg)
{
    struct tcp_pcb *pcb = arg;
    const struct tcp_config *c = tcp_config_get();
    bool syn = pcb->state == TCPS_SYN_SENT || pcb->state == TCPS_SYN_RECEIVED;
    bool persist = !syn && pcb->snd_wnd == 0 && tcp_flight_size(pcb) <= 1 && pcb->snd.len > 0;
    unsigned limit = syn ? c->syn_retries : c->data_retries;

    if (pcb->state == TCPS_CLOSED || pcb->state == TCPS_LISTEN || pcb->state == TCPS_TIME_WAIT)
        return;
    if (pcb->timer_kind != TCP_TMR_RTO) {
        /* A loss probe or RACK's reordering window, not a timeout (RFC 8985 6.3, 7.3). */
        enum tcp_timer_kind kind = pcb->timer_kind;

        pcb->timer_kind = TCP_TMR_RTO;
        if (syn || pcb->nsegs == 0) {
            if (tcp_flight_size(pcb) > 0)
                tcp_rexmit_restart(pcb);
        } else if (kind == TCP_TMR_REO) {
            tcp_rack_timeout(pcb);
        } else {
            tcp_tlp_fire(pcb);
        }
        return;
    }
    if (!syn && !persist && tcp_flight_size(pcb) == 0 && !pcb->tx_failed)
        return;                           /* nothing in flight: nothing to do */
    /* The persist timer never gives up while the peer answers (retries reset on each ACK):
     * RFC 1122 4.2.2.17 keeps an open connection probing a zero window as long as the peer
     * answers. An orphan is bounded by the orphan timer instead (tcp_orphan_fire). */
    if (pcb->retries >= limit) {
        /* RFC 9293 3.8.3 / RFC 1122 4.2.3.5: give up, tell the user ETIMEDOUT. */
        STAT_INC(tcp, timeout_drop);
        TRACE_EV("tcp", "port %u: giving up after %u retransmissions", pcb->local_port,
                 pcb->retries);
        if (pcb->parent) {
            tcp_send_rst(pcb);
            tcp_pcb_free(pcb);            /* an embryonic connection nobody has seen */
            return;
        }
        tcp_drop_timed_out(pcb, !syn);
        return;
    }
    pcb->retries++;
    pcb->rtt_timing = false;              /* Karn: do not time a retransmitted segment */
    if (persist)
        STAT_INC(tcp, window_probe);
    if (syn)
        pcb->syn_timed_out = true;
    if (pcb->tx_failed && !syn && !persist && tcp_flight_size(pcb) == 0) {
        /* The last try could not be handed to the interface: like a loss, try again. */
        TRACE_EV("tcp", "port %u: segment not sent (no buffer or too big), try %u",
                 pcb->local_port, pcb->retries);
        tcp_output(pcb);
    } else if (syn || persist) {
        TRACE_EV("tcp", "port %u: %s, try %u", pcb->local_port,
                 persist ? "zero window: probe" : "SYN not answered: again", pcb->retries);
        tcp_retransmit_first(pcb);
    } else {
        STAT_INC(tcp, rexmit);
        TRACE_EV("tcp", "port %u: RTO %u ms expired, retransmission %u", pcb->local_port,
                 pcb->rto_us / 1000, pcb->retries);
        tcp_on_rto(pcb);
        tcp_output(pcb);
    }
    /* RFC 6298 5.5: back off the timer, RTO <- RTO * 2 (up to the maximum). */
    pcb->rto_us = pcb->rto_us * 2 > c->rto_max_us ? c->rto_max_us : pcb->rto_us * 2;
    tcp_rexmit_restart(pcb);
}

/*
 * The app closed pcb and TCP keeps it to deliver what is queued and the FIN:
 * from now on it must make progress (SND.UNA moving) at least once per
 * orphan timeout, or be reset (tcp_orphan_fire).
 */
void
tcp_orphan_start(struct tcp_pcb *pcb)
{
    pcb->orphan_order = ++next_orphan_order;
    pcb->orphan_progress = clock_now();
    timer_arm(&pcb->orphan_timer, tcp_config_get()->orphan_timeout_us);
}

/* New data (or our FIN) acknowledged: an orphan's clock starts again (the timer checks). */
void
tcp_orphan_progress(struct tcp_pcb *pcb)
{
    if (pcb->orphan)
        pcb->orphan_progress = clock_now();
}

/*
 * An orphan that made no progress for the orphan timeout: a peer that ACKs
 * every zero-window probe but never takes a byte, a dead one, or one that
 * never sends its FIN in FIN-WAIT-2. Nobody will read the outcome: reset it
 * and free the block. Only orphans: an open connection probes on (RFC 1122
 * 4.2.2.17). Progress only moves the deadline, so no re-arming per ACK.
 */
static void
tcp_orphan_fire(void *arg)
{
    struct tcp_pcb *pcb = arg;
    uint64_t timeout = tcp_config_get()->orphan_timeout_us, idle;

    if (!pcb->orphan || pcb->state == TCPS_CLOSED || pcb->state == TCPS_TIME_WAIT)
        return;
    idle = clock_now() - pcb->orphan_progress;
    if (idle < timeout) {
        timer_arm(&pcb->orphan_timer, timeout - idle);
        return;
    }
    STAT_INC(tcp, orphan_timeout);
    TRACE_EV("tcp", "port %u: orphan in %s without progress for %llu s: reset", pcb->local_port,
             tcp_state_name(pcb->state), (unsigned long long)(idle / US_PER_SEC));
    tcp_abort(pcb);
}

/* RFC 9293 3.4.2: wait 2*MSL in TIME-WAIT, then delete the TCB. */
void
tcp_timewait_start(struct tcp_pcb *pcb)
{
    tcp_rexmit_stop(pcb);
    timer_cancel(&pcb->keepalive_timer);
    timer_arm(&pcb->timewait, 2 * tcp_config_get()->msl_us);
}

static void
tcp_timewait_fire(void *arg)
{
    struct tcp_pcb *pcb = arg;

    tcp_set_state(pcb, TCPS_CLOSED);
    if (pcb->orphan)
        tcp_pcb_free(pcb);
}

/*
 * The delayed ACK is due (RFC 1122 4.2.3.2), or a window update after the
 * app read (RFC 1122 4.2.3.3; tcp_recv sets this timer to 0 for it).
 */
static void
tcp_delack_fire(void *arg)
{
    struct tcp_pcb *pcb = arg;

    if (pcb->state == TCPS_CLOSED || (pcb->ack_pending == 0 && !pcb->wnd_update_due))
        return;
    if (pcb->wnd_update_due)
        STAT_INC(tcp, window_update);
    else
        STAT_INC(tcp, delayed_ack);
    tcp_send_ack(pcb);
}

/* Any segment from the peer: it is alive; start the idle period again. */
void
tcp_keepalive_reset(struct tcp_pcb *pcb)
{
    pcb->ka_probes = 0;
    if (pcb->keepalive && (pcb->state == TCPS_ESTABLISHED || pcb->state == TCPS_CLOSE_WAIT ||
                           pcb->state == TCPS_FIN_WAIT_2))
        timer_arm(&pcb->keepalive_timer, tcp_config_get()->ka_idle_us);
    else
        timer_cancel(&pcb->keepalive_timer);
}

/*
 * RFC 1122 4.2.3.6: after the idle time, probe with <SEQ=SND.UNA-1> and no
 * data (the peer must answer with an ACK); after ka_count unanswered probes
 * the connection is dead: ETIMEDOUT.
 */
static void
tcp_keepalive_fire(void *arg)
{
    struct tcp_pcb *pcb = arg;
    const struct tcp_config *c = tcp_config_get();

    if (!pcb->keepalive || pcb->state == TCPS_CLOSED)
        return;
    if (pcb->ka_probes >= c->ka_count) {
        STAT_INC(tcp, keepalive_drop);
        TRACE_EV("tcp", "port %u: %u keep-alive probes unanswered: connection dropped",
                 pcb->local_port, pcb->ka_probes);
        tcp_drop_timed_out(pcb, true);
        return;
    }
    pcb->ka_probes++;
    STAT_INC(tcp, keepalive_probe);
    {
        uint32_t saved = pcb->snd_nxt;

        pcb->snd_nxt = pcb->snd_una - 1;
        tcp_send_ack(pcb);
        pcb->snd_nxt = saved;
    }
    timer_arm(&pcb->keepalive_timer, c->ka_intvl_us);
}
