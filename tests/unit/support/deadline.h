/*
 * support/deadline — how long a unit test waits for an event. Tests never
 * judge time: a wait is for something to happen, and it gives it at least
 * TEST_WAIT_S seconds (30; 90 in a sanitizer build), whatever shorter figure
 * the caller names, so a loaded machine is slow, never wrong. A wait returns
 * as soon as its event is seen: the deadline costs only a failure.
 * (tests/lib.sh's WAIT_S is the same rule for the shell suites.)
 */
#ifndef PERFTOP_TESTS_SUPPORT_DEADLINE_H
#define PERFTOP_TESTS_SUPPORT_DEADLINE_H

#if defined(__SANITIZE_ADDRESS__)
#define TEST_WAIT_S 90.0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_WAIT_S 90.0
#endif
#endif
#ifndef TEST_WAIT_S
#define TEST_WAIT_S 30.0
#endif

/* A Criterion .timeout for a suite whose tests wait: room for a few full
 * waits, so a missed event fails with its own message, not a timeout. */
#define TEST_SUITE_TIMEOUT (4 * TEST_WAIT_S)

/* secs, raised to TEST_WAIT_S. */
static inline double test_deadline(double secs)
{
	return secs > TEST_WAIT_S ? secs : TEST_WAIT_S;
}

#endif
