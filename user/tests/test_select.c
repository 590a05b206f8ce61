// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_select.c - host unit tests of ntpsecd's selection, clustering and
 * combining (user/ntpsecd/select.c), fed by the clock filter where the case
 * is about whole servers, and by hand-made candidates where it is about one
 * rule.  The randomized cases check the algorithm against an independent
 * restatement (maximum interval overlap found by brute force) on inputs
 * from a deterministic generator, so a failure reproduces exactly.
 *
 * Each case runs many checks and reports one KTAP line; a failed check
 * prints a "#" diagnostic naming its line.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ktap.h"
#include "../ntpsecd/filter.h"
#include "../ntpsecd/select.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NOW		10000.0	/* steady-clock "now" of the cases */
#define HALF_MINDIST	(SELECT_MINDIST / 2)	/* lambda's floor term */

#define CHECK_NEAR(got, want, tol)					\
	check(fabs((got) - (want)) <= (tol), __LINE__,			\
	      "%s = %.12g, want %.12g", #got, (double)(got), (double)(want))
#define CHECK_STATE(res, i, want)					\
	check((res)->v[i].state == (want), __LINE__,			\
	      "candidate %d is %s, want %s", (int)(i),			\
	      select_state_name((res)->v[i].state), select_state_name(want))

/* Uniform in [0, 1). */
static double rng_unit(void)
{
	return (double)(rng_next() >> 11) / 9007199254740992.0;
}

/* Uniform in [-1, 1). */
static double rng_sym(void)
{
	return 2 * rng_unit() - 1;
}

/*
 * A fit stratum-2 candidate with root distance @lambda and peer jitter
 * @jitter at NOW (no delays, so lambda = mindist / 2 + disp + jitter).
 */
static struct select_candidate cand_j(double offset, double jitter,
				      double lambda)
{
	return (struct select_candidate){
		.offset = offset,
		.jitter = jitter,
		.disp = lambda - HALF_MINDIST - jitter,
		.update = NOW,
		.stratum = 2,
		.reachable = true,
	};
}

static struct select_candidate cand(double offset, double lambda)
{
	return cand_j(offset, 0.0001, lambda);
}

static int run(const struct select_candidate *c, int n,
	       const struct select_params *p, struct select_result *res)
{
	return select_run(c, n, p, NOW, res);
}

static int count_state(const struct select_result *res, int n,
		       enum select_state state)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += res->v[i].state == state;
	return k;
}

/* The weighted mean of the survivors, restated. */
static double survivors_mean(const struct select_candidate *c, int n,
			     const struct select_result *res)
{
	double y = 0, z = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (res->v[i].state != SELECT_SURVIVOR &&
		    res->v[i].state != SELECT_SYSPEER)
			continue;
		y += 1 / res->v[i].rootdist;
		z += c[i].offset / res->v[i].rootdist;
	}
	return z / y;
}

/*
 * A server through the clock filter: eight polls 64 s apart ending at NOW,
 * offset @offset with +-0.2 ms noise, delay 20 ms +0..5 ms, 10 ms root
 * delay and 1 ms root dispersion.
 */
static struct select_candidate server(double offset)
{
	struct filter_params fp;
	struct filter f;
	struct filter_result r;
	int i;

	filter_params_init(&fp, 1e-6);
	filter_init(&f);
	for (i = 0; i < FILTER_STAGES; i++) {
		struct filter_sample s = {
			.offset = offset + 0.0002 * rng_sym(),
			.delay = 0.020 + 0.005 * rng_unit(),
			.disp = 2e-6 + FILTER_PHI * 0.020,
			.t = NOW - 64.0 * (FILTER_STAGES - 1 - i),
		};

		CHECK(filter_add(&f, &s) == 0);
		filter_update(&f, &fp, s.t, &r);
	}
	CHECK(r.n == FILTER_STAGES);
	return (struct select_candidate){
		.offset = r.offset, .delay = r.delay, .disp = r.disp,
		.jitter = r.jitter, .update = r.update,
		.root_delay = 0.010, .root_disp = 0.001, .stratum = 2,
		.reachable = true,
	};
}

