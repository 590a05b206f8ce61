/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_STATS_H
#define _NTPSEC_STATS_H

#include <linux/percpu.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <uapi/linux/ntpsec.h>

/*
 * Per-CPU counters and the processing-time histogram: the receive path only
 * ever increments its own CPU's copy, readers add them up.
 */
struct ntpsec_stats {
	u64 ctr[NTPSEC_CTR_MAX];
	u64 latency[NTPSEC_LATENCY_BUCKETS];
	u64 latency_sum_ns;
	/* receive stamp to the reply's actual transmit stamp */
	u64 wire_latency[NTPSEC_LATENCY_BUCKETS];
	u64 wire_latency_sum_ns;
};

#define ntpsec_count(nn, c) this_cpu_inc((nn)->stats->ctr[c])

static inline unsigned int ntpsec_latency_bucket(s64 ns)
{
	unsigned int bucket = ns > 1 ? ilog2((u64)ns) : 0;

	return min_t(unsigned int, bucket, NTPSEC_LATENCY_BUCKETS - 1);
}

static inline void ntpsec_count_latency(struct ntpsec_stats __percpu *stats,
					s64 ns)
{
	this_cpu_inc(stats->latency[ntpsec_latency_bucket(ns)]);
	this_cpu_add(stats->latency_sum_ns, ns > 0 ? (u64)ns : 0);
}

static inline void
ntpsec_count_wire_latency(struct ntpsec_stats __percpu *stats, s64 ns)
{
	this_cpu_inc(stats->wire_latency[ntpsec_latency_bucket(ns)]);
	this_cpu_add(stats->wire_latency_sum_ns, ns > 0 ? (u64)ns : 0);
}

void ntpsec_stats_sum(struct ntpsec_stats __percpu *stats,
		      struct ntpsec_stats *sum);
void ntpsec_stats_reset(struct ntpsec_stats __percpu *stats);

#endif
