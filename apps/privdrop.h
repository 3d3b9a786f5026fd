/*
 * privdrop.h - giving up root once the stack is set up (apps/privdrop.c).
 *
 * The tap, the pcap files, the HTTP document root and the listening sockets
 * are opened first; after that the stack needs no privilege at all. Started
 * as root, tapstack becomes an ordinary user (--user, default "nobody"), as
 * `tcpdump -Z` does, and checks that it cannot come back.
 */
#ifndef TS_PRIVDROP_H
#define TS_PRIVDROP_H

#include <stdio.h>
#include <sys/types.h>

#define PRIV_USER_DEFAULT "nobody"

/* The user to become, looked up before anything is opened. */
struct priv_user {
    char name[64];
    uid_t uid;
    gid_t gid;
};

/* What priv_drop did (the ready line says which). */
enum priv_mode {
    PRIV_DROPPED,           /* started as root: now the user, no group, no capability */
    PRIV_KEPT_ROOT,         /* started as root with a uid-0 --user: nothing given up */
    PRIV_UNPRIVILEGED,      /* not started as root: nothing to drop but capabilities */
};

/* Find user NAME in the password database; -1 with a one-line reason in err. */
int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errlen);

/* Become u if running as root: groups cleared, gid then uid, capabilities cleared, checked. */
int priv_drop(const struct priv_user *u, enum priv_mode *mode, char *err, size_t errlen);

/* 1 if CapEff and CapPrm in a /proc/PID/status text are zero, 0 if not, -1 if absent. */
int priv_caps_zero(FILE *status);

/* The document root (an open directory) is usable by the current user: searchable, and its
 * index.html, if any, readable. -1 with a one-line reason naming path in err. */
int priv_check_dir(int dirfd, const char *path, char *err, size_t errlen);

#endif
