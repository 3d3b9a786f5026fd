/*
 * test_http_path.c - request paths confined to the document root
 * (apps/http_path.c), alone: no stack.
 *
 *   map     a table of hostile request targets, each through the request
 *           parser (apps/http_parse.c) and http_path_map() as the server
 *           does: the status it gets or the path it names under the root;
 *           then http_path_map() alone on decoded paths the parser would
 *           never give it (a second line of defence), and its room limits;
 *   open    http_path_open() on a temporary tree (mkdtemp) holding symlinks
 *           to a file and a directory outside it, absolute ones, ".."
 *           symlinks, an index.html leading out, /proc magic links: each is
 *           refused with an errno the server answers 404; what stays inside
 *           opens; a kernel without openat2 (faked by a seccomp filter in a
 *           child process) gets ENOSYS and no file.
 */
#define _GNU_SOURCE                         /* mkdtemp, syscall */
#include <check.h>
#include "suites.h"

#include "../../apps/http_parse.h"
#include "../../apps/http_path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND_H 1
#endif
#endif

/* Mapping ----------------------------------------------------------------- */

/*
 * A target as the server maps it: "GET <target> HTTP/1.1" parsed, then its
 * decoded path mapped. 0 and rel, or the status (400, 404, 414) it gets.
 */
