/*
 * http_path.h - from a request's path to a file beneath the document root,
 * and nowhere else. Two halves, apart from the connection handling of
 * apps/http.c so that each is unit-tested and fuzzed alone:
 *
 *   http_path_map()   pure: the decoded path (struct http_req.path) checked
 *                     and turned into a path relative to the root, or the
 *                     status that refuses it (400, 404, 414);
 *   http_path_open()  the kernel's half: openat2(2) with RESOLVE_BENEATH |
 *                     RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV, so that no
 *                     symlink or ".." inside the root leads out of it.
 *
 * Repeated slashes are merged, as nginx does with its default
 * `merge_slashes on`: "//etc/passwd" names "etc/passwd" under the root.
 */
#ifndef TS_HTTP_PATH_H
#define TS_HTTP_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define HTTP_NAME_MAX 255           /* one segment, NAME_MAX: a longer one names no file (404) */

/*
 * Map a decoded request path (NUL-terminated, as struct http_req.path) to a
 * path relative to the document root, written to rel (room for cap bytes):
 * its segments joined by single slashes (repeated slashes merged), no leading
 * slash, a trailing slash kept if the path had one, "." for the root itself.
 * 0, or minus a status (rel is then ""):
 *   -400  not beginning with '/', a control byte (C0, DEL, or C1 as UTF-8),
 *         '\\', a "." or ".." segment, bytes that are not valid UTF-8
 *         (overlong forms such as C0 AF, surrogates, above U+10FFFF, cut short)
 *   -404  a segment longer than HTTP_NAME_MAX: no file has that name
 *   -414  the path is HTTP_PATH_MAX bytes or longer, or rel does not fit in cap
 */
int http_path_map(const char *path, char *rel, size_t cap);

/*
 * Open rel (from http_path_map) beneath the directory root_fd, read-only and
 * non-blocking, and fstat it into *st: the descriptor, or -1 with errno set.
 * Never leaves the root: an absolute path, a ".." above it, a symlink leading
 * out of it (EXDEV), any /proc magic link (ELOOP) or another mount (EXDEV)
 * fails. ENOSYS on a kernel without openat2 (before 5.6).
 */
int http_path_open(int root_fd, const char *rel, struct stat *st);

/* The same for the index.html of directory rel ("." for the root): rel/index.html. */
int http_path_open_index(int root_fd, const char *rel, struct stat *st);

/*
 * Whether openat2 works on this kernel, tried once on root_fd ("."): 0, or
 * -1 with errno (ENOSYS before Linux 5.6, or a seccomp filter that forbids it).
 */
int http_path_probe(int root_fd);

/*
 * Whether an absolute, symlink-free path (realpath(3)) may be a document
 * root: not "/" itself, nor /proc, /dev or /sys or anything under them.
 */
bool http_path_root_allowed(const char *abs);

/*
 * What a failed http_path_open means for the client: 404 for no such file
 * and for anything that would leave the root (EXDEV, ELOOP: never reveal
 * what lies outside it), 403 for EACCES/EPERM, 503 for EMFILE/ENFILE/ENOMEM,
 * 500 for anything else.
 */
int http_path_error_status(int err);

#endif
