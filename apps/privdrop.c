/*
 * privdrop.c - giving up root once the stack is set up (privdrop.h).
 *
 * Root is needed only to attach to the tap (TUNSETIFF on a tap someone else
 * owns) and perhaps to create the pcap files and open the document root.
 * Once those descriptors are open, tapstack reads and writes them and does
 * nothing else that needs a privilege, so, started as root, it becomes an
 * ordinary user, in the order that leaves no way back (groups, then gid,
 * then uid: a non-root uid can no longer change its groups or gid), clears
 * every capability, and then proves it: setuid(0) must fail and the kernel's
 * own account (/proc/self/status) must show no capability left. A check that
 * fails is an error, never a warning: a stack that believes it dropped root
 * but did not is worse than one that refuses to run.
 */
#define _GNU_SOURCE                         /* setresuid, getresuid, setgroups */
#include "privdrop.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <stdbool.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int
priv_lookup(const char *name, struct priv_user *u, char *err, size_t errlen)
{
    struct passwd *pw;

    if (name[0] == '\0' || strlen(name) >= sizeof(u->name)) {
        snprintf(err, errlen, "--user '%.64s': no such user", name);
        return -1;
    }
    errno = 0;
    pw = getpwnam(name);
    if (pw == NULL) {
        /* getpwnam leaves errno 0 (or ENOENT, ESRCH, ...) for "not there". */
        if (errno == 0 || errno == ENOENT || errno == ESRCH || errno == EBADF || errno == EPERM)
            snprintf(err, errlen, "--user %s: no such user", name);
        else
            snprintf(err, errlen, "--user %s: cannot look the user up: %s", name,
                     strerror(errno));
        return -1;
    }
    snprintf(u->name, sizeof(u->name), "%s", name);
    u->uid = pw->pw_uid;
    u->gid = pw->pw_gid;
    return 0;
}

/* Clear the effective, permitted and inheritable sets (and so the ambient one); lowering
 * them needs no privilege. The bounding set stays: without CAP_SETPCAP it cannot change,
 * and with nothing permitted and no exec it gives nothing back. */
static int
caps_clear(void)
{
    struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];

    memset(d, 0, sizeof(d));
    return (int)syscall(SYS_capset, &h, d);
}

/* Parse one "CapXxx:\t<hex>" value: 1 to 16 hex digits and the end of the line, nothing else
 * (no sign, no 0x, no overflow); -1 otherwise. */
