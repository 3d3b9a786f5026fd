/*
 * test_http.c - the HTTP/1.1 request parser (apps/http_parse.c), alone: it is
 * a pure function set, so no stack and no fixture. Every status it can give
 * (400, 405, 413, 414, 431, 501, 505), each limit at its edge, partial heads
 * cut at every byte, pipelined heads, obs-fold, case-insensitive field
 * names, persistence rules, percent-decoding and path traversal; then a
 * seeded random walk that must never crash or return anything unlisted.
 * RFC 9112 (message syntax), RFC 9110 (semantics), RFC 3986 (paths).
 */
#include <check.h>
#include "suites.h"

#include "../../apps/http_parse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct http_req req;

/* Parse a NUL-terminated head. */
static int
parse(const char *s)
{
    return http_parse_request(s, strlen(s), &req);
}

/* "GET <target> HTTP/1.1" with a Host, complete. */
static int
get(const char *target)
{
    static char buf[HTTP_HEAD_MAX];

    snprintf(buf, sizeof(buf), "GET %s HTTP/1.1\r\nHost: t\r\n\r\n", target);
    return parse(buf);
}

/* Basic requests ----------------------------------------------------------- */

/* RFC 9112 3: request-line = method SP request-target SP HTTP-version; a complete head. */
START_TEST(test_http_get_minimal)
{
    const char *s = "GET / HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n";

    ck_assert_int_eq(parse(s), (int)strlen(s));
    ck_assert_int_eq(req.method, HTTP_GET);
    ck_assert_uint_eq(req.version, 11);
    ck_assert(req.keep_alive);
    ck_assert_str_eq(req.path, "/");
    ck_assert_str_eq(req.query, "");
    ck_assert_str_eq(req.host, "10.0.0.2");
}
END_TEST

/* RFC 9110 9.3.2: HEAD is GET without content; the parser only records it. */
START_TEST(test_http_head)
{
    const char *s = "HEAD /style.css HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";

    ck_assert_int_eq(parse(s), (int)strlen(s));
    ck_assert_int_eq(req.method, HTTP_HEAD);
    ck_assert_str_eq(req.path, "/style.css");
}
END_TEST

/* RFC 9112 2.2: a lone LF ends a line too (nc without -C). */
START_TEST(test_http_lf_only)
{
    const char *s = "GET /a HTTP/1.0\n\n";

    ck_assert_int_eq(parse(s), (int)strlen(s));
    ck_assert_uint_eq(req.version, 10);
    ck_assert_str_eq(req.path, "/a");
}
END_TEST

/* RFC 9112 2.2: empty lines before the request line are ignored (and consumed). */
START_TEST(test_http_leading_empty_lines)
{
    const char *s = "\r\n\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";

    ck_assert_int_eq(parse(s), (int)strlen(s));
    ck_assert_int_eq(req.method, HTTP_GET);
}
END_TEST

/* RFC 9112 5.1: field names are case-insensitive; OWS around the value is not part of it. */
START_TEST(test_http_field_names_any_case)
{
    const char *s = "GET / HTTP/1.1\r\nhOsT:   example.org \t\r\nCONTENT-LENGTH: 0\r\n"
                    "cOnNeCtIoN: CLOSE\r\n\r\n";

    ck_assert_int_eq(parse(s), (int)strlen(s));
    ck_assert_str_eq(req.host, "example.org");
    ck_assert(!req.keep_alive);
}
END_TEST

/* Persistence (RFC 9112 9.3) ------------------------------------------------- */

