/*
 * tcp_wire.c - the TCP segment on the wire (RFC 9293 3.1): tcp_parse reads a
 * header and its options, tcp_emit writes one; neither keeps state or sends.
 * Also the trace's text for flags and options, as tcpdump prints them.
 *
 * Options we read and write (TCPOPT_* in tcp.h): end of list, no-operation,
 * MSS (RFC 9293 3.2), SACK-permitted and SACK (RFC 2018). Unknown kinds are
 * skipped by their length.
 */
#include "tcp.h"

#include <stdio.h>

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Options                    |    Padding    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Options are (kind) or (kind, length, data...), padded to a multiple of 4.
 */

int
tcp_parse(const uint8_t *b, size_t n, struct tcp_hdr *h)
{
    struct rd r = rd_init(b, n);
    uint8_t off;

    h->sport = rd_be16(&r);
    h->dport = rd_be16(&r);
    h->seq = rd_be32(&r);
    h->ack = rd_be32(&r);
    off = rd_u8(&r);
    h->flags = rd_u8(&r) & 0x3f;
    h->wnd = rd_be16(&r);
    h->csum = rd_be16(&r);
    h->urp = rd_be16(&r);
    h->hlen = (uint8_t)((off >> 4) * 4);
    h->mss = 0;
    h->sack_perm = false;
    h->sack_bad = false;
    h->nsack = 0;
    if (r.err)
        return TS_ETRUNC;
    if (h->hlen < TCP_HDR_MIN || h->hlen > n)
        return TS_EBADLEN;                /* data offset lies */
    /* Options (RFC 9293 3.1): skip unknown kinds by their length, refuse bad lengths. */
    for (size_t i = TCP_HDR_MIN; i < h->hlen;) {
        uint8_t kind = b[i], len;

        if (kind == TCPOPT_EOL)
            break;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= h->hlen)
            return TS_EBADVAL;
        len = b[i + 1];
        /* RFC 9293 3.1: MUST handle an illegal option length (e.g. zero) without harm. */
        if (len < 2 || i + len > h->hlen)
            return TS_EBADVAL;
        if (kind == TCPOPT_MSS) {
            if (len != TCPOLEN_MSS)
                return TS_EBADVAL;
            h->mss = get_be16(b + i + 2);
        } else if (kind == TCPOPT_SACK_PERM && len == TCPOLEN_SACK_PERM) {
            h->sack_perm = true;          /* RFC 2018 2: SACK-permitted */
        } else if (kind == TCPOPT_SACK) {
            /* RFC 2018 3: 1 to 4 blocks of left and right edge. Another length is
             * ignored: the segment's ACK is still good. */
            if ((len - 2) % 8 != 0 || len < 10 || (len - 2) / 8 > TCP_SACK_MAX) {
                h->sack_bad = true;
                h->nsack = 0;
            } else {
                struct rd o = rd_init(b + i + 2, (size_t)len - 2);

                h->nsack = (uint8_t)((len - 2) / 8);
                for (unsigned k = 0; k < h->nsack; k++) {
                    h->sack[k].start = rd_be32(&o);
                    h->sack[k].end = rd_be32(&o);
                }
            }
        }
        i += len;
    }
    return TS_OK;
}

/* The header length tcp_emit writes for h: 20 bytes and the options h asks for. */
size_t
tcp_emit_len(const struct tcp_hdr *h)
{
    size_t n = TCP_HDR_MIN;

    if (h->mss)
        n += TCPOLEN_MSS;
    if (h->sack_perm)
        n += 2 + TCPOLEN_SACK_PERM;       /* NOP, NOP first: a multiple of 4 */
    if (h->nsack)
        n += 2 + 2 + 8 * (size_t)h->nsack;  /* NOP, NOP, kind, length, the blocks */
    return n;
}

/*
 * Write h's header into b (tcp_emit_len(h) bytes): the fixed fields, then the
 * MSS, SACK-permitted and SACK options h holds. The ACK field is 0 unless the
 * ACK flag is set; the checksum is left 0 for the caller, since it covers the
 * data and the pseudo-header (RFC 9293 3.1).
 */
void
tcp_emit(uint8_t *b, const struct tcp_hdr *h)
{
    size_t hlen = tcp_emit_len(h);
    struct wr w = wr_init(b, hlen);

    wr_be16(&w, h->sport);
    wr_be16(&w, h->dport);
    wr_be32(&w, h->seq);
    wr_be32(&w, (h->flags & TCP_ACK) ? h->ack : 0);
    wr_u8(&w, (uint8_t)((hlen / 4) << 4));
    wr_u8(&w, h->flags);
    wr_be16(&w, h->wnd);
    wr_be16(&w, 0);                       /* checksum: the caller's */
    wr_be16(&w, 0);                       /* urgent pointer: we never send urgent data */
    if (h->mss) {
        wr_u8(&w, TCPOPT_MSS);
        wr_u8(&w, TCPOLEN_MSS);
        wr_be16(&w, h->mss);
    }
    if (h->sack_perm) {
        wr_u8(&w, TCPOPT_NOP);
        wr_u8(&w, TCPOPT_NOP);
        wr_u8(&w, TCPOPT_SACK_PERM);
        wr_u8(&w, TCPOLEN_SACK_PERM);
    }
    if (h->nsack) {
        wr_u8(&w, TCPOPT_NOP);            /* the blocks stay 32-bit aligned */
        wr_u8(&w, TCPOPT_NOP);
        wr_u8(&w, TCPOPT_SACK);
        wr_u8(&w, (uint8_t)(2 + 8 * h->nsack));
        for (unsigned i = 0; i < h->nsack; i++) {
            wr_be32(&w, h->sack[i].start);
            wr_be32(&w, h->sack[i].end);
        }
    }
}
void
tcp_flags_str(uint8_t f, char out[8])
{
    int i = 0;

    if (f & TCP_SYN) out[i++] = 'S';
    if (f & TCP_FIN) out[i++] = 'F';
    if (f & TCP_RST) out[i++] = 'R';
    if (f & TCP_PSH) out[i++] = 'P';
    if (f & TCP_ACK) out[i++] = '.';
    if (f & TCP_URG) out[i++] = 'U';
    out[i] = '\0';
}

/*
 * The options of a segment as tcpdump shows them, for the trace:
 * " <mss 1460,sackOK>", " <sack 1001-2461 3921-5381>", or "" when none.
 */
void
tcp_opts_str(const struct tcp_hdr *h, char *out, size_t n)
{
    size_t k = 0;
    const char *sep = " <";

    out[0] = '\0';
    if (h->mss) {
        k += (size_t)snprintf(out + k, n - k, "%smss %u", sep, h->mss);
        sep = ",";
    }
    if (h->sack_perm && k < n) {
        k += (size_t)snprintf(out + k, n - k, "%ssackOK", sep);
        sep = ",";
    }
    for (unsigned i = 0; i < h->nsack && k < n; i++) {
        k += (size_t)snprintf(out + k, n - k, "%s%u-%u", i == 0 ? (*sep == ',' ? ",sack " :
                              " <sack ") : " ", h->sack[i].start, h->sack[i].end);
        sep = ",";
    }
    if (k > 0 && k < n)
        snprintf(out + k, n - k, ">");
}
