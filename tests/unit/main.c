/*
 * main.c - the unit-test runner: every suite in the table below, in one
 * SRunner, with libcheck's environment controls:
 *
 *   CK_VERBOSITY=silent|minimal|normal|verbose   how much to print (CK_ENV)
 *   CK_FORK=no                run in this process, so gdb can step into tests
 *   CK_RUN_SUITE=arp CK_RUN_CASE=retry           run only a suite / a test case
 *   TS_TRACE=1                the stack's trace while the tests run
 *
 * Exits 0 only if every test passed. The suites are the list in suites.h
 * (adding one is a line there and its file in UNIT_SRCS).
 */
#include "helpers.h"
#include "suites.h"

#include <stdio.h>
#include <stdlib.h>

/* Every suite of suites.h, in its order. */
#define UT_SUITE_ENTRY(name) name##_suite,
static Suite *(*const suites[])(void) = { UT_SUITES(UT_SUITE_ENTRY) };
#undef UT_SUITE_ENTRY

int
main(void)
{
    SRunner *sr = srunner_create(NULL);
    int failed;

    for (size_t i = 0; i < ARRAY_LEN(suites); i++)
        srunner_add_suite(sr, suites[i]());
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
