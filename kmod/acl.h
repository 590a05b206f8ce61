/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _NTPSEC_ACL_H
#define _NTPSEC_ACL_H

#include <linux/in6.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <uapi/linux/ntpsec.h>

struct ntpsec_acl_rule {
	struct in6_addr addr;	/* IPv4 as the first four octets */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 prefix_len;
	u8 action;		/* enum ntpsec_acl_action */
};

/*
 * The access list is replaced whole on every change (copy, change, publish
 * under RCU), so the receive path reads one consistent list without locks.
 */
struct ntpsec_acl {
	u8 default_action;
	unsigned int n;
	struct rcu_head rcu;
	struct ntpsec_acl_rule rules[];
};

struct ntpsec_net;

/* True if the datagram's source may be served; softirq, RCU read side. */
bool ntpsec_acl_allows(struct ntpsec_net *nn, const struct sk_buff *skb);

/* Changes, under nn->lock; each applies fully or returns an error. */
int ntpsec_acl_add(struct ntpsec_net *nn, const struct ntpsec_acl_rule *rule,
		   struct netlink_ext_ack *extack);
int ntpsec_acl_del(struct ntpsec_net *nn, const struct ntpsec_acl_rule *rule,
		   struct netlink_ext_ack *extack);
int ntpsec_acl_flush(struct ntpsec_net *nn);
int ntpsec_acl_set_default(struct ntpsec_net *nn, u8 action);
void ntpsec_acl_free(struct ntpsec_net *nn);

#endif