/* Issue 4's case: one of five servers is a second off. */
static void test_falseticker(void)
{
	static const double good[] = { 0.0005, -0.0003, 0.0008, -0.0009 };
	struct select_candidate c[5];
	struct select_params p;
	struct select_result res;
	char line[64];
	double mean = 0;
	int i, sys;

	rng_seed(5905);
	for (i = 0; i < 4; i++) {
		c[i] = server(good[i]);
		mean += c[i].offset / 4;
	}
	c[4] = server(1.0);
	select_params_init(&p);
	sys = run(c, 5, &p, &res);
	CHECKF(sys >= 0 && sys < 4, "system peer %d", sys);
	CHECK(res.outcome == SELECT_OK);
	CHECK_STATE(&res, 4, SELECT_FALSETICKER);
	for (i = 0; i < 4; i++)
		CHECKF(res.v[i].state >= SELECT_OUTLIER, "good %d is %s", i,
		       select_state_name(res.v[i].state));
	CHECK(res.n_candidates == 5 && res.n_truechimers == 4);
	CHECK(res.allow == 1 && res.n_falsetickers == 1);
	CHECK_NEAR(res.offset, mean, 0.001);
	CHECK_NEAR(res.offset, survivors_mean(c, 5, &res), 1e-15);
	CHECK(res.v[4].weight == 0);
	CHECKF(res.low <= mean && mean <= res.high, "[%g, %g]", res.low,
	       res.high);
	snprintf(line, sizeof(line), "%s %s excluded",
		 select_state_name(res.v[4].state), "192.0.2.7");
	CHECKF(!strcmp(line, "falseticker 192.0.2.7 excluded"), "%s", line);
	CHECK(select_state_tally(res.v[4].state) == 'x');
	CHECK(select_state_tally(res.v[sys].state) == '*');
}

/*
 * Two against two, 0.5 s apart: at most one falseticker may be allowed
 * among four, and no three intervals meet, so RFC 5905 (and NTPsec) find no
 * interval: all four are falsetickers and there is no system peer.  A
 * fifth server on one side makes a majority of three.
 */
static void test_no_majority(void)
{
	struct select_candidate c[5] = {
		cand(0.000, 0.01), cand(0.001, 0.01),
		cand(0.500, 0.01), cand(0.501, 0.01),
		cand(0.0005, 0.01),
	};
	struct select_params p;
	struct select_result res;
	int i;

	select_params_init(&p);
	CHECK(run(c, 4, &p, &res) == -ENOENT);
	CHECK(res.outcome == SELECT_NO_MAJORITY);
	CHECK(res.syspeer == -1 && res.allow == -1);
	CHECK(res.low == 0 && res.high == 0);
	CHECK(count_state(&res, 4, SELECT_FALSETICKER) == 4);
	CHECK(res.n_falsetickers == 4 && res.n_truechimers == 0);
	for (i = 0; i < 4; i++)
		CHECK(res.v[i].weight == 0);
	CHECK(!strcmp(select_outcome_name(res.outcome), "no majority agrees"));

	CHECK(run(c, 5, &p, &res) >= 0);
	CHECK(res.allow == 2);
	CHECK_STATE(&res, 2, SELECT_FALSETICKER);
	CHECK_STATE(&res, 3, SELECT_FALSETICKER);
	CHECK(res.syspeer == 0 || res.syspeer == 1 || res.syspeer == 4);
}

/* Three intervals meeting in [5, 10] ms: found with no falseticker. */
static void test_interval_by_hand(void)
{
	struct select_candidate c[3] = {
		cand(0.000, 0.010), cand(0.010, 0.010), cand(0.015, 0.010),
	};
	struct select_params p;
	struct select_result res;

	select_params_init(&p);
	CHECK(run(c, 3, &p, &res) >= 0);
	CHECK(res.allow == 0);
	CHECK_NEAR(res.low, 0.005, 1e-15);
	CHECK_NEAR(res.high, 0.010, 1e-15);
	CHECK(res.n_truechimers == 3);
}

/*
 * The midpoint rule of RFC 5905 section 11.2.1 is not NTPsec's: a
 * truechimer is any candidate whose interval meets the chosen one, even if
 * its offset lies outside.  [0, 10], [9, 11] and [9.5, 99.5] ms meet in
 * [9.5, 10] ms, which holds only the second offset; all three are
 * truechimers.  (So "the chosen interval holds the offsets of a majority"
 * is not a property of this algorithm; the randomized cases check what
 * is.)
 */
static void test_midpoints_outside(void)
{
	struct select_candidate c[3] = {
		cand(0.005, 0.005), cand(0.010, 0.001), cand(0.0545, 0.045),
	};
	struct select_params p;
	struct select_result res;

	select_params_init(&p);
	CHECK(run(c, 3, &p, &res) >= 0);
	CHECK(res.allow == 0 && res.n_truechimers == 3);
	CHECK_NEAR(res.low, 0.0095, 1e-12);
	CHECK_NEAR(res.high, 0.010, 1e-12);
	CHECK(c[0].offset < res.low && c[2].offset > res.high);
}

/*
 * Exact binary values (mindist 0.5 makes lambda 0.25 + disp) for the edges.
 * Intervals that only touch do not make an interval: [0, 0.5] and
 * [0.5, 1] meet in a point, and high > low is required.  Closed intervals,
 * though: with [0, 1], [1, 2], [3, 5], [4, 6] and [-10, 10], three meet
 * at the point 1 and along [4, 5]; one falseticker is too few and two
 * give the interval [1, 5], from the first point where three meet.
 */
static struct select_candidate cand_exact(double lo, double hi)
{
	struct select_candidate c = cand_j((lo + hi) / 2, 0, 0);

	c.disp = (hi - lo) / 2 - 0.25;
	return c;
}

