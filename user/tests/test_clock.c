// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_clock.c - host unit tests of ntpsecd's clock discipline
 * (user/ntpsecd/clock.c) against a simulated kernel clock: the loop is fed
 * the offsets a clock with a chosen frequency error would show, with and
 * without noise, and must step, converge and stay.  No clock of this
 * machine is touched: clock_init() is handed the simulation's adjtimex.
 */

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/timex.h>

#include "ktap.h"
#include "../ntpsecd/clock.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The simulated clock: its offset from true time (RFC 5905 sign: positive
 * when it is behind) drifts at its own frequency error plus the kernel
 * frequency the discipline sets.
 */
static struct {
	double now;		/* true time, s */
	double theta;		/* offset at now, s */
	double error_ppm;	/* the oscillator's own error: negative is slow */
	double freq_ppm;	/* the kernel's frequency correction */
	int status;
	unsigned int steps;
} sim;

static void sim_run_to(double t)
{
	sim.theta -= (sim.error_ppm + sim.freq_ppm) * 1e-6 * (t - sim.now);
	sim.now = t;
}

static int sim_adjtimex(struct timex *tx)
{
	if (tx->modes & ADJ_FREQUENCY) {
		if (tx->freq > 500 * 65536L || tx->freq < -500 * 65536L) {
			errno = EINVAL;
			return -1;
		}
		sim.freq_ppm = tx->freq / 65536.0;
	}
	if (tx->modes & ADJ_SETOFFSET) {
		sim.theta -= tx->time.tv_sec + tx->time.tv_usec / 1e9;
		sim.steps++;
	}
	if (tx->modes & ADJ_STATUS)
		sim.status = tx->status;
	tx->freq = lround(sim.freq_ppm * 65536.0);
	tx->status = sim.status;
	return 0;
}

static void sim_start(double theta, double error_ppm)
{
	memset(&sim, 0, sizeof(sim));
	sim.theta = theta;
	sim.error_ppm = error_ppm;
	rng_seed(0x5eed);
}

/* Roughly normal noise of standard deviation @sd (sum of uniforms). */
static double noise(double sd)
{
	double s = 0;
	int i;

	for (i = 0; i < 12; i++)
		s += rng_below(1000000) / 1e6;
	return (s - 6) * sd;
}

static struct clock_params params(void)
{
	return (struct clock_params){ .step_threshold = 0.128,
				      .panic_threshold = 1000 };
}

/*
 * Runs the loop for @seconds with a sample every @interval s of noise
 * @sd, plus a spike of @spike s every 17th sample; returns the worst
 * |offset| seen after @settle s.
 */
static double run(struct clock_state *cs, double seconds, double interval,
		  double sd, double spike, double settle)
{
	double end = sim.now + seconds, start = sim.now, worst = 0;
	unsigned int k = 0;

	while (sim.now + interval <= end) {
		double next = sim.now + interval, m;

		/* The daemon's main loop ends a phase correction on time. */
		while (clock_deadline(cs) <= next) {
			sim_run_to(clock_deadline(cs));
			CHECK(clock_tick(cs, sim.now) == 0);
		}
		sim_run_to(next);
		if (sim.now - start >= settle)
			worst = fmax(worst, fabs(sim.theta));
		m = sim.theta + noise(sd) + (++k % 17 == 0 ? spike : 0);
		CHECK(clock_update(cs, m, sim.now, sim.now) != CLOCK_ERROR);
	}
	return worst;
}

/*
 * As run(), but each offset is handed on @lag polls after it was
 * measured, with its measurement time, as the clock filter does when its
 * best sample is an older one.
 */
