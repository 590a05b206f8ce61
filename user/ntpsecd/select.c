// SPDX-License-Identifier: BSD-2-Clause
/*
 * Selection, clustering and combining (RFC 5905 section 11.2, appendix
 * A.5.5), following NTPsec's clock_select() and clock_combine(); the
 * departures are listed in select.h.  Fixed-size arrays on the stack, no
 * allocation, no state between runs.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "select.h"

/* A candidate still in the running, in input order. */
struct entry {
	int idx;		/* into the caller's array */
	double offset;
	double lambda;
	double jitter;
	int stratum;
	bool prefer;
	bool was_syspeer;
};

/* An end of a correctness interval: type -1 lower, +1 upper. */
struct endpoint {
	double val;
	int type;
};

void select_params_init(struct select_params *p)
{
	p->minsane = SELECT_MINSANE;
	p->minclock = SELECT_MINCLOCK;
	p->maxclock = SELECT_MAXCLOCK;
	p->maxdist = SELECT_MAXDIST;
	p->mindist = SELECT_MINDIST;
	p->floor = SELECT_FLOOR;
	p->ceiling = SELECT_CEILING;
}

double select_root_dist(const struct select_candidate *c, double mindist,
			double now)
{
	return fmax(mindist, c->root_delay + c->delay) / 2 + c->root_disp +
	       c->disp + FILTER_PHI * fmax(now - c->update, 0) + c->jitter;
}

static bool params_valid(const struct select_params *p)
{
	return p->minsane >= 0 && p->minclock >= 1 &&
	       p->maxclock >= p->minclock && p->maxdist > 0 &&
	       p->mindist > 0 && isfinite(p->maxdist) && isfinite(p->mindist);
}

static int stratum_of(const struct select_candidate *c)
{
	return c->stratum == 0 ? SELECT_MAXSTRAT : c->stratum;
}

/* RFC 5905 fit(), NTPsec's peer_unfit(): the first reason, or -1 if fit. */
static int unfit(const struct select_candidate *c,
		 const struct select_params *p, double lambda)
{
	int stratum = stratum_of(c);

	if (!c->reachable)
		return SELECT_REJECT_UNREACH;
	if (c->noselect)
		return SELECT_REJECT_NOSELECT;
	if (c->unsync)
		return SELECT_REJECT_UNSYNC;
	if (stratum < p->floor || stratum >= p->ceiling)
		return SELECT_REJECT_STRATUM;
	if (c->loop)
		return SELECT_REJECT_LOOP;
	if (!(lambda < p->maxdist) || !isfinite(c->offset))
		return SELECT_REJECT_DISTANCE;
	return -1;
}

static int endpoint_cmp(const void *a, const void *b)
{
	const struct endpoint *x = a, *y = b;

	if (x->val != y->val)
		return x->val < y->val ? -1 : 1;
	return x->type - y->type;	/* lower ends first: closed intervals */
}

/* Scanning up, the first endpoint inside @need intervals; +inf if none. */
static double scan_up(const struct endpoint *ep, int n2, int need)
{
	int i, count = 0;

	for (i = 0; i < n2; i++) {
		count -= ep[i].type;
		if (count >= need)
			return ep[i].val;
	}
	return INFINITY;
}

/* Scanning down, the first endpoint inside @need intervals; -inf if none. */
static double scan_down(const struct endpoint *ep, int n2, int need)
{
	int i, count = 0;

	for (i = n2 - 1; i >= 0; i--) {
		count += ep[i].type;
		if (count >= need)
			return ep[i].val;
	}
	return -INFINITY;
}

/*
 * The intersection algorithm.  Returns the number of falsetickers allowed
 * for the interval [*low, *high] it found, or -1 if there is none.
 */
static int intersect(const struct entry *e, int n, double *low, double *high)
{
	struct endpoint ep[2 * SELECT_MAX];
	int allow, i;

	if (n < 1)
		return -1;
	for (i = 0; i < n; i++) {
		ep[2 * i].val = e[i].offset - e[i].lambda;
		ep[2 * i].type = -1;
		ep[2 * i + 1].val = e[i].offset + e[i].lambda;
		ep[2 * i + 1].type = 1;
	}
	qsort(ep, (size_t)(2 * n), sizeof(ep[0]), endpoint_cmp);

	for (allow = 0; 2 * allow < n; allow++) {
		*low = scan_up(ep, 2 * n, n - allow);
		*high = scan_down(ep, 2 * n, n - allow);
		if (*high > *low)
			return allow;
	}
	*low = 0;
	*high = 0;
	return -1;
}