static void test_touching(void)
{
	struct select_candidate c[5] = {
		cand_exact(0, 0.5), cand_exact(0.5, 1),
	};
	struct select_params p;
	struct select_result res;

	select_params_init(&p);
	p.mindist = 0.5;
	p.maxdist = 100;
	CHECK(run(c, 2, &p, &res) == -ENOENT);
	CHECK(res.outcome == SELECT_NO_MAJORITY);

	c[0] = cand_exact(0, 1);
	c[1] = cand_exact(1, 2);
	c[2] = cand_exact(3, 5);
	c[3] = cand_exact(4, 6);
	c[4] = cand_exact(-10, 10);
	CHECK_NEAR(select_root_dist(&c[4], p.mindist, NOW), 10, 0);
	CHECK(run(c, 5, &p, &res) >= 0);
	CHECK(res.allow == 2);
	CHECK(res.low == 1 && res.high == 5);
	CHECK(res.n_truechimers == 5);

	/* lambda exactly tos maxdist is too far. */
	p.maxdist = 1.5;
	c[0] = cand_exact(0, 3);
	CHECK(select_root_dist(&c[0], p.mindist, NOW) == 1.5);
	CHECK(run(c, 1, &p, &res) == -ENOENT);
	CHECK_STATE(&res, 0, SELECT_REJECT_DISTANCE);
}

/* tos minsane 3 with only two servers that agree: no system peer. */
static void test_minsane(void)
{
	struct select_candidate c[3] = {
		cand(0.000, 0.01), cand(0.001, 0.01), cand(1.000, 0.01),
	};
	struct select_params p;
	struct select_result res;

	select_params_init(&p);
	p.minsane = 3;
	CHECK(run(c, 3, &p, &res) == -ENOENT);
	CHECK(res.outcome == SELECT_TOO_FEW);
	CHECK(res.syspeer == -1 && res.n_truechimers == 2);
	CHECK_STATE(&res, 0, SELECT_SURVIVOR);
	CHECK_STATE(&res, 1, SELECT_SURVIVOR);
	CHECK_STATE(&res, 2, SELECT_FALSETICKER);
	CHECK(res.v[0].weight == 0 && res.v[1].weight == 0);
	CHECK(run(c, 2, &p, &res) == -ENOENT);
	CHECK(res.outcome == SELECT_TOO_FEW);

	p.minsane = 2;
	CHECK(run(c, 3, &p, &res) >= 0);
	c[2].offset = 0.0005;
	p.minsane = 3;
	CHECK(run(c, 3, &p, &res) >= 0);
	CHECK(res.outcome == SELECT_OK);
}

/*
 * Offsets 0, 0.2, -0.2 and 0.1 ms, the last one with twice the root
 * distance.  Selection jitters (RMS over the other three):
 *   0: sqrt((0.04 + 0.04 + 0.01) / 3) = 0.173 ms, x 10 ms
 *   1: sqrt((0.04 + 0.16 + 0.01) / 3) = 0.265 ms, x 10 ms
 *   2: sqrt((0.04 + 0.16 + 0.09) / 3) = 0.311 ms, x 10 ms
 *   3: sqrt((0.01 + 0.01 + 0.09) / 3) = 0.191 ms, x 20 ms = the worst
 * Without prefer, 3 goes first (0.191 ms > 0.1 ms peer jitter) and 0
 * becomes system peer.  Preferred, 3 is immune, stops clustering, becomes
 * system peer, and the system offset is its own.
 */
static void test_prefer(void)
{
	struct select_candidate c[5] = {
		cand(0.0000, 0.01), cand(0.0002, 0.01),
		cand(-0.0002, 0.01), cand(0.0001, 0.02),
		cand(1.0, 0.01),
	};
	struct select_params p;
	struct select_result res;
	int i;

	select_params_init(&p);
	CHECK(run(c, 4, &p, &res) == 0);
	CHECK_STATE(&res, 3, SELECT_OUTLIER);
	CHECK_NEAR(res.v[3].seljit, sqrt(0.11e-6 / 3), 1e-15);

	c[3].prefer = true;
	CHECK(run(c, 4, &p, &res) == 3);
	CHECK_STATE(&res, 3, SELECT_SYSPEER);
	CHECK(res.n_survivors == 4);
	CHECK(res.offset == c[3].offset);
	CHECK(res.jitter == c[3].jitter);
	CHECK(res.v[3].weight == 1);
	for (i = 0; i < 3; i++) {
		CHECK_STATE(&res, i, SELECT_SURVIVOR);
		CHECK(res.v[i].weight == 0);
	}
	CHECK_NEAR(res.rootdist, 0.02, 1e-15);

	/* A preferred falseticker is still a falseticker. */
	c[3].prefer = false;
	c[4].prefer = true;
	CHECK(run(c, 5, &p, &res) == 0);
	CHECK_STATE(&res, 4, SELECT_FALSETICKER);
	CHECKF(fabs(res.offset) < 0.0002, "offset %g", res.offset);
}