static double run_lagged(struct clock_state *cs, double seconds,
			 double interval, double sd, unsigned int lag,
			 double settle)
{
	double end = sim.now + seconds, start = sim.now, worst = 0;
	double mt[16], mv[16];
	unsigned int k = 0;

	while (sim.now + interval <= end) {
		double next = sim.now + interval;

		while (clock_deadline(cs) <= next) {
			sim_run_to(clock_deadline(cs));
			CHECK(clock_tick(cs, sim.now) == 0);
		}
		sim_run_to(next);
		if (sim.now - start >= settle)
			worst = fmax(worst, fabs(sim.theta));
		mt[k % 16] = sim.now;
		mv[k % 16] = sim.theta + noise(sd);
		if (k >= lag)
			CHECK(clock_update(cs, mv[(k - lag) % 16], mt[(k - lag) % 16],
					   sim.now) != CLOCK_ERROR);
		k++;
	}
	return worst;
}

#define CHECK_NEAR(got, want, tol)					\
	check(fabs((got) - (want)) <= (tol), __LINE__,			\
	      "%s = %.9g, want %.9g within %g", #got, (double)(got),	\
	      (double)(want), (double)(tol))

/* The acceptance in the VM, noiseless: step 2.5 s, then fix 50 ppm. */
static void test_step_then_converge(void)
{
	struct clock_params p = params();
	struct clock_state cs;
	double worst;

	sim_start(2.5, -50);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	CHECK(clock_update(&cs, sim.theta, 0, 0) == CLOCK_STEPPED);
	CHECK(sim.steps == 1);
	CHECK_NEAR(sim.theta, 0, 1e-9);
	worst = run(&cs, 600, 2, 0, 0, 120);
	CHECK_NEAR(worst, 0, 100e-6);
	CHECK_NEAR(cs.freq_ppm, 50, 0.1);
	CHECK_NEAR(sim.theta, 0, 10e-6);
}

/* Emulation's jitter: 1 ms noise and 5 ms spikes; within 1 ms, 50±5 ppm. */
static void test_noisy_converges_and_stays(void)
{
	struct clock_params p = params();
	struct clock_state cs;
	double worst;

	sim_start(0.02, -50);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	run(&cs, 120, 2, 1e-3, 5e-3, 0);
	printf("# noisy: after 120 s freq %.3f ppm, offset %.6f s\n",
	       cs.freq_ppm, sim.theta);
	worst = run(&cs, 1800, 2, 1e-3, 5e-3, 0);
	printf("# noisy: worst offset over the next 30 min %.6f s, freq %.3f ppm\n",
	       worst, cs.freq_ppm);
	CHECK(worst < 1e-3);
	CHECK_NEAR(cs.freq_ppm, 50, 5);
}

/* Longer polls, as in production: 64 s, 0.5 ms noise, a 30 ppm error. */
static void test_long_poll(void)
{
	struct clock_params p = params();
	struct clock_state cs;
	double worst;

	sim_start(0.05, 30);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	run(&cs, 3 * 3600, 64, 0.5e-3, 0, 0);
	worst = run(&cs, 6 * 3600, 64, 0.5e-3, 0, 0);
	CHECK(worst < 1e-3);
	CHECK_NEAR(cs.freq_ppm, -30, 2);
}

/* Samples handed on three polls late are matched with their own time. */
static void test_lagged_samples(void)
{
	struct clock_params p = params();
	struct clock_state cs;
	double worst;

	sim_start(0.02, -50);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	run_lagged(&cs, 120, 2, 0.2e-3, 3, 0);
	worst = run_lagged(&cs, 600, 2, 0.2e-3, 3, 0);
	printf("# lagged: worst offset %.6f s, freq %.3f ppm\n", worst, cs.freq_ppm);
	CHECK(worst < 1e-3);
	CHECK_NEAR(cs.freq_ppm, 50, 3);
}

/* No update for a long time: the phase correction ends, no overshoot. */
static void test_correction_ends(void)
{
	struct clock_params p = params();
	struct clock_state cs;

	sim_start(0.01, 0);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	CHECK(clock_update(&cs, sim.theta, 0, 0) == CLOCK_SLEWED);
	CHECK(sim.freq_ppm > 0);
	CHECK(isfinite(clock_deadline(&cs)));
	sim_run_to(clock_deadline(&cs));
	CHECK(clock_tick(&cs, sim.now) == 0);
	CHECK_NEAR(sim.freq_ppm, 0, 1e-3);
	CHECK(!isfinite(clock_deadline(&cs)));
	sim_run_to(10000);
	/* 10 ms at most 500 ppm - freq: exactly removed, not more. */
	CHECK(sim.theta >= -1e-6 && sim.theta < 0.01);
}

