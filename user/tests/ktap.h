/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktap.h - a minimal KTAP/TAP reporter for the host unit tests, so their
 * output reads like the kernel selftests'.
 */
#ifndef NTPSEC_KTAP_H
#define NTPSEC_KTAP_H

#include <stdarg.h>
#include <stdio.h>

static int ktap_count;
static int ktap_failures;

static inline void ktap_plan(int n)
{
	printf("TAP version 13\n1..%d\n", n);
}

/* Reports one result; returns cond so callers can chain diagnostics. */
__attribute__((format(printf, 2, 3)))
static inline int ktap_test(int cond, const char *fmt, ...)
{
	va_list ap;

	ktap_count++;
	if (!cond)
		ktap_failures++;
	printf("%sok %d ", cond ? "" : "not ", ktap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return cond;
}

/* Exit status for automake's test harness: 0 pass, 1 fail. */
static inline int ktap_exit(void)
{
	if (ktap_failures)
		printf("# %d of %d failed\n", ktap_failures, ktap_count);
	return ktap_failures ? 1 : 0;
}

#endif
