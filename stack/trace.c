/*
 * trace.c - prints the trace lines described in trace.h, and names errors.
 */
#include "trace.h"
#include "pkb.h"
#include "netif.h"
#include "clock.h"
#include "stats.h"

#include <stdarg.h>
#include <stdio.h>

bool trace_on;
FILE *trace_out;
static uint64_t next_frame_no = 1;

void
trace_number(struct pkb *p)
{
    if (p->frame_no == 0)
        p->frame_no = next_frame_no++;
}

static void
trace_prefix(uint64_t frame_no, const char *ifname, char dir)
{
    uint64_t t = clock_now();
    FILE *f = trace_out ? trace_out : stdout;

    if (frame_no)
        fprintf(f, "#%-5llu", (unsigned long long)frame_no);
    else
        fprintf(f, "%-6s", "");
    fprintf(f, " %4llu.%06llu %-5s %s ", (unsigned long long)(t / US_PER_SEC),
            (unsigned long long)(t % US_PER_SEC), ifname,
            dir == '<' ? "< " : dir == '>' ? " >" : "--");
}

void
trace_line(struct pkb *p, char dir, const char *layer, const char *fmt, ...)
{
    FILE *f = trace_out ? trace_out : stdout;
    va_list ap;

    trace_number(p);
    trace_prefix(p->frame_no, p->nif ? p->nif->name : "-", dir);
    fprintf(f, "%-5s ", layer);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

void
trace_event(const char *layer, const char *fmt, ...)
{
    FILE *f = trace_out ? trace_out : stdout;
    va_list ap;

    trace_prefix(0, "-", '-');
    fprintf(f, "%-5s ", layer);
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

const char *
ts_strerror(int err)
{
    switch (err) {
    case TS_OK:       return "ok";
    case TS_ETRUNC:   return "truncated";
    case TS_EBADLEN:  return "bad length field";
    case TS_EBADSUM:  return "bad checksum";
    case TS_EBADVER:  return "bad version or header length";
    case TS_ENOMEM:   return "out of buffers";
    case TS_ENOROUTE: return "no route";
    case TS_EINVAL:   return "invalid argument";
    case TS_EBADVAL:  return "bad field value";
    case TS_EIO:      return "driver error";
    case TS_EMSGSIZE: return "message too long";
    case TS_EAGAIN:   return "try again";
    case TS_ECONNREFUSED: return "connection refused";
    case TS_ECONNRESET:   return "connection reset";
    case TS_ETIMEDOUT:    return "timed out";
    case TS_ENOTCONN:     return "not connected";
    case TS_EISCONN:      return "already connected";
    case TS_EADDRINUSE:   return "address in use";
    case TS_EPIPE:        return "broken pipe";
    case TS_EINPROGRESS:  return "in progress";
    case TS_EALREADY:     return "already in progress";
    default:          return "unknown error";
    }
}
