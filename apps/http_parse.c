/*
 * http_parse.c - the request head of HTTP/1.1 (RFC 9112) checked byte by
 * byte: request line, field lines, the few fields the server acts on (Host,
 * Connection, Content-Length, Transfer-Encoding), the target decoded into a
 * path that is safe under a document root (RFC 3986 2.1, 3.3, 5.2.4).
 *
 * Pure functions over (pointer, length): nothing here reads past len, writes
 * past a buffer's size, allocates or keeps state. Called by apps/http.c, the
 * unit tests (tests/unit/test_http.c) and fuzzers. The order of the checks is
 * the classic one: size, then syntax, then meaning.
 */
#define _GNU_SOURCE               /* memmem */
#include "http_parse.h"
#include "../stack/ts.h"              /* hex_digit */

#include <stdint.h>
#include <string.h>

/* Character classes ------------------------------------------------------- */

/* RFC 9110 5.6.2: tchar, the bytes of a token (method, field name). */
static bool
is_tchar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool
is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static unsigned char
ascii_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* s[0..n) equals the lower-case literal lit, ignoring ASCII case (field names: RFC 9110 5.1). */
static bool
ieq(const char *s, size_t n, const char *lit)
{
    size_t k = strlen(lit);

    if (n != k)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (ascii_lower((unsigned char)s[i]) != (unsigned char)lit[i])
            return false;
    }
    return true;
}

/* What the field lines said, before it is judged as a whole. */
struct fields {
    unsigned hosts;           /* Host field lines seen */
    bool conn_close;          /* "close" among the Connection options */
    bool conn_keep_alive;     /* "keep-alive" among them (HTTP/1.0 persistence) */
    bool has_length;          /* a Content-Length was given */
    uint64_t length;          /* its value (capped: anything huge stays > 0) */
    bool has_te;              /* a Transfer-Encoding was given */
};

/* Request line (RFC 9112 3) ----------------------------------------------- */

/* The methods RFC 9110 9.3 and RFC 5789 define: these get 405, any other 501. */
static bool
method_is_known(const char *m, size_t n)
{
    static const char *const known[] = {
        "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
    };

    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (n == strlen(known[i]) && memcmp(m, known[i], n) == 0)
            return true;
    }
    return false;
}

/* HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 2.3). 0, -400 or -505. */
static int
parse_version(const char *v, size_t n, unsigned *version)
{
    if (n < 6 || memcmp(v, "HTTP/", 5) != 0 || !is_digit((unsigned char)v[5]))
        return -400;                        /* RFC 9112 2.3: HTTP-name is case-sensitive */
    if (n == 6)                             /* "HTTP/2", "HTTP/3": a bare major version */
        return v[5] == '1' ? -400 : -505;
    if (n != 8 || v[6] != '.' || !is_digit((unsigned char)v[7]))
        return -400;
    if (v[5] != '1')
        return -505;                        /* RFC 9110 15.6.6: major version not supported */
    /* RFC 9110 6.2: a higher minor version is answered as the highest we speak, 1.1 */
    *version = v[7] == '0' ? 10 : 11;
    return 0;
}

/*
 * request-line = method SP request-target SP HTTP-version (RFC 9112 3), with
 * single spaces: a recipient may be lenient about whitespace, this one is not.
 * Sets req->method and version, *target and *tlen (offsets into line) and
 * *method_status (0, 405 or 501, judged once the head is complete).
 */
static int
parse_request_line(const char *line, size_t n, struct http_req *req, size_t *target,
                   size_t *tlen, int *method_status)
{
    const char *sp1 = memchr(line, ' ', n), *sp2;
    size_t mlen, vstart;

    if (sp1 == NULL || sp1 == line)
        return -400;                        /* RFC 9112 3: method is a non-empty token */
    mlen = (size_t)(sp1 - line);
    for (size_t i = 0; i < mlen; i++) {
        if (!is_tchar((unsigned char)line[i]))
            return -400;                    /* RFC 9110 9.1: method = token */
    }
    /* RFC 9110 9.1: methods are case-sensitive, "get" is not GET */
    if (mlen == 3 && memcmp(line, "GET", 3) == 0) {
        req->method = HTTP_GET;
    } else if (mlen == 4 && memcmp(line, "HEAD", 4) == 0) {
        req->method = HTTP_HEAD;
    } else {
        req->method = HTTP_OTHER;
        *method_status = method_is_known(line, mlen) ? 405 : 501;
    }

    *target = mlen + 1;
    sp2 = memchr(line + *target, ' ', n - *target);
    if (sp2 == NULL)
        return -400;                        /* HTTP/0.9's "GET /": no version */
    *tlen = (size_t)(sp2 - line) - *target;
    if (*tlen == 0)
        return -400;                        /* RFC 9112 3: two spaces in a row */
    for (size_t i = *target; i < *target + *tlen; i++) {
        unsigned char c = (unsigned char)line[i];

        if (c < 0x21 || c == 0x7f)
            return -400;                    /* RFC 9112 3.2: no whitespace, no CTL, no NUL */
    }
    vstart = (size_t)(sp2 - line) + 1;
    if (memchr(line + vstart, ' ', n - vstart) != NULL)
        return -400;                        /* a third space: "GET /a b HTTP/1.1" */
    return parse_version(line + vstart, n - vstart, &req->version);
}

