/*
 * helpers.h - what every unit test shares: the fixture (a stack on a virtual
 * clock with one capture interface cap0 = 10.0.0.2/24, default route via
 * 10.0.0.1), frame builders, and an Internet checksum of our own.
 *
 * The builders and ut_csum() are written independently of stack/ on purpose:
 * the expected side of a test must not trust the code under test.
 *
 * Adding a suite: write `Suite *foo_suite(void)` in test_foo.c, add X(foo) to
 * the list in suites.h and the file to UNIT_SRCS.
 */
#ifndef TS_UNIT_HELPERS_H
#define TS_UNIT_HELPERS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "../../stack/ts.h"
#include "../../stack/stats.h"
#include "suites.h"

/* The lab network the fixture builds. */
#define UT_IP_US     IP4(10, 0, 0, 2)
#define UT_IP_GW     IP4(10, 0, 0, 1)
#define UT_IP_PEER   IP4(10, 0, 0, 3)
#define UT_IP_OTHER  IP4(10, 0, 0, 9)       /* on the subnet, not us */
#define UT_IP_BCAST  IP4(10, 0, 0, 255)
#define UT_PREFIX    24

/* The fixture's configuration (small on purpose, so limits are reached fast). */
#define UT_SEED            42
#define UT_PKB_COUNT       32
#define UT_ARP_CACHE       8
#define UT_ARP_PENDING     4
#define UT_ARP_REACHABLE   (60ull * 1000000)
#define UT_ARP_RETRY       (1ull * 1000000)
#define UT_ARP_RETRIES     3
#define UT_ICMP_RATE       100              /* errors per second */
#define UT_ICMP_BURST      10

/* Big enough for any frame the stack can send or receive. */
#define UT_FRAME_MAX       2048

extern const uint8_t ut_mac_us[6];          /* cap0 */
extern const uint8_t ut_mac_gw[6];          /* 10.0.0.1 */
extern const uint8_t ut_mac_peer[6];        /* 10.0.0.3 */
extern const uint8_t ut_mac_bcast[6];
extern const uint8_t ut_mac_zero[6];
extern struct netif *ut_nif;                /* cap0, valid between setup and teardown */

struct stack_config;

/* The fixture: stack_init + cap0 + routes / leak check + stack_shutdown. */
void ut_setup(void);
void ut_teardown(void);
/* The configuration ut_setup uses, for a test that wants to change a field ... */
void ut_config(struct stack_config *c);
/* ... and bring the stack up again with it (cap0, addresses, routes as in ut_setup). */
void ut_restart(const struct stack_config *c);
/* A test case with the fixture attached (checked: runs in the child when forking). */
TCase *ut_tcase(const char *name);

/* RFC 1071 checksum, independent of stack/checksum.c. 0 when a block verifies. */
uint16_t ut_csum(const uint8_t *b, size_t n);
/* Fill n bytes with a pattern that has no long zero runs. */
void ut_fill(uint8_t *b, size_t n, unsigned seed);
/* A small seeded generator for the tests' own randomness (xorshift32). */
uint32_t ut_rand(uint32_t *state);

/* Builders. Each returns the frame length; frames are padded with zeros to 60 bytes. */
size_t ut_eth(uint8_t *f, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
size_t ut_arp_frame(uint8_t *f, const uint8_t eth_dst[6], const uint8_t eth_src[6], uint16_t op,
                    const uint8_t sha[6], uint32_t spa, const uint8_t tha[6], uint32_t tpa);

struct ut_ip {
    uint32_t src, dst;
    uint8_t proto;
    uint8_t ttl;                  /* 0 means 64 */
    uint16_t id;
    uint16_t frag;                /* flags << 13 | offset, as on the wire */
    const uint8_t *opts;          /* options, optlen a multiple of 4 (<= 40) */
    size_t optlen;
};
size_t ut_ipv4_frame(uint8_t *f, const uint8_t eth_dst[6], const uint8_t eth_src[6],
                     const struct ut_ip *ip, const uint8_t *payload, size_t plen);
/* An ICMP echo message (type 8 or 0) into b with data[0..n); returns 8 + n. */
size_t ut_icmp_echo(uint8_t *b, uint8_t type, uint16_t id, uint16_t seq, const uint8_t *data,
                    size_t n);
/* The usual echo request frame: from `src` (Ethernet source eth_src) to `dst`,
 * id/seq, n bytes of ut_fill(seq) data. */
size_t ut_echo_frame(uint8_t *f, const uint8_t eth_src[6], uint32_t src, uint32_t dst,
                     uint16_t id, uint16_t seq, size_t n);
/* Recompute checksums after a test edited a header (the IP header length is
 * taken from the IHL, bounded by the frame; ICMP spans total length - IHL). */
void ut_ip_fix_csum(uint8_t *f, size_t len);
void ut_icmp_fix_csum(uint8_t *f, size_t len);

/* Inject one frame on cap0. */
void ut_inject(const uint8_t *f, size_t len);
/* Pop the oldest frame cap0 sent into f (UT_FRAME_MAX bytes); 0 if none. */
size_t ut_pop(uint8_t *f);
/* Teach the stack ip -> mac the way a peer would: an ARP request for our
 * address, whose reply is popped and checked. */
void ut_learn(uint32_t ip, const uint8_t mac[6]);

/* A sent IPv4 frame taken apart; ut_pop_ipv4 asserts that the frame is
 * Ethernet/IPv4 with a valid header checksum (checked with ut_csum). */
struct ut_sent {
    uint8_t frame[UT_FRAME_MAX];
    size_t len;
    uint8_t eth_dst[6], eth_src[6];
    uint16_t type;
    const uint8_t *ip;            /* into frame */
    size_t ip_hlen, ip_total;
    uint8_t ttl, proto;
    uint16_t id, frag;
    uint32_t src, dst;
    const uint8_t *l4;            /* the payload, ip_total - ip_hlen bytes */
    size_t l4len;
};
void ut_pop_ipv4(struct ut_sent *s);

#endif
