// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl stats --prometheus: the module's counters and processing-time
 * histogram in the Prometheus text exposition format (version 0.0.4), for
 * node_exporter's textfile collector:
 *
 *   ntpsecctl stats --prometheus > /var/lib/node_exporter/ntpsec.prom.$$ &&
 *     mv /var/lib/node_exporter/ntpsec.prom.$$ /var/lib/node_exporter/ntpsec.prom
 *
 * Every family is written once, with HELP and TYPE before its samples.
 */

#include "config.h"

#include <inttypes.h>
#include <string.h>

#include "stats.h"

struct family {
	const char *metric;
	const char *help;
};

static const struct family families[] = {
	{ "received", "NTP datagrams the module examined." },
	{ "answered", "Requests the module answered in the kernel." },
	{ "passed_up", "Datagrams left to the owning socket (ntpsecd)." },
	{ "dropped", "Datagrams dropped, by reason." },
	{ "rx_timestamps", "Answered requests by receive timestamp source." },
	{ "phc_stale", "Hardware stamps not used because the PHC mapping was too old." },
	{ "kod_rate", "RATE kiss-o'-death replies sent." },
	{ "ratelimit_leaked", "Requests over the rate limit answered anyway (leak)." },
	{ "mac", "MAC-authenticated requests, by result." },
	{ "nts", "NTS-protected requests answered, with time or an NTS NAK." },
	{ "interleaved", "Interleaved replies (RFC 9769): the previous reply's actual transmit time." },
	{ "interleaved_basic", "Requests shaped as interleaved answered in basic mode (no transmit stamp held)." },
	{ "tx_timestamps", "Transmit timestamps of replies, by source." },
	{ "tx_timestamps_missing", "Replies forgotten without a transmit stamp (never), stamps for replies already forgotten (late)." },
};

static void print_family(FILE *out, const struct family *f,
			 const struct module_stats *st)
{
	int i;

	fprintf(out, "# HELP ntpsec_%s_total %s\n", f->metric, f->help);
	fprintf(out, "# TYPE ntpsec_%s_total counter\n", f->metric);
	for (i = 0; i < NTPSEC_CTR_MAX; i++) {
		const struct counter_desc *d = &counter_desc[i];

		if (strcmp(d->metric, f->metric))
			continue;
		if (d->label)
			fprintf(out, "ntpsec_%s_total{%s} %" PRIu64 "\n",
				f->metric, d->label, st->ctr[i]);
		else
			fprintf(out, "ntpsec_%s_total %" PRIu64 "\n",
				f->metric, st->ctr[i]);
	}
}

/*
 * Bucket i of the module's histogram holds times in [2^i, 2^(i+1)) ns
 * (bucket 0 from 0), so the cumulative count below 2^(i+1) ns is the
 * Prometheus bucket le=2^(i+1) ns.  A time of exactly 2^(i+1) ns falls one
 * bucket later than "le" promises; at nanosecond resolution that is noise.
 */
static void print_histogram(FILE *out, const char *m, const char *help,
			    const uint64_t *latency, uint64_t sum_ns)
{
	uint64_t cum = 0;
	int i;

	fprintf(out, "# HELP %s %s\n", m, help);
	fprintf(out, "# TYPE %s histogram\n", m);
	for (i = 0; i < NTPSEC_LATENCY_BUCKETS - 1; i++) {
		cum += latency[i];
		fprintf(out, "%s_bucket{le=\"%.9g\"} %" PRIu64 "\n", m,
			(double)((uint64_t)1 << (i + 1)) * 1e-9, cum);
	}
	cum += latency[NTPSEC_LATENCY_BUCKETS - 1];	/* open-ended */
	fprintf(out, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", m, cum);
	fprintf(out, "%s_sum %.9f\n", m, (double)sum_ns * 1e-9);
	fprintf(out, "%s_count %" PRIu64 "\n", m, cum);
}

void stats_print_prometheus(FILE *out, const struct module_stats *st)
{
	size_t i;

	for (i = 0; i < sizeof(families) / sizeof(families[0]); i++)
		print_family(out, &families[i], st);
	/* Without the module's sum a histogram would be invalid: omit it. */
	if (st->have_latency_sum)
		print_histogram(out, "ntpsec_processing_seconds",
				"In-kernel processing time of answered requests, receive timestamp to transmit timestamp.",
				st->latency, st->latency_sum_ns);
	if (st->have_wire_latency)
		print_histogram(out, "ntpsec_wire_seconds",
				"Receive timestamp to the reply's actual transmit stamp (driver or NIC), per stamped reply.",
				st->wire_latency, st->wire_latency_sum_ns);
}
