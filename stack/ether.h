/*
 * ether.h - Ethernet II framing (RFC 894): parse, demultiplex by EtherType, emit.
 */
#ifndef TS_ETHER_H
#define TS_ETHER_H

#include "ts.h"

#define ETH_HDR_LEN    14
#define ETH_MIN_FRAME  60       /* without FCS: shorter frames are padded */
#define ETH_TYPE_IPV4  0x0800
#define ETH_TYPE_ARP   0x0806

struct netif;
struct pkb;

struct ether_hdr {
    uint8_t dst[6];
    uint8_t src[6];
    uint16_t type;
};

extern const uint8_t ether_bcast[6];

int ether_parse(const uint8_t *b, size_t n, struct ether_hdr *h);
/* Write a header into 14 bytes at b. */
void ether_emit(uint8_t *b, const struct ether_hdr *h);

/* From netif_input: a whole frame. Owns p. */
void ether_input(struct netif *nif, struct pkb *p);
/* Send an IPv4 datagram (p->data) to next hop `nexthop`: resolves its MAC with
 * ARP (the packet waits in ARP's queue meanwhile). Owns p. */
int ether_output(struct netif *nif, struct pkb *p, uint32_t nexthop);
/* Push the Ethernet header and hand the frame to netif_output. Owns p. */
int ether_send(struct netif *nif, struct pkb *p, const uint8_t dst[6], uint16_t type);

#endif
