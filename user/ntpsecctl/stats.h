/* SPDX-License-Identifier: BSD-2-Clause */
#ifndef NTPSECCTL_STATS_H
#define NTPSECCTL_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/ntpsec.h>

#include "reply.h"	/* struct module_stats */

/*
 * What each counter is called: its name in `stats` and `--json` output, and
 * the Prometheus metric (and label) it becomes.  Counters that are one
 * quantity split by a reason share a metric and differ by label.
 */
struct counter_desc {
	const char *name;
	const char *metric;	/* without the ntpsec_ prefix and _total */
	const char *label;	/* "key=\"value\"" or NULL */
};

extern const struct counter_desc counter_desc[NTPSEC_CTR_MAX];

void stats_print_prometheus(FILE *out, const struct module_stats *st);

#endif