static int
map_target(const char *target, char *rel, size_t cap)
{
    static char buf[HTTP_HEAD_MAX];
    static struct http_req req;
    int n, rc;

    n = snprintf(buf, sizeof(buf), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
    ck_assert_int_lt(n, (int)sizeof(buf));
    rel[0] = '\0';
    rc = http_parse_request(buf, (size_t)n, &req);
    if (rc < 0)
        return -rc;
    ck_assert_int_eq(rc, n);
    rc = http_path_map(req.path, rel, cap);
    return rc < 0 ? -rc : 0;
}

static const struct {
    const char *target;       /* as sent on the request line */
    int status;               /* 0: mapped to rel */
    const char *rel;
} hostile[] = {
    /* repeated slashes: merged (nginx merge_slashes), never an absolute path */
    { "//etc/passwd", 0, "etc/passwd" },
    { "///etc/passwd", 0, "etc/passwd" },
    { "//etc//passwd//", 0, "etc/passwd/" },
    { "/a///b", 0, "a/b" },
    { "//", 0, "." },
    { "/", 0, "." },
    { "//proc/self/environ", 0, "proc/self/environ" },
    { "/proc/self/environ", 0, "proc/self/environ" },
    { "/dev/zero", 0, "dev/zero" },
    { "http://t//etc/passwd", 0, "etc/passwd" },
    { "/etc/passwd?x=/../../", 0, "etc/passwd" },
    /* dot segments, raw and encoded */
    { "/../etc/passwd", 400, NULL },
    { "/../../../../etc/passwd", 400, NULL },
    { "/a/../../etc/passwd", 400, NULL },
    { "/./index.html", 400, NULL },
    { "/a/./b", 400, NULL },
    { "/a/.", 400, NULL },
    { "/a/..", 400, NULL },
    { "//..//etc/passwd", 400, NULL },
    { "/%2e%2e/etc/passwd", 400, NULL },
    { "/.%2E/.%2e/etc/passwd", 400, NULL },
    { "/%2e/", 400, NULL },
    { "http://t/../etc/passwd", 400, NULL },
    /* encoded separators and backslashes */
    { "/..%2f..%2fetc/passwd", 400, NULL },
    { "/%2fetc/passwd", 400, NULL },
    { "/%2f%2fetc%2fpasswd", 400, NULL },
    { "/a%2F..%2F..%2Fetc", 400, NULL },
    { "/..%5c..%5cetc/passwd", 400, NULL },
    { "/%5c", 400, NULL },
    { "/..\\..\\etc\\passwd", 400, NULL },
    { "/a\\b", 400, NULL },
    /* NUL and other control bytes, encoded */
    { "/index.html%00.txt", 400, NULL },
    { "/%00", 400, NULL },
    { "/a%01b", 400, NULL },
    { "/a%0ab", 400, NULL },
    { "/a%0d%0aX:y", 400, NULL },
    { "/a%1fb", 400, NULL },
    { "/a%7fb", 400, NULL },
    { "/a%c2%85b", 400, NULL },              /* U+0085 NEL, a C1 control */
    { "/a%c2%9fb", 400, NULL },
    /* invalid UTF-8: overlong forms of '/' and '.', surrogates, beyond U+10FFFF, cut short */
    { "/%c0%af", 400, NULL },
    { "/..%c0%afetc/passwd", 400, NULL },
    { "/%c0%ae%c0%ae/etc/passwd", 400, NULL },
    { "/%c1%9c", 400, NULL },                /* overlong '\\' */
    { "/%e0%80%af", 400, NULL },
    { "/%f0%80%80%af", 400, NULL },
    { "/%ed%a0%80", 400, NULL },
    { "/%f4%90%80%80", 400, NULL },
    { "/%f8%88%80%80%80", 400, NULL },
    { "/%ff", 400, NULL },
    { "/%80", 400, NULL },
    { "/%c3", 400, NULL },
    { "/%e2%88", 400, NULL },
    /* bad escapes and forms that are not a path */
    { "/%", 400, NULL },
    { "/%zz", 400, NULL },
    { "/%2", 400, NULL },
    { "*", 400, NULL },
    { "etc/passwd", 400, NULL },
    { "/a#b", 400, NULL },
    /* names that only look odd: served as the names they are, under the root */
    { "/%252e%252e/etc", 0, "%2e%2e/etc" },  /* decoded once, never twice */
    { "/...", 0, "..." },
    { "/..a/b..", 0, "..a/b.." },
    { "/.hidden", 0, ".hidden" },
    { "/~root/.ssh", 0, "~root/.ssh" },
    { "/%c3%a9t%c3%a9.html", 0, "\xc3\xa9t\xc3\xa9.html" },
    { "/%e2%88%95etc", 0, "\xe2\x88\x95" "etc" },   /* U+2215 is a character, not a '/' */
    { "/%f0%9f%90%a7", 0, "\xf0\x9f\x90\xa7" },
    { "/sub", 0, "sub" },
    { "/sub/", 0, "sub/" },
    { "/a%20b", 0, "a b" },
};

/* Every hostile target gets its status, or names exactly the path the table says. */
START_TEST(test_http_path_hostile_table)
{
    char rel[HTTP_PATH_MAX];

    ck_assert_uint_ge(sizeof(hostile) / sizeof(hostile[0]), 40);
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        int st = map_target(hostile[i].target, rel, sizeof(rel));

        ck_assert_msg(st == hostile[i].status, "%s: status %d, want %d", hostile[i].target, st,
                      hostile[i].status);
        if (st == 0) {
            ck_assert_msg(strcmp(rel, hostile[i].rel) == 0, "%s: rel \"%s\", want \"%s\"",
                          hostile[i].target, rel, hostile[i].rel);
            ck_assert_msg(rel[0] != '/', "%s: an absolute path", hostile[i].target);
        } else {
            ck_assert_str_eq(rel, "");
        }
    }
}
END_TEST