/*
 * Five truechimers with 20 us peer jitter; one is 4 ms off.  minclock 3:
 * the 4 ms one goes first; of 0, 0.1, -0.1 and 0.05 ms, -0.1 ms has the
 * largest selection jitter, sqrt((0.01 + 0.04 + 0.0225) / 3) = 0.155 ms,
 * over 20 us: it goes too, leaving three.
 */
static void test_clustering(void)
{
	struct select_candidate c[5];
	static const double off[5] = { 0, 0.0001, -0.0001, 0.00005, 0.004 };
	struct select_params p;
	struct select_result res;
	int i;

	for (i = 0; i < 5; i++)
		c[i] = cand_j(off[i], 0.00002, 0.01);
	select_params_init(&p);
	CHECK(run(c, 5, &p, &res) >= 0);
	CHECK(res.n_truechimers == 5 && res.n_survivors == 3);
	CHECK_STATE(&res, 4, SELECT_OUTLIER);
	CHECK_STATE(&res, 2, SELECT_OUTLIER);
	CHECK(select_state_tally(SELECT_OUTLIER) == '-');
	CHECK_NEAR(res.v[2].seljit, sqrt(0.0725e-6 / 3), 1e-15);
	for (i = 0; i < 4; i++)
		CHECK(res.v[4].seljit > res.v[i].seljit);
	CHECK_NEAR(res.offset, (0 + 0.0001 + 0.00005) / 3, 1e-15);

	/* minclock 5: nobody goes. */
	p.minclock = 5;
	CHECK(run(c, 5, &p, &res) >= 0);
	CHECK(res.n_survivors == 5);

	/* Peer jitter above every selection jitter: nothing to gain. */
	p.minclock = 3;
	for (i = 0; i < 5; i++)
		c[i].jitter = 0.005;
	CHECK(run(c, 5, &p, &res) >= 0);
	CHECK(res.n_survivors == 5);
	CHECKF(res.v[4].seljit < 0.005, "seljit %g", res.v[4].seljit);

	/* minclock 1: clustering goes on while it helps. */
	for (i = 0; i < 5; i++)
		c[i].jitter = 0.00002;
	p.minclock = 1;
	CHECK(run(c, 5, &p, &res) >= 0);
	CHECKF(res.n_survivors < 3, "%d survivors", res.n_survivors);
}

/*
 * More truechimers than maxclock (4), peer jitter too high for clustering
 * to drop any.  Offsets 0, 0.3, 0.5, 0.6, 1 and 2 (x 10 us): the one
 * furthest from the mean goes each round, 2 (mean 0.73) then 1 (mean
 * 0.48).  With 2 preferred: 0 (mean 0.73), then 0.3 (mean 0.88).
 */
static void test_maxclock(void)
{
	static const double off[6] = {
		0, 0.000003, 0.000005, 0.000006, 0.00001, 0.00002,
	};
	struct select_candidate c[6];
	struct select_params p;
	struct select_result res;
	int i;

	for (i = 0; i < 6; i++)
		c[i] = cand_j(off[i], 0.01, 0.02);
	select_params_init(&p);
	p.minclock = 1;
	p.maxclock = 4;
	CHECK(run(c, 6, &p, &res) >= 0);
	CHECK(res.n_survivors == 4);
	CHECK(count_state(&res, 6, SELECT_EXCESS) == 2);
	CHECK_STATE(&res, 5, SELECT_EXCESS);
	CHECK_STATE(&res, 4, SELECT_EXCESS);
	CHECK(select_state_tally(SELECT_EXCESS) == '#');

	c[5].prefer = true;
	CHECK(run(c, 6, &p, &res) == 5);
	CHECK(res.n_survivors == 4);
	CHECK_STATE(&res, 0, SELECT_EXCESS);
	CHECK_STATE(&res, 1, SELECT_EXCESS);

	p.maxclock = 6;
	c[5].prefer = false;
	CHECK(run(c, 6, &p, &res) >= 0);
	CHECK(res.n_survivors == 6);
}

