/*
 * impair.c - the impairment stage between the driver and the stack.
 *
 * Each frame, in each direction, meets the dice in a fixed order: drop?
 * corrupt (flip one bit after the Ethernet header, so a checksum catches it)?
 * duplicate? then its delay: the base delay plus jitter, plus an extra hold
 * if it is chosen to be reordered (later frames overtake it). Held frames
 * wait in a queue sorted by release time and come out from a timer.
 */
#include "impair.h"
#include "netif.h"
#include "pkb.h"
#include "clock.h"
#include "stats.h"
#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct impair_dir {
    uint64_t when[IMPAIR_HOLD_MAX];   /* release times, soonest first */
    struct pkb *slot[IMPAIR_HOLD_MAX];
    unsigned n;
    struct timer timer;
    bool out;
    struct netif *nif;
};

struct impair {
    struct impair_config cfg;
    uint64_t rng;
    struct impair_dir in, out;
};

static struct impair impairs[NETIF_MAX];
static int nimpairs;

/* Parsing ------------------------------------------------------------------ */

/* "1%", "0.5%", "0.0001%" -> parts per million. */
static int
parse_pct(const char *v, uint32_t *ppm)
{
    uint64_t whole = 0, frac = 0, scale = 10000;   /* 1% = 10000 ppm */
    int digits = 0;

    if (*v < '0' || *v > '9')
        return -1;
    while (*v >= '0' && *v <= '9') {
        whole = whole * 10 + (uint64_t)(*v++ - '0');
        if (whole > 100)
            return -1;
    }
    if (*v == '.') {
        v++;
        while (*v >= '0' && *v <= '9' && digits < 4) {
            frac = frac * 10 + (uint64_t)(*v++ - '0');
            digits++;
        }
        if (digits == 0)
            return -1;
    }
    if (strcmp(v, "%") != 0)
        return -1;
    while (digits++ < 4)
        frac *= 10;
    *ppm = (uint32_t)(whole * scale + frac);
    return *ppm > 1000000 ? -1 : 0;
}

/* "5ms", "200us", "1s" -> microseconds (at most 10 s). */
static int
parse_time(const char *v, uint64_t *us)
{
    char *end;
    unsigned long long n = strtoull(v, &end, 10);

    if (end == v)
        return -1;
    if (strcmp(end, "us") == 0)
        *us = n;
    else if (strcmp(end, "ms") == 0)
        *us = n * 1000;
    else if (strcmp(end, "s") == 0)
        *us = n * 1000000;
    else
        return -1;
    return *us > 10 * US_PER_SEC ? -1 : 0;
}

int
impair_parse(const char *spec, struct impair_config *c, char *err, size_t errlen)
{
    char buf[256], *tok, *save = NULL;

    memset(c, 0, sizeof(*c));
    c->reorder_us = 2000;
    if (strlen(spec) >= sizeof(buf)) {
        snprintf(err, errlen, "--impair: too long");
        return -1;
    }
    strcpy(buf, spec);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        int bad;

        if (eq == NULL) {
            snprintf(err, errlen, "--impair: '%s' is not NAME=VALUE", tok);
            return -1;
        }
        *eq++ = '\0';
        if (strcmp(tok, "drop") == 0)
            bad = parse_pct(eq, &c->drop_ppm);
        else if (strcmp(tok, "dup") == 0)
            bad = parse_pct(eq, &c->dup_ppm);
        else if (strcmp(tok, "reorder") == 0)
            bad = parse_pct(eq, &c->reorder_ppm);
        else if (strcmp(tok, "corrupt") == 0)
            bad = parse_pct(eq, &c->corrupt_ppm);
        else if (strcmp(tok, "delay") == 0)
            bad = parse_time(eq, &c->delay_us);
        else if (strcmp(tok, "jitter") == 0)
            bad = parse_time(eq, &c->jitter_us);
        else {
            snprintf(err, errlen, "--impair: unknown '%s' (drop, dup, reorder, corrupt, delay, "
                                  "jitter)", tok);
            return -1;
        }
        if (bad) {
            snprintf(err, errlen, "--impair: bad value '%s' for %s (percent like 1%% or 0.5%%, "
                                  "time like 5ms, at most 10s)", eq, tok);
            return -1;
        }
    }
    return 0;
}

/* State -------------------------------------------------------------------- */

