/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ktap.h - a minimal KTAP/TAP reporter for the host unit tests, so their
 * output reads like the kernel selftests'.
 */
#ifndef NTPSEC_KTAP_H
#define NTPSEC_KTAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
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

/*
 * Checks inside a case: each counts, a failed one says where (at most
 * KTAP_MAX_DIAGS lines per case, so a broken loop stays readable).
 */
#define KTAP_MAX_DIAGS 20

static unsigned int n_checks;
static unsigned int n_failed;
static unsigned int n_diags;

__attribute__((format(printf, 3, 4)))
static inline bool check(bool cond, int line, const char *fmt, ...)
{
	n_checks++;
	if (cond)
		return true;
	n_failed++;
	if (n_diags++ < KTAP_MAX_DIAGS) {
		va_list ap;

		printf("# line %d: ", line);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	return false;
}

#define CHECK(cond)		check(!!(cond), __LINE__, "%s", #cond)
#define CHECKF(cond, ...)	check(!!(cond), __LINE__, __VA_ARGS__)

struct ktap_case {
	const char *name;
	void (*run)(void);
};

/* One KTAP line for a case: it passed if it checked something and all held. */
static inline void ktap_run_case(const struct ktap_case *c)
{
	unsigned int checks = n_checks, failed = n_failed;

	n_diags = 0;
	c->run();
	ktap_test(n_checks > checks && n_failed == failed, "%s (%u checks)",
		  c->name, n_checks - checks);
}

/* xorshift64: deterministic test data, so a failure reproduces exactly. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static inline void rng_seed(uint64_t seed)
{
	rng_state = seed;
}

static inline uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Uniform enough in [0, n) for test data; n > 0. */
static inline uint32_t rng_below(uint32_t n)
{
	return (uint32_t)((rng_next() >> 32) % n);
}

/* Exit status for automake's test harness: 0 pass, 1 fail. */
static inline int ktap_exit(void)
{
	if (ktap_failures)
		printf("# %d of %d failed\n", ktap_failures, ktap_count);
	return ktap_failures ? 1 : 0;
}

/* The whole test program: a plan, one line per case, the exit status. */
static inline int ktap_run_cases(const struct ktap_case *cases, size_t n)
{
	size_t i;

	ktap_plan((int)n);
	for (i = 0; i < n; i++)
		ktap_run_case(&cases[i]);
	return ktap_exit();
}

#endif
