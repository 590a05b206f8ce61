// SPDX-License-Identifier: BSD-2-Clause
/*
 * The clock discipline (see clock.h for the method).  Only ever run where
 * the clock may be changed: the daemon's own host, or the test VM.  The
 * build machines' clock is never touched: the daemon's tests that
 * discipline run inside QEMU, and the host unit tests hand clock_init() a
 * simulated adjtimex.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

/* adjtimex's frequency: ppm with a 16-bit binary fraction. */
#define FREQ_SCALE 65536.0
#define MAX_FREQ_PPM 500.0
/*
 * The damping: a slope is believed in proportion to how well it stands
 * out of its own standard error, against a prior spread of frequency
 * errors of this many ppm (real oscillators are within tens of ppm).
 */
#define FREQ_PRIOR_PPM 100.0
/* Fewer samples give no standard error worth the name. */
#define FREQ_FIT_MIN 4
/*
 * Below this the residuals of a short fit understate the noise by chance;
 * it is about the jitter of a good LAN path.
 */
#define NOISE_FLOOR 50e-6
/* A phase error is removed over twice the sampling interval, within these. */
#define TAU_MIN 4.0
#define TAU_MAX 1024.0
/*
 * Log the frequency again when it moved this much, or three standard
 * errors when that is more: noise is not news.
 */
#define FREQ_LOG_PPM 1.0

static double clamp(double v, double lim)
{
	return v > lim ? lim : v < -lim ? -lim : v;
}

static int sys_adjtimex(struct timex *tx)
{
	return adjtimex(tx);
}

/* Brings the integral of our corrections up to @now. */
static void advance(struct clock_state *cs, double now)
{
	cs->corr += (cs->kernel_ppm - cs->base_ppm) * 1e-6 * (now - cs->corr_t);
	cs->corr_t = now;
}

static void remember_rate(struct clock_state *cs, double now)
{
	if (cs->nrate == CLOCK_RATES) {
		memmove(cs->rate, cs->rate + 1, (CLOCK_RATES - 1) * sizeof(cs->rate[0]));
		cs->nrate--;
	}
	cs->rate[cs->nrate].t = now;
	cs->rate[cs->nrate].corr = cs->corr;
	cs->rate[cs->nrate].ppm = cs->kernel_ppm;
	cs->nrate++;
}

/* The integral of our corrections as it stood at @t (not after now). */
static double corr_at(const struct clock_state *cs, double t)
{
	unsigned int i = cs->nrate;

	while (i-- > 0) {
		if (cs->rate[i].t <= t)
			return cs->rate[i].corr +
			       (cs->rate[i].ppm - cs->base_ppm) * 1e-6 * (t - cs->rate[i].t);
	}
	return cs->nrate ? cs->rate[0].corr : cs->corr;
}

static int set_kernel_freq(struct clock_state *cs, double ppm, double now)
{
	struct timex tx = { .modes = ADJ_FREQUENCY };

	ppm = clamp(ppm, MAX_FREQ_PPM);
	tx.freq = lround(ppm * FREQ_SCALE);
	if (cs->adjtimex(&tx) < 0)
		return -1;
	advance(cs, now);
	cs->kernel_ppm = tx.freq / FREQ_SCALE;
	remember_rate(cs, now);
	return 0;
}

static void forget_history(struct clock_state *cs, double now)
{
	cs->n = 0;
	cs->corr = 0;
	cs->corr_t = now;
	cs->base_ppm = cs->freq_ppm;
	cs->freq_se_ppm = INFINITY;
	cs->nrate = 0;
	cs->since = now;
	remember_rate(cs, now);
}

static void read_driftfile(struct clock_state *cs, const char *path)
{
	FILE *f = fopen(path, "r");
	double ppm;

	if (!f)
		return;	/* no drift file yet: a first start */
	if (fscanf(f, "%lf", &ppm) == 1 && fabs(ppm) <= MAX_FREQ_PPM) {
		cs->freq_ppm = ppm;
		log_msg(LOG_INFO, "frequency %.3f ppm from %s", ppm, path);
	} else {
		log_msg(LOG_WARNING, "%s:1: no frequency (ppm, at most %.0f) in it; ignored",
			path, MAX_FREQ_PPM);
	}
	fclose(f);
}

