/*
 * status_page.h - the stack's live state as one page, in HTML or in plain
 * text: interfaces, ARP cache, routes, TCP control blocks (state, sequence
 * variables, windows, queues), UDP sockets, pools, and every counter of
 * stats.h that is not zero, grouped by layer. The HTTP server's /status
 * (apps/http.c) serves it; anything else that wants a snapshot may call it.
 * Part of tapstack's HTTP app, not of the stack (http-host has no such page).
 */
#ifndef TS_STATUS_PAGE_H
#define TS_STATUS_PAGE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Render the page into buf (cap bytes; always NUL-terminated when cap > 0).
 * Returns the length the whole page needs, without the NUL, as snprintf
 * does: a result >= cap means it was cut short. Reads the stack's tables and
 * changes nothing; call it between loop turns (e.g. from an app handler).
 */
size_t status_page_render(char *buf, size_t cap, bool html);

#endif
