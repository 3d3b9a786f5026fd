/*
 * capture.h - a driver for unit tests: the test injects received frames and
 * reads back the frames the stack sent, with no device and no root.
 */
#ifndef TS_CAPTURE_H
#define TS_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#define CAPTURE_MAX_FRAMES 64

struct netif;

/* Register a capture interface with this MAC; NULL if no slot. */
struct netif *capture_create(const char *name, const uint8_t mac[6]);
/* Hand a frame to the stack as if it had arrived (one netif_input call). */
void capture_inject(struct netif *nif, const uint8_t *frame, size_t len);
/* Frames sent and not yet popped. */
size_t capture_count(void);
/* Take the oldest sent frame into buf; returns its length, or 0 when none is left. */
size_t capture_pop(uint8_t *buf, size_t cap);
/* Forget every sent frame. */
void capture_clear(void);

#endif
