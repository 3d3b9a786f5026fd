/*
 * ts.h - things every tapstack file needs: error codes, the bounds-checked
 * reader and writer for packet bytes, and address helpers.
 *
 * Network byte order exists only inside packet bytes (CONTRIBUTING.md): fields are
 * read with rd_be16()/rd_be32() into host-order integers and written back with
 * wr_be16()/wr_be32(). Never cast a struct onto packet bytes.
 */
#ifndef TS_H
#define TS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Error codes: negative, returned by stack functions; ts_strerror() names them. */
enum ts_err {
    TS_OK        = 0,
    TS_ETRUNC    = -1,   /* fewer bytes than the header needs */
    TS_EBADLEN   = -2,   /* a length field lies */
    TS_EBADSUM   = -3,   /* checksum does not verify */
    TS_EBADVER   = -4,   /* unsupported version / header length */
    TS_ENOMEM    = -5,   /* a pool or queue is full */
    TS_ENOROUTE  = -6,   /* no route to the destination */
    TS_EINVAL    = -7,   /* bad argument */
    TS_EBADVAL   = -8,   /* a field holds a value we do not accept */
    TS_EIO       = -9,   /* the driver failed */
    TS_EMSGSIZE  = -10,  /* larger than the MTU */
    /* Connection errors (TCP); the socket layer maps each to the errno of the same name. */
    TS_EAGAIN       = -11,  /* nothing to read / no room to write now */
    TS_ECONNREFUSED = -12,  /* RST in answer to our SYN */
    TS_ECONNRESET   = -13,  /* RST on an open connection */
    TS_ETIMEDOUT    = -14,  /* retransmissions gave up */
    TS_ENOTCONN     = -15,  /* not connected */
    TS_EISCONN      = -16,  /* already connected */
    TS_EADDRINUSE   = -17,  /* local address/port taken */
    TS_EPIPE        = -18,  /* write after our side was shut down */
    TS_EINPROGRESS  = -19,  /* non-blocking connect started */
    TS_EALREADY     = -20,  /* connect already in progress */
};
const char *ts_strerror(int err);

/* The value of the hex digit c (0-9, a-f, A-F), or -1: for MAC strings and %XX escapes. */
static inline int
hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/*
 * The reader: a cursor over untrusted bytes with a sticky error flag.
 * Reading past the end sets err and returns 0, so a parser reads all its
 * fields, then checks r.err once.
 */
struct rd {
    const uint8_t *p;
    size_t n;
    size_t off;
    bool err;
};

static inline struct rd
rd_init(const uint8_t *p, size_t n)
{
    struct rd r = { p, n, 0, false };
    return r;
}

static inline size_t
rd_left(const struct rd *r)
{
    return r->err ? 0 : r->n - r->off;
}

static inline bool
rd_need(struct rd *r, size_t k)
{
    if (r->err || r->n - r->off < k) {
        r->err = true;
        return false;
    }
    return true;
}

static inline uint8_t
rd_u8(struct rd *r)
{
    if (!rd_need(r, 1))
        return 0;
    return r->p[r->off++];
}

static inline uint16_t
rd_be16(struct rd *r)
{
    if (!rd_need(r, 2))
        return 0;
    uint16_t v = (uint16_t)((r->p[r->off] << 8) | r->p[r->off + 1]);
    r->off += 2;
    return v;
}

static inline uint32_t
rd_be32(struct rd *r)
{
    if (!rd_need(r, 4))
        return 0;
    uint32_t v = ((uint32_t)r->p[r->off] << 24) | ((uint32_t)r->p[r->off + 1] << 16) |
                 ((uint32_t)r->p[r->off + 2] << 8) | (uint32_t)r->p[r->off + 3];
    r->off += 4;
    return v;
}

/* Copy k bytes out (dst may be NULL to skip them). */
static inline void
rd_bytes(struct rd *r, uint8_t *dst, size_t k)
{
    if (!rd_need(r, k))
        return;
    for (size_t i = 0; i < k; i++) {
        if (dst)
            dst[i] = r->p[r->off + i];
    }
    r->off += k;
}

/* The writer: the same cursor for emitting headers into a buffer we own. */
struct wr {
    uint8_t *p;
    size_t n;
    size_t off;
    bool err;
};

static inline struct wr
wr_init(uint8_t *p, size_t n)
{
    struct wr w = { p, n, 0, false };
    return w;
}

static inline bool
wr_need(struct wr *w, size_t k)
{
    if (w->err || w->n - w->off < k) {
        w->err = true;
        return false;
    }
    return true;
}

static inline void
wr_u8(struct wr *w, uint8_t v)
{
    if (wr_need(w, 1))
        w->p[w->off++] = v;
}

static inline void
wr_be16(struct wr *w, uint16_t v)
{
    if (!wr_need(w, 2))
        return;
    w->p[w->off++] = (uint8_t)(v >> 8);
    w->p[w->off++] = (uint8_t)v;
}

static inline void
wr_be32(struct wr *w, uint32_t v)
{
    if (!wr_need(w, 4))
        return;
    w->p[w->off++] = (uint8_t)(v >> 24);
    w->p[w->off++] = (uint8_t)(v >> 16);
    w->p[w->off++] = (uint8_t)(v >> 8);
    w->p[w->off++] = (uint8_t)v;
}

static inline void
wr_bytes(struct wr *w, const uint8_t *src, size_t k)
{
    if (!wr_need(w, k))
        return;
    for (size_t i = 0; i < k; i++)
        w->p[w->off++] = src[i];
}

/* Store a host-order value big-endian at p (for patching a checksum field). */
static inline void
put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

/* Addresses are host-order uint32_t; these format them into caller buffers. */
#define IP4_STRLEN  16
#define MAC_STRLEN  18
#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
                         ((uint32_t)(c) << 8) | (uint32_t)(d))
char *ip4_str(uint32_t ip, char buf[IP4_STRLEN]);
char *mac_str(const uint8_t mac[6], char buf[MAC_STRLEN]);
/* Parse "a.b.c.d" / "aa:bb:cc:dd:ee:ff"; 0 on success, TS_EINVAL otherwise. */
int ip4_parse_str(const char *s, uint32_t *ip);
int mac_parse_str(const char *s, uint8_t mac[6]);

static inline uint32_t
prefix_mask(unsigned prefix)
{
    return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