/* The sanity checks, each on its own, and why they said no. */
static void test_rejects(void)
{
	struct select_candidate c[10];
	struct select_params p;
	struct select_result res;
	int i;

	for (i = 0; i < 10; i++)
		c[i] = cand(0.0001 * i, 0.01);
	c[1].reachable = false;
	c[2].noselect = true;
	c[3].unsync = true;
	c[4].stratum = 16;
	c[5].stratum = 0;	/* unspecified: 16 */
	c[6].loop = true;
	c[7].disp = 1.5;	/* lambda 1.51 s */
	c[8].offset = NAN;
	c[9].jitter = INFINITY;
	select_params_init(&p);
	CHECK(run(c, 10, &p, &res) == 0);
	CHECK(res.n_candidates == 1);
	CHECK_STATE(&res, 0, SELECT_SYSPEER);
	CHECK_STATE(&res, 1, SELECT_REJECT_UNREACH);
	CHECK_STATE(&res, 2, SELECT_REJECT_NOSELECT);
	CHECK_STATE(&res, 3, SELECT_REJECT_UNSYNC);
	CHECK_STATE(&res, 4, SELECT_REJECT_STRATUM);
	CHECK_STATE(&res, 5, SELECT_REJECT_STRATUM);
	CHECK_STATE(&res, 6, SELECT_REJECT_LOOP);
	CHECK_STATE(&res, 7, SELECT_REJECT_DISTANCE);
	CHECK_STATE(&res, 8, SELECT_REJECT_DISTANCE);
	CHECK_STATE(&res, 9, SELECT_REJECT_DISTANCE);
	for (i = 1; i < 10; i++)
		CHECK(select_state_tally(res.v[i].state) == ' ');
	CHECK(!strcmp(select_state_name(SELECT_REJECT_UNREACH),
		      "unreachable"));

	/* Just under maxdist passes; tos maxdist and ceiling move it. */
	c[7].disp = 1.5 - 0.0006 - c[7].jitter - HALF_MINDIST;
	c[4].stratum = 15;
	CHECK(run(c, 8, &p, &res) >= 0);
	CHECK(res.v[7].state >= SELECT_FALSETICKER);
	CHECK(res.v[4].state >= SELECT_FALSETICKER);
	p.maxdist = 1.0;
	p.ceiling = 15;
	CHECK(run(c, 8, &p, &res) >= 0);
	CHECK_STATE(&res, 7, SELECT_REJECT_DISTANCE);
	CHECK_STATE(&res, 4, SELECT_REJECT_STRATUM);
	p.floor = 0;	/* stratum 0 is still 16, not below the floor */
	CHECK(run(c, 6, &p, &res) >= 0);
	CHECK_STATE(&res, 5, SELECT_REJECT_STRATUM);
	p.floor = 3;
	CHECK(run(c, 8, &p, &res) == -ENOENT);
	CHECK(res.outcome == SELECT_NO_CANDIDATES);
	CHECK_STATE(&res, 0, SELECT_REJECT_STRATUM);

	CHECK(run(c, 0, &p, &res) == -ENOENT);
	CHECK(res.outcome == SELECT_NO_CANDIDATES);
}

/*
 * lambda = max(mindist, root delay + delay) / 2 + root disp + disp
 *          + PHI * (now - update) + jitter.
 * 20 ms root delay, 30 ms delay, 5 ms root disp, 2 ms disp, 1 ms jitter,
 * 64 s old: 25 + 5 + 2 + 0.96 + 1 = 33.96 ms.
 * 0.4 ms of delays under the 1 ms floor: 0.5 + 5 + 2 + 0.96 + 1 = 9.46 ms;
 * with RFC 5905's MINDISP of 10 ms instead: 5 + 8.96 = 13.96 ms.
 */
static void test_root_distance(void)
{
	struct select_candidate c = {
		.root_delay = 0.020, .delay = 0.030, .root_disp = 0.005,
		.disp = 0.002, .jitter = 0.001, .update = 100,
		.stratum = 2, .reachable = true,
	};
	struct select_params p;
	struct select_result res;

	CHECK_NEAR(select_root_dist(&c, 0.001, 164), 0.03396, 1e-15);
	CHECK_NEAR(select_root_dist(&c, 0.001, 50), 0.03300, 1e-15);
	select_params_init(&p);
	CHECK(select_run(&c, 1, &p, 164, &res) == 0);
	CHECK_NEAR(res.v[0].rootdist, 0.03396, 1e-15);
	CHECK_NEAR(res.rootdist, 0.03396, 1e-15);
	CHECK(res.offset == 0 && res.v[0].weight == 1);
	CHECK_NEAR(res.jitter, 0.001, 1e-15);	/* alone: its own jitter */

	c.root_delay = 0.0001;
	c.delay = 0.0003;
	CHECK_NEAR(select_root_dist(&c, 0.001, 164), 0.00946, 1e-15);
	CHECK_NEAR(select_root_dist(&c, 0.01, 164), 0.01396, 1e-15);
}

/*
 * Combining: offsets 1 and 2 ms with root distances 10 and 20 ms weigh
 * 2/3 and 1/3: 4/3 ms.  The system peer is the first (its selection
 * jitter 0.707 ms x 10 ms beats x 20 ms); system jitter
 * sqrt(0.1^2 + (1/3) * 1^2) ms = sqrt(0.01 + 0.3333) = 0.58595 ms.
 */
static void test_combine(void)
{
	struct select_candidate c[2] = {
		cand_j(0.001, 0.0001, 0.010), cand_j(0.002, 0.0001, 0.020),
	};
	struct select_params p;
	struct select_result res;

	select_params_init(&p);
	CHECK(run(c, 2, &p, &res) == 0);
	CHECK_NEAR(res.offset, 0.004 / 3, 1e-15);
	CHECK_NEAR(res.v[0].weight, 2.0 / 3, 1e-15);
	CHECK_NEAR(res.v[1].weight, 1.0 / 3, 1e-15);
	CHECK_NEAR(res.jitter, sqrt(1e-8 + 1e-6 / 3), 1e-15);
	CHECK_NEAR(res.jitter, 0.00058595, 1e-8);
	CHECK_NEAR(res.rootdist, 0.010, 1e-15);
	CHECK_STATE(&res, 1, SELECT_SURVIVOR);
	CHECK(select_state_tally(SELECT_SURVIVOR) == '+');
}

