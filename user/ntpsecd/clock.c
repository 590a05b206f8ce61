// SPDX-License-Identifier: BSD-2-Clause
/*
 * The clock discipline.  Only ever run where the clock may be changed: the
 * daemon's own host, or the test VM.  The build machines' clock is never
 * touched: the daemon's tests that discipline run inside QEMU.
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
 * Fit the frequency once this many seconds and samples of offsets are in,
 * and only when the slope stands out of the noise by three standard errors
 * (a millisecond of jitter over a few seconds is no frequency error).
 */
#define FREQ_FIT_SPAN 48.0
#define FREQ_FIT_MIN 6
#define FREQ_FIT_SIGMAS 3.0

static int set_frequency(double ppm)
{
	struct timex tx = { .modes = ADJ_FREQUENCY };

	if (ppm > MAX_FREQ_PPM)
		ppm = MAX_FREQ_PPM;
	if (ppm < -MAX_FREQ_PPM)
		ppm = -MAX_FREQ_PPM;
	tx.freq = lround(ppm * FREQ_SCALE);
	return adjtimex(&tx) < 0 ? -1 : 0;
}

int clock_init(struct clock_state *cs, const struct clock_params *p)
{
	struct timex tx = { .modes = 0 };
	FILE *f;
	double ppm;

	memset(cs, 0, sizeof(*cs));
	cs->p = *p;
	/* Start from whatever frequency the kernel runs at now. */
	if (adjtimex(&tx) >= 0)
		cs->freq_ppm = tx.freq / FREQ_SCALE;
	if (!p->driftfile)
		return 0;
	f = fopen(p->driftfile, "r");
	if (!f)
		return 0;	/* no drift file yet: a first start */
	if (fscanf(f, "%lf", &ppm) == 1 && fabs(ppm) <= MAX_FREQ_PPM) {
		cs->freq_ppm = ppm;
		if (set_frequency(ppm))
			log_msg(LOG_WARNING, "cannot set the frequency from %s: %s",
				p->driftfile, strerror(errno));
		else
			log_msg(LOG_INFO, "frequency %.3f ppm from %s", ppm,
				p->driftfile);
	} else {
		log_msg(LOG_WARNING, "%s: no frequency in it; ignored", p->driftfile);
	}
	fclose(f);
	return 0;
}

static int step(double offset)
{
	struct timex tx = { .modes = ADJ_SETOFFSET | ADJ_NANO };
	double whole = floor(offset);

	tx.time.tv_sec = (time_t)whole;
	tx.time.tv_usec = (long)((offset - whole) * 1e9);	/* ns with ADJ_NANO */
	return adjtimex(&tx) < 0 ? -1 : 0;
}

/*
 * A new single-shot slew replaces what is left of the previous one; the
 * part that was never applied comes off @slewed, so the fit sees the clock
 * as it really moved.
 */
static int slew(double offset, double *slewed)
{
	struct timex tx = { .modes = ADJ_OFFSET_SS_READ };

	if (adjtimex(&tx) < 0)
		return -1;
	*slewed -= tx.offset / 1e6;
	/* Microseconds, at most about half an hour of slewing at 500 ppm. */
	tx = (struct timex){ .modes = ADJ_OFFSET_SINGLESHOT,
			     .offset = lround(offset * 1e6) };
	if (adjtimex(&tx) < 0)
		return -1;
	*slewed += offset;
	return 0;
}

/*
 * Slope of offset(t) by least squares: the frequency error, in s/s; and
 * its standard error, so that noise is not taken for a frequency error.
 */
static double fit_slope(const struct clock_state *cs, double *stderr_slope)
{
	double mt = 0, mo = 0, stt = 0, sto = 0, rss = 0, slope;
	unsigned int i;

	for (i = 0; i < cs->n; i++) {
		mt += cs->t[i];
		mo += cs->off[i];
	}
	mt /= cs->n;
	mo /= cs->n;
	for (i = 0; i < cs->n; i++) {
		stt += (cs->t[i] - mt) * (cs->t[i] - mt);
		sto += (cs->t[i] - mt) * (cs->off[i] - mo);
	}
	if (stt <= 0) {
		*stderr_slope = INFINITY;
		return 0;
	}
	slope = sto / stt;
	for (i = 0; i < cs->n; i++) {
		double r = cs->off[i] - mo - slope * (cs->t[i] - mt);

		rss += r * r;
	}
	*stderr_slope = sqrt(rss / (cs->n - 2) / stt);
	return slope;
}

/*
 * Offsets measured after a slew are smaller by what was slewed: the fit
 * uses the phase the clock would have without our slews (offset plus the
 * slews since the history began), so it sees only the frequency error.
 */
static void record(struct clock_state *cs, double offset, double now)
{
	if (cs->n == CLOCK_HISTORY) {
		memmove(cs->t, cs->t + 1, (CLOCK_HISTORY - 1) * sizeof(double));
		memmove(cs->off, cs->off + 1, (CLOCK_HISTORY - 1) * sizeof(double));
		cs->n--;
	}
	cs->t[cs->n] = now;
	cs->off[cs->n] = offset + cs->slewed;
	cs->n++;
}

static void forget_history(struct clock_state *cs)
{
	cs->n = 0;
	cs->slewed = 0;
}

enum clock_action clock_update(struct clock_state *cs, double offset,
			       double now)
{
	if (cs->p.panic_threshold > 0 && fabs(offset) > cs->p.panic_threshold &&
	    !(cs->p.allow_first_panic && !cs->stepped_once)) {
		log_msg(LOG_ERR, "offset %.6f s is beyond the panic threshold %.0f s: set the clock by hand or start with -g",
			offset, cs->p.panic_threshold);
		return CLOCK_PANIC;
	}
	if (cs->p.step_threshold > 0 && fabs(offset) > cs->p.step_threshold) {
		if (step(offset))
			return CLOCK_ERROR;
		cs->stepped_once = true;
		forget_history(cs);	/* it no longer describes the clock */
		cs->last_update = now;
		log_msg(LOG_NOTICE, "clock stepped by %+.6f s", offset);
		return CLOCK_STEPPED;
	}
	cs->stepped_once = true;

	record(cs, offset, now);
	if (cs->n >= FREQ_FIT_MIN && cs->t[cs->n - 1] - cs->t[0] >= FREQ_FIT_SPAN) {
		double se, slope = fit_slope(cs, &se);

		/* Not yet significant: gather more samples (a longer span). */
		if (fabs(slope) < FREQ_FIT_SIGMAS * se)
			goto slew_only;

		/* Positive slope: we fall further behind, so run faster. */
		cs->freq_ppm += slope * 1e6;
		if (set_frequency(cs->freq_ppm))
			return CLOCK_ERROR;
		log_msg(LOG_INFO, "frequency %+.3f ppm (corrected by %+.3f)",
			cs->freq_ppm, slope * 1e6);
		forget_history(cs);
	}
slew_only:
	if (slew(offset, &cs->slewed))
		return CLOCK_ERROR;
	cs->last_update = now;
	return CLOCK_SLEWED;
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
