/*
 * siphash.h - SipHash-2-4 (Aumasson, Bernstein), a keyed hash (a PRF): the F()
 * behind TCP's initial sequence numbers (RFC 6528) and the choice of IP ID
 * counter (RFC 7739). Only the 16-byte messages the stack needs.
 */
#ifndef TS_SIPHASH_H
#define TS_SIPHASH_H

#include <stdint.h>

/* SipHash-2-4 under key (k0, k1) of the 16 bytes whose little-endian 64-bit words are m0, m1. */
uint64_t siphash24(uint64_t k0, uint64_t k1, uint64_t m0, uint64_t m1);

#endif