START_TEST(test_http_keep_alive_rules)
{
    /* HTTP/1.1 persists unless "close" */
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
    ck_assert(req.keep_alive);
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 0);
    ck_assert(!req.keep_alive);
    /* a list, any case, split over two lines */
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: foo\r\n"
                           "Connection: bar, Close\r\n\r\n"), 0);
    ck_assert(!req.keep_alive);
    /* HTTP/1.0 closes unless "keep-alive" */
    ck_assert_int_gt(parse("GET / HTTP/1.0\r\n\r\n"), 0);
    ck_assert(!req.keep_alive);
    ck_assert_int_gt(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 0);
    ck_assert(req.keep_alive);
    ck_assert_int_gt(parse("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), 0);
    ck_assert(!req.keep_alive);
}
END_TEST

/* Partial heads and pipelining --------------------------------------------- */

/* Every prefix of a valid head is "need more"; the whole is accepted. */
START_TEST(test_http_partial_every_byte)
{
    const char *s = "GET /dir/file.txt?x=1 HTTP/1.1\r\nHost: a.b\r\nUser-Agent: t/1\r\n"
                    "Connection: keep-alive\r\nContent-Length: 0\r\n\r\n";
    size_t n = strlen(s);

    for (size_t i = 0; i < n; i++)
        ck_assert_msg(http_parse_request(s, i, &req) == HTTP_NEED_MORE, "prefix %zu", i);
    ck_assert_int_eq(http_parse_request(s, n, &req), (int)n);
    ck_assert_str_eq(req.path, "/dir/file.txt");
    ck_assert_str_eq(req.query, "x=1");
}
END_TEST

/* RFC 9112 9.3.2: pipelined requests are parsed one after the other, in order. */
START_TEST(test_http_pipelined)
{
    const char *one = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n";
    const char *two = "HEAD /two HTTP/1.1\r\nHost: x\r\n\r\n";
    char s[128];
    size_t n, off = 0;
    int r;

    n = (size_t)snprintf(s, sizeof(s), "%s%sGET /thr", one, two);
    r = http_parse_request(s, n, &req);
    ck_assert_int_eq(r, (int)strlen(one));
    ck_assert_str_eq(req.path, "/one");
    off += (size_t)r;
    r = http_parse_request(s + off, n - off, &req);
    ck_assert_int_eq(r, (int)strlen(two));
    ck_assert_int_eq(req.method, HTTP_HEAD);
    ck_assert_str_eq(req.path, "/two");
    off += (size_t)r;
    ck_assert_int_eq(http_parse_request(s + off, n - off, &req), HTTP_NEED_MORE);
}
END_TEST

/* A pipelined head split anywhere: the first is taken whole, the rest waits. */
START_TEST(test_http_pipelined_split_anywhere)
{
    const char *s = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t n = strlen(s), first = strlen(s) / 2;

    for (size_t cut = first; cut < n; cut++) {
        ck_assert_int_eq(http_parse_request(s, cut, &req), (int)first);
        ck_assert_str_eq(req.path, "/a");
        ck_assert_int_eq(http_parse_request(s + first, cut - first, &req), HTTP_NEED_MORE);
    }
}
END_TEST

/* Methods and versions ------------------------------------------------------- */

/* RFC 9110 15.5.6: a method we know but do not allow: 405 (the server adds Allow). */
START_TEST(test_http_405)
{
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"), -405);
    ck_assert_int_eq(parse("PUT /x HTTP/1.1\r\nHost: x\r\n\r\n"), -405);
    ck_assert_int_eq(parse("DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n"), -405);
    ck_assert_int_eq(parse("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), -405);
    ck_assert_int_eq(parse("TRACE / HTTP/1.1\r\nHost: x\r\n\r\n"), -405);
    ck_assert_int_eq(parse("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"), -405);
    ck_assert_int_eq(parse("PATCH / HTTP/1.1\r\nHost: x\r\n\r\n"), -405);
}
END_TEST

/* RFC 9110 9.1, 15.6.2: methods are case-sensitive; an unknown one is 501. */
START_TEST(test_http_501)
{
    ck_assert_int_eq(parse("get / HTTP/1.1\r\nHost: x\r\n\r\n"), -501);
    ck_assert_int_eq(parse("BREW / HTTP/1.1\r\nHost: x\r\n\r\n"), -501);
}
END_TEST

/* RFC 9110 15.6.6: another major version is 505, as soon as the request line is there. */
START_TEST(test_http_505)
{
    ck_assert_int_eq(parse("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), -505);
    ck_assert_int_eq(parse("GET / HTTP/3\r\n"), -505);          /* the fields never came */
    ck_assert_int_eq(parse("GET / HTTP/2\r\n\r\n"), -505);
    ck_assert_int_eq(parse("GET / HTTP/0.9\r\n\r\n"), -505);
    ck_assert_int_eq(parse("HEAD / HTTP/9.9\r\n\r\n"), -505);
    ck_assert_int_eq(req.method, HTTP_HEAD);                    /* so the 505 has no content */
}
END_TEST

/* RFC 9110 6.2: a higher minor version is served as 1.1. */
START_TEST(test_http_minor_version_higher)
{
    ck_assert_int_gt(parse("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 0);
    ck_assert_uint_eq(req.version, 11);
}
END_TEST

/* RFC 9112 2.3, 3: request lines that do not follow the grammar: 400. */
START_TEST(test_http_400_request_line)
{
    static const char *const bad[] = {
        "GET\r\n\r\n",                         /* no target, no version */
        "GET /\r\n\r\n",                       /* HTTP/0.9 simple request */
        "GET  / HTTP/1.1\r\nHost: x\r\n\r\n",  /* two spaces */
        "GET / HTTP/1.1 \r\nHost: x\r\n\r\n",  /* a trailing space */
        "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",/* a space in the target */
        " GET / HTTP/1.1\r\nHost: x\r\n\r\n",  /* leading space: empty method */
        "GE(T / HTTP/1.1\r\nHost: x\r\n\r\n",  /* not a token */
        "GET / http/1.1\r\nHost: x\r\n\r\n",   /* HTTP-name is case-sensitive */
        "GET / HTTP/1\r\nHost: x\r\n\r\n",     /* no minor version */
        "GET / HTTP/1.1x\r\nHost: x\r\n\r\n",
        "GET / HTTP/10.0\r\nHost: x\r\n\r\n",
        "GET / HTTP/1.\r\nHost: x\r\n\r\n",
        "GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",  /* control byte in the target */
        "GET /\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n", /* bare CR */
        "GET / HTTP/1.1\rHost: x\r\n\r\n",     /* bare CR as a line end */
        "\x16\x03\x01\x02\x05\x01\xfc\x03\x03\r\n\r\n",  /* a TLS ClientHello, roughly */
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(parse(bad[i]) == -400, "case %zu: got %d", i, parse(bad[i]));
}
END_TEST

/* RFC 9112 3: the request line is judged as soon as it ends, before the fields. */
START_TEST(test_http_400_early)
{
    ck_assert_int_eq(parse("GET  / HTTP/1.1\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\n"), HTTP_NEED_MORE);
}
END_TEST

/* Field lines (RFC 9112 5) -------------------------------------------------- */

/* RFC 9112 5.2: obs-fold (a line beginning with SP or HTAB) is rejected with 400. */
START_TEST(test_http_obs_fold_rejected)
{
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n b\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\n Host: x\r\n\r\n"), -400);
}
END_TEST

/* RFC 9112 5.1: no whitespace between name and colon; a name and a colon are required. */
START_TEST(test_http_400_field_syntax)
{
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost\t: x\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\n: empty\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nX(y): z\r\n\r\n"), -400);
}
END_TEST

/* RFC 9110 5.5, RFC 9112 2.2: NUL, bare CR and other controls in a value: 400. */
START_TEST(test_http_400_field_value_controls)
{
    static const char nul[] = "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n";

    ck_assert_int_eq(http_parse_request(nul, sizeof(nul) - 1, &req), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x1b[0m\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7f\r\n\r\n"), -400);
    /* HTAB and obs-text are allowed */
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\tb \xc3\xa9\r\n\r\n"), 0);
}
END_TEST

/* RFC 9112 3.2: HTTP/1.1 needs exactly one Host, and a valid one. */
START_TEST(test_http_host_rules)
{
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a b\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), -400);
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 0);       /* empty is allowed */
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n"), 0);
    ck_assert_str_eq(req.host, "[::1]:8080");
    ck_assert_int_gt(parse("GET / HTTP/1.0\r\n\r\n"), 0);               /* 1.0: optional */
}
END_TEST

/* Content (RFC 9112 6) ------------------------------------------------------ */

/* GET/HEAD with content: 413, decided here; the server never reads it and closes. */
START_TEST(test_http_413_content)
{
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), 0);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"), -413);
    ck_assert_int_eq(parse("HEAD / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999"
                           "\r\n\r\n"), -413);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                           "0\r\n\r\n"), -413);
}
END_TEST

/* RFC 9112 6.1, 6.3: framing that cannot be trusted: 400 (and close). */
START_TEST(test_http_400_framing)
{
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 1\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                           "Content-Length: 1\r\n\r\n"), -400);
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
                           "Content-Length: 00\r\n\r\n"), 0);               /* the same value */
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                           "Content-Length: 0\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), -400);
}
END_TEST

