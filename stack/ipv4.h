/*
 * ipv4.h - the Internet Protocol, version 4 (RFC 791, RFC 1122 3.2.1):
 * validate, demultiplex by protocol, send through the routing table.
 */
#ifndef TS_IPV4_H
#define TS_IPV4_H

#include "ts.h"

#define IPV4_HDR_MIN     20
#define IPV4_CSUM_OFF    10       /* the header checksum field's offset */
/* RFC 791 3.1, RFC 1122 3.3.2 (EMTU_R): every host MUST accept a datagram of 576 bytes. */
#define IPV4_MIN_DATAGRAM 576
#define IPV4_DEFAULT_TTL 64       /* RFC 1700 / RFC 1122 3.2.1.7 */
#define IPV4_FLAG_DF     0x2
#define IPV4_FLAG_MF     0x1
#define IPPROTO_ICMP_    1
#define IPPROTO_TCP_     6
#define IPPROTO_UDP_     17

struct netif;
struct pkb;

struct ipv4_hdr {
    uint8_t version;
    uint8_t hlen;             /* header length in bytes (IHL * 4) */
    uint8_t tos;
    uint16_t total_len;
    uint16_t id;
    uint8_t flags;            /* DF, MF */
    uint16_t frag_off;        /* in 8-byte units */
    uint8_t ttl;
    uint8_t proto;
    uint16_t csum;
    uint32_t src;
    uint32_t dst;
    bool to_bcast;            /* set by ipv4_input: sent to a broadcast address */
};

/*
 * Parse and validate (RFC 791 3.1, RFC 1122 3.2.1.1-2): returns TS_ETRUNC,
 * TS_EBADVER (version != 4 or IHL < 5), TS_EBADLEN (IHL or total length
 * beyond the data, total length below IHL) or TS_EBADSUM; TS_OK otherwise.
 */
int ipv4_parse(const uint8_t *b, size_t n, struct ipv4_hdr *h);
/* Write a 20-byte header (no options) with its checksum into b. */
void ipv4_emit(uint8_t *b, const struct ipv4_hdr *h);

/* A protocol's receive function: p->data is its header, p->nh the IP header. Owns p. */
typedef void (*ipv4_handler)(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih);
/* Register the receive function for an IP protocol number (the demux table). */
void ipv4_register(uint8_t proto, ipv4_handler fn);

/* From ether_input, Ethernet header pulled. Owns p. */
void ipv4_input(struct netif *nif, struct pkb *p);

/*
 * Send p->data as the payload of a datagram to dst. src 0 means the address
 * of the outgoing interface; ttl 0 means the default. Looks up the route,
 * pushes the header, hands it to ether_output. Owns p. Returns TS_OK,
 * TS_ENOROUTE, TS_EMSGSIZE or TS_ENOMEM.
 */
int ipv4_output(struct pkb *p, uint32_t src, uint32_t dst, uint8_t proto, uint8_t ttl);

/* Source address ipv4_output would use for dst (0 if no route). */
uint32_t ipv4_source_for(uint32_t dst);

void ipv4_init(void);

static inline bool
ipv4_is_loopback(uint32_t ip)
{
    return (ip >> 24) == 127;
}

/* Class E, 240.0.0.0/4: reserved, never a host's address (RFC 1112 4, RFC 1122 3.2.1.3). */
static inline bool
ipv4_is_reserved(uint32_t ip)
{
    return (ip >> 28) == 0xf;
}

static inline bool
ipv4_is_multicast(uint32_t ip)
{
    return (ip >> 28) == 0xe;
}

#endif
