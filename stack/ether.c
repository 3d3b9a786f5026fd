/*
 * ether.c - Ethernet II (RFC 894). Receive: validate the header, accept frames
 * for our MAC or broadcast, hand the payload to the protocol registered for
 * the EtherType. Send: push the header, pad to the 60-byte minimum.
 *
 * Calls arp_input / ipv4_input (a two-way switch: a table would be overkill)
 * and arp_resolve for next hops. Leaves out: VLAN tags, 802.3 length frames,
 * multicast (counted as not_for_us), jumbo frames.
 */
#include "ether.h"
#include "netif.h"
#include "pkb.h"
#include "arp.h"
#include "ipv4.h"
#include "stats.h"
#include "trace.h"

#include <string.h>

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  destination MAC (6 bytes)                    |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+     source MAC (6 bytes)      +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           EtherType           |  payload (46..1500 bytes) ...
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */

const uint8_t ether_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

int
ether_parse(const uint8_t *b, size_t n, struct ether_hdr *h)
{
    struct rd r = rd_init(b, n);

    rd_bytes(&r, h->dst, 6);
    rd_bytes(&r, h->src, 6);
    h->type = rd_be16(&r);
    if (r.err)
        return TS_ETRUNC;
    return TS_OK;
}

void
ether_emit(uint8_t *b, const struct ether_hdr *h)
{
    struct wr w = wr_init(b, ETH_HDR_LEN);

    wr_bytes(&w, h->dst, 6);
    wr_bytes(&w, h->src, 6);
    wr_be16(&w, h->type);
}

static const char *
ether_type_name(uint16_t type)
{
    switch (type) {
    case ETH_TYPE_IPV4: return "IPv4";
    case ETH_TYPE_ARP:  return "ARP";
    case 0x86dd:        return "IPv6";
    default:            return "?";
    }
}

/* Receive ----------------------------------------------------------------- */

void
ether_input(struct netif *nif, struct pkb *p)
{
    struct ether_hdr eh;
    char s1[MAC_STRLEN], s2[MAC_STRLEN];

    if (ether_parse(p->data, p->len, &eh) != TS_OK)
        DROP(p, ether, too_short);
    TRACE_IN(p, "eth", "%s > %s %s (0x%04x) len %zu", mac_str(eh.src, s1), mac_str(eh.dst, s2),
             ether_type_name(eh.type), eh.type, p->len);
    /* Only frames addressed to us or to everyone (a bridge floods unknown unicast). */
    if (memcmp(eh.dst, nif->mac, 6) != 0 && memcmp(eh.dst, ether_bcast, 6) != 0 &&
        !(nif->flags & NETIF_LOOPBACK))
        DROP(p, ether, not_for_us);
    /* A group address is never a valid source (IEEE 802.3 3.2.3). */
    if (eh.src[0] & 1)
        DROP(p, ether, bad_src);
    p->l2_bcast = memcmp(eh.dst, ether_bcast, 6) == 0;
    pkb_pull(p, ETH_HDR_LEN);
    STAT_INC(ether, rx);
    switch (eh.type) {
    case ETH_TYPE_ARP:
        arp_input(nif, p);
        return;
    case ETH_TYPE_IPV4:
        ipv4_input(nif, p);
        return;
    default:
        DROP(p, ether, unknown_type);
    }
}

/* Send -------------------------------------------------------------------- */

int
ether_send(struct netif *nif, struct pkb *p, const uint8_t dst[6], uint16_t type)
{
    struct ether_hdr eh;
    uint8_t *b;
    char s1[MAC_STRLEN], s2[MAC_STRLEN];

    b = pkb_push(p, ETH_HDR_LEN);
    if (b == NULL) {
        STAT_INC(ether, no_headroom);
        pkb_free(p);
        return TS_ENOMEM;
    }
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, nif->mac, 6);
    eh.type = type;
    ether_emit(b, &eh);
    /* Pad runt frames with zeros to the 60-byte minimum (RFC 894). */
    if (p->len < ETH_MIN_FRAME) {
        size_t pad = ETH_MIN_FRAME - p->len;
        uint8_t *t = pkb_put(p, pad);

        if (t)
            memset(t, 0, pad);
    }
    p->nif = nif;
    TRACE_OUT(p, "eth", "%s > %s %s (0x%04x) len %zu", mac_str(eh.src, s1), mac_str(eh.dst, s2),
              ether_type_name(type), type, p->len);
    STAT_INC(ether, tx);
    return netif_output(nif, p);
}

int
ether_output(struct netif *nif, struct pkb *p, uint32_t nexthop)
{
    static const uint8_t zero_mac[6];
    uint8_t mac[6];
    int r;

    /* Loopback frames carry all-zero MACs, as on Linux's lo. */
    if (nif->flags & NETIF_LOOPBACK)
        return ether_send(nif, p, zero_mac, ETH_TYPE_IPV4);
    if (netif_is_bcast(nif, nexthop))
        return ether_send(nif, p, ether_bcast, ETH_TYPE_IPV4);
    r = arp_resolve(nif, nexthop, p, mac);
    if (r <= 0)
        return r;           /* queued until the reply comes */
    return ether_send(nif, p, mac, ETH_TYPE_IPV4);
}
