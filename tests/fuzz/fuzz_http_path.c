/*
 * fuzz_http_path.c - libFuzzer target: request paths confined to the document
 * root (apps/http_path.h), with the request parser (apps/http_parse.h) in
 * front as the server has it. Both linked alone, no stack.
 *
 * Input: a request target, any bytes. At start (once per process) a temporary
 * tree is made: TMP/outside/secret.txt, and the root TMP/root with a file, a
 * directory with an index.html, and symlinks leading out of it (to the secret,
 * absolute and relative, to the outside directory, "..", "/", /etc,
 * /proc/self/environ, an index.html pointing out) and one staying inside. Each
 * input is then
 *   1. put on a request line, "GET <input> HTTP/1.1", parsed, its path mapped
 *      with http_path_map() and, if mapped, opened as apps/http.c does
 *      (http_path_open(), then the index of a directory named with a slash);
 *   2. mapped directly (the bytes up to the first NUL), and opened if mapped;
 *   3. opened directly with http_path_open(), without mapping: the kernel's
 *      line (openat2, RESOLVE_BENEATH) must hold alone.
 * abort() when a promise breaks:
 *   - a descriptor that was opened is not beneath the root: readlink of
 *     /proc/self/fd/N is neither the root nor under "root/";
 *   - http_path_map() gives other than 0, -400, -404, -414, or a mapped path
 *     that begins with '/', holds an empty, "." or ".." segment, a control byte
 *     or '\\', or does not fit its room;
 *   - a failed open of a mapped path would be answered 500 (only 404 and 403
 *     are right: nothing beneath a root fails otherwise).
 * The tree is removed at exit.
 */
#define _GNU_SOURCE                         /* mkdtemp, nftw */
#include "../../apps/http_parse.h"
#include "../../apps/http_path.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char tree[64];
static char root_abs[PATH_MAX];
static size_t root_len;
static int root_fd = -1;

static void
fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_http_path: invariant broken: %s [%s]\n", what, detail);
    abort();
}

static void
must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_http_path: cannot build the tree: %s: %s\n", what, strerror(errno));
        exit(1);
    }
}

static void
put(const char *rel, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    f = fopen(p, "w");
    must(f != NULL, p);
    fputs(text, f);
    fclose(f);
}

static void
mk(const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    must(mkdir(p, 0755) == 0, p);
}