static void drop(struct entry *e, int *n, int k)
{
	int i;

	for (i = k + 1; i < *n; i++)
		e[i - 1] = e[i];
	(*n)--;
}

/* Selection jitter of each entry; returns the least peer jitter. */
static double seljits(const struct entry *e, int n, struct select_verdict *v)
{
	double minjit = INFINITY;
	int i, j;

	for (i = 0; i < n; i++) {
		double sum = 0;

		for (j = 0; j < n; j++) {
			double d = e[j].offset - e[i].offset;

			sum += d * d;
		}
		v[e[i].idx].seljit = n > 1 ? sqrt(sum / (n - 1)) : 0;
		minjit = fmin(minjit, e[i].jitter);
	}
	return minjit;
}

/* Index of the entry with the largest seljit * lambda, -1 if none. */
static int worst(const struct entry *e, int n, const struct select_verdict *v,
		 bool skip_prefer)
{
	double top = -INFINITY;
	int i, k = -1;

	for (i = 0; i < n; i++) {
		double m = v[e[i].idx].seljit * e[i].lambda;

		if (skip_prefer && e[i].prefer)
			continue;
		if (m > top) {
			top = m;
			k = i;
		}
	}
	return k;
}

static void cluster(struct entry *e, int *n, const struct select_params *p,
		    struct select_verdict *v)
{
	for (;;) {
		double minjit = seljits(e, *n, v);
		int k;

		if (*n <= p->minclock)
			return;
		if (*n > p->maxclock) {
			k = worst(e, *n, v, true);
			if (k >= 0) {
				v[e[k].idx].state = SELECT_EXCESS;
				drop(e, n, k);
				continue;
			}
		}
		k = worst(e, *n, v, false);
		if (v[e[k].idx].seljit <= minjit || e[k].prefer)
			return;
		v[e[k].idx].state = SELECT_OUTLIER;
		drop(e, n, k);
	}
}

/* NTPsec's system peer metric: lower is better. */
static double metric(const struct entry *e, const struct select_verdict *v,
		     double mindist)
{
	return v[e->idx].seljit * e->lambda + e->stratum * mindist;
}

/* Is @i better than @k (-1: none yet)?  Ties go to the first. */
static bool better(const struct entry *e, int i, int k,
		   const struct select_verdict *v, double mindist)
{
	return k < 0 || metric(&e[i], v, mindist) < metric(&e[k], v, mindist);
}

/*
 * A prefer survivor, else the best one, unless a previous system peer is
 * within mindist of it (the best such, should the caller flag several).
 */
static int choose_syspeer(const struct entry *e, int n,
			  const struct select_verdict *v, double mindist)
{
	int i, k = -1, prefer = -1, hold = -1;

	for (i = 0; i < n; i++) {
		if (better(e, i, k, v, mindist))
			k = i;
		if (e[i].prefer && better(e, i, prefer, v, mindist))
			prefer = i;
	}
	if (prefer >= 0)
		return prefer;
	for (i = 0; i < n; i++)
		if (e[i].was_syspeer &&
		    fabs(e[i].offset - e[k].offset) < mindist &&
		    better(e, i, hold, v, mindist))
			hold = i;
	return hold >= 0 ? hold : k;
}

static void combine(const struct entry *e, int n, int sys,
		    struct select_result *res)
{
	double y = 0, z = 0, w = 0;
	int i;

	if (e[sys].prefer) {
		res->v[e[sys].idx].weight = 1;
		res->offset = e[sys].offset;
		res->jitter = e[sys].jitter;
		return;
	}
	/* Offsets relative to the system peer's: exact for one survivor. */
	for (i = 0; i < n; i++) {
		double x = 1 / e[i].lambda, d = e[i].offset - e[sys].offset;

		y += x;
		z += x * d;
		w += x * d * d;
	}
	for (i = 0; i < n; i++)
		res->v[e[i].idx].weight = 1 / e[i].lambda / y;
	res->offset = e[sys].offset + z / y;
	res->jitter = sqrt(e[sys].jitter * e[sys].jitter + w / y);
}

/* Fills res->v and the working list with the candidates that are fit. */
static int sanity(const struct select_candidate *cands, int n,
		  const struct select_params *p, double now,
		  struct select_result *res, struct entry *e)
{
	int i, m = 0;

