// SPDX-License-Identifier: BSD-2-Clause
/*
 * Decoding the module's replies (see reply.h).  The reply policy in genl.c
 * has already checked each top-level attribute's length; nested ones are
 * checked here, because libnl parses a nest without a policy.
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "reply.h"

int ctl_decode_status(struct nlattr **attrs, struct module_status *st)
{
	if (!attrs[NTPSEC_A_STATUS_MODULE_VERSION] ||
	    !attrs[NTPSEC_A_STATUS_PROTO_VERSION] ||
	    !attrs[NTPSEC_A_STATUS_SOCKETS] || !attrs[NTPSEC_A_STATUS_FLAGS])
		return -1;
	nla_strlcpy(st->version, attrs[NTPSEC_A_STATUS_MODULE_VERSION],
		    sizeof(st->version));
	st->proto_version = nla_get_u32(attrs[NTPSEC_A_STATUS_PROTO_VERSION]);
	st->sockets = nla_get_u32(attrs[NTPSEC_A_STATUS_SOCKETS]);
	st->flags = nla_get_u32(attrs[NTPSEC_A_STATUS_FLAGS]);
	return 0;
}

/* Nested u64 attributes numbered from 1; unknown (newer) ones are ignored. */
static int read_u64_array(struct nlattr *nest, uint64_t *v, unsigned int n)
{
	struct nlattr *a;
	int rem;

	nla_for_each_nested(a, nest, rem) {
		unsigned int i = (unsigned int)nla_type(a);

		if (i < 1 || i > n)
			continue;
		if (nla_len(a) != sizeof(uint64_t))
			return -1;
		v[i - 1] = nla_get_u64(a);
	}
	return 0;
}

int ctl_decode_stats(struct nlattr **attrs, struct module_stats *st)
{
	if (!attrs[NTPSEC_A_STATS_COUNTERS] || !attrs[NTPSEC_A_STATS_LATENCY])
		return -1;
	memset(st, 0, sizeof(*st));
	if (read_u64_array(attrs[NTPSEC_A_STATS_COUNTERS], st->ctr,
			   NTPSEC_CTR_MAX) ||
	    read_u64_array(attrs[NTPSEC_A_STATS_LATENCY], st->latency,
			   NTPSEC_LATENCY_BUCKETS))
		return -1;
	/* The policy checked its length. */
	if (attrs[NTPSEC_A_STATS_LATENCY_SUM]) {
		st->latency_sum_ns = nla_get_u64(attrs[NTPSEC_A_STATS_LATENCY_SUM]);
		st->have_latency_sum = true;
	}
	if (attrs[NTPSEC_A_STATS_WIRE_LATENCY] &&
	    attrs[NTPSEC_A_STATS_WIRE_LATENCY_SUM]) {
		if (read_u64_array(attrs[NTPSEC_A_STATS_WIRE_LATENCY],
				   st->wire_latency, NTPSEC_LATENCY_BUCKETS))
			return -1;
		st->wire_latency_sum_ns =
			nla_get_u64(attrs[NTPSEC_A_STATS_WIRE_LATENCY_SUM]);
		st->have_wire_latency = true;
	}
	return 0;
}

static const struct nla_policy rule_policy[NTPSEC_A_MAX + 1] = {
	[NTPSEC_A_ACL_ADDR] = { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 },
	[NTPSEC_A_ACL_PREFIX_LEN] = { .type = NLA_U8 },
	[NTPSEC_A_ACL_ACTION] = { .type = NLA_U8 },
};

static int decode_rule(struct nlattr *rule, struct prefix *p, uint8_t *action)
{
	struct nlattr *r[NTPSEC_A_MAX + 1];
	int alen;

	if (nla_type(rule) != NTPSEC_A_ACL_RULE ||
	    nla_parse_nested(r, NTPSEC_A_MAX, rule,
			     rule_policy) ||
	    !r[NTPSEC_A_ACL_ADDR] || !r[NTPSEC_A_ACL_PREFIX_LEN] ||
	    !r[NTPSEC_A_ACL_ACTION])
		return -1;
	alen = nla_len(r[NTPSEC_A_ACL_ADDR]);
	if (alen != 4 && alen != 16)
		return -1;
	memset(p, 0, sizeof(*p));
	p->family = alen == 4 ? AF_INET : AF_INET6;
	memcpy(p->addr, nla_data(r[NTPSEC_A_ACL_ADDR]), (size_t)alen);
	p->len = nla_get_u8(r[NTPSEC_A_ACL_PREFIX_LEN]);
	*action = nla_get_u8(r[NTPSEC_A_ACL_ACTION]);
	return p->len <= 8 * alen ? 0 : -1;
}

int ctl_decode_acl(struct nlattr **attrs, struct ctl_acl *acl)
{
	struct nlattr *rule;
	int rem;

	if (!attrs[NTPSEC_A_ACL_ACTION] || !attrs[NTPSEC_A_ACL_RULES])
		return -1;
	acl->default_action = nla_get_u8(attrs[NTPSEC_A_ACL_ACTION]);
	acl->n = 0;
	nla_for_each_nested(rule, attrs[NTPSEC_A_ACL_RULES], rem) {
		if (acl->n == NTPSEC_ACL_MAX_RULES ||
		    decode_rule(rule, &acl->rules[acl->n].prefix,
				&acl->rules[acl->n].action))
			return -1;
		acl->n++;
	}
	return 0;
}

int ctl_decode_key(struct nlattr **attrs, struct ctl_key *key)
{
	if (!attrs[NTPSEC_A_KEY_ID] || !attrs[NTPSEC_A_KEY_TYPE])
		return -1;
	key->id = nla_get_u32(attrs[NTPSEC_A_KEY_ID]);
	key->type = nla_get_u8(attrs[NTPSEC_A_KEY_TYPE]);
	return 0;
}

int ctl_decode_ratelimit(struct nlattr **attrs, struct module_ratelimit *rl)
{
	if (!attrs[NTPSEC_A_RL_FLAGS] || !attrs[NTPSEC_A_RL_INTERVAL] ||
	    !attrs[NTPSEC_A_RL_BURST] || !attrs[NTPSEC_A_RL_LEAK] ||
	    !attrs[NTPSEC_A_RL_TABLE_SIZE])
		return -1;
	rl->flags = nla_get_u32(attrs[NTPSEC_A_RL_FLAGS]);
	rl->interval = (int8_t)nla_get_u8(attrs[NTPSEC_A_RL_INTERVAL]);
	rl->burst = nla_get_u32(attrs[NTPSEC_A_RL_BURST]);
	rl->leak = nla_get_u8(attrs[NTPSEC_A_RL_LEAK]);
	rl->table_size = nla_get_u32(attrs[NTPSEC_A_RL_TABLE_SIZE]);
	return 0;
}