/*
 * Anti-clockhop: a survivor that was system peer keeps the job while its
 * offset is within mindist (1 ms) of the better choice.  A lower stratum
 * wins otherwise: 1 ms per stratum outweighs these selection jitters.
 */
static void test_clockhop(void)
{
	struct select_candidate c[2] = {
		cand(0.0000, 0.010), cand(0.0005, 0.010),
	};
	struct select_params p;
	struct select_result res;

	select_params_init(&p);
	c[0].stratum = 1;
	CHECK(run(c, 2, &p, &res) == 0);
	c[1].was_syspeer = true;
	CHECK(run(c, 2, &p, &res) == 1);
	c[1].offset = 0.0015;
	CHECK(run(c, 2, &p, &res) == 0);
	CHECK_STATE(&res, 1, SELECT_SURVIVOR);
	c[1].was_syspeer = false;
	c[1].offset = 0.0005;
	c[0].stratum = 3;
	CHECK(run(c, 2, &p, &res) == 1);
}

static void test_bad_arguments(void)
{
	struct select_candidate c[SELECT_MAX + 1];
	struct select_params p, bad;
	struct select_result res;
	int i;

	for (i = 0; i <= SELECT_MAX; i++)
		c[i] = cand(0, 0.01);
	select_params_init(&p);
	CHECK(run(c, SELECT_MAX, &p, &res) >= 0);
	CHECK(res.n_truechimers == SELECT_MAX);
	CHECK(res.n_survivors == p.maxclock);	/* equal offsets: ties */
	res.syspeer = 12345;
	CHECK(run(c, SELECT_MAX + 1, &p, &res) == -EINVAL);
	CHECK(res.syspeer == 12345);	/* untouched */
	CHECK(run(c, -1, &p, &res) == -EINVAL);
	CHECK(select_run(c, 1, &p, NAN, &res) == -EINVAL);
	bad = p;
	bad.minclock = 0;
	CHECK(run(c, 1, &bad, &res) == -EINVAL);
	bad = p;
	bad.maxclock = p.minclock - 1;
	CHECK(run(c, 1, &bad, &res) == -EINVAL);
	bad = p;
	bad.minsane = -1;
	CHECK(run(c, 1, &bad, &res) == -EINVAL);
	bad = p;
	bad.maxdist = 0;
	CHECK(run(c, 1, &bad, &res) == -EINVAL);
	bad = p;
	bad.mindist = NAN;
	CHECK(run(c, 1, &bad, &res) == -EINVAL);
}

/* Candidate intervals [offset - lambda, offset + lambda] containing @x. */
static int coverage(const struct select_candidate *c,
		    const struct select_result *res, int n, double x)
{
	int i, k = 0;

	for (i = 0; i < n; i++) {
		double l = res->v[i].rootdist;

		if (res->v[i].state >= SELECT_FALSETICKER &&
		    c[i].offset - l <= x && x <= c[i].offset + l)
			k++;
	}
	return k;
}

/* The most intervals that share a point: some lower end is such a point. */
static int max_coverage(const struct select_candidate *c,
			const struct select_result *res, int n)
{
	int i, best = 0;

	for (i = 0; i < n; i++) {
		int k;

		if (res->v[i].state < SELECT_FALSETICKER)
			continue;
		k = coverage(c, res, n, c[i].offset - res->v[i].rootdist);
		if (k > best)
			best = k;
	}
	return best;
}

static bool meets(const struct select_candidate *c,
		  const struct select_result *res, int i)
{
	double l = res->v[i].rootdist;

	return res->allow >= 0 && c[i].offset + l >= res->low &&
	       c[i].offset - l <= res->high;
}

/*
 * Up to 16 associations: some rejected, the rest either "true" (the true
 * time 0 lies inside their interval) or arbitrary within +-1 s.
 */
static int random_set(struct select_candidate *c, struct select_params *p)
{
	int n = 1 + (int)rng_below(16), i;
	double true_share = rng_unit();

	for (i = 0; i < n; i++) {
		double lambda = 0.002 + 0.05 * rng_unit();
		double jitter = (lambda - HALF_MINDIST) * 0.5 * rng_unit();
		double offset = rng_unit() < true_share ?
				0.95 * lambda * rng_sym() : rng_sym();

		c[i] = cand_j(offset, jitter, lambda);
		c[i].stratum = 1 + (int)rng_below(4);
		switch (rng_below(24)) {
		case 0:
			c[i].reachable = false;
			break;
		case 1:
			c[i].disp = 2;
			break;
		case 2:
			c[i].prefer = true;
			break;
		case 3:
			c[i].was_syspeer = true;
			break;
		}
	}
	select_params_init(p);
	p->minclock = 1 + (int)rng_below(4);
	p->maxclock = p->minclock + (int)rng_below(6);
	p->minsane = (int)rng_below(4);
	return n;
}