static uint32_t
impair_rand(struct impair *im)
{
    im->rng ^= im->rng >> 12;
    im->rng ^= im->rng << 25;
    im->rng ^= im->rng >> 27;
    return (uint32_t)((im->rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* True with probability ppm / 10^6. */
static bool
impair_roll(struct impair *im, uint32_t ppm)
{
    return ppm && impair_rand(im) % 1000000u < ppm;
}

static void impair_release(void *arg);

int
impair_attach(struct netif *nif, const struct impair_config *cfg, uint64_t seed)
{
    struct impair *im;

    if (nimpairs >= NETIF_MAX)
        return TS_ENOMEM;
    im = &impairs[nimpairs++];
    memset(im, 0, sizeof(*im));
    im->cfg = *cfg;
    im->rng = seed ? seed * 0x9e3779b97f4a7c15ull : 0x5eedull;
    im->in.nif = im->out.nif = nif;
    im->out.out = true;
    timer_init(&im->in.timer, "impair-in", impair_release, &im->in);
    timer_init(&im->out.timer, "impair-out", impair_release, &im->out);
    nif->impair = im;
    return TS_OK;
}

static void
impair_flush_dir(struct impair_dir *d)
{
    timer_cancel(&d->timer);
    for (unsigned i = 0; i < d->n; i++)
        pkb_free(d->slot[i]);
    d->n = 0;
}

void
impair_detach_all(void)
{
    for (int i = 0; i < nimpairs; i++) {
        impair_flush_dir(&impairs[i].in);
        impair_flush_dir(&impairs[i].out);
        if (impairs[i].in.nif)
            impairs[i].in.nif->impair = NULL;
    }
    nimpairs = 0;
}

/* Hold p until `when`: insert in release order (a stable sort: equal times keep order). */
static void
impair_hold(struct impair_dir *d, struct pkb *p, uint64_t when)
{
    unsigned i;

    if (d->n == IMPAIR_HOLD_MAX) {
        if (d->out)
            stats_drop_out(p, ST_impair_hold_full);
        else
            stats_drop(p, ST_impair_hold_full);
        return;
    }
    for (i = d->n; i > 0 && d->when[i - 1] > when; i--) {
        d->when[i] = d->when[i - 1];
        d->slot[i] = d->slot[i - 1];
    }
    d->when[i] = when;
    d->slot[i] = p;
    d->n++;
    if (!d->timer.armed || d->timer.expires > d->when[0])
        timer_arm(&d->timer, d->when[0] > clock_now() ? d->when[0] - clock_now() : 0);
}

static void
impair_pass(struct impair_dir *d, struct pkb *p)
{
    if (d->out)
        netif_xmit(d->nif, p);
    else
        netif_deliver(d->nif, p);
}

static void
impair_release(void *arg)
{
    struct impair_dir *d = arg;
    uint64_t now = clock_now();

    while (d->n > 0 && d->when[0] <= now) {
        struct pkb *p = d->slot[0];

        d->n--;
        memmove(&d->when[0], &d->when[1], d->n * sizeof(d->when[0]));
        memmove(&d->slot[0], &d->slot[1], d->n * sizeof(d->slot[0]));
        impair_pass(d, p);
    }
    if (d->n > 0)
        timer_arm(&d->timer, d->when[0] - now);
}

/* The dice for one frame in one direction. */
static bool
impair_frame(struct impair *im, struct impair_dir *d, struct pkb *p)
{
    const struct impair_config *c = &im->cfg;
    const char *dir = d->out ? "out" : "in";
    uint64_t delay = c->delay_us;
    struct pkb *copy = NULL;

    if (impair_roll(im, c->drop_ppm)) {
        TRACE_EV("impair", "%s: frame #%llu dropped", dir, (unsigned long long)p->frame_no);
        if (d->out)
            stats_drop_out(p, ST_impair_dropped);
        else
            stats_drop(p, ST_impair_dropped);
        return true;
    }
    if (impair_roll(im, c->corrupt_ppm) && p->len > 14) {
        uint32_t r = impair_rand(im);
        size_t at = 14 + r % (p->len - 14);

        p->data[at] ^= (uint8_t)(1u << (r >> 29));
        STAT_INC(impair, corrupted);
        TRACE_EV("impair", "%s: frame #%llu: bit flipped at byte %zu", dir,
                 (unsigned long long)p->frame_no, at);
    }
    if (impair_roll(im, c->dup_ppm) && (copy = pkb_clone(p)) != NULL) {
        STAT_INC(impair, duplicated);
        TRACE_EV("impair", "%s: frame #%llu duplicated", dir, (unsigned long long)p->frame_no);
    }
    if (c->jitter_us)
        delay += impair_rand(im) % (c->jitter_us + 1);
    if (impair_roll(im, c->reorder_ppm)) {
        delay += c->reorder_us;
        STAT_INC(impair, reordered);
        TRACE_EV("impair", "%s: frame #%llu held back %llu us (reordered)", dir,
                 (unsigned long long)p->frame_no, (unsigned long long)c->reorder_us);
    }
    if (delay == 0) {                     /* (frames held back are overtaken: reordering) */
        if (copy)
            impair_pass(d, copy);
        return false;                     /* the original goes on its way now */
    }
    impair_hold(d, p, clock_now() + delay);
    if (copy)
        impair_hold(d, copy, clock_now() + delay);
    return true;
}

bool
impair_input(struct netif *nif, struct pkb *p)
{
    struct impair *im = nif->impair;

    return impair_frame(im, &im->in, p);
}

bool
impair_output(struct netif *nif, struct pkb *p)
{
    struct impair *im = nif->impair;

    return impair_frame(im, &im->out, p);
}
