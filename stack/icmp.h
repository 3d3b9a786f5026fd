/*
 * icmp.h - the Internet Control Message Protocol (RFC 792, RFC 1122 3.2.2):
 * echo, destination unreachable, rate-limited errors.
 */
#ifndef TS_ICMP_H
#define TS_ICMP_H

#include "ts.h"

#define ICMP_HDR_LEN          8
#define ICMP_CSUM_OFF         2   /* the checksum field's offset in the header */
#define ICMP_QUOTE_DATA       8   /* RFC 792: an error quotes the IP header + 64 data bits */

/* Types (RFC 792; the IANA registry). */
#define ICMP_ECHO_REPLY       0
#define ICMP_UNREACH          3
#define ICMP_SOURCE_QUENCH    4   /* deprecated by RFC 6633, still an error type */
#define ICMP_REDIRECT         5
#define ICMP_ECHO_REQUEST     8
#define ICMP_TIME_EXCEEDED    11
#define ICMP_PARAM_PROBLEM    12

/* Codes: echo and echo reply use 0; destination unreachable (RFC 792, RFC 1122 3.2.2.1). */
#define ICMP_ECHO_CODE        0
#define ICMP_UNREACH_NET      0
#define ICMP_UNREACH_HOST     1
#define ICMP_UNREACH_PROTO    2
#define ICMP_UNREACH_PORT     3

struct netif;
struct pkb;
struct ipv4_hdr;

struct icmp_hdr {
    uint8_t type;
    uint8_t code;
    uint16_t csum;
    uint32_t rest;            /* id/seq for echo, unused/MTU for errors */
};

/* Parse the 8-byte header and verify the checksum over all n bytes. */
int icmp_parse(const uint8_t *b, size_t n, struct icmp_hdr *h);
/* Write the header at b and the checksum over b[0..n). */
void icmp_emit(uint8_t *b, size_t n, const struct icmp_hdr *h);

struct icmp_config {
    unsigned rate_per_sec;    /* errors per second (token bucket refill), default 100 */
    unsigned burst;           /* bucket size, default 50 */
};
/* Fill cfg with ICMP's defaults (stack_defaults collects them). */
void icmp_defaults(struct icmp_config *cfg);
/* Set up the error rate limit; NULL means the defaults. */
void icmp_init(const struct icmp_config *cfg);

/* Registered with ipv4_register(IPPROTO_ICMP). Owns p. */
void icmp_input(struct netif *nif, struct pkb *p, const struct ipv4_hdr *ih);

/*
 * Send a destination unreachable about the datagram in orig (orig->nh its IP
 * header), quoting its IP header and first 8 data bytes. Applies every
 * RFC 1122 3.2.2 rule about when not to send, and the rate limit.
 * Does not take orig.
 */
void icmp_send_unreach(const struct pkb *orig, const struct ipv4_hdr *ih, uint8_t code);

/*
 * Called for ICMP errors that quote a datagram we sent (unreach): proto,
 * quoted src/dst, and the quoted transport bytes. Set by UDP/TCP.
 */
typedef void (*icmp_err_handler)(uint8_t type, uint8_t code, const struct ipv4_hdr *quoted,
                                 const uint8_t *l4, size_t l4len);
void icmp_register_err(uint8_t proto, icmp_err_handler fn);

#endif