/* Very long targets: 414 for the line or path, 404 for a segment no file system allows. */
START_TEST(test_http_path_long)
{
    static char t[12000];
    char rel[HTTP_PATH_MAX];

    /* a 10 KB path: the request line is over HTTP_REQ_LINE_MAX */
    t[0] = '/';
    memset(t + 1, 'a', 10239);
    t[10240] = '\0';
    ck_assert_int_eq(map_target(t, rel, sizeof(rel)), 414);
    /* decoded path at HTTP_PATH_MAX - 1 bytes: mapped; one more: 414 */
    for (size_t i = 0; i < HTTP_PATH_MAX - 1; i++)
        t[i] = (i % 2 == 0) ? '/' : 'a';
    t[HTTP_PATH_MAX - 1] = '\0';
    ck_assert_int_eq(map_target(t, rel, sizeof(rel)), 0);
    ck_assert_uint_eq(strlen(rel), HTTP_PATH_MAX - 2);  /* "a/a/.../a/": no leading slash */
    t[HTTP_PATH_MAX - 1] = 'a';
    t[HTTP_PATH_MAX] = '\0';
    ck_assert_int_eq(map_target(t, rel, sizeof(rel)), 414);
    /* 4000 slashes and one name: merged to the name */
    memset(t, '/', 4000);
    strcpy(t + 4000, "x");
    ck_assert_int_eq(map_target(t, rel, sizeof(rel)), 0);
    ck_assert_str_eq(rel, "x");
    /* a segment of NAME_MAX bytes is a name; one byte more names nothing */
    t[0] = '/';
    memset(t + 1, 'n', HTTP_NAME_MAX);
    t[HTTP_NAME_MAX + 1] = '\0';
    ck_assert_int_eq(map_target(t, rel, sizeof(rel)), 0);
    ck_assert_uint_eq(strlen(rel), HTTP_NAME_MAX);
    t[HTTP_NAME_MAX + 1] = 'n';
    t[HTTP_NAME_MAX + 2] = '\0';
    ck_assert_int_eq(map_target(t, rel, sizeof(rel)), 404);
}
END_TEST

/* http_path_map() alone: decoded paths the parser never gives it are refused all the same. */
START_TEST(test_http_path_map_direct)
{
    static const struct {
        const char *path;
        int rc;
        const char *rel;
    } t[] = {
        { "", -400, NULL },
        { "etc/passwd", -400, NULL },
        { "/a\\b", -400, NULL },
        { "/a/../b", -400, NULL },
        { "/..", -400, NULL },
        { "/.", -400, NULL },
        { "/\x01", -400, NULL },
        { "/a\rb", -400, NULL },
        { "/a\x7f", -400, NULL },
        { "/\xc0\xaf", -400, NULL },
        { "/\xed\xa0\x80", -400, NULL },
        { "/\xc2\x80", -400, NULL },
        { "/\xc2\xa0", 0, "\xc2\xa0" },      /* U+00A0: printable */
        { "//etc//passwd", 0, "etc/passwd" },
        { "////", 0, "." },
    };
    char rel[64];

    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        int rc = http_path_map(t[i].path, rel, sizeof(rel));

        ck_assert_msg(rc == t[i].rc, "case %zu: %d, want %d", i, rc, t[i].rc);
        ck_assert_str_eq(rel, t[i].rel ? t[i].rel : "");
    }
}
END_TEST

/* The room given is never overrun: a rel that does not fit is 414, not a cut path. */
START_TEST(test_http_path_map_room)
{
    static char big[HTTP_PATH_MAX + 8];
    char rel[8];

    ck_assert_int_eq(http_path_map("/", rel, 0), -414);
    ck_assert_int_eq(http_path_map("/", rel, 1), -414);
    ck_assert_int_eq(http_path_map("/", rel, 2), 0);
    ck_assert_str_eq(rel, ".");
    ck_assert_int_eq(http_path_map("/ab", rel, 3), 0);
    ck_assert_str_eq(rel, "ab");
    ck_assert_int_eq(http_path_map("/ab", rel, 2), -414);
    ck_assert_str_eq(rel, "");
    ck_assert_int_eq(http_path_map("/ab/", rel, 3), -414);
    ck_assert_int_eq(http_path_map("/ab/", rel, 4), 0);
    ck_assert_str_eq(rel, "ab/");
    ck_assert_int_eq(http_path_map("/a/b", rel, 4), 0);
    ck_assert_int_eq(http_path_map("/a/b", rel, 3), -414);
    /* not terminated within HTTP_PATH_MAX: 414, and nothing read beyond */
    big[0] = '/';
    memset(big + 1, 'a', sizeof(big) - 2);
    big[sizeof(big) - 1] = '\0';
    ck_assert_int_eq(http_path_map(big, rel, sizeof(rel)), -414);
}
END_TEST