int clock_init(struct clock_state *cs, const struct clock_params *p,
	       int (*adj)(struct timex *tx), double now)
{
	struct timex tx = { .modes = 0 };

	memset(cs, 0, sizeof(*cs));
	cs->p = *p;
	cs->adjtimex = adj ? adj : sys_adjtimex;
	/* Start from whatever frequency the kernel runs at now. */
	if (cs->adjtimex(&tx) >= 0)
		cs->freq_ppm = tx.freq / FREQ_SCALE;
	if (p->driftfile)
		read_driftfile(cs, p->driftfile);
	cs->logged_ppm = cs->freq_ppm;
	cs->kernel_ppm = cs->freq_ppm;
	forget_history(cs, now);
	/* Whatever phase correction an earlier daemon left running ends. */
	if (set_kernel_freq(cs, cs->freq_ppm, now)) {
		log_msg(LOG_WARNING, "cannot set the kernel frequency: %s",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int step(struct clock_state *cs, double offset)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };
	double whole = floor(offset);

	tx.time.tv_sec = (time_t)whole;
	tx.time.tv_usec = (long)((offset - whole) * 1e9);	/* ns with ADJ_NANO */
	return cs->adjtimex(&tx) < 0 ? -1 : 0;
}

static void record(struct clock_state *cs, double offset, double t)
{
	if (cs->n == CLOCK_HISTORY) {
		memmove(cs->t, cs->t + 1, (CLOCK_HISTORY - 1) * sizeof(double));
		memmove(cs->u, cs->u + 1, (CLOCK_HISTORY - 1) * sizeof(double));
		cs->n--;
	}
	/* The phase without our corrections, when it was measured. */
	cs->t[cs->n] = t;
	cs->u[cs->n] = offset + corr_at(cs, t);
	cs->n++;
}

/*
 * The line through the untouched phases: its slope (s/s, the frequency
 * error relative to base_ppm) and the slope's standard error, and the
 * weighted means of time and phase it passes through.  Emulators and busy
 * networks produce the odd sample milliseconds off, nearly always late
 * (queues only add delay): least squares would follow them, so the fit is
 * redone with weights from the residuals, measured against a scale that
 * the outliers cannot inflate (the median absolute residual): full weight
 * within ROBUST_FULL of it, less beyond, none beyond ROBUST_CUT.
 */
#define ROBUST_FULL 2.5
#define ROBUST_CUT 5.0
#define FIT_PASSES 4
#define MAD_TO_SIGMA 1.4826	/* for normal noise */

struct fit {
	double mt, mu, slope, se;
};

static void fit_pass(const struct clock_state *cs, const double *w,
		     struct fit *f)
{
	double sw = 0, stt = 0, stu = 0, rss = 0, sigma2;
	unsigned int i, used = 0;

	f->mt = f->mu = 0;
	for (i = 0; i < cs->n; i++) {
		sw += w[i];
		f->mt += w[i] * cs->t[i];
		f->mu += w[i] * cs->u[i];
		used += w[i] > 0;
	}
	f->mt /= sw;
	f->mu /= sw;
	for (i = 0; i < cs->n; i++) {
		stt += w[i] * (cs->t[i] - f->mt) * (cs->t[i] - f->mt);
		stu += w[i] * (cs->t[i] - f->mt) * (cs->u[i] - f->mu);
	}
	f->slope = 0;
	f->se = INFINITY;
	if (stt <= 0 || used < FREQ_FIT_MIN)
		return;
	f->slope = stu / stt;
	for (i = 0; i < cs->n; i++) {
		double r = cs->u[i] - f->mu - f->slope * (cs->t[i] - f->mt);

		rss += w[i] * r * r;
	}
	/* The residual variance per unit weight, two parameters fitted. */
	sigma2 = fmax(rss / sw * used / (used - 2), NOISE_FLOOR * NOISE_FLOOR);
	f->se = sqrt(sigma2 / stt);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The noise of the samples around @f, robustly: scaled median |residual|. */
static double robust_sigma(const struct clock_state *cs, const struct fit *f)
{
	double r[CLOCK_HISTORY];
	unsigned int i;

	if (!cs->n)
		return NOISE_FLOOR;
	for (i = 0; i < cs->n; i++)
		r[i] = fabs(cs->u[i] - f->mu - f->slope * (cs->t[i] - f->mt));
	qsort(r, cs->n, sizeof(r[0]), cmp_double);
	return fmax(MAD_TO_SIGMA * r[cs->n / 2], NOISE_FLOOR);
}

static void fit_line(const struct clock_state *cs, struct fit *f)
{
	double w[CLOCK_HISTORY] = { 0 };
	unsigned int i, pass;

	for (i = 0; i < cs->n; i++)
		w[i] = 1;
	fit_pass(cs, w, f);
	for (pass = 1; pass < FIT_PASSES && cs->n >= FREQ_FIT_MIN; pass++) {
		double sigma = robust_sigma(cs, f);

		for (i = 0; i < cs->n; i++) {
			double r = fabs(cs->u[i] - f->mu - f->slope * (cs->t[i] - f->mt));

			w[i] = r <= ROBUST_FULL * sigma ? 1 :
			       r <= ROBUST_CUT * sigma ? ROBUST_FULL * sigma / r : 0;
		}
		fit_pass(cs, w, f);
	}
}

/*
 * The newest samples all on one side of the line, each beyond its noise:
 * the line no longer describes the clock (the frequency changed, or early
 * outliers bent it), and the robust weights would go on ignoring the
 * truth.  As chrony's runs test shrinks its window, the history is cut
 * back to that run.
 */
#define RUN_RESTART 3

static bool model_broken(const struct clock_state *cs, const struct fit *f)
{
	double sigma;
	unsigned int i, run = 0;
	int side = 0;

	if (cs->n < FREQ_FIT_MIN + RUN_RESTART)
		return false;
	sigma = robust_sigma(cs, f);
	for (i = cs->n; i-- > 0 && run < RUN_RESTART; run++) {
		double r = cs->u[i] - f->mu - f->slope * (cs->t[i] - f->mt);
		int s = r > 0 ? 1 : -1;

		if (fabs(r) <= ROBUST_FULL * sigma || (side && s != side))
			return false;
		side = s;
	}
	return true;
}

static void keep_newest(struct clock_state *cs, unsigned int k)
{
	memmove(cs->t, cs->t + cs->n - k, k * sizeof(double));
	memmove(cs->u, cs->u + cs->n - k, k * sizeof(double));
	cs->n = k;
}

static enum clock_action step_clock(struct clock_state *cs, double offset,
				    double now)
{
	if (step(cs, offset))
		return CLOCK_ERROR;
	cs->stepped_once = true;
	cs->steps++;
	forget_history(cs, now);	/* it no longer describes the clock */
	cs->slew_until = 0;
	if (set_kernel_freq(cs, cs->freq_ppm, now))
		return CLOCK_ERROR;
	cs->last_update = now;
	cs->est_offset = 0;
	log_msg(LOG_NOTICE, "clock stepped by %+.6f s", offset);
	return CLOCK_STEPPED;
}

enum clock_action clock_update(struct clock_state *cs, double offset,
			       double measured, double now)
{
	double prior = FREQ_PRIOR_PPM * 1e-6, weight, used, est, tau, rate;
	struct fit f;

	if (cs->p.panic_threshold > 0 && fabs(offset) > cs->p.panic_threshold &&
	    !(cs->p.allow_first_panic && !cs->stepped_once)) {
		log_msg(LOG_ERR, "offset %.6f s is beyond the panic threshold %.0f s: set the clock by hand or start with -g",
			offset, cs->p.panic_threshold);
		return CLOCK_PANIC;
	}
	if (cs->p.step_threshold > 0 && fabs(offset) > cs->p.step_threshold) {
		if (!cs->updates && !cs->steps)
			return step_clock(cs, offset, now);
		if (!cs->spike_since) {
			cs->spike_since = now;
			log_msg(LOG_WARNING, "offset %+.6f s beyond the step threshold: ignored unless it lasts %.0f s",
				offset, CLOCK_STEPOUT);
		}
		if (now - cs->spike_since < CLOCK_STEPOUT) {
			cs->spikes++;
			return CLOCK_SPIKE;
		}
		cs->spike_since = 0;
		return step_clock(cs, offset, now);
	}
	if (cs->spike_since)
		log_msg(LOG_INFO, "offset back within the step threshold after %.0f s",
			now - cs->spike_since);
	cs->spike_since = 0;
	cs->stepped_once = true;
	cs->updates++;

	advance(cs, now);
	/* Older than the history (it began with a step): it says nothing. */
	if (measured < cs->since)
		return CLOCK_SPIKE;
	record(cs, offset, fmin(measured, now));
	fit_line(cs, &f);
	if (model_broken(cs, &f)) {
		log_msg(LOG_INFO, "the last %d offsets leave the fitted line: history cut back to them",
			RUN_RESTART);
		keep_newest(cs, RUN_RESTART);
		fit_line(cs, &f);
	}
	weight = isfinite(f.se) ? prior * prior / (prior * prior + f.se * f.se) : 0;
	used = f.slope * weight;
	cs->freq_ppm = clamp(cs->base_ppm + used * 1e6, MAX_FREQ_PPM);
	cs->freq_se_ppm = f.se * 1e6;
	/* The phase the damped line predicts now, less what we did since. */
	est = f.mu + used * (now - f.mt) - cs->corr;
	cs->est_offset = est;

	tau = cs->n > 1 ? 2 * (now - cs->last_update) : TAU_MIN;
	tau = fmin(fmax(tau, TAU_MIN), TAU_MAX);
	rate = clamp(est / tau * 1e6, MAX_FREQ_PPM - fabs(cs->freq_ppm));
	cs->last_update = now;
	if (set_kernel_freq(cs, cs->freq_ppm + rate, now))
		return CLOCK_ERROR;
	cs->slew_until = now + tau;
	if (fabs(cs->freq_ppm - cs->logged_ppm) >=
	    fmax(FREQ_LOG_PPM, 3 * cs->freq_se_ppm)) {
		log_msg(LOG_INFO, "frequency %+.3f ppm (standard error %.3f), offset %+.6f s",
			cs->freq_ppm, cs->freq_se_ppm, est);
		cs->logged_ppm = cs->freq_ppm;
	}
	return CLOCK_SLEWED;
}

int clock_tick(struct clock_state *cs, double now)
{
	if (!cs->slew_until || now < cs->slew_until)
		return 0;
	/* The correction ran its course: only the frequency error stays. */
	cs->slew_until = 0;
	advance(cs, now);
	return set_kernel_freq(cs, cs->freq_ppm, now);
}

double clock_deadline(const struct clock_state *cs)
{
	return cs->slew_until ? cs->slew_until : INFINITY;
}

int clock_finish(struct clock_state *cs, double now, bool hand_over)
{
	double left = 0;
	struct timex tx;

	if (cs->slew_until > now)
		left = (cs->kernel_ppm - cs->freq_ppm) * 1e-6 * (cs->slew_until - now);
	cs->slew_until = 0;
	if (set_kernel_freq(cs, cs->freq_ppm, now))
		return -1;
	if (!hand_over || fabs(left) < 1e-6)
		return 0;
	tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT,
			     .offset = lround(left * 1e6) };
	return cs->adjtimex(&tx) < 0 ? -1 : 0;
}

int clock_set_status(struct clock_state *cs, bool synced, int leap_arm)
{
	struct timex tx = { .modes = 0 };

	if (cs->adjtimex(&tx) < 0)
		return -1;
	/* The kernel PLL stays off: the frequency is ours alone. */
	tx.status &= ~(STA_PLL | STA_FLL | STA_INS | STA_DEL | STA_UNSYNC);
	if (!synced)
		tx.status |= STA_UNSYNC;
	if (leap_arm > 0)
		tx.status |= STA_INS;
	else if (leap_arm < 0)
		tx.status |= STA_DEL;
	tx.modes = ADJ_STATUS;
	return cs->adjtimex(&tx) < 0 ? -1 : 0;
}

int clock_write_drift(const struct clock_state *cs)
{
	char tmp[4096];
	FILE *f;

	if (!cs->p.driftfile)
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", cs->p.driftfile) >= sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	fprintf(f, "%.3f\n", cs->freq_ppm);
	if (fflush(f) || fsync(fileno(f)) || fclose(f)) {
		unlink(tmp);
		return -1;
	}
	return rename(tmp, cs->p.driftfile);
}