/* Limits --------------------------------------------------------------------- */

/* A request line of exactly HTTP_REQ_LINE_MAX bytes is read; one more is 414. */
START_TEST(test_http_414_request_line_edge)
{
    static char buf[HTTP_HEAD_MAX + 64];
    size_t tlen = HTTP_REQ_LINE_MAX - strlen("GET ") - strlen(" HTTP/1.1");
    size_t k = (tlen - 1) / 3, n = 0;

    /* "%41" decodes to one byte: a long line whose path stays under HTTP_PATH_MAX */
    n += (size_t)sprintf(buf + n, "GET /");
    for (size_t i = 0; i < k; i++)
        n += (size_t)sprintf(buf + n, "%%41");
    while (n < strlen("GET ") + tlen)
        buf[n++] = 'a';
    n += (size_t)sprintf(buf + n, " HTTP/1.1");
    ck_assert_uint_eq(n, HTTP_REQ_LINE_MAX);
    strcpy(buf + n, "\r\nHost: x\r\n\r\n");
    ck_assert_int_eq(parse(buf), (int)strlen(buf));
    ck_assert_uint_eq(strlen(req.path), 1 + k + (tlen - 1 - 3 * k));

    memmove(buf + 6, buf + 5, strlen(buf + 5) + 1);   /* one more byte in the target */
    buf[5] = 'b';
    ck_assert_int_eq(parse(buf), -414);
}
END_TEST

