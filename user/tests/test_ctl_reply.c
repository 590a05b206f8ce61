// SPDX-License-Identifier: BSD-2-Clause
/*
 * test_ctl_reply.c - ntpsecctl's decoding of the module's netlink replies
 * (user/ntpsecctl/reply.c, genl_parse_reply()), on messages built here:
 * well-formed replies decode to what was sent; truncated messages and
 * attributes shorter than their type are refused (fuzz_ctl_reply found
 * the latter reaching nla_get_u32()).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "genl.h"
#include "ktap.h"
#include "reply.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static uint8_t msg[4096] __attribute__((aligned(4)));
static size_t used;

static void msg_start(uint8_t cmd)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)msg;
	struct genlmsghdr *g = (struct genlmsghdr *)(msg + NLMSG_HDRLEN);

	memset(msg, 0, sizeof(msg));
	nlh->nlmsg_type = 0x20;
	g->cmd = cmd;
	g->version = NTPSEC_GENL_VERSION;
	used = NLMSG_HDRLEN + GENL_HDRLEN;
	nlh->nlmsg_len = (uint32_t)used;
}

/* Appends an attribute at the current nesting level; returns its offset. */
static size_t put(uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)(msg + used);
	size_t at = used;

	a->nla_type = type;
	a->nla_len = (uint16_t)(NLA_HDRLEN + len);
	if (len)
		memcpy(msg + used + NLA_HDRLEN, data, len);
	used += NLA_ALIGN(NLA_HDRLEN + len);
	((struct nlmsghdr *)msg)->nlmsg_len = (uint32_t)used;
	return at;
}

static size_t nest_start(uint16_t type)
{
	return put(type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(size_t at)
{
	((struct nlattr *)(msg + at))->nla_len = (uint16_t)(used - at);
}

static void put_u32(uint16_t type, uint32_t v)
{
	put(type, &v, sizeof(v));
}

static void put_u8(uint16_t type, uint8_t v)
{
	put(type, &v, sizeof(v));
}

static void status_decodes(void)
{
	struct nlattr *attrs[NTPSEC_A_MAX + 1];
	struct module_status st = { 0 };

	msg_start(NTPSEC_CMD_GET_STATUS);
	put(NTPSEC_A_STATUS_MODULE_VERSION, "0.1.0", 6);
	put_u32(NTPSEC_A_STATUS_PROTO_VERSION, 1);
	put_u32(NTPSEC_A_STATUS_SOCKETS, 2);
	put_u32(NTPSEC_A_STATUS_FLAGS, NTPSEC_STATUS_F_SYNCHRONIZED);
	CHECK(!genl_parse_reply(msg, used, attrs));
	CHECK(!ctl_decode_status(attrs, &st));
	CHECK(!strcmp(st.version, "0.1.0") && st.proto_version == 1 &&
	      st.sockets == 2 && st.flags == NTPSEC_STATUS_F_SYNCHRONIZED);
}

static void short_attribute_refused(void)
{
	static const uint16_t u32_attrs[] = {
		NTPSEC_A_STATUS_SOCKETS, NTPSEC_A_RL_BURST, NTPSEC_A_KEY_ID,
	};
	struct nlattr *attrs[NTPSEC_A_MAX + 1];
	unsigned int i;
	uint16_t two = 2;

	for (i = 0; i < ARRAY_SIZE(u32_attrs); i++) {
		msg_start(NTPSEC_CMD_GET_STATUS);
		put(u32_attrs[i], &two, 0);		/* at the very end */
		CHECKF(genl_parse_reply(msg, used, attrs) < 0,
		       "empty attribute %u accepted", u32_attrs[i]);
		msg_start(NTPSEC_CMD_GET_STATUS);
		put(u32_attrs[i], &two, sizeof(two));
		CHECKF(genl_parse_reply(msg, used, attrs) < 0,
		       "two-octet attribute %u accepted", u32_attrs[i]);
	}
	msg_start(NTPSEC_CMD_GET_STATUS);
	put(NTPSEC_A_STATUS_MODULE_VERSION, "0.1", 3);	/* no NUL */
	CHECK(genl_parse_reply(msg, used, attrs) < 0);
}

static void truncated_message_refused(void)
{
	struct nlattr *attrs[NTPSEC_A_MAX + 1];

	msg_start(NTPSEC_CMD_GET_KEYS);
	put_u32(NTPSEC_A_KEY_ID, 42);
	CHECK(genl_parse_reply(msg, used - 1, attrs) < 0);
	CHECK(genl_parse_reply(msg, NLMSG_HDRLEN - 1, attrs) < 0);
	((struct nlmsghdr *)msg)->nlmsg_len = 4;
	CHECK(genl_parse_reply(msg, used, attrs) < 0);
}

static void acl_decodes_and_checks_rules(void)
{
	static struct ctl_acl acl;
	struct nlattr *attrs[NTPSEC_A_MAX + 1];
	const uint8_t v4[4] = { 192, 0, 2, 0 };
	size_t rules, rule;

	msg_start(NTPSEC_CMD_GET_ACL);
	put_u8(NTPSEC_A_ACL_ACTION, NTPSEC_ACL_DENY);
	rules = nest_start(NTPSEC_A_ACL_RULES);
	rule = nest_start(NTPSEC_A_ACL_RULE);
	put(NTPSEC_A_ACL_ADDR, v4, sizeof(v4));
	put_u8(NTPSEC_A_ACL_PREFIX_LEN, 24);
	put_u8(NTPSEC_A_ACL_ACTION, NTPSEC_ACL_ALLOW);
	nest_end(rule);
	nest_end(rules);
	CHECK(!genl_parse_reply(msg, used, attrs));
	CHECK(!ctl_decode_acl(attrs, &acl));
	CHECK(acl.default_action == NTPSEC_ACL_DENY && acl.n == 1 &&
	      acl.rules[0].prefix.family == AF_INET &&
	      acl.rules[0].prefix.len == 24 &&
	      acl.rules[0].action == NTPSEC_ACL_ALLOW);

	/* A /33 for IPv4 is refused, not printed. */
	msg[rule + NLA_HDRLEN + NLA_ALIGN(NLA_HDRLEN + 4) + NLA_HDRLEN] = 33;
	CHECK(!genl_parse_reply(msg, used, attrs));
	CHECK(ctl_decode_acl(attrs, &acl));
}

static const struct ktap_case cases[] = {
	{ "status reply decodes", status_decodes },
	{ "attribute shorter than its type refused", short_attribute_refused },
	{ "truncated message refused", truncated_message_refused },
	{ "access list decodes, bad rule refused", acl_decodes_and_checks_rules },
};

int main(void)
{
	return ktap_run_cases(cases, ARRAY_SIZE(cases));
}
