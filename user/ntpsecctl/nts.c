// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl nts [keys | rotate]
 *   nts         ntpsecd's NTS server: key exchanges, NAKs, cookie keys
 *               (control socket; see daemon.c)
 *   nts keys    the cookie master keys the module holds, by id and age
 *               (never the secrets: the module does not give them back);
 *               the first seals new cookies, all open cookies clients hold
 *   nts rotate  ntpsecd makes a new current key now and pushes it
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "genl.h"
#include "ntpsecctl.h"

struct nts_key_list {
	unsigned int n;
	uint32_t id[NTPSEC_NTS_MAX_KEYS];
	uint64_t created[NTPSEC_NTS_MAX_KEYS];
};

static int parse_nts_keys(struct nlattr **attrs, void *arg)
{
	struct nts_key_list *l = arg;
	struct nlattr *one, *a;
	int rem, rem2;

	if (!attrs[NTPSEC_A_NTS_KEYS])
		goto bad;
	nla_for_each_nested(one, attrs[NTPSEC_A_NTS_KEYS], rem) {
		bool have_id = false;

		if (l->n == NTPSEC_NTS_MAX_KEYS)
			goto bad;
		l->created[l->n] = 0;
		nla_for_each_nested(a, one, rem2) {
			if (nla_type(a) == NTPSEC_A_NTS_KEY_ID &&
			    nla_len(a) == sizeof(uint32_t)) {
				l->id[l->n] = nla_get_u32(a);
				have_id = true;
			} else if (nla_type(a) == NTPSEC_A_NTS_KEY_CREATED &&
				   nla_len(a) == sizeof(uint64_t)) {
				l->created[l->n] = nla_get_u64(a);
			}
		}
		if (!have_id)
			goto bad;
		l->n++;
	}
	return CTL_EXIT_OK;
bad:
	fprintf(stderr, "ntpsecctl: malformed NTS key list from the module\n");
	return CTL_EXIT_FAILURE;
}

static void print_keys(const struct nts_key_list *l, bool json)
{
	time_t now = time(NULL);
	unsigned int i;

	if (json) {
		printf("{\"keys\":[");
		for (i = 0; i < l->n; i++) {
			printf("%s{\"id\":%" PRIu32 ",\"current\":%s", i ? "," : "",
			       l->id[i], i ? "false" : "true");
			if (l->created[i])
				printf(",\"created\":%" PRIu64 ",\"age\":%" PRId64,
				       l->created[i],
				       (int64_t)now - (int64_t)l->created[i]);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	if (!l->n) {
		printf("no NTS keys: NTS requests go to ntpsecd\n");
		return;
	}
	printf("%-12s %-10s %s\n", "key id", "", "age");
	for (i = 0; i < l->n; i++) {
		char age[32] = "-";

		if (l->created[i]) {
			int64_t s = (int64_t)now - (int64_t)l->created[i];

			snprintf(age, sizeof(age), "%" PRId64 "d %02" PRId64 "h %02" PRId64 "m",
				 s / 86400, s / 3600 % 24, s / 60 % 60);
		}
		printf("%-12" PRIu32 " %-10s %s\n", l->id[i],
		       i ? "" : "(current)", age);
	}
}

static int module_keys(const struct ctl_options *opts)
{
	struct nts_key_list l = { 0 };
	struct genl_request req = {
		.cmd = NTPSEC_CMD_GET_NTS_KEYS,
		.parse = parse_nts_keys,
		.arg = &l,
	};
	int ret;

	ret = genl_transact(&req);
	if (ret == CTL_EXIT_OK)
		print_keys(&l, opts->json);
	return ret;
}

int ctl_cmd_nts(const struct ctl_options *opts, int argc, char **argv)
{
	if (argc == 1)
		return ctl_nts_daemon(opts);
	if (argc == 2 && !strcmp(argv[1], "keys"))
		return module_keys(opts);
	if (argc == 2 && !strcmp(argv[1], "rotate"))
		return ctl_nts_rotate(opts);
	return ctl_usage_error("nts [keys | rotate]");
}
