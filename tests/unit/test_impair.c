/*
 * test_impair.c - the --impair stage: option parsing, and that drop, delay,
 * duplicate and reorder do what they say, reproducibly from the seed.
 */
#include "helpers.h"

#include "../../stack/impair.h"
#include "../../stack/netif.h"
#include "../../stack/clock.h"

#include <string.h>

static struct impair_config
parse_ok(const char *spec)
{
    struct impair_config c;
    char err[128];

    ck_assert_msg(impair_parse(spec, &c, err, sizeof(err)) == 0, "%s: %s", spec, err);
    return c;
}

/* Every knob parses to the unit it says; bad input gets a one-line error. */
START_TEST(test_impair_parse)
{
    struct impair_config c = parse_ok("drop=1%,dup=0.5%,reorder=0.0001%,delay=5ms,jitter=200us,"
                                      "corrupt=100%");
    char err[128];

    ck_assert_uint_eq(c.drop_ppm, 10000);
    ck_assert_uint_eq(c.dup_ppm, 5000);
    ck_assert_uint_eq(c.reorder_ppm, 1);
    ck_assert_uint_eq(c.corrupt_ppm, 1000000);
    ck_assert_uint_eq(c.delay_us, 5000);
    ck_assert_uint_eq(c.jitter_us, 200);
    c = parse_ok("delay=1s");
    ck_assert_uint_eq(c.delay_us, 1000000);
    ck_assert_int_eq(impair_parse("drop=101%", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(impair_parse("drop=1", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(impair_parse("loss=1%", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(impair_parse("delay=5 ms", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(impair_parse("delay=11s", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(impair_parse("drop", &c, err, sizeof(err)), -1);
    ck_assert_int_eq(impair_parse("dup=.5%", &c, err, sizeof(err)), -1);
}
END_TEST

/* Count echo replies the stack sends for n requests through an impaired cap0. */
static int
echo_round(const char *spec, uint64_t seed, int n, uint64_t wait_us)
{
    struct impair_config c = parse_ok(spec);
    uint8_t f[UT_FRAME_MAX];
    int got = 0;

    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert_int_eq(impair_attach(ut_nif, &c, seed), TS_OK);
    for (int i = 0; i < n; i++) {
        ut_inject(f, ut_echo_frame(f, ut_mac_gw, UT_IP_GW, UT_IP_US, 7, (uint16_t)i, 32));
    }
    clock_advance(wait_us);
    while (ut_pop(f) > 0)
        got++;
    return got;
}

/* drop=100% loses everything, drop=0% nothing; 30% loses about that many, the same each run. */
START_TEST(test_impair_drop_is_seeded)
{
    int a, b;

    ck_assert_int_eq(echo_round("drop=100%", 1, 20, 0), 0);
    ck_assert_uint_eq(STAT_GET(impair, dropped), 20);
    impair_detach_all();
    a = echo_round("drop=30%", 7, 100, 0);
    impair_detach_all();
    b = echo_round("drop=30%", 7, 100, 0);
    ck_assert_int_eq(a, b);                     /* same seed, same losses */
    /* Both directions are impaired: survival about 0.7 * 0.7 = 49% of 100. */
    ck_assert_int_gt(a, 30);
    ck_assert_int_lt(a, 70);
}
END_TEST

/* delay holds frames for exactly that long; dup=100% doubles every reply. */
START_TEST(test_impair_delay_and_dup)
{
    uint8_t f[UT_FRAME_MAX];
    struct impair_config c = parse_ok("delay=5ms");

    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert_int_eq(impair_attach(ut_nif, &c, 1), TS_OK);
    ut_inject(f, ut_echo_frame(f, ut_mac_gw, UT_IP_GW, UT_IP_US, 7, 1, 32));
    clock_advance(4999);
    ck_assert_uint_eq(ut_pop(f), 0);            /* the request is still held on the way in */
    clock_advance(1);
    ck_assert_uint_eq(ut_pop(f), 0);            /* answered now; the reply is held on the way out */
    clock_advance(4999);
    ck_assert_uint_eq(ut_pop(f), 0);
    clock_advance(1);
    ck_assert_uint_gt(ut_pop(f), 0);            /* 10 ms in all */
    impair_detach_all();
    ck_assert_int_eq(echo_round("dup=100%", 3, 5, 0), 20);   /* 2 requests x 2 replies each */
}
END_TEST

/* Reordered frames are overtaken by later ones; none is lost. */
START_TEST(test_impair_reorder)
{
    uint8_t f[UT_FRAME_MAX];
    struct impair_config c = parse_ok("reorder=50%");
    bool seen[20] = { false }, inversion = false;
    int last = -1, n = 0;

    ut_learn(UT_IP_GW, ut_mac_gw);
    ck_assert_int_eq(impair_attach(ut_nif, &c, 5), TS_OK);
    for (int i = 0; i < 20; i++)
        ut_inject(f, ut_echo_frame(f, ut_mac_gw, UT_IP_GW, UT_IP_US, 7, (uint16_t)i, 32));
    clock_advance(10000);
    while (ut_pop(f) > 0) {
        int seq = f[14 + 20 + 6] << 8 | f[14 + 20 + 7];

        ck_assert_int_lt(seq, 20);
        seen[seq] = true;
        if (seq < last)
            inversion = true;
        last = seq;
        n++;
    }
    ck_assert_int_eq(n, 20);
    for (int i = 0; i < 20; i++)
        ck_assert(seen[i]);
    ck_assert(inversion);
    ck_assert_uint_gt(STAT_GET(impair, reordered), 0);
}
END_TEST

Suite *
impair_suite(void)
{
    Suite *s = suite_create("impair");
    TCase *tc = ut_tcase("impair");

    tcase_add_test(tc, test_impair_parse);
    tcase_add_test(tc, test_impair_drop_is_seeded);
    tcase_add_test(tc, test_impair_delay_and_dup);
    tcase_add_test(tc, test_impair_reorder);
    suite_add_tcase(s, tc);
    return s;
}