/* Beyond the panic threshold: no change, the daemon exits; -g allows one. */
static void test_panic(void)
{
	struct clock_params p = params();
	struct clock_state cs;

	sim_start(5000, 0);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	CHECK(clock_update(&cs, sim.theta, 0, 0) == CLOCK_PANIC);
	CHECK(sim.steps == 0);
	p.allow_first_panic = true;
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	CHECK(clock_update(&cs, sim.theta, 0, 0) == CLOCK_STEPPED);
	CHECK(clock_update(&cs, 5000, 1, 1) == CLOCK_PANIC);
}

/* After the first update, a step needs the offset to last (stepout). */
static void test_stepout(void)
{
	struct clock_params p = params();
	struct clock_state cs;

	sim_start(0.001, 0);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	CHECK(clock_update(&cs, 0.001, 0, 0) == CLOCK_SLEWED);
	CHECK(clock_update(&cs, 0.5, 2, 2) == CLOCK_SPIKE);
	CHECK(clock_update(&cs, -0.5, 4, 4) == CLOCK_SPIKE);
	CHECK(clock_update(&cs, 0.001, 6, 6) == CLOCK_SLEWED);
	CHECK(sim.steps == 0);
	CHECK(clock_update(&cs, 0.5, 10, 10) == CLOCK_SPIKE);
	CHECK(clock_update(&cs, 0.5, 10 + CLOCK_STEPOUT - 1, 10 + CLOCK_STEPOUT - 1) == CLOCK_SPIKE);
	CHECK(clock_update(&cs, 0.5, 10 + CLOCK_STEPOUT, 10 + CLOCK_STEPOUT) == CLOCK_STEPPED);
	CHECK(sim.steps == 1);
}

/* The kernel never sees more than 500 ppm, the estimate stays within it. */
static void test_frequency_bounds(void)
{
	struct clock_params p = params();
	struct clock_state cs;

	sim_start(0.1, -450);
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	/* The phase goes at the 50 ppm the frequency leaves: 2000 s. */
	run(&cs, 3000, 2, 0, 0, 0);
	CHECK(fabs(sim.freq_ppm) <= 500);
	CHECK_NEAR(cs.freq_ppm, 450, 1);
	CHECK(fabs(sim.theta) < 1e-3);
}

/* Leap second arming and the unsync bit, through ADJ_STATUS. */
static void test_status(void)
{
	struct clock_params p = params();
	struct clock_state cs;

	sim_start(0, 0);
	sim.status = STA_PLL | STA_UNSYNC;
	CHECK(clock_init(&cs, &p, sim_adjtimex, 0) == 0);
	CHECK(clock_set_status(&cs, true, 1) == 0);
	CHECK(sim.status == STA_INS);
	CHECK(clock_set_status(&cs, true, -1) == 0);
	CHECK(sim.status == STA_DEL);
	CHECK(clock_set_status(&cs, false, 0) == 0);
	CHECK(sim.status == STA_UNSYNC);
}

static const struct ktap_case cases[] = {
	{ "step at start, then 50 ppm corrected without noise", test_step_then_converge },
	{ "1 ms noise and spikes: within 1 ms, 50 +- 5 ppm", test_noisy_converges_and_stays },
	{ "64 s polls: within 1 ms, -30 +- 2 ppm", test_long_poll },
	{ "offsets handed on late (the filter's older best sample)", test_lagged_samples },
	{ "a phase correction ends by itself", test_correction_ends },
	{ "panic threshold and -g", test_panic },
	{ "a later step waits for the stepout", test_stepout },
	{ "frequency within +-500 ppm", test_frequency_bounds },
	{ "kernel status: unsync, leap insert/delete", test_status },
};

int main(void)
{
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
