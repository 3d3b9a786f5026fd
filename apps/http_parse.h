/*
 * http_parse.h - the HTTP/1.1 request head (RFC 9112 2-7, RFC 9110) as a pure
 * function: bytes in, a validated struct out, or the status code that tells
 * the client what was wrong. No I/O, no allocation, no global state, so the
 * unit tests and a fuzzer call it exactly as the server (apps/http.c) does.
 *
 * What it takes: GET and HEAD, HTTP/1.0 and HTTP/1.1, origin-form and
 * absolute-form targets, persistence by version and Connection. What it
 * refuses, and with which status, is listed above http_parse_request().
 * Left out on purpose: request content (this server takes none: 413),
 * obs-fold (400), trailers, Expect, Range (a full 200 is always allowed).
 */
#ifndef TS_HTTP_PARSE_H
#define TS_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* Limits: each one is the largest accepted; one byte more gets the status named. */
#define HTTP_REQ_LINE_MAX  8192    /* request line without its CRLF           -> 414 */
#define HTTP_HEAD_MAX      16384   /* request line + fields + empty line      -> 431 */
#define HTTP_PATH_MAX      4096    /* the path once percent-decoded           -> 414 */
#define HTTP_QUERY_MAX     1024    /* the query, still encoded                -> 414 */
#define HTTP_HOST_MAX      256     /* the Host field (or the target's authority) -> 400 */

/* http_parse_request()'s "not yet": the head is incomplete and nothing is wrong so far. */
#define HTTP_NEED_MORE 0

enum http_method {
    HTTP_METHOD_NONE,         /* the request line was not parsed (yet) */
    HTTP_GET,
    HTTP_HEAD,
    HTTP_OTHER,               /* any other method: the request gets 405 or 501 */
};

/* A parsed request head, host strings NUL-terminated, no pointer into the input. */
struct http_req {
    enum http_method method;
    unsigned version;         /* 10 = HTTP/1.0, 11 = HTTP/1.1 (1.2..1.9 read as 1.1) */
    bool keep_alive;          /* RFC 9112 9.3: the connection persists after the response */
    char path[HTTP_PATH_MAX]; /* decoded; begins with '/'; no NUL, no "." or ".." segment */
    char query[HTTP_QUERY_MAX]; /* what followed '?', still percent-encoded; "" if none */
    char host[HTTP_HOST_MAX]; /* Host field or the absolute-form authority; "" if none */
};

/*
 * Parse the request head at the start of buf[0..len). Bytes after the head
 * (pipelined requests) are left alone: call again on what follows.
 *
 * Returns
 *   > 0             the head is complete and valid: the number of bytes it took
 *                   (empty lines before it included); *req is filled in.
 *   HTTP_NEED_MORE  incomplete, nothing wrong yet: read more and call again.
 *   < 0             minus an HTTP status code, to be answered and followed by
 *                   closing the connection (the rest of the input is not framed):
 *     -400  malformed request line or field line, bare CR, obs-fold, NUL or
 *           other control byte, missing or repeated Host (HTTP/1.1), bad or
 *           conflicting Content-Length, Transfer-Encoding with HTTP/1.0 or with
 *           Content-Length, bad percent-encoding, %00, an encoded '/' or '\',
 *           a "." or ".." segment (raw or encoded), a target that is not
 *           origin-form or absolute-form "http://".
 *     -405  a method RFC 9110 defines, other than GET and HEAD (send Allow: GET, HEAD)
 *     -413  GET/HEAD with content (Content-Length > 0, or any Transfer-Encoding):
 *           this server takes none and does not read it
 *     -414  request line over HTTP_REQ_LINE_MAX, path or query over their maxima
 *     -431  no end of the head within HTTP_HEAD_MAX bytes
 *     -501  a method nobody defined (methods are case-sensitive: "get" is one)
 *     -505  a major version other than 1 (HTTP/2.0, HTTP/3, HTTP/0.9)
 *   Request-line errors (400/414/505) are reported as soon as that line is
 *   complete, before the fields arrive. After an error req->method and
 *   req->version hold what was read (a HEAD's error response has no content).
 */
int http_parse_request(const char *buf, size_t len, struct http_req *req);

/*
 * Percent-decode a path (RFC 3986 2.1) from src[0..n) into dst (room for cap
 * bytes, NUL-terminated) and check it is safe to use under a document root.
 * 0, -400 (bad escape, NUL, control byte, encoded '/' or '\', "." or ".."
 * segment, not beginning with '/') or -414 (longer than cap - 1).
 */
int http_decode_path(const char *src, size_t n, char *dst, size_t cap);

/* The reason phrase of a status code (RFC 9110 15), "Unknown" for others. */
const char *http_reason(int status);

/*
 * Find name=value among the &-separated pairs of a query and copy the value
 * (still encoded, at most cap - 1 bytes) to val. true if the name is there.
 */
bool http_query_get(const char *query, const char *name, char *val, size_t cap);

#endif