static void
ln(const char *target, const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    must(symlink(target, p) == 0, p);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void
tree_remove(void)
{
    if (root_fd >= 0)
        close(root_fd);
    if (tree[0] == '/')
        nftw(tree, rm_one, 16, FTW_DEPTH | FTW_PHYS);   /* never follows the symlinks out */
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char p[256];

    (void)argc;
    (void)argv;
    snprintf(tree, sizeof(tree), "/tmp/tapstack-fuzz-path.XXXXXX");
    must(mkdtemp(tree) != NULL, "mkdtemp");
    atexit(tree_remove);
    mk("outside");
    put("outside/secret.txt", "SECRET\n");
    mk("root");
    put("root/ok.txt", "ok\n");
    mk("root/sub");
    put("root/sub/index.html", "<p>sub</p>\n");
    mk("root/idx");
    snprintf(p, sizeof(p), "%s/outside/secret.txt", tree);
    ln(p, "root/leak");
    ln("../outside/secret.txt", "root/leak_rel");
    ln("../outside", "root/out");
    ln("..", "root/up");
    ln("/", "root/slash");
    ln("/etc", "root/etc");
    ln("/proc/self/environ", "root/environ");
    ln("/proc/self", "root/proc");
    ln("../../outside/secret.txt", "root/sub/deep");
    ln("../../outside/secret.txt", "root/idx/index.html");
    ln("ok.txt", "root/inside");
    ln("../ok.txt", "root/sub/inside_up");
    snprintf(p, sizeof(p), "%s/root", tree);
    must(realpath(p, root_abs) != NULL, "realpath");
    root_len = strlen(root_abs);
    root_fd = open(root_abs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    must(root_fd >= 0, root_abs);
    must(http_path_probe(root_fd) == 0, "openat2 (Linux 5.6 or later)");
    return 0;
}

/* An open descriptor: where it really is must be the root or beneath it. Closes it. */
static void
check_beneath(int fd, const char *how)
{
    char link[64], where[PATH_MAX];
    ssize_t n;

    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    n = readlink(link, where, sizeof(where) - 1);
    if (n < 0)
        fail("readlink of an opened descriptor failed", how);
    where[n] = '\0';
    if (!(strncmp(where, root_abs, root_len) == 0 &&
          (where[root_len] == '\0' || where[root_len] == '/'))) {
        fprintf(stderr, "fuzz_http_path: opened %s (root %s) via %s\n", where, root_abs, how);
        fail("a file outside the root was opened", how);
    }
    close(fd);
}

/* http_path_map's promises about a mapped path (http_path.h). */
static void
check_mapped(const char *rel, size_t cap)
{
    size_t n = strlen(rel), seg = 0;

    if (n == 0 || n >= cap)
        fail("a mapped path that is empty or does not fit", rel);
    if (rel[0] == '/')
        fail("a mapped path that is absolute", rel);
    if (strcmp(rel, ".") == 0)
        return;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = (unsigned char)rel[i];

        if (c != '\0' && (c < 0x20 || c == 0x7f || c == '\\'))
            fail("a control byte or '\\' in a mapped path", rel);
        if (c == '/' || c == '\0') {
            size_t l = i - seg;

            if (l == 0 && !(c == '\0' && i == n && n > 0 && rel[n - 1] == '/'))
                fail("an empty segment (unmerged slashes) in a mapped path", rel);
            if ((l == 1 && rel[seg] == '.') || (l == 2 && rel[seg] == '.' && rel[seg + 1] == '.'))
                fail("a dot segment in a mapped path", rel);
            seg = i + 1;
        }
    }
}

/* Open a mapped path as apps/http.c does; every descriptor checked, errors never 500. */
static void
serve(const char *rel, const char *how)
{
    struct stat st;
    size_t n = strlen(rel);
    int fd = http_path_open(root_fd, rel, &st);

    if (fd >= 0 && S_ISDIR(st.st_mode) && (rel[n - 1] == '/' || strcmp(rel, ".") == 0)) {
        check_beneath(fd, how);
        fd = http_path_open_index(root_fd, rel, &st);
    }
    if (fd >= 0) {
        check_beneath(fd, how);
        return;
    }
    if (http_path_error_status(errno) != 404 && http_path_error_status(errno) != 403) {
        fprintf(stderr, "fuzz_http_path: errno %d (%s) for \"%s\"\n", errno, strerror(errno),
                rel);
        fail("a failed open of a mapped path that would be answered 500 or 503", how);
    }
}

static void
map_and_serve(const char *path, const char *how)
{
    static char rel[HTTP_PATH_MAX];
    int rc = http_path_map(path, rel, sizeof(rel));

    if (rc != 0 && rc != -400 && rc != -404 && rc != -414)
        fail("http_path_map: a result other than 0, -400, -404, -414", how);
    if (rc != 0) {
        if (rel[0] != '\0')
            fail("http_path_map: refused, yet rel is not empty", how);
        return;
    }
    check_mapped(rel, sizeof(rel));
    serve(rel, how);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[HTTP_HEAD_MAX + 64];
    static char path[HTTP_PATH_MAX + 16];
    static struct http_req req;
    struct stat st;
    size_t n;
    int rc, fd;

    /* 1. as the server: the request line, the parser, the mapping, the opening */
    if (size <= HTTP_HEAD_MAX - 64) {
        n = (size_t)snprintf(buf, sizeof(buf), "GET ");
        memcpy(buf + n, data, size);
        n += size;
        n += (size_t)snprintf(buf + n, sizeof(buf) - n, " HTTP/1.1\r\nHost: t\r\n\r\n");
        rc = http_parse_request(buf, n, &req);
        if (rc > 0)
            map_and_serve(req.path, "parsed");
    }
    /* 2. and 3. the bytes up to the first NUL, mapped, then opened with no mapping at all */
    n = size < sizeof(path) - 1 ? size : sizeof(path) - 1;
    memcpy(path, data, n);
    path[n] = '\0';
    map_and_serve(path, "mapped directly");
    fd = http_path_open(root_fd, path, &st);
    if (fd >= 0)
        check_beneath(fd, "opened directly");
    return 0;
}