/* Field lines (RFC 9112 5, RFC 9110 5) ------------------------------------ */

/* Host = uri-host [ ":" port ] (RFC 9110 7.2): the bytes a reg-name, IP literal and port use. */
static bool
host_is_valid(const char *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)h[i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
              strchr("-._~!$&'()*+,;=:[]%", c) != NULL) || c == '\0')
            return false;
    }
    return true;
}

static int
copy_host(const char *h, size_t n, struct http_req *req)
{
    if (n >= sizeof(req->host) || !host_is_valid(h, n))
        return -400;                        /* RFC 9112 3.2: an invalid Host is a 400 */
    memcpy(req->host, h, n);
    req->host[n] = '\0';
    return 0;
}

/* Connection = #connection-option (RFC 9110 7.6.1): a comma list of tokens, any case. */
static void
parse_connection(const char *v, size_t n, struct fields *f)
{
    size_t i = 0;

    while (i < n) {
        size_t start, end;

        while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        start = i;
        while (i < n && v[i] != ',')
            i++;
        end = i;
        while (end > start && (v[end - 1] == ' ' || v[end - 1] == '\t'))
            end--;
        if (ieq(v + start, end - start, "close"))
            f->conn_close = true;
        else if (ieq(v + start, end - start, "keep-alive"))
            f->conn_keep_alive = true;
    }
}

/* Content-Length = 1*DIGIT (RFC 9110 8.6). 0 or -400. */
static int
parse_content_length(const char *v, size_t n, struct fields *f)
{
    uint64_t len = 0;

    if (n == 0)
        return -400;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit((unsigned char)v[i]))
            return -400;                    /* RFC 9112 6.3: invalid length: 400 and close */
        if (len < UINT64_MAX / 100)         /* past that it is huge anyway: stop growing */
            len = len * 10 + (uint64_t)(v[i] - '0');
    }
    if (f->has_length && f->length != len)
        return -400;                        /* RFC 9112 6.3: differing lengths: 400 */
    f->has_length = true;
    f->length = len;
    return 0;
}

/* field-line = field-name ":" OWS field-value OWS (RFC 9112 5). 0 or -400. */
static int
parse_field(const char *line, size_t n, struct fields *f, struct http_req *req)
{
    const char *colon;
    size_t nlen, vs, ve;

    if (line[0] == ' ' || line[0] == '\t')
        return -400;                        /* RFC 9112 5.2: obs-fold: reject with 400 */
    colon = memchr(line, ':', n);
    if (colon == NULL || colon == line)
        return -400;                        /* RFC 9112 5: a field needs a name and a colon */
    nlen = (size_t)(colon - line);
    for (size_t i = 0; i < nlen; i++) {
        if (!is_tchar((unsigned char)line[i]))
            return -400;                    /* RFC 9112 5.1: no whitespace before the colon */
    }
    vs = nlen + 1;
    ve = n;
    while (vs < ve && (line[vs] == ' ' || line[vs] == '\t'))
        vs++;
    while (ve > vs && (line[ve - 1] == ' ' || line[ve - 1] == '\t'))
        ve--;
    for (size_t i = vs; i < ve; i++) {
        unsigned char c = (unsigned char)line[i];

        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return -400;                    /* RFC 9110 5.5: CR, LF, NUL in a value: reject */
    }

    if (ieq(line, nlen, "host")) {
        if (++f->hosts > 1)
            return -400;                    /* RFC 9112 3.2: more than one Host: 400 */
        return copy_host(line + vs, ve - vs, req);
    }
    if (ieq(line, nlen, "connection")) {
        parse_connection(line + vs, ve - vs, f);
        return 0;
    }
    if (ieq(line, nlen, "content-length"))
        return parse_content_length(line + vs, ve - vs, f);
    if (ieq(line, nlen, "transfer-encoding"))
        f->has_te = true;
    return 0;
}

/* The target (RFC 9112 3.2) ----------------------------------------------- */

