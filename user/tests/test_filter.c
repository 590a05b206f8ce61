// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_filter.c - host unit tests of ntpsecd's clock filter
 * (user/ntpsecd/filter.c), against numbers worked out by hand in the
 * comments.
 *
 * Each case runs many checks and reports one KTAP line; a failed check
 * prints a "#" diagnostic naming its line.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "../ntpsecd/filter.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PRECISION	1e-6	/* the system precision the cases assume */

/* Equal to within @tol, printing both on failure. */
#define CHECK_NEAR(got, want, tol)					\
	check(fabs((got) - (want)) <= (tol), __LINE__,			\
	      "%s = %.12g, want %.12g", #got, (double)(got), (double)(want))

static void add(struct filter *f, double t, double offset, double delay,
		double disp)
{
	struct filter_sample s = {
		.offset = offset, .delay = delay, .disp = disp, .t = t,
	};

	CHECKF(filter_add(f, &s) == 0, "filter_add at t=%g", t);
}

static void defaults(struct filter_params *p)
{
	filter_params_init(p, PRECISION);
}

static void test_empty(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	defaults(&p);
	filter_init(&f);
	CHECK(filter_update(&f, &p, 10, &r) == FILTER_EMPTY);
	CHECK(r.status == FILTER_EMPTY);
	CHECK(r.n == 0);
	/* Eight stages at 16 s: 16 * (1/2 + ... + 1/256) = 15.9375 s. */
	CHECK_NEAR(r.disp, 15.9375, 1e-12);
	CHECK_NEAR(r.update, 10, 0);
	CHECK(filter_stage(&f, 0) == NULL);
	CHECK(!strcmp(filter_status_name(FILTER_EMPTY), "empty"));
}

/*
 * Four samples, 16 s apart, each 0.1 ms dispersion at arrival:
 *   t   offset   delay
 *   0   +5 ms    30 ms
 *   16  +1 ms    10 ms   <- lowest delay
 *   32  +3 ms    20 ms
 *   48  -2 ms    40 ms
 * At now = 48, ranked by delay: t=16, 32, 0, 48.
 * Offset 1 ms, delay 10 ms, epoch 16.
 * Jitter over the four: differences from +1 ms are 0, 2, 4, -3 ms;
 *   squares 0 + 4 + 16 + 9 = 29e-6 s^2; / (4 - 1) = 9.6667e-6;
 *   sqrt = 3.109126e-3 s.
 * Dispersion: aged 0.1 ms + 15e-6 * age:
 *   t=16 (age 32): 0.58 ms; t=32 (16): 0.34 ms; t=0 (48): 0.82 ms;
 *   t=48 (0): 0.1 ms; in rank order weighted 1/2, 1/4, 1/8, 1/16:
 *   0.29 + 0.085 + 0.1025 + 0.00625 = 0.48375 ms;
 *   plus four empty stages 16 * (1/32 + 1/64 + 1/128 + 1/256) = 0.9375 s;
 *   total 0.93798375 s.
 */
static void fill_example(struct filter *f)
{
	filter_init(f);
	add(f, 0, 0.005, 0.030, 0.0001);
	add(f, 16, 0.001, 0.010, 0.0001);
	add(f, 32, 0.003, 0.020, 0.0001);
	add(f, 48, -0.002, 0.040, 0.0001);
}

static void test_hand_example(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	defaults(&p);
	fill_example(&f);
	CHECK(filter_update(&f, &p, 48, &r) == FILTER_NEW);
	CHECK_NEAR(r.offset, 0.001, 0);
	CHECK_NEAR(r.delay, 0.010, 0);
	CHECK_NEAR(r.epoch, 16, 0);
	CHECK_NEAR(r.update, 48, 0);
	CHECK(r.n == 4);
	CHECK_NEAR(r.jitter, sqrt(29e-6 / 3), 1e-15);
	CHECK_NEAR(r.jitter, 3.109126e-3, 1e-9);
	CHECK_NEAR(r.disp, 0.93798375, 1e-12);
}

/*
 * Same register ten seconds later: every stored dispersion grows by
 * 15e-6 * 10 = 0.15 ms, and the occupied stages weigh
 * 1/2 + 1/4 + 1/8 + 1/16 = 15/16, so the peer dispersion grows by
 * 0.140625 ms (empty stages stay at 16 s).  A lone sample of 1 ms
 * dispersion read 100 s after arrival: 1 + 1.5 = 2.5 ms, weighted 1/2,
 * plus 16 * (1/4 + ... + 1/256) = 7.9375 s: 7.93875 s.  After
 * 16 / 15e-6 s = 12.3 days it reaches 16 s and the filter is empty.
 */
static void test_dispersion_ageing(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	defaults(&p);
	fill_example(&f);
	filter_update(&f, &p, 58, &r);
	CHECK_NEAR(r.disp, 0.93798375 + 0.000140625, 1e-12);
	CHECK_NEAR(r.offset, 0.001, 0);	/* ageing alone changes no rank */

	filter_init(&f);
	add(&f, 1000, 0.0, 0.010, 0.001);
	filter_update(&f, &p, 1100, &r);
	CHECK_NEAR(r.disp, 7.93875, 1e-12);
	CHECK(r.n == 1);
	CHECK_NEAR(r.jitter, PRECISION, 0);	/* one sample: the floor */

	/* A sample read before its arrival time ages by nothing. */
	filter_update(&f, &p, 900, &r);
	CHECK_NEAR(r.disp, 0.0005 + 7.9375, 1e-12);

	CHECK(filter_update(&f, &p, 1000 + 16 / FILTER_PHI + 1, &r) ==
	      FILTER_EMPTY);
	CHECK_NEAR(r.disp, 15.9375, 1e-12);
	CHECK(filter_update(&f, &p, 1000 + 15.9 / FILTER_PHI, &r) !=
	      FILTER_EMPTY);
}

/* Register of eight: the ninth sample pushes out the first. */
static void test_shift_register(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;
	int i;

	defaults(&p);
	filter_init(&f);
	/* Sample i: offset i ms; the first has the lowest delay. */
	for (i = 0; i < 10; i++) {
		add(&f, 16.0 * i, 0.001 * i, i ? 0.020 + 0.001 * i : 0.010,
		    0.0001);
		if (i < FILTER_STAGES)
			CHECK(f.count == (unsigned int)i + 1);
		filter_update(&f, &p, 16.0 * i, &r);
		if (i < FILTER_STAGES)
			CHECKF(r.offset == 0, "i=%d: first sample kept", i);
	}
	CHECK(f.count == FILTER_STAGES);
	for (i = 0; i < FILTER_STAGES; i++) {
		const struct filter_sample *s;

		s = filter_stage(&f, (unsigned int)i);
		CHECKF(s && s->offset == 0.001 * (9 - i),
		       "stage %d holds sample %d", i, 9 - i);
	}
	CHECK(filter_stage(&f, FILTER_STAGES) == NULL);
	/* Samples 0 and 1 are gone; the best left is sample 2 (22 ms). */
	CHECK_NEAR(r.offset, 0.002, 1e-15);
	CHECK_NEAR(r.delay, 0.022, 1e-15);
	CHECK(r.n == FILTER_STAGES);
	/* Full register: no 16 s stage in the dispersion any more. */
	CHECKF(r.disp < 0.01, "disp %g", r.disp);
}

/*
 * RFC 5905's prime directive: a best sample no newer than the last one
 * used is not used again.
 */
static void test_only_newer(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	defaults(&p);
	fill_example(&f);
	CHECK(filter_update(&f, &p, 48, &r) == FILTER_NEW);
	CHECK(f.used && f.last_epoch == 16);

	/* Same register again: the same best sample. */
	CHECK(filter_update(&f, &p, 50, &r) == FILTER_OLD);
	CHECK_NEAR(r.epoch, 16, 0);

	/* A worse newer sample leaves the t=16 one best: still old. */
	add(&f, 64, 0.0, 0.050, 0.0001);
	CHECK(filter_update(&f, &p, 64, &r) == FILTER_OLD);
	CHECK_NEAR(r.offset, 0.001, 0);
	CHECK(f.last_epoch == 16);

	/* A better one is new. */
	add(&f, 80, 0.0007, 0.005, 0.0001);
	CHECK(filter_update(&f, &p, 80, &r) == FILTER_NEW);
	CHECK_NEAR(r.epoch, 80, 0);
	CHECK_NEAR(r.offset, 0.0007, 0);
	CHECK(f.last_epoch == 80);
	CHECK(!strcmp(filter_status_name(FILTER_OLD), "old"));
}

/*
 * Beyond the first two ranked samples, those at or above maxdist (1.5 s)
 * leave the jitter: delays 10 ms, 20 ms, 2 s, 3 s with offsets 0, 1 ms,
 * 50 ms, 80 ms give n = 2, jitter sqrt(1e-6 / 1) = 1 ms.  Even the second
 * sample counts when it is over maxdist (at least two for a jitter).
 */
static void test_maxdist_prune(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	defaults(&p);
	filter_init(&f);
	add(&f, 0, 0.050, 2.0, 0.0001);
	add(&f, 1, 0.000, 0.010, 0.0001);
	add(&f, 2, 0.080, 3.0, 0.0001);
	add(&f, 3, 0.001, 0.020, 0.0001);
	filter_update(&f, &p, 3, &r);
	CHECK(r.n == 2);
	CHECK_NEAR(r.jitter, 0.001, 1e-15);
	CHECK_NEAR(r.offset, 0, 0);

	filter_init(&f);
	add(&f, 0, 0.000, 0.010, 0.0001);
	add(&f, 1, 0.002, 2.0, 0.0001);
	add(&f, 2, 0.005, 3.0, 0.0001);
	filter_update(&f, &p, 2, &r);
	CHECK(r.n == 2);	/* 0 and the 2 s one; 3 s is left out */
	CHECK_NEAR(r.jitter, 0.002, 1e-15);
}

/* Identical offsets: the jitter is the system precision, not zero. */
static void test_jitter_floor(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;
	int i;

	defaults(&p);
	filter_init(&f);
	for (i = 0; i < 5; i++)
		add(&f, i, 0.0042, 0.010 + 0.001 * i, 0.0001);
	filter_update(&f, &p, 5, &r);
	CHECK(r.n == 5);
	CHECK_NEAR(r.jitter, PRECISION, 0);
	p.precision = 0.5e-6;
	filter_update(&f, &p, 5, &r);
	CHECK_NEAR(r.jitter, 0.5e-6, 0);
}

/*
 * Samples older than the Allan intercept (2048 s) are ranked by delay plus
 * dispersion: A (t=0, 10 ms delay, 1 ms disp) read at t=3000 has
 * 1 + 15e-6 * 3000 = 46 ms dispersion, distance 56 ms, so B (t=3000,
 * 12 ms) wins.  With a longer intercept A's 10 ms delay wins.
 */
static void test_allan_ranking(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	defaults(&p);
	filter_init(&f);
	add(&f, 0, 0.001, 0.010, 0.001);
	add(&f, 3000, 0.002, 0.012, 0.001);
	filter_update(&f, &p, 3000, &r);
	CHECK_NEAR(r.offset, 0.002, 0);
	p.allan = 4096;
	filter_update(&f, &p, 3000, &r);
	CHECK_NEAR(r.offset, 0.001, 0);
}

/*
 * Popcorn gate (poll 64 s): one sample at offset 0 is used, then eight
 * agreeing samples near +50 ms (jitter about 0.1 ms) push it out.  The
 * new best differs by 50 ms > 3 jitters, 8 s after the last sample used:
 * held back.  It is now the reference, so the next sample passes.
 */
static void test_popcorn(void)
{
	static const double spread[FILTER_STAGES] = {
		0.0001, -0.0001, 0.00005, -0.00005, 0.00015, -0.00015, 0, 0,
	};
	struct filter_params p;
	struct filter f, g;
	struct filter_result r;
	int i;

	defaults(&p);
	p.poll = 64;
	filter_init(&f);
	add(&f, 0, 0, 0.010, 0.0001);
	CHECK(filter_update(&f, &p, 0, &r) == FILTER_NEW);
	for (i = 0; i < FILTER_STAGES; i++)
		add(&f, 1 + i, 0.050 + spread[i], i == 7 ? 0.005 : 0.020,
		    0.0001);
	g = f;
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_POPCORN);
	CHECK_NEAR(r.offset, 0.050, 0);
	CHECKF(r.jitter < 0.050 / FILTER_SGATE, "jitter %g", r.jitter);
	CHECK(f.last_epoch == 0);
	add(&f, 9, 0.0501, 0.006, 0.0001);
	CHECK(filter_update(&f, &p, 9, &r) == FILTER_NEW);

	/* Gate off, or the last sample used long ago: used at once. */
	f = g;
	p.poll = 0;
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_NEW);
	f = g;
	p.poll = 2;	/* 8 s > 2 * 2 s */
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_NEW);
	/* Past tos maxdist the gate stands aside, as in NTPsec. */
	f = g;
	p.poll = 64;
	p.maxdist = 0.00005;
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_NEW);
	CHECK(!strcmp(filter_status_name(FILTER_POPCORN), "popcorn"));
}

