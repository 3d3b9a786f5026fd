/*
 * app.c - the dispatcher of app.h: the table of watched descriptors, one
 * ts_poll() over all of them, and the calls of each ready one's handler.
 * Uses only the socket-like API, so it builds for tapstack and (-DTS_HOST)
 * for echo-host alike.
 */
#include "app.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct watch {
    int fd;
    short events;
    const struct app *app;
};

static struct watch watches[APP_WATCH_MAX];
static int nwatches;
static const struct app *started[APP_MAX];
static int nstarted;
static bool dispatching;
static bool exit_asked;
static int exit_status;

static struct watch *
watch_find(int fd)
{
    for (int i = 0; i < nwatches; i++) {
        if (watches[i].fd == fd)
            return &watches[i];
    }
    return NULL;
}

int
app_watch(const struct app *a, int fd, short events)
{
    struct watch *w = watch_find(fd);

    if (w == NULL) {
        if (nwatches == APP_WATCH_MAX) {
            errno = ENOSPC;
            return -1;
        }
        w = &watches[nwatches++];
    }
    w->fd = fd;
    w->events = events;
    w->app = a;
    return 0;
}

int
app_set_events(int fd, short events)
{
    struct watch *w = watch_find(fd);

    if (w == NULL) {
        errno = ENOENT;
        return -1;
    }
    w->events = events;
    return 0;
}

void
app_unwatch(int fd)
{
    struct watch *w = watch_find(fd);

    if (w)
        *w = watches[--nwatches];          /* order does not matter: fill the hole */
}

int
app_start(const struct app *a)
{
    if (nstarted == APP_MAX) {
        fprintf(stderr, "%s: too many apps (APP_MAX %d)\n", a->name, APP_MAX);
        errno = ENOSPC;
        return -1;
    }
    if (a->start() < 0) {
        int e = errno;

        fprintf(stderr, "%s: cannot start: %s\n", a->name, strerror(e));
        errno = e;
        return -1;
    }
    started[nstarted++] = a;
    return 0;
}

void
app_stop_all(void)
{
    while (nstarted > 0) {
        const struct app *a = started[--nstarted];

        if (a->stop)
            a->stop();
    }
}

int
app_poll(int timeout_ms)
{
    struct pollfd pfd[APP_WATCH_MAX];
    const struct app *owner[APP_WATCH_MAX];
    int n = nwatches, ready;

    if (dispatching) {
        errno = EINVAL;                    /* a handler must return, not loop */
        return -1;
    }
    for (int i = 0; i < n; i++) {
        pfd[i].fd = watches[i].fd;
        pfd[i].events = watches[i].events;
        pfd[i].revents = 0;
        owner[i] = watches[i].app;
    }
    ready = ts_poll(pfd, (nfds_t)n, timeout_ms);
    dispatching = true;
    ts_handler_enter();
    for (int i = 0; ready > 0 && i < n; i++) {
        const struct watch *w = watch_find(pfd[i].fd);

        /* A handler may have unwatched (closed) another app's descriptor meanwhile. */
        if (pfd[i].revents && w && w->app == owner[i])
            owner[i]->handler(pfd[i].fd, pfd[i].revents);
    }
    for (int i = 0; i < nstarted; i++) {
        if (started[i]->tick)
            started[i]->tick();
    }
    ts_handler_leave();
    dispatching = false;
    return ready;
}

void
app_exit(int status)
{
    if (!exit_asked)
        exit_status = status;
    exit_asked = true;
}

bool
app_exit_requested(int *status)
{
    if (exit_asked && status)
        *status = exit_status;
    return exit_asked;
}

int
app_parse_num(const char *s, long lo, long hi, long *out)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(s, &end, 10);
    if (errno || end == s || *end != '\0' || n < lo || n > hi) {
        return -1;
    }
    *out = n;
    return 0;
}