/* What the intersection must have found, restated. */
static void check_interval(const struct select_candidate *c, int n,
			   const struct select_result *res)
{
	int m = res->n_candidates, top = max_coverage(c, res, n), i, truth = 0;
	bool holds_truth;

	CHECKF(res->allow == (2 * (m - top) < m ? m - top : -1),
	       "allow %d, %d candidates, at most %d intervals meet",
	       res->allow, m, top);
	for (i = 0; i < n; i++)
		truth += res->v[i].state >= SELECT_FALSETICKER &&
			 fabs(c[i].offset) <= res->v[i].rootdist;
	/* A majority holding the true time (0) is a majority that meets. */
	if (2 * truth > m)
		CHECKF(res->allow >= 0, "%d of %d hold the true time", truth,
		       m);
	if (res->allow < 0)
		return;
	/*
	 * Marzullo's guarantee: when no more intervals miss the true time
	 * than the falsetickers allowed, the chosen interval holds it, and
	 * every candidate that holds it is a truechimer.
	 */
	holds_truth = m - truth <= res->allow;
	if (holds_truth)
		CHECKF(res->low <= 0 && res->high >= 0,
		       "%d of %d miss the true time, %d allowed: [%g, %g]",
		       m - truth, m, res->allow, res->low, res->high);
	/* Both ends of the interval lie in a majority of the intervals. */
	CHECK(res->low < res->high);
	CHECK(coverage(c, res, n, res->low) >= m - res->allow);
	CHECK(coverage(c, res, n, res->high) >= m - res->allow);
	CHECK(2 * res->n_truechimers > m);
	for (i = 0; i < n; i++) {
		enum select_state s = res->v[i].state;

		if (s < SELECT_FALSETICKER)
			continue;
		CHECKF(meets(c, res, i) == (s != SELECT_FALSETICKER),
		       "%d: %s", i, select_state_name(s));
		if (fabs(c[i].offset) <= res->v[i].rootdist && holds_truth)
			CHECKF(s != SELECT_FALSETICKER, "true %d is false", i);
	}
}

static unsigned int n_prefer_sys, n_held;

static double sys_metric(const struct select_candidate *c,
			 const struct select_result *res, int i,
			 const struct select_params *p)
{
	return res->v[i].seljit * res->v[i].rootdist +
	       c[i].stratum * p->mindist;
}

/* What combining must have produced, restated. */
static void check_combine(const struct select_candidate *c, int n,
			  const struct select_params *p,
			  const struct select_result *res)
{
	double sum = 0, mean = 0, lo = INFINITY, hi = -INFINITY;
	int i, survivors = 0, prefer = -1, best;

	CHECK(count_state(res, n, SELECT_SYSPEER) == 1);
	CHECK(res->v[res->syspeer].state == SELECT_SYSPEER);
	for (i = 0; i < n; i++) {
		enum select_state s = res->v[i].state;

		if (s != SELECT_SURVIVOR && s != SELECT_SYSPEER) {
			CHECK(res->v[i].weight == 0);
			continue;
		}
		survivors++;
		if (c[i].prefer)
			prefer = i;
		CHECK(res->v[i].weight >= 0);
		sum += res->v[i].weight;
		mean += res->v[i].weight * c[i].offset;
		lo = fmin(lo, c[i].offset);
		hi = fmax(hi, c[i].offset);
	}
	CHECK(survivors == res->n_survivors);
	CHECK(res->n_truechimers >= p->minsane);
	CHECKF(fabs(sum - 1) < 1e-12, "weights sum to %.17g", sum);
	CHECK_NEAR(res->offset, mean, 1e-12);
	CHECKF(lo - 1e-15 <= res->offset && res->offset <= hi + 1e-15,
	       "offset %g outside [%g, %g]", res->offset, lo, hi);
	CHECK(res->jitter >= c[res->syspeer].jitter);
	CHECK(res->rootdist == res->v[res->syspeer].rootdist);
	if (prefer >= 0) {
		CHECK(c[res->syspeer].prefer);
		n_prefer_sys++;
		return;
	}
	CHECK_NEAR(res->offset, survivors_mean(c, n, res), 1e-12);
	/* The best metric, unless a previous system peer held on. */
	best = res->syspeer;
	for (i = 0; i < n; i++)
		if (res->v[i].state == SELECT_SURVIVOR &&
		    sys_metric(c, res, i, p) < sys_metric(c, res, best, p))
			best = i;
	if (best != res->syspeer) {
		CHECKF(c[res->syspeer].was_syspeer &&
		       fabs(c[res->syspeer].offset - c[best].offset) <
		       p->mindist, "%d beats %d", best, res->syspeer);
		n_held++;
	}
}

static int prefer_truechimers(const struct select_candidate *c, int n,
			      const struct select_result *res)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += c[i].prefer && res->v[i].state > SELECT_FALSETICKER;
	return k;
}