/*
 * The gate's edges.  Last used offset 0 at t=0, then eight samples: the
 * best (t=8) at +10 ms, seven others at 10 ms + d, so the jitter is d.
 * d = 4 ms: 10 ms is 2.5 jitters, passes; d = 2.8 ms: 3.6 jitters, held.
 * Held only while 8 s is under two polls: poll 4.1 s holds, 3.9 s passes.
 */
static void popcorn_register(struct filter *f, double d)
{
	struct filter_params p;
	struct filter_result r;
	int i;

	filter_params_init(&p, PRECISION);
	filter_init(f);
	add(f, 0, 0, 0.010, 0.0001);
	filter_update(f, &p, 0, &r);
	for (i = 1; i <= FILTER_STAGES; i++)
		add(f, i, i == 8 ? 0.010 : 0.010 + d, i == 8 ? 0.005 : 0.020,
		    0.0001);
}

static void test_popcorn_edges(void)
{
	struct filter_params p;
	struct filter f;
	struct filter_result r;

	filter_params_init(&p, PRECISION);
	p.poll = 64;
	popcorn_register(&f, 0.004);
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_NEW);
	CHECK_NEAR(r.jitter, 0.004, 1e-15);
	popcorn_register(&f, 0.0028);
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_POPCORN);
	CHECK_NEAR(r.jitter, 0.0028, 1e-15);
	p.poll = 4.1;
	popcorn_register(&f, 0.0028);
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_POPCORN);
	p.poll = 3.9;
	popcorn_register(&f, 0.0028);
	CHECK(filter_update(&f, &p, 8, &r) == FILTER_NEW);
}