/* The document roots refused at start, and the statuses of the errors of an open. */
START_TEST(test_http_path_root_and_errors)
{
    ck_assert(!http_path_root_allowed("/"));
    ck_assert(!http_path_root_allowed("/proc"));
    ck_assert(!http_path_root_allowed("/proc/self/root"));
    ck_assert(!http_path_root_allowed("/dev"));
    ck_assert(!http_path_root_allowed("/dev/shm/www"));
    ck_assert(!http_path_root_allowed("/sys/kernel"));
    ck_assert(!http_path_root_allowed("relative/www"));
    ck_assert(http_path_root_allowed("/procedures"));
    ck_assert(http_path_root_allowed("/devel/www"));
    ck_assert(http_path_root_allowed("/srv/www"));
    ck_assert(http_path_root_allowed("/tmp"));

    ck_assert_int_eq(http_path_error_status(EXDEV), 404);
    ck_assert_int_eq(http_path_error_status(ELOOP), 404);
    ck_assert_int_eq(http_path_error_status(ENOENT), 404);
    ck_assert_int_eq(http_path_error_status(ENOTDIR), 404);
    ck_assert_int_eq(http_path_error_status(ENOSYS), 404);
    ck_assert_int_eq(http_path_error_status(EACCES), 403);
    ck_assert_int_eq(http_path_error_status(EMFILE), 503);
    ck_assert_int_eq(http_path_error_status(EIO), 500);
}
END_TEST

/* Opening: a temporary tree ------------------------------------------------ */

static char tree[64];         /* TMP: TMP/outside holds the secret, TMP/root is served */
static char secret_abs[128];
static char outside_abs[128];
static int root_fd = -1;

