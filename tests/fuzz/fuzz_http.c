/*
 * fuzz_http.c - libFuzzer target: the HTTP/1.1 request-head parser
 * (apps/http_parse.h) on arbitrary bytes, whole and split in two reads.
 *
 * Input:  split (BE16) | ctl | [grow: at (BE16) count (BE16) fill] | request bytes
 *   split  where the request is cut, as if it came in two recv() calls (modulo len + 1)
 *   ctl    bit 0: "grow": insert count copies of the byte fill at offset at (modulo
 *          len + 1) before parsing, so heads beyond libFuzzer's -max_len (8 KiB in
 *          scripts/fuzz.sh) reach the 414/431 limits; count is read modulo 24577
 * The request is parsed from an exact-size heap copy (ASan sees any read past its end),
 * whole, as the first read alone, and as the server does it (apps/http.c): call again
 * with everything read so far while the answer is HTTP_NEED_MORE, then go on with the
 * pipelined rest after each complete head (at most PIPELINE_MAX heads).
 *
 * Besides ASan/UBSan, abort() when the parser breaks its contract (http_parse.h):
 *   - a result is > 0 (and then <= len, the head ends with an empty line there),
 *     HTTP_NEED_MORE (only below HTTP_HEAD_MAX bytes) or minus a status listed there;
 *   - after any answer, method is one of enum http_method and version 10 or 11;
 *   - a complete head is GET or HEAD, HTTP/1.0 or 1.1, its strings end inside their
 *     arrays, its decoded path begins with '/',
 *     holds no NUL, control byte or '\\' and no "." or ".." segment (so never "/../"),
 *     its query and host are within their maxima and made of their allowed bytes;
 *   - the split never changes the outcome: a first read that gives an answer gives the
 *     same one (status, or byte count and request) as the whole input;
 *   - http_reason() knows every status the parser returns; http_query_get() and
 *     http_decode_path() (also fed the input directly, with a room of 1..256 bytes)
 *     stay within the room they are given, and the decoder's paths are as safe.
 * FUZZ_VERBOSE=1 build/fuzz/fuzz_http FILE... prints what each input parsed to.
 */
#include "../../apps/http_parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR_LEN      3                  /* split (2) + ctl (1) */
#define GROW_LEN     5                  /* at (2) + count (2) + fill (1) */
#define GROW_MAX     24576              /* beyond HTTP_HEAD_MAX + HTTP_REQ_LINE_MAX */
#define PIPELINE_MAX 16

static void
fail(const char *what, int rc, size_t len)
{
    fprintf(stderr, "fuzz_http: invariant broken: %s (result %d, %zu bytes)\n", what, rc, len);
    abort();
}

static bool
status_documented(int status)
{
    switch (status) {
    case 400: case 405: case 413: case 414: case 431: case 501: case 505:
        return true;
    default:
        return false;
    }
}

/* s is NUL-terminated inside its array of cap bytes. */
static bool
terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

/* The decoded path is safe under a document root (http_parse.h, struct http_req). */
static const char *
path_problem(const char *p)
{
    size_t n = strlen(p), seg = 1;

    if (n == 0 || p[0] != '/')
        return "the path does not begin with '/'";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];

        if (c < 0x20 || c == 0x7f || c == '\\')
            return "a control byte or '\\' in the decoded path";
    }
    if (strstr(p, "/../") != NULL || strstr(p, "/./") != NULL)
        return "a \"..\" or \".\" segment in the decoded path";
    for (size_t i = 1; i <= n; i++) {
        if (i == n || p[i] == '/') {
            size_t l = i - seg;

            if ((l == 1 && p[seg] == '.') || (l == 2 && p[seg] == '.' && p[seg + 1] == '.'))
                return "a \"..\" or \".\" segment in the decoded path";
            seg = i + 1;
        }
    }
    return NULL;
}

/* RFC 9110 7.2 / 4.2.3: the bytes a Host (reg-name, IP literal, port) may hold. */
static bool
host_ok(const char *h)
{
    for (; *h; h++) {
        unsigned char c = (unsigned char)*h;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              strchr("-._~!$&'()*+,;=:[]%", c) != NULL))
            return false;
    }
    return true;
}

/* One call of the parser on buf[0..len), every documented promise checked. */
static int
parse_checked(const char *buf, size_t len, struct http_req *req)
{
    int rc;

    memset(req, 0xa5, sizeof(*req));    /* whatever the parser leaves unset shows */
    rc = http_parse_request(buf, len, req);
    /* After any answer, method and version hold what was read (or their defaults). */
    if (req->method != HTTP_METHOD_NONE && req->method != HTTP_GET && req->method != HTTP_HEAD &&
        req->method != HTTP_OTHER)
        fail("method is not one of enum http_method", rc, len);
    if (req->version != 10 && req->version != 11)
        fail("a version other than 10 or 11", rc, len);
    if (rc == HTTP_NEED_MORE) {
        if (len >= HTTP_HEAD_MAX)
            fail("HTTP_NEED_MORE with HTTP_HEAD_MAX bytes or more (must be 431)", rc, len);
        return rc;
    }
    if (rc < 0) {
        if (!status_documented(-rc))
            fail("a status outside the documented list", rc, len);
        if (strcmp(http_reason(-rc), "Unknown") == 0)
            fail("http_reason() has no phrase for a status the parser returns", rc, len);
        return rc;
    }
    /* A complete head: it took rc bytes, ending with the empty line. */
    if ((size_t)rc > len)
        fail("consumed more bytes than there are", rc, len);
    if (rc > HTTP_HEAD_MAX)
        fail("a complete head longer than HTTP_HEAD_MAX (must be 431)", rc, len);
    if (rc < 2 || buf[rc - 1] != '\n' ||
        !(buf[rc - 2] == '\n' || (rc >= 3 && buf[rc - 2] == '\r' && buf[rc - 3] == '\n')))
        fail("the head does not end with an empty line where the count says", rc, len);
    if (req->method != HTTP_GET && req->method != HTTP_HEAD)
        fail("a complete head that is neither GET nor HEAD", rc, len);
    if (!terminated(req->path, sizeof(req->path)) ||
        !terminated(req->query, sizeof(req->query)) ||
        !terminated(req->host, sizeof(req->host)))
        fail("a string of struct http_req is not terminated inside its array", rc, len);
    if (path_problem(req->path) != NULL)
        fail(path_problem(req->path), rc, len);
    if (strlen(req->path) >= HTTP_PATH_MAX || strlen(req->query) >= HTTP_QUERY_MAX ||
        strlen(req->host) >= HTTP_HOST_MAX)
        fail("a string over its maximum", rc, len);
    for (const char *q = req->query; *q; q++) {
        if ((unsigned char)*q < 0x21 || (unsigned char)*q == 0x7f || *q == '#')
            fail("whitespace, a control byte or '#' in the query", rc, len);
    }
    if (!host_ok(req->host))
        fail("a byte outside RFC 9110's host characters in the host", rc, len);
    return rc;
}

