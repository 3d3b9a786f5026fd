/*
 * checksum.c - RFC 1071 Internet checksum. Byte pairs are summed as big-endian
 * 16-bit words, so the result is in host order and written with put_be16().
 */
#include "checksum.h"

uint32_t
csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i += 2) {
        sum += (uint32_t)((b[i] << 8) | b[i + 1]);
        if (sum & 0x80000000u)              /* fold early: never overflow */
            sum = (sum & 0xffff) + (sum >> 16);
    }
    if (i < n)                              /* odd length: pad with a zero byte */
        sum += (uint32_t)(b[i] << 8);
    return sum;
}

uint16_t
csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint16_t
csum(const uint8_t *b, size_t n)
{
    return csum_fold(csum_add(0, b, n));
}

uint32_t
csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}
