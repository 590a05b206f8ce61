/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_CLOCK_H
#define NTPSECD_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct timex;

/*
 * Disciplining the system clock.  Offsets follow RFC 5905: positive means
 * the local clock is behind the true time.
 *
 * Every correction goes through the kernel's frequency (ADJ_FREQUENCY):
 * the estimated frequency error plus, for a while, a rate that removes the
 * phase error.  So everything the daemon ever did to the clock since the
 * last step is one integral it knows exactly, and adding it back to each
 * measured offset gives the phase the clock would have had untouched.  A
 * line fitted by least squares through those phases (chrony's regression)
 * has the frequency error as its slope; the slope is taken with a weight
 * that shrinks it toward the current frequency while it is not yet known
 * better than the noise (the damping), and the fitted line, not the
 * latest noisy sample, says how much phase to remove.  Each phase
 * correction is spread over a time constant and then ends by itself, so a
 * late or missing update can never make it overshoot.
 *
 * Beyond the step threshold the clock is stepped at once only on the
 * first update; later, as ntpd's stepout, only when the offsets stay
 * beyond it for CLOCK_STEPOUT seconds: a momentary wrong selection (two
 * sources left after a step, one of them false) must not step the clock
 * back and forth.
 */
#define CLOCK_STEPOUT 300.0
struct clock_params {
	double step_threshold;	/* tinker step, s; 0: never step */
	double panic_threshold;	/* tinker panic, s; 0: no limit */
	bool allow_first_panic;	/* -g: one step beyond panic is fine */
	const char *driftfile;	/* may be NULL */
};

#define CLOCK_HISTORY 64
#define CLOCK_RATES 256

struct clock_state {
	struct clock_params p;
	int (*adjtimex)(struct timex *tx);	/* the kernel's; tests simulate it */
	bool stepped_once;	/* the first update may step beyond panic (-g) */

	double freq_ppm;	/* estimated frequency correction (drift file) */
	double freq_se_ppm;	/* its standard error; INFINITY: not fitted */
	double kernel_ppm;	/* what the kernel runs at: freq + phase rate */
	double base_ppm;	/* the frequency when the history began */
	double corr;		/* our corrections since then, s (the integral) */
	double corr_t;		/* when corr was brought up to date, monotonic s */
	double slew_until;	/* the phase correction ends; 0: none running */
	double logged_ppm;	/* frequency last logged */
	/*
	 * Each kernel frequency change since the history began (ring, newest
	 * last): a sample measured some time ago (the clock filter hands on
	 * the best of its last eight) is matched with the corrections as
	 * they stood when it was measured, not when it is used.
	 */
	struct {
		double t, corr, ppm;
	} rate[CLOCK_RATES];
	unsigned int nrate;
	double since;		/* the history began (start, step), monotonic s */

	unsigned int n;		/* samples: time, untouched phase */
	double t[CLOCK_HISTORY], u[CLOCK_HISTORY];
	double last_update;	/* monotonic s */
	double est_offset;	/* fitted offset at the last update, s */

	double spike_since;	/* first offset beyond step, monotonic s; 0: none */
	uint64_t steps, updates, spikes;
};

enum clock_action {
	CLOCK_SLEWED,
	CLOCK_STEPPED,
	CLOCK_SPIKE,		/* beyond the step threshold, not yet for long */
	CLOCK_PANIC,		/* beyond the panic threshold: the daemon exits */
	CLOCK_ERROR,		/* the kernel refused: errno says why */
};

/*
 * Reads the drift file (if any) and sets the kernel frequency from it.
 * @adj is adjtimex(2), or a simulation; NULL means adjtimex(2).
 */
int clock_init(struct clock_state *cs, const struct clock_params *p,
	       int (*adj)(struct timex *tx), double now);
/*
 * One system offset, measured at monotonic time @measured (at most @now),
 * used at @now; what was done.
 */
enum clock_action clock_update(struct clock_state *cs, double offset,
			       double measured, double now);
/* Ends a phase correction whose time is up; call at clock_deadline(). */
int clock_tick(struct clock_state *cs, double now);
double clock_deadline(const struct clock_state *cs);
/*
 * Shutting down: the running phase correction stops; with @hand_over (as
 * for -q) what is left of it goes to the kernel's single-shot slew, which
 * finishes it without us.
 */
int clock_finish(struct clock_state *cs, double now, bool hand_over);
/*
 * The kernel's status: synchronized or not (STA_UNSYNC), and a leap second
 * armed at the end of the current UTC day (STA_INS / STA_DEL) or none.
 */
int clock_set_status(struct clock_state *cs, bool synced, int leap_arm);
/* Writes the drift file atomically (rename), as ntpd does hourly. */
int clock_write_drift(const struct clock_state *cs);

#endif
