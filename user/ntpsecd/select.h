/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * select.h - system process of RFC 5905 (section 11.2, appendix
 * A.5.5.1-A.5.5.5) as NTPsec runs it: sanity checks, the intersection
 * algorithm, clustering, the choice of the system peer, and combining.
 *
 * select_run() is a pure function of its arguments: the daemon passes one
 * select_candidate per association (its filter statistics and the server's
 * header fields) and gets back, per association, what became of it and why,
 * and the system offset, jitter and root distance.  Times are seconds on the
 * daemon's steady clock, as in filter.h.
 *
 * Where NTPsec and the RFC's sample code differ, this follows NTPsec (the
 * behaviour ntp.conf users know), except where noted:
 * - Intersection: endpoints only (no midpoint count), "allow" falsetickers
 *   from 0 while 2 * allow < n; the chosen interval [low, high] must have
 *   high > low.  A truechimer is a candidate whose correctness interval
 *   [offset - lambda, offset + lambda] meets [low, high].  When no interval
 *   is found (no majority agrees, e.g. two against two) every candidate is
 *   a falseticker and there is no system peer.
 * - minsane counts truechimers (NTPsec counts the survivors of clustering;
 *   the two differ only if minsane > minclock).
 * - Clustering: each round computes every survivor's selection jitter
 *   sqrt(sum_j (offset_j - offset_i)^2 / (n - 1)) and drops the one with
 *   the largest selection jitter weighted by root distance, while more than
 *   max(1, minclock) remain and its selection jitter exceeds the smallest
 *   peer jitter; a prefer peer is never dropped (when it is the worst,
 *   clustering stops).  Added here: while more than maxclock survive, the
 *   worst non-prefer survivor goes regardless of jitter (SELECT_EXCESS);
 *   NTPsec only labels such peers.
 * - System peer: a surviving prefer peer (the best one if several),
 *   else the survivor with the least selection jitter * lambda +
 *   stratum * mindist; anti-clockhop: a survivor flagged was_syspeer whose
 *   offset is within mindist of that choice stays system peer (NTPsec's
 *   rule without its decaying threshold).
 * - Combine: weights 1/lambda over the survivors.  System jitter is
 *   sqrt(psi_p^2 + psi_s^2), psi_p the system peer's peer jitter and psi_s
 *   the weighted RMS of the survivors' offsets less the system peer's, as
 *   RFC 5905 section 11.2.3 says (NTPsec uses the system peer's selection
 *   jitter in place of psi_p).  With a prefer system peer, its own offset
 *   and peer jitter are used (NTPsec), i.e. it has weight 1.
 * - Root distance is RFC 5905 A.5.5.2 root_dist(), floor and all:
 *   max(mindist, root_delay + delay) / 2 + root_disp + disp
 *   + PHI * (now - update) + jitter.
 */
#ifndef NTPSEC_SELECT_H
#define NTPSEC_SELECT_H

#include <stdbool.h>

#include "filter.h"

#define SELECT_MAX		64	/* candidates per run */
#define SELECT_MAXSTRAT		16	/* RFC 5905 MAXSTRAT: unsynchronized */

/* Defaults: NTPsec's tos values. */
#define SELECT_MINSANE		1
#define SELECT_MINCLOCK		3
#define SELECT_MAXCLOCK		10
#define SELECT_MAXDIST		FILTER_MAXDIST
#define SELECT_MINDIST		0.001
#define SELECT_FLOOR		1	/* tos floor */
#define SELECT_CEILING		SELECT_MAXSTRAT	/* tos ceiling */

/* What became of a candidate, from worst to best. */
enum select_state {
	SELECT_REJECT_UNREACH,	/* reach register is zero */
	SELECT_REJECT_NOSELECT,	/* configured noselect */
	SELECT_REJECT_UNSYNC,	/* server's leap bits say unsynchronized */
	SELECT_REJECT_STRATUM,	/* stratum < floor or >= ceiling */
	SELECT_REJECT_LOOP,	/* server is synchronized to us */
	SELECT_REJECT_DISTANCE,	/* lambda >= maxdist, or not a number */
	SELECT_FALSETICKER,	/* interval misses the chosen one */
	SELECT_EXCESS,		/* truechimer dropped: over maxclock */
	SELECT_OUTLIER,		/* truechimer dropped by clustering */
	SELECT_SURVIVOR,	/* combined into the system offset */
	SELECT_SYSPEER,		/* the system peer */
};

/* Why there is no system peer, if there is none. */
enum select_outcome {
	SELECT_OK,
	SELECT_NO_CANDIDATES,	/* every association was rejected */
	SELECT_NO_MAJORITY,	/* no interval agreed by a majority */
	SELECT_TOO_FEW,		/* fewer truechimers than minsane */
};

struct select_params {
	int minsane;		/* truechimers needed for a system peer */
	int minclock;		/* clustering keeps at least this many */
	int maxclock;		/* and at most this many */
	double maxdist;		/* candidates need lambda below this */
	double mindist;		/* lambda's floor, stratum weight, hop gate */
	int floor;		/* lowest acceptable stratum */
	int ceiling;		/* strata from here up are rejected */
};

struct select_candidate {
	/* Peer statistics, from struct filter_result. */
	double offset;
	double delay;
	double disp;
	double jitter;
	double update;		/* the time disp was computed for */
	/* From the server's last packet. */
	double root_delay;
	double root_disp;
	int stratum;		/* 0 (unspecified) is treated as 16 */
	bool unsync;		/* leap indicator 3 */
	/* Association state. */
	bool reachable;		/* reach register non-zero */
	bool noselect;
	bool prefer;
	bool loop;		/* its refid is one of our addresses */
	bool was_syspeer;	/* system peer after the previous run */
};

struct select_verdict {
	enum select_state state;
	double rootdist;	/* lambda at "now" */
	double seljit;		/* in the last clustering round it was in */
	double weight;		/* share in the system offset; 0 if none */
};

struct select_result {
	struct select_verdict v[SELECT_MAX];	/* one per candidate */
	enum select_outcome outcome;
	int syspeer;		/* index of the system peer, or -1 */
	int n_candidates;	/* passed the sanity checks */
	int allow;		/* falsetickers the interval allowed, or -1 */
	int n_falsetickers;
	int n_truechimers;
	int n_survivors;
	double low, high;	/* chosen interval; both 0 if none was */
	/* Valid when outcome is SELECT_OK: */
	double offset;		/* system offset */
	double jitter;		/* system jitter */
	double rootdist;	/* lambda of the system peer */
};

void select_params_init(struct select_params *p);

/*
 * RFC 5905 root_dist() of @c at @now (FILTER_PHI ageing since c->update),
 * floored as described above; not a number if an input is not one.
 */
double select_root_dist(const struct select_candidate *c, double mindist,
			double now);

/*
 * Runs selection, clustering and combining over @cands[0..n-1] at @now.
 * Returns the index of the system peer, -ENOENT when there is none
 * (res->outcome says why; every verdict is still filled in), or -EINVAL
 * (res untouched) for n outside 0..SELECT_MAX, a NaN @now, or parameters
 * out of range (minsane < 0, minclock < 1, maxclock < minclock,
 * maxdist or mindist not positive).
 */
int select_run(const struct select_candidate *cands, int n,
	       const struct select_params *p, double now,
	       struct select_result *res);

/* "falseticker", "sys.peer", ...: for log lines and the sources table. */
const char *select_state_name(enum select_state state);
/* ntpq's tally code: ' ', 'x', '#', '-', '+', '*'. */
char select_state_tally(enum select_state state);
const char *select_outcome_name(enum select_outcome outcome);

#endif
