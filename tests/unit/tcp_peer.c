/*
 * tcp_peer.c - the TCP tests' peer (tcp_peer.h).
 */
#include "tcp_peer.h"

#include "../../drivers/capture.h"

#include <string.h>

/* Build a TCP segment from the peer and inject it. opts/optlen: raw options. */
void
peer_send_opts(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
               uint16_t wnd, const uint8_t *opts, size_t optlen, const uint8_t *data, size_t n)
{
    uint8_t seg[UT_FRAME_MAX], pseudo[UT_FRAME_MAX + 12], f[UT_FRAME_MAX];
    size_t hlen = 20 + optlen, len = hlen + n;
    struct ut_ip ip = { .src = UT_IP_GW, .dst = UT_IP_US, .proto = 6 };
    uint16_t c;

    memset(seg, 0, hlen);
    seg[0] = (uint8_t)(sport >> 8); seg[1] = (uint8_t)sport;
    seg[2] = (uint8_t)(dport >> 8); seg[3] = (uint8_t)dport;
    for (int i = 0; i < 4; i++) {
        seg[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
        seg[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
    }
    seg[12] = (uint8_t)((hlen / 4) << 4);
    seg[13] = flags;
    seg[14] = (uint8_t)(wnd >> 8); seg[15] = (uint8_t)wnd;
    if (optlen)
        memcpy(seg + 20, opts, optlen);
    if (n)
        memcpy(seg + hlen, data, n);
    /* RFC 9293 3.1 pseudo-header: src, dst, zero, protocol, TCP length. */
    pseudo[0] = 10; pseudo[1] = 0; pseudo[2] = 0; pseudo[3] = 1;
    pseudo[4] = 10; pseudo[5] = 0; pseudo[6] = 0; pseudo[7] = 2;
    pseudo[8] = 0; pseudo[9] = 6;
    pseudo[10] = (uint8_t)(len >> 8); pseudo[11] = (uint8_t)len;
    memcpy(pseudo + 12, seg, len);
    c = ut_csum(pseudo, len + 12);
    seg[16] = (uint8_t)(c >> 8); seg[17] = (uint8_t)c;
    ut_inject(f, ut_ipv4_frame(f, ut_mac_us, ut_mac_gw, &ip, seg, len));
}

void
peer_send(uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, const void *data, size_t n)
{
    peer_send_opts(PEER_PORT, OUR_PORT, seq, ack, flags, wnd, NULL, 0, data, n);
}

void
peer_syn(uint16_t dport, uint32_t seq, uint16_t mss)
{
    uint8_t opt[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };

    peer_send_opts(PEER_PORT, dport, seq, 0, TCP_SYN, 65535, opt, 4, NULL, 0);
}

/*
 * Pop the next segment the stack sent; assert it is TCP with valid IP and TCP
 * checksums. ARP requests on the way (the cache expires during long virtual
 * waits) are answered as the peer would, and skipped.
 */
void
pop_seg(struct seg *s)
{
    uint8_t f[UT_FRAME_MAX], pseudo[UT_FRAME_MAX + 12];
    const uint8_t *ip, *t;
    size_t len, ihl, total, l4len, hlen;

    for (;;) {
        len = ut_pop(f);
        ck_assert_msg(len > 0, "expected a segment, none was sent");
        if (f[12] == 0x08 && f[13] == 0x06) {
            uint8_t r[UT_FRAME_MAX];

            ut_inject(r, ut_arp_frame(r, ut_mac_us, ut_mac_gw, 2, ut_mac_gw, UT_IP_GW, ut_mac_us,
                                      UT_IP_US));
            continue;
        }
        break;
    }
    ck_assert(f[12] == 0x08 && f[13] == 0x00);
    ip = f + 14;
    ihl = (size_t)(ip[0] & 0x0f) * 4;
    total = (size_t)(ip[2] << 8 | ip[3]);
    ck_assert_uint_eq(ut_csum(ip, ihl), 0);
    ck_assert_uint_eq(ip[9], 6);
    t = ip + ihl;
    l4len = total - ihl;
    ck_assert_uint_ge(l4len, 20);
    s->sport = (uint16_t)(t[0] << 8 | t[1]);
    s->dport = (uint16_t)(t[2] << 8 | t[3]);
    s->seq = (uint32_t)t[4] << 24 | (uint32_t)t[5] << 16 | (uint32_t)t[6] << 8 | t[7];
    s->ack = (uint32_t)t[8] << 24 | (uint32_t)t[9] << 16 | (uint32_t)t[10] << 8 | t[11];
    hlen = (size_t)(t[12] >> 4) * 4;
    s->flags = t[13];
    s->wnd = (uint16_t)(t[14] << 8 | t[15]);
    s->mss = 0;
    s->sack_perm = false;
    s->nsack = 0;
    s->optlen = hlen - 20;
    memcpy(s->opts, t + 20, s->optlen);
    /* Options, walked here with the tests' own code: MSS, SACK-permitted, SACK. */
    for (size_t i = 20; i < hlen;) {
        if (t[i] == 0)
            break;
        if (t[i] == 1) {
            i++;
            continue;
        }
        ck_assert_uint_ge(t[i + 1], 2);
        if (t[i] == 2 && t[i + 1] == 4)
            s->mss = (uint16_t)(t[i + 2] << 8 | t[i + 3]);
        if (t[i] == 4 && t[i + 1] == 2)
            s->sack_perm = true;
        if (t[i] == 5) {
            ck_assert_int_eq((t[i + 1] - 2) % 8, 0);
            s->nsack = (unsigned)(t[i + 1] - 2) / 8;
            for (unsigned k = 0; k < s->nsack; k++) {
                const uint8_t *e = t + i + 2 + 8 * k;

                s->sack[k][0] = (uint32_t)e[0] << 24 | (uint32_t)e[1] << 16 |
                                (uint32_t)e[2] << 8 | e[3];
                s->sack[k][1] = (uint32_t)e[4] << 24 | (uint32_t)e[5] << 16 |
                                (uint32_t)e[6] << 8 | e[7];
            }
        }
        i += t[i + 1];
    }
    s->dlen = l4len - hlen;
    memcpy(s->data, t + hlen, s->dlen);
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0; pseudo[9] = 6;
    pseudo[10] = (uint8_t)(l4len >> 8); pseudo[11] = (uint8_t)l4len;
    memcpy(pseudo + 12, t, l4len);
    ck_assert_msg(ut_csum(pseudo, l4len + 12) == 0, "bad TCP checksum on a sent segment");
}

/* Answer pending ARP requests; true if a TCP segment is waiting. */
bool
seg_waiting(void)
{
    return capture_count() > 0;
}

void
no_more_frames(void)
{
    uint8_t f[UT_FRAME_MAX];

    ck_assert_uint_eq(ut_pop(f), 0);
}

struct tcp_pcb *
listener(void)
{
    struct tcp_pcb *l = tcp_new();

    ck_assert_ptr_nonnull(l);
    ck_assert_int_eq(tcp_bind(l, 0, OUR_PORT, false), TS_OK);
    ck_assert_int_eq(tcp_listen(l, 4), TS_OK);
    return l;
}

/* Passive open with the peer's ISN `irs`; returns the accepted connection, our ISS in *iss. */
struct tcp_pcb *
open_passive(uint32_t irs, uint32_t *iss)
{
    struct tcp_pcb *l = listener(), *c;
    struct seg s;

    ut_learn(UT_IP_GW, ut_mac_gw);
    peer_syn(OUR_PORT, irs, 1460);
    pop_seg(&s);
    ck_assert_uint_eq(s.flags, TCP_SYN | TCP_ACK);
    ck_assert_uint_eq(s.ack, irs + 1);
    *iss = s.seq;
    peer_send(irs + 1, s.seq + 1, TCP_ACK, 65535, NULL, 0);
    c = tcp_accept(l);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->state, TCPS_ESTABLISHED);
    tcp_close(l);
    no_more_frames();
    return c;
}

