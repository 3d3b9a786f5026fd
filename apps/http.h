/*
 * http.h - the HTTP server app (apps/http.c) and its options. Set the
 * variables before app_start(&http_app); tapstack.c and httphost.c map
 * their command-line options onto them.
 */
#ifndef TS_HTTP_H
#define TS_HTTP_H

#include "app.h"

extern const struct app http_app;       /* http.c: HTTP/1.1, GET/HEAD, /status */
extern unsigned short http_port;        /* 80 unless changed before start */
extern const char *http_root;           /* document root (default: the repo's apps/www) */
extern unsigned http_idle_timeout;      /* seconds before an idle connection is closed (10) */
extern unsigned http_max_conns;         /* connections served at once (48, 1..1024) */
extern unsigned http_min_rate;          /* bytes/s a response must average, 0: off (1024) */
extern unsigned http_min_rate_window;   /* s, the window of that average (10, 2..60) */

/* Let clients in net/prefix (host order) read /status; none may until one is added.
 * 0, or -1 (ENOSPC) when 16 are there. */
int http_status_allow(uint32_t net, unsigned prefix);

/* The open document root directory (-1 if none): tapstack checks it after dropping root. */
int http_root_dirfd(void);

#endif