/* http_decode_path() alone, with a small room: 0 and a safe path within cap, or -400/-414. */
static void
decode_checked(const char *src, size_t n, size_t cap)
{
    static char dst[HTTP_PATH_MAX];
    int rc;

    memset(dst, 0xa5, sizeof(dst));
    rc = http_decode_path(src, n, dst, cap);
    if (rc != 0 && rc != -400 && rc != -414)
        fail("http_decode_path: a result other than 0, -400, -414", rc, n);
    if (memchr(dst + cap, '\0', sizeof(dst) - cap) != NULL)
        fail("http_decode_path wrote past cap", rc, cap);
    if (rc != 0)
        return;
    if (!terminated(dst, cap))
        fail("http_decode_path: 0 but the path is not terminated within cap", rc, cap);
    if (path_problem(dst) != NULL)
        fail(path_problem(dst), rc, n);
}

/* Two results of the same head agree: same count, same request. */
static bool
same_req(const struct http_req *a, const struct http_req *b)
{
    return a->method == b->method && a->version == b->version &&
           a->keep_alive == b->keep_alive && strcmp(a->path, b->path) == 0 &&
           strcmp(a->query, b->query) == 0 && strcmp(a->host, b->host) == 0;
}

/* What the server does with the query of /status: look names up in bounded room. */
static void
query_lookups(const char *query)
{
    static const char *const names[] = {"format", "refresh", "", "a"};
    char val[8];

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        for (size_t cap = 1; cap <= sizeof(val); cap += 3) {
            memset(val, 'x', sizeof(val));
            if (http_query_get(query, names[i], val, cap) && memchr(val, '\0', cap) == NULL)
                fail("http_query_get wrote a value not terminated within cap", 0, cap);
            if (memchr(val + cap, '\0', sizeof(val) - cap) != NULL)
                fail("http_query_get wrote past cap", 0, cap);
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct http_req whole, part, next;
    size_t split, len, at = 0, grow = 0, done;
    const uint8_t *body;
    uint8_t fill = 0;
    char *buf;
    int rc_whole, rc_part, rc;

    if (size < HDR_LEN)
        return 0;
    split = ((size_t)data[0] << 8) | data[1];
    body = data + HDR_LEN;
    len = size - HDR_LEN;
    if (data[2] & 1) {
        if (len < GROW_LEN)
            return 0;
        at = ((size_t)body[0] << 8) | body[1];
        grow = (((size_t)body[2] << 8) | body[3]) % (GROW_MAX + 1);
        fill = body[4];
        body += GROW_LEN;
        len -= GROW_LEN;
        at %= len + 1;
    }
    /* An exact-size heap copy: nothing after the last byte (the parser gets no NUL). */
    buf = malloc(len + grow > 0 ? len + grow : 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, body, at);
    memset(buf + at, fill, grow);
    memcpy(buf + at + grow, body + at, len - at);
    len += grow;
    split %= len + 1;

    /* Whole. */
    rc_whole = parse_checked(buf, len, &whole);
    if (getenv("FUZZ_VERBOSE") != NULL) {
        fprintf(stderr, "fuzz_http: %zu bytes, split at %zu: %d", len, split, rc_whole);
        if (rc_whole > 0)
            fprintf(stderr, " method %d version %u keep-alive %d path \"%s\" query \"%s\""
                    " host \"%s\"", whole.method, whole.version, whole.keep_alive, whole.path,
                    whole.query, whole.host);
        fprintf(stderr, "\n");
    }
    if (rc_whole > 0)
        query_lookups(whole.query);

    /* The path decoder alone, on the input as a path, with room for 1..256 bytes. */
    decode_checked(buf, len < HTTP_PATH_MAX ? len : HTTP_PATH_MAX, 1 + split % 256);

    /* The first read alone: an answer there is final, the rest of the bytes change nothing. */
    rc_part = parse_checked(buf, split, &part);
    if (rc_part != HTTP_NEED_MORE) {
        if (rc_part != rc_whole)
            fail("the answer to the first read differs from the answer to the whole", rc_part,
                 split);
        if (rc_part > 0 && !same_req(&part, &whole))
            fail("the first read's request differs from the whole's", rc_part, split);
    }

    /* The server's way: parse what has arrived, then the pipelined requests after it. */
    done = 0;
    for (int i = 0; i < PIPELINE_MAX && done < len; i++) {
        rc = parse_checked(buf + done, len - done, &next);
        if (rc <= 0)
            break;
        done += (size_t)rc;
    }
    free(buf);
    return 0;
}
