// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl stats: the module's counters in this network namespace, and the
 * processing-time histogram drawn as a text bar chart.
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "genl.h"
#include "ntpsecctl.h"
#include "reply.h"
#include "stats.h"

/* enum ntpsec_counter: name, Prometheus metric and label. */
const struct counter_desc counter_desc[] = {
	[NTPSEC_CTR_RX] = { "rx", "received", NULL },
	[NTPSEC_CTR_ANSWERED] = { "answered", "answered", NULL },
	[NTPSEC_CTR_PASSED_UP] = { "passed_up", "passed_up", NULL },
	[NTPSEC_CTR_DROP_MALFORMED] = { "drop_malformed", "dropped", "reason=\"malformed\"" },
	[NTPSEC_CTR_DROP_TOO_SHORT] = { "drop_too_short", "dropped", "reason=\"too_short\"" },
	[NTPSEC_CTR_DROP_BAD_VERSION] = { "drop_bad_version", "dropped", "reason=\"bad_version\"" },
	[NTPSEC_CTR_DROP_BAD_EF] = { "drop_bad_ef", "dropped", "reason=\"bad_ef\"" },
	[NTPSEC_CTR_DROP_TOO_MANY_EFS] = { "drop_too_many_efs", "dropped", "reason=\"too_many_efs\"" },
	[NTPSEC_CTR_DROP_BAD_TRAILER] = { "drop_bad_trailer", "dropped", "reason=\"bad_trailer\"" },
	[NTPSEC_CTR_DROP_MODE7] = { "drop_mode7", "dropped", "reason=\"mode7\"" },
	[NTPSEC_CTR_DROP_TX_ERROR] = { "drop_tx_error", "dropped", "reason=\"tx_error\"" },
	[NTPSEC_CTR_TS_HW] = { "ts_hw", "rx_timestamps", "source=\"hardware\"" },
	[NTPSEC_CTR_TS_SW] = { "ts_sw", "rx_timestamps", "source=\"software\"" },
	[NTPSEC_CTR_TS_HOOK] = { "ts_hook", "rx_timestamps", "source=\"hook\"" },
	[NTPSEC_CTR_TS_PHC_STALE] = { "ts_phc_stale", "phc_stale", NULL },
	[NTPSEC_CTR_DROP_ACL] = { "drop_acl", "dropped", "reason=\"acl\"" },
	[NTPSEC_CTR_DROP_RATELIMIT] = { "drop_ratelimit", "dropped", "reason=\"ratelimit\"" },
	[NTPSEC_CTR_KOD_RATE] = { "kod_rate", "kod_rate", NULL },
	[NTPSEC_CTR_RATELIMIT_LEAKED] = { "ratelimit_leaked", "ratelimit_leaked", NULL },
	[NTPSEC_CTR_MAC_OK] = { "mac_ok", "mac", "result=\"ok\"" },
	[NTPSEC_CTR_MAC_BAD] = { "mac_bad", "mac", "result=\"bad\"" },
	[NTPSEC_CTR_MAC_UNKNOWN_KEY] = { "mac_unknown_key", "mac", "result=\"unknown_key\"" },
	[NTPSEC_CTR_NTS_OK] = { "nts_ok", "nts", "result=\"ok\"" },
	[NTPSEC_CTR_NTS_NAK] = { "nts_nak", "nts", "result=\"nak\"" },
	[NTPSEC_CTR_DROP_NTS_MALFORMED] = { "drop_nts_malformed", "dropped", "reason=\"nts_malformed\"" },
	[NTPSEC_CTR_DROP_NTS_ERROR] = { "drop_nts_error", "dropped", "reason=\"nts_error\"" },
	[NTPSEC_CTR_XLEAVE] = { "xleave", "interleaved", NULL },
	[NTPSEC_CTR_XLEAVE_BASIC] = { "xleave_basic", "interleaved_basic", NULL },
	[NTPSEC_CTR_TXTS_HW] = { "txts_hw", "tx_timestamps", "source=\"hardware\"" },
	[NTPSEC_CTR_TXTS_DRIVER] = { "txts_driver", "tx_timestamps", "source=\"driver\"" },
	[NTPSEC_CTR_TXTS_NONE] = { "txts_none", "tx_timestamps_missing", "reason=\"never\"" },
	[NTPSEC_CTR_TXTS_LATE] = { "txts_late", "tx_timestamps_missing", "reason=\"late\"" },
};

