/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * latency_hist.h - a fixed-size log-linear histogram of nanosecond values
 * for the load generator: exact below 128 ns, then 64 buckets per power of
 * two (under 1.6% error), up to 2^40 ns (about 18 minutes).  Memory is
 * fixed whatever the rate and duration, so percentiles cost nothing per
 * sample but one increment.
 */
#ifndef LATENCY_HIST_H
#define LATENCY_HIST_H

#include <stdint.h>
#include <string.h>

#define LH_SUB_BITS	6
#define LH_SUB		(1U << LH_SUB_BITS)
#define LH_MAX_BITS	40
#define LH_BUCKETS	((LH_MAX_BITS - LH_SUB_BITS + 1) * LH_SUB)

struct latency_hist {
	uint64_t count;
	uint64_t negative;	/* samples below zero, not in the buckets */
	uint64_t max;
	uint64_t bucket[LH_BUCKETS];
};

static inline void lh_reset(struct latency_hist *h)
{
	memset(h, 0, sizeof(*h));
}

static inline unsigned int lh_index(uint64_t v)
{
	unsigned int e;

	if (v < LH_SUB)
		return (unsigned int)v;
	if (v >> LH_MAX_BITS)
		return LH_BUCKETS - 1;
	e = 63U - (unsigned int)__builtin_clzll(v);
	return (e - LH_SUB_BITS + 1) * LH_SUB +
	       (unsigned int)((v >> (e - LH_SUB_BITS)) & (LH_SUB - 1));
}

/* The middle of a bucket's range, the value a percentile reports. */
static inline uint64_t lh_value(unsigned int idx)
{
	unsigned int e = idx / LH_SUB + LH_SUB_BITS - 1;
	uint64_t width;

	if (idx < 2 * LH_SUB)
		return idx;
	width = 1ULL << (e - LH_SUB_BITS);
	return ((LH_SUB + idx % LH_SUB) << (e - LH_SUB_BITS)) + width / 2;
}

static inline void lh_add(struct latency_hist *h, int64_t v)
{
	h->count++;
	if (v < 0) {
		h->negative++;
		return;
	}
	h->bucket[lh_index((uint64_t)v)]++;
	if ((uint64_t)v > h->max)
		h->max = (uint64_t)v;
}

/* The q-quantile (0 < q <= 1) of the non-negative samples; 0 if none. */
static inline uint64_t lh_quantile(const struct latency_hist *h, double q)
{
	uint64_t n = h->count - h->negative, rank, seen = 0;
	unsigned int i;

	if (!n)
		return 0;
	rank = (uint64_t)(q * (double)n);
	if ((double)rank < q * (double)n)
		rank++;
	if (!rank)
		rank = 1;
	for (i = 0; i < LH_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			return lh_value(i) < h->max ? lh_value(i) : h->max;
	}
	return h->max;
}

#endif /* LATENCY_HIST_H */
