/*
 * ip_expect.h - what test_ipv4.c and test_icmp.c both use: checks on the echo
 * replies and destination unreachables the stack sends, a datagram of an
 * unknown protocol, a packet buffer holding given bytes, and the table form
 * of "a malformed frame is dropped and counted".
 */
#ifndef TS_UNIT_IP_EXPECT_H
#define TS_UNIT_IP_EXPECT_H

#include "helpers.h"

struct pkb;

#define UT_PROTO_UNKNOWN 253      /* RFC 3692 experimental: no handler registered */

/* Nothing was sent on cap0. */
void ut_expect_nothing(void);
/* Check an ICMP message's checksum with ut_csum and the stack's parser, and its type/code. */
void ut_check_icmp(const struct ut_sent *s, uint8_t type, uint8_t code);
/* Pop and check an echo reply to `dst` via eth_dst matching ut_echo_frame(id, seq, n). */
void ut_expect_echo_reply(const uint8_t eth_dst[6], uint32_t dst, uint16_t id, uint16_t seq,
                          size_t n);
/* Pop a destination unreachable and check it quotes exactly `quote` bytes of `orig`. */
void ut_expect_unreach(uint8_t code, uint32_t dst, const uint8_t *orig, size_t quote);
/* A datagram of protocol `proto` with plen bytes of ut_fill(plen) data. */
size_t ut_proto_frame(uint8_t *f, const uint8_t eth_dst[6], uint32_t src, uint32_t dst,
                      uint8_t proto, size_t plen);
/* A packet buffer holding bytes b[0..n) at the headroom mark. */
struct pkb *ut_pkb_with(const uint8_t *b, size_t n);

/* A malformed variant of the 56-byte echo request from the peer. */
struct ut_bad {
    const char *what;
    void (*mutate)(uint8_t *f, size_t *len);
    enum stat_id ctr;
};
/* Inject c's variant: nothing is sent, no echo reply or error counted, c->ctr is 1. */
void ut_expect_bad_dropped(const struct ut_bad *c);

#endif
