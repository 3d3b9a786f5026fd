/*
 * test_checksum.c - the Internet checksum (RFC 1071) in stack/checksum.c,
 * against the RFC's worked example, edge patterns and ut_csum(), an
 * independent implementation in helpers.c.
 */
#include "helpers.h"

#include "../../stack/checksum.h"

#include <string.h>

/* The one's complement sum before complementing: what RFC 1071 calls the sum. */
static uint16_t
folded_sum(const uint8_t *b, size_t n)
{
    return (uint16_t)~csum_fold(csum_add(0, b, n));
}

/* RFC 1071 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d. */
START_TEST(test_checksum_rfc1071_worked_example)
{
    static const uint8_t b[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

    ck_assert_uint_eq(folded_sum(b, sizeof(b)), 0xddf2);
    ck_assert_uint_eq(csum(b, sizeof(b)), 0x220d);
    ck_assert_uint_eq(ut_csum(b, sizeof(b)), 0x220d);   /* the tests' own checksum agrees */
}
END_TEST

/* RFC 1071 1: the block with its checksum appended sums to all ones, i.e. verifies to 0. */
START_TEST(test_checksum_rfc1071_example_verifies)
{
    uint8_t b[10] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

    put_be16(b + 8, csum(b, 8));
    ck_assert_uint_eq(csum(b, sizeof(b)), 0);
    ck_assert_uint_eq(ut_csum(b, sizeof(b)), 0);
}
END_TEST

/* RFC 791 3.1: a real IPv4 header (checksum b861) verifies, and recomputes to b861. */
START_TEST(test_checksum_ipv4_header_vector)
{
    uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                      0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

    ck_assert_uint_eq(csum(h, sizeof(h)), 0);
    h[10] = h[11] = 0;
    ck_assert_uint_eq(csum(h, sizeof(h)), 0xb861);
}
END_TEST

/* RFC 1071 4.1: an odd last byte is padded with a zero byte on the right. */
START_TEST(test_checksum_odd_lengths)
{
    static const uint8_t one[] = { 0xab };
    static const uint8_t three[] = { 0x00, 0x01, 0xf2 };
    uint8_t b[301], padded[302];

    ck_assert_uint_eq(csum(one, 1), (uint16_t)~0xab00);           /* 54ff */
    ck_assert_uint_eq(csum(three, 3), (uint16_t)~(0x0001 + 0xf200)); /* 0dfe */
    /* Every odd length equals the even length with an explicit zero pad. */
    ut_fill(b, sizeof(b), 3);
    for (size_t n = 1; n <= sizeof(b); n += 2) {
        memcpy(padded, b, n);
        padded[n] = 0;
        ck_assert_uint_eq(csum(b, n), csum(padded, n + 1));
        ck_assert_uint_eq(csum(b, n), ut_csum(b, n));
    }
}
END_TEST

/* RFC 1071 1: the sum of nothing (and of zeros) is 0, so its checksum is ffff. */
START_TEST(test_checksum_all_zero)
{
    uint8_t z[64];

    memset(z, 0, sizeof(z));
    ck_assert_uint_eq(csum(z, 0), 0xffff);
    for (size_t n = 1; n <= sizeof(z); n++)
        ck_assert_uint_eq(csum(z, n), 0xffff);
}
END_TEST

/* RFC 1071 1: ffff is one's complement -0, so all-ones words sum to ffff -> checksum 0. */
START_TEST(test_checksum_all_ones)
{
    static uint8_t f[65536 + 1];

    memset(f, 0xff, sizeof(f));
    for (size_t n = 2; n <= 64; n += 2)
        ck_assert_uint_eq(csum(f, n), 0x0000);
    /* Odd: k * ffff + ff00 folds to ff00, complemented 00ff. */
    ck_assert_uint_eq(csum(f, 1), 0x00ff);
    ck_assert_uint_eq(csum(f, 3), 0x00ff);
    /* 32768 words of ffff: the 32-bit accumulator must fold, never overflow. */
    ck_assert_uint_eq(csum(f, 65536), 0x0000);
    ck_assert_uint_eq(csum(f, 65537), 0x00ff);
}
END_TEST

/* RFC 1071 1: a block that carries its own checksum verifies to 0, wherever the field sits. */
START_TEST(test_checksum_block_with_checksum_verifies)
{
    uint8_t b[256];
    uint32_t seed = 7;

    for (size_t n = 4; n <= sizeof(b); n += 2) {
        size_t at = (ut_rand(&seed) % (n / 2)) * 2;       /* an even offset */

        for (size_t i = 0; i < n; i++)
            b[i] = (uint8_t)ut_rand(&seed);
        put_be16(b + at, 0);
        put_be16(b + at, csum(b, n));
        ck_assert_uint_eq(csum(b, n), 0);
        ck_assert_uint_eq(ut_csum(b, n), 0);
        /* RFC 1071 1: any single-bit error is detected. */
        b[n / 3] ^= 0x10;
        ck_assert_uint_ne(csum(b, n), 0);
    }
}
END_TEST

/* RFC 1071 2(B): chaining csum_add over pieces of even length equals one pass. */
START_TEST(test_checksum_csum_add_chaining)
{
    uint8_t b[200];
    uint32_t whole;

    ut_fill(b, sizeof(b), 11);
    whole = csum_add(0, b, sizeof(b));
    for (size_t cut = 0; cut <= sizeof(b); cut += 2) {
        uint32_t s = csum_add(csum_add(0, b, cut), b + cut, sizeof(b) - cut);

        ck_assert_uint_eq(csum_fold(s), csum_fold(whole));
    }
    /* Three pieces, the last one odd. */
    ck_assert_uint_eq(csum_fold(csum_add(csum_add(csum_add(0, b, 10), b + 10, 50), b + 60, 77)),
                      ut_csum(b, 137));
    /* Chaining from a large running sum (e.g. a pseudo-header) must not overflow. */
    ck_assert_uint_eq(csum_fold(csum_add(0xfffe0001u, b, sizeof(b))),
                      csum_fold(csum_add(0xfffe0001u % 0xffff, b, sizeof(b))));
}
END_TEST

/* RFC 1071 2(B): swapping the bytes of every word swaps the bytes of the checksum. */
START_TEST(test_checksum_byte_order_independent)
{
    uint8_t b[128], s[128];

    ut_fill(b, sizeof(b), 5);
    for (size_t i = 0; i < sizeof(b); i += 2) {
        s[i] = b[i + 1];
        s[i + 1] = b[i];
    }
    ck_assert_uint_eq(csum(s, sizeof(s)), (uint16_t)(csum(b, sizeof(b)) << 8 |
                                                   csum(b, sizeof(b)) >> 8));
}
END_TEST

/* RFC 1071: the stack and the independent checksum agree on random data of every length. */
START_TEST(test_checksum_matches_reference_random)
{
    static uint8_t b[4096];
    uint32_t seed = 2024;

    for (int round = 0; round < 50; round++) {
        for (size_t i = 0; i < sizeof(b); i++)
            b[i] = (uint8_t)ut_rand(&seed);
        for (size_t n = 0; n <= 300; n++)
            ck_assert_uint_eq(csum(b, n), ut_csum(b, n));
        ck_assert_uint_eq(csum(b, sizeof(b)), ut_csum(b, sizeof(b)));
    }
}
END_TEST

/* RFC 768 / RFC 9293 3.1: the pseudo-header sum equals summing its 12 bytes. */
START_TEST(test_checksum_pseudo_header)
{
    uint8_t ph[12 + 40], seg[40];
    const uint32_t src = IP4(10, 0, 0, 2), dst = IP4(192, 168, 255, 254);

    ut_fill(seg, sizeof(seg), 9);
    ph[0] = 10; ph[1] = 0; ph[2] = 0; ph[3] = 2;
    ph[4] = 192; ph[5] = 168; ph[6] = 255; ph[7] = 254;
    ph[8] = 0; ph[9] = 17;
    put_be16(ph + 10, sizeof(seg));
    memcpy(ph + 12, seg, sizeof(seg));
    ck_assert_uint_eq(csum_fold(csum_add(csum_pseudo(src, dst, 17, sizeof(seg)), seg, sizeof(seg))),
                      ut_csum(ph, sizeof(ph)));
    /* Extreme addresses: every 16-bit half is ffff. */
    memset(ph, 0xff, 8);
    ck_assert_uint_eq(csum_fold(csum_add(csum_pseudo(0xffffffffu, 0xffffffffu, 17, sizeof(seg)),
                                         seg, sizeof(seg))),
                      ut_csum(ph, sizeof(ph)));
}
END_TEST

Suite *
checksum_suite(void)
{
    Suite *s = suite_create("checksum");
    TCase *tc = tcase_create("rfc1071");

    tcase_add_test(tc, test_checksum_rfc1071_worked_example);
    tcase_add_test(tc, test_checksum_rfc1071_example_verifies);
    tcase_add_test(tc, test_checksum_ipv4_header_vector);
    tcase_add_test(tc, test_checksum_odd_lengths);
    tcase_add_test(tc, test_checksum_all_zero);
    tcase_add_test(tc, test_checksum_all_ones);
    tcase_add_test(tc, test_checksum_block_with_checksum_verifies);
    tcase_add_test(tc, test_checksum_csum_add_chaining);
    tcase_add_test(tc, test_checksum_byte_order_independent);
    tcase_add_test(tc, test_checksum_matches_reference_random);
    tcase_add_test(tc, test_checksum_pseudo_header);
    suite_add_tcase(s, tc);
    return s;
}