static void test_bad_samples(void)
{
	static const struct filter_sample bad[] = {
		{ .offset = NAN, .delay = 0.01, .disp = 0, .t = 0 },
		{ .offset = 0, .delay = INFINITY, .disp = 0, .t = 0 },
		{ .offset = 0, .delay = -0.001, .disp = 0, .t = 0 },
		{ .offset = 0, .delay = 0.01, .disp = -1e-9, .t = 0 },
		{ .offset = 0, .delay = 0.01, .disp = 0, .t = NAN },
	};
	struct filter f;
	unsigned int i;

	filter_init(&f);
	add(&f, 0, 0, 0.01, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		CHECKF(filter_add(&f, &bad[i]) == -EINVAL, "bad sample %u", i);
	CHECK(f.count == 1);
	CHECK(filter_stage(&f, 0)->offset == 0);
}

static const struct ktap_case cases[] = {
	{ "empty filter", test_empty },
	{ "min-delay sample, jitter and dispersion by hand",
	  test_hand_example },
	{ "dispersion ageing and expiry", test_dispersion_ageing },
	{ "eight-stage shift register", test_shift_register },
	{ "only samples newer than the last used", test_only_newer },
	{ "maxdist prunes the jitter", test_maxdist_prune },
	{ "jitter floor is the precision", test_jitter_floor },
	{ "Allan intercept ranking", test_allan_ranking },
	{ "popcorn spike gate", test_popcorn },
	{ "popcorn gate edges", test_popcorn_edges },
	{ "bad samples rejected", test_bad_samples },
};

int main(void)
{
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
