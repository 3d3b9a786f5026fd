/*
 * impair.h - seeded, reproducible impairment of an interface: drop,
 * duplicate, reorder, delay with jitter, corrupt, in both directions.
 *
 * The kernel here has no netem, so the stack brings its own. Every decision
 * comes from a generator seeded with --seed and is written to the trace, so a
 * failing lossy run can be re-run exactly. Off by default; when off the only
 * cost is one NULL test in netif_input/netif_output.
 */
#ifndef TS_IMPAIR_H
#define TS_IMPAIR_H

#include "ts.h"

#define IMPAIR_HOLD_MAX 256       /* frames held for delay/reorder per direction */

struct netif;
struct pkb;

struct impair_config {
    uint32_t drop_ppm;            /* probabilities in parts per million */
    uint32_t dup_ppm;
    uint32_t reorder_ppm;
    uint32_t corrupt_ppm;
    uint64_t delay_us;            /* added to every frame */
    uint64_t jitter_us;           /* plus uniform 0..jitter */
    uint64_t reorder_us;          /* extra hold for a reordered frame (default 2 ms) */
};

/*
 * Parse "drop=1%,dup=0.5%,reorder=1%,delay=5ms,jitter=1ms,corrupt=0.1%".
 * Percentages may have up to 4 decimals; times take us, ms or s. Returns 0,
 * or -1 with a one-line reason in err.
 */
int impair_parse(const char *spec, struct impair_config *cfg, char *err, size_t errlen);
/* Switch impairment on for nif with its own generator seeded by seed. TS_ENOMEM if no slot. */
int impair_attach(struct netif *nif, const struct impair_config *cfg, uint64_t seed);
/* Release held frames and detach (shutdown). */
void impair_detach_all(void);

/* Hooks (netif.c): true if the impairment took the frame (dropped or holds it). */
bool impair_input(struct netif *nif, struct pkb *p);
bool impair_output(struct netif *nif, struct pkb *p);

#endif
