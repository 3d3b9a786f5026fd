/*
 * clock.c - the clock interface, a sorted list of timers, and the seedable
 * random source. A sorted singly linked list keeps arm/cancel/run readable;
 * the stack has tens of timers, not thousands.
 */
#include "clock.h"
#include "trace.h"

#include <time.h>

static uint64_t now_us;
static bool virtual_clock;
static uint64_t real_base_ns;
static struct timer *timers;          /* sorted by expiry, soonest first */

static uint64_t
mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t
clock_now(void)
{
    return now_us;
}

void
clock_use_virtual(bool on)
{
    virtual_clock = on;
    now_us = 0;
    real_base_ns = mono_ns();
}

bool
clock_is_virtual(void)
{
    return virtual_clock;
}

void
clock_refresh(void)
{
    if (virtual_clock)
        return;
    if (real_base_ns == 0)
        real_base_ns = mono_ns();
    now_us = (mono_ns() - real_base_ns) / 1000u;
}

void
clock_advance_to(uint64_t t)
{
    if (!virtual_clock || t < now_us)
        return;
    /* Stop at each timer's own expiry so it sees its exact time. */
    while (timers && timers->expires <= t) {
        if (timers->expires > now_us)
            now_us = timers->expires;
        timer_run_due();
    }
    now_us = t;
}

void
clock_advance(uint64_t us)
{
    clock_advance_to(now_us + us);
}

void
timer_init(struct timer *t, const char *name, void (*fn)(void *), void *arg)
{
    t->next = NULL;
    t->expires = 0;
    t->fn = fn;
    t->arg = arg;
    t->armed = false;
    t->name = name;
}

void
timer_cancel(struct timer *t)
{
    struct timer **pp;

    if (!t->armed)
        return;
    for (pp = &timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = false;
}

void
timer_arm(struct timer *t, uint64_t delay_us)
{
    struct timer **pp;

    timer_cancel(t);
    t->expires = now_us + delay_us;
    /* Insert after timers with the same expiry: equal timers fire in arm order. */
    for (pp = &timers; *pp && (*pp)->expires <= t->expires; pp = &(*pp)->next)
        ;
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

uint64_t
timer_next_delay(void)
{
    if (timers == NULL)
        return UINT64_MAX;
    return timers->expires <= now_us ? 0 : timers->expires - now_us;
}

int
timer_run_due(void)
{
    int n = 0;

    while (timers && timers->expires <= now_us) {
        struct timer *t = timers;

        timers = t->next;
        t->next = NULL;
        t->armed = false;
        TRACE_EV("timer", "%s fires", t->name ? t->name : "?");
        t->fn(t->arg);          /* may re-arm itself */
        n++;
    }
    return n;
}

static uint64_t rand_state = 0x9e3779b97f4a7c15ull;

void
rand_seed_r(uint64_t *state, uint64_t seed)
{
    *state = seed ? seed : 0x9e3779b97f4a7c15ull;     /* a zero state would stay zero */
}

uint32_t
rand32_r(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

void
rand_seed(uint64_t seed)
{
    rand_seed_r(&rand_state, seed);
}

uint32_t
rand32(void)
{
    return rand32_r(&rand_state);
}
