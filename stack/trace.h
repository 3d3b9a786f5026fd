/*
 * trace.h - the readable trace: one line per frame per layer, in and out,
 * and one line with the reason for every drop.
 *
 *   #12   0.004211 tap0 <  eth  0a:1b:..:01 > 02:74:73:00:00:02 IPv4 len 98
 *   #12   0.004211 tap0 <  ipv4 10.0.0.1 > 10.0.0.2 ICMP ttl 64 id 4711 len 84
 *   #12   0.004211 tap0 <  icmp echo request id 17 seq 1 len 56
 *   #13   0.004230 tap0  > icmp echo reply id 17 seq 1 len 56
 *   #14   0.009000 tap0 <  drop ipv4: bad header checksum (RFC 1122 3.2.1.2)
 *
 * A frame gets its number when it arrives (netif_input) or when the first
 * layer traces it on the way out; a buffer reused for a reply is renumbered.
 * TRACE() costs one branch when tracing is off.
 */
#ifndef TS_TRACE_H
#define TS_TRACE_H

#include <stdbool.h>
#include <stdio.h>

struct pkb;

extern bool trace_on;
extern FILE *trace_out;

/* Give a frame its number (called by netif_input/netif_output). */
void trace_number(struct pkb *p);

/* One line for layer `layer` of frame p; dir '<' in, '>' out. */
void trace_line(struct pkb *p, char dir, const char *layer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define TRACE_IN(p, layer, ...) \
    do { if (trace_on) trace_line((p), '<', (layer), __VA_ARGS__); } while (0)
#define TRACE_OUT(p, layer, ...) \
    do { if (trace_on) trace_line((p), '>', (layer), __VA_ARGS__); } while (0)

/* Trace an event not tied to a frame (timer, ARP retry, ...). */
void trace_event(const char *layer, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define TRACE_EV(layer, ...) \
    do { if (trace_on) trace_event((layer), __VA_ARGS__); } while (0)

#endif
