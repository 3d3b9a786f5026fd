/*
 * test_privdrop.c - the pieces of apps/privdrop.c that need no root: reading
 * the capability sets out of a /proc/PID/status text (the proof that the drop
 * worked rests on it), and looking users up. The drop itself is tested end to
 * end (tests/e2e/t_privdrop.sh), where the kernel says who the stack is.
 */
#include "helpers.h"

#include "../../apps/privdrop.h"

#include <stdio.h>
#include <string.h>

/* priv_caps_zero over a status text (through an unnamed temporary file). */
static int
caps_zero(const char *text)
{
    FILE *f = tmpfile();
    int r;

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    rewind(f);
    r = priv_caps_zero(f);
    fclose(f);
    return r;
}

/* Zero only when both sets are zero; a missing or garbled line is "cannot tell", not zero. */
START_TEST(test_privdrop_caps_parse)
{
    ck_assert_int_eq(caps_zero("Name:\ttapstack\nCapInh:\t0000000000000000\n"
                               "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\n"
                               "CapBnd:\t000001ffffffffff\n"), 1);
    ck_assert_int_eq(caps_zero("CapPrm:\t0000000000000000\nCapEff:\t0000000000001000\n"), 0);
    ck_assert_int_eq(caps_zero("CapPrm:\t000001ffffffffff\nCapEff:\t0000000000000000\n"), 0);
    ck_assert_int_eq(caps_zero("CapEff:\t8000000000000000\nCapPrm:\t0\n"), 0);
    ck_assert_int_eq(caps_zero("CapPrm:\t0000000000000000\n"), -1);
    ck_assert_int_eq(caps_zero("CapEff:\t0000000000000000\n"), -1);
    ck_assert_int_eq(caps_zero(""), -1);
    ck_assert_int_eq(caps_zero("CapPrm:\t\nCapEff:\t0\n"), -1);
    ck_assert_int_eq(caps_zero("CapPrm:\t-1\nCapEff:\t0\n"), -1);
    ck_assert_int_eq(caps_zero("CapPrm:\t0x0\nCapEff:\t0\n"), -1);
    ck_assert_int_eq(caps_zero("CapPrm:\t0000000000000000 junk\nCapEff:\t0\n"), -1);
    ck_assert_int_eq(caps_zero("CapPrm:\t1ffffffffffffffff\nCapEff:\t0\n"), -1);
    ck_assert_int_eq(caps_zero("XCapPrm:\t0\nCapEff:\t0\n"), -1);
}
END_TEST

/* root is uid 0; an unknown, empty or overlong name is a one-line "no such user". */
START_TEST(test_privdrop_lookup)
{
    struct priv_user u;
    char err[128], longname[100];

    ck_assert_int_eq(priv_lookup("root", &u, err, sizeof(err)), 0);
    ck_assert_uint_eq(u.uid, 0);
    ck_assert_str_eq(u.name, "root");
    ck_assert_int_eq(priv_lookup("ts-no-such-user", &u, err, sizeof(err)), -1);
    ck_assert_str_eq(err, "--user ts-no-such-user: no such user");
    ck_assert_int_eq(priv_lookup("", &u, err, sizeof(err)), -1);
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    ck_assert_int_eq(priv_lookup(longname, &u, err, sizeof(err)), -1);
    ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

Suite *
privdrop_suite(void)
{
    Suite *s = suite_create("privdrop");
    TCase *tc = tcase_create("privdrop");

    tcase_add_test(tc, test_privdrop_caps_parse);
    tcase_add_test(tc, test_privdrop_lookup);
    suite_add_tcase(s, tc);
    return s;
}
