/*
 * main.c - the unit-test runner: every suite in the table below, in one
 * SRunner, with libcheck's environment controls:
 *
 *   CK_VERBOSITY=silent|minimal|normal|verbose   how much to print (CK_ENV)
 *   CK_FORK=no                run in this process, so gdb can step into tests
 *   CK_RUN_SUITE=arp CK_RUN_CASE=retry           run only a suite / a test case
 *   TS_TRACE=1                the stack's trace while the tests run
 *
 * Exits 0 only if every test passed. To add a suite: declare its constructor
 * in helpers.h and add it to `suites` below.
 */
#include "helpers.h"

#include <stdio.h>
#include <stdlib.h>

/* Declared here, not in helpers.h, by the owners of test_udp.c / test_socket.c. */
Suite *udp_suite(void);
Suite *socket_suite(void);
Suite *http_suite(void);
Suite *http_path_suite(void);
Suite *privdrop_suite(void);

static Suite *(*const suites[])(void) = {
    checksum_suite,
    parsers_suite,
    arp_suite,
    ipv4_suite,
    icmp_suite,
    udp_suite,
    socket_suite,
    tcp_suite,
    tcp_sack_suite,
    impair_suite,
    http_suite,
    http_path_suite,
    privdrop_suite,
};

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