static int
cap_value(const char *s, uint64_t *v)
{
    int n = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    *v = 0;
    for (; n <= 16; s++, n++) {
        int d;

        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (*s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (*s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            break;
        *v = (*v << 4) | (uint64_t)d;
    }
    if (n < 1 || n > 16 || (*s != '\n' && *s != '\0'))
        return -1;
    return 0;
}

int
priv_caps_zero(FILE *status)
{
    char line[256];
    uint64_t eff = 0, prm = 0;
    bool have_eff = false, have_prm = false;

    while (fgets(line, sizeof(line), status)) {
        if (strncmp(line, "CapEff:", 7) == 0) {
            if (cap_value(line + 7, &eff) < 0)
                return -1;
            have_eff = true;
        } else if (strncmp(line, "CapPrm:", 7) == 0) {
            if (cap_value(line + 7, &prm) < 0)
                return -1;
            have_prm = true;
        }
    }
    if (!have_eff || !have_prm)
        return -1;
    return eff == 0 && prm == 0;
}

/* The kernel's own account of our capabilities: 0 if none is left, else -1 and why. */
static int
check_no_caps(char *err, size_t errlen)
{
    FILE *f = fopen("/proc/self/status", "r");
    int r;

    if (f == NULL) {
        snprintf(err, errlen, "cannot read /proc/self/status to check the capabilities: %s",
                 strerror(errno));
        return -1;
    }
    r = priv_caps_zero(f);
    fclose(f);
    if (r < 0) {
        snprintf(err, errlen, "no CapEff/CapPrm lines in /proc/self/status to check");
        return -1;
    }
    if (r == 0) {
        snprintf(err, errlen, "capabilities left after the drop (CapEff/CapPrm not zero)");
        return -1;
    }
    return 0;
}

/* Not root: nothing to switch, but a binary with file capabilities (setcap) or ambient ones
 * still holds them: the tap is open, so let them go too. */
static int
drop_caps_only(char *err, size_t errlen)
{
    if (caps_clear() < 0) {
        snprintf(err, errlen, "cannot clear the capabilities: %s", strerror(errno));
        return -1;
    }
    return check_no_caps(err, errlen);
}

int
priv_drop(const struct priv_user *u, enum priv_mode *mode, char *err, size_t errlen)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg;

    if (geteuid() != 0) {
        *mode = PRIV_UNPRIVILEGED;
        return drop_caps_only(err, errlen);
    }
    if (u->uid == 0) {
        *mode = PRIV_KEPT_ROOT;            /* asked for: --user root */
        return 0;
    }
    *mode = PRIV_DROPPED;
    if (u->gid == 0) {
        snprintf(err, errlen, "--user %s: its group is 0 (root's); choose a user with its own "
                              "group", u->name);
        return -1;
    }
    /* Groups first, then gid, then uid: each step needs the privilege the next one removes. */
    if (setgroups(0, NULL) < 0) {
        snprintf(err, errlen, "cannot clear the supplementary groups: %s", strerror(errno));
        return -1;
    }
    if (setresgid(u->gid, u->gid, u->gid) < 0) {
        snprintf(err, errlen, "cannot set gid %u: %s", (unsigned)u->gid, strerror(errno));
        return -1;
    }
    if (setresuid(u->uid, u->uid, u->uid) < 0) {
        snprintf(err, errlen, "cannot set uid %u: %s", (unsigned)u->uid, strerror(errno));
        return -1;
    }
    /* The stack never executes anything; this makes sure nothing it runs could regain root
     * through a set-uid binary or file capabilities. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
        snprintf(err, errlen, "cannot set no_new_privs: %s", strerror(errno));
        return -1;
    }
    /* A uid change from 0 clears the capabilities, unless securebits (SECBIT_KEEP_CAPS,
     * SECBIT_NO_SETUID_FIXUP) say otherwise: clear them explicitly. */
    if (drop_caps_only(err, errlen) < 0)
        return -1;

    /* Prove it. */
    if (setuid(0) == 0 || errno != EPERM) {
        snprintf(err, errlen, "setuid(0) still succeeds after dropping to %s", u->name);
        return -1;
    }
    if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
        ru != u->uid || eu != u->uid || su != u->uid ||
        rg != u->gid || eg != u->gid || sg != u->gid) {
        snprintf(err, errlen, "uid/gid are not %u/%u after the drop", (unsigned)u->uid,
                 (unsigned)u->gid);
        return -1;
    }
    if (getgroups(0, NULL) != 0) {
        snprintf(err, errlen, "supplementary groups left after the drop");
        return -1;
    }
    return 0;
}

int
priv_check_dir(int dirfd, const char *path, char *err, size_t errlen)
{
    struct stat st;

    /* The descriptor was opened before the drop (its parents may be closed to us, as a
     * clone under /root is); what matters is that we can look names up in it and read. */
    if (faccessat(dirfd, ".", R_OK | X_OK, 0) < 0) {
        int e = errno;

        if (fstat(dirfd, &st) == 0)
            snprintf(err, errlen, "document root %s: not readable by uid %u (mode %04o, "
                     "owner uid %u): chmod o+rx it, or give another --http-root or --user",
                     path, (unsigned)geteuid(), (unsigned)(st.st_mode & 07777),
                     (unsigned)st.st_uid);
        else
            snprintf(err, errlen, "document root %s: not readable by uid %u: %s", path,
                     (unsigned)geteuid(), strerror(e));
        return -1;
    }
    if (faccessat(dirfd, "index.html", R_OK, 0) < 0 && errno != ENOENT) {
        snprintf(err, errlen, "document root %s: index.html not readable by uid %u: %s", path,
                 (unsigned)geteuid(), strerror(errno));
        return -1;
    }
    return 0;
}