/* 414 even before the line ends: no LF within HTTP_REQ_LINE_MAX + CRLF. */
START_TEST(test_http_414_no_line_end)
{
    static char buf[HTTP_REQ_LINE_MAX + 8];

    memset(buf, 'a', sizeof(buf));
    memcpy(buf, "GET /", 5);
    ck_assert_int_eq(http_parse_request(buf, HTTP_REQ_LINE_MAX, &req), HTTP_NEED_MORE);
    ck_assert_int_eq(http_parse_request(buf, HTTP_REQ_LINE_MAX + 1, &req), -414);
    buf[HTTP_REQ_LINE_MAX] = '\r';                      /* could still be a CRLF: wait */
    ck_assert_int_eq(http_parse_request(buf, HTTP_REQ_LINE_MAX + 1, &req), HTTP_NEED_MORE);
    ck_assert_int_eq(http_parse_request(buf, HTTP_REQ_LINE_MAX + 2, &req), -414);
}
END_TEST

/* The decoded path and the query have their own maxima: 414. */
START_TEST(test_http_414_path_and_query)
{
    static char t[HTTP_REQ_LINE_MAX];

    memset(t, 'p', HTTP_PATH_MAX - 1);
    t[0] = '/';
    t[HTTP_PATH_MAX - 1] = '\0';
    ck_assert_int_gt(get(t), 0);                       /* HTTP_PATH_MAX - 1 bytes: fits */
    t[HTTP_PATH_MAX - 1] = 'p';
    t[HTTP_PATH_MAX] = '\0';
    ck_assert_int_eq(get(t), -414);

    memset(t, 'q', HTTP_QUERY_MAX + 1);
    memcpy(t, "/?", 2);
    t[HTTP_QUERY_MAX + 1] = '\0';                      /* query of HTTP_QUERY_MAX - 1 */
    ck_assert_int_gt(get(t), 0);
    t[HTTP_QUERY_MAX + 1] = 'q';
    t[HTTP_QUERY_MAX + 2] = '\0';
    ck_assert_int_eq(get(t), -414);
}
END_TEST

