// SPDX-License-Identifier: GPL-2.0
/*
 * Access control: allow/deny prefixes for IPv4 and IPv6 with a default,
 * checked before any other work.  The most specific matching prefix wins.
 * Lists are short (NTPSEC_ACL_MAX_RULES), so a linear scan of one
 * cache-friendly array beats anything cleverer at this size.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "acl.h"
#include "netns.h"

static bool prefix_match(const struct in6_addr *a, const struct in6_addr *b,
			 unsigned int len)
{
	unsigned int full = len / 8, bits = len % 8;

	if (memcmp(a, b, full))
		return false;
	if (!bits)
		return true;
	return !((a->s6_addr[full] ^ b->s6_addr[full]) & (u8)(0xff << (8 - bits)));
}

bool ntpsec_acl_allows(struct ntpsec_net *nn, const struct sk_buff *skb)
{
	const struct ntpsec_acl *acl = rcu_dereference(nn->acl);
	const struct ntpsec_acl_rule *best = NULL;
	struct in6_addr src = {};
	unsigned int i;
	u8 family;

	if (!acl)
		return true;
	if (ip_hdr(skb)->version == 4) {
		family = AF_INET;
		memcpy(&src, &ip_hdr(skb)->saddr, 4);
	} else {
		family = AF_INET6;
		src = ipv6_hdr(skb)->saddr;
	}
	for (i = 0; i < acl->n; i++) {
		const struct ntpsec_acl_rule *r = &acl->rules[i];

		if (r->family != family || (best && r->prefix_len <= best->prefix_len))
			continue;
		if (prefix_match(&src, &r->addr, r->prefix_len))
			best = r;
	}
	return (best ? best->action : acl->default_action) == NTPSEC_ACL_ALLOW;
}

static struct ntpsec_acl *acl_current(struct ntpsec_net *nn)
{
	return rcu_dereference_protected(nn->acl, lockdep_is_held(&nn->lock));
}

/* A copy of the current list with room for @extra more rules. */
static struct ntpsec_acl *acl_copy(struct ntpsec_net *nn, unsigned int extra)
{
	const struct ntpsec_acl *old = acl_current(nn);
	unsigned int n = old ? old->n : 0;
	struct ntpsec_acl *acl;

	acl = kzalloc(struct_size(acl, rules, n + extra), GFP_KERNEL);
	if (!acl)
		return NULL;
	acl->default_action = old ? old->default_action : NTPSEC_ACL_ALLOW;
	acl->n = n;
	if (n)
		memcpy(acl->rules, old->rules, n * sizeof(acl->rules[0]));
	return acl;
}

static void acl_publish(struct ntpsec_net *nn, struct ntpsec_acl *acl)
{
	struct ntpsec_acl *old;

	old = rcu_replace_pointer(nn->acl, acl, lockdep_is_held(&nn->lock));
	if (old)
		kfree_rcu(old, rcu);
}

static int acl_find(const struct ntpsec_acl *acl,
		    const struct ntpsec_acl_rule *rule)
{
	unsigned int i;

	for (i = 0; acl && i < acl->n; i++) {
		const struct ntpsec_acl_rule *r = &acl->rules[i];

		if (r->family == rule->family &&
		    r->prefix_len == rule->prefix_len &&
		    ipv6_addr_equal(&r->addr, &rule->addr))
			return i;
	}
	return -1;
}

int ntpsec_acl_add(struct ntpsec_net *nn, const struct ntpsec_acl_rule *rule,
		   struct netlink_ext_ack *extack)
{
	const struct ntpsec_acl *old = acl_current(nn);
	struct ntpsec_acl *acl;
	int i = acl_find(old, rule);

	if (i < 0 && old && old->n >= NTPSEC_ACL_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "the access list is full");
		return -ENOSPC;
	}
	acl = acl_copy(nn, 1);
	if (!acl)
		return -ENOMEM;
	if (i < 0)
		i = acl->n++;
	acl->rules[i] = *rule;
	acl_publish(nn, acl);
	return 0;
}

int ntpsec_acl_del(struct ntpsec_net *nn, const struct ntpsec_acl_rule *rule,
		   struct netlink_ext_ack *extack)
{
	struct ntpsec_acl *acl;
	int i = acl_find(acl_current(nn), rule);

	if (i < 0) {
		NL_SET_ERR_MSG(extack, "no such rule");
		return -ENOENT;
	}
	acl = acl_copy(nn, 0);
	if (!acl)
		return -ENOMEM;
	acl->rules[i] = acl->rules[--acl->n];
	acl_publish(nn, acl);
	return 0;
}

int ntpsec_acl_flush(struct ntpsec_net *nn)
{
	struct ntpsec_acl *acl = acl_copy(nn, 0);

	if (!acl)
		return -ENOMEM;
	acl->n = 0;
	acl_publish(nn, acl);
	return 0;
}

int ntpsec_acl_set_default(struct ntpsec_net *nn, u8 action)
{
	struct ntpsec_acl *acl = acl_copy(nn, 0);

	if (!acl)
		return -ENOMEM;
	acl->default_action = action;
	acl_publish(nn, acl);
	return 0;
}

/* Namespace teardown: no reader is left. */
void ntpsec_acl_free(struct ntpsec_net *nn)
{
	kfree(rcu_dereference_protected(nn->acl, true));
}
