/*
 * suites.h - the one list of unit-test suites. main.c runs them in this
 * order; test_NAME.c defines `Suite *NAME_suite(void)`, declared here for it
 * and for main.c, so the compiler checks that the two agree.
 *
 * Adding a suite: one X(name) line below, and test_name.c in UNIT_SRCS.
 */
#ifndef TS_UNIT_SUITES_H
#define TS_UNIT_SUITES_H

#include <check.h>

#define UT_SUITES(X) \
    X(checksum)      \
    X(parsers)       \
    X(arp)           \
    X(ipv4)          \
    X(icmp)          \
    X(udp)           \
    X(socket)        \
    X(tcp)           \
    X(tcp_sack)      \
    X(tcp_hostile)   \
    X(impair)        \
    X(http)          \
    X(http_path)     \
    X(privdrop)

#define UT_SUITE_DECLARE(name) Suite *name##_suite(void);
UT_SUITES(UT_SUITE_DECLARE)
#undef UT_SUITE_DECLARE

#endif
