/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * filter.h - the RFC 5905 clock filter (section 10, appendix A.5.2), one per
 * association, with NTPsec's refinements.
 *
 * Time base: every time here ("now", a sample's arrival time) is in seconds
 * on the daemon's own steady clock (CLOCK_MONOTONIC or CLOCK_BOOTTIME as a
 * double), never CLOCK_REALTIME: the filter ages samples by subtracting
 * these times, and a step of the system clock must not age or rejuvenate
 * them.  Offsets, delays, dispersions and jitters are in seconds.
 *
 * The filter keeps the last FILTER_STAGES samples in a shift register.
 * filter_update() ranks them (lowest delay first), picks the best one, and
 * derives the peer statistics:
 *   offset, delay   those of the best sample;
 *   dispersion      sum over the ranked stages of disp[i] / 2^(i+1), each
 *                   sample's dispersion grown by FILTER_PHI per second of
 *                   age; an empty or expired stage counts as FILTER_MAXDISP;
 *   jitter          RMS of the usable samples' offsets less the best one's,
 *                   sqrt(sum / (n - 1)), never below the system precision.
 * It also says whether the caller may hand the result on to selection:
 * RFC 5905's prime directive uses a sample only if it is newer than the
 * last one used; NTPsec's popcorn spike gate is optional (params.poll).
 *
 * No global state: everything lives in struct filter.
 */
#ifndef NTPSEC_FILTER_H
#define NTPSEC_FILTER_H

#include <stdbool.h>

#define FILTER_STAGES	8	/* RFC 5905 NSTAGE */
#define FILTER_PHI	15e-6	/* frequency tolerance, s/s (RFC 5905 PHI) */
#define FILTER_MAXDISP	16.0	/* s: a stage this dispersed is unusable */
#define FILTER_SGATE	3.0	/* popcorn spike gate, in jitters */
#define FILTER_ALLAN	2048.0	/* s: NTPsec's default Allan intercept */
#define FILTER_MAXDIST	1.5	/* s: NTPsec's tos maxdist default */

/* One on-wire measurement, as RFC 5905 section 8 computes it. */
struct filter_sample {
	double offset;	/* theta */
	double delay;	/* delta, >= 0: clamp to the precision first (RFC 8) */
	double disp;	/* at arrival: rho + rho_local + PHI * (T4 - T1) */
	double t;	/* arrival, steady clock */
};

struct filter_params {
	double precision;	/* system precision, s: floor of the jitter */
	/*
	 * tos maxdist: beyond the first two ranked samples, those with a
	 * distance at or above this count in no statistic but dispersion;
	 * also bounds the popcorn gate as NTPsec does.
	 */
	double maxdist;
	/*
	 * Samples older than this are ranked by delay + dispersion rather
	 * than by delay, so an old low-delay sample loses to fresh ones.
	 */
	double allan;
	/*
	 * Host poll interval, s.  0 turns the popcorn spike gate off.  When
	 * set, a best sample whose offset differs from the previous best by
	 * more than FILTER_SGATE jitters, less than two poll intervals after
	 * the last sample used, is held back (FILTER_POPCORN); it becomes the
	 * reference for the next comparison, so a lasting step passes on the
	 * next sample, as in NTPsec.
	 */
	double poll;
};

enum filter_status {
	FILTER_NEW,	/* a sample newer than the last used: run selection */
	FILTER_OLD,	/* best sample is not newer than the last used */
	FILTER_POPCORN,	/* best sample is a spike: held back */
	FILTER_EMPTY,	/* no usable sample: only disp is meaningful */
};

struct filter_result {
	enum filter_status status;
	double offset;
	double delay;
	double disp;	/* peer dispersion as of @update */
	double jitter;
	double epoch;	/* arrival time of the chosen sample */
	double update;	/* the "now" these statistics were computed for */
	unsigned int n;	/* samples that took part in the jitter */
};

struct filter {
	struct filter_sample stage[FILTER_STAGES];	/* ring, see next */
	unsigned int next;	/* stage the next sample goes to */
	unsigned int count;	/* stages holding a sample */
	bool used;		/* a sample has been handed on */
	double last_epoch;	/* arrival time of the last sample handed on */
	bool have_offset;
	double last_offset;	/* best offset of the previous update */
};

/* NTPsec's defaults; @precision is the system precision in seconds. */
void filter_params_init(struct filter_params *p, double precision);

/* Empty filter: every stage at FILTER_MAXDISP (RFC 5905 clear()). */
void filter_init(struct filter *f);

/*
 * Shifts @s in, dropping the oldest sample once the register is full.
 * Returns 0, or -EINVAL (sample ignored) if a field is not finite or the
 * delay or dispersion is negative.
 */
int filter_add(struct filter *f, const struct filter_sample *s);

/*
 * Computes the peer statistics as of @now (steady clock, not before the
 * newest sample) into @out and returns out->status.  Records the chosen
 * sample as used when the status is FILTER_NEW.
 */
enum filter_status filter_update(struct filter *f,
				 const struct filter_params *p, double now,
				 struct filter_result *out);

/*
 * The sample @age places back from the newest (0 = newest), or NULL when
 * the register holds fewer.  Its dispersion is the one at arrival.
 */
const struct filter_sample *filter_stage(const struct filter *f,
					 unsigned int age);

const char *filter_status_name(enum filter_status status);

#endif