/* A counter appended to the uapi without a description fails the build. */
_Static_assert(sizeof(counter_desc) / sizeof(counter_desc[0]) == NTPSEC_CTR_MAX,
	       "every counter needs a description");


static int parse_stats(struct nlattr **attrs, void *arg)
{
	if (ctl_decode_stats(attrs, arg)) {
		fprintf(stderr, "ntpsecctl: malformed statistics from the module\n");
		return CTL_EXIT_FAILURE;
	}
	return CTL_EXIT_OK;
}

static void print_json(const struct module_stats *st)
{
	int i;

	printf("{\"counters\":{");
	for (i = 0; i < NTPSEC_CTR_MAX; i++)
		printf("%s\"%s\":%" PRIu64, i ? "," : "", counter_desc[i].name,
		       st->ctr[i]);
	printf("},\"latency_log2_ns\":[");
	for (i = 0; i < NTPSEC_LATENCY_BUCKETS; i++)
		printf("%s%" PRIu64, i ? "," : "", st->latency[i]);
	printf("]");
	if (st->have_latency_sum)
		printf(",\"latency_sum_ns\":%" PRIu64, st->latency_sum_ns);
	if (st->have_wire_latency) {
		printf(",\"wire_latency_log2_ns\":[");
		for (i = 0; i < NTPSEC_LATENCY_BUCKETS; i++)
			printf("%s%" PRIu64, i ? "," : "", st->wire_latency[i]);
		printf("],\"wire_latency_sum_ns\":%" PRIu64,
		       st->wire_latency_sum_ns);
	}
	printf("}\n");
}

static void format_ns(char *buf, size_t len, uint64_t ns)
{
	if (ns >= 1000000000)
		snprintf(buf, len, "%" PRIu64 "s", ns / 1000000000);
	else if (ns >= 1000000)
		snprintf(buf, len, "%" PRIu64 "ms", ns / 1000000);
	else if (ns >= 1000)
		snprintf(buf, len, "%" PRIu64 "us", ns / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "ns", ns);
}

static void print_histogram(const char *title, const uint64_t *latency)
{
	const int width = 40;
	uint64_t max = 0;
	int i, first = -1, last = -1;

	for (i = 0; i < NTPSEC_LATENCY_BUCKETS; i++) {
		if (!latency[i])
			continue;
		if (first < 0)
			first = i;
		last = i;
		if (latency[i] > max)
			max = latency[i];
	}
	printf("\n%s:\n", title);
	if (first < 0) {
		printf("  no replies yet\n");
		return;
	}
	for (i = first; i <= last; i++) {
		char lo[16], hi[16];
		int bar = (int)(latency[i] * (uint64_t)width / max);

		format_ns(lo, sizeof(lo), i ? (uint64_t)1 << i : 0);
		format_ns(hi, sizeof(hi), (uint64_t)1 << (i + 1));
		printf("  %6s - %-6s %10" PRIu64 " |%.*s\n", lo, hi,
		       latency[i], bar,
		       "########################################");
	}
}

int ctl_cmd_stats(const struct ctl_options *opts, int argc, char **argv)
{
	struct module_stats st;
	struct genl_request req = {
		.cmd = NTPSEC_CMD_GET_STATS,
		.parse = parse_stats,
		.arg = &st,
	};
	bool prometheus = false;
	int i, ret;

	if (argc == 2 && !strcmp(argv[1], "--prometheus"))
		prometheus = true;
	else if (argc > 1)
		return ctl_usage_error("stats takes no arguments but --prometheus");
	if (prometheus && opts->json)
		return ctl_usage_error("--json and --prometheus exclude each other");
	memset(&st, 0, sizeof(st));
	ret = genl_transact(&req);
	if (ret != CTL_EXIT_OK)
		return ret;
	if (prometheus) {
		stats_print_prometheus(stdout, &st);
		return CTL_EXIT_OK;
	}
	if (opts->json) {
		print_json(&st);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < NTPSEC_CTR_MAX; i++)
		printf("%-20s %" PRIu64 "\n", counter_desc[i].name, st.ctr[i]);
	print_histogram("processing time (receive stamp to transmit stamp)",
			st.latency);
	if (st.have_wire_latency)
		print_histogram("receive stamp to the reply's actual transmit stamp",
				st.wire_latency);
	return CTL_EXIT_OK;
}
