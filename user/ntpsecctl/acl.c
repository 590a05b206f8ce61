// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl acl: the module's access list.
 *   acl [list] | add PREFIX allow|deny | del PREFIX | flush | default allow|deny
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "genl.h"
#include "module.h"
#include "ntpsecctl.h"
#include "reply.h"
#include "prefix.h"

static int parse_action(const char *s, uint8_t *action)
{
	if (!strcmp(s, "allow"))
		*action = NTPSEC_ACL_ALLOW;
	else if (!strcmp(s, "deny"))
		*action = NTPSEC_ACL_DENY;
	else
		return ctl_usage_error("action '%s' is not allow or deny", s);
	return CTL_EXIT_OK;
}

static const char *action_name(uint8_t action)
{
	return action == NTPSEC_ACL_DENY ? "deny" : "allow";
}

static bool json_output;

static int print_acl(struct nlattr **attrs, void *arg)
{
	static struct ctl_acl acl;
	char buf[64];
	unsigned int i;

	(void)arg;
	if (ctl_decode_acl(attrs, &acl)) {
		fprintf(stderr, "ntpsecctl: malformed access list from the module\n");
		return CTL_EXIT_FAILURE;
	}
	if (json_output)
		printf("{\"default\":\"%s\",\"rules\":[",
		       action_name(acl.default_action));
	else
		printf("default: %s\n", action_name(acl.default_action));
	for (i = 0; i < acl.n; i++) {
		prefix_format(&acl.rules[i].prefix, buf, sizeof(buf));
		if (json_output)
			printf("%s{\"prefix\":\"%s\",\"action\":\"%s\"}",
			       i ? "," : "", buf, action_name(acl.rules[i].action));
		else
			printf("%-44s %s\n", buf, action_name(acl.rules[i].action));
	}
	if (json_output)
		printf("]}\n");
	return CTL_EXIT_OK;
}

static int parse_prefix_arg(const char *s, struct prefix *p)
{
	char err[128];

	if (prefix_parse(s, p, err, sizeof(err)))
		return ctl_usage_error("%s", err);
	return CTL_EXIT_OK;
}

int ctl_cmd_acl(const struct ctl_options *opts, int argc, char **argv)
{
	struct genl_request req = { .cmd = NTPSEC_CMD_GET_ACL, .parse = print_acl };
	const char *sub = argc > 1 ? argv[1] : "list";
	struct prefix p;
	uint8_t action = NTPSEC_ACL_ALLOW;
	int ret;

	if (!strcmp(sub, "list") && argc <= 2) {
		json_output = opts->json;
		return genl_transact(&req);
	}
	if (!strcmp(sub, "add") && argc == 4) {
		ret = parse_prefix_arg(argv[2], &p);
		if (!ret)
			ret = parse_action(argv[3], &action);
		return ret ? ret : module_acl_add(&p, action);
	}
	if (!strcmp(sub, "del") && argc == 3) {
		ret = parse_prefix_arg(argv[2], &p);
		return ret ? ret : module_acl_del(&p);
	}
	if (!strcmp(sub, "flush") && argc == 2)
		return module_acl_flush();
	if (!strcmp(sub, "default") && argc == 3) {
		ret = parse_action(argv[2], &action);
		return ret ? ret : module_acl_default(action);
	}
	return ctl_usage_error("acl [list] | add PREFIX allow|deny | del PREFIX | flush | default allow|deny");
}
