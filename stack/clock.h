/*
 * clock.h - time, timers and randomness, all replaceable (CONTRIBUTING.md: no
 * hidden time, no hidden randomness).
 *
 * The stack reads time only through clock_now(). In real mode the event loop
 * refreshes it from CLOCK_MONOTONIC each turn; in virtual mode (unit tests,
 * replay) time stands still until clock_advance() moves it, and timers that
 * fall due on the way fire at their exact virtual time.
 */
#ifndef TS_CLOCK_H
#define TS_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define US_PER_MS  ((uint64_t)1000)
#define US_PER_SEC ((uint64_t)1000000)

/* Microseconds since the stack started (real) or since 0 (virtual). */
uint64_t clock_now(void);
void clock_use_virtual(bool on);
bool clock_is_virtual(void);
/* Real mode: read the monotonic clock. Virtual mode: no-op. */
void clock_refresh(void);
/* Virtual mode: move time forward by us, firing due timers in order. */
void clock_advance(uint64_t us);
/* Virtual mode: jump to absolute time t (>= now), firing due timers in order. */
void clock_advance_to(uint64_t t);

/* A one-shot timer. Embed it in the object it belongs to; arm again to repeat. */
struct timer {
    struct timer *next;
    uint64_t expires;
    void (*fn)(void *arg);
    void *arg;
    bool armed;
    const char *name;         /* shown in the trace */
};

void timer_init(struct timer *t, const char *name, void (*fn)(void *), void *arg);
/* (Re)arm to fire `delay_us` from now. */
void timer_arm(struct timer *t, uint64_t delay_us);
void timer_cancel(struct timer *t);
/* Microseconds until the next timer is due (0 if one is due), or UINT64_MAX. */
uint64_t timer_next_delay(void);
/* Fire every timer due at clock_now(); returns how many fired. */
int timer_run_due(void);

/* A seedable generator (xorshift64*): ISNs, ports, the IP ID key. */
void rand_seed(uint64_t seed);
uint32_t rand32(void);
/* The same generator on a caller's own state (seed 0: a fixed state), for a private stream
 * that must not move the draws of rand32(). */
void rand_seed_r(uint64_t *state, uint64_t seed);
uint32_t rand32_r(uint64_t *state);

#endif