static int
decode_path(const char *src, size_t n, char *dst, size_t cap)
{
    size_t j = 0, seg;

    if (cap == 0)
        return -414;
    dst[0] = '\0';
    if (n == 0 || src[0] != '/')
        return -400;                        /* RFC 9112 3.2.1: absolute-path begins with '/' */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c == '%') {
            int hi, lo;

            if (n - i < 3)
                return -400;                /* RFC 3986 2.1: '%' needs two hex digits */
            hi = hex_digit((unsigned char)src[i + 1]);
            lo = hex_digit((unsigned char)src[i + 2]);
            if (hi < 0 || lo < 0)
                return -400;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
            if (c == '/' || c == '\\')
                return -400;                /* an encoded separator would hide a segment */
        }
        if (c < 0x20 || c == 0x7f || c == '\\')
            return -400;                    /* NUL (ends a C path), controls, '\\' */
        if (j + 1 >= cap)
            return -414;
        dst[j++] = (char)c;
    }
    dst[j] = '\0';
    /* RFC 3986 3.3: "." and ".." are dot-segments; refused, never resolved against the root */
    seg = 1;
    for (size_t i = 1; i <= j; i++) {
        if (i == j || dst[i] == '/') {
            size_t len = i - seg;

            if ((len == 1 && dst[seg] == '.') || (len == 2 && dst[seg] == '.' &&
                                                  dst[seg + 1] == '.'))
                return -400;
            seg = i + 1;
        }
    }
    return 0;
}

/* On an error dst holds "" (never a half-decoded path). */
int
http_decode_path(const char *src, size_t n, char *dst, size_t cap)
{
    int rc = decode_path(src, n, dst, cap);

    if (rc < 0 && cap > 0)
        dst[0] = '\0';
    return rc;
}

/* origin-form or absolute-form "http://authority/path?query" (RFC 9112 3.2.1, 3.2.2). */
static int
parse_target(const char *t, size_t n, struct http_req *req)
{
    const char *q;
    size_t plen;
    int rc;

    if (memchr(t, '#', n) != NULL)
        return -400;                        /* RFC 9112 3.2: a target carries no fragment */
    if (n >= 7 && ieq(t, 7, "http://")) {
        size_t e = 7;

        while (e < n && t[e] != '/' && t[e] != '?')
            e++;
        if (e == 7)
            return -400;                    /* RFC 9110 4.2.1: an http URI has a host */
        /* RFC 9112 3.2.2: the target's authority replaces any Host field */
        rc = copy_host(t + 7, e - 7, req);
        if (rc < 0)
            return rc;
        t += e;                             /* what is left is empty, "/..." or "?..." */
        n -= e;
    } else if (t[0] != '/') {
        return -400;                        /* asterisk-form, authority-form: not for GET */
    }
    q = memchr(t, '?', n);
    plen = q ? (size_t)(q - t) : n;
    if (plen == 0)                          /* RFC 9112 3.2.1: an empty path means "/" */
        rc = http_decode_path("/", 1, req->path, sizeof(req->path));
    else
        rc = http_decode_path(t, plen, req->path, sizeof(req->path));
    if (rc < 0)
        return rc;
    if (q != NULL) {
        size_t qlen = n - plen - 1;

        if (qlen >= sizeof(req->query))
            return -414;
        memcpy(req->query, q + 1, qlen);
        req->query[qlen] = '\0';
    }
    return 0;
}

/* The head ----------------------------------------------------------------- */

/* Where the empty line ending the head ends (offset after its LF), searching from the request
 * line's LF at `from`; 0 if it has not arrived. LF alone is accepted as a line end. */
static size_t
find_head_end(const char *buf, size_t len, size_t from)
{
    const char *crlf = memmem(buf + from, len - from, "\n\r\n", 3);
    const char *lf = memmem(buf + from, len - from, "\n\n", 2);

    if (crlf && (lf == NULL || crlf < lf))
        return (size_t)(crlf - buf) + 3;
    if (lf)
        return (size_t)(lf - buf) + 2;
    return 0;
}

