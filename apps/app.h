/*
 * app.h - how the sample apps share one thread (docs/api.md "Writing an app
 * of your own"), the way several connections share one poll() server.
 *
 * An app is a start function that opens its sockets and hands each one to the
 * dispatcher with app_watch(), plus a handler the dispatcher calls with
 * (descriptor, revents) when one is ready. The main loop calls app_poll(),
 * which gathers every watched descriptor into ONE ts_poll() call and then
 * dispatches. A handler does a bounded amount of work and returns: it never
 * waits (ts_poll() refuses to run inside a handler).
 *
 * Apps use only the socket-like API. Built normally that is stack/socket.h;
 * built with -DTS_HOST it is shim_host.h, which maps every ts_* call to the
 * host's own BSD socket call: the same app then runs on the Linux kernel
 * (hostmain.c, build/<conf>/echo-host).
 */
#ifndef TS_APP_H
#define TS_APP_H

#ifdef TS_HOST
#include "shim_host.h"
#else
#include "../stack/socket.h"
#endif

#include <stdbool.h>
#include <stdint.h>

/*
 * APP_STAT_INC(layer, name): count an app's event (a refusal, a forced close)
 * in the stack's counter table, stats.h, where --stats, SIGUSR1 and /status
 * show it. The host build counts nothing: the kernel's stack has no such table.
 */
#ifdef TS_HOST
#define APP_STAT_INC(layer, name) ((void)0)
#else
#include "../stack/stats.h"
#define APP_STAT_INC(layer, name) STAT_INC(layer, name)
#endif

#define APP_MAX        8        /* apps started at once */
#define APP_WATCH_MAX  2048     /* descriptors watched at once, all apps together */

struct app {
    const char *name;
    /* Open the sockets and app_watch() them. 0, or -1 with errno set. */
    int (*start)(void);
    /* One of this app's descriptors is ready: revents as ts_poll() set them. */
    void (*handler)(int fd, short revents);
    /* Optional: close the sockets (called before the stack goes down). */
    void (*stop)(void);
    /* Optional: called after every turn of the loop (for the app's own timeouts). */
    void (*tick)(void);
};

/* The apps in apps/ (each file defines one). */
extern const struct app echo_app;      /* echo.c: UDP echo, RFC 862 */
extern const struct app discard_app;   /* discard.c: UDP discard, RFC 863 */
extern const struct app client_app;    /* udpclient.c: the --loopback demo client */
extern const struct app tcp_echo_app;     /* stream.c: TCP echo, RFC 862, port 7 */
extern const struct app tcp_discard_app;  /* stream.c: TCP discard, RFC 863, port 9 */
extern const struct app tcp_chargen_app;  /* stream.c: TCP chargen, RFC 864, port 19 */
extern const struct app tcp_client_app;   /* tcpclient.c: --connect */
extern unsigned short tcp_echo_port, tcp_discard_port, tcp_chargen_port;
extern unsigned stream_idle_timeout;     /* s: echo/discard/chargen close an idle connection (60) */
extern unsigned stream_max_conns;        /* connections at once per TCP service (24) */
/* The most sockets the three TCP services can hold: their listeners and stream_max_conns each. */
unsigned stream_sockets_max(void);
extern uint32_t tcp_client_ip;           /* --connect A.B.C.D:PORT, host order */
extern unsigned short tcp_client_port;
extern const char *tcp_client_message;   /* --send TEXT */
extern unsigned short echo_port;       /* 7 unless changed before start */
extern unsigned short discard_port;    /* 9 unless changed before start */

/* Start an app (calls its start); 0, or -1 with errno set and a message printed. */
int app_start(const struct app *a);
/* Stop every started app, last started first. */
void app_stop_all(void);

/* Watch fd for `events` (POLLIN, POLLOUT) on behalf of app a; -1 (ENOSPC) if full. */
int app_watch(const struct app *a, int fd, short events);
/* Change what fd is watched for (e.g. add POLLOUT while output waits). */
int app_set_events(int fd, short events);
/* Stop watching fd (call it before ts_close). */
void app_unwatch(int fd);

/*
 * One turn of the main loop: ts_poll() over every watched descriptor (at
 * most timeout_ms), then each ready descriptor's handler, then every tick.
 * Returns what ts_poll returned (-1 with errno EINTR when a signal came).
 */
int app_poll(int timeout_ms);

/* The decimal number in s, lo to hi, in *out: 0, or -1 if s is not one (empty, trailing
 * bytes, overflow, out of range). The one number parser of the command lines. */
int app_parse_num(const char *s, long lo, long hi, long *out);

/* An app asks the program to end with this exit status (the --loopback client). */
void app_exit(int status);
/* True once an app asked to end; *status gets its exit status. */
bool app_exit_requested(int *status);

#endif