	for (i = 0; i < n; i++) {
		const struct select_candidate *c = &cands[i];
		struct select_verdict *v = &res->v[i];
		int why;

		v->rootdist = select_root_dist(c, p->mindist, now);
		why = unfit(c, p, v->rootdist);
		if (why >= 0) {
			v->state = (enum select_state)why;
			continue;
		}
		v->state = SELECT_FALSETICKER;	/* until shown otherwise */
		e[m++] = (struct entry){
			.idx = i,
			.offset = c->offset,
			.lambda = v->rootdist,
			.jitter = c->jitter,
			.stratum = stratum_of(c),
			.prefer = c->prefer,
			.was_syspeer = c->was_syspeer,
		};
	}
	return m;
}

/* Keeps the truechimers in @e; returns how many there are. */
static int truechimers(struct entry *e, int n, double low, double high,
		       struct select_verdict *v)
{
	int i, m = 0;

	for (i = 0; i < n; i++) {
		if (e[i].offset + e[i].lambda < low ||
		    e[i].offset - e[i].lambda > high)
			continue;
		v[e[i].idx].state = SELECT_SURVIVOR;
		e[m++] = e[i];
	}
	return m;
}

int select_run(const struct select_candidate *cands, int n,
	       const struct select_params *p, double now,
	       struct select_result *res)
{
	struct entry e[SELECT_MAX];
	int m, sys;

	if (n < 0 || n > SELECT_MAX || isnan(now) || !params_valid(p))
		return -EINVAL;
	*res = (struct select_result){ .syspeer = -1, .allow = -1 };

	m = sanity(cands, n, p, now, res, e);
	res->n_candidates = m;
	if (!m) {
		res->outcome = SELECT_NO_CANDIDATES;
		return -ENOENT;
	}
	res->allow = intersect(e, m, &res->low, &res->high);
	if (res->allow < 0) {
		res->n_falsetickers = m;
		res->outcome = SELECT_NO_MAJORITY;
		return -ENOENT;
	}
	m = truechimers(e, m, res->low, res->high, res->v);
	res->n_truechimers = m;
	res->n_falsetickers = res->n_candidates - m;

	cluster(e, &m, p, res->v);
	res->n_survivors = m;
	if (!m || res->n_truechimers < p->minsane) {
		res->outcome = SELECT_TOO_FEW;
		return -ENOENT;
	}

	sys = choose_syspeer(e, m, res->v, p->mindist);
	combine(e, m, sys, res);
	res->syspeer = e[sys].idx;
	res->v[res->syspeer].state = SELECT_SYSPEER;
	res->rootdist = e[sys].lambda;
	res->outcome = SELECT_OK;
	return res->syspeer;
}

const char *select_state_name(enum select_state state)
{
	switch (state) {
	case SELECT_REJECT_UNREACH:
		return "unreachable";
	case SELECT_REJECT_NOSELECT:
		return "noselect";
	case SELECT_REJECT_UNSYNC:
		return "unsynchronized";
	case SELECT_REJECT_STRATUM:
		return "bad stratum";
	case SELECT_REJECT_LOOP:
		return "synchronization loop";
	case SELECT_REJECT_DISTANCE:
		return "distance exceeded";
	case SELECT_FALSETICKER:
		return "falseticker";
	case SELECT_EXCESS:
		return "excess";
	case SELECT_OUTLIER:
		return "outlier";
	case SELECT_SURVIVOR:
		return "survivor";
	case SELECT_SYSPEER:
		return "sys.peer";
	}
	return "?";
}

char select_state_tally(enum select_state state)
{
	switch (state) {
	case SELECT_FALSETICKER:
		return 'x';
	case SELECT_EXCESS:
		return '#';
	case SELECT_OUTLIER:
		return '-';
	case SELECT_SURVIVOR:
		return '+';
	case SELECT_SYSPEER:
		return '*';
	default:
		return ' ';
	}
}

const char *select_outcome_name(enum select_outcome outcome)
{
	switch (outcome) {
	case SELECT_OK:
		return "ok";
	case SELECT_NO_CANDIDATES:
		return "no candidates";
	case SELECT_NO_MAJORITY:
		return "no majority agrees";
	case SELECT_TOO_FEW:
		return "fewer truechimers than minsane";
	}
	return "?";
}