int
http_parse_request(const char *buf, size_t len, struct http_req *req)
{
    struct fields f;
    size_t pos = 0, avail, look, line_len, rl_lf, head_end, target = 0, tlen = 0;
    const char *nl;
    int rc, method_status = 0;

    memset(&f, 0, sizeof(f));
    req->method = HTTP_METHOD_NONE;
    req->version = 11;
    req->keep_alive = false;
    req->path[0] = req->query[0] = req->host[0] = '\0';

    /* Size first: a head lies within the first HTTP_HEAD_MAX bytes, and what follows them
     * cannot change the answer (else it would depend on how the reads split the bytes). */
    if (len > HTTP_HEAD_MAX)
        len = HTTP_HEAD_MAX;

    /* RFC 9112 2.2: ignore empty lines received before the request line */
    while (pos < len && (buf[pos] == '\n' ||
                         (buf[pos] == '\r' && pos + 1 < len && buf[pos + 1] == '\n')))
        pos += buf[pos] == '\r' ? 2 : 1;
    /* ... but they count towards the head's size, or an endless stream of them would be
     * answered differently depending on where the reads split it (found by fuzz_http). */
    if (pos >= HTTP_HEAD_MAX)
        return -431;

    /* Size first: the request line must end within HTTP_REQ_LINE_MAX (+ CRLF) bytes. */
    avail = len - pos;
    look = avail < HTTP_REQ_LINE_MAX + 2 ? avail : HTTP_REQ_LINE_MAX + 2;
    nl = memchr(buf + pos, '\n', look);
    if (nl == NULL) {
        if (avail > HTTP_REQ_LINE_MAX + 1 ||
            (avail == HTTP_REQ_LINE_MAX + 1 && buf[pos + HTTP_REQ_LINE_MAX] != '\r'))
            return -414;                    /* RFC 9112 3: a line longer than we read: 414 */
        return len >= HTTP_HEAD_MAX ? -431 : HTTP_NEED_MORE;
    }
    rl_lf = (size_t)(nl - buf);
    line_len = rl_lf - pos;
    if (line_len > 0 && buf[pos + line_len - 1] == '\r')
        line_len--;                         /* RFC 9112 2.2: CRLF, or LF alone */
    if (line_len > HTTP_REQ_LINE_MAX)
        return -414;
    rc = parse_request_line(buf + pos, line_len, req, &target, &tlen, &method_status);
    if (rc < 0)
        return rc;
    target += pos;

    /* The whole head, then the field lines one by one. */
    head_end = find_head_end(buf, len, rl_lf);
    if (head_end == 0 || head_end > HTTP_HEAD_MAX)
        return (len >= HTTP_HEAD_MAX || head_end > HTTP_HEAD_MAX) ? -431 : HTTP_NEED_MORE;
    pos = rl_lf + 1;
    while (pos < head_end) {
        size_t end = (size_t)((const char *)memchr(buf + pos, '\n', head_end - pos) - buf);
        size_t n = end - pos;

        if (n > 0 && buf[pos + n - 1] == '\r')
            n--;
        if (n == 0)
            break;                          /* the empty line: end of the head */
        if (memchr(buf + pos, '\r', n) != NULL)
            return -400;                    /* RFC 9112 2.2: a bare CR is invalid */
        rc = parse_field(buf + pos, n, &f, req);
        if (rc < 0)
            return rc;
        pos = end + 1;
    }

    /* Then the meaning of the whole. */
    if (req->version == 11 && f.hosts == 0)
        return -400;                        /* RFC 9112 3.2: HTTP/1.1 without Host: 400 */
    if (f.has_te && (f.has_length || req->version == 10))
        return -400;                        /* RFC 9112 6.1: TE with CL, or in 1.0: bad framing */
    if (method_status)
        return -method_status;              /* RFC 9110 15.5.6 / 15.6.2: 405 or 501 */
    if (f.has_te || f.length > 0)
        return -413;                        /* RFC 9110 9.3.1: GET content has no meaning here */
    rc = parse_target(buf + target, tlen, req);
    if (rc < 0)
        return rc;
    /* RFC 9112 9.3: "close" ends it; else 1.1 persists, 1.0 only with "keep-alive" */
    req->keep_alive = !f.conn_close && (req->version >= 11 || f.conn_keep_alive);
    return (int)head_end;
}

/* Helpers for the server ---------------------------------------------------- */

const char *
http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default:  return "Unknown";
    }
}

bool
http_query_get(const char *query, const char *name, char *val, size_t cap)
{
    size_t nlen = strlen(name);
    const char *p = query;

    while (*p) {
        const char *amp = strchr(p, '&');
        size_t plen = amp ? (size_t)(amp - p) : strlen(p);

        if (plen >= nlen && memcmp(p, name, nlen) == 0 && (plen == nlen || p[nlen] == '=')) {
            size_t vlen = plen > nlen ? plen - nlen - 1 : 0;

            if (cap > 0) {
                if (vlen >= cap)
                    vlen = cap - 1;
                memcpy(val, p + (plen > nlen ? nlen + 1 : nlen), vlen);
                val[vlen] = '\0';
            }
            return true;
        }
        if (amp == NULL)
            break;
        p = amp + 1;
    }
    return false;
}