/* A head of exactly HTTP_HEAD_MAX bytes is read; one byte more is 431. */
START_TEST(test_http_431_edge)
{
    static char buf[HTTP_HEAD_MAX + 64];
    const char *start = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    size_t n = strlen(start), pad = HTTP_HEAD_MAX - n - 4;

    memcpy(buf, start, n);
    memset(buf + n, 'z', pad);
    memcpy(buf + n + pad, "\r\n\r\n", 5);
    ck_assert_uint_eq(strlen(buf), HTTP_HEAD_MAX);
    ck_assert_int_eq(parse(buf), HTTP_HEAD_MAX);

    memcpy(buf + n + pad, "z\r\n\r\n", 6);
    ck_assert_int_eq(parse(buf), -431);
    /* and without an end at all, once HTTP_HEAD_MAX bytes are there */
    ck_assert_int_eq(http_parse_request(buf, HTTP_HEAD_MAX - 1, &req), HTTP_NEED_MORE);
    ck_assert_int_eq(http_parse_request(buf, HTTP_HEAD_MAX, &req), -431);
}
END_TEST

/* Many small fields add up: 431 by total size, not by count. */
START_TEST(test_http_431_many_fields)
{
    static char buf[2 * HTTP_HEAD_MAX];
    size_t n = (size_t)sprintf(buf, "GET / HTTP/1.1\r\nHost: x\r\n");

    while (n < HTTP_HEAD_MAX + 100)
        n += (size_t)sprintf(buf + n, "X-%zu: v\r\n", n);
    ck_assert_int_eq(http_parse_request(buf, n, &req), -431);
    strcpy(buf + n, "\r\n");
    ck_assert_int_eq(parse(buf), -431);
}
END_TEST

/* Targets and paths (RFC 3986, RFC 9112 3.2) -------------------------------- */

/* RFC 3986 2.1: percent-encoded bytes are decoded, in either hex case. */
START_TEST(test_http_percent_decoding)
{
    ck_assert_int_gt(get("/a%20b"), 0);
    ck_assert_str_eq(req.path, "/a b");
    ck_assert_int_gt(get("/%7euser/%7Efile"), 0);
    ck_assert_str_eq(req.path, "/~user/~file");
    ck_assert_int_gt(get("/caf%C3%A9.html"), 0);
    ck_assert_str_eq(req.path, "/caf\xc3\xa9.html");
    ck_assert_int_gt(get("/q%3F?a%3Fb=c"), 0);              /* an encoded ? is path */
    ck_assert_str_eq(req.path, "/q?");
    ck_assert_str_eq(req.query, "a%3Fb=c");                 /* the query stays encoded */
    ck_assert_int_eq(get("/a%"), -400);
    ck_assert_int_eq(get("/a%4"), -400);
    ck_assert_int_eq(get("/a%zz"), -400);
    ck_assert_int_eq(get("/a%g0"), -400);
}
END_TEST

/* Path traversal: dot-segments raw or encoded, encoded slashes, NUL: all refused. */
START_TEST(test_http_traversal_refused)
{
    static const char *const bad[] = {
        "/../etc/passwd", "/..", "/a/../../etc/passwd", "/a/..", "/./index.html", "/a/.",
        "/a/./b", "/%2e%2e/etc/passwd", "/%2E%2E/etc/passwd", "/.%2e/x", "/%2e./x",
        "/a/%2e%2e", "/%2e", "/..%2fetc%2fpasswd", "/a%2fb", "/a%2Fb", "/a%5cb", "/a%5C..%5Cb",
        "/a\\b", "/a%00b", "/index.html%00.png", "/%01", "/a%0d%0aX: y", "/a%7f",
    };

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(get(bad[i]) == -400, "%s: got %d", bad[i], get(bad[i]));
    /* names that only look like dots are files */
    ck_assert_int_gt(get("/.../x"), 0);
    ck_assert_int_gt(get("/..a/b."), 0);
    ck_assert_int_gt(get("/.well-known/x"), 0);
    ck_assert_int_gt(get("/a//b"), 0);
}
END_TEST

