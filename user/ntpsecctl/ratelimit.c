// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl ratelimit: per-source rate limiting in the module.
 *   ratelimit [show]
 *   ratelimit set [interval N] [burst N] [leak N] [table N] [kod on|off]
 *                 [log on|off]
 *   ratelimit off
 * "set" starts from the settings in force (chrony's defaults if none) and
 * enables the limit.  "off" stops limiting; the client log (the table
 * without limits, for "ntpsecctl clients") stays as it was.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genl.h"
#include "module.h"
#include "ntpsecctl.h"
#include "reply.h"

static int parse_rl(struct nlattr **attrs, void *arg)
{
	if (ctl_decode_ratelimit(attrs, arg)) {
		fprintf(stderr, "ntpsecctl: malformed rate limit from the module\n");
		return CTL_EXIT_FAILURE;
	}
	return CTL_EXIT_OK;
}

int ctl_read_ratelimit(struct module_ratelimit *c)
{
	struct genl_request req = {
		.cmd = NTPSEC_CMD_GET_RATELIMIT,
		.parse = parse_rl,
		.arg = c,
	};

	return genl_transact(&req);
}

static void print_rl(const struct module_ratelimit *c, bool json)
{
	bool on = c->flags & NTPSEC_RL_F_ENABLED;
	bool kod = c->flags & NTPSEC_RL_F_KOD;
	bool log = c->flags & NTPSEC_RL_F_CLIENTLOG;

	if (json) {
		printf("{\"enabled\":%s,\"interval\":%d,\"burst\":%u,\"leak\":%u,"
		       "\"table_size\":%u,\"kod\":%s,\"client_log\":%s}\n",
		       on ? "true" : "false", c->interval, c->burst, c->leak,
		       c->table_size, kod ? "true" : "false",
		       log ? "true" : "false");
		return;
	}
	printf("rate limit: %s\n", on ? "on" : "off");
	printf("interval:   %d (one request per 2^%d s on average)\n",
	       c->interval, c->interval);
	printf("burst:      %u\n", c->burst);
	printf("leak:       %u%s\n", c->leak,
	       c->leak ? "" : " (nothing over the limit is answered)");
	printf("table:      %u sources\n", c->table_size);
	printf("kod:        %s\n", kod ? "on (RATE kiss-o'-death)" : "off (silent drop)");
	printf("client log: %s\n", on || log ? "on (ntpsecctl clients)" : "off");
}

/* A number within [min, max], else a usage error. */
static int number(const char *name, const char *s, long min, long max,
		  long *out)
{
	char *end;

	*out = strtol(s, &end, 10);
	if (!*s || *end || *out < min || *out > max)
		return ctl_usage_error("%s '%s' is not a number from %ld to %ld",
				       name, s, min, max);
	return CTL_EXIT_OK;
}

static int apply_setting(struct module_ratelimit *c, const char *key, const char *val)
{
	long v;
	int ret;

	if (!strcmp(key, "kod") || !strcmp(key, "log")) {
		uint32_t bit = !strcmp(key, "kod") ? NTPSEC_RL_F_KOD :
						     NTPSEC_RL_F_CLIENTLOG;

		if (strcmp(val, "on") && strcmp(val, "off"))
			return ctl_usage_error("%s takes on or off", key);
		c->flags = !strcmp(val, "on") ? c->flags | bit : c->flags & ~bit;
		return CTL_EXIT_OK;
	}
	if (!strcmp(key, "interval")) {
		ret = number(key, val, -10, 12, &v);
		c->interval = (int8_t)v;
	} else if (!strcmp(key, "burst")) {
		ret = number(key, val, 1, 1024, &v);
		c->burst = (uint32_t)v;
	} else if (!strcmp(key, "leak")) {
		ret = number(key, val, 0, 8, &v);
		c->leak = (uint8_t)v;
	} else if (!strcmp(key, "table")) {
		ret = number(key, val, 256, 1 << 20, &v);
		if (!ret && (v & (v - 1)))
			ret = ctl_usage_error("table must be a power of two");
		c->table_size = (uint32_t)v;
	} else {
		ret = ctl_usage_error("unknown setting '%s'", key);
	}
	return ret;
}

int ctl_cmd_ratelimit(const struct ctl_options *opts, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "show";
	struct module_ratelimit c;
	int i, ret;

	ret = ctl_read_ratelimit(&c);
	if (ret)
		return ret;
	if (!strcmp(sub, "show") && argc <= 2) {
		print_rl(&c, opts->json);
		return CTL_EXIT_OK;
	}
	if (!strcmp(sub, "off") && argc == 2) {
		c.flags &= ~NTPSEC_RL_F_ENABLED;
		return module_set_ratelimit(&c);
	}
	if (strcmp(sub, "set") || argc % 2)
		return ctl_usage_error("ratelimit [show] | off | set [interval N] [burst N] [leak N] [table N] [kod on|off] [log on|off]");
	for (i = 2; i < argc; i += 2) {
		ret = apply_setting(&c, argv[i], argv[i + 1]);
		if (ret)
			return ret;
	}
	c.flags |= NTPSEC_RL_F_ENABLED;
	return module_set_ratelimit(&c);
}