static void
put(const char *rel, const char *text)
{
    char p[256];
    FILE *f;

    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    f = fopen(p, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void
dir(const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void
link_to(const char *target, const char *rel)
{
    char p[256];

    snprintf(p, sizeof(p), "%s/%s", tree, rel);
    ck_assert_int_eq(symlink(target, p), 0);
}

static void
tree_setup(void)
{
    snprintf(tree, sizeof(tree), "/tmp/tapstack-unit-path.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tree));
    snprintf(outside_abs, sizeof(outside_abs), "%s/outside", tree);
    snprintf(secret_abs, sizeof(secret_abs), "%s/outside/secret.txt", tree);
    dir("outside");
    put("outside/secret.txt", "SECRET\n");
    dir("root");
    put("root/ok.txt", "ok\n");
    dir("root/sub");
    put("root/sub/index.html", "<p>sub</p>\n");
    dir("root/idx");
    link_to("../outside/secret.txt", "root/link_file");     /* a file outside, relative */
    link_to(secret_abs, "root/abs_file");                  /* the same, absolute */
    link_to("../outside", "root/link_dir");                /* a directory outside */
    link_to(outside_abs, "root/abs_dir");
    link_to("..", "root/dotdot");                          /* ".." as a symlink */
    link_to("../../outside/secret.txt", "root/sub/up");    /* out from a subdirectory */
    link_to("/etc/passwd", "root/etc_link");
    link_to("/proc/self/environ", "root/proc_link");
    link_to("/", "root/slash");
    link_to("../../outside/secret.txt", "root/idx/index.html");  /* an index leading out */
    link_to("ok.txt", "root/inside_link");                 /* inside: allowed */
    link_to("../ok.txt", "root/sub/inside_up");            /* up, but still inside */
    link_to("../root/ok.txt", "root/sub/round");           /* out and back in: refused */
    {
        char p[256];

        snprintf(p, sizeof(p), "%s/root", tree);
        root_fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ck_assert_int_ge(root_fd, 0);
    }
}

static void
tree_teardown(void)
{
    char cmd[128];

    if (root_fd >= 0)
        close(root_fd);
    root_fd = -1;
    /* the tree is ours, made by mkdtemp above: remove it whole */
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
    if (tree[0] == '/' && system(cmd) != 0)
        fprintf(stderr, "test_http_path: could not remove %s\n", tree);
}

/*
 * valgrind 3.19 does not know openat2 (syscall 437) and answers ENOSYS: under it
 * (run_all.sh's valgrind pass), the open tests check the other promise instead, that
 * without openat2 no file at all is opened. Anywhere else openat2 must work.
 */
static bool
no_openat2_under_valgrind(void)
{
#ifdef HAVE_VALGRIND_H
    return RUNNING_ON_VALGRIND && http_path_probe(root_fd) < 0 && errno == ENOSYS;
#else
    return false;
#endif
}

/* rel is refused: -1, an errno the server answers 404, and no descriptor. */
static void
assert_refused(const char *rel)
{
    struct stat st;
    int fd, e;

    errno = 0;
    fd = http_path_open(root_fd, rel, &st);
    e = errno;
    if (fd >= 0)
        close(fd);
    ck_assert_msg(fd < 0, "%s: opened", rel);
    ck_assert_msg(http_path_error_status(e) == 404, "%s: errno %d (%s) is status %d", rel, e,
                  strerror(e), http_path_error_status(e));
}

/* rel opens, is a regular file and holds text. */
static void
assert_opens(const char *rel, const char *text)
{
    char buf[64];
    struct stat st;
    ssize_t n;
    int fd = http_path_open(root_fd, rel, &st);

    ck_assert_msg(fd >= 0, "%s: %s", rel, strerror(errno));
    ck_assert(S_ISREG(st.st_mode));
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    ck_assert_int_ge(n, 0);
    buf[n] = '\0';
    ck_assert_str_eq(buf, text);
}

/* The kernel holds the line: whatever leads out of the root is refused, 404. */
START_TEST(test_http_path_open_symlinks_out)
{
    ck_assert(http_path_probe(root_fd) == 0 || no_openat2_under_valgrind());
    assert_refused("link_file");
    assert_refused("abs_file");
    assert_refused("link_dir/secret.txt");
    assert_refused("link_dir");
    assert_refused("abs_dir/secret.txt");
    assert_refused("dotdot/outside/secret.txt");
    assert_refused("dotdot");
    assert_refused("sub/up");
    assert_refused("sub/round");
    assert_refused("etc_link");
    assert_refused("proc_link");
    assert_refused("slash/etc/passwd");
    /* paths that http_path_map never gives it: refused by the kernel all the same */
    assert_refused("../outside/secret.txt");
    assert_refused(secret_abs);
    assert_refused("/etc/passwd");
    assert_refused("sub/../../outside/secret.txt");
    assert_refused("no-such-file");
}
END_TEST

/* What stays inside opens, through symlinks too; a directory's index.html is looked up
 * beneath the root the same way. */
START_TEST(test_http_path_open_inside_and_index)
{
    struct stat st;
    int fd;

    if (no_openat2_under_valgrind()) {
        ck_assert_int_lt(http_path_open(root_fd, "ok.txt", &st), 0);
        ck_assert_int_eq(errno, ENOSYS);
        ck_assert_int_lt(http_path_open_index(root_fd, "sub/", &st), 0);
        fprintf(stderr, "test_http_path: no openat2 under valgrind: checked that nothing opens\n");
        return;
    }
    assert_opens("ok.txt", "ok\n");
    assert_opens("inside_link", "ok\n");
    assert_opens("sub/inside_up", "ok\n");
    assert_opens("sub/index.html", "<p>sub</p>\n");
    fd = http_path_open(root_fd, ".", &st);
    ck_assert_int_ge(fd, 0);
    ck_assert(S_ISDIR(st.st_mode));
    close(fd);

    fd = http_path_open_index(root_fd, "sub/", &st);
    ck_assert_int_ge(fd, 0);
    ck_assert(S_ISREG(st.st_mode));
    close(fd);
    fd = http_path_open_index(root_fd, "sub", &st);
    ck_assert_int_ge(fd, 0);
    close(fd);
    errno = 0;
    ck_assert_int_lt(http_path_open_index(root_fd, "idx/", &st), 0);   /* leads out */
    ck_assert_int_eq(http_path_error_status(errno), 404);
    ck_assert_int_lt(http_path_open_index(root_fd, ".", &st), 0);      /* none at the top */
    ck_assert_int_eq(errno, ENOENT);
    ck_assert_int_lt(http_path_open_index(root_fd, "link_dir/", &st), 0);
    ck_assert_int_eq(http_path_error_status(errno), 404);
}
END_TEST

/* /proc's magic links (fd/N, exe, cwd) jump anywhere: RESOLVE_NO_MAGICLINKS refuses them
 * even from a root under /proc (which http.c refuses at start anyway). */
START_TEST(test_http_path_open_magic_links)
{
    struct stat st;
    char rel[32];
    int proc = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd;

    if (proc < 0)
        return;                             /* no /proc here: nothing to test */
    snprintf(rel, sizeof(rel), "fd/%d", root_fd);
    fd = http_path_open(proc, rel, &st);
    ck_assert_int_lt(fd, 0);
    ck_assert_int_eq(http_path_error_status(errno), 404);
    fd = http_path_open(proc, "cwd/", &st);
    ck_assert_int_lt(fd, 0);
    ck_assert_int_eq(http_path_error_status(errno), 404);
    fd = http_path_open(proc, "root/etc/passwd", &st);
    ck_assert_int_lt(fd, 0);
    ck_assert_int_eq(http_path_error_status(errno), 404);
    close(proc);
}
END_TEST

/*
 * A kernel without openat2, faked: a child process under a seccomp filter that
 * answers openat2 with ENOSYS. The probe says so, and no file is opened (there is
 * no fallback to openat).
 */
START_TEST(test_http_path_no_openat2)
{
    pid_t pid = fork();
    int status;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct sock_filter f[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };
        struct stat st;
        int ok = 1;

        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
            prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
            _exit(2);
        errno = 0;
        ok &= http_path_probe(root_fd) == -1 && errno == ENOSYS;
        errno = 0;
        ok &= http_path_open(root_fd, "ok.txt", &st) == -1 && errno == ENOSYS;
        ok &= http_path_error_status(errno) == 404;
        _exit(ok ? 0 : 1);
    }
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_msg(WEXITSTATUS(status) == 0, "child status %d (2: no seccomp here)",
                  WEXITSTATUS(status));
}
END_TEST

Suite *
http_path_suite(void)
{
    Suite *s = suite_create("http_path");
    TCase *map = tcase_create("map");
    TCase *open_ = tcase_create("open");

    tcase_add_test(map, test_http_path_hostile_table);
    tcase_add_test(map, test_http_path_long);
    tcase_add_test(map, test_http_path_map_direct);
    tcase_add_test(map, test_http_path_map_room);
    tcase_add_test(map, test_http_path_root_and_errors);
    suite_add_tcase(s, map);

    /* unchecked: made once by the runner, removed by it even when a test fails */
    tcase_add_unchecked_fixture(open_, tree_setup, tree_teardown);
    tcase_add_test(open_, test_http_path_open_symlinks_out);
    tcase_add_test(open_, test_http_path_open_inside_and_index);
    tcase_add_test(open_, test_http_path_open_magic_links);
    tcase_add_test(open_, test_http_path_no_openat2);
    suite_add_tcase(s, open_);
    return s;
}
