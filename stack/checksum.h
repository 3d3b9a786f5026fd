/*
 * checksum.h - the Internet checksum (RFC 1071): the 16-bit one's complement
 * of the one's complement sum, over any length (an odd last byte is padded
 * with zero on the right).
 */
#ifndef TS_CHECKSUM_H
#define TS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add bytes to a running 32-bit sum (start at 0; chain calls on even lengths). */
uint32_t csum_add(uint32_t sum, const uint8_t *b, size_t n);
/* Fold a running sum to 16 bits and complement it: the value to put on the wire. */
uint16_t csum_fold(uint32_t sum);
/* csum_fold(csum_add(0, b, n)): 0 when a block that holds its checksum verifies. */
uint16_t csum(const uint8_t *b, size_t n);
/* Sum of the IPv4 pseudo-header for UDP/TCP (RFC 768, RFC 9293 3.1). */
uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

#endif
