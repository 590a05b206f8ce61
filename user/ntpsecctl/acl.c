// SPDX-License-Identifier: BSD-2-Clause
/*
 * ntpsecctl acl: the module's access list.
 *   acl [list] | add PREFIX allow|deny | del PREFIX | flush | default allow|deny
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "genl.h"
#include "ntpsecctl.h"
#include "prefix.h"

struct acl_arg {
	struct prefix prefix;
	uint8_t action;
};

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

static int put_rule(struct nl_msg *msg, void *arg)
{
	const struct acl_arg *a = arg;

	if (nla_put(msg, NTPSEC_A_ACL_ADDR, (int)prefix_addr_len(&a->prefix),
		    a->prefix.addr) ||
	    nla_put_u8(msg, NTPSEC_A_ACL_PREFIX_LEN, a->prefix.len))
		return -NLE_NOMEM;
	return 0;
}

static int put_rule_action(struct nl_msg *msg, void *arg)
{
	const struct acl_arg *a = arg;

	if (put_rule(msg, arg) ||
	    nla_put_u8(msg, NTPSEC_A_ACL_ACTION, a->action))
		return -NLE_NOMEM;
	return 0;
}

static int put_action(struct nl_msg *msg, void *arg)
{
	const struct acl_arg *a = arg;

	return nla_put_u8(msg, NTPSEC_A_ACL_ACTION, a->action) ? -NLE_NOMEM : 0;
}

static bool json_output;

static int print_acl(struct nlattr **attrs, void *arg)
{
	struct nlattr *rule, *r[NTPSEC_A_MAX + 1];
	char buf[64];
	int rem, n = 0;

	(void)arg;
	if (!attrs[NTPSEC_A_ACL_ACTION] || !attrs[NTPSEC_A_ACL_RULES]) {
		fprintf(stderr, "ntpsecctl: malformed access list from the module\n");
		return CTL_EXIT_FAILURE;
	}
	if (json_output)
		printf("{\"default\":\"%s\",\"rules\":[",
		       action_name(nla_get_u8(attrs[NTPSEC_A_ACL_ACTION])));
	else
		printf("default: %s\n",
		       action_name(nla_get_u8(attrs[NTPSEC_A_ACL_ACTION])));
	nla_for_each_nested(rule, attrs[NTPSEC_A_ACL_RULES], rem) {
		struct prefix p = { 0 };
		int alen;

		if (nla_parse_nested(r, NTPSEC_A_MAX, rule, NULL) ||
		    !r[NTPSEC_A_ACL_ADDR] || !r[NTPSEC_A_ACL_PREFIX_LEN] ||
		    !r[NTPSEC_A_ACL_ACTION])
			continue;
		alen = nla_len(r[NTPSEC_A_ACL_ADDR]);
		if (alen != 4 && alen != 16)
			continue;
		p.family = alen == 4 ? AF_INET : AF_INET6;
		memcpy(p.addr, nla_data(r[NTPSEC_A_ACL_ADDR]), (size_t)alen);
		p.len = nla_get_u8(r[NTPSEC_A_ACL_PREFIX_LEN]);
		prefix_format(&p, buf, sizeof(buf));
		if (json_output)
			printf("%s{\"prefix\":\"%s\",\"action\":\"%s\"}",
			       n ? "," : "", buf,
			       action_name(nla_get_u8(r[NTPSEC_A_ACL_ACTION])));
		else
			printf("%-44s %s\n", buf,
			       action_name(nla_get_u8(r[NTPSEC_A_ACL_ACTION])));
		n++;
	}
	if (json_output)
		printf("]}\n");
	return CTL_EXIT_OK;
}

static int parse_prefix_arg(const char *s, struct acl_arg *a)
{
	char err[128];

	if (prefix_parse(s, &a->prefix, err, sizeof(err)))
		return ctl_usage_error("%s", err);
	return CTL_EXIT_OK;
}

int ctl_cmd_acl(const struct ctl_options *opts, int argc, char **argv)
{
	struct genl_request req = { 0 };
	struct acl_arg a = { 0 };
	const char *sub = argc > 1 ? argv[1] : "list";
	int ret;

	req.arg = &a;
	if (!strcmp(sub, "list") && argc <= 2) {
		json_output = opts->json;
		req.cmd = NTPSEC_CMD_GET_ACL;
		req.parse = print_acl;
	} else if (!strcmp(sub, "add") && argc == 4) {
		ret = parse_prefix_arg(argv[2], &a);
		if (!ret)
			ret = parse_action(argv[3], &a.action);
		if (ret)
			return ret;
		req.cmd = NTPSEC_CMD_ACL_ADD;
		req.build = put_rule_action;
	} else if (!strcmp(sub, "del") && argc == 3) {
		ret = parse_prefix_arg(argv[2], &a);
		if (ret)
			return ret;
		req.cmd = NTPSEC_CMD_ACL_DEL;
		req.build = put_rule;
	} else if (!strcmp(sub, "flush") && argc == 2) {
		req.cmd = NTPSEC_CMD_ACL_FLUSH;
	} else if (!strcmp(sub, "default") && argc == 3) {
		ret = parse_action(argv[2], &a.action);
		if (ret)
			return ret;
		req.cmd = NTPSEC_CMD_ACL_DEFAULT;
		req.build = put_action;
	} else {
		return ctl_usage_error("acl [list] | add PREFIX allow|deny | del PREFIX | flush | default allow|deny");
	}
	return genl_transact(&req);
}
