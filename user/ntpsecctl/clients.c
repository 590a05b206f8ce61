// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl clients [N]: the N busiest sources (default 20, at most 1000)
 * in the module's client table, with requests, average rate, requests over
 * the rate limit and when last seen.  A source is what the rate limiter
 * counts: an IPv4 address or an IPv6 /64.  The table is the rate limiter's,
 * kept when limiting or the client log is on; its size bounds the list.
 */

#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genl.h"
#include "module.h"
#include "ntpsecctl.h"

#define CLIENTS_DEFAULT 20
#define CLIENTS_MAX 1000

struct client {
	char addr[INET6_ADDRSTRLEN + 4];	/* with "/64" for IPv6 */
	uint64_t requests;
	uint64_t limited;
	uint64_t first_age_ns;
	uint64_t last_age_ns;
};

struct client_list {
	struct client *v;
	size_t n, cap;
	bool oom;
};

static int add_client(struct nlattr **attrs, void *arg)
{
	struct client_list *l = arg;
	struct nlattr *a = attrs[NTPSEC_A_CLIENT_ADDR];
	struct client *c;
	uint8_t buf[16] = { 0 };

	if (!a || !attrs[NTPSEC_A_CLIENT_REQUESTS] ||
	    !attrs[NTPSEC_A_CLIENT_LIMITED] || !attrs[NTPSEC_A_CLIENT_FIRST_AGE] ||
	    !attrs[NTPSEC_A_CLIENT_LAST_AGE] ||
	    (nla_len(a) != 4 && nla_len(a) != 8)) {
		fprintf(stderr, "ntpsecctl: malformed client entry from the module\n");
		return CTL_EXIT_FAILURE;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 256;
		struct client *v = realloc(l->v, cap * sizeof(*v));

		if (!v) {
			l->oom = true;
			return CTL_EXIT_FAILURE;
		}
		l->v = v;
		l->cap = cap;
	}
	c = &l->v[l->n++];
	memcpy(buf, nla_data(a), (size_t)nla_len(a));
	if (nla_len(a) == 4) {
		inet_ntop(AF_INET, buf, c->addr, sizeof(c->addr));
	} else {
		inet_ntop(AF_INET6, buf, c->addr, sizeof(c->addr));
		strcat(c->addr, "/64");
	}
	c->requests = nla_get_u64(attrs[NTPSEC_A_CLIENT_REQUESTS]);
	c->limited = nla_get_u64(attrs[NTPSEC_A_CLIENT_LIMITED]);
	c->first_age_ns = nla_get_u64(attrs[NTPSEC_A_CLIENT_FIRST_AGE]);
	c->last_age_ns = nla_get_u64(attrs[NTPSEC_A_CLIENT_LAST_AGE]);
	return CTL_EXIT_OK;
}

/* Busiest first; equal counts by the most recent. */
static int by_requests(const void *a, const void *b)
{
	const struct client *x = a, *y = b;

	if (x->requests != y->requests)
		return x->requests < y->requests ? 1 : -1;
	return (x->last_age_ns > y->last_age_ns) - (x->last_age_ns < y->last_age_ns);
}

/* Requests per second since first seen; 0 when seen only once. */
static double rate(const struct client *c)
{
	double span = (double)(c->first_age_ns - c->last_age_ns) * 1e-9;

	return c->requests > 1 && span > 0 ? (double)(c->requests - 1) / span : 0;
}

static void print_clients(const struct client_list *l, size_t top, bool json)
{
	size_t i, n = top;

	if (n > l->n)
		n = l->n;

	if (json) {
		printf("{\"sources\":%zu,\"clients\":[", l->n);
		for (i = 0; i < n; i++) {
			const struct client *c = &l->v[i];

			printf("%s{\"address\":\"%s\",\"requests\":%" PRIu64
			       ",\"limited\":%" PRIu64 ",\"rate\":%.3f,"
			       "\"first_seen_ago\":%.3f,\"last_seen_ago\":%.3f}",
			       i ? "," : "", c->addr, c->requests, c->limited,
			       rate(c), (double)c->first_age_ns * 1e-9,
			       (double)c->last_age_ns * 1e-9);
		}
		printf("]}\n");
		return;
	}
	printf("%-43s %10s %10s %10s %10s\n", "source", "requests", "rate/s",
	       "limited", "last (s)");
	for (i = 0; i < n; i++) {
		const struct client *c = &l->v[i];

		printf("%-43s %10" PRIu64 " %10.3f %10" PRIu64 " %10.1f\n",
		       c->addr, c->requests, rate(c), c->limited,
		       (double)c->last_age_ns * 1e-9);
	}
	if (l->n > n)
		printf("(%zu of %zu sources shown)\n", n, l->n);
}

/* Whether the module keeps a table at all (its rate-limit flags say). */
static int table_kept(bool *kept)
{
	struct module_ratelimit c;
	int ret = ctl_read_ratelimit(&c);

	if (ret)
		return ret;
	*kept = c.flags & (NTPSEC_RL_F_ENABLED | NTPSEC_RL_F_CLIENTLOG);
	return CTL_EXIT_OK;
}

int ctl_cmd_clients(const struct ctl_options *opts, int argc, char **argv)
{
	struct client_list l = { 0 };
	struct genl_request req = {
		.cmd = NTPSEC_CMD_GET_CLIENTS,
		.flags = NLM_F_DUMP,
		.parse = add_client,
		.arg = &l,
	};
	unsigned long top = CLIENTS_DEFAULT;
	bool kept;
	int ret;

	if (argc > 2)
		return ctl_usage_error("clients takes at most one argument, a count");
	if (argc == 2) {
		char *end;

		top = strtoul(argv[1], &end, 10);
		if (*end || end == argv[1] || top < 1 || top > CLIENTS_MAX)
			return ctl_usage_error("clients: '%s' is not a count from 1 to %d",
					       argv[1], CLIENTS_MAX);
	}
	ret = table_kept(&kept);
	if (ret)
		return ret;
	if (!kept) {
		fprintf(stderr, "ntpsecctl: the module keeps no client table: rate limiting and the client log are off\n"
			"(ntpsecd turns the log on; by hand: ntpsecctl ratelimit set log on)\n");
		return CTL_EXIT_FAILURE;
	}
	ret = genl_transact(&req);
	if (l.oom)
		fprintf(stderr, "ntpsecctl: out of memory reading the client table\n");
	if (ret == CTL_EXIT_OK) {
		qsort(l.v, l.n, sizeof(*l.v), by_requests);
		print_clients(&l, top, opts->json);
	}
	free(l.v);
	return ret;
}
