/*
 * http_path.c - a request path confined to the document root (http_path.h).
 *
 * Two lines of defence, each enough alone for what it covers:
 *   1. http_path_map() refuses any path that is not plain: dot segments,
 *      control bytes, backslashes, invalid UTF-8 (RFC 3629), and merges
 *      repeated slashes so that no absolute path reaches the kernel;
 *   2. http_path_open() resolves with openat2(2) and RESOLVE_BENEATH, so the
 *      kernel itself refuses whatever would leave the root: "..", absolute
 *      symlinks, symlinks to ".." (EXDEV), /proc magic links (ELOOP), other
 *      mounts (EXDEV), whatever line 1 missed or the root's contents hold.
 * There is no fallback to openat(2): a kernel without openat2 serves no file.
 */
#define _GNU_SOURCE                         /* syscall() */
#include "http_path.h"
#include "http_parse.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>                  /* struct open_how: glibc 2.36 has no wrapper */
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Mapping: pure ----------------------------------------------------------- */

/*
 * The length of the valid UTF-8 sequence at s (RFC 3629 4), 0 if it is not
 * one: overlong forms (C0 AF is an old way to spell '/'), surrogates
 * (ED A0..BF), code points above U+10FFFF, a sequence cut short by the NUL.
 */
static size_t
utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;                      /* below: overlong */
        else if (c == 0xed)
            hi = 0x9f;                      /* above: UTF-16 surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;                      /* below: overlong */
        else if (c == 0xf4)
            hi = 0x8f;                      /* above: beyond U+10FFFF */
    } else {
        return 0;                           /* 80..C1 (continuation, overlong), F5..FF */
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf)
            return 0;                       /* also stops at the NUL: never reads past it */
    }
    return n;
}

/* 0, or -400 if path holds a byte or character that no file name here may hold. */
static int
check_bytes(const unsigned char *p)
{
    while (*p) {
        size_t n;

        if (*p < 0x20 || *p == 0x7f || *p == '\\')
            return -400;                    /* C0 controls, DEL; '\\' is a separator elsewhere */
        n = utf8_len(p);
        if (n == 0)
            return -400;
        if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
            return -400;                    /* U+0080..U+009F: the C1 controls */
        p += n;
    }
    return 0;
}

int
http_path_map(const char *path, char *rel, size_t cap)
{
    size_t len, j = 0, i;
    bool any = false;
    int rc;

    if (cap == 0)
        return -414;
    rel[0] = '\0';
    len = strnlen(path, HTTP_PATH_MAX);
    if (len >= HTTP_PATH_MAX)
        return -414;
    if (path[0] != '/')
        return -400;                        /* RFC 9112 3.2.1: absolute-path begins with '/' */
    rc = check_bytes((const unsigned char *)path);
    if (rc < 0)
        return rc;
    /*
     * Segment by segment. Empty segments (repeated slashes) are dropped, as
     * nginx's merge_slashes does: "//etc/passwd" is "etc/passwd" under the root.
     */
    for (i = 0; i < len;) {
        size_t s, n;

        while (i < len && path[i] == '/')
            i++;
        s = i;
        while (i < len && path[i] != '/')
            i++;
        n = i - s;
        if (n == 0)
            break;                          /* the end: trailing slashes only */
        /* RFC 3986 3.3: "." and ".." are dot-segments: refused, never resolved */
        if ((n == 1 && path[s] == '.') || (n == 2 && path[s] == '.' && path[s + 1] == '.')) {
            rel[0] = '\0';
            return -400;
        }
        if (n > HTTP_NAME_MAX) {
            rel[0] = '\0';
            return -404;
        }
        if (j + (any ? 1 : 0) + n >= cap) {
            rel[0] = '\0';
            return -414;
        }
        if (any)
            rel[j++] = '/';
        memcpy(rel + j, path + s, n);
        j += n;
        any = true;
    }
    if (!any) {
        if (cap < 2)
            return -414;
        rel[j++] = '.';                     /* the root itself */
    } else if (path[len - 1] == '/') {
        if (j + 1 >= cap) {
            rel[0] = '\0';
            return -414;
        }
        rel[j++] = '/';                     /* "dir/": its index, not a redirect */
    }
    rel[j] = '\0';
    return 0;
}

bool
http_path_root_allowed(const char *abs)
{
    static const char *const banned[] = { "/proc", "/dev", "/sys" };

    if (abs[0] != '/' || abs[1] == '\0')
        return false;                       /* "/": the whole machine */
    for (size_t i = 0; i < sizeof(banned) / sizeof(banned[0]); i++) {
        size_t n = strlen(banned[i]);

        if (strncmp(abs, banned[i], n) == 0 && (abs[n] == '\0' || abs[n] == '/'))
            return false;
    }
    return true;
}

int
http_path_error_status(int err)
{
    switch (err) {
    case ENOENT:
    case ENOTDIR:
    case ELOOP:                             /* a magic link, or too many symlinks */
    case EXDEV:                             /* would leave the root or cross a mount */
    case ENAMETOOLONG:
    case ENOSYS:                            /* no openat2: no file at all */
        return 404;
    case EACCES:
    case EPERM:
        return 403;
    case EMFILE:
    case ENFILE:
    case ENOMEM:
        return 503;                         /* RFC 9110 15.6.4: temporary; Retry-After says when */
    default:
        return 500;
    }
}

/* Opening: the kernel keeps us beneath the root ---------------------------- */

static int
openat2_beneath(int dirfd, const char *rel, int flags)
{
    struct open_how how;

    memset(&how, 0, sizeof(how));           /* openat2 refuses unknown (non-zero) fields */
    how.flags = (unsigned long long)flags;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

int
http_path_open(int root_fd, const char *rel, struct stat *st)
{
    /* O_NONBLOCK: a FIFO must not hang the server (it is refused as not regular anyway) */
    int fd = openat2_beneath(root_fd, rel, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

    if (fd >= 0 && fstat(fd, st) < 0) {
        int e = errno;

        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int
http_path_open_index(int root_fd, const char *rel, struct stat *st)
{
    char path[HTTP_PATH_MAX + sizeof("/index.html")];
    size_t n = strlen(rel);
    int w;

    /* "." -> "./index.html", "dir/" -> "dir/index.html", "dir" -> "dir/index.html" */
    w = snprintf(path, sizeof(path), "%s%sindex.html", rel, n > 0 && rel[n - 1] == '/' ? "" : "/");
    if (w < 0 || (size_t)w >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return http_path_open(root_fd, path, st);
}

int
http_path_probe(int root_fd)
{
    int fd = openat2_beneath(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}
