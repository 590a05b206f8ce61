/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECD_CLOCK_H
#define NTPSECD_CLOCK_H

#include <stdbool.h>

/*
 * Disciplining the system clock.  Offsets follow RFC 5905: positive means
 * the local clock is behind the true time.  The frequency is estimated by
 * a least-squares fit of the offsets since the last correction and set
 * with adjtimex(ADJ_FREQUENCY); the phase is slewed with the kernel's
 * single-shot adjustment (at most 500 ppm), or stepped when too far.
 */
struct clock_params {
	double step_threshold;	/* tinker step, s; 0: never step */
	double panic_threshold;	/* tinker panic, s; 0: no limit */
	bool allow_first_panic;	/* -g: one step beyond panic is fine */
	const char *driftfile;	/* may be NULL */
};

#define CLOCK_HISTORY 16

struct clock_state {
	struct clock_params p;
	bool stepped_once;	/* the first update may step beyond panic (-g) */
	double freq_ppm;	/* what the kernel's frequency is set to */
	unsigned int n;
	double t[CLOCK_HISTORY], off[CLOCK_HISTORY];
	double slewed;		/* slews since the history began, s */
	double last_update;	/* monotonic s */
	double last_drift_write;
};

enum clock_action {
	CLOCK_SLEWED,
	CLOCK_STEPPED,
	CLOCK_PANIC,		/* beyond the panic threshold: the daemon exits */
	CLOCK_ERROR,		/* the kernel refused: errno says why */
};

/* Reads the drift file (if any) and sets the kernel frequency from it. */
int clock_init(struct clock_state *cs, const struct clock_params *p);
/* One system offset at monotonic time @now; what was done. */
enum clock_action clock_update(struct clock_state *cs, double offset,
			       double now);
/* Writes the drift file atomically (rename), as ntpd does hourly. */
int clock_write_drift(const struct clock_state *cs);

#endif
