// SPDX-License-Identifier: GPL-2.0
/*
 * Counter reading and reset.  Counters are u64 per CPU; on 64-bit kernels a
 * racing increment may be missed by a reset or seen late by a reader, never
 * torn.
 */

#include <linux/string.h>

#include "stats.h"

void ntpsec_stats_sum(struct ntpsec_stats __percpu *stats,
		      struct ntpsec_stats *sum)
{
	int cpu, i;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct ntpsec_stats *s = per_cpu_ptr(stats, cpu);

		for (i = 0; i < NTPSEC_CTR_MAX; i++)
			sum->ctr[i] += READ_ONCE(s->ctr[i]);
		for (i = 0; i < NTPSEC_LATENCY_BUCKETS; i++) {
			sum->latency[i] += READ_ONCE(s->latency[i]);
			sum->wire_latency[i] += READ_ONCE(s->wire_latency[i]);
		}
		sum->latency_sum_ns += READ_ONCE(s->latency_sum_ns);
		sum->wire_latency_sum_ns += READ_ONCE(s->wire_latency_sum_ns);
	}
}

void ntpsec_stats_reset(struct ntpsec_stats __percpu *stats)
{
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(stats, cpu), 0, sizeof(struct ntpsec_stats));
}
