// SPDX-License-Identifier: BSD-2-Clause
/*
 * The RFC 5905 clock filter (section 10, appendix A.5.2) as NTPsec runs it.
 *
 * Departures from the RFC's sample code, all NTPsec's: samples are ranked
 * by a distance (delay; delay + dispersion once older than the Allan
 * intercept; FILTER_MAXDISP once expired) so empty and stale stages rank
 * last; beyond the first two, samples at or over maxdist leave the jitter
 * out; the jitter is divided by n - 1 as the RFC's section 10 says (its
 * code forgets to).  Unlike NTPsec we sort always, not only once the
 * frequency has settled, and a sample's dispersion is aged from its own
 * arrival to "now" in one step, which is what NTPsec's increments add up to.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>

#include "filter.h"

/* One stage as filter_update() sees it at "now". */
struct ranked {
	const struct filter_sample *s;	/* NULL: empty stage */
	double disp;			/* aged, at most FILTER_MAXDISP */
	double dist;			/* ranking key */
};

void filter_params_init(struct filter_params *p, double precision)
{
	p->precision = precision;
	p->maxdist = FILTER_MAXDIST;
	p->allan = FILTER_ALLAN;
	p->poll = 0;
}

void filter_init(struct filter *f)
{
	*f = (struct filter){ 0 };
}

int filter_add(struct filter *f, const struct filter_sample *s)
{
	if (!isfinite(s->offset) || !isfinite(s->delay) ||
	    !isfinite(s->disp) || !isfinite(s->t) || s->delay < 0 ||
	    s->disp < 0)
		return -EINVAL;
	f->stage[f->next] = *s;
	f->next = (f->next + 1) % FILTER_STAGES;
	if (f->count < FILTER_STAGES)
		f->count++;
	return 0;
}

const struct filter_sample *filter_stage(const struct filter *f,
					 unsigned int age)
{
	if (age >= f->count)
		return NULL;
	return &f->stage[(f->next + FILTER_STAGES - 1 - age) % FILTER_STAGES];
}

static void rank_stage(struct ranked *r, const struct filter_sample *s,
		       const struct filter_params *p, double now)
{
	double age = s ? fmax(now - s->t, 0) : 0;

	r->s = s;
	r->disp = s ? s->disp + FILTER_PHI * age : FILTER_MAXDISP;
	if (r->disp >= FILTER_MAXDISP) {
		r->disp = FILTER_MAXDISP;
		r->dist = FILTER_MAXDISP;
	} else if (age > p->allan) {
		r->dist = s->delay + r->disp;
	} else {
		r->dist = s->delay;
	}
}

/* Insertion sort by distance; stages come newest first, ties keep that. */
static void rank(const struct filter *f, const struct filter_params *p,
		 double now, struct ranked r[FILTER_STAGES])
{
	unsigned int i, j;

	for (i = 0; i < FILTER_STAGES; i++)
		rank_stage(&r[i], filter_stage(f, i), p, now);
	for (i = 1; i < FILTER_STAGES; i++) {
		struct ranked cur = r[i];

		for (j = i; j > 0 && r[j - 1].dist > cur.dist; j--)
			r[j] = r[j - 1];
		r[j] = cur;
	}
}

/* How many of the ranked samples count in the jitter (a prefix). */
static unsigned int usable(const struct ranked r[FILTER_STAGES],
			   const struct filter_params *p)
{
	unsigned int m = 0;

	while (m < FILTER_STAGES && r[m].dist < FILTER_MAXDISP &&
	       (m < 2 || r[m].dist < p->maxdist))
		m++;
	return m;
}

static double weighted_disp(const struct ranked r[FILTER_STAGES])
{
	double disp = 0;
	int i;

	for (i = FILTER_STAGES - 1; i >= 0; i--)
		disp = (disp + r[i].disp) / 2;
	return disp;
}

static double jitter(const struct ranked r[FILTER_STAGES], unsigned int m,
		     double precision)
{
	double sum = 0;
	unsigned int i;

	for (i = 1; i < m; i++) {
		double d = r[i].s->offset - r[0].s->offset;

		sum += d * d;
	}
	return fmax(m > 1 ? sqrt(sum / (m - 1)) : 0, precision);
}

static bool is_popcorn(const struct filter *f, const struct filter_params *p,
		       const struct filter_result *out, double best_disp)
{
	double step = fabs(out->offset - f->last_offset);

	return p->poll > 0 && f->have_offset && f->used &&
	       out->disp < p->maxdist && best_disp < p->maxdist &&
	       step > FILTER_SGATE * out->jitter &&
	       out->epoch - f->last_epoch < 2 * p->poll;
}

enum filter_status filter_update(struct filter *f,
				 const struct filter_params *p, double now,
				 struct filter_result *out)
{
	struct ranked r[FILTER_STAGES];
	unsigned int m;

	rank(f, p, now, r);
	m = usable(r, p);
	*out = (struct filter_result){
		.status = FILTER_EMPTY,
		.disp = weighted_disp(r),
		.update = now,
		.n = m,
	};
	if (!m)
		return out->status;

	out->offset = r[0].s->offset;
	out->delay = r[0].s->delay;
	out->epoch = r[0].s->t;
	out->jitter = jitter(r, m, p->precision);

	if (f->used && out->epoch <= f->last_epoch)
		out->status = FILTER_OLD;
	else if (is_popcorn(f, p, out, r[0].disp))
		out->status = FILTER_POPCORN;
	else
		out->status = FILTER_NEW;

	f->have_offset = true;
	f->last_offset = out->offset;
	if (out->status == FILTER_NEW) {
		f->used = true;
		f->last_epoch = out->epoch;
	}
	return out->status;
}

const char *filter_status_name(enum filter_status status)
{
	switch (status) {
	case FILTER_NEW:
		return "new";
	case FILTER_OLD:
		return "old";
	case FILTER_POPCORN:
		return "popcorn";
	case FILTER_EMPTY:
		return "empty";
	}
	return "?";
}