static void check_run(const struct select_candidate *c, int n,
		      const struct select_params *p,
		      const struct select_result *res, int ret)
{
	int i, fit = 0;

	CHECK((ret >= 0) == (res->outcome == SELECT_OK));
	CHECK(ret == (ret >= 0 ? res->syspeer : -ENOENT));
	for (i = 0; i < n; i++) {
		fit += res->v[i].state >= SELECT_FALSETICKER;
		CHECK_NEAR(res->v[i].rootdist,
			   select_root_dist(&c[i], p->mindist, NOW), 0);
	}
	CHECK(fit == res->n_candidates);
	CHECK(count_state(res, n, SELECT_FALSETICKER) == res->n_falsetickers);
	if (!fit)
		return;
	check_interval(c, n, res);
	if (res->allow < 0)
		return;
	CHECK(res->n_truechimers + res->n_falsetickers == res->n_candidates);
	CHECK(res->n_survivors <= p->maxclock ||
	      res->n_survivors == prefer_truechimers(c, n, res));
	CHECK(res->n_survivors >= (res->n_truechimers < p->minclock ?
				   res->n_truechimers : p->minclock));
	CHECK((ret >= 0) == (res->n_truechimers >= p->minsane));
	if (ret >= 0)
		check_combine(c, n, p, res);
}

/* Same candidates in another order: the same verdicts. */
static void check_permuted(const struct select_candidate *c, int n,
			   const struct select_params *p,
			   const struct select_result *res, int ret)
{
	struct select_candidate s[SELECT_MAX];
	struct select_result r2;
	int perm[SELECT_MAX] = { 0 }, i, ret2;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		int j = (int)rng_below((uint32_t)i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (i = 0; i < n; i++)
		s[i] = c[perm[i]];
	ret2 = run(s, n, p, &r2);
	CHECK(r2.outcome == res->outcome);
	CHECK(ret < 0 ? ret2 == ret : ret2 >= 0 && perm[ret2] == ret);
	for (i = 0; i < n; i++)
		CHECKF(r2.v[i].state == res->v[perm[i]].state, "%d: %s vs %s",
		       i, select_state_name(r2.v[i].state),
		       select_state_name(res->v[perm[i]].state));
	if (ret >= 0)
		CHECK_NEAR(r2.offset, res->offset, 1e-15);
}

static void test_random(void)
{
	unsigned int seen[SELECT_SYSPEER + 1] = { 0 };
	unsigned int outcomes[SELECT_TOO_FEW + 1] = { 0 };
	unsigned int trial, i;

	rng_seed(0x5905ab1e);
	for (trial = 0; trial < 20000; trial++) {
		struct select_candidate c[SELECT_MAX];
		struct select_params p;
		struct select_result res;
		int n = random_set(c, &p), ret, j;

		ret = run(c, n, &p, &res);
		outcomes[res.outcome]++;
		for (j = 0; j < n; j++)
			seen[res.v[j].state]++;
		check_run(c, n, &p, &res, ret);
		check_permuted(c, n, &p, &res, ret);
	}
	printf("# random: %u ok, %u none, %u no majority, %u too few\n",
	       outcomes[SELECT_OK], outcomes[SELECT_NO_CANDIDATES],
	       outcomes[SELECT_NO_MAJORITY], outcomes[SELECT_TOO_FEW]);
	printf("# random: %u prefer system peers, %u held by anti-clockhop\n",
	       n_prefer_sys, n_held);
	CHECK(n_prefer_sys > 100 && n_held > 10);
	for (i = 0; i < ARRAY_SIZE(outcomes); i++)
		CHECKF(outcomes[i] > 100, "outcome %s only %u times",
		       select_outcome_name(i), outcomes[i]);
	for (i = 0; i < ARRAY_SIZE(seen); i++)
		CHECKF(seen[i] > 100 || i == SELECT_REJECT_NOSELECT ||
		       (i >= SELECT_REJECT_UNSYNC && i <= SELECT_REJECT_LOOP),
		       "state %s only %u times", select_state_name(i), seen[i]);
}

static const struct ktap_case cases[] = {
	{ "one server 1 s off among five is a falseticker", test_falseticker },
	{ "two against two: no system peer", test_no_majority },
	{ "intersection interval by hand", test_interval_by_hand },
	{ "truechimer offsets may lie outside the interval",
	  test_midpoints_outside },
	{ "touching intervals and exact edges", test_touching },
	{ "minsane", test_minsane },
	{ "prefer peer", test_prefer },
	{ "clustering drops the noisiest", test_clustering },
	{ "maxclock", test_maxclock },
	{ "sanity checks and reasons", test_rejects },
	{ "root distance by hand", test_root_distance },
	{ "combining weights and system jitter", test_combine },
	{ "system peer choice and anti-clockhop", test_clockhop },
	{ "bad arguments", test_bad_arguments },
	{ "20000 random sets against a restatement", test_random },
};

int main(void)
{
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
