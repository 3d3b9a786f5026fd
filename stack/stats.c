/*
 * stats.c - counter storage, the drop path and the netstat -s style dump.
 */
#include "stats.h"
#include "pkb.h"
#include "netif.h"
#include "trace.h"

#include <string.h>

uint64_t stats_ctr[ST_COUNT];

const struct stat_desc stats_desc[ST_COUNT] = {
#define STAT_DESC(layer, name, desc, rfc) { #layer, #name, desc, rfc },
    STATS_TABLE(STAT_DESC)
#undef STAT_DESC
};

static void
stats_drop_dir(struct pkb *p, enum stat_id id, char dir)
{
    const struct stat_desc *d = &stats_desc[id];

    stats_ctr[id]++;
    if (trace_on && p) {
        if (d->rfc[0])
            trace_line(p, dir, "drop", "%s: %s (%s)", d->layer, d->desc, d->rfc);
        else
            trace_line(p, dir, "drop", "%s: %s", d->layer, d->desc);
    }
    pkb_free(p);
}

void
stats_drop(struct pkb *p, enum stat_id id)
{
    stats_drop_dir(p, id, '<');
}

void
stats_drop_out(struct pkb *p, enum stat_id id)
{
    stats_drop_dir(p, id, '>');
}

void
stats_reset(void)
{
    memset(stats_ctr, 0, sizeof(stats_ctr));
}

void
stats_dump(FILE *f, int only_nonzero)
{
    fprintf(f, "pkb.in_use %zu\n", pkb_in_use());
    fprintf(f, "pkb.total %zu\n", pkb_total());
    for (int i = 0; i < ST_COUNT; i++) {
        if (only_nonzero && stats_ctr[i] == 0)
            continue;
        fprintf(f, "%s.%s %llu\n", stats_desc[i].layer, stats_desc[i].name,
                (unsigned long long)stats_ctr[i]);
    }
}
