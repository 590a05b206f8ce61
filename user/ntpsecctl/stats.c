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

/* enum ntpsec_counter, lower-cased, without the prefix. */
static const char *const counter_names[] = {
	[NTPSEC_CTR_RX] = "rx",
	[NTPSEC_CTR_ANSWERED] = "answered",
	[NTPSEC_CTR_PASSED_UP] = "passed_up",
	[NTPSEC_CTR_DROP_MALFORMED] = "drop_malformed",
	[NTPSEC_CTR_DROP_TOO_SHORT] = "drop_too_short",
	[NTPSEC_CTR_DROP_BAD_VERSION] = "drop_bad_version",
	[NTPSEC_CTR_DROP_BAD_EF] = "drop_bad_ef",
	[NTPSEC_CTR_DROP_TOO_MANY_EFS] = "drop_too_many_efs",
	[NTPSEC_CTR_DROP_BAD_TRAILER] = "drop_bad_trailer",
	[NTPSEC_CTR_DROP_MODE7] = "drop_mode7",
	[NTPSEC_CTR_DROP_TX_ERROR] = "drop_tx_error",
	[NTPSEC_CTR_TS_HW] = "ts_hw",
	[NTPSEC_CTR_TS_SW] = "ts_sw",
	[NTPSEC_CTR_TS_HOOK] = "ts_hook",
	[NTPSEC_CTR_TS_PHC_STALE] = "ts_phc_stale",
	[NTPSEC_CTR_DROP_ACL] = "drop_acl",
	[NTPSEC_CTR_DROP_RATELIMIT] = "drop_ratelimit",
	[NTPSEC_CTR_KOD_RATE] = "kod_rate",
	[NTPSEC_CTR_RATELIMIT_LEAKED] = "ratelimit_leaked",
	[NTPSEC_CTR_MAC_OK] = "mac_ok",
	[NTPSEC_CTR_MAC_BAD] = "mac_bad",
	[NTPSEC_CTR_MAC_UNKNOWN_KEY] = "mac_unknown_key",
};

/* A counter appended to the uapi without a name here fails the build. */
_Static_assert(sizeof(counter_names) / sizeof(counter_names[0]) == NTPSEC_CTR_MAX,
	       "every counter needs a name");

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
		printf("%s\"%s\":%" PRIu64, i ? "," : "", counter_names[i],
		       st->ctr[i]);
	printf("},\"latency_log2_ns\":[");
	for (i = 0; i < NTPSEC_LATENCY_BUCKETS; i++)
		printf("%s%" PRIu64, i ? "," : "", st->latency[i]);
	printf("]}\n");
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

static void print_histogram(const uint64_t *latency)
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
	printf("\nprocessing time (receive stamp to transmit stamp):\n");
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
	int i, ret;

	(void)argv;
	if (argc > 1)
		return ctl_usage_error("stats takes no arguments");
	memset(&st, 0, sizeof(st));
	ret = genl_transact(&req);
	if (ret != CTL_EXIT_OK)
		return ret;
	if (opts->json) {
		print_json(&st);
		return CTL_EXIT_OK;
	}
	for (i = 0; i < NTPSEC_CTR_MAX; i++)
		printf("%-20s %" PRIu64 "\n", counter_names[i], st.ctr[i]);
	print_histogram(st.latency);
	return CTL_EXIT_OK;
}