/* RFC 9112 3.2.2: absolute-form is accepted; its authority is the host. */
START_TEST(test_http_absolute_form)
{
    ck_assert_int_gt(parse("GET http://10.0.0.2/index.html HTTP/1.1\r\nHost: other\r\n\r\n"), 0);
    ck_assert_str_eq(req.path, "/index.html");
    ck_assert_str_eq(req.host, "10.0.0.2");
    ck_assert_int_gt(parse("GET HTTP://h HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
    ck_assert_str_eq(req.path, "/");
    ck_assert_int_gt(parse("GET http://h:80?x=y HTTP/1.1\r\nHost: h\r\n\r\n"), 0);
    ck_assert_str_eq(req.path, "/");
    ck_assert_str_eq(req.query, "x=y");
    ck_assert_str_eq(req.host, "h:80");
    ck_assert_int_eq(parse("GET http:///x HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET https://h/ HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET http://h/../x HTTP/1.1\r\nHost: h\r\n\r\n"), -400);
}
END_TEST

/* Other target forms and fragments are not for GET: 400. */
START_TEST(test_http_400_target_forms)
{
    ck_assert_int_eq(get("*"), -400);
    ck_assert_int_eq(get("example.com:80"), -400);
    ck_assert_int_eq(get("index.html"), -400);
    ck_assert_int_eq(get("/a#frag"), -400);
}
END_TEST

/* The helpers ----------------------------------------------------------------- */

START_TEST(test_http_decode_path_direct)
{
    char small[4];

    ck_assert_int_eq(http_decode_path("/abc", 4, small, sizeof(small)), -414);
    ck_assert_int_eq(http_decode_path("/ab", 3, small, sizeof(small)), 0);
    ck_assert_str_eq(small, "/ab");
    ck_assert_int_eq(http_decode_path("/%41", 4, small, sizeof(small)), 0);
    ck_assert_str_eq(small, "/A");
    ck_assert_int_eq(http_decode_path("", 0, small, sizeof(small)), -400);
    ck_assert_int_eq(http_decode_path("ab", 2, small, sizeof(small)), -400);
    ck_assert_int_eq(http_decode_path("/a/..", 2, small, sizeof(small)), 0);  /* n counts */
    ck_assert_str_eq(small, "/a");
    ck_assert_int_eq(http_decode_path("/..", 2, small, sizeof(small)), -400); /* "/." */
}
END_TEST

START_TEST(test_http_query_get)
{
    char v[8];

    ck_assert(http_query_get("format=text&refresh=2", "format", v, sizeof(v)));
    ck_assert_str_eq(v, "text");
    ck_assert(http_query_get("format=text&refresh=2", "refresh", v, sizeof(v)));
    ck_assert_str_eq(v, "2");
    ck_assert(!http_query_get("formats=x", "format", v, sizeof(v)));
    ck_assert(!http_query_get("", "format", v, sizeof(v)));
    ck_assert(http_query_get("a&flag", "flag", v, sizeof(v)));
    ck_assert_str_eq(v, "");
    ck_assert(http_query_get("x=0123456789", "x", v, sizeof(v)));
    ck_assert_str_eq(v, "0123456");                          /* cut to the room */
}
END_TEST

START_TEST(test_http_reason)
{
    ck_assert_str_eq(http_reason(200), "OK");
    ck_assert_str_eq(http_reason(413), "Content Too Large");   /* RFC 9110's name */
    ck_assert_str_eq(http_reason(431), "Request Header Fields Too Large");
    ck_assert_str_eq(http_reason(299), "Unknown");
}
END_TEST

/* Robustness ----------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 0x2545f4914f6cdd1dull) >> 32);
}

/* What a result may be: need more, a length within the input, or a status from the list. */
static void
check_result(int r, size_t len)
{
    if (r > 0) {
        ck_assert_uint_le((size_t)r, len);
        ck_assert(req.path[0] == '/');
        ck_assert_ptr_null(strstr(req.path, "/../"));
        ck_assert_uint_lt(strlen(req.path), sizeof(req.path));
        return;
    }
    ck_assert_msg(r == 0 || r == -400 || r == -405 || r == -413 || r == -414 || r == -431 ||
                  r == -501 || r == -505, "unexpected result %d", r);
}

/* Seeded mutations of valid heads and random bytes: only listed results, no crash (ASan). */
START_TEST(test_http_random_walk)
{
    static const char *const seeds[] = {
        "GET /index.html?a=b HTTP/1.1\r\nHost: 10.0.0.2\r\nConnection: keep-alive\r\n\r\n",
        "HEAD http://h/x%20y HTTP/1.0\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n",
        "\r\nGET / HTTP/1.1\nHost: a\nX: \t\xff\n\n",
    };
    static const char alphabet[] = "GETHAD /%.2e:\r\n\t\0aHTP1?#x-";
    char buf[256];

    for (int iter = 0; iter < 20000; iter++) {
        const char *s = seeds[rnd() % 3];
        size_t len = strlen(s);

        memcpy(buf, s, len);
        for (unsigned k = rnd() % 4 + 1; k > 0; k--) {
            size_t at = rnd() % len;

            switch (rnd() % 3) {
            case 0:
                buf[at] = alphabet[rnd() % (sizeof(alphabet) - 1)];
                break;
            case 1:
                buf[at] = (char)rnd();
                break;
            default:
                len = at + 1;                         /* cut */
                break;
            }
        }
        check_result(http_parse_request(buf, len, &req), len);
    }
    for (int iter = 0; iter < 5000; iter++) {
        size_t len = rnd() % sizeof(buf);

        for (size_t i = 0; i < len; i++)
            buf[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
        check_result(http_parse_request(buf, len, &req), len);
    }
}
END_TEST

/* RFC 9112 2.2 lets a server skip empty lines before the request line, but they count
 * towards the head's limit: otherwise the answer depended on where reads split them. */
START_TEST(test_http_431_leading_empty_lines)
{
    static char buf[HTTP_HEAD_MAX + 64];
    size_t n = 0;

    while (n + 2 <= HTTP_HEAD_MAX + 2) {
        buf[n++] = '\r';
        buf[n++] = '\n';
    }
    n += (size_t)snprintf(buf + n, sizeof(buf) - n, "GET / HTTP/1.1\r\nHost: t\r\n\r\n");
    ck_assert_int_eq(http_parse_request(buf, n, &req), -431);
    ck_assert_int_eq(http_parse_request(buf, HTTP_HEAD_MAX + 1, &req), -431);
}
END_TEST

Suite *
http_suite(void)
{
    Suite *s = suite_create("http");
    TCase *basic = tcase_create("basic");
    TCase *errors = tcase_create("errors");
    TCase *limits = tcase_create("limits");
    TCase *paths = tcase_create("paths");
    TCase *robust = tcase_create("robust");

    tcase_add_test(basic, test_http_get_minimal);
    tcase_add_test(basic, test_http_head);
    tcase_add_test(basic, test_http_lf_only);
    tcase_add_test(basic, test_http_leading_empty_lines);
    tcase_add_test(basic, test_http_field_names_any_case);
    tcase_add_test(basic, test_http_keep_alive_rules);
    tcase_add_test(basic, test_http_partial_every_byte);
    tcase_add_test(basic, test_http_pipelined);
    tcase_add_test(basic, test_http_pipelined_split_anywhere);
    tcase_add_test(basic, test_http_minor_version_higher);
    suite_add_tcase(s, basic);

    tcase_add_test(errors, test_http_405);
    tcase_add_test(errors, test_http_501);
    tcase_add_test(errors, test_http_505);
    tcase_add_test(errors, test_http_400_request_line);
    tcase_add_test(errors, test_http_400_early);
    tcase_add_test(errors, test_http_obs_fold_rejected);
    tcase_add_test(errors, test_http_400_field_syntax);
    tcase_add_test(errors, test_http_400_field_value_controls);
    tcase_add_test(errors, test_http_host_rules);
    tcase_add_test(errors, test_http_413_content);
    tcase_add_test(errors, test_http_400_framing);
    suite_add_tcase(s, errors);

    tcase_add_test(limits, test_http_414_request_line_edge);
    tcase_add_test(limits, test_http_414_no_line_end);
    tcase_add_test(limits, test_http_414_path_and_query);
    tcase_add_test(limits, test_http_431_edge);
    tcase_add_test(limits, test_http_431_many_fields);
    tcase_add_test(limits, test_http_431_leading_empty_lines);
    suite_add_tcase(s, limits);

    tcase_add_test(paths, test_http_percent_decoding);
    tcase_add_test(paths, test_http_traversal_refused);
    tcase_add_test(paths, test_http_absolute_form);
    tcase_add_test(paths, test_http_400_target_forms);
    tcase_add_test(paths, test_http_decode_path_direct);
    tcase_add_test(paths, test_http_query_get);
    tcase_add_test(paths, test_http_reason);
    suite_add_tcase(s, paths);

    tcase_add_test(robust, test_http_random_walk);
    suite_add_tcase(s, robust);
    return s;
}
